/* order_money.h - the one reader of a sales order's money (review D2).
 * 销售折让单 (allowances.c), receipts and invoices (commerce.c), the
 * collection plan (receivables.c) and the refund of a sales return
 * (stock.c) all judge an order by the same stored figures; before this
 * each read them with its own SELECT, with or without the company
 * predicate and the row lock. The figures are the order's computed
 * columns (metadata/entities/sales_orders.json), so they already hold
 * what this transaction wrote. */
#ifndef KEHU_ORDER_MONEY_H
#define KEHU_ORDER_MONEY_H

#include <stdint.h>

#include "../entity/entity.h"

/* A live order's state and money, amounts in 分. */
typedef struct order_money {
    char status[32];
    char code[64];
    int64_t account_id;
    int64_t total;       /* 价税合计 */
    int64_t returned;    /* 退货金额: confirmed sales returns */
    int64_t allowed;     /* 折让金额: confirmed 销售折让单 */
    int64_t received;    /* 已收款: receipts, refunds (negative) included */
    int64_t outstanding; /* 未收款 as stored (never below zero) */
} order_money;

/* The live order `order_id` of the caller's company: 1 found, 0 not, -1
 * error. `lock`: its row is locked on PostgreSQL (FOR UPDATE), so writes
 * that check against it take turns (SQLite writes one at a time). An
 * integrity rule's read: it sees the row whoever in the company asks; the
 * engine checks separately that the user may see the order a record
 * links to. */
int order_money_read(entity_ctx *c, int64_t order_id, int lock, order_money *out, err *e);

/* What is left of the order's value to credit: 价税合计 − 退货金额 −
 * 折让金额 (below zero when a return came after an allowance). */
int64_t order_money_left(const order_money *o);

/* The refund a further credit of `credit` 分 (a return's value, an
 * allowance) brings: what the customer has paid beyond what they then
 * owe (never below zero), and never more than the credit itself. */
int64_t order_money_refund(const order_money *o, int64_t credit);

#endif
