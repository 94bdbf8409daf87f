/* entity_schema.h - one SQL table per entity, kept in step with metadata. */
#ifndef KEHU_ENTITY_SCHEMA_H
#define KEHU_ENTITY_SCHEMA_H

#include "../db/db.h"
#include "../util/strbuf.h"
#include "../meta/metadata.h"

/* SQL column type of a field in a dialect. */
const char *entity_column_type(const field_def *f, db_dialect d);
/* Creates missing tables, columns and indexes for every entity. Idempotent. */
int entity_schema_sync(db_conn *c, const metadata *m, err *e);
/* Does the table have this column (an upgrade reading a retired field)? */
int entity_has_column(db_conn *c, const char *table, const char *column);
/* Whether the entity has quick-search fields (and so a search index). */
int entity_has_search(const entity_def *ent);
/* Appends the search words of one searchable field's text: its character
 * pairs and words, and for the name field the pinyin of its parts. */
void entity_field_search_words(const entity_def *ent, const field_def *f, const char *text, strbuf *out);
/* Adds the column of a custom field unless it exists (a slot column that
 * another company's field made); part of the caller's transaction. */
int entity_add_column(db_conn *c, const entity_def *ent, const field_def *f, err *e);
/* Change stamps, so a cached list total is never stale on another node:
 * on PostgreSQL each entity table has a sequence <table>_changes that a
 * write's commit bumps (after the commit, so a reader that saw the old
 * stamp may only recount too often, never keep an old count); the stamp
 * is part of a cached total's key. 0 on SQLite (one process), -1 when it
 * cannot be read (the caller does not cache then). */
void entity_changes_bump(db_conn *c, const entity_def *ent);
int64_t entity_changes_stamp(db_conn *c, const entity_def *ent);
/* A deleted custom field's data: a company's field (company > 0) empties
 * its slot column for that company's rows (other companies' fields share
 * the column); the platform's (company 0) drops its own column. */
int entity_drop_field_data(db_conn *c, const entity_def *ent, const field_def *f, int64_t company, err *e);
/* Recomputes the quick-search words of one company's rows of ent (the
 * company's own definition, with its searchable custom fields); every
 * row when company is 0. */
int entity_reindex_company(db_conn *c, const entity_def *ent, int64_t company, err *e);
/* The same for every row (ent: the platform's definition), then again for
 * the companies with custom fields of their own. */
int entity_reindex_all(db_conn *c, const entity_def *ent, err *e);

#endif
