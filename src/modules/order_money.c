/* order_money.c - see order_money.h. */
#include "order_money.h"

#include <stdio.h>

#include "../acl/acl.h"

int order_money_read(entity_ctx *c, int64_t order_id, int lock, order_money *out, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.status, t.code, t.account_id, t.total, t.returned_total, t.allowance_total, t.received_total,"
                  " t.outstanding FROM sales_orders t WHERE t.id = ");
    query_bind_int(&q, order_id);
    query_sql(&q, " AND t.deleted_at IS NULL AND ");
    acl_company_predicate(c->user, "t", &q); /* another company's order is not there */
    if (lock && db_dialect_of(c->db) == DB_POSTGRES) query_sql(&q, " FOR UPDATE");
    db_stmt *s = query_prepare(c->db, &q, e);
    if (!s) return -1;
    int step = db_step(s), found = step == DB_ROW;
    *out = (order_money){0};
    if (found) {
        snprintf(out->status, sizeof out->status, "%s", db_column_is_null(s, 0) ? "" : db_column_text(s, 0));
        snprintf(out->code, sizeof out->code, "%s", db_column_is_null(s, 1) ? "" : db_column_text(s, 1));
        int64_t *cols[] = {&out->account_id, &out->total,    &out->returned,
                           &out->allowed,    &out->received, &out->outstanding};
        for (int k = 0; k < 6; k++) *cols[k] = db_column_is_null(s, 2 + k) ? 0 : db_column_int64(s, 2 + k);
    }
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取订单失败", "Cannot read the order") : found;
}

int64_t order_money_left(const order_money *o)
{
    return o->total - o->returned - o->allowed;
}

int64_t order_money_refund(const order_money *o, int64_t credit)
{
    int64_t owed = order_money_left(o) - credit;
    int64_t refund = o->received - (owed > 0 ? owed : 0);
    if (refund > credit) refund = credit; /* money owed back before this credit is not this credit's to pay */
    return refund > 0 ? refund : 0;
}
