/* schema.h - the system tables by versioned migrations. Entity tables come
 * from metadata (src/entity/entity_schema.c); start-up code runs both
 * (schema_prepare in src/cli/prepare.h). */
#ifndef KEHU_SCHEMA_H
#define KEHU_SCHEMA_H

#include "../db/db.h"
#include "../util/err.h"

int schema_migrate_system(db_conn *c, err *e);

/* The id column of every table, per dialect. */
const char *schema_id_column(db_dialect d);

#endif
