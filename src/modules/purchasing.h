/* purchasing.h - the purchasing rules metadata cannot say (issue 12,
 * docs/stock.md "Purchasing"). Suppliers are accounts of type 供应商;
 * 采购订单, its lines, 采购入库单 and 采购退货单 are metadata, their stock
 * moves src/modules/stock.c (the same documents as shipments). Here:
 * - a purchase line buys goods (a service has no stock), above zero, at
 *   a price that is not negative;
 * - a 付款单 against a purchase order: that order's supplier, not for a
 *   cancelled order, above zero and at most the order's 未付款 (the
 *   order's row locked on PostgreSQL); a 冲销 is not checked again;
 * - 采购建议: goods whose stock over all warehouses is below their 最低库存. */
#ifndef KEHU_PURCHASING_H
#define KEHU_PURCHASING_H

#include "../entity/entity.h"

/* {"items":[{product_id, product_name, code, unit, min_stock, on_hand,
 * on_order, suggested}], "total"}: every goods product on sale with a
 * 最低库存 above what is on hand, with what placed purchase orders still
 * bring and the quantity to order (minimum less on hand and on order). */
int purchasing_suggestions(entity_ctx *c, strbuf *out, err *e);

void purchasing_init(void);

#endif
