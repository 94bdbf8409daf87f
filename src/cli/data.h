/* data.h - generated data: `kehu gen-data` for benchmarks and `--demo` for
 * a realistic first look. */
#ifndef KEHU_CLI_DATA_H
#define KEHU_CLI_DATA_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../db/db.h"
#include "../util/err.h"

/* Inserts `accounts` customers, `contacts` contacts and `receipts` 收款单
 * (both spread over the customers) owned by owner_id, in one transaction. */
int gen_data(db_conn *c, int64_t accounts, int64_t contacts, int64_t receipts, int64_t owner_id, err *e);
/* The same, and sales orders with their plans and receipts, and a stock
 * ledger (gen_commerce.c). */
typedef struct gen_counts {
    int64_t accounts, contacts, receipts, orders, stock_moves;
} gen_counts;
int gen_data_with(db_conn *c, const gen_counts *n, int64_t owner_id, err *e);
/* A small realistic data set, only when there are no customers yet. */
int cli_demo_data(db_conn *c, err *e);
/* The money half of the demo (demo_commerce.c): products, quotes, sales
 * orders, invoices and receipts, as the administrator, after the sales
 * records. */
struct entity_ctx;
int demo_commerce(struct entity_ctx *c, err *e);
/* 折扣规则 of each kind, approval flows and an order waiting in 张伟's
 * 待我审批 (demo_approvals.c), after demo_commerce and the team. */
int demo_approvals(struct entity_ctx *c, err *e);
/* A flow for 费用 over 3,000 元 to the submitter's superior, and 李娜's
 * travel expense waiting in 张伟's 待我审批; last, so the earlier demo
 * expenses (campaign bills) stay approved at once. */
int demo_expense_approval(struct entity_ctx *c, err *e);
/* 回款计划 (demo_receivables.c): instalments, some overdue, with receipts
 * allocated, and three older orders, after demo_commerce. */
int demo_receivables(struct entity_ctx *c, err *e);
/* 市场管理 (demo_marketing.c): competitors named on the opportunities. */
int demo_marketing(struct entity_ctx *c, err *e);
/* 办公协作 (demo_office.c): announcements published to the team. */
int demo_office(struct entity_ctx *c, err *e);
/* 文档中心: the team's folders, shared and private, and 投稿 (demo_documents.c). */
int demo_documents(struct entity_ctx *c, err *e);
/* 客户服务 (demo_service.c): SLA rules, queues and tickets in every state,
 * after the team. */
int demo_service(struct entity_ctx *c, err *e);
/* 库存 and 采购 (demo_stock.c): warehouses, stock, a purchase cycle and
 * shipments of demo_commerce's orders, after it. */
int demo_stock(struct entity_ctx *c, err *e);
/* Shared by the demo's files (demo.c): the date `offset_days` from today
 * ("YYYY-MM-DD"), and a record made through the engine (body is taken). */
void demo_day(int offset_days, char *out, size_t n);
int demo_create(struct entity_ctx *c, const char *entity, json_t *body, int64_t *id, err *e);
/* kehu gen-data --accounts N [--contacts M] [--receipts R] [--db ...] */
int cli_gen_data(int argc, char **argv);

#endif
