/* entity_schema.c - turns metadata into tables. Every entity table has the
 * standard record columns plus one real column per field (custom fields
 * too: cf_*), so filters, sorts and reports on any field are plain indexed
 * SQL. Indexes follow the list shapes the engine issues: the name field and
 * links are indexed among live rows (deleted_at IS NULL), and unique fields
 * get a partial unique index so a record in the recycle bin does not block
 * a new one of the same name. */
#include "entity_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../schema/schema.h"
#include "../util/grams.h"
#include "../util/pinyin.h"
#include "../util/strbuf.h"
#include "ledger.h"
#include "meta_load.h"
#include "owner_counts.h"

const char *entity_column_type(const field_def *f, db_dialect d)
{
    switch (f->type) {
    case FT_INTEGER:
    case FT_DECIMAL:
    case FT_MONEY:
    case FT_PERCENT:
    case FT_LINK:
    case FT_USER:
    case FT_IMAGE:
    case FT_ID: return "BIGINT";
    case FT_BOOLEAN: return "INTEGER";
    default: return "TEXT";
    }
    (void)d;
}

static int exec_sql(db_conn *c, const char *sql, err *e)
{
    return db_exec(c, sql, e);
}

static int has_column(db_conn *c, const char *table, const char *column)
{
    err e;
    err_clear(&e);
    int64_t n = 0;
    const char *params[] = {table, column};
    /* pg_attribute, not information_schema.columns: the view costs ~6 ms a
     * question, and a migration asks some 800 (5 s per new database). */
    if (db_dialect_of(c) == DB_POSTGRES)
        db_query_int64(c,
                       "SELECT COUNT(*) FROM pg_attribute WHERE attrelid = to_regclass(?) "
                       "AND attname = ? AND attnum > 0 AND NOT attisdropped",
                       &n, &e, 2, params);
    else
        db_query_int64(c, "SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?", &n, &e, 2,
                       params);
    return n > 0;
}

int entity_has_column(db_conn *c, const char *table, const char *column)
{
    return has_column(c, table, column);
}

static int create_table(db_conn *c, const entity_def *ent, err *e)
{
    strbuf sql = STRBUF_INIT;
    db_dialect d = db_dialect_of(c);
    sb_printf(&sql,
              "CREATE TABLE IF NOT EXISTS %s (id %s, company_id BIGINT NOT NULL DEFAULT 1, "
              "version BIGINT NOT NULL DEFAULT 1, "
              "owner_id BIGINT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
              "created_by BIGINT, updated_by BIGINT, deleted_at TEXT",
              ent->table, schema_id_column(d));
    if (ent->name_field) sb_append(&sql, ", py_full TEXT, py_initials TEXT");
    if (entity_has_search(ent)) sb_append(&sql, ", search_grams TEXT");
    for (int i = 0; i < ent->nfields; i++) {
        const field_def *f = &ent->fields[i];
        if (f->system) continue;
        sb_printf(&sql, ", %s %s", meta_column(f), entity_column_type(f, d));
    }
    sb_append(&sql, ")");
    int rc = exec_sql(c, sb_str(&sql), e);
    sb_free(&sql);
    return rc;
}

/* ALTER TABLE for a pinyin key column (tables made before they existed). */
static const char *add_text_column_sql(const char *table, const char *column)
{
    static _Thread_local char sql[200];
    snprintf(sql, sizeof sql, "ALTER TABLE %s ADD COLUMN %s TEXT", table, column);
    return sql;
}

/* Tables from before companies: their rows become the default company's. */
static int add_company_column(db_conn *c, const char *table, err *e)
{
    char sql[160];
    snprintf(sql, sizeof sql, "ALTER TABLE %s ADD COLUMN company_id BIGINT NOT NULL DEFAULT 1", table);
    return exec_sql(c, sql, e);
}

int entity_add_column(db_conn *c, const entity_def *ent, const field_def *f, err *e)
{
    /* A slot column may exist already (another company's field made it).
     * PostgreSQL: IF NOT EXISTS, as two processes may add it at once;
     * SQLite has one writer, so the check inside the transaction holds. */
    int pg = db_dialect_of(c) == DB_POSTGRES;
    if (!pg && has_column(c, ent->table, meta_column(f))) return 0;
    char sql[256];
    snprintf(sql, sizeof sql, "ALTER TABLE %s ADD COLUMN %s%s %s", ent->table, pg ? "IF NOT EXISTS " : "",
             meta_column(f), entity_column_type(f, db_dialect_of(c)));
    return exec_sql(c, sql, e);
}

/* ---- change stamps (PostgreSQL): see entity_schema.h ---- */

void entity_changes_bump(db_conn *c, const entity_def *ent)
{
    if (db_dialect_of(c) != DB_POSTGRES) return;
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT nextval('%s_changes')", ent->table);
    err ignore; /* a lost bump costs staleness up to TOTAL_CACHE_SECONDS, never a wrong write */
    err_clear(&ignore);
    int64_t v;
    db_query_int64(c, sql, &v, &ignore, 0, NULL);
}

int64_t entity_changes_stamp(db_conn *c, const entity_def *ent)
{
    if (db_dialect_of(c) != DB_POSTGRES) return 0;
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT last_value FROM %s_changes", ent->table);
    err ignore;
    err_clear(&ignore);
    int64_t v = -1;
    if (db_query_int64(c, sql, &v, &ignore, 0, NULL) < 0) return -1;
    return v;
}

int entity_drop_field_data(db_conn *c, const entity_def *ent, const field_def *f, int64_t company, err *e)
{
    char sql[256];
    if (company) { /* a slot column: other companies' fields live in it too */
        snprintf(sql, sizeof sql, "UPDATE %s SET %s = NULL WHERE company_id = ?", ent->table, meta_column(f));
        db_stmt *s = db_prepare(c, sql, e);
        if (!s) return -1;
        db_bind_int64(s, 1, company);
        int rc = db_step(s);
        db_finalize(s);
        return rc < 0 ? err_set(e, 500, "db_error", "清除字段数据失败", "Cannot clear the field's data") : 0;
    }
    /* the platform's own column: a field of that name made later may
     * have another type */
    int pg = db_dialect_of(c) == DB_POSTGRES;
    if (!pg && !has_column(c, ent->table, meta_column(f))) return 0;
    snprintf(sql, sizeof sql, "ALTER TABLE %s DROP COLUMN %s%s", ent->table, pg ? "IF EXISTS " : "", meta_column(f));
    return exec_sql(c, sql, e);
}

/* 1 when SQLite keeps statistics of `table` (sqlite_stat1, made by an
 * ANALYZE, as gen-data runs) but has none for index `name`. */
static int lacks_statistics(db_conn *c, const char *table, const char *name)
{
    if (db_dialect_of(c) != DB_SQLITE) return 0;
    err e;
    err_clear(&e);
    int64_t n = 0;
    const char *params[] = {table, name};
    if (db_query_int64(c, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'", &n, &e, 0, NULL) < 0 ||
        !n)
        return 0;
    if (db_query_int64(c,
                       "SELECT (SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = ?1) > 0 AND "
                       "(SELECT COUNT(*) FROM sqlite_stat1 WHERE idx = ?2) = 0",
                       &n, &e, 2, params) < 0)
        return 0;
    return n > 0;
}

static int create_index(db_conn *c, const char *name, const char *table, const char *cols,
                        int unique, err *e)
{
    char sql[512];
    snprintf(sql, sizeof sql, "CREATE %sINDEX IF NOT EXISTS %s ON %s(%s) WHERE deleted_at IS NULL",
             unique ? "UNIQUE " : "", name, table, cols);
    if (exec_sql(c, sql, e)) return -1;
    /* An index made on a table the planner has statistics of would be
     * weighed against the others with made-up figures: after the sort
     * indexes were renamed, a million-row database chose full scans for
     * q=恒兴 (1.2 s) until it had the new index's figures too. */
    if (!lacks_statistics(c, table, name)) return 0;
    snprintf(sql, sizeof sql, "ANALYZE %s", name);
    return exec_sql(c, sql, e);
}

/* An index no longer made: those of the time before companies (the same
 * shapes without the company in front, dropped once their successors
 * exist), and plain twins of unique indexes. */
static int drop_index(db_conn *c, const char *name, err *e)
{
    char sql[160];
    snprintf(sql, sizeof sql, "DROP INDEX IF EXISTS %s", name);
    return exec_sql(c, sql, e);
}

/* Every list index starts with the company: each statement names it (see
 * acl_company_predicate), so a company's rows are one index range, and
 * uniqueness holds within a company. Index names carry "_c_" so the
 * indexes made before companies can be told apart and dropped. */
static int create_indexes(db_conn *c, const entity_def *ent, err *e)
{
    char name[128], old[128], cols[200];
    snprintf(name, sizeof name, "%s_c_owner", ent->table);
    /* Lists sort by the pinyin of the name by default (see meta_load.c). */
    snprintf(cols, sizeof cols, "company_id, owner_id, %s, id", ent->name_field ? "py_full" : "id");
    if (create_index(c, name, ent->table, cols, 0, e)) return -1;
    snprintf(old, sizeof old, "%s_owner", ent->table);
    if (drop_index(c, old, e)) return -1;
    /* The two orders a list walks (name, last change) end with the owner:
     * a manager's walk (a common word, a broad filter, tested row by row)
     * then skips the other owners' rows on the index entry alone, without
     * reading the row (SQLite defers that seek), which was 90 % of its
     * work for one who sees a tenth (bench/RESULTS.md). Their names
     * before the owner was added: the index of that name is dropped once
     * its successor exists. */
    static const char *const plain[][3] = {{"sort_pinyin", "py_full, id, owner_id", "pinyin"},
                                           {"initials", "py_initials, id", NULL},
                                           {"sort_updated", "updated_at, id, owner_id", "updated"}};
    for (size_t k = 0; k < sizeof plain / sizeof plain[0]; k++) {
        if (k < 2 && !ent->name_field) continue;
        snprintf(name, sizeof name, "%s_c_%s", ent->table, plain[k][0]);
        snprintf(cols, sizeof cols, "company_id, %s", plain[k][1]);
        if (create_index(c, name, ent->table, cols, 0, e)) return -1;
        const char *was = plain[k][2] ? plain[k][2] : plain[k][0];
        snprintf(old, sizeof old, "%s_%s", ent->table, was);
        if (drop_index(c, old, e)) return -1;
        snprintf(old, sizeof old, "%s_c_%s", ent->table, was);
        if (plain[k][2] && drop_index(c, old, e)) return -1;
    }
    for (int i = 0; i < ent->nfields; i++) {
        const field_def *f = &ent->fields[i];
        if (f->system) continue;
        int link = f->type == FT_LINK || f->type == FT_USER;
        int named = ent->name_field && strcmp(f->name, ent->name_field) == 0;
        int filtered = f->indexed || f->type == FT_PICKLIST;
        if (!(link || named || filtered || f->unique || f->type == FT_AUTONUMBER)) continue;
        /* Filtered and link fields (related lists) carry the default list order (pinyin of the
         * name) so "grade = A, sorted by name" is read from the index. */
        char unique_cols[160];
        snprintf(unique_cols, sizeof unique_cols, "company_id, %s", f->name);
        snprintf(name, sizeof name, "%s_c_%s", ent->table, f->name);
        snprintf(cols, sizeof cols, "company_id, %s, %sid", f->name,
                 (filtered || link) && ent->name_field ? "py_full, " : "");
        /* A unique field's own index serves its lookups and its order
         * (the rowid ends every entry): a plain twin only cost every
         * insert a page (two of the 15 indexes of accounts were such
         * twins), so it is not made, and dropped where it was. */
        int unique = f->unique || f->type == FT_AUTONUMBER;
        int plain_twin = f->unique || (unique && !((filtered || link) && ent->name_field));
        if (plain_twin ? drop_index(c, name, e) : create_index(c, name, ent->table, cols, 0, e)) return -1;
        snprintf(old, sizeof old, "%s_%s", ent->table, f->name);
        if (drop_index(c, old, e)) return -1;
        if (unique) {
            snprintf(name, sizeof name, "%s_c_%s_uniq", ent->table, f->name);
            if (create_index(c, name, ent->table, unique_cols, 1, e)) return -1;
            snprintf(old, sizeof old, "%s_%s_uniq", ent->table, f->name);
            if (drop_index(c, old, e)) return -1;
        }
    }
    /* the metadata's own composite indexes: <table>_cx_<col>_<col>... */
    for (int i = 0; i < ent->nindexes; i++) {
        int n = snprintf(name, sizeof name, "%s_cx_", ent->table);
        for (const char *p = ent->indexes[i]; *p && n < (int)sizeof name - 1; p++)
            if (*p != ' ') name[n++] = *p == ',' ? '_' : *p;
        name[n < (int)sizeof name ? n : (int)sizeof name - 1] = '\0';
        snprintf(cols, sizeof cols, "company_id, %s, id", ent->indexes[i]);
        if (create_index(c, name, ent->table, cols, 0, e)) return -1;
    }
    /* lookups across companies, by the server itself: <table>_lx_<col>... */
    for (int i = 0; i < ent->nlookup_indexes; i++) {
        int n = snprintf(name, sizeof name, "%s_lx_", ent->table);
        for (const char *p = ent->lookup_indexes[i]; *p && n < (int)sizeof name - 1; p++)
            if (*p != ' ') name[n++] = *p == ',' ? '_' : *p;
        name[n < (int)sizeof name ? n : (int)sizeof name - 1] = '\0';
        snprintf(cols, sizeof cols, "%s, id", ent->lookup_indexes[i]);
        if (create_index(c, name, ent->table, cols, 0, e)) return -1;
    }
    return 0;
}

int entity_has_search(const entity_def *ent)
{
    for (int i = 0; i < ent->nfields; i++)
        if (ent->fields[i].searchable) return 1;
    return 0;
}

/* The quick-search index over search_grams (see util/grams.h). SQLite: an
 * FTS5 table over the entity table's rows, kept in step by triggers, so
 * every writer (the engine, gen-data, imports) feeds it. PostgreSQL: a GIN
 * index on the column's tsvector. */
static int create_search_index(db_conn *c, const entity_def *ent, err *e)
{
    strbuf sql = STRBUF_INIT;
    const char *t = ent->table;
    if (db_dialect_of(c) == DB_POSTGRES) {
        sb_printf(&sql, "CREATE INDEX IF NOT EXISTS %s_search ON %s USING GIN "
                        "(to_tsvector('simple', COALESCE(search_grams, '')))", t, t);
    } else {
        sb_printf(&sql,
                  "CREATE VIRTUAL TABLE IF NOT EXISTS %s_fts USING fts5(search_grams, content='%s', "
                  "content_rowid='id', tokenize='unicode61');"
                  "CREATE TRIGGER IF NOT EXISTS %s_fts_insert AFTER INSERT ON %s BEGIN "
                  "INSERT INTO %s_fts(rowid, search_grams) VALUES (new.id, new.search_grams); END;"
                  "CREATE TRIGGER IF NOT EXISTS %s_fts_delete AFTER DELETE ON %s BEGIN "
                  "INSERT INTO %s_fts(%s_fts, rowid, search_grams) VALUES ('delete', old.id, old.search_grams); END;"
                  "CREATE TRIGGER IF NOT EXISTS %s_fts_update AFTER UPDATE OF search_grams ON %s BEGIN "
                  "INSERT INTO %s_fts(%s_fts, rowid, search_grams) VALUES ('delete', old.id, old.search_grams);"
                  "INSERT INTO %s_fts(rowid, search_grams) VALUES (new.id, new.search_grams); END;",
                  t, t, t, t, t, t, t, t, t, t, t, t, t, t);
    }
    int rc = exec_sql(c, sb_str(&sql), e);
    sb_free(&sql);
    return rc;
}

void entity_field_search_words(const entity_def *ent, const field_def *f, const char *text, strbuf *out)
{
    grams_of_text(text, out);
    /* the name is also found by the pinyin of its middle (yunfan) */
    if (ent->name_field && strcmp(f->name, ent->name_field) == 0) pinyin_search_words(text, out);
}

/* What search_grams holds; stored rows older than this get theirs again
 * once, at start. 2: the name's pinyin from its middle. */
#define SEARCH_WORDS_VERSION 2
#define REINDEX_BATCH 1000

/* Recomputes search_grams of rows id > *after (of one company when
 * company > 0), a batch; 0 when done. */
static int reindex_batch(db_conn *c, const entity_def *ent, int64_t company, int64_t *after, err *e)
{
    strbuf sql = STRBUF_INIT;
    sb_append(&sql, "SELECT id");
    for (int i = 0; i < ent->nfields; i++)
        if (ent->fields[i].searchable) sb_printf(&sql, ", %s", meta_column(&ent->fields[i]));
    sb_printf(&sql, " FROM %s WHERE id > ?%s ORDER BY id LIMIT %d", ent->table,
              company > 0 ? " AND company_id = ?" : "", REINDEX_BATCH);
    db_stmt *s = db_prepare(c, sb_str(&sql), e);
    sb_free(&sql);
    if (!s) return -1;
    db_bind_int64(s, 1, *after);
    if (company > 0) db_bind_int64(s, 2, company);
    int64_t ids[REINDEX_BATCH];
    char *words[REINDEX_BATCH];
    int n = 0, step;
    while (n < REINDEX_BATCH && (step = db_step(s)) == DB_ROW) {
        strbuf w = STRBUF_INIT;
        for (int i = 0, col = 1; i < ent->nfields; i++) {
            if (!ent->fields[i].searchable) continue;
            if (!db_column_is_null(s, col)) entity_field_search_words(ent, &ent->fields[i], db_column_text(s, col), &w);
            col++;
        }
        ids[n] = db_column_int64(s, 0);
        words[n++] = sb_detach(&w);
    }
    db_finalize(s);
    int rc = n == 0 ? 0 : 1;
    int own = n && !db_in_transaction(c); /* schema sync may already hold one */
    if (own && db_begin(c, e)) rc = -1;
    char *update = NULL;
    if (rc > 0) {
        strbuf u = STRBUF_INIT;
        sb_printf(&u, "UPDATE %s SET search_grams = ? WHERE id = ?", ent->table);
        update = sb_detach(&u);
    }
    for (int i = 0; i < n && rc > 0; i++) {
        db_stmt *us = db_prepare(c, update, e);
        if (!us) {
            rc = -1;
            break;
        }
        db_bind_text(us, 1, words[i]);
        db_bind_int64(us, 2, ids[i]);
        if (db_step(us) < 0) rc = err_set(e, 500, "db_error", "重建搜索索引失败", "Rebuilding the search words failed");
        db_finalize(us);
    }
    free(update);
    for (int i = 0; i < n; i++) free(words[i]);
    if (own) {
        if (rc > 0 && db_commit(c, e)) rc = -1;
        if (rc < 0) db_rollback(c);
    }
    if (n) *after = ids[n - 1];
    return rc;
}

int entity_reindex_company(db_conn *c, const entity_def *ent, int64_t company, err *e)
{
    int64_t after = 0;
    int rc;
    while ((rc = reindex_batch(c, ent, company, &after, e)) > 0) {
    }
    return rc;
}

/* The rows of companies with custom fields of their own, again with those
 * fields: the pass over every row read only the platform's. */
static int reindex_own_fields(db_conn *c, const entity_def *ent, err *e)
{
    enum { PAGE = 64 };
    int64_t last = 0;
    for (;;) { /* a page of companies at a time: no statement open while rows are written */
        db_stmt *s = db_prepare(c, "SELECT DISTINCT company_id FROM custom_fields WHERE entity = ? AND company_id > ? "
                                   "ORDER BY company_id LIMIT 64", e);
        if (!s) return -1;
        db_bind_text(s, 1, ent->name);
        db_bind_int64(s, 2, last);
        int64_t companies[PAGE];
        int n = 0, step;
        while (n < PAGE && (step = db_step(s)) == DB_ROW) companies[n++] = db_column_int64(s, 0);
        db_finalize(s);
        if (step < 0) return err_set(e, 500, "db_error", "读取自定义字段失败", "Cannot read custom fields");
        for (int i = 0; i < n; i++) {
            const entity_def *own = meta_entity(meta_for_company(c, companies[i]), ent->name);
            if (own && entity_reindex_company(c, own, companies[i], e) < 0) return -1;
        }
        if (n < PAGE) return 0;
        last = companies[n - 1];
    }
}

int entity_reindex_all(db_conn *c, const entity_def *ent, err *e)
{
    return entity_reindex_company(c, ent, 0, e) < 0 || reindex_own_fields(c, ent, e) ? -1 : 0;
}

static int refresh_search_words(db_conn *c, const metadata *m, err *e)
{
    int64_t version = 0;
    if (db_query_int64(c, "SELECT CAST(value AS BIGINT) FROM settings WHERE key = 'search_words'", &version, e, 0,
                       NULL) < 0)
        return -1;
    if (version >= SEARCH_WORDS_VERSION) return 0;
    int announced = 0;
    for (int i = 0; i < m->nentities; i++) {
        const entity_def *ent = &m->entities[i];
        if (!entity_has_search(ent)) continue;
        int64_t after = 0;
        int rc;
        while ((rc = reindex_batch(c, ent, 0, &after, e)) > 0)
            if (!announced++) /* a minute or so at a million customers: say why the start waits */
                fprintf(stderr, "kehu: 正在更新搜索词（只此一次）/ updating the search words (once)\n");
        if (rc < 0 || reindex_own_fields(c, ent, e)) return -1;
    }
    char v[16];
    snprintf(v, sizeof v, "%d", SEARCH_WORDS_VERSION);
    const char *params[] = {v};
    int64_t ignored;
    return db_query_int64(c, "DELETE FROM settings WHERE key = 'search_words'", &ignored, e, 0, NULL) < 0 ||
                   db_query_int64(c, "INSERT INTO settings(key, value) VALUES ('search_words', ?)", &ignored, e, 1,
                                  params) < 0
               ? -1
               : 0;
}

int entity_schema_sync(db_conn *c, const metadata *m, err *e)
{
    for (int i = 0; i < m->nentities; i++) {
        const entity_def *ent = &m->entities[i];
        /* users comes from a migration (sign-in needs it first), so this
         * CREATE is a no-op there; the rest (search and pinyin columns,
         * indexes) follows metadata as for any entity. */
        if (create_table(c, ent, e)) return -1;
        if (!has_column(c, ent->table, "company_id") && add_company_column(c, ent->table, e)) return -1;
        if (entity_has_search(ent) && !has_column(c, ent->table, "search_grams") &&
            exec_sql(c, add_text_column_sql(ent->table, "search_grams"), e))
            return -1;
        if (entity_has_search(ent) && create_search_index(c, ent, e)) return -1;
        if (db_dialect_of(c) == DB_POSTGRES) {
            char sql[160];
            snprintf(sql, sizeof sql, "CREATE SEQUENCE IF NOT EXISTS %s_changes", ent->table);
            if (exec_sql(c, sql, e)) return -1;
        }
        if (ent->name_field && !has_column(c, ent->table, "py_full") &&
            (exec_sql(c, add_text_column_sql(ent->table, "py_full"), e) ||
             exec_sql(c, add_text_column_sql(ent->table, "py_initials"), e)))
            return -1;
        for (int k = 0; k < ent->nfields; k++) {
            const field_def *f = &ent->fields[k];
            if (f->system || has_column(c, ent->table, meta_column(f))) continue;
            if (entity_add_column(c, ent, f, e)) return -1;
        }
        if (create_indexes(c, ent, e)) return -1;
        if (owner_counts_schema(c, ent, e)) return -1;
        if (ent->nbalances && ledger_schema(c, ent, e)) return -1;
    }
    return refresh_search_words(c, m, e);
}
