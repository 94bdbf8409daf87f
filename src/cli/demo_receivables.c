/* demo_receivables.c - the receivables of `--demo`: collection plans
 * (回款计划) on the approved CRM order of demo_commerce.c and on three older
 * orders, receipts allocated to their instalments, and an 订单执行计划, so
 * 欠款查询 and 应收账龄 open on arrears in every bucket (a deposit a day
 * late, 31-60, 61-90 and over 90 days) and the bell holds 催款 for the
 * salespeople. Dates are relative to today; amounts add up to each order's
 * total (3 × 30 % / 50 % / 20 % of ¥47,700.00 and so on). */
#include <stdio.h>
#include <string.h>

#include "../entity/entity.h"
#include "../entity/entity_action.h"
#include "data.h"

/* The id of a live record whose `column` is `value` (0 when none). */
static int64_t id_where(entity_ctx *c, const char *table, const char *column, const char *value, err *e)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE %s = ? AND deleted_at IS NULL ORDER BY id LIMIT 1", table, column);
    const char *params[] = {value};
    int64_t id = 0;
    return db_query_int64(c->db, sql, &id, e, 1, params) < 0 ? -1 : id;
}

static int actions(entity_ctx *c, int64_t order, const char *const *names, err *e)
{
    const entity_def *ent = meta_entity(c->m, "sales_orders");
    for (int k = 0; names[k]; k++) {
        json_t *body = json_object(), *out = NULL;
        int rc = entity_action_run(c, ent, order, names[k], body, 0, &out, e);
        json_decref(body);
        json_decref(out);
        if (rc) return -1;
    }
    return 0;
}

typedef struct demo_item {
    const char *product, *quantity, *tax_rate;
} demo_item;

/* An order of customer `account` dated `day` days from today, taken through `steps`. */
static int order(entity_ctx *c, const char *subject, int64_t account, int day, const demo_item *items,
                 const char *const *steps, int64_t *id, err *e)
{
    char date[16];
    demo_day(day, date, sizeof date);
    json_t *lines = json_array();
    for (int k = 0; items[k].product; k++) {
        int64_t p = id_where(c, "products", "name", items[k].product, e);
        if (p <= 0) return json_decref(lines), -1;
        json_array_append_new(lines, json_pack("{s:I,s:s,s:s,s:s}", "product_id", (json_int_t)p, "description",
                                               items[k].product, "quantity", items[k].quantity, "tax_rate", items[k].tax_rate));
    }
    json_t *b = json_pack("{s:s,s:I,s:s,s:s,s:o}", "subject", subject, "account_id", (json_int_t)account, "order_date", date,
                          "payment_terms", "按回款计划分期付款，银行转账", "lines", lines);
    return demo_create(c, "sales_orders", b, id, e) || actions(c, *id, steps, e);
}

/* An instalment of `amount` due `due` days from today; `paid` of it received `paid_day` days from today. */
static int instalment(entity_ctx *c, int64_t order, const char *amount, int due, const char *note, const char *paid,
                      int paid_day, err *e)
{
    char date[16];
    demo_day(due, date, sizeof date);
    int64_t id = 0;
    if (demo_create(c, "instalments",
                    json_pack("{s:I,s:s,s:s,s:s}", "sales_order_id", (json_int_t)order, "amount", amount, "due_date", date,
                              "note", note),
                    &id, e))
        return -1;
    if (!paid) return 0;
    demo_day(paid_day, date, sizeof date);
    return demo_create(c, "receipts",
                       json_pack("{s:I,s:s,s:s,s:s,s:s}", "instalment_id", (json_int_t)id, "amount", paid, "received_on", date,
                                 "method", "transfer", "note", "按回款计划收款"),
                       NULL, e);
}

/* The CRM order's 订单执行计划: dunning the deposit, collecting, shipping. */
static int execution_plan(entity_ctx *c, int64_t order, err *e)
{
    char d1[16], d2[16], d3[16];
    demo_day(-1, d1, sizeof d1);
    demo_day(10, d2, sizeof d2);
    demo_day(25, d3, sizeof d3);
    json_t *b = json_pack("{s:[{s:s,s:s,s:s,s:s},{s:s,s:s,s:s},{s:s,s:s,s:s,s:s}]}", "plan", "kind", "dunning", "due_date", d1,
                          "amount", "4310", "note", "电话催收预付款余额", "kind", "ship", "due_date", d2, "note",
                          "软件部署及上门培训", "kind", "collect", "due_date", d3, "amount", "23850", "note", "上线验收后收款");
    int rc = entity_update(c, meta_entity(c->m, "sales_orders"), order, b, 0, e);
    json_decref(b);
    return rc;
}

int demo_receivables(entity_ctx *c, err *e)
{
    static const char *const APPROVE[] = {"submit", NULL}, *const EXECUTE[] = {"submit", "execute", NULL},
                             *const COMPLETE[] = {"submit", "execute", "ship", "complete", NULL},
                             *const TEMPLATE[] = {"save_template", NULL};
    static const demo_item SERVERS[] = {{"台式工作站", "10", "13"}, {"上门安装调试", "4", "6"}, {NULL, NULL, NULL}};
    static const demo_item SUPPORT[] = {{"年度维保服务", "3", "6"}, {NULL, NULL, NULL}};
    static const demo_item TILLS[] = {{"商务笔记本电脑", "2", "13"}, {NULL, NULL, NULL}};
    int64_t crm = id_where(c, "sales_orders", "subject", "CRM 系统实施项目", e), servers = 0, support = 0, tills = 0;
    if (crm <= 0) return crm < 0 ? -1 : 0;
    return /* ¥47,700.00: the deposit a day late and part paid, the rest to come */
        instalment(c, crm, "14310", -1, "合同签订预付款（30%）", "10000", -2, e) ||
        instalment(c, crm, "23850", 25, "上线验收款（50%）", NULL, 0, e) ||
        instalment(c, crm, "9540", 85, "质保金（20%）", NULL, 0, e) || execution_plan(c, crm, e) ||
        actions(c, crm, TEMPLATE, e) || /* kept as a 热销模板 too */
        /* ¥146,760.00 delivered long ago: paid, 61-90 days part paid, 31-60 days unpaid */
        order(c, "华东区服务器扩容", 12, -120, SERVERS, COMPLETE, &servers, e) ||
        instalment(c, servers, "44028", -110, "预付款（30%）", "44028", -108, e) ||
        instalment(c, servers, "73380", -80, "到货款（50%）", "30000", -60, e) ||
        instalment(c, servers, "29352", -40, "验收款（20%）", NULL, 0, e) ||
        /* ¥25,440.00: over 90 days overdue, and the second half not yet due */
        order(c, "年度维保续约", 23, -130, SUPPORT, EXECUTE, &support, e) ||
        instalment(c, support, "12720", -100, "上半年维保费", NULL, 0, e) ||
        instalment(c, support, "12720", 20, "下半年维保费", NULL, 0, e) ||
        /* no plan: aged from its order date */
        order(c, "门店收银终端", 31, -20, TILLS, APPROVE, &tills, e)
               ? -1
               : 0;
}
