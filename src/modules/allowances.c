/* allowances.c - see allowances.h. */
#include "allowances.h"

#include <stdio.h>
#include <string.h>

#include "../entity/entity_action.h"
#include "../entity/hooks.h"
#include "../entity/value.h"
#include "../util/clock.h"
#include "order_money.h"

/* An order is conceded on once approved, and until it is cancelled. */
static int order_allowable(const order_money *o, err *e)
{
    static const char *const OK[] = {"approved", "executing", "shipped", "completed"};
    for (size_t i = 0; i < sizeof OK / sizeof *OK; i++)
        if (strcmp(o->status, OK[i]) == 0) return 0;
    return err_invalid(e, "sales_order_id", "not_allowable", "只有已审批且未取消的订单才能折让",
                        "Only an approved order that is not cancelled can be given an allowance");
}

/* amount is above zero and within what is left of the order's value. */
static int amount_fits(const order_money *o, int64_t amount, err *e)
{
    if (amount <= 0) return err_invalid(e, "amount", "not_positive", "折让金额必须大于零", "The amount must be above zero");
    int64_t left = order_money_left(o);
    if (amount <= left) return 0;
    strbuf sb = STRBUF_INIT;
    decimal_format(left > 0 ? left : 0, 2, &sb);
    err_add_field(e, "amount", "exceeds_order");
    err_setf(e, 422, "exceeds_order", "折让金额超过订单可折让的 %s 元（价税合计减去退货金额和已折让金额）",
             "The amount is more than the %s left of the order (its total less returns and allowances)", sb_str(&sb),
             sb_str(&sb));
    sb_free(&sb);
    return -1;
}

/* A draft allowance: its order's customer (filled), an order that takes
 * allowances, an amount that fits; its order never changes. A confirmed
 * or cancelled one is locked by its state (the metadata), and the
 * confirmation checks for itself under the lock. */
static int allowance_follows_order(entity_ctx *c, hook_change *ch, err *e)
{
    int create = hook_event(ch) == ON_CREATE;
    if (!create && hook_changed(ch, "sales_order_id"))
        return err_invalid(e, "sales_order_id", "read_only", "折让单所属的订单不能更改",
                            "An allowance cannot move to another order");
    const char *status = hook_text(ch, "status");
    if (!create && (!hook_changed(ch, "amount") || (status && strcmp(status, "draft") != 0))) return 0;
    int64_t order_id = hook_int(ch, "sales_order_id", 0);
    if (!order_id) return 0; /* required: the engine says so */
    order_money o;
    int found = order_money_read(c, order_id, 0, &o, e);
    if (found <= 0) return found; /* not found: the engine's link check answers */
    if (create) {
        if (order_allowable(&o, e)) return -1;
        if (!hook_int(ch, "account_id", 0) && hook_set_int(ch, "account_id", o.account_id, e)) return -1;
    }
    if (hook_int(ch, "account_id", 0) != o.account_id)
        return err_invalid(e, "account_id", "not_order_account", "折让单的客户必须是订单的客户",
                            "The allowance's customer must be the order's");
    const sql_value *amount = hook_value(ch, "amount");
    if (!amount || amount->kind != SV_INT) return 0; /* required: the engine says so */
    return amount_fits(&o, amount->i, e);
}

/* One scaled amount, the order and the code of allowance id. */
static int allowance_row(entity_ctx *c, int64_t id, int64_t *amount, int64_t *order_id, const char **code, err *e)
{
    db_stmt *s = db_prepare(c->db, "SELECT amount, sales_order_id, code FROM sales_allowances WHERE id = ?", e);
    if (!s) return -1;
    db_bind_int64(s, 1, id);
    int step = db_step(s);
    if (step == DB_ROW) {
        *amount = db_column_is_null(s, 0) ? 0 : db_column_int64(s, 0);
        *order_id = db_column_is_null(s, 1) ? 0 : db_column_int64(s, 1);
        *code = arena_strdup(c->a, db_column_is_null(s, 2) ? "" : db_column_text(s, 2));
    }
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "读取折让单失败", "Cannot read the allowance");
    return step == DB_ROW ? 0 : err_set(e, 404, "not_found", "折让单不存在", "No such allowance");
}

/* 确认折让: checked again under the order's lock (two drafts may each fit
 * alone), then what the customer paid beyond what the order is now worth
 * goes back to them as a negative receipt, never more than the allowance
 * itself. The order's 折让金额 and 未收款 follow when the action's update
 * makes the allowance 已折让, in this transaction. */
static int confirm_allowance(entity_ctx *c, const entity_def *ent, const action_def *act, int64_t id, json_t *record,
                             json_t *body, json_t *changes, json_t *result, err *e)
{
    (void)ent;
    (void)act;
    int64_t amount = 0, order_id = 0;
    const char *code = NULL;
    if (allowance_row(c, id, &amount, &order_id, &code, e)) return -1;
    order_money o;
    int found = order_money_read(c, order_id, 1, &o, e);
    if (found <= 0) return found < 0 ? -1 : err_invalid(e, "sales_order_id", "not_found", "订单不存在", "No such order");
    if (order_allowable(&o, e) || amount_fits(&o, amount, e)) return -1;
    const char *date = json_string_value(json_object_get(body, "allowance_date"));
    if (!date) date = json_string_value(json_object_get(record, "allowance_date"));
    char day[11];
    if (!date) {
        china_today(day);
        date = day;
        json_object_set_new(changes, "allowance_date", json_string(day));
    }
    int64_t refund = order_money_refund(&o, amount);
    if (!refund) return 0;
    const entity_def *receipts = meta_entity(c->m, "receipts");
    if (!receipts) return err_set(e, 500, "bad_metadata", "缺少收款单定义", "receipts is not declared");
    strbuf money = STRBUF_INIT, note = STRBUF_INIT;
    decimal_format(-refund, 2, &money);
    sb_printf(&note, "销售折让 %s 退款", code);
    json_t *receipt = json_pack("{s:I,s:I,s:s,s:s,s:s}", "account_id", (json_int_t)o.account_id, "sales_order_id",
                                (json_int_t)order_id, "amount", sb_str(&money), "received_on", date, "note", sb_str(&note));
    sb_free(&money);
    sb_free(&note);
    entity_ctx server = *c;
    server.trusted = 1; /* a negative receipt only the server writes (commerce.c lets it pass) */
    int64_t receipt_id = 0;
    int rc = entity_create(&server, receipts, receipt, &receipt_id, e);
    json_decref(receipt);
    if (rc) return -1;
    json_object_set_new(changes, "refund_receipt_id", json_integer(receipt_id));
    json_object_set_new(result, "refund_receipt_id", json_integer(receipt_id));
    return 0;
}

void allowances_init(void)
{
    entity_before("sales_allowances", ON_WRITE, allowance_follows_order);
    entity_register_action("allowance_confirm", confirm_allowance);
}
