/* stock.h - the stock rules that metadata alone cannot say (issue 12,
 * docs/stock.md). Warehouses, the stock ledger (库存流水, its balance per
 * product and warehouse that may not go below zero), transfers, shipments
 * and their lines are metadata; this module adds:
 * - a stock move names a product of type 商品 (a 服务 has no stock), a
 *   quantity that is not zero, and by hand only the kind 盘点调整 (the
 *   other kinds are written by their documents);
 * - a transfer (调拨单) writes its two moves, out of one warehouse and into
 *   another, in its own transaction;
 * - a shipment (发货单) belongs to an approved or executing order and its
 *   customer; its lines are lines of that order, goods only, above zero
 *   and never more than ordered less already shipped;
 * - 确认发货 writes a move out of the warehouse per line (the order's row
 *   is locked on PostgreSQL, so two shipments of one order take turns; the
 *   balance refuses the last unit twice), moves the order to 执行中 and,
 *   once every goods line is shipped, to 已发货;
 * - 发货 on an order drafts a shipment of everything not yet shipped. */
#ifndef KEHU_STOCK_H
#define KEHU_STOCK_H

#include "../entity/entity.h"

/* Whether a product of the user's company is a service (服务: no stock);
 * 0 for goods, a product from before types, or one not found; -1 error. */
int stock_product_is_service(entity_ctx *c, int64_t product_id, err *e);

/* The company's stock settings, {"allow_negative": bool}: whether stock
 * may go below zero (the company_settings key the stock ledger's balance
 * names in metadata, "negative_allowed_by"). */
int stock_settings_json(entity_ctx *c, strbuf *out, err *e);
int stock_settings_set(entity_ctx *c, int allow_negative, err *e);

/* 库存台账: per month from `from` to `to` ("YYYY-MM", at most
 * STOCK_LEDGER_MONTHS), the opening stock, what came in, what went out and
 * the closing stock of a product, in one warehouse or (warehouse 0) in all
 * of them, where transfers between warehouses move nothing. Over the
 * company's whole ledger, like the balances. Returns the number of months
 * (rows[0..n)), -1 with e (422 on a bad period). */
#define STOCK_LEDGER_MONTHS 36
typedef struct stock_ledger_row {
    char period[8]; /* "2026-11" */
    int64_t opening, in, out, closing; /* quantities, two decimals */
} stock_ledger_row;
int stock_ledger(entity_ctx *c, int64_t product, int64_t warehouse, const char *from, const char *to,
                 stock_ledger_row *rows, err *e);

/* Registers the entity hooks and action handlers; call once at start-up. */
void stock_init(void);

#endif
