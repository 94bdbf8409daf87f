/* actions.c - the declared actions of every entity (entity_action.h):
 *   POST /api/v1/{entity}/{id}/actions/{name}   body: the asked fields; If-Match optional
 * answers {"record": the record after the action, "result": what the
 * action made (ids of copies, a handler's answer)}. */
#include <stdlib.h>

#include "../entity/entity_action.h"
#include "api.h"

void api_run_action(http_request *req, http_response *res, const char *entity, const char *id_text,
                    const char *action, int result_only)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *ent = api_entity(req, res, &c, entity);
    if (!ent) return;
    int64_t id = api_parse_id(id_text);
    if (!id) return http_fail(req, res, 404, "not_found", "记录不存在", "No such record");
    int64_t if_match = api_if_match(req);
    if (if_match < 0) return http_fail(req, res, 400, "bad_header", "If-Match 无效", "Invalid If-Match");
    json_t *body = req->body_len ? http_json_body(req, res) : json_object();
    if (!body) return;
    err e;
    err_clear(&e);
    json_t *out = NULL;
    int rc = entity_action_run(&c, ent, id, action, body, if_match, &out, &e);
    json_decref(body);
    if (rc) return api_answer_write_error(req, res, &c, ent, id, &e);
    char *text = json_dumps(result_only ? json_object_get(out, "result") : out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    sb_append(&res->body, text ? text : "{}");
    free(text);
    int64_t v = json_integer_value(json_object_get(json_object_get(out, "record"), "version"));
    if (v && !result_only) http_set_header(res, "ETag", arena_printf(req->a, "\"%lld\"", (long long)v));
    json_decref(out);
    http_json(res, 200);
}

static void run(http_request *req, http_response *res)
{
    api_run_action(req, res, req->params[0], req->params[1], req->params[2], 0);
}

const route api_action_routes[] = {
    {"POST", "/api/v1/:entity/:id/actions/:name", run, 0,
     .doc = {.summary = "执行操作 / run a declared action", .id = "run_action",
             .path = (const route_param[]){{"id", "integer", "record id", 1},
                                           {"name", "string", "action name (metadata: entity actions)", 1}, {0}},
             .body = "{\"type\":\"object\"}", .body_optional = 1, .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"record\":{\"type\":\"object\"},"
                      "\"result\":{\"type\":\"object\"}}}",
             .errors = "400 403 404 409 422", .only_if = "actions"}},
    {0},
};
