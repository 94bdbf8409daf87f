/* service.c - 客户服务 requests of /api/v1:
 *   GET /api/v1/service/queue?queue_id=   the ticket queue: open tickets by 解决期限
 *   GET /api/v1/reports/service?by=&from=&to=&format=   服务统计 (JSON, xlsx or csv)
 * The tickets themselves are records (/api/v1/tickets) with their actions. */
#include "../modules/service.h"
#include "../modules/service_stats.h"
#include "api.h"

static void queue(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    list_params p;
    if (api_list_params(req, res, &p)) return;
    const char *q = http_query(req, "queue_id");
    int64_t queue_id = q && *q ? api_parse_id(q) : 0;
    if (q && *q && queue_id <= 0)
        return http_fail(req, res, 400, "bad_param", "参数 queue_id 必须是服务队列编号", "Parameter queue_id must be a queue id");
    err e;
    err_clear(&e);
    if (service_queue_list(&c, queue_id, &p, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

static void statistics(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const char *by = http_query(req, "by"), *from, *to, *format;
    if (!by || !*by) by = "category";
    if (api_date_param(req, res, "from", &from) || api_date_param(req, res, "to", &to) ||
        api_report_format(req, res, &format))
        return;
    report_table t;
    err e;
    err_clear(&e);
    if (report_service(&c, by, from, to, &t, &e)) return http_error(req, res, &e);
    const char *const m[][2] = {{"by", by}, {"from", from}, {"to", to}, {0}};
    api_report_answer(req, res, &c, &t, format, "tickets", "service", "服务统计", "Service statistics", m);
}

const route api_service_routes[] = {
    {"GET", "/api/v1/reports/service", statistics, 0,
     .doc = {.tag = "reports", .summary = "服务统计 / tickets, SLA met and satisfaction by category, channel, priority, kind, agent or month",
             .id = "service_report",
             .query = (const route_param[]){{"by", "string", "category (default), channel, priority, kind, owner or month", 0},
                                            {"from", "string", "received from, YYYY-MM-DD", 0},
                                            {"to", "string", "received to, YYYY-MM-DD", 0},
                                            API_FORMAT_PARAM,
                                            {0}},
             .ok = "200", .reply = API_REPORT_REPLY, .reply_types = API_REPORT_FILES, .errors = "400 403"}},
    {"GET", "/api/v1/service/queue", queue, 0,
     .doc = {.tag = "tickets", .summary = "工单队列 / the ticket queue by resolution deadline", .id = "ticket_queue",
             .query = (const route_param[]){{"queue_id", "integer", "only this service queue", 0},
                                            {"q", "string", "quick search", 0},
                                            {"limit", "integer", "1..500, default 50", 0},
                                            {"offset", "integer", "rows to skip", 0},
                                            {0}},
             .ok = "200", .reply = "RecordList", .errors = "403"}},
    {0},
};
