/* receivables.h - the money owed on sales orders (issue 12, items 4 and
 * 6): the collection plan (回款计划, metadata/entities/instalments.json)
 * and receipts allocated to an instalment and an invoice; arrears (欠款查询),
 * dunning reminders (催款提醒), order accounts (订单账目) and the receivables
 * reports (src/modules/receivables_report.c). The plan and its figures are
 * metadata (computed 已收金额 and 未收金额); this module adds only the money
 * rules metadata cannot say:
 * - an instalment belongs to an order that is not cancelled, takes the
 *   order's customer, gets the next 期次 and its name (DD-000001 第2期),
 *   and never moves to another order;
 * - the instalments of an order never add up to more than its 价税合计
 *   (the order's row is locked on PostgreSQL while the plan is written,
 *   so two planners take turns), checked again when the order is
 *   submitted (its lines, and so its total, are locked from then on);
 * - an instalment is never planned below what it has already received,
 *   and one with receipts is not deleted;
 * - a receipt naming an instalment or an invoice belongs to that record's
 *   order (filled from it when not given) and is at most what the
 *   instalment, or the invoice, still has outstanding (row locked); a
 *   void invoice takes no receipts. A 冲销 is not checked again. */
#ifndef KEHU_RECEIVABLES_H
#define KEHU_RECEIVABLES_H

#include "../entity/entity.h"
#include "../util/strbuf.h"

/* Registers the hooks; commerce_init calls it before its own receipt
 * rule, so the order a receipt takes from its instalment is checked too. */
void receivables_init(void);

/* Appends the 催款 reminders of the caller's own orders (and their
 * subordinates'): instalments with money outstanding whose due date is on
 * or before `until` (YYYY-MM-DD), as items of GET /api/v1/reminders
 * (kind "dunning", entity "instalments"). `n` counts the items written. */
int receivables_reminders(entity_ctx *c, const char *until, strbuf *out, int *n, err *e);
/* The 订单执行计划's open tasks due by `until` (a date), for the bell. */
int order_plan_reminders(entity_ctx *c, const char *until, strbuf *out, int *n, err *e);

#endif
