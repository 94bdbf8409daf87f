/* marketing.c - the 市场管理 reports and requests of /api/v1:
 *   GET  /api/v1/reports/competitors     won and lost deals against each competitor
 *   POST /api/v1/campaigns/{id}/members  add the records a filter selects as members */
#include <stdlib.h>
#include <string.h>

#include "../modules/marketing.h"
#include "api.h"

static void competitors(http_request *req, http_response *res)
{
    api_period_report(req, res, marketing_competitor_report);
}

/* The body's filter: an object (or its JSON text) as the list API takes it;
 * *text is NULL without one, and must be freed. */
static int body_filter(json_t *body, char **text, err *e)
{
    json_t *f = json_object_get(body, "filter");
    *text = NULL;
    if (!f || json_is_null(f)) return 0;
    if (json_is_string(f)) *text = strdup(json_string_value(f));
    else if (json_is_object(f)) *text = json_dumps(f, JSON_COMPACT);
    if (*text) return 0;
    err_add_field(e, "filter", "invalid_type");
    return err_set(e, 422, "validation_failed", "filter 须为筛选条件对象", "filter must be a filter object");
}

static void add_members(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]);
    if (!id) return http_fail(req, res, 404, "not_found", "记录不存在", "Record not found");
    json_t *body = http_json_body(req, res);
    if (!body) return;
    err e;
    err_clear(&e);
    static const char *const KEYS[] = {"entity", "filter", "q", "status", NULL};
    char *filter = NULL;
    int rc = -1;
    json_t *status = json_object_get(body, "status");
    if (api_unknown_keys(body, KEYS, &e))
        err_set(&e, 422, "validation_failed", "只能包含 entity、filter、q、status", "Only entity, filter, q and status are allowed");
    else if ((json_object_get(body, "q") && !json_is_string(json_object_get(body, "q"))) || (status && !json_is_string(status)))
        err_set(&e, 422, "validation_failed", "q 和 status 须为文本", "q and status must be text");
    else if (body_filter(body, &filter, &e) == 0) {
        list_params p = {.filter = filter, .q = json_string_value(json_object_get(body, "q"))};
        rc = marketing_add_members(&c, id, json_string_value(json_object_get(body, "entity")), &p,
                                   json_string_value(status), &res->body, &e);
    }
    free(filter);
    json_decref(body);
    if (rc) return http_error(req, res, &e);
    http_json(res, 200);
}

const route api_marketing_routes[] = {
    {"POST", "/api/v1/campaigns/:id/members", add_members, 0,
     .doc = {.tag = "campaigns", .summary = "按筛选条件添加活动成员 / add members from a filter", .id = "add_campaign_members",
             .path = API_ID_PARAM,
             .body = "{\"type\":\"object\",\"required\":[\"entity\"],\"properties\":{"
                     "\"entity\":{\"type\":\"string\",\"enum\":[\"accounts\",\"contacts\",\"leads\"]},"
                     "\"filter\":{\"type\":\"object\"},\"q\":{\"type\":\"string\"},\"status\":{\"type\":\"string\"}}}",
             .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"added\":{\"type\":\"integer\"},\"skipped\":{\"type\":\"integer\"}}}",
             .errors = "404 409 422"}},
    {"GET", "/api/v1/reports/competitors", competitors, 0,
     .doc = {.tag = "reports", .summary = "竞争对手胜负分析 / won and lost against each competitor", .id = "competitor_report",
             .query = (const route_param[]){{"from", "string", "expected close date from, YYYY-MM-DD", 0},
                                            {"to", "string", "expected close date to, YYYY-MM-DD", 0},
                                            {0}},
             .ok = "200", .errors = "403"}},
    {0},
};
