/* entity_computed.h - keeping computed fields true. A computed field is a
 * stored column (so it sorts, filters, indexes and exports like any other)
 * whose value the engine sets from its expression (expr.h), inside the
 * transaction of the write that changed an input: the record's own fields,
 * or a related record its aggregates read (created, changed, moved to
 * another parent, deleted, restored). Values are computed from what is
 * stored and for every user alike: aggregates read all live related
 * records, whoever may see them. */
#ifndef KEHU_ENTITY_COMPUTED_H
#define KEHU_ENTITY_COMPUTED_H

#include "entity.h"

/* Recomputes the computed fields of record id from what is stored, stores
 * those that changed, and recomputes the parents that sum this record in
 * turn. For a caller that wrote several inputs at once (a document's
 * lines) and calls it once at the end. A value that cannot be computed
 * exactly (overflow, division by zero) refuses with 422
 * computation_failed naming the field; the caller rolls back. */
int computed_refresh(entity_ctx *c, const entity_def *ent, int64_t id, err *e);

/* Before a new record's INSERT: its computed fields from the values it
 * is created with (vals/present indexed like ent->fields, as in a write's
 * change set); nothing links to it yet, so aggregates are over no rows. */
int computed_fill(entity_ctx *c, const entity_def *ent, sql_value *vals, char *present, err *e);

/* After record id of ent was created (old NULL: computed_fill gave its own
 * values), updated, deleted or restored (old: its values before, indexed like ent->fields): its own
 * computed fields, and those of the parents whose aggregates read it,
 * under the link it had before and the one it has now. A parent whose
 * value changes gets a new version (its ETag changes). */
int computed_after_write(entity_ctx *c, const entity_def *ent, int64_t id, const sql_value *old, err *e);

/* At start, inside the schema transaction: computes every live record of
 * each entity whose computed fields are new or changed since the last
 * start (the definitions are remembered in settings). A record whose value
 * cannot be computed keeps NULL and is reported on stderr. */
int computed_backfill(db_conn *db, const metadata *m, err *e);

#endif
