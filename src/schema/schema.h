/* schema.h - brings a database to the current version: the system tables by
 * versioned migrations, then one table per entity from metadata. Called by
 * `kehu serve`, `kehu init` and `kehu migrate`; safe to run at every start. */
#ifndef KEHU_SCHEMA_H
#define KEHU_SCHEMA_H

#include "../db/db.h"
#include "../util/err.h"

int schema_migrate_system(db_conn *c, err *e);
/* Everything a database needs before use: system migrations, metadata
 * (published for this process), entity tables and indexes. */
int schema_prepare(db_conn *c, err *e);

/* The id column of every table, per dialect. */
const char *schema_id_column(db_dialect d);

#endif
