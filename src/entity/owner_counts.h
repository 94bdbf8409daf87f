/* owner_counts.h - live records per (table, company, owner), kept by the
 * database itself: triggers on every entity table add and take away one
 * in the transaction of each insert, delete and change of owner,
 * deletion or company, whoever writes (the engine, imports, merges,
 * gen-data, module SQL, several processes on PostgreSQL). A plain list's
 * total is then a sum of a few rows instead of a COUNT over every visible
 * row (a million for the administrator, issue 14), exact from the first
 * request on. The table owner_counts (system migration 25) holds
 * (tbl, company_id, owner_id, n), owner 0 for no owner (the public pool);
 * owner_count_tables names the tables whose triggers and counts are in
 * place (filled once, in the transaction that made the triggers). */
#ifndef KEHU_OWNER_COUNTS_H
#define KEHU_OWNER_COUNTS_H

#include "entity.h"

/* The triggers of ent's table and, the first time, its counts. Part of
 * the caller's transaction (entity_schema_sync). */
int owner_counts_schema(db_conn *c, const entity_def *ent, err *e);

/* The total of list p from the kept counts: 1 with *total set when p is a
 * plain list (no search, filter, initial, related list or recycle bin)
 * whose visible rows are a set of owners (acl_list_owner_set: not records
 * shared through a share list); 0 when it must be counted; -1 on error. */
int owner_counts_total(entity_ctx *c, const entity_def *ent, const list_params *p, int64_t *total, err *e);

#endif
