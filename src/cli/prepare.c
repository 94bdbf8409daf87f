/* prepare.c - one call that brings any database, new or old, to what this
 * binary expects; every command that opens a database goes through it. */
#include "prepare.h"

#include "../acl/acl.h"
#include "../entity/entity_computed.h"
#include "../entity/entity_schema.h"
#include "../entity/meta_load.h"
#include "../modules/access.h"
#include "../modules/catalogue.h"
#include "../schema/schema.h"

int schema_prepare(db_conn *c, err *e)
{
    if (schema_migrate_system(c, e)) return -1;
    if (db_begin(c, e)) return -1;
    if (meta_init(c, e) || entity_schema_sync(c, meta_current(), e) || catalogue_upgrade(c, e) ||
        computed_backfill(c, meta_current(), e)) {
        db_rollback(c);
        return -1;
    }
    if (db_commit(c, e)) return -1;
    /* The out-of-the-box roles and profiles, then the rules in force. */
    return access_seed(c, e) || acl_reload(c, e) ? -1 : 0;
}
