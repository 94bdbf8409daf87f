/* meta_load.h - building and publishing the current metadata. */
#ifndef KEHU_META_LOAD_H
#define KEHU_META_LOAD_H

#include "../db/db.h"
#include "../util/err.h"
#include "../meta/meta_current.h" /* meta_current: never NULL after meta_init */
#include "../meta/metadata.h"

/* The version a company's users read: the current one with the company's
 * own picklist options and custom fields (built once per version and company, kept like
 * every version); the current one itself for a company without any, and
 * for company 0 (the server's jobs). */
const metadata *meta_for_company(db_conn *c, int64_t company_id);

/* Parses the built-in entity files, seeds their picklist options into the
 * database when missing, adds custom fields and options from the database,
 * and publishes the result. */
int meta_init(db_conn *c, err *e);
int meta_reload(db_conn *c, err *e);
/* Reloads when another process changed metadata (settings.metadata_version);
 * checks the database at most once a second. */
void meta_refresh_if_stale(db_conn *c);
/* Reloads when the stored version, read by the caller (with the session:
 * auth_user.metadata_version), is newer than the one in force: another
 * process's change is seen by the next request, on every node. A version
 * < 0 (unknown) falls back to meta_refresh_if_stale. */
void meta_refresh_to(db_conn *c, int64_t version);
/* The same with a query of its own, for requests without a session. */
void meta_refresh_now(db_conn *c);
/* Records a metadata change so other processes reload; call inside the
 * transaction that made the change. */
int meta_bump_version(db_conn *c, err *e);

/* Frees every metadata version; only when no request can still run. */
void meta_shutdown(void);

/* Parses one field definition (the JSON form used in entity files and in
 * custom_fields.definition) into f; strings are allocated in a. */
struct arena;
int meta_parse_field(const char *entity, const void *json_field, struct arena *a, field_def *f,
                     err *e);

#endif
