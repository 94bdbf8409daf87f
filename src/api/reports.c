/* reports.c - statistics over any entity:
 *   GET /api/v1/reports/group?entity=accounts&by=grade&sum=&q=&filter=
 *   GET /api/v1/reports/accounts?by=type|grade|industry|province|city|owner_id|stage  (客情统计)
 * Both count the rows the same list would show (visibility, filter, q). */
#include <string.h>

#include "api.h"

static void group_report(http_request *req, http_response *res, const char *entity_name)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *ent = entity_name ? meta_entity(c.m, entity_name) : NULL;
    if (!ent || ent->owner) return http_fail(req, res, 400, "bad_param", "参数 entity 须为模块名", "Parameter entity must name a module");
    list_params p;
    if (api_list_params(req, res, &p)) return;
    const char *by = http_query(req, "by");
    if (by && strcmp(by, "owner") == 0) by = "owner_id"; /* the report's word for it */
    err e;
    err_clear(&e);
    if (entity_group(&c, ent, &p, by, http_query(req, "sum"), &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

static void any_group(http_request *req, http_response *res)
{
    group_report(req, res, http_query(req, "entity"));
}

static void account_stats(http_request *req, http_response *res)
{
    group_report(req, res, "accounts");
}

const route api_report_routes[] = {
    {"GET", "/api/v1/reports/group", any_group, 0,
     .doc = {.tag = "reports", .summary = "分组统计 / grouped counts", .id = "group_report",
             .query = (const route_param[]){{"entity", "string", "module, e.g. accounts", 1},
                                            {"by", "string", "group field (owner = owner_id)", 1},
                                            {"sum", "string", "money or number field to add up", 0},
                                            {"q", "string", "quick search", 0},
                                            {"filter", "string", "filter JSON", 0},
                                            {0}},
             .ok = "200", .errors = "403 404 422"}},
    {"GET", "/api/v1/reports/accounts", account_stats, 0,
     .doc = {.tag = "reports", .summary = "客情统计 / customer statistics", .id = "account_stats",
             .query = (const route_param[]){{"by", "string", "type, grade, industry, source, stage, province, city, owner", 1},
                                            {"sum", "string", "money or number field to add up", 0},
                                            {"filter", "string", "filter JSON", 0},
                                            {0}},
             .ok = "200", .errors = "403 422"}},
    {0},
};
