/* receivables.c - see receivables.h. */
#include "receivables.h"

#include <stdio.h>
#include <string.h>

#include "../acl/acl.h"
#include "../entity/entity_computed.h"
#include "../entity/hooks.h"
#include "../entity/value.h"
#include "../util/arena.h"
#include "order_money.h"
#include "sales.h"

static int refuse(err *e, const char *field, const char *reason, const char *zh, const char *en)
{
    err_add_field(e, field, reason);
    return err_set(e, 422, "validation_failed", zh, en);
}

/* A refusal naming an amount of money (分) in both messages. */
static int refuse_amount(err *e, const char *field, const char *code, int64_t fen, const char *zh_fmt, const char *en_fmt)
{
    strbuf sb = STRBUF_INIT;
    decimal_format(fen, 2, &sb);
    err_add_field(e, field, code);
    err_setf(e, 422, code, zh_fmt, en_fmt, sb_str(&sb));
    sb_free(&sb);
    return -1;
}

static int64_t money(hook_change *ch, const char *field)
{
    const sql_value *v = hook_value(ch, field);
    return v && v->kind == SV_INT ? v->i : 0;
}

/* Runs q and reads one row into `cols` integers (NULL as 0) and its first
 * text column `text` (may be NULL); 1 found, 0 not, -1 error. */
static int one_row(entity_ctx *c, query *q, int64_t *cols, int ncols, int text_col, char *text, size_t ntext, err *e)
{
    db_stmt *s = db_prepare(c->db, sb_str(&q->sql), e);
    if (!s) return query_free(q), -1;
    query_bind_all(q, s);
    query_free(q);
    int step = db_step(s), found = step == DB_ROW;
    for (int i = 0; found && i < ncols; i++) cols[i] = db_column_is_null(s, i) ? 0 : db_column_int64(s, i);
    if (found && text)
        snprintf(text, ntext, "%s", db_column_is_null(s, text_col) ? "" : db_column_text(s, text_col));
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取应收款失败", "Cannot read the receivables") : found;
}

static void for_update(entity_ctx *c, query *q)
{
    if (db_dialect_of(c->db) == DB_POSTGRES) query_sql(q, " FOR UPDATE");
}

/* ---- the collection plan ---- */

/* The next 期次 of an order: one more than the highest of its live plan. */
static int next_period(entity_ctx *c, int64_t order_id, int64_t *out, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT COALESCE(MAX(t.period_no), 0) + 1 FROM instalments t WHERE t.deleted_at IS NULL AND t.sales_order_id = ");
    query_bind_int(&q, order_id);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    return one_row(c, &q, out, 1, -1, NULL, 0, e) < 0 ? -1 : 0;
}

/* An instalment belongs to a live order that is not cancelled, and to its
 * customer; it gets the next 期次 when none is given, and its name. */
static int instalment_follows_order(entity_ctx *c, hook_change *ch, err *e)
{
    if (hook_event(ch) == ON_UPDATE && hook_changed(ch, "sales_order_id"))
        return refuse(e, "sales_order_id", "read_only", "回款计划所属的订单不能更改", "An instalment cannot move to another order");
    int64_t order_id = hook_int(ch, "sales_order_id", 0);
    if (!order_id) return 0; /* required: the engine says so */
    order_money o;
    int found = order_money_read(c, order_id, 1, &o, e);
    if (found <= 0) return found; /* not found: the engine's link check answers */
    if (strcmp(o.status, "cancelled") == 0 && hook_event(ch) == ON_CREATE)
        return refuse(e, "sales_order_id", "cancelled", "已取消的订单不能制定回款计划", "A cancelled order has no collection plan");
    if (money(ch, "amount") <= 0)
        return refuse(e, "amount", "not_positive", "计划金额必须大于零", "The amount must be above zero");
    int64_t period = hook_int(ch, "period_no", 0);
    if (hook_value(ch, "period_no")->kind == SV_NULL) {
        if (next_period(c, order_id, &period, e) || hook_set_int(ch, "period_no", period, e)) return -1;
    } else if (period <= 0)
        return refuse(e, "period_no", "not_positive", "期次必须是正整数", "The instalment number must be above zero");
    char name[100];
    snprintf(name, sizeof name, "%s 第%lld期", o.code, (long long)period);
    return hook_set_int(ch, "account_id", o.account_id, e) || hook_set_text(ch, "name", arena_strdup(c->a, name), e) ? -1 : 0;
}

/* What the order's live plan adds up to, and whether another live
 * instalment has the same 期次 as `self`. */
static int plan_of(entity_ctx *c, int64_t order_id, int64_t self, int64_t period, int64_t *planned, int64_t *same_period,
                   err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT COALESCE(SUM(t.amount), 0), COALESCE(SUM(CASE WHEN t.period_no = ");
    query_bind_int(&q, period);
    query_sql(&q, " AND t.id <> ");
    query_bind_int(&q, self);
    query_sql(&q, " THEN 1 ELSE 0 END), 0) FROM instalments t WHERE t.deleted_at IS NULL AND t.sales_order_id = ");
    query_bind_int(&q, order_id);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    int64_t cols[2] = {0, 0};
    if (one_row(c, &q, cols, 2, -1, NULL, 0, e) < 0) return -1;
    *planned = cols[0];
    *same_period = cols[1];
    return 0;
}

/* What the receipts of an instalment brought, reversals included. */
static int received_on(entity_ctx *c, int64_t instalment_id, int64_t *out, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT COALESCE(SUM(t.amount), 0) FROM receipts t WHERE t.deleted_at IS NULL AND t.instalment_id = ");
    query_bind_int(&q, instalment_id);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    *out = 0;
    return one_row(c, &q, out, 1, -1, NULL, 0, e) < 0 ? -1 : 0;
}

/* Once written: the plan stays within the order's total, the 期次 is the
 * order's only one of that number, and the amount is not below what was
 * already received on it. */
static int plan_within_order(entity_ctx *c, hook_change *ch, err *e)
{
    int64_t order_id = hook_int(ch, "sales_order_id", 0), planned, dup, received;
    order_money o;
    if (order_money_read(c, order_id, 1, &o, e) <= 0) return e->status ? -1 : 0;
    if (plan_of(c, order_id, hook_id(ch), hook_int(ch, "period_no", 0), &planned, &dup, e)) return -1;
    if (dup) return refuse(e, "period_no", "duplicate", "该订单已有这一期回款计划", "The order already has this instalment");
    if (planned > o.total) {
        strbuf p = STRBUF_INIT, t = STRBUF_INIT;
        decimal_format(planned, 2, &p);
        decimal_format(o.total, 2, &t);
        err_add_field(e, "amount", "over_total");
        err_setf(e, 422, "over_total", "回款计划合计 %s 元超过订单价税合计 %s 元%.0s%.0s",
                 "%.0s%.0sThe plan adds up to %s, more than the order's total of %s", sb_str(&p), sb_str(&t), sb_str(&p),
                 sb_str(&t));
        sb_free(&p);
        sb_free(&t);
        return -1;
    }
    if (hook_event(ch) != ON_UPDATE || !hook_changed(ch, "amount")) return 0;
    if (received_on(c, hook_id(ch), &received, e)) return -1;
    return money(ch, "amount") < received ? refuse_amount(e, "amount", "below_received", received,
                                                          "计划金额不能低于该期已收金额 %s 元",
                                                          "The amount cannot be below the %s already received")
                                          : 0;
}

static int instalment_without_receipts(entity_ctx *c, hook_change *ch, err *e)
{
    int64_t received;
    if (received_on(c, hook_id(ch), &received, e)) return -1;
    return received ? err_set(e, 409, "has_receipts", "该期已有收款，不能删除；请先冲销收款单",
                              "The instalment has receipts and cannot be deleted; reverse them first")
                    : 0;
}

/* A submitted order's total no longer changes: its plan must fit it. */
static int submitted_plan_fits(entity_ctx *c, hook_change *ch, err *e)
{
    const char *status = hook_text(ch, "status");
    if (!hook_changed(ch, "status") || !status || strcmp(status, "pending") != 0) return 0;
    int64_t planned, dup;
    if (plan_of(c, hook_id(ch), 0, 0, &planned, &dup, e)) return -1;
    return planned > money(ch, "total") ? refuse_amount(e, "instalments", "over_total", planned,
                                                        "回款计划合计 %s 元超过订单价税合计，请先调整回款计划",
                                                        "The collection plan adds up to %s, more than the order's total: "
                                                        "change the plan first")
                                        : 0;
}

/* ---- receipts allocated to an instalment or an invoice ---- */

/* The order and outstanding amount of a live instalment or invoice of the
 * company (its row locked on PostgreSQL); `extra` is 1 for a void invoice. */
static int allocation_target(entity_ctx *c, const char *table, int64_t id, int64_t *order_id, int64_t *outstanding,
                             int64_t *void_, err *e)
{
    query q;
    query_init(&q, c->a);
    if (strcmp(table, "instalments") == 0)
        query_sql(&q, "SELECT t.sales_order_id, t.outstanding, 0 FROM instalments t WHERE t.deleted_at IS NULL AND t.id = ");
    else
        query_sql(&q, "SELECT t.sales_order_id, COALESCE(t.total, 0) - COALESCE(t.received_total, 0),"
                      " CASE WHEN t.status = 'void' THEN 1 ELSE 0 END FROM invoices t WHERE t.deleted_at IS NULL AND t.id = ");
    query_bind_int(&q, id);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    for_update(c, &q);
    int64_t cols[3] = {0, 0, 0};
    int found = one_row(c, &q, cols, 3, -1, NULL, 0, e);
    *order_id = cols[0];
    *outstanding = cols[1];
    *void_ = cols[2];
    return found;
}

/* One allocation: the receipt's order is the target's (taken from it when
 * the receipt names none) and the amount fits what the target still has
 * outstanding. */
static int allocation_fits(entity_ctx *c, hook_change *ch, const char *field, const char *table, err *e)
{
    int64_t id = hook_int(ch, field, 0), order_id, outstanding, void_;
    if (!id) return 0;
    int found = allocation_target(c, table, id, &order_id, &outstanding, &void_, e);
    if (found <= 0) return found; /* not found: the engine's link check answers */
    int is_instalment = strcmp(table, "instalments") == 0;
    if (void_) return refuse(e, field, "void", "已作废的发票不能收款", "A void invoice takes no receipts");
    if (!hook_int(ch, "sales_order_id", 0) && hook_set_int(ch, "sales_order_id", order_id, e)) return -1;
    if (hook_int(ch, "sales_order_id", 0) != order_id)
        return is_instalment ? refuse(e, field, "not_in_order", "回款期次不属于收款单的订单", "The instalment is not one of the receipt's order")
                             : refuse(e, field, "not_in_order", "发票不属于收款单的订单", "The invoice is not one of the receipt's order");
    if (money(ch, "amount") <= outstanding) return 0;
    return is_instalment ? refuse_amount(e, "amount", "over_allocated", outstanding, "收款金额超过该期未收金额 %s 元",
                                         "The amount is more than the %s outstanding on the instalment")
                         : refuse_amount(e, "amount", "over_allocated", outstanding, "收款金额超过该发票未收金额 %s 元",
                                         "The amount is more than the %s outstanding on the invoice");
}

static int receipt_allocated(entity_ctx *c, hook_change *ch, err *e)
{
    if (hook_int(ch, "reverses_id", 0)) return 0; /* the ledger's own correction */
    if ((hook_int(ch, "instalment_id", 0) || hook_int(ch, "invoice_id", 0)) && money(ch, "amount") <= 0)
        return refuse(e, "amount", "not_positive", "收款金额必须大于零", "The amount must be above zero");
    return allocation_fits(c, ch, "instalment_id", "instalments", e) || allocation_fits(c, ch, "invoice_id", "invoices", e)
               ? -1
               : 0;
}

/* ---- receipts to the order, spread over its plan ---- */

#define PLAN_MAX 240 /* instalments of one order spread over; 20 years monthly */

typedef struct plan_row {
    int64_t id, amount, share, own; /* own: its own receipts' sum */
} plan_row;

static int plan_rows(entity_ctx *c, int64_t order_id, plan_row *rows, int *n, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.id, t.amount, COALESCE(t.order_share, 0), (SELECT COALESCE(SUM(r.amount), 0) FROM receipts r"
                  " WHERE r.deleted_at IS NULL AND r.instalment_id = t.id) FROM instalments t"
                  " WHERE t.deleted_at IS NULL AND t.sales_order_id = ");
    query_bind_int(&q, order_id);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    query_sqlf(&q, " ORDER BY t.due_date, t.period_no, t.id LIMIT %d", PLAN_MAX);
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    if (!s) return query_free(&q), -1;
    query_bind_all(&q, s);
    query_free(&q);
    int step;
    *n = 0;
    while ((step = db_step(s)) == DB_ROW && *n < PLAN_MAX)
        rows[(*n)++] = (plan_row){db_column_int64(s, 0), db_column_int64(s, 1), db_column_int64(s, 2), db_column_int64(s, 3)};
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取回款计划失败", "Cannot read the collection plan") : 0;
}

/* Money received for an order without naming an instalment (a receipt to
 * the order or to one of its invoices, a return's refund) pays its plan
 * from the earliest due instalment on, as a customer's payment would be
 * read: each instalment's 订单收款分摊 (order_share) is what of that pool
 * falls to it after its own receipts, so 已收/未收, the 账龄 and the 催款
 * reminders follow. The order's credits (退货金额 and 折让金额) are in the
 * pool too: what the customer no longer owes is not chased on the plan,
 * and without them an allowance or a return left the instalments owing
 * more than the order's 未收款 (the ageing's unplanned part went below
 * zero). With them the pool is never below zero: a refund only pays back
 * what was received beyond what the credits left owed. Stamped in place like the other computed figures;
 * the order's row lock (order_money_read) keeps two receipts from spreading
 * at once. */
static int spread_over_plan(entity_ctx *c, int64_t order_id, err *e)
{
    const entity_def *plan = meta_entity(c->m, "instalments");
    order_money o;
    if (!order_id || !plan || !meta_field(plan, "order_share")) return 0;
    int found = order_money_read(c, order_id, 1, &o, e);
    if (found <= 0) return found;
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT COALESCE(SUM(t.amount), 0) FROM receipts t WHERE t.deleted_at IS NULL AND t.instalment_id IS NULL"
                  " AND t.sales_order_id = ");
    query_bind_int(&q, order_id);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    int64_t pool = 0;
    if (one_row(c, &q, &pool, 1, -1, NULL, 0, e) < 0) return -1;
    pool += o.returned + o.allowed;
    plan_row rows[PLAN_MAX];
    int n = 0;
    if (plan_rows(c, order_id, rows, &n, e)) return -1;
    for (int i = 0; i < n; i++) {
        int64_t room = rows[i].amount - rows[i].own, share = pool > 0 && room > 0 ? (pool < room ? pool : room) : 0;
        pool -= share;
        if (share == rows[i].share) continue;
        query_init(&q, c->a);
        query_sql(&q, "UPDATE instalments SET order_share = ");
        query_bind_int(&q, share);
        query_sql(&q, " WHERE id = ");
        query_bind_int(&q, rows[i].id);
        db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
        if (!s) return query_free(&q), -1;
        query_bind_all(&q, s);
        query_free(&q);
        int step = db_step(s);
        db_finalize(s);
        if (step < 0) return err_set(e, 500, "db_error", "更新回款计划失败", "Cannot update the collection plan");
        if (computed_refresh(c, plan, rows[i].id, e)) return -1;
    }
    return 0;
}

/* After a receipt or an instalment of the order is written, and after a
 * sales return or 销售折让单 changes (its confirmation credits the order:
 * the order's 退货金额 / 折让金额 are already recomputed when after-hooks
 * run). */
static int order_spread(entity_ctx *c, hook_change *ch, err *e)
{
    return spread_over_plan(c, hook_int(ch, "sales_order_id", 0), e);
}

/* ---- 催款提醒 ---- */

int receivables_reminders(entity_ctx *c, const char *until, strbuf *out, int *n, err *e)
{
    const entity_def *plan = meta_entity(c->m, "instalments"), *orders = meta_entity(c->m, "sales_orders");
    if (!plan || !orders || !acl_can(c->user, plan, ACL_VIEW) || !acl_can(c->user, orders, ACL_VIEW)) return 0;
    query q;
    query_init(&q, c->a);
    /* due at the end of its day in Beijing (15:59:59 UTC): overdue from
     * the next day on, as the bell compares times */
    query_sql(&q, "SELECT t.id, t.name, t.due_date || 'T15:59:59Z', o.account_id, a.name, NULL, o.owner_id, u.name"
                  " FROM instalments t JOIN sales_orders o ON o.id = t.sales_order_id"
                  " LEFT JOIN accounts a ON a.id = o.account_id LEFT JOIN users u ON u.id = o.owner_id"
                  " WHERE t.deleted_at IS NULL AND o.deleted_at IS NULL AND t.outstanding > 0"
                  " AND o.status NOT IN ('draft', 'cancelled') AND t.due_date IS NOT NULL AND t.due_date <= ");
    query_bind_text(&q, until);
    query_sql(&q, " AND ");
    acl_own_predicate(c->user, orders, "o", &q); /* the caller's orders and their subordinates' */
    query_sql(&q, " ORDER BY t.due_date, t.id LIMIT 100");
    return sales_reminder_rows(c, &q, "dunning", "instalments", out, n, e);
}

/* ---- 订单执行计划 in the bell ---- */

/* The plan's open tasks (催款, 收款, 发货, 退款) falling due, of orders
 * under way: the assignee's, and those of the caller's orders and their
 * subordinates' that name no assignee or another one. They open the
 * order, where the plan is edited. */
int order_plan_reminders(entity_ctx *c, const char *until, strbuf *out, int *n, err *e)
{
    const entity_def *tasks = meta_entity(c->m, "sales_order_tasks"), *orders = meta_entity(c->m, "sales_orders");
    if (!tasks || !orders || !acl_can(c->user, orders, ACL_VIEW)) return 0;
    const field_def *kind = meta_field(tasks, "kind");
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT o.id, o.code || ' ' || CASE t.kind");
    for (int i = 0; kind && i < kind->noptions; i++) {
        query_sql(&q, " WHEN ");
        query_bind_text(&q, kind->options[i].value);
        query_sql(&q, " THEN ");
        query_bind_text(&q, meta_option_label(kind, kind->options[i].value, c->lang));
    }
    query_sql(&q, " ELSE t.kind END || CASE WHEN t.note IS NULL OR t.note = '' THEN '' ELSE '：' || t.note END,"
                  " t.due_date || 'T15:59:59Z', o.account_id, a.name, NULL, COALESCE(t.assignee_id, o.owner_id), u.name"
                  " FROM sales_order_tasks t JOIN sales_orders o ON o.id = t.sales_order_id"
                  " LEFT JOIN accounts a ON a.id = o.account_id LEFT JOIN users u ON u.id = COALESCE(t.assignee_id, o.owner_id)"
                  " WHERE t.deleted_at IS NULL AND o.deleted_at IS NULL AND COALESCE(t.done, 0) = 0"
                  " AND o.status NOT IN ('draft', 'cancelled', 'completed') AND t.due_date <= ");
    query_bind_text(&q, until);
    query_sql(&q, " AND (t.assignee_id = ");
    query_bind_int(&q, c->user->id);
    query_sql(&q, " OR ");
    acl_own_predicate(c->user, orders, "o", &q);
    query_sql(&q, ") AND ");
    acl_company_predicate(c->user, "o", &q);
    query_sql(&q, " ORDER BY t.due_date, t.id LIMIT 100");
    return sales_reminder_rows(c, &q, "order_task", "sales_orders", out, n, e);
}

void receivables_init(void)
{
    entity_before("instalments", ON_WRITE, instalment_follows_order);
    entity_after("instalments", ON_WRITE | ON_RESTORE, plan_within_order);
    entity_before("instalments", ON_DELETE, instalment_without_receipts);
    entity_before("sales_orders", ON_UPDATE, submitted_plan_fits);
    entity_before("receipts", ON_CREATE, receipt_allocated);
    entity_after("receipts", ON_CREATE, order_spread);
    entity_after("instalments", ON_WRITE | ON_DELETE | ON_RESTORE, order_spread);
    entity_after("sales_returns", ON_UPDATE | ON_DELETE | ON_RESTORE, order_spread);
    entity_after("sales_allowances", ON_UPDATE | ON_DELETE | ON_RESTORE, order_spread);
}
