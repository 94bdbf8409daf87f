/* gen.h - what the generators of benchmark data share (gen_data.c for
 * customers, contacts and receipts; gen_commerce.c for orders and stock).
 * Rows go straight into the tables with explicit ids, beside the engine. */
#ifndef KEHU_CLI_GEN_H
#define KEHU_CLI_GEN_H

#include <stdint.h>

#include "../db/db.h"
#include "../util/err.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A fixed-seed xorshift: the same data on every run. */
uint64_t gen_rnd(void);
/* id, owner_id, created_at, updated_at, created_by, updated_by: the first
 * six parameters of every generated row. Returns the next parameter. */
int gen_bind_stamps(db_stmt *s, int64_t id, int64_t owner, const char *now);
/* Binds the pinyin keys of a name at parameters k and k+1. */
void gen_bind_pinyin(db_stmt *s, int k, const char *name);
int gen_step_ok(db_stmt *s, err *e);
/* Ids 1..count were given explicitly: moves the table's id generator
 * (PostgreSQL) and its auto-number counter (`autonumber`, a field name, or
 * NULL) past them. */
int gen_ids_used(db_conn *c, const char *table, const char *autonumber, int64_t count, err *e);
/* Makes the entity's declared balances again from its rows (schema sync
 * fills a balance table it creates). */
int gen_rebuild_balances(db_conn *c, const char *entity, err *e);

/* Sales orders, each with two instalments (回款计划) and receipts for what
 * is paid, spread over `accounts` customers; and a stock ledger of `moves`
 * rows over one product per thousand moves (10 to 1,000) in 5 warehouses. In the caller's transaction. */
int gen_orders(db_conn *c, int64_t orders, int64_t accounts, int64_t first_receipt, int64_t owner, const char *now,
               err *e);
int gen_stock_moves(db_conn *c, int64_t moves, int64_t owner, const char *now, err *e);

#endif
