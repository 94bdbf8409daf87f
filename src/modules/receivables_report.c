/* receivables_report.c - see receivables_report.h. */
#include "receivables_report.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../acl/acl.h"
#include "../entity/report_cache.h"
#include "../util/arena.h"
#include "../util/clock.h"

#define ROWS_MAX 5000 /* a report is read, not paged: more rows than this is a filter to narrow */

/* What an order's date is: its 签订日期, else the (UTC) day it was made. */
#define ORDER_DAY "COALESCE(o.order_date, SUBSTR(o.created_at, 1, 10))"

/* The part of an order's 未收款 no live instalment carries (an order
 * without a plan, or the amount beyond it): due on the order's date. So
 * an order's items add up to its 未收款 exactly. Never below zero: the
 * order's returns and allowances pay its plan as its receipts do
 * (receivables.c spread_over_plan) and 未收款 is never below zero. */
#define UNPLANNED                                                                                                        \
    "(o.outstanding - COALESCE((SELECT SUM(i.outstanding) FROM instalments i WHERE i.company_id = o.company_id"         \
    " AND i.sales_order_id = o.id AND i.deleted_at IS NULL), 0))"

/* What the money reports read: their cache dies when one of these is written. */
static const char *const RECEIVABLES_READS[] = {"sales_orders", "instalments", "receipts", "sales_returns",
                                                "sales_allowances", "accounts", "users", NULL};

/* ---- dates ---- */

static int parse_day(const char *s, time_t *out)
{
    int y, m, d;
    char tail;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
    time_t t = timegm(&tm);
    struct tm back;
    gmtime_r(&t, &back);
    if (back.tm_year != y - 1900 || back.tm_mon != m - 1 || back.tm_mday != d) return -1;
    *out = t;
    return 0;
}

int report_valid_date(const char *s)
{
    time_t t;
    return parse_day(s, &t) == 0;
}

static void format_day(time_t t, char out[11])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* as_of, or today in Beijing, into day. */
static void as_of_day(const char *as_of, char day[11])
{
    if (as_of) snprintf(day, 11, "%s", as_of);
    else china_today(day);
}

static void days_before(const char *day, int days, char out[11])
{
    time_t t = 0;
    parse_day(day, &t);
    format_day(t - (time_t)days * 86400, out);
}

static int64_t days_between(const char *from, const char *to)
{
    time_t a = 0, b = 0;
    if (parse_day(from, &a) || parse_day(to, &b)) return 0;
    return (int64_t)((b - a) / 86400);
}

/* ---- what every report reads ---- */

/* The orders entity when the user may read orders and their amounts. */
static const entity_def *readable_orders(entity_ctx *c, err *e)
{
    const entity_def *orders = meta_entity(c->m, "sales_orders");
    if (!orders || !acl_can(c->user, orders, ACL_VIEW)) {
        err_set(e, 403, "forbidden", "没有查看业务订单的权限", "No permission to view sales orders");
        return NULL;
    }
    const field_def *total = meta_field(orders, "total");
    if (total && acl_field_access(c->user, orders, total) == ACL_HIDDEN) {
        err_set(e, 403, "forbidden", "没有查看订单金额的权限", "No permission to see order amounts");
        return NULL;
    }
    return orders;
}

/* Live orders approved or later, not cancelled, that the user's order
 * list shows (alias o). */
static void live_orders(entity_ctx *c, const entity_def *orders, query *q)
{
    query_sql(q, " o.deleted_at IS NULL AND o.status IN ('approved', 'executing', 'shipped', 'completed') AND ");
    acl_list_predicate(c->user, orders, "o", q);
}

static void period(query *q, const char *from, const char *to)
{
    if (from) {
        query_sql(q, " AND " ORDER_DAY " >= ");
        query_bind_text(q, from);
    }
    if (to) {
        query_sql(q, " AND " ORDER_DAY " <= ");
        query_bind_text(q, to);
    }
}

static db_stmt *run(entity_ctx *c, query *q, err *e)
{
    db_stmt *s = db_prepare(c->db, sb_str(&q->sql), e);
    if (s) query_bind_all(q, s);
    query_free(q);
    return s;
}

static int finish(db_stmt *s, int step, err *e)
{
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取报表失败", "Cannot read the report") : 0;
}

/* A report's place in the cache: its key (empty when it cannot be kept)
 * and whether this request claimed its computation. */
typedef struct kept_key {
    strbuf key;
    int claimed;
} kept_key;

/* 1 when report `tag` run as q is kept (t filled, q freed); else 0, with
 * k what to keep it under: then keep_report or drop_report must follow. */
static int kept_report(entity_ctx *c, const char *tag, query *q, report_table *t, kept_key *k)
{
    k->key = (strbuf)STRBUF_INIT;
    k->claimed = 0;
    if (report_cache_key(c, tag, RECEIVABLES_READS, q, &k->key)) return sb_free(&k->key), 0;
    if (!report_cache_get(sb_str(&k->key), t, &k->claimed)) return 0;
    sb_free(&k->key);
    query_free(q);
    return 1;
}

/* Keeps the finished t under k (when it has a key), waking those who wait for it. */
static void keep_report(entity_ctx *c, kept_key *k, report_table *t)
{
    if (k->key.len) {
        t->source = RT_COMPUTED;
        report_cache_put(sb_str(&k->key), c->lang, t, k->claimed);
    }
    sb_free(&k->key);
}

/* The computation failed: those waiting for it compute in turn. Returns -1. */
static int drop_report(kept_key *k)
{
    if (k->key.len) report_cache_drop(sb_str(&k->key), k->claimed);
    sb_free(&k->key);
    return -1;
}

static const char *text_or(entity_ctx *c, db_stmt *s, int col, const char *zh, const char *en)
{
    if (!db_column_is_null(s, col) && *db_column_text(s, col)) return arena_strdup(c->a, db_column_text(s, col));
    return strcmp(c->lang, "en") == 0 ? en : zh;
}

static int64_t num(db_stmt *s, int col)
{
    return db_column_is_null(s, col) ? 0 : db_column_int64(s, col);
}

static int bad_by(err *e, const char *allowed)
{
    return err_setf(e, 400, "bad_param", "参数 by 只能是 %s", "Parameter by must be one of %s", allowed);
}

/* How a report groups: the key and name columns and the join naming them. */
typedef struct grouping {
    const char *by, *key, *name, *join, *none_zh, *none_en;
} grouping;

static const grouping GROUPS[] = {
    {"product", "l.product_id", "p.name", " LEFT JOIN products p ON p.id = l.product_id", "（无产品）", "(no product)"},
    {"customer", "o.account_id", "a.name", " LEFT JOIN accounts a ON a.id = o.account_id", "（无客户）", "(no account)"},
    {"owner", "o.owner_id", "u.name", " LEFT JOIN users u ON u.id = o.owner_id", "（无负责人）", "(no owner)"},
};

static const grouping *grouping_of(const char *by, int with_product)
{
    for (size_t i = with_product ? 0 : 1; by && i < sizeof GROUPS / sizeof *GROUPS; i++)
        if (strcmp(GROUPS[i].by, by) == 0) return &GROUPS[i];
    return NULL;
}

/* ---- sales ---- */

static const rt_column SALES_PRODUCT[] = {
    {"label", "产品", "Product", RT_TEXT},          {"orders", "订单数", "Orders", RT_INTEGER},
    {"quantity", "数量", "Quantity", RT_DECIMAL2}, {"subtotal", "金额", "Amount", RT_MONEY},
    {"tax", "税额", "Tax", RT_MONEY},               {"total", "价税合计", "Total", RT_MONEY}};
static const rt_column SALES_CUSTOMER[] = {{"label", "客户", "Account", RT_TEXT},    {"orders", "订单数", "Orders", RT_INTEGER},
                                           {"subtotal", "金额", "Amount", RT_MONEY}, {"tax", "税额", "Tax", RT_MONEY},
                                           {"total", "价税合计", "Total", RT_MONEY}};
static const rt_column SALES_OWNER[] = {{"label", "销售员", "Salesperson", RT_TEXT}, {"orders", "订单数", "Orders", RT_INTEGER},
                                        {"subtotal", "金额", "Amount", RT_MONEY},    {"tax", "税额", "Tax", RT_MONEY},
                                        {"total", "价税合计", "Total", RT_MONEY}};
static const rt_column SALES_MONTH[] = {{"label", "月份", "Month", RT_TEXT},       {"orders", "订单数", "Orders", RT_INTEGER},
                                        {"subtotal", "金额", "Amount", RT_MONEY}, {"tax", "税额", "Tax", RT_MONEY},
                                        {"total", "价税合计", "Total", RT_MONEY}};
#define NCOLS(a) (int)(sizeof a / sizeof *a)

int report_sales(entity_ctx *c, const char *by, const char *from, const char *to, report_table *t, err *e)
{
    const entity_def *orders = readable_orders(c, e);
    if (!orders) return -1;
    int month = by && strcmp(by, "month") == 0;
    const grouping *g = month ? NULL : grouping_of(by, 1);
    if (!month && !g) return bad_by(e, "product, customer, owner, month");
    int product = g && strcmp(g->by, "product") == 0;
    if (product) report_table_init(t, c->a, SALES_PRODUCT, NCOLS(SALES_PRODUCT));
    else if (month) report_table_init(t, c->a, SALES_MONTH, NCOLS(SALES_MONTH));
    else if (strcmp(g->by, "customer") == 0) report_table_init(t, c->a, SALES_CUSTOMER, NCOLS(SALES_CUSTOMER));
    else report_table_init(t, c->a, SALES_OWNER, NCOLS(SALES_OWNER));
    query q;
    query_init(&q, c->a);
    query_sqlf(&q, "SELECT %s, %s, COUNT(DISTINCT o.id), COALESCE(SUM(l.quantity), 0), COALESCE(SUM(l.amount), 0),"
                   " COALESCE(SUM(l.tax), 0) FROM sales_orders o"
                   " JOIN sales_order_lines l ON l.sales_order_id = o.id AND l.deleted_at IS NULL%s WHERE",
               month ? "0" : g->key, month ? "SUBSTR(" ORDER_DAY ", 1, 7)" : g->name, month ? "" : g->join);
    live_orders(c, orders, &q);
    period(&q, from, to);
    if (month) query_sql(&q, " GROUP BY SUBSTR(" ORDER_DAY ", 1, 7) ORDER BY 2");
    else query_sqlf(&q, " GROUP BY %s, %s ORDER BY SUM(l.amount) + SUM(l.tax) DESC, 2", g->key, g->name);
    query_sqlf(&q, " LIMIT %d", ROWS_MAX);
    db_stmt *s = run(c, &q, e);
    if (!s) return -1;
    int step;
    while ((step = db_step(s)) == DB_ROW) {
        rt_cell *row = report_table_add(t, num(s, 0));
        int k = 0;
        row[k++].s = month ? text_or(c, s, 1, "", "") : text_or(c, s, 1, g->none_zh, g->none_en);
        row[k++].n = num(s, 2);
        if (product) row[k++].n = num(s, 3);
        row[k++].n = num(s, 4);
        row[k++].n = num(s, 5);
        row[k].n = num(s, 4) + num(s, 5);
    }
    if (finish(s, step, e)) return -1;
    report_table_sum(t, c->lang);
    return 0;
}

/* ---- ageing ---- */

static const rt_column AGEING[] = {
    {"label", "客户", "Account", RT_TEXT},          {"not_due", "未到期", "Not due", RT_MONEY},
    {"d0_30", "0-30天", "0-30 days", RT_MONEY},     {"d31_60", "31-60天", "31-60 days", RT_MONEY},
    {"d61_90", "61-90天", "61-90 days", RT_MONEY},  {"d90_plus", "90天以上", "Over 90 days", RT_MONEY},
    {"total", "应收合计", "Receivable", RT_MONEY}};
static const rt_column AGEING_OWNER[] = {
    {"label", "销售员", "Salesperson", RT_TEXT},    {"not_due", "未到期", "Not due", RT_MONEY},
    {"d0_30", "0-30天", "0-30 days", RT_MONEY},     {"d31_60", "31-60天", "31-60 days", RT_MONEY},
    {"d61_90", "61-90天", "61-90 days", RT_MONEY},  {"d90_plus", "90天以上", "Over 90 days", RT_MONEY},
    {"total", "应收合计", "Receivable", RT_MONEY}};

/* The bucket of a reference day `day_sql` against as_of: 0 not due, 1
 * 0-30 days, 2 31-60, 3 61-90, 4 over 90. */
static void bucket(query *q, const char *day_sql, const char *as_of, char bounds[3][11])
{
    query_sqlf(q, "CASE WHEN %s > ", day_sql);
    query_bind_text(q, as_of);
    for (int i = 0; i < 3; i++) {
        query_sqlf(q, " THEN %d WHEN %s >= ", i, day_sql);
        query_bind_text(q, bounds[i]);
    }
    query_sql(q, " THEN 3 ELSE 4 END");
}

int report_ageing(entity_ctx *c, const char *by, const char *as_of, report_table *t, err *e)
{
    const entity_def *orders = readable_orders(c, e);
    if (!orders) return -1;
    const grouping *g = grouping_of(by ? by : "customer", 0);
    if (!g) return bad_by(e, "customer, owner");
    report_table_init(t, c->a, strcmp(g->by, "owner") == 0 ? AGEING_OWNER : AGEING, NCOLS(AGEING));
    char day[11], bounds[3][11];
    as_of_day(as_of, day);
    days_before(day, 30, bounds[0]);
    days_before(day, 60, bounds[1]);
    days_before(day, 90, bounds[2]);
    query q;
    query_init(&q, c->a);
    /* instalments by their due date ... */
    query_sqlf(&q, "SELECT x.k, x.n, x.b, SUM(x.amt) FROM (SELECT %s AS k, %s AS n, ", g->key, g->name);
    bucket(&q, "t.due_date", day, bounds);
    query_sqlf(&q, " AS b, t.outstanding AS amt FROM instalments t JOIN sales_orders o ON o.id = t.sales_order_id%s"
                   " WHERE t.deleted_at IS NULL AND t.outstanding <> 0 AND",
               g->join);
    live_orders(c, orders, &q);
    /* ... and what no instalment carries by the order's date */
    query_sqlf(&q, " UNION ALL SELECT %s, %s, ", g->key, g->name);
    bucket(&q, ORDER_DAY, day, bounds);
    query_sqlf(&q, ", " UNPLANNED " FROM sales_orders o%s WHERE o.outstanding IS NOT NULL AND", g->join);
    live_orders(c, orders, &q);
    query_sql(&q, ") x WHERE x.amt <> 0 GROUP BY x.k, x.n, x.b ORDER BY x.k, x.b");
    kept_key key;
    if (kept_report(c, "ageing", &q, t, &key)) return 0;
    db_stmt *s = run(c, &q, e);
    if (!s) return drop_report(&key);
    int step;
    rt_cell *row = NULL;
    int64_t last = -1;
    while ((step = db_step(s)) == DB_ROW) {
        int64_t k = num(s, 0);
        if (!row || k != last) {
            if (t->nrows >= ROWS_MAX) continue;
            row = report_table_add(t, k);
            row[0].s = text_or(c, s, 1, g->none_zh, g->none_en);
            last = k;
        }
        int64_t b = num(s, 2), amt = num(s, 3);
        row[1 + (b < 0 || b > 4 ? 4 : b)].n += amt;
        row[6].n += amt;
    }
    if (finish(s, step, e)) return drop_report(&key);
    report_table_sort(t, 6);
    report_table_sum(t, c->lang);
    keep_report(c, &key, t);
    return 0;
}

/* ---- arrears ---- */

static const rt_column ARREARS[] = {
    {"label", "回款期次", "Instalment", RT_TEXT},   {"order", "订单编号", "Order", RT_TEXT},
    {"account", "客户", "Account", RT_TEXT},        {"owner", "销售员", "Salesperson", RT_TEXT},
    {"due_date", "应收日期", "Due date", RT_TEXT},  {"days_overdue", "逾期天数", "Days overdue", RT_COUNT},
    {"amount", "计划金额", "Amount", RT_MONEY},     {"received", "已收金额", "Received", RT_MONEY},
    {"outstanding", "未收金额", "Outstanding", RT_MONEY}};
static const rt_column ARREARS_CUSTOMER[] = {
    {"label", "客户", "Account", RT_TEXT}, {"instalments", "逾期期数", "Overdue instalments", RT_INTEGER},
    {"earliest", "最早应收日期", "Earliest due", RT_TEXT}, {"outstanding", "未收金额", "Outstanding", RT_MONEY}};
static const rt_column ARREARS_OWNER[] = {
    {"label", "销售员", "Salesperson", RT_TEXT}, {"instalments", "逾期期数", "Overdue instalments", RT_INTEGER},
    {"earliest", "最早应收日期", "Earliest due", RT_TEXT}, {"outstanding", "未收金额", "Outstanding", RT_MONEY}};

/* The items overdue on `day` of the orders the user reads (alias x: id,
 * label, order_id, due, amount, received, outstanding): instalments past
 * their due date, and the part of an order no instalment carries past the
 * order's date (id 0: no instalment to open), planned at 价税合计 − 退货金额
 * − 折让金额 − 计划回款. The credits pay the plan first as receipts do
 * (receivables.c), so when they were more than the plan left open the
 * unplanned part still owes more than that: its planned amount is then
 * what it owes, so 已收 is never below zero. */
static void overdue_items(entity_ctx *c, const entity_def *orders, const char *day, query *q)
{
    query_sql(q, "(SELECT t.id AS id, t.name AS label, o.id AS order_id, t.due_date AS due, t.amount AS amount,"
                 " t.received AS received, t.outstanding AS outstanding"
                 " FROM instalments t JOIN sales_orders o ON o.id = t.sales_order_id"
                 " WHERE t.deleted_at IS NULL AND t.outstanding > 0 AND t.due_date < ");
    query_bind_text(q, day);
    query_sql(q, " AND");
    live_orders(c, orders, q);
    query_sql(q, " UNION ALL SELECT 0, u.label, u.order_id, u.due, CASE WHEN u.amount > u.rest THEN u.amount ELSE u.rest END,"
                 " CASE WHEN u.amount > u.rest THEN u.amount - u.rest ELSE 0 END, u.rest FROM (SELECT o.code || ");
    query_bind_text(q, strcmp(c->lang, "en") == 0 ? " unplanned" : " 未计划部分");
    query_sql(q, " AS label, o.id AS order_id, " ORDER_DAY " AS due, COALESCE(o.total, 0) - COALESCE(o.returned_total, 0)"
                 " - COALESCE(o.allowance_total, 0) - COALESCE(o.planned_total, 0) AS amount, " UNPLANNED " AS rest FROM sales_orders o WHERE " ORDER_DAY " < ");
    query_bind_text(q, day);
    query_sql(q, " AND");
    live_orders(c, orders, q);
    query_sql(q, ") u WHERE u.rest > 0) x JOIN sales_orders o ON o.id = x.order_id");
}

int report_arrears(entity_ctx *c, const char *by, const char *as_of, report_table *t, err *e)
{
    const entity_def *orders = readable_orders(c, e);
    if (!orders) return -1;
    int each = !by || strcmp(by, "instalment") == 0;
    const grouping *g = each ? NULL : grouping_of(by, 0);
    if (!each && !g) return bad_by(e, "instalment, customer, owner");
    char day[11];
    as_of_day(as_of, day);
    query q;
    query_init(&q, c->a);
    if (each) {
        report_table_init(t, c->a, ARREARS, NCOLS(ARREARS));
        query_sql(&q, "SELECT x.id, x.label, o.code, a.name, u.name, x.due, x.amount, x.received, x.outstanding FROM ");
        overdue_items(c, orders, day, &q);
        query_sqlf(&q, " LEFT JOIN accounts a ON a.id = o.account_id LEFT JOIN users u ON u.id = o.owner_id"
                       " ORDER BY x.due, x.id, o.id LIMIT %d", ROWS_MAX);
    } else {
        report_table_init(t, c->a, strcmp(g->by, "owner") == 0 ? ARREARS_OWNER : ARREARS_CUSTOMER, NCOLS(ARREARS_OWNER));
        query_sqlf(&q, "SELECT %s, %s, COUNT(*), MIN(x.due), SUM(x.outstanding) FROM ", g->key, g->name);
        overdue_items(c, orders, day, &q);
        query_sqlf(&q, "%s GROUP BY %s, %s ORDER BY SUM(x.outstanding) DESC, 2 LIMIT %d", g->join, g->key, g->name, ROWS_MAX);
    }
    kept_key key;
    if (kept_report(c, "arrears", &q, t, &key)) return 0;
    db_stmt *s = run(c, &q, e);
    if (!s) return drop_report(&key);
    int step;
    while ((step = db_step(s)) == DB_ROW) {
        rt_cell *row = report_table_add(t, num(s, 0));
        if (each) {
            for (int k = 0; k < 5; k++) row[k].s = text_or(c, s, 1 + k, "", "");
            row[5].n = days_between(row[4].s, day);
            for (int k = 6; k < 9; k++) row[k].n = num(s, k);
        } else {
            row[0].s = text_or(c, s, 1, g->none_zh, g->none_en);
            row[1].n = num(s, 2);
            row[2].s = text_or(c, s, 3, "", "");
            row[3].n = num(s, 4);
        }
    }
    if (finish(s, step, e)) return drop_report(&key);
    report_table_sum(t, c->lang);
    keep_report(c, &key, t);
    return 0;
}

/* ---- order accounts ---- */

static const rt_column ACCOUNTS[] = {
    {"code", "订单编号", "Order", RT_TEXT},         {"subject", "订单主题", "Subject", RT_TEXT},
    {"account", "客户", "Account", RT_TEXT},        {"owner", "销售员", "Salesperson", RT_TEXT},
    {"order_date", "签订日期", "Order date", RT_TEXT}, {"total", "订单金额", "Amount", RT_MONEY},
    {"planned", "计划回款", "Planned", RT_MONEY},   {"received", "已收款", "Received", RT_MONEY},
    {"outstanding", "未收款", "Outstanding", RT_MONEY}};

int report_order_accounts(entity_ctx *c, const char *from, const char *to, int64_t owner_id, int64_t account_id,
                          report_table *t, err *e)
{
    const entity_def *orders = readable_orders(c, e);
    if (!orders) return -1;
    report_table_init(t, c->a, ACCOUNTS, NCOLS(ACCOUNTS));
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT o.id, o.code, o.subject, a.name, u.name, " ORDER_DAY ", o.total, o.planned_total,"
                  " o.received_total, o.outstanding FROM sales_orders o LEFT JOIN accounts a ON a.id = o.account_id"
                  " LEFT JOIN users u ON u.id = o.owner_id WHERE");
    live_orders(c, orders, &q);
    period(&q, from, to);
    if (owner_id) {
        query_sql(&q, " AND o.owner_id = ");
        query_bind_int(&q, owner_id);
    }
    if (account_id) {
        query_sql(&q, " AND o.account_id = ");
        query_bind_int(&q, account_id);
    }
    query_sqlf(&q, " ORDER BY " ORDER_DAY " DESC, o.id DESC LIMIT %d", ROWS_MAX);
    db_stmt *s = run(c, &q, e);
    if (!s) return -1;
    int step;
    while ((step = db_step(s)) == DB_ROW) {
        rt_cell *row = report_table_add(t, num(s, 0));
        for (int k = 0; k < 5; k++) row[k].s = text_or(c, s, 1 + k, "", "");
        for (int k = 5; k < 9; k++) row[k].n = num(s, k + 1);
    }
    if (finish(s, step, e)) return -1;
    report_table_sum(t, c->lang);
    return 0;
}
