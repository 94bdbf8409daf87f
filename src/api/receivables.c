/* receivables.c - the reports of money sold and owed (src/modules/receivables_report.h):
 *   GET /api/v1/reports/sales?by=product|customer|owner|month&from=&to=   销售统计
 *   GET /api/v1/reports/ageing?by=customer|owner&as_of=                   应收账龄
 *   GET /api/v1/reports/arrears?by=instalment|customer|owner&as_of=       欠款查询
 *   GET /api/v1/reports/order_accounts?from=&to=&owner_id=&account_id=    订单账目
 *   GET /api/v1/reports/cost?by=type|opportunity|campaign|customer|owner&from=&to=   成本分析
 * Each answers {"report","by",<its dates>,"columns","items","total"}, or
 * with format=xlsx|csv the same table as a file (the export right on
 * sales orders). */
#include <string.h>
#include <time.h>

#include "../acl/acl.h"
#include "../modules/cost_report.h"
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

/* The table as the answer; a file needs the export right on sales orders. */
static void answer(http_request *req, http_response *res, entity_ctx *c, const report_table *t, const char *format,
                   const char *name, const char *zh, const char *en, const char *const members[][2])
{
    api_report_answer(req, res, c, t, format, "sales_orders", name, zh, en, members);
}

/* A report over a period (from, to), grouped `by`; a file needs the
 * export right on `entity`. */
typedef int (*period_report_fn)(entity_ctx *c, const char *by, const char *from, const char *to, report_table *t,
                                err *e);
static void period_report(http_request *req, http_response *res, period_report_fn fn, const char *default_by,
                          const char *entity, const char *name, const char *zh, const char *en)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const char *by = http_query(req, "by"), *from, *to, *format;
    if (day_param(req, res, "from", &from) || day_param(req, res, "to", &to) || api_report_format(req, res, &format)) return;
    report_table t;
    err e;
    err_clear(&e);
    if (fn(&c, by ? by : default_by, from, to, &t, &e)) return http_error(req, res, &e);
    const char *const m[][2] = {{"by", by ? by : default_by}, {"from", from}, {"to", to}, {0}};
    api_report_answer(req, res, &c, &t, format, entity, name, zh, en, m);
}

static void sales(http_request *req, http_response *res)
{
    period_report(req, res, report_sales, "month", "sales_orders", "sales", "销售统计", "Sales");
}

static void cost(http_request *req, http_response *res)
{
    period_report(req, res, report_cost, "type", "expenses", "cost", "成本分析", "Cost analysis");
}

typedef int (*day_report_fn)(entity_ctx *c, const char *by, const char *as_of, report_table *t, err *e);

static void day_report(http_request *req, http_response *res, day_report_fn fn, const char *default_by, const char *name,
                       const char *zh, const char *en)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const char *by = http_query(req, "by"), *as_of, *format;
    if (day_param(req, res, "as_of", &as_of) || api_report_format(req, res, &format)) return;
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
    if (day_param(req, res, "from", &from) || day_param(req, res, "to", &to) || api_report_format(req, res, &format) ||
        id_param(req, res, "owner_id", &owner) || id_param(req, res, "account_id", &account))
        return;
    report_table t;
    err e;
    err_clear(&e);
    if (report_order_accounts(&c, from, to, owner, account, &t, &e)) return http_error(req, res, &e);
    const char *const m[][2] = {{"from", from}, {"to", to}, {0}};
    answer(req, res, &c, &t, format, "order_accounts", "订单账目", "Order accounts", m);
}


const route api_receivables_routes[] = {
    {"GET", "/api/v1/reports/sales", sales, 0,
     .doc = {.tag = "reports", .summary = "销售统计 / sales by product, customer, salesperson or month", .id = "sales_report",
             .query = (const route_param[]){{"by", "string", "product, customer, owner or month (default)", 0},
                                            {"from", "string", "order date from, YYYY-MM-DD", 0},
                                            {"to", "string", "order date to, YYYY-MM-DD", 0},
                                            API_FORMAT_PARAM,
                                            {0}},
             .ok = "200", .reply = API_REPORT_REPLY, .reply_types = API_REPORT_FILES, .errors = "403"}},
    {"GET", "/api/v1/reports/ageing", ageing, 0,
     .doc = {.tag = "reports", .summary = "应收账龄 / receivables ageing", .id = "ageing_report",
             .query = (const route_param[]){{"by", "string", "customer (default) or owner", 0},
                                            {"as_of", "string", "the day aged to, YYYY-MM-DD (today)", 0},
                                            API_FORMAT_PARAM,
                                            {0}},
             .ok = "200", .reply = API_REPORT_REPLY, .reply_types = API_REPORT_FILES, .errors = "403"}},
    {"GET", "/api/v1/reports/arrears", arrears, 0,
     .doc = {.tag = "reports", .summary = "欠款查询 / overdue instalments", .id = "arrears_report",
             .query = (const route_param[]){{"by", "string", "instalment (default), customer or owner", 0},
                                            {"as_of", "string", "overdue before this day, YYYY-MM-DD (today)", 0},
                                            API_FORMAT_PARAM,
                                            {0}},
             .ok = "200", .reply = API_REPORT_REPLY, .reply_types = API_REPORT_FILES, .errors = "403"}},
    {"GET", "/api/v1/reports/order_accounts", order_accounts, 0,
     .doc = {.tag = "reports", .summary = "订单账目 / order accounts", .id = "order_accounts_report",
             .query = (const route_param[]){{"from", "string", "order date from, YYYY-MM-DD", 0},
                                            {"to", "string", "order date to, YYYY-MM-DD", 0},
                                            {"owner_id", "integer", "only this salesperson's orders", 0},
                                            {"account_id", "integer", "only this customer's orders", 0},
                                            API_FORMAT_PARAM,
                                            {0}},
             .ok = "200", .reply = API_REPORT_REPLY, .reply_types = API_REPORT_FILES, .errors = "403"}},
    {"GET", "/api/v1/reports/cost", cost, 0,
     .doc = {.tag = "reports", .summary = "成本分析 / expenses, and gross margin of orders less product cost and expenses",
             .id = "cost_report",
             .query = (const route_param[]){{"by", "string", "type (default), opportunity, campaign, customer or owner", 0},
                                            {"from", "string", "expense and order dates from, YYYY-MM-DD", 0},
                                            {"to", "string", "expense and order dates to, YYYY-MM-DD", 0},
                                            API_FORMAT_PARAM,
                                            {0}},
             .ok = "200", .reply = API_REPORT_REPLY, .reply_types = API_REPORT_FILES, .errors = "400 403"}},
    {0},
};
