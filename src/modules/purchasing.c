/* purchasing.c - see purchasing.h. */
#include "purchasing.h"

#include <stdio.h>
#include <string.h>

#include "../acl/acl.h"
#include "../entity/hooks.h"
#include "../entity/value.h"
#include "stock.h"

static int purchase_line_sane(entity_ctx *c, hook_change *ch, err *e)
{
    const sql_value *q = hook_value(ch, "quantity"), *p = hook_value(ch, "price"), *t = hook_value(ch, "tax_rate");
    if (q && q->kind == SV_INT && q->i <= 0)
        return err_invalid(e, "quantity", "not_positive", "数量必须大于零", "The quantity must be above zero");
    if (p && p->kind == SV_INT && p->i < 0)
        return err_invalid(e, "price", "negative", "价格不能为负数", "A price cannot be negative");
    if (t && t->kind == SV_INT && (t->i < 0 || t->i > 100 * 100))
        return err_invalid(e, "tax_rate", "out_of_range", "税率应在 0% 到 100% 之间",
                            "The tax rate must be between 0 % and 100 %");
    int64_t product = hook_changed(ch, "product_id") ? hook_int(ch, "product_id", 0) : 0;
    int service = product ? stock_product_is_service(c, product, e) : 0;
    if (service < 0) return -1;
    return service ? err_invalid(e, "product_id", "service", "服务类产品没有库存，不能采购入库",
                                  "A service has no stock to buy in")
                   : 0;
}

/* ---- supplier payments (付款单) ---- */

typedef struct po_row {
    char status[32];
    int64_t account_id, unpaid;
} po_row;

static int purchase_order_of(entity_ctx *c, int64_t id, po_row *out, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT status, account_id, unpaid FROM purchase_orders t WHERE t.id = ");
    query_bind_int(&q, id);
    query_sql(&q, " AND t.deleted_at IS NULL AND ");
    acl_company_predicate(c->user, "t", &q);
    if (db_dialect_of(c->db) == DB_POSTGRES) query_sql(&q, " FOR UPDATE");
    db_stmt *s = query_prepare(c->db, &q, e);
    if (!s) return -1;
    int step = db_step(s), found = step == DB_ROW;
    if (found) {
        snprintf(out->status, sizeof out->status, "%s", db_column_is_null(s, 0) ? "" : db_column_text(s, 0));
        out->account_id = db_column_int64(s, 1);
        out->unpaid = db_column_is_null(s, 2) ? 0 : db_column_int64(s, 2);
    }
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取采购订单失败", "Cannot read the purchase order") : found;
}

/* A payment against a purchase order, like a receipt against a sales
 * order (commerce.c): the order's supplier, not cancelled, not more than
 * it still has unpaid; two at once take turns on the order's row. */
static int payment_fits_order(entity_ctx *c, hook_change *ch, err *e)
{
    if (hook_int(ch, "reverses_id", 0)) return 0;
    const sql_value *a = hook_value(ch, "amount");
    int64_t amount = a && a->kind == SV_INT ? a->i : 0;
    if (a && a->kind == SV_INT && amount <= 0)
        return err_invalid(e, "amount", "not_positive", "付款金额必须大于零", "The amount must be above zero");
    int64_t order_id = hook_int(ch, "purchase_order_id", 0);
    if (!order_id) return 0;
    po_row o;
    int found = purchase_order_of(c, order_id, &o, e);
    if (found <= 0) return found; /* not found: the engine's link check answers */
    if (strcmp(o.status, "cancelled") == 0)
        return err_invalid(e, "purchase_order_id", "cancelled", "已取消的采购订单不能付款",
                            "A cancelled purchase order takes no payments");
    if (!hook_int(ch, "account_id", 0)) {
        if (hook_set_int(ch, "account_id", o.account_id, e)) return -1;
    } else if (hook_int(ch, "account_id", 0) != o.account_id) {
        return err_invalid(e, "account_id", "not_order_supplier", "付款单的供应商必须是采购订单的供应商",
                            "The payment's supplier must be the purchase order's");
    }
    if (amount <= o.unpaid) return 0;
    strbuf due = STRBUF_INIT;
    decimal_format(o.unpaid, 2, &due);
    err_add_field(e, "amount", "over_allocated");
    err_setf(e, 422, "over_allocated", "付款金额超过采购订单未付款金额 %s 元",
             "The amount is more than the %s unpaid on the purchase order", sb_str(&due), sb_str(&due));
    sb_free(&due);
    return -1;
}

/* ---- 采购建议 ---- */

int purchasing_suggestions(entity_ctx *c, strbuf *out, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.id, t.name, t.code, t.unit, t.min_stock, COALESCE(b.quantity, 0),"
                  " (SELECT COALESCE(SUM(l.quantity - COALESCE(l.received_quantity, 0)), 0) FROM purchase_order_lines l"
                  " JOIN purchase_orders o ON o.id = l.purchase_order_id WHERE l.product_id = t.id"
                  " AND l.deleted_at IS NULL AND o.deleted_at IS NULL AND o.status = 'ordered'"
                  " AND l.quantity > COALESCE(l.received_quantity, 0))"
                  " FROM products t LEFT JOIN stock_moves_bal_by_product b ON b.company_id = t.company_id"
                  " AND b.product_id = t.id WHERE t.deleted_at IS NULL AND t.min_stock IS NOT NULL"
                  " AND COALESCE(t.product_type, 'goods') <> 'service' AND COALESCE(t.status, 'on_sale') = 'on_sale'"
                  " AND COALESCE(b.quantity, 0) < t.min_stock AND ");
    acl_company_predicate(c->user, "t", &q);
    query_sql(&q, " ORDER BY t.code, t.id LIMIT 1000");
    db_stmt *s = query_prepare(c->db, &q, e);
    if (!s) return -1;
    sb_append(out, "{\"items\":[");
    int n = 0, step;
    while ((step = db_step(s)) == DB_ROW) {
        int64_t min = db_column_int64(s, 4), on_hand = db_column_int64(s, 5), on_order = db_column_int64(s, 6);
        int64_t suggested = min - on_hand - on_order;
        sb_printf(out, "%s{\"product_id\":%lld,\"product_name\":", n++ ? "," : "", (long long)db_column_int64(s, 0));
        sb_json_string(out, db_column_text(s, 1));
        sb_append(out, ",\"code\":");
        sb_json_string(out, db_column_is_null(s, 2) ? "" : db_column_text(s, 2));
        sb_append(out, ",\"unit\":");
        if (db_column_is_null(s, 3)) sb_append(out, "null");
        else sb_json_string(out, db_column_text(s, 3));
        const char *keys[] = {"min_stock", "on_hand", "on_order", "suggested"};
        int64_t vals[] = {min, on_hand, on_order, suggested > 0 ? suggested : 0};
        for (int k = 0; k < 4; k++) {
            sb_printf(out, ",\"%s\":", keys[k]);
            decimal_format(vals[k], 2, out);
        }
        sb_putc(out, '}');
    }
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "读取采购建议失败", "Cannot read the purchase suggestion");
    sb_printf(out, "],\"total\":%d}", n);
    return 0;
}

void purchasing_init(void)
{
    entity_before("purchase_order_lines", ON_WRITE, purchase_line_sane);
    entity_before("payments", ON_CREATE, payment_fits_order);
}
