/* receivables.c - the reports of money sold and owed (src/modules/receivables_report.h):
 *   GET /api/v1/reports/sales?by=product|customer|owner|month&from=&to=   销售统计
 *   GET /api/v1/reports/ageing?by=customer|owner&as_of=                   应收账龄
 *   GET /api/v1/reports/arrears?by=instalment|customer|owner&as_of=       欠款查询
 *   GET /api/v1/reports/order_accounts?from=&to=&owner_id=&account_id=    订单账目
 * Each answers {"report","by",<its dates>,"columns","items","total"}, or
 * with format=xlsx|csv the same table as a file (the export right on
 * sales orders). */
#include <string.h>
#include <time.h>

#include "../acl/acl.h"
#include "../modules/receivables_report.h"
#include "../util/clock.h"
#include "api.h"

/* A date parameter that is a real day, or absent. */
static int day_param(http_request *req, http_response *res, const char *name, const char **out)
{
    if (api_date_param(req, res, name, out)) return -1;
    if (!*out || report_valid_date(*out)) return 0;
    err e;
    err_clear(&e);
    err_setf(&e, 400, "bad_param", "参数 %s 不是有效的日期", "Parameter %s is not a valid date", name);
    http_error(req, res, &e);
    return -1;
}

/* format: NULL (JSON), "xlsx" or "csv"; -1 after answering 400. */
static int format_param(http_request *req, http_response *res, const char **format)
{
    *format = http_query(req, "format");
    if (*format && !**format) *format = NULL;
    if (!*format || strcmp(*format, "xlsx") == 0 || strcmp(*format, "csv") == 0) return 0;
    http_fail(req, res, 400, "bad_param", "format 只能是 xlsx 或 csv", "format must be xlsx or csv");
    return -1;
}

static void json_member(strbuf *out, const char *name, const char *v)
{
    sb_printf(out, "\"%s\":", name);
    sb_json_string(out, v);
    sb_putc(out, ',');
}

/* The table as the answer: JSON with the report's own members, or a file
 * named after the report and the day. */
static void answer(http_request *req, http_response *res, entity_ctx *c, const report_table *t, const char *format,
                   const char *name, const char *zh, const char *en, const char *const members[][2])
{
    err e;
    err_clear(&e);
    if (format) {
        const entity_def *orders = meta_entity(c->m, "sales_orders");
        if (!acl_can(c->user, orders, ACL_EXPORT))
            return http_fail(req, res, 403, "forbidden", "没有导出业务订单的权限", "No permission to export sales orders");
        const char *label = strcmp(req->lang, "en") == 0 ? en : zh;
        if (report_table_export(c, t, label, format, &res->body, &e)) return http_error(req, res, &e);
        res->status = 200;
        res->content_type = format[0] == 'x' ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                                             : "text/csv; charset=utf-8";
        char day[11];
        time_t now = time(NULL) + CHINA_OFFSET_SECONDS;
        struct tm tm;
        strftime(day, sizeof day, "%Y%m%d", gmtime_r(&now, &tm));
        api_attachment(req, res, arena_printf(req->a, "%s-%s.%s", name, day, format),
                       arena_printf(req->a, "%s-%s.%s", label, day, format));
        return;
    }
    sb_putc(&res->body, '{');
    json_member(&res->body, "report", name);
    for (int i = 0; members[i][0]; i++) json_member(&res->body, members[i][0], members[i][1]);
    report_table_json(t, c->lang, &res->body);
    sb_putc(&res->body, '}');
    http_json(res, 200);
}

static void sales(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const char *by = http_query(req, "by"), *from, *to, *format;
    if (day_param(req, res, "from", &from) || day_param(req, res, "to", &to) || format_param(req, res, &format)) return;
    report_table t;
    err e;
    err_clear(&e);
    if (report_sales(&c, by ? by : "month", from, to, &t, &e)) return http_error(req, res, &e);
    const char *const m[][2] = {{"by", by ? by : "month"}, {"from", from}, {"to", to}, {0}};
    answer(req, res, &c, &t, format, "sales", "销售统计", "Sales", m);
}

/* A report on one day (as_of, today when not given) grouped by `by`. */
typedef int (*day_report_fn)(entity_ctx *c, const char *by, const char *as_of, report_table *t, err *e);

static void day_report(http_request *req, http_response *res, day_report_fn fn, const char *default_by, const char *name,
                       const char *zh, const char *en)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const char *by = http_query(req, "by"), *as_of, *format;
    if (day_param(req, res, "as_of", &as_of) || format_param(req, res, &format)) return;
    char today[11];
    china_today(today);
    if (!as_of) as_of = arena_strdup(req->a, today); /* the answer says which day it is for */
    report_table t;
    err e;
    err_clear(&e);
    if (fn(&c, by, as_of, &t, &e)) return http_error(req, res, &e);
    const char *const m[][2] = {{"by", by ? by : default_by}, {"as_of", as_of}, {0}};
    answer(req, res, &c, &t, format, name, zh, en, m);
}

static void ageing(http_request *req, http_response *res)
{
    day_report(req, res, report_ageing, "customer", "ageing", "应收账龄", "Receivables ageing");
}

static void arrears(http_request *req, http_response *res)
{
    day_report(req, res, report_arrears, "instalment", "arrears", "欠款查询", "Arrears");
}

static int id_param(http_request *req, http_response *res, const char *name, int64_t *out)
{
    const char *v = http_query(req, name);
    *out = v && *v ? api_parse_id(v) : 0;
    if (!v || !*v || *out > 0) return 0;
    err e;
    err_clear(&e);
    err_setf(&e, 400, "bad_param", "参数 %s 必须是记录编号", "Parameter %s must be a record id", name);
    http_error(req, res, &e);
    return -1;
}

static void order_accounts(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const char *from, *to, *format;
    int64_t owner, account;
    if (day_param(req, res, "from", &from) || day_param(req, res, "to", &to) || format_param(req, res, &format) ||
        id_param(req, res, "owner_id", &owner) || id_param(req, res, "account_id", &account))
        return;
    report_table t;
    err e;
    err_clear(&e);
    if (report_order_accounts(&c, from, to, owner, account, &t, &e)) return http_error(req, res, &e);
    const char *const m[][2] = {{"from", from}, {"to", to}, {0}};
    answer(req, res, &c, &t, format, "order_accounts", "订单账目", "Order accounts", m);
}

#define REPORT_REPLY                                                                                                   \
    "{\"type\":\"object\",\"properties\":{\"report\":{\"type\":\"string\"},\"by\":{\"type\":\"string\"},"            \
    "\"columns\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"key\":{\"type\":\"string\"},"   \
    "\"label\":{\"type\":\"string\"},\"type\":{\"type\":\"string\",\"enum\":[\"text\",\"money\",\"decimal\",\"integer\"]}}}}," \
    "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},\"total\":{\"type\":\"object\",\"nullable\":true}}}"
#define REPORT_FILES "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet text/csv"
#define FORMAT_PARAM {"format", "string", "xlsx or csv: the table as a file", 0}

const route api_receivables_routes[] = {
    {"GET", "/api/v1/reports/sales", sales, 0,
     .doc = {.tag = "reports", .summary = "销售统计 / sales by product, customer, salesperson or month", .id = "sales_report",
             .query = (const route_param[]){{"by", "string", "product, customer, owner or month (default)", 0},
                                            {"from", "string", "order date from, YYYY-MM-DD", 0},
                                            {"to", "string", "order date to, YYYY-MM-DD", 0},
                                            FORMAT_PARAM,
                                            {0}},
             .ok = "200", .reply = REPORT_REPLY, .reply_types = REPORT_FILES, .errors = "403"}},
    {"GET", "/api/v1/reports/ageing", ageing, 0,
     .doc = {.tag = "reports", .summary = "应收账龄 / receivables ageing", .id = "ageing_report",
             .query = (const route_param[]){{"by", "string", "customer (default) or owner", 0},
                                            {"as_of", "string", "the day aged to, YYYY-MM-DD (today)", 0},
                                            FORMAT_PARAM,
                                            {0}},
             .ok = "200", .reply = REPORT_REPLY, .reply_types = REPORT_FILES, .errors = "403"}},
    {"GET", "/api/v1/reports/arrears", arrears, 0,
     .doc = {.tag = "reports", .summary = "欠款查询 / overdue instalments", .id = "arrears_report",
             .query = (const route_param[]){{"by", "string", "instalment (default), customer or owner", 0},
                                            {"as_of", "string", "overdue before this day, YYYY-MM-DD (today)", 0},
                                            FORMAT_PARAM,
                                            {0}},
             .ok = "200", .reply = REPORT_REPLY, .reply_types = REPORT_FILES, .errors = "403"}},
    {"GET", "/api/v1/reports/order_accounts", order_accounts, 0,
     .doc = {.tag = "reports", .summary = "订单账目 / order accounts", .id = "order_accounts_report",
             .query = (const route_param[]){{"from", "string", "order date from, YYYY-MM-DD", 0},
                                            {"to", "string", "order date to, YYYY-MM-DD", 0},
                                            {"owner_id", "integer", "only this salesperson's orders", 0},
                                            {"account_id", "integer", "only this customer's orders", 0},
                                            FORMAT_PARAM,
                                            {0}},
             .ok = "200", .reply = REPORT_REPLY, .reply_types = REPORT_FILES, .errors = "403"}},
    {0},
};
