/* allowances.h - 销售折让单 (sales_allowances, metadata/entities/
 * sales_allowances.json): a price concession on an order without goods
 * coming back (a lower price agreed after the sale, a defect the customer
 * keeps, a late delivery). The document, its states, lock and the order's
 * 折让金额 (`allowance_total`, which lowers 未收款 as 退货金额 does) are
 * metadata; this module adds the rules:
 * - an allowance belongs to an order that is 已审批 or later and not
 *   已取消, and to that order's customer (taken from it); its order never
 *   changes;
 * - its amount is above zero and at most what is left of the order's
 *   value: 价税合计 − 退货金额 − 折让金额 so far (422 `amount:
 *   exceeds_order`), checked on every write of a draft and again on
 *   确认折让 under the order's row lock (PostgreSQL), so two drafts that
 *   each fit alone are never both confirmed beyond the order;
 * - 确认折让 (handler `allowance_confirm`) refunds what the customer paid
 *   beyond what they now owe: a receipt of the negative amount (退款) in
 *   the receipts ledger, in the same transaction, linked as the
 *   allowance's `refund_receipt_id` (as a sales return's refund,
 *   docs/stock.md). An order not yet paid gets no refund: it is owed less. */
#ifndef KEHU_ALLOWANCES_H
#define KEHU_ALLOWANCES_H

/* Registers the hooks and the action handler; call once at start-up. */
void allowances_init(void);

#endif
