/* ledger.c - the routes of append-only ledgers (metadata "immutable"):
 *   POST /api/v1/{entity}/{id}/reverse          a reversing entry (body optional:
 *                                               fields the reversal sets, e.g. note)
 *   GET  /api/v1/{entity}/balances?name=N       a declared balance (name: the first
 *                                               one when absent), filterable by its
 *                                               group_by fields (&account_id=3),
 *                                               limit and offset. The name is a query
 *                                               parameter: /{entity}/balances/{name}
 *                                               would be ambiguous beside /{entity}/{id}/history.
 * The rules are the engine's (entity_reverse, entity_balance). */
#include <string.h>

#include "api.h"

static void reverse_record(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *ent = api_entity(req, res, &c, req->params[0]);
    if (!ent) return;
    int64_t id = api_parse_id(req->params[1]);
    if (!id) return http_fail(req, res, 404, "not_found", "记录不存在", "Record not found");
    json_t *body = NULL;
    if (req->body_len && !(body = http_json_body(req, res))) return;
    err e;
    err_clear(&e);
    int64_t made = 0;
    int rc = entity_reverse(&c, ent, id, body, &made, &e);
    json_decref(body);
    if (rc) return http_error(req, res, &e);
    http_set_header(res, "Location", arena_printf(req->a, "/api/v1/%s/%lld", ent->name, (long long)made));
    api_answer_record(req, res, &c, ent, made, 201);
}

static void read_balance(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *ent = api_entity(req, res, &c, req->params[0]);
    if (!ent) return;
    const char *name = http_query(req, "name");
    if (!name) name = ent->nbalances ? ent->balances[0].name : "";
    const balance_def *b = entity_balance_def(ent, name);
    const char **values = arena_alloc(req->a, sizeof *values * (size_t)(b ? b->ngroup_by + 1 : 1));
    for (int i = 0; b && i < b->ngroup_by; i++) values[i] = http_query(req, b->group_by[i]);
    int64_t limit, offset;
    if (api_int_param(req, res, "limit", LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT, &limit) ||
        api_int_param(req, res, "offset", 0, LIST_MAX_OFFSET, &offset))
        return;
    err e;
    err_clear(&e);
    if (entity_balance(&c, ent, name, values, limit, offset, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

const route api_ledger_routes[] = {
    {"POST", "/api/v1/:entity/:id/reverse", reverse_record, 0,
     .doc = {.summary = "冲销（生成冲销分录）/ reverse an entry", .id = "reverse", .path = API_ID_PARAM,
             .body = "{\"type\":\"object\",\"description\":\"fields the reversing entry sets besides the copy (a note, a date); "
                     "never the negated amounts or the link\"}",
             .body_optional = 1, .ok = "201", .reply = ":entity", .errors = "403 404 409 422", .only_if = "reversible",
             .headers = API_RECORD_HEADERS}},
    {"GET", "/api/v1/:entity/balances", read_balance, 0,
     .doc = {.summary = "账本余额 / ledger balance", .id = "balance",
             .query = (const route_param[]){{"name", "string", "balance name (metadata balances); default: the first", 0},
                                            {"limit", "integer", "rows per page (default 50, at most 500)", 0},
                                            {"offset", "integer", "rows to skip", 0},
                                            {0}},
             .ok = "200",
             .reply = "{\"type\":\"object\",\"description\":\"{balance, items: [{group_by fields (links with their "
                      "name), sums, entries}], total}; a group_by field given as a query parameter selects its rows\"}",
             .errors = "403 404 422", .only_if = "balances"}},
    {0},
};
