/* ledger.h - what the engine's write and schema code call for immutable
 * entities (append-only ledgers) and their balances; the public part
 * (entity_reverse, entity_balance) is in entity.h. (Internal to
 * src/entity.) */
#ifndef KEHU_LEDGER_H
#define KEHU_LEDGER_H

#include "entity.h"

/* 422 `immutable`: the record of a ledger cannot be changed this way. */
int ledger_refuse(const entity_def *ent, err *e);
/* Creates the balance tables of ent when missing, filled from the rows
 * already in the ledger. Idempotent; part of schema sync. */
int ledger_schema(db_conn *c, const entity_def *ent, err *e);
/* Adds one new ledger row (vals by field index) to every balance of ent,
 * inside the insert's transaction. An overflowing sum is refused (422). */
int ledger_record(entity_ctx *c, const entity_def *ent, const sql_value *vals, err *e);

#endif
