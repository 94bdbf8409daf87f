/* marketing.c - the 市场管理 reports and requests of /api/v1:
 *   GET  /api/v1/reports/competitors     won and lost deals against each competitor */
#include "../modules/marketing.h"
#include "api.h"

static void competitors(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const char *from, *to;
    if (api_date_param(req, res, "from", &from) || api_date_param(req, res, "to", &to)) return;
    err e;
    err_clear(&e);
    if (marketing_competitor_report(&c, from, to, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

const route api_marketing_routes[] = {
    {"GET", "/api/v1/reports/competitors", competitors, 0,
     .doc = {.tag = "reports", .summary = "竞争对手胜负分析 / won and lost against each competitor", .id = "competitor_report",
             .query = (const route_param[]){{"from", "string", "expected close date from, YYYY-MM-DD", 0},
                                            {"to", "string", "expected close date to, YYYY-MM-DD", 0},
                                            {0}},
             .ok = "200", .errors = "403"}},
    {0},
};
