/* demo_commerce.c - the money half of `--demo`: a product catalogue, quotes
 * in every state, sales orders along their life (one converted from its
 * quote), invoices (one full and issued, one partial, one void) and
 * receipts against orders, so 订单财务 opens on a company's real month.
 * Everything goes through the records engine and its declared actions,
 * as a salesperson would click it. */
#include <stdio.h>
#include <string.h>

#include "../entity/entity.h"
#include "../entity/entity_action.h"
#include "../entity/value.h"
#include "data.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const char *name, *spec, *unit, *category;
    int price, cost, tax_rate; /* 元, percent */
} PRODUCTS[] = {
    {"商务笔记本电脑", "ThinkPad X1 Carbon i7/32G/1T", "台", "电脑整机", 9999, 8200, 13},
    {"台式工作站", "Dell Precision 3680", "台", "电脑整机", 12800, 10500, 13},
    {"27英寸显示器", "AOC U27P2 4K", "台", "外设", 2199, 1700, 13},
    {"黑白激光打印机", "HP LaserJet M406dn", "台", "外设", 3280, 2600, 13},
    {"CRM 系统标准版", "10 用户 / 年", "套", "软件", 36000, 9000, 6},
    {"年度维保服务", "7×24 小时响应", "年", "服务", 8000, 3000, 6},
    {"上门安装调试", "按次计费", "次", "服务", 500, 200, 6},
    {"运输配送", "市内送货", "次", "物流", 300, 180, 9},
};

typedef struct demo_line {
    int product; /* index in PRODUCTS */
    const char *quantity;
} demo_line;

/* Runs the declared actions in order; *made gets the id the last one's
 * copy made (an order, an invoice), if any. */
static int run(entity_ctx *c, const char *entity, int64_t id, const char *const *actions, json_t *last_body,
               int64_t *made, err *e)
{
    const entity_def *ent = meta_entity(c->m, entity);
    int rc = 0;
    for (int k = 0; actions[k] && rc == 0; k++) {
        json_t *body = actions[k + 1] || !last_body ? json_object() : json_incref(last_body), *out = NULL;
        rc = entity_action_run(c, ent, id, actions[k], body, 0, &out, e);
        json_decref(body);
        const char *key;
        json_t *v;
        json_object_foreach(json_object_get(out, "result"), key, v) if (made && json_is_integer(v)) *made = json_integer_value(v);
        json_decref(out);
    }
    json_decref(last_body);
    return rc;
}

/* 产品分类 as a two-level tree; a parent comes before its children. */
static const struct {
    const char *name, *code, *parent;
} CATEGORIES[] = {
    {"硬件产品", "YJ", NULL},   {"电脑整机", "YJ-01", "硬件产品"}, {"外设", "YJ-02", "硬件产品"},
    {"软件", "RJ", NULL},       {"服务", "FW", NULL},             {"物流", "FW-01", "服务"},
};

static int64_t category_id(const int64_t ids[N(CATEGORIES)], const char *name)
{
    for (size_t i = 0; i < N(CATEGORIES); i++)
        if (name && strcmp(CATEGORIES[i].name, name) == 0) return ids[i];
    return 0;
}

static int demo_categories(entity_ctx *c, int64_t ids[N(CATEGORIES)], err *e)
{
    for (size_t i = 0; i < N(CATEGORIES); i++) {
        json_t *b = json_pack("{s:s,s:s,s:i}", "name", CATEGORIES[i].name, "code", CATEGORIES[i].code, "sort_order",
                              (int)i + 1);
        int64_t parent = category_id(ids, CATEGORIES[i].parent);
        if (parent) json_object_set_new(b, "parent_id", json_integer(parent));
        if (demo_create(c, "product_categories", b, &ids[i], e)) return -1;
    }
    return 0;
}

static int demo_products(entity_ctx *c, int64_t ids[N(PRODUCTS)], err *e)
{
    int64_t categories[N(CATEGORIES)] = {0};
    if (demo_categories(c, categories, e)) return -1;
    for (size_t i = 0; i < N(PRODUCTS); i++) {
        json_t *b = json_pack("{s:s,s:s,s:s,s:I,s:i,s:i,s:i}", "name", PRODUCTS[i].name, "spec", PRODUCTS[i].spec, "unit",
                              PRODUCTS[i].unit, "category_id", (json_int_t)category_id(categories, PRODUCTS[i].category),
                              "price", PRODUCTS[i].price, "cost", PRODUCTS[i].cost, "tax_rate", PRODUCTS[i].tax_rate);
        if (demo_create(c, "products", b, &ids[i], e)) return -1;
    }
    return 0;
}

static json_t *lines_of(const demo_line *lines, const int64_t *products)
{
    json_t *a = json_array();
    for (int k = 0; lines[k].quantity; k++) {
        int p = lines[k].product;
        json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:s,s:i,s:i,s:i}", "product_id", (json_int_t)products[p],
                                           "description", PRODUCTS[p].name, "quantity", lines[k].quantity, "unit",
                                           PRODUCTS[p].unit, "list_price", PRODUCTS[p].price, "price",
                                           PRODUCTS[p].price, "tax_rate", PRODUCTS[p].tax_rate));
    }
    return a;
}

/* A document (quote or order) for customer `account`, dated `day` days from now. */
static int document(entity_ctx *c, const char *entity, const char *subject, int64_t account, int day,
                    const demo_line *lines, const int64_t *products, int64_t *id, err *e)
{
    char date[16], later[16];
    demo_day(day, date, sizeof date);
    demo_day(day + 30, later, sizeof later);
    int quote = strcmp(entity, "quotes") == 0;
    json_t *b = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:o}", "subject", subject, "account_id", (json_int_t)account,
                          quote ? "quote_date" : "order_date", date, quote ? "valid_until" : "delivery_date", later,
                          "payment_terms", "合同签订后预付 30%，验收合格后 30 日内付清", "delivery_terms",
                          "送货上门，含安装调试", "lines", lines_of(lines, products));
    return demo_create(c, entity, b, id, e);
}

static int receipt(entity_ctx *c, int64_t order, const char *amount, int day, err *e)
{
    char date[16];
    demo_day(day, date, sizeof date);
    return demo_create(c, "receipts",
                  json_pack("{s:I,s:s,s:s,s:s,s:s}", "sales_order_id", (json_int_t)order, "amount", amount, "received_on",
                            date, "method", "transfer", "note", "银行转账，已核对到账"),
                  NULL, e);
}

/* One value of an order read back (its total in 分, its first line's id). */
static int64_t order_value(entity_ctx *c, const char *sql, int64_t order, err *e)
{
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)order);
    const char *params[] = {ids};
    int64_t v = 0;
    return db_query_int64(c->db, sql, &v, e, 1, params) < 0 ? -1 : v;
}

/* The order paid in full: a receipt of its whole total. */
static int paid_in_full(entity_ctx *c, int64_t order, int day, err *e)
{
    int64_t fen = order_value(c, "SELECT total FROM sales_orders WHERE id = CAST(? AS BIGINT)", order, e);
    if (fen < 0) return -1;
    strbuf amount = STRBUF_INIT;
    decimal_format(fen, 2, &amount);
    int rc = receipt(c, order, sb_str(&amount), day, e);
    sb_free(&amount);
    return rc;
}

/* A partial invoice: `quantity` of the order's first line. */
static int first_batch_invoiced(entity_ctx *c, int64_t order, const char *quantity, err *e)
{
    int64_t line = order_value(c,
                               "SELECT id FROM sales_order_lines WHERE sales_order_id = CAST(? AS BIGINT)"
                               " ORDER BY position LIMIT 1",
                               order, e);
    if (line < 0) return -1;
    return demo_create(c, "invoices",
                  json_pack("{s:I,s:s,s:[{s:I,s:s}]}", "sales_order_id", (json_int_t)order, "description",
                            "首批到货先行开票", "lines", "order_line_id", (json_int_t)line, "quantity", quantity),
                  NULL, e);
}

/* A contract of customer `account` (order 0: none), signed `signed` days
 * from now and running to `ends` days from now; 执行中 but for a draft. */
static int contract(entity_ctx *c, const char *name, int64_t account, int64_t order, const char *amount, int draft,
                    int signed_day, int ends, err *e)
{
    char signed_on[16], end_on[16];
    demo_day(signed_day, signed_on, sizeof signed_on);
    demo_day(ends, end_on, sizeof end_on);
    json_t *b = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "name", name, "account_id", (json_int_t)account, "amount",
                          amount, "status", draft ? "draft" : "active", "signed_on", signed_on, "start_on", signed_on,
                          "end_on", end_on, "description",
                          "甲方按合同约定分期付款；乙方负责送货、安装调试及一年免费维保。");
    if (order) json_object_set_new(b, "sales_order_id", json_integer(order));
    return demo_create(c, "contracts", b, NULL, e);
}

int demo_commerce(entity_ctx *c, err *e)
{
    int64_t p[N(PRODUCTS)];
    if (demo_products(c, p, e)) return -1;
    static const demo_line OFFICE[] = {{0, "20"}, {2, "20"}, {6, "1"}, {7, "2"}, {0, NULL}};
    static const demo_line CRM[] = {{4, "1"}, {5, "1"}, {6, "2"}, {0, NULL}};
    static const demo_line PRINTERS[] = {{3, "6"}, {7, "1"}, {0, NULL}};
    static const demo_line STUDIO[] = {{1, "8"}, {2, "16"}, {6, "2"}, {0, NULL}};
    static const char *const SUBMIT[] = {"submit", NULL}, *const REJECT[] = {"submit", "reject", NULL},
                             *const CONVERT[] = {"submit", "accept", "convert", NULL},
                             *const APPROVE[] = {"submit", NULL}, /* no approval flow asks: approved at once */
                             *const EXECUTE[] = {"submit", "execute", NULL},
                             *const COMPLETE[] = {"submit", "execute", "ship", "complete", NULL},
                             *const INVOICE[] = {"invoice", NULL}, *const VOID[] = {"void", NULL},
                             *const ISSUE[] = {"issue", NULL}, *const CANCEL[] = {"cancel", NULL};
    int64_t q = 0, o = 0, inv = 0;
    char date[16];
    demo_day(-20, date, sizeof date);
    return /* quotes: a draft, one with the customer, a rejected one */
        document(c, "quotes", "办公电脑及外设采购报价", 1, -3, OFFICE, p, &q, e) ||
        document(c, "quotes", "CRM 系统及年度维保报价", 2, -10, CRM, p, &q, e) || run(c, "quotes", q, SUBMIT, NULL, NULL, e) ||
        document(c, "quotes", "打印设备更新报价", 3, -40, PRINTERS, p, &q, e) || run(c, "quotes", q, REJECT, NULL, NULL, e) ||
        /* one accepted and made an order, delivered, invoiced in full and paid */
        document(c, "quotes", "设计工作室设备报价", 4, -35, STUDIO, p, &q, e) || run(c, "quotes", q, CONVERT, NULL, &o, e) ||
        run(c, "sales_orders", o, COMPLETE, NULL, NULL, e) || run(c, "sales_orders", o, INVOICE, NULL, &inv, e) ||
        run(c, "invoices", inv, ISSUE, json_pack("{s:s,s:s}", "invoice_number", "32001873", "invoice_date", date), NULL, e) ||
        paid_in_full(c, o, -15, e) ||
        /* one in progress: its first batch invoiced, a deposit received */
        document(c, "sales_orders", "营销中心办公电脑采购", 7, -12, OFFICE, p, &o, e) ||
        run(c, "sales_orders", o, EXECUTE, NULL, NULL, e) || first_batch_invoiced(c, o, "10", e) ||
        /* its contract ends within the month: 合同到期 in the bell */
        contract(c, "营销中心办公电脑采购合同", 7, o, "263916.00", 0, -14, 20, e) ||
        receipt(c, o, "80000", -8, e) ||
        /* an approved one whose first invoice was voided (wrong title) and drafted again */
        document(c, "sales_orders", "CRM 系统实施项目", 8, -6, CRM, p, &o, e) || run(c, "sales_orders", o, APPROVE, NULL, NULL, e) ||
        run(c, "sales_orders", o, INVOICE, NULL, &inv, e) || run(c, "invoices", inv, VOID, NULL, NULL, e) ||
        run(c, "sales_orders", o, INVOICE, NULL, NULL, e) ||
        contract(c, "CRM 系统实施及三年维保合同", 8, o, "45000.00", 0, -7, 3 * 365, e) ||
        contract(c, "打印设备租赁框架协议（待签）", 9, 0, "36000.00", 1, 0, 365, e) ||
        /* a draft, and one the customer cancelled */
        document(c, "sales_orders", "打印机补充采购", 9, -1, PRINTERS, p, &o, e) ||
        document(c, "sales_orders", "展厅显示器（客户取消）", 10, -25, STUDIO, p, &o, e) ||
        run(c, "sales_orders", o, CANCEL, NULL, NULL, e)
               ? -1
               : 0;
}
