/* owner_counts.c - see owner_counts.h. */
#include "owner_counts.h"

#include <stdio.h>
#include <string.h>

#include "../acl/acl.h"
#include "../util/strbuf.h"

/* SQLite: three triggers per table. Each change is an "add one" and a
 * "take one" of a (company, owner) row; an UPDATE naming the columns
 * without changing them takes one and adds it back. INSERT OR IGNORE then
 * UPDATE, not an upsert: the plainest SQL a trigger body takes. */
static void sqlite_triggers(const char *t, strbuf *sql)
{
    sb_printf(sql,
              "CREATE TRIGGER IF NOT EXISTS %s_oc_insert AFTER INSERT ON %s WHEN new.deleted_at IS NULL BEGIN"
              " INSERT OR IGNORE INTO owner_counts (tbl, company_id, owner_id, n)"
              " VALUES ('%s', new.company_id, COALESCE(new.owner_id, 0), 0);"
              " UPDATE owner_counts SET n = n + 1 WHERE tbl = '%s' AND company_id = new.company_id"
              " AND owner_id = COALESCE(new.owner_id, 0); END;",
              t, t, t, t);
    sb_printf(sql,
              "CREATE TRIGGER IF NOT EXISTS %s_oc_delete AFTER DELETE ON %s WHEN old.deleted_at IS NULL BEGIN"
              " UPDATE owner_counts SET n = n - 1 WHERE tbl = '%s' AND company_id = old.company_id"
              " AND owner_id = COALESCE(old.owner_id, 0); END;",
              t, t, t);
    sb_printf(sql,
              "CREATE TRIGGER IF NOT EXISTS %s_oc_update AFTER UPDATE OF owner_id, deleted_at, company_id ON %s"
              " WHEN old.deleted_at IS NULL OR new.deleted_at IS NULL BEGIN"
              " UPDATE owner_counts SET n = n - 1 WHERE old.deleted_at IS NULL AND tbl = '%s'"
              " AND company_id = old.company_id AND owner_id = COALESCE(old.owner_id, 0);"
              " INSERT OR IGNORE INTO owner_counts (tbl, company_id, owner_id, n)"
              " SELECT '%s', new.company_id, COALESCE(new.owner_id, 0), 0 WHERE new.deleted_at IS NULL;"
              " UPDATE owner_counts SET n = n + 1 WHERE new.deleted_at IS NULL AND tbl = '%s'"
              " AND company_id = new.company_id AND owner_id = COALESCE(new.owner_id, 0); END;",
              t, t, t, t, t);
}

/* PostgreSQL: one function for every table (TG_TABLE_NAME). Of the two
 * rows a change of owner touches, the lower owner's is locked first, so
 * two opposite transfers wait for each other instead of deadlocking. */
static const char *const PG_FUNCTION =
    "CREATE OR REPLACE FUNCTION kehu_owner_count() RETURNS trigger LANGUAGE plpgsql AS $f$"
    " DECLARE taken BIGINT; added BIGINT; oc BIGINT; nc BIGINT;"
    " BEGIN"
    "  IF TG_OP <> 'INSERT' THEN IF OLD.deleted_at IS NULL THEN taken := COALESCE(OLD.owner_id, 0); oc := OLD.company_id; END IF; END IF;"
    "  IF TG_OP <> 'DELETE' THEN IF NEW.deleted_at IS NULL THEN added := COALESCE(NEW.owner_id, 0); nc := NEW.company_id; END IF; END IF;"
    "  IF taken IS NOT NULL AND added IS NOT NULL AND taken = added AND oc = nc THEN RETURN NULL; END IF;"
    "  IF taken IS NOT NULL AND (added IS NULL OR taken <= added) THEN"
    "   UPDATE owner_counts SET n = n - 1 WHERE tbl = TG_TABLE_NAME AND company_id = oc AND owner_id = taken;"
    "   taken := NULL;"
    "  END IF;"
    "  IF added IS NOT NULL THEN"
    "   INSERT INTO owner_counts (tbl, company_id, owner_id, n) VALUES (TG_TABLE_NAME, nc, added, 1)"
    "   ON CONFLICT (tbl, company_id, owner_id) DO UPDATE SET n = owner_counts.n + 1;"
    "  END IF;"
    "  IF taken IS NOT NULL THEN"
    "   UPDATE owner_counts SET n = n - 1 WHERE tbl = TG_TABLE_NAME AND company_id = oc AND owner_id = taken;"
    "  END IF;"
    "  RETURN NULL;"
    " END $f$";

/* 1 when t's counts are marked done and its triggers are there (a table
 * dropped and made again has lost them: it is set up anew), 0 when not,
 * -1 on error. */
static int counts_ready(db_conn *c, const char *t, err *e)
{
    char trigger[160];
    const char *params[] = {t, trigger, t};
    int64_t ready = 0;
    int pg = db_dialect_of(c) == DB_POSTGRES;
    snprintf(trigger, sizeof trigger, pg ? "%s_owner_count" : "%s_oc_update", t);
    const char *sql = pg ? "SELECT COUNT(*) FROM owner_count_tables WHERE tbl = ? AND EXISTS (SELECT 1 FROM pg_trigger"
                           " WHERE tgname = ? AND tgrelid = to_regclass(?))"
                         : "SELECT COUNT(*) FROM owner_count_tables WHERE tbl = ? AND EXISTS (SELECT 1 FROM sqlite_master"
                           " WHERE type = 'trigger' AND name = ? AND tbl_name = ?)";
    if (db_query_int64(c, sql, &ready, e, 3, params) < 0) return -1;
    return ready > 0;
}

int owner_counts_schema(db_conn *c, const entity_def *ent, err *e)
{
    const char *t = ent->table;
    int pg = db_dialect_of(c) == DB_POSTGRES;
    int ready = counts_ready(c, t, e);
    if (ready) return ready < 0 ? -1 : 0;
    strbuf sql = STRBUF_INIT;
    if (pg) {
        /* Several processes may start at once: one sets a table up, the
         * others then find it done. Writers of the table wait until the
         * counts and the trigger are in place together. */
        int64_t ignored;
        if (db_query_int64(c, "SELECT 1 FROM (SELECT pg_advisory_xact_lock(1801807990)) l", &ignored, e, 0, NULL) < 0)
            return -1;
        if ((ready = counts_ready(c, t, e))) return ready < 0 ? -1 : 0;
        sb_printf(&sql, "%s; LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE; DROP TRIGGER IF EXISTS %s_owner_count ON %s;"
                        " CREATE TRIGGER %s_owner_count AFTER INSERT OR DELETE OR UPDATE OF owner_id, deleted_at, company_id"
                        " ON %s FOR EACH ROW EXECUTE FUNCTION kehu_owner_count();",
                  PG_FUNCTION, t, t, t, t, t);
    } else {
        sqlite_triggers(t, &sql);
    }
    sb_printf(&sql,
              "DELETE FROM owner_counts WHERE tbl = '%s';"
              "DELETE FROM owner_count_tables WHERE tbl = '%s';"
              "INSERT INTO owner_counts (tbl, company_id, owner_id, n) SELECT '%s', company_id, COALESCE(owner_id, 0),"
              " COUNT(*) FROM %s WHERE deleted_at IS NULL GROUP BY company_id, COALESCE(owner_id, 0);"
              "INSERT INTO owner_count_tables (tbl) VALUES ('%s');",
              t, t, t, t, t);
    int rc = db_exec(c, sb_str(&sql), e);
    sb_free(&sql);
    return rc;
}

#define OWNERS_SUMMED 500 /* a role tree wider than this is counted */

int owner_counts_total(entity_ctx *c, const entity_def *ent, const list_params *p, int64_t *total, err *e)
{
    if ((p->q && *p->q) || (p->filter && *p->filter) || p->initial || p->link_field || p->deleted) return 0;
    int64_t owners[OWNERS_SUMMED];
    int n;
    if (p->pool) { /* where_build: the company's rows without an owner */
        owners[0] = 0;
        n = 1;
    } else if ((n = acl_list_owner_set(c->user, ent, owners, OWNERS_SUMMED)) < 0) {
        return 0;
    }
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT CASE WHEN EXISTS (SELECT 1 FROM owner_count_tables WHERE tbl = ");
    query_bind_text(&q, ent->table);
    query_sql(&q, ") THEN CAST(COALESCE((SELECT SUM(n) FROM owner_counts WHERE tbl = ");
    query_bind_text(&q, ent->table);
    /* as acl_company_predicate: company 0 is the server's own jobs, which see every company */
    if (!c->user || c->user->company_id != 0) {
        query_sql(&q, " AND company_id = ");
        query_bind_int(&q, c->user ? c->user->company_id : -1);
    }
    for (int i = 0; i < n; i++) {
        query_sql(&q, i ? ", " : " AND owner_id IN (");
        query_bind_int(&q, owners[i]);
    }
    if (n) query_sql(&q, ")");
    query_sql(&q, "), 0) AS BIGINT) ELSE -1 END");
    db_stmt *s = query_prepare(c->db, &q, e);
    if (!s) return -1;
    int step = db_step(s);
    int64_t v = step == DB_ROW ? db_column_int64(s, 0) : -1;
    db_finalize(s);
    if (step != DB_ROW) return err_set(e, 500, "db_error", "统计记录数失败", "Counting failed");
    if (v < 0) return 0; /* the table's counts are not in place */
    *total = v;
    return 1;
}
