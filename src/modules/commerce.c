/* commerce.c - see commerce.h. */
#include "commerce.h"

#include <stdio.h>
#include <string.h>

#include "../acl/acl.h"
#include "../entity/hooks.h"
#include "../entity/value.h"
#include "allowances.h"
#include "order_money.h"
#include "prices.h"
#include "catalogue.h"
#include "contracts.h"
#include "cost_report.h"
#include "receivables.h"

#define SCALE100 100 /* quantity (2 decimals), money and percent are stored times 100 */

/* ---- every line of a commercial document ---- */

/* A stored scaled value, or `dflt` when the field is empty or absent. */
static int64_t scaled(hook_change *ch, const char *field, int64_t dflt)
{
    const sql_value *v = meta_field(hook_entity(ch), field) ? hook_value(ch, field) : NULL;
    return v && v->kind == SV_INT ? v->i : dflt;
}

/* A product newly put on a line must be on sale (在售): a 停售 one stays
 * on the lines that already have it, but is not sold again. */
static int product_on_sale(entity_ctx *c, hook_change *ch, err *e)
{
    int64_t product = meta_field(hook_entity(ch), "product_id") && hook_changed(ch, "product_id")
                          ? hook_int(ch, "product_id", 0)
                          : 0;
    if (!product) return 0;
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT status FROM products t WHERE t.id = ");
    query_bind_int(&q, product);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    db_stmt *s = query_prepare(c->db, &q, e);
    if (!s) return -1;
    int step = db_step(s);
    int stopped = step == DB_ROW && !db_column_is_null(s, 0) && strcmp(db_column_text(s, 0), "stopped") == 0;
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "读取产品失败", "Cannot read the product");
    return stopped ? err_invalid(e, "product_id", "stopped", "该产品已停售", "The product is discontinued") : 0;
}

static int line_amounts_sane(entity_ctx *c, hook_change *ch, err *e)
{
    if (product_on_sale(c, ch, e)) return -1;
    if (scaled(ch, "quantity", 1) <= 0)
        return err_invalid(e, "quantity", "not_positive", "数量必须大于零", "The quantity must be above zero");
    if (scaled(ch, "price", 0) < 0 || scaled(ch, "list_price", 0) < 0)
        return err_invalid(e, scaled(ch, "price", 0) < 0 ? "price" : "list_price", "negative", "价格不能为负数",
                            "A price cannot be negative");
    int64_t discount = scaled(ch, "discount", 0);
    if (discount < 0 || discount > 100 * SCALE100)
        return err_invalid(e, "discount", "out_of_range", "折扣应在 0% 到 100% 之间",
                            "The discount must be between 0 % and 100 %");
    int64_t tax = scaled(ch, "tax_rate", 0);
    if (tax < 0 || tax > 100 * SCALE100)
        return err_invalid(e, "tax_rate", "out_of_range", "税率应在 0% 到 100% 之间",
                            "The tax rate must be between 0 % and 100 %");
    return 0;
}

/* ---- invoices ---- */

static int order_invoiceable(const char *status)
{
    static const char *const OK[] = {"approved", "executing", "shipped", "completed"};
    for (size_t i = 0; status && i < sizeof OK / sizeof *OK; i++)
        if (strcmp(status, OK[i]) == 0) return 1;
    return 0;
}

/* The record's customer is the order's: taken from it when not given. */
static int same_customer(hook_change *ch, const order_money *o, const char *zh, const char *en, err *e)
{
    if (!hook_int(ch, "account_id", 0)) return hook_set_int(ch, "account_id", o->account_id, e);
    return hook_int(ch, "account_id", 0) == o->account_id ? 0 : err_invalid(e, "account_id", "not_order_account", zh, en);
}

/* An invoice is made for an approved (or later) order, for its customer;
 * the customer is taken from the order when not given, and the order of
 * an invoice does not change. */
static int invoice_follows_order(entity_ctx *c, hook_change *ch, err *e)
{
    if (hook_event(ch) == ON_UPDATE && hook_changed(ch, "sales_order_id"))
        return err_invalid(e, "sales_order_id", "read_only", "发票所属的订单不能更改",
                            "An invoice cannot move to another order");
    if (hook_event(ch) == ON_UPDATE && !hook_changed(ch, "account_id")) return 0;
    int64_t order_id = hook_int(ch, "sales_order_id", 0);
    if (!order_id) return 0; /* required: the engine says so */
    order_money o;
    int found = order_money_read(c, order_id, 0, &o, e);
    if (found <= 0) return found; /* not found: the engine's link check answers */
    if (hook_event(ch) == ON_CREATE && !order_invoiceable(o.status))
        return err_invalid(e, "sales_order_id", "not_invoiceable", "只有已审批且未取消的订单才能开票",
                            "Only an approved order that is not cancelled can be invoiced");
    return same_customer(ch, &o, "发票的客户必须是订单的客户", "The invoice's customer must be the order's", e);
}

typedef struct order_line {
    int64_t quantity, price, tax_rate, product_id;
    const char *unit, *description;
} order_line;

/* The line `line_id` of the order of invoice `invoice_id`, its row locked
 * on PostgreSQL: 1 found, 0 not a line of that order, -1 error. */
static int order_line_of(entity_ctx *c, int64_t invoice_id, int64_t line_id, order_line *out, err *e)
{
    const char *sql = db_dialect_of(c->db) == DB_POSTGRES
                          ? "SELECT l.quantity, l.price, l.tax_rate, l.product_id, l.unit, l.description"
                            " FROM sales_order_lines l JOIN invoices i ON i.sales_order_id = l.sales_order_id"
                            " WHERE l.id = ? AND i.id = ? AND l.deleted_at IS NULL FOR UPDATE OF l"
                          : "SELECT l.quantity, l.price, l.tax_rate, l.product_id, l.unit, l.description"
                            " FROM sales_order_lines l JOIN invoices i ON i.sales_order_id = l.sales_order_id"
                            " WHERE l.id = ? AND i.id = ? AND l.deleted_at IS NULL";
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    db_bind_int64(s, 1, line_id);
    db_bind_int64(s, 2, invoice_id);
    int step = db_step(s), found = step == DB_ROW;
    if (found) {
        out->quantity = db_column_int64(s, 0);
        out->price = db_column_is_null(s, 1) ? 0 : db_column_int64(s, 1);
        out->tax_rate = db_column_is_null(s, 2) ? -1 : db_column_int64(s, 2);
        out->product_id = db_column_is_null(s, 3) ? 0 : db_column_int64(s, 3);
        out->unit = db_column_is_null(s, 4) ? NULL : arena_strdup(c->a, db_column_text(s, 4));
        out->description = db_column_is_null(s, 5) ? NULL : arena_strdup(c->a, db_column_text(s, 5));
    }
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取订单明细失败", "Cannot read the order line") : found;
}

static int vat_rate(int64_t rate)
{
    return rate == 13 * SCALE100 || rate == 9 * SCALE100 || rate == 6 * SCALE100 || rate == 0;
}

/* An invoice line is a line of its order: product, unit and price come
 * from it (and the tax rate unless one is chosen), so an invoice says what
 * was sold at the price it was sold for. */
static int invoice_line_from_order(entity_ctx *c, hook_change *ch, err *e)
{
    if (line_amounts_sane(c, ch, e)) return -1;
    order_line ol = {0};
    int found = order_line_of(c, hook_int(ch, "invoice_id", 0), hook_int(ch, "order_line_id", 0), &ol, e);
    if (found < 0) return -1;
    if (!found)
        return err_invalid(e, "order_line_id", "not_in_order", "开票明细必须是本发票所属订单的明细行",
                            "An invoice line must be a line of the invoice's order");
    if (!hook_changed(ch, "tax_rate") && hook_event(ch) == ON_CREATE && ol.tax_rate >= 0 &&
        hook_set_int(ch, "tax_rate", ol.tax_rate, e))
        return -1;
    if (!vat_rate(scaled(ch, "tax_rate", 0)))
        return err_invalid(e, "tax_rate", "not_vat_rate", "增值税税率只能是 13%、9%、6% 或 0%",
                            "The VAT rate must be 13 %, 9 %, 6 % or 0 %");
    if (!hook_changed(ch, "description") && hook_event(ch) == ON_CREATE && ol.description &&
        hook_set_text(ch, "description", ol.description, e))
        return -1;
    return hook_set_int(ch, "price", ol.price, e) || (ol.product_id && hook_set_int(ch, "product_id", ol.product_id, e)) ||
                   (ol.unit && hook_set_text(ch, "unit", ol.unit, e))
               ? -1
               : 0;
}

static void format_quantity(int64_t q, char *out, size_t n)
{
    strbuf sb = STRBUF_INIT;
    decimal_format(q, 2, &sb);
    snprintf(out, n, "%s", sb_str(&sb));
    sb_free(&sb);
}

/* What is invoiced of order line `line_id` over the live invoices that
 * are not void, against what was ordered. */
static int within_ordered(entity_ctx *c, int64_t line_id, err *e)
{
    const char *sql = "SELECT l.quantity, (SELECT COALESCE(SUM(il.quantity), 0) FROM invoice_lines il"
                      " JOIN invoices i ON i.id = il.invoice_id"
                      " WHERE il.order_line_id = l.id AND il.deleted_at IS NULL AND i.deleted_at IS NULL"
                      " AND i.status <> 'void') FROM sales_order_lines l WHERE l.id = ?";
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    db_bind_int64(s, 1, line_id);
    int step = db_step(s);
    int64_t ordered = step == DB_ROW ? db_column_int64(s, 0) : 0, invoiced = step == DB_ROW ? db_column_int64(s, 1) : 0;
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "读取开票数量失败", "Cannot read the invoiced quantities");
    if (step != DB_ROW || invoiced <= ordered) return 0;
    char o[32], i[32];
    format_quantity(ordered, o, sizeof o);
    format_quantity(invoiced, i, sizeof i);
    err_add_field(e, "quantity", "exceeds_ordered");
    return err_setf(e, 422, "over_invoiced", "开票数量合计 %s 超过订单数量 %s%.0s%.0s",
                    "%.0s%.0sInvoiced %s in all, more than the %s ordered", i, o, i, o);
}

static int invoice_line_within_order(entity_ctx *c, hook_change *ch, err *e)
{
    return within_ordered(c, hook_int(ch, "order_line_id", 0), e);
}

/* An invoice back from the recycle bin counts again: each of its lines
 * must still fit what was ordered. */
static int restored_invoice_fits(entity_ctx *c, hook_change *ch, err *e)
{
    db_stmt *s = db_prepare(c->db, "SELECT DISTINCT order_line_id FROM invoice_lines WHERE invoice_id = ?", e);
    if (!s) return -1;
    db_bind_int64(s, 1, hook_id(ch));
    int64_t ids[1000];
    int n = 0, step;
    while ((step = db_step(s)) == DB_ROW && n < 1000) ids[n++] = db_column_int64(s, 0);
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "读取开票明细失败", "Cannot read the invoice lines");
    for (int k = 0; k < n; k++)
        if (within_ordered(c, ids[k], e)) return -1;
    return 0;
}

/* ---- receipts allocated to orders ---- */

/* A receipt against an order: the order's customer's, not for a
 * cancelled order, and not more than the order still has outstanding
 * (its total less what its receipts already brought: the computed
 * 未收款). The order's row is locked on PostgreSQL, so two receipts at
 * once take turns. A reversal (冲销) is the ledger's own correction and
 * is not checked again. */
static int receipt_fits_order(entity_ctx *c, hook_change *ch, err *e)
{
    int64_t order_id = hook_int(ch, "sales_order_id", 0);
    /* a reversal, or a sales return's refund (a negative receipt the
     * server writes, src/modules/stock.c), is not checked again */
    if (!order_id || hook_int(ch, "reverses_id", 0) || c->trusted) return 0;
    order_money o;
    int found = order_money_read(c, order_id, 1, &o, e);
    if (found <= 0) return found; /* not found: the engine's link check answers */
    if (strcmp(o.status, "cancelled") == 0)
        return err_invalid(e, "sales_order_id", "cancelled", "已取消的订单不能收款", "A cancelled order takes no receipts");
    if (same_customer(ch, &o, "收款单的客户必须是订单的客户", "The receipt's customer must be the order's", e)) return -1;
    int64_t amount = scaled(ch, "amount", 0);
    if (amount <= 0) return err_invalid(e, "amount", "not_positive", "收款金额必须大于零", "The amount must be above zero");
    if (amount <= o.outstanding) return 0;
    strbuf due = STRBUF_INIT;
    decimal_format(o.outstanding, 2, &due);
    err_add_field(e, "amount", "over_allocated");
    err_setf(e, 422, "over_allocated", "收款金额超过订单未收款金额 %s 元", "The amount is more than the %s outstanding on the order",
             sb_str(&due), sb_str(&due));
    sb_free(&due);
    return -1;
}

/* ---- quote versions (修订) ---- */

/* A revision (修订: copied with previous_version_id) is the version after
 * the one it revises. */
static int next_version(entity_ctx *c, hook_change *ch, err *e)
{
    int64_t previous = hook_int(ch, "previous_version_id", 0);
    if (!previous) return 0;
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT version_no FROM quotes t WHERE t.id = ");
    query_bind_int(&q, previous);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    db_stmt *s = query_prepare(c->db, &q, e);
    if (!s) return -1;
    int step = db_step(s);
    int64_t version = step == DB_ROW && !db_column_is_null(s, 0) ? db_column_int64(s, 0) : 1;
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "读取报价版本失败", "Cannot read the quote's version");
    return hook_set_int(ch, "version_no", version + 1, e);
}

/* ---- credit control (资信额度) ---- */

/* What a submitted order puts on its customer's account: its total and
 * what the customer still owes on its other orders that are submitted or
 * later and not cancelled, against the account's 资信额度 (none: no
 * limit). Stamped as 超出资信额度 when the order goes to 待审批, so an
 * approval flow's condition can ask for it. */
static int credit_checked(entity_ctx *c, hook_change *ch, err *e)
{
    const char *status = hook_text(ch, "status");
    if (!hook_changed(ch, "status") || !status || strcmp(status, "pending") != 0) return 0;
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT a.credit_limit, (SELECT COALESCE(SUM(o.outstanding), 0) FROM sales_orders o"
                  " WHERE o.account_id = a.id AND o.company_id = a.company_id AND o.deleted_at IS NULL AND o.id <> ");
    query_bind_int(&q, hook_id(ch));
    query_sql(&q, " AND o.status NOT IN ('draft', 'cancelled')) FROM accounts a WHERE a.id = ");
    query_bind_int(&q, hook_int(ch, "account_id", 0));
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "a", &q);
    db_stmt *s = query_prepare(c->db, &q, e);
    if (!s) return -1;
    int step = db_step(s);
    int over = step == DB_ROW && !db_column_is_null(s, 0) &&
               scaled(ch, "total", 0) + db_column_int64(s, 1) > db_column_int64(s, 0);
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "读取资信额度失败", "Cannot read the credit limit");
    return hook_set_int(ch, "credit_exceeded", over, e);
}

void commerce_init(void)
{
    receivables_init(); /* first: a receipt takes its order from its instalment before the order rule reads it */
    entity_before("sales_orders", ON_UPDATE, credit_checked);
    entity_before("receipts", ON_CREATE, receipt_fits_order);
    entity_before("quotes", ON_CREATE, next_version);
    entity_before("quote_lines", ON_WRITE, line_amounts_sane);
    entity_before("sales_order_lines", ON_WRITE, line_amounts_sane);
    entity_before("invoices", ON_WRITE, invoice_follows_order);
    entity_before("invoice_lines", ON_WRITE, invoice_line_from_order);
    entity_after("invoice_lines", ON_WRITE, invoice_line_within_order);
    entity_after("invoices", ON_RESTORE, restored_invoice_fits);
    allowances_init();
    prices_init(); /* after the line checks: a line is sane before it is priced */
    catalogue_init();
    contracts_init();
    expenses_init();
}
