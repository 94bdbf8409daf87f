/* prepare.h - start-up: brings a database to what this binary expects.
 * It wires every layer (migrations, metadata, entity tables, access rules),
 * so it lives with the start-up code, above them all. */
#ifndef KEHU_PREPARE_H
#define KEHU_PREPARE_H

#include "../db/db.h"
#include "../util/err.h"

/* Everything a database needs before use: system migrations, metadata
 * (published for this process), entity tables and indexes, the
 * out-of-the-box roles and profiles, and the access rules in force.
 * Called by `kehu serve`, `kehu init` and `kehu migrate`; safe at every start. */
int schema_prepare(db_conn *c, err *e);

#endif
