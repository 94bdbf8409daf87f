/* commerce.h - the rules of quotes, sales orders and invoices that
 * metadata alone cannot say (issue 12). The documents themselves - their
 * lines, totals, 大写金额, states, locks and the 转为订单 / 开具发票 copies -
 * are metadata (metadata/entities/quotes.json, sales_orders.json,
 * invoices.json and their *_lines); this module adds:
 * - every line of a quote, order or invoice has a quantity above zero, no
 *   negative price, and a discount between 0 and 100 %;
 * - an invoice belongs to an order that is approved or later (not a
 *   draft, not cancelled) and to that order's customer;
 * - an invoice line names a line of its order and takes its product,
 *   unit and price from it; its VAT rate is 13, 9, 6 or 0 %;
 * - across all invoices of an order that are not void, a line is never
 *   invoiced for more than was ordered (checked after every write of an
 *   invoice line and on restoring an invoice; the order line's row is
 *   locked on PostgreSQL, so two invoices at once take turns). */
#ifndef KEHU_COMMERCE_H
#define KEHU_COMMERCE_H

/* Registers the entity hooks; call once at start-up. */
void commerce_init(void);

#endif
