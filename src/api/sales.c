/* sales.c - the sales actions and reports of /api/v1:
 *   POST /api/v1/leads/{id}/convert      alias of the leads action "convert"
 *   GET  /api/v1/reports/funnel          pipeline by stage (count, amount, weighted) and the funnel
 *   GET  /api/v1/reports/team            业绩简报 per salesperson */
#include <string.h>

#include "../modules/sales.h"
#include "api.h"

/* The route lead conversion had before actions: an alias of
 * POST /api/v1/leads/{id}/actions/convert answering the action's result. */
static void convert_lead(http_request *req, http_response *res)
{
    api_run_action(req, res, "leads", req->params[0], "convert", 1);
}

static void funnel(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const char *owner = http_query(req, "owner"), *from, *to;
    int64_t owner_id = owner && *owner ? api_parse_id(owner) : 0;
    if (owner && *owner && !owner_id)
        return http_fail(req, res, 400, "bad_param", "参数 owner 必须是用户编号", "Parameter owner must be a user id");
    if (api_date_param(req, res, "from", &from) || api_date_param(req, res, "to", &to)) return;
    err e;
    err_clear(&e);
    if (sales_funnel(&c, owner_id, from, to, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

/* GET /api/v1/reports/team?from=&to= (业绩简报) */
static void team(http_request *req, http_response *res)
{
    api_period_report(req, res, sales_team_report);
}

/* GET /api/v1/reminders?days=7 */
static void reminders(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const char *d = http_query(req, "days");
    int64_t days = d ? api_parse_id(d) : 7;
    if (d && (strcmp(d, "0") != 0 && (days <= 0 || days > 366)))
        return http_fail(req, res, 400, "bad_param", "参数 days 必须是 0 到 366 之间的整数",
                         "Parameter days must be an integer from 0 to 366");
    err e;
    err_clear(&e);
    if (sales_reminders(&c, (int)days, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

/* GET /api/v1/opportunities/{id}/stages */
static void stages(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]);
    if (id <= 0) return http_fail(req, res, 404, "not_found", "记录不存在", "No such record");
    err e;
    err_clear(&e);
    if (sales_stage_history(&c, id, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

const route api_sales_routes[] = {
    {"GET", "/api/v1/opportunities/:id/stages", stages, 0,
     .doc = {.tag = "opportunities", .summary = "阶段历程与停留时间 / stage history and time in stage",
             .id = "opportunity_stages", .path = (const route_param[]){{"id", "integer", "opportunity id", 1}, {0}},
             .ok = "200", .errors = "404"}},
    {"GET", "/api/v1/reminders", reminders, 0,
     .doc = {.tag = "reports", .summary = "提醒 / reminders", .id = "reminders",
             .query = (const route_param[]){{"days", "integer", "window in days, default 7", 0}, {0}}, .ok = "200"}},
    {"POST", "/api/v1/leads/:id/convert", convert_lead, 0,
     .doc = {.tag = "leads", .summary = "线索转换 / convert a lead", .id = "convert_lead",
             .path = (const route_param[]){{"id", "integer", "lead id", 1}, {0}},
             .body = "{\"type\":\"object\"}", .body_optional = 1, .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"lead_id\":{\"type\":\"integer\"},"
                      "\"account_id\":{\"type\":\"integer\"},\"contact_id\":{\"type\":\"integer\"},"
                      "\"opportunity_id\":{\"type\":\"integer\",\"nullable\":true}}}",
             .errors = "403 404 409 422"}},
    {"GET", "/api/v1/reports/team", team, 0,
     .doc = {.tag = "reports", .summary = "业绩简报 / team figures per salesperson", .id = "team_report",
             .query = (const route_param[]){{"from", "string", "first day YYYY-MM-DD (China time), default: this month", 0},
                                            {"to", "string", "last day YYYY-MM-DD, inclusive", 0},
                                            {0}},
             .ok = "200"}},
    {"GET", "/api/v1/reports/funnel", funnel, 0,
     .doc = {.tag = "reports", .summary = "销售漏斗 / sales funnel", .id = "sales_funnel",
             .query = (const route_param[]){{"owner", "integer", "owner user id", 0},
                                            {"from", "string", "expected close from YYYY-MM-DD", 0},
                                            {"to", "string", "expected close to YYYY-MM-DD", 0},
                                            {0}},
             .ok = "200", .errors = "403"}},
    {0},
};
