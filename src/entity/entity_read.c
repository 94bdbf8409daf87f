/* entity_read.c - reading records: one record, lists with quick search,
 * filter, sort, paging and exact totals, and the change history.
 *
 * List pages use a deferred join: the inner query finds the page's ids on
 * narrow indexes (visibility, filter, sort, limit), the outer one fetches
 * the columns and link names for those ids only. That keeps a page over a
 * large visible set at index speed (see DESIGN.md, performance facts). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "entity_select.h"
#include "entity_lines.h"
#include "../util/grams.h"
#include "entity_schema.h"
#include "filter.h"
#include "owner_counts.h"
#include "total_cache.h"
#include "value.h"

char *like_contains_pattern(arena *a, const char *text)
{
    size_t n = strlen(text);
    char *p = arena_alloc(a, n * 2 + 3), *w = p;
    *w++ = '%';
    for (const char *r = text; *r; r++) {
        if (*r == '%' || *r == '_' || *r == '\\') *w++ = '\\';
        *w++ = *r;
    }
    *w++ = '%';
    *w = '\0';
    return p;
}

static int allow_field(const field_def *f, void *ctx)
{
    entity_ctx *c = ((void **)ctx)[0];
    const entity_def *ent = ((void **)ctx)[1];
    return acl_field_access(c->user, ent, f) > 0;
}

static int is_pinyin_query(const char *q)
{
    size_t n = 0;
    for (; q[n]; n++)
        if (!isalpha((unsigned char)q[n])) return 0;
    return n >= 2;
}

/* The A-Z bar: names whose pinyin starts with the letter; '#' for names
 * that start with anything else (digits, symbols, Latin text is a letter). */
static void append_initial(const entity_def *ent, char initial, query *w)
{
    if (!ent->name_field) return;
    if (initial == '#') {
        query_sql(w, " AND (t.py_full IS NULL OR t.py_full < 'a' OR t.py_full >= '{')");
        return;
    }
    char lo[2] = {initial, 0}, hi[2] = {(char)(initial + 1), 0};
    query_sql(w, " AND t.py_full >= ");
    query_bind_text(w, lo);
    query_sql(w, " AND t.py_full < ");
    query_bind_text(w, hi);
}

static int hides_searchable_field(entity_ctx *c, const entity_def *ent)
{
    for (int i = 0; i < ent->nfields; i++)
        if (ent->fields[i].searchable && acl_field_access(c->user, ent, &ent->fields[i]) == 0) return 1;
    return 0;
}

/* The word index covers every searchable field, hidden ones too: for a
 * user with a hidden one, each word of q must also be in a field they may
 * see (of the row aliased `alias`), or a hidden phone number could be
 * guessed digit by digit. */
static void append_visible_words(entity_ctx *c, const entity_def *ent, const char *q, const char *like,
                                 const char *alias, query *w)
{
    char *words = arena_strdup(c->a, q), *save = NULL;
    for (char *word = strtok_r(words, " \t\r\n", &save); word; word = strtok_r(NULL, " \t\r\n", &save)) {
        char *pattern = like_contains_pattern(c->a, word);
        int any = 0;
        query_sql(w, " AND (");
        for (int i = 0; i < ent->nfields; i++) {
            const field_def *f = &ent->fields[i];
            if (!f->searchable || acl_field_access(c->user, ent, f) == 0) continue;
            query_sqlf(w, "%s%s.%s %s ", any++ ? " OR " : "", alias, meta_column(f), like);
            query_bind_text(w, pattern);
            query_sql(w, " ESCAPE '\\'");
        }
        query_sql(w, any ? ")" : "1=0)");
    }
}

/* The ids the word index finds for q (a SELECT); terms is the index's
 * query text for it (see grams_query). */
static void append_index_ids(entity_ctx *c, const entity_def *ent, const char *q, const char *terms,
                             const char *like, query *w)
{
    int hidden = hides_searchable_field(c, ent);
    if (db_dialect_of(c->db) == DB_POSTGRES) {
        query_sqlf(w, "SELECT v.id FROM %s v WHERE to_tsvector('simple', COALESCE(v.search_grams, ''))"
                      " @@ to_tsquery('simple', ", ent->table);
        query_bind_text(w, terms);
        query_sql(w, ")");
    } else {
        if (hidden) query_sqlf(w, "SELECT v.id FROM %s v WHERE v.id IN (", ent->table);
        query_sqlf(w, "SELECT rowid FROM %s_fts WHERE %s_fts MATCH ", ent->table, ent->table);
        query_bind_text(w, terms);
        if (hidden) query_sql(w, ")");
    }
    if (hidden) append_visible_words(c, ent, q, like, "v", w);
}

/* The same test as append_index_ids on the row's own search words, for
 * a query of Han words (grams_han_patterns): a string test per row, where
 * asking the word index about one row costs some 100 µs for a common
 * word. For a list read in the order of an index (common_word_walk). */
static void append_row_matches(entity_ctx *c, const entity_def *ent, const char *q, const char *like, query *w)
{
    strbuf patterns = STRBUF_INIT;
    grams_han_patterns(q, &patterns);
    char *save = NULL;
    for (char *p = patterns.data ? strtok_r(patterns.data, "\n", &save) : NULL; p; p = strtok_r(NULL, "\n", &save)) {
        query_sql(w, " AND (' ' || COALESCE(t.search_grams, '') || ' ') LIKE ");
        query_bind_text(w, p);
    }
    sb_free(&patterns);
    if (hides_searchable_field(c, ent)) append_visible_words(c, ent, q, like, "t", w);
}

/* Latin letters also match the pinyin of the name: "njap" and "nanjing"
 * both find 南京奥派. The ids whose initials or full pinyin (stored in
 * lower case) start with q, as prefix ranges ("njap" <= key < "njaq") that
 * the partial pinyin indexes serve; `deleted` for the recycle bin. */
static void append_pinyin_ids(entity_ctx *c, const entity_def *ent, const char *q, int deleted, query *w)
{
    char *lower = arena_strdup(c->a, q);
    for (char *s = lower; *s; s++) *s = (char)tolower((unsigned char)*s);
    char *upper = arena_strdup(c->a, lower);
    upper[strlen(upper) - 1]++;
    static const char *const KEYS[] = {"py_initials", "py_full"};
    /* the company first: the pinyin indexes start with it */
    for (int k = 0; k < 2; k++) {
        query_sqlf(w, "%sSELECT p.id FROM %s p WHERE ", k ? " UNION ALL " : "", ent->table);
        acl_company_predicate(c->user, "p", w);
        query_sqlf(w, " AND p.deleted_at IS %sNULL AND p.%s >= ", deleted ? "NOT " : "", KEYS[k]);
        query_bind_text(w, lower);
        query_sqlf(w, " AND p.%s < ", KEYS[k]);
        query_bind_text(w, upper);
    }
}

/* Quick search over the searchable fields. When the word index can answer
 * q (Chinese of two or more characters, Latin words and numbers by prefix)
 * the matches are one set of ids - index hits and pinyin prefixes - so the
 * database looks them up and sorts the few, instead of walking the whole
 * sorted table testing each row for an OR (seconds at a million rows).
 * Otherwise a substring scan. */
static void append_search(entity_ctx *c, const entity_def *ent, const char *q, int deleted, int walk, query *w)
{
    const char *like = db_dialect_of(c->db) == DB_POSTGRES ? "ILIKE" : "LIKE";
    int pinyin = ent->name_field && is_pinyin_query(q);
    strbuf terms = STRBUF_INIT;
    int pg = db_dialect_of(c->db) == DB_POSTGRES;
    if (entity_has_search(ent) && grams_query(q, pg ? NULL : &terms, pg ? &terms : NULL)) {
        if (walk) {
            append_row_matches(c, ent, q, like, w);
            sb_free(&terms);
            return;
        }
        query_sql(w, " AND t.id IN (");
        append_index_ids(c, ent, q, sb_str(&terms), like, w);
        if (pinyin) query_sql(w, " UNION ALL "), append_pinyin_ids(c, ent, q, deleted, w);
        query_sql(w, ")");
        sb_free(&terms);
        return;
    }
    sb_free(&terms);
    char *pattern = like_contains_pattern(c->a, q);
    int any = 0;
    query_sql(w, " AND (");
    for (int i = 0; i < ent->nfields; i++) {
        const field_def *f = &ent->fields[i];
        if (!f->searchable || acl_field_access(c->user, ent, f) == 0) continue;
        query_sqlf(w, "%st.%s %s ", any++ ? " OR " : "", meta_column(f), like);
        query_bind_text(w, pattern);
        query_sql(w, " ESCAPE '\\'");
    }
    if (pinyin) {
        query_sqlf(w, "%st.id IN (", any++ ? " OR " : "");
        append_pinyin_ids(c, ent, q, deleted, w);
        query_sql(w, ")");
    }
    query_sql(w, any ? ")" : "1=0)");
}

/* How a page may be read instead of the plain plan (bits). */
enum {
    WALK_WORDS = 1,  /* the search tested row by row (common_word_walk) */
    WALK_FILTER = 2, /* the filter tested row by row (filter_walk) */
};

static int where_build(entity_ctx *c, const entity_def *ent, const list_params *p, int walk, query *w, err *e);

/* WHERE clause shared by the page query, the count, exports and reports. */
int entity_where(entity_ctx *c, const entity_def *ent, const list_params *p, query *w,
                       err *e)
{
    return where_build(c, ent, p, 0, w, e);
}

/* walk: WALK_* bits. */
static int where_build(entity_ctx *c, const entity_def *ent, const list_params *p, int walk, query *w, err *e)
{
    query_sql(w, p->deleted ? "t.deleted_at IS NOT NULL AND " : "t.deleted_at IS NULL AND ");
    if (p->pool) {
        if (!ent->pool)
            return err_setf(e, 400, "bad_param", "「%s」没有公海%.0s", "%.0s%s have no public pool",
                            ent->label_zh, ent->label_en);
        acl_pool_predicate(c->user, "t", w);
    } else {
        acl_list_predicate(c->user, ent, "t", w);
    }
    if (p->link_field) {
        query_sqlf(w, " AND t.%s = ", p->link_field);
        query_bind_int(w, p->link_id);
    }
    if (p->q && *p->q) append_search(c, ent, p->q, p->deleted, walk & WALK_WORDS, w);
    if (p->initial) append_initial(ent, p->initial, w);
    if (p->filter && *p->filter) {
        void *actx[2] = {c, (void *)ent};
        filter_ctx fc = {ent, db_dialect_of(c->db), "t", allow_field, actx};
        /* SQLite uses no index for a term under unary +: the filter is then a check */
        query_sql(w, walk & WALK_FILTER ? " AND +(" : " AND ");
        if (filter_compile(&fc, p->filter, strlen(p->filter), w, e) != 0) return -1;
        if (walk & WALK_FILTER) query_sql(w, ")");
    }
    return 0;
}

/* The cache key: the WHERE text and every bound value (the visibility
 * predicate's values included, so users never share a total they should
 * not), under the metadata version. */
static void total_key(entity_ctx *c, const query *w, strbuf *key)
{
    sb_printf(key, "%lld|", (long long)c->m->version);
    query_key(w, key);
}

/* How far past a floor a capped count goes: the margin is the number of
 * generations (about two per row written: entity_write.c bumps once in
 * the write and once at its commit) a kept capped total outlives before
 * a request must count it again (total_cache.h), for 1 % more rows
 * counted. */
static int capped_limit(int floor)
{
    int margin = floor / 100;
    return floor + 1 + (margin < 4 ? 4 : margin);
}

/* The list's total: the rows of WHERE w, counted by `counter` when given
 * (a statement of one row and column that counts the same rows another
 * way, such as pinyin_arms), else by COUNT(*) over w. Cached under w;
 * floor > 0: a capped count (total_cache.h). c->total_source says how. */
static int count_rows(entity_ctx *c, const entity_def *ent, const query *w, const query *counter, int floor,
                      int64_t *total, err *e)
{
    strbuf key = STRBUF_INIT;
    total_key(c, w, &key);
    int64_t stamp = entity_changes_stamp(c->db, ent); /* another node's writes (PostgreSQL) */
    sb_printf(&key, "|c%lld", (long long)stamp);
    strbuf sql = STRBUF_INIT;
    if (counter) sb_append(&sql, sb_str(&counter->sql));
    else sb_printf(&sql, "SELECT COUNT(*) FROM %s t WHERE %s", ent->table, sb_str(&w->sql));
    const query *bound = counter ? counter : w;
    total_ask ask = {.entity = ent->name, .key = sb_str(&key), .sql = sb_str(&sql), .values = bound->values,
                     .nvalues = bound->nvalues, .floor = floor};
    if (stamp >= 0 && total_cache_get(&ask, total)) {
        c->total_source = ask.source;
        return sb_free(&sql), sb_free(&key), 0;
    }
    c->total_source = TOTAL_COUNTED;
    /* counted now, not in the request's snapshot: a write committed since
     * it began would otherwise be missing from a count kept past it */
    db_read_snapshot(c->db, DB_SNAPSHOT_FRESH);
    db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
    sb_free(&sql);
    int rc = -1;
    if (s) {
        query_bind_all(bound, s);
        rc = db_step(s);
        *total = rc == DB_ROW ? db_column_int64(s, 0) : 0;
        db_finalize(s);
    }
    if (rc == DB_ROW && stamp >= 0) total_cache_put(&ask, *total);
    else total_cache_drop(&ask); /* the waiters count in turn */
    sb_free(&key);
    if (!s) return -1;
    return rc == DB_ROW ? 0 : err_set(e, 500, "db_error", "统计记录数失败", "Counting failed");
}

/* The inner query of a list page: the ids of one page, found on indexes.
 * `w` gets the WHERE (also used for the count and exports), `order` the
 * ORDER BY, `ids` the whole query. Shared with entity_export.c. */
static int page_sql(entity_ctx *c, const entity_def *ent, const list_params *p, int walk, query *w, query *order,
                    strbuf *ids, err *e)
{
    void *actx[2] = {c, (void *)ent};
    filter_ctx fc = {ent, db_dialect_of(c->db), "t", allow_field, actx};
    const char *default_sort = ent->name_field ? ent->name_field : "-id";
    if (where_build(c, ent, p, walk, w, e) || sort_compile(&fc, p->sort, default_sort, order, e)) return -1;
    /* LIMIT and OFFSET as literals: PostgreSQL plans a kept statement once
     * for any parameters after five runs, and a generic "LIMIT $n" was
     * planned as reading thousands of rows (a full scan of a million
     * tickets for a page of 50, bench/RESULTS.md 2026-12-04). */
    sb_printf(ids, "SELECT t.id FROM %s t WHERE %s %s LIMIT %lld OFFSET %lld", ent->table, sb_str(&w->sql),
              sb_str(&order->sql), (long long)p->limit, (long long)p->offset);
    return 0;
}

int entity_page_sql(entity_ctx *c, const entity_def *ent, const list_params *p, query *w,
                        query *order, strbuf *ids, err *e)
{
    return page_sql(c, ent, p, 0, w, order, ids, e);
}

#define WALK_MATCHES 10000 /* matches from which reading them all costs more than walking */
#define WALK_DEPTH 2000    /* offset + limit up to which the walk stays short */

/* WALK_MATCHES, or KEHU_WALK_MATCHES: tests walk with a few rows. */
static int walk_matches(void)
{
    static int n = 0;
    if (!n) {
        const char *env = getenv("KEHU_WALK_MATCHES");
        n = env && atoi(env) > 0 ? atoi(env) : WALK_MATCHES;
    }
    return n;
}

static int rows_are_common(entity_ctx *c, const entity_def *ent, const char *terms, const char *lo, const char *hi);

#define SEARCH_TOTAL_CAP 10000 /* a search's total is counted up to here (docs/api.md) */

/* SEARCH_TOTAL_CAP, or KEHU_SEARCH_TOTAL_CAP: tests reach it with a few rows. */
static int search_total_cap(void)
{
    static int n = 0;
    if (!n) {
        const char *env = getenv("KEHU_SEARCH_TOTAL_CAP");
        n = env && atoi(env) > 0 ? atoi(env) : SEARCH_TOTAL_CAP;
    }
    return n;
}

/* A count capped past `floor` (one of text params), kept like a total and
 * across writes while above the floor (total_cache.h); 0 when it fails. */
static int64_t kept_capped_count(entity_ctx *c, const entity_def *ent, const char *key, const char *sql,
                                 const char *const *params, int nparams, int floor)
{
    sql_value values[4];
    for (int i = 0; i < nparams && i < 4; i++) values[i] = (sql_value){.kind = SV_TEXT, .s = params[i]};
    total_ask ask = {.entity = ent->name, .key = key, .sql = sql, .values = values, .nvalues = nparams, .floor = floor};
    int64_t n = 0;
    if (total_cache_get(&ask, &n)) return n;
    err ignore;
    err_clear(&ignore);
    db_read_snapshot(c->db, DB_SNAPSHOT_FRESH); /* not older than the generation just taken */
    if (db_query_int64(c->db, sql, &n, &ignore, nparams, params) == 0) total_cache_put(&ask, n);
    else total_cache_drop(&ask), n = 0;
    return n;
}

/* 1 when the word index (SQLite) holds at least WALK_MATCHES matches of
 * the FTS5 query `terms`: a count capped there, kept like a total. */
static int terms_are_common(entity_ctx *c, const entity_def *ent, const char *terms)
{
    return rows_are_common(c, ent, terms, NULL, NULL);
}

/* 1 when at least WALK_MATCHES live rows of the user's company have
 * initials starting with lo..hi but not a full pinyin doing so: a pinyin
 * query's initials arm (pinyin_arms; bj: the 25,000 names of 北京…, whose
 * initials order is not the name order). A capped count, kept like a
 * total. */
static int initials_are_common(entity_ctx *c, const entity_def *ent, const char *lo, const char *hi)
{
    int common = walk_matches();
    strbuf key = STRBUF_INIT;
    int64_t company = c->user ? c->user->company_id : -1;
    sb_printf(&key, "~initials|%lld|%s", (long long)company, lo);
    strbuf sql = STRBUF_INIT;
    sb_printf(&sql, "SELECT COUNT(*) FROM (SELECT t.id FROM %s t WHERE t.deleted_at IS NULL AND t.company_id = ?1"
                    " AND t.py_initials >= ?2 AND t.py_initials < ?3"
                    " AND (COALESCE(t.py_full, '') < ?2 OR COALESCE(t.py_full, '') >= ?3) LIMIT %d)",
              ent->table, capped_limit(common - 1));
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)company);
    const char *params[] = {id, lo, hi};
    int64_t n = kept_capped_count(c, ent, sb_str(&key), sb_str(&sql), params, 3, common - 1);
    sb_free(&sql);
    sb_free(&key);
    return n >= common;
}

/* The same for a pinyin query's word arm (pinyin_arms): the matches whose
 * full pinyin and initials do not start with the letters lo..hi (a Latin
 * name such as "ABC Trading" is in the word index and in the first arm:
 * its word arm is empty however common the word). lo NULL: every match. */
static int rows_are_common(entity_ctx *c, const entity_def *ent, const char *terms, const char *lo, const char *hi)
{
    int common = walk_matches();
    strbuf key = STRBUF_INIT;
    sb_printf(&key, "~common|%s|%s", terms, lo ? lo : "");
    strbuf sql = STRBUF_INIT;
    if (lo)
        sb_printf(&sql, "SELECT COUNT(*) FROM (SELECT t.id FROM %s t WHERE t.id IN (SELECT rowid FROM %s_fts WHERE %s_fts"
                        " MATCH ?1) AND (t.py_full IS NULL OR +t.py_full < ?2 OR +t.py_full >= ?3) AND"
                        " (t.py_initials IS NULL OR +t.py_initials < ?2 OR +t.py_initials >= ?3) LIMIT %d)",
                  ent->table, ent->table, ent->table, capped_limit(common - 1));
    else
        sb_printf(&sql, "SELECT COUNT(*) FROM (SELECT rowid FROM %s_fts WHERE %s_fts MATCH ?1 LIMIT %d)", ent->table,
                  ent->table, capped_limit(common - 1));
    const char *params[] = {terms, lo, hi};
    int64_t n = kept_capped_count(c, ent, sb_str(&key), sb_str(&sql), params, lo ? 3 : 1, common - 1);
    sb_free(&sql);
    sb_free(&key);
    return n >= common;
}

/* A common word (科技 in 29 % of the names): reading all its matches from
 * the word index and sorting them costs ~0.5 s at a million rows, while
 * walking the sort's index and asking the word index about each row
 * finds a page after limit / share rows. So: SQLite, a search of Han
 * words (not pinyin letters, whose prefix matches cluster in name order), a
 * page near the start, a sort an index serves (the name or updated_at),
 * and at least WALK_MATCHES matches in the word index, counted
 * with that cap (kept like a total). common_words is the last test alone
 * (SQLite, Han words, live rows), which the capped count also uses. */
static int common_words(entity_ctx *c, const entity_def *ent, const list_params *p)
{
    if (db_dialect_of(c->db) != DB_SQLITE || !p->q || !*p->q || is_pinyin_query(p->q) || !entity_has_search(ent) ||
        p->deleted) /* the list indexes hold live rows only */
        return 0;
    strbuf terms = STRBUF_INIT;
    strbuf han = STRBUF_INIT;
    int han_only = grams_han_patterns(p->q, &han) > 0;
    sb_free(&han);
    if (!han_only || !grams_query(p->q, &terms, NULL)) return sb_free(&terms), 0;
    int common = terms_are_common(c, ent, sb_str(&terms));
    sb_free(&terms);
    return common;
}

static int common_word_walk(entity_ctx *c, const entity_def *ent, const list_params *p)
{
    if (p->offset < 0 || p->limit < 0 || p->offset + p->limit > WALK_DEPTH) return 0;
    if (p->sort && *p->sort && !(ent->name_field && strcmp(p->sort, ent->name_field) == 0) &&
        strcmp(p->sort, "updated_at") != 0 && strcmp(p->sort, "-updated_at") != 0)
        return 0;
    return common_words(c, ent, p);
}

/* A filter that many rows pass (city = 南京, 1 in 40 of a million) with a
 * sort its index does not carry (-updated_at; a filtered field's index
 * holds the name order only): SQLite reads all 25,000 through the filter's
 * index and sorts them. Walking the (company, updated_at, id) index and
 * checking the filter on each row finds a page after limit × 40 rows.
 * `total` is the list's (already counted). SQLite only: PostgreSQL weighs
 * LIMIT against the filter's estimate itself. */
static int filter_walk(entity_ctx *c, const list_params *p, int64_t total)
{
    if (db_dialect_of(c->db) != DB_SQLITE || !p->filter || !*p->filter || !p->sort || p->link_field || p->deleted ||
        p->offset < 0 || p->limit < 0 || p->offset + p->limit > WALK_DEPTH || total < walk_matches())
        return 0;
    return strcmp(p->sort, "updated_at") == 0 || strcmp(p->sort, "-updated_at") == 0;
}

int entity_list_plan(entity_ctx *c, const entity_def *ent, const list_params *p, strbuf *out,
                     err *e)
{
    query w, order;
    query_init(&w, c->a);
    query_init(&order, c->a);
    strbuf sql = STRBUF_INIT;
    int rc = -1;
    for (int pass = 0; pass < 2; pass++) { /* the page ids, then the count */
        strbuf ids = STRBUF_INIT;
        if (entity_page_sql(c, ent, p, &w, &order, &ids, e) == 0) {
            sb_clear(&sql);
            if (pass == 0) sb_printf(&sql, "EXPLAIN QUERY PLAN %s", sb_str(&ids));
            else sb_printf(&sql, "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM %s t WHERE %s", ent->table, sb_str(&w.sql));
            db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
            if (s) {
                query_bind_all(&w, s);
                sb_append(out, pass ? "count:" : "page:");
                while (db_step(s) == DB_ROW) sb_printf(out, " %s;", db_column_text(s, 3));
                sb_putc(out, '\n');
                db_finalize(s);
                rc = 0;
            }
        }
        sb_free(&ids);
        query_free(&w);
        query_free(&order);
        query_init(&w, c->a);
        query_init(&order, c->a);
    }
    sb_free(&sql);
    return rc;
}

#define MERGE_OWNERS_MAX 64
#define MERGE_DEPTH_MAX 20000 /* offset + limit beyond which the merge reads more than the sort */

/* A manager's list in name order: "owner_id IN (the team) ORDER BY name"
 * cannot read the (company, owner, py_full, id) index in order, so the
 * plain plan sorts every visible row (100,000 for a manager over ten
 * salespeople with 10,000 each). Instead each owner's rows are read in
 * order from that index and merged: offset + limit index entries in all
 * (reading each owner's first offset + limit and sorting them, as before,
 * cost 14 ms at offset 1000 over eleven owners; the merge 2 ms). Only for the plain list in name order (no search,
 * filter, initial, related list, bin or pool), where the visibility is
 * exactly those owners (acl_list_owners). 1 when idq holds the page's ids
 * (every value bound), 0 when the plain plan applies. */
static int merged_owner_page(entity_ctx *c, const entity_def *ent, const list_params *p, query *idq)
{
    if (!ent->name_field || (p->q && *p->q) || (p->filter && *p->filter) || p->initial || p->link_field ||
        p->deleted || p->pool)
        return 0;
    if (p->sort && *p->sort && strcmp(p->sort, ent->name_field) != 0) return 0;
    int64_t depth = p->offset + p->limit;
    if (p->offset < 0 || p->limit < 0 || depth > MERGE_DEPTH_MAX) return 0;
    int64_t owners[MERGE_OWNERS_MAX];
    int n = acl_list_owners(c->user, ent, owners, MERGE_OWNERS_MAX);
    if (n < 2) return 0;
    /* One compound SELECT ordered as a whole: SQLite merges the arms
     * (MERGE (UNION ALL)), each read in order from the owner index, and
     * stops after offset + limit rows in all; PostgreSQL does the same
     * with a Merge Append. */
    query_sql(idq, "SELECT m.id FROM (");
    for (int i = 0; i < n; i++) {
        query_sqlf(idq, "%sSELECT t.id, t.py_full FROM %s t WHERE t.deleted_at IS NULL AND ",
                   i ? " UNION ALL " : "", ent->table);
        acl_company_predicate(c->user, "t", idq);
        query_sql(idq, " AND t.owner_id = ");
        query_bind_int(idq, owners[i]);
    }
    query_sqlf(idq, " ORDER BY 2, 1 LIMIT %lld OFFSET %lld) m", (long long)p->limit, (long long)p->offset);
    return 1;
}

/* The search words of q, when q is a pinyin query the arms below answer
 * (letters only, an entity with a name and a word index): as append_search
 * would use them. 0 otherwise. */
static int pinyin_terms(entity_ctx *c, const entity_def *ent, const list_params *p, strbuf *terms)
{
    if (!ent->name_field || !p->q || !is_pinyin_query(p->q) || !entity_has_search(ent)) return 0;
    int pg = db_dialect_of(c->db) == DB_POSTGRES;
    return grams_query(p->q, pg ? NULL : terms, pg ? terms : NULL);
}

/* "t.col >= lo AND t.col < hi", or (outside) its negation that also holds
 * for NULL ('' sorts before any lo): a check of each row, never an index's
 * range, as COALESCE hides the column from both planners (PostgreSQL
 * otherwise ORs the two ranges over the whole index). */
static void key_range(query *q, const char *col, const char *lo, const char *hi, int outside)
{
    if (outside) query_sqlf(q, " AND (COALESCE(t.%s, '') < ", col);
    else query_sqlf(q, " AND t.%s >= ", col);
    query_bind_text(q, lo);
    if (outside) query_sqlf(q, " OR COALESCE(t.%s, '') >= ", col);
    else query_sqlf(q, " AND t.%s < ", col);
    query_bind_text(q, hi);
    if (outside) query_sql(q, ")");
}

/* The pinyin word arm as a test of the row's own words: " AND …". */
static void row_words_test(entity_ctx *c, const entity_def *ent, const char *q, const char *lower, const char *like,
                           query *w)
{
    query_sql(w, " AND (' ' || COALESCE(t.search_grams, '')) LIKE ");
    query_bind_text(w, arena_printf(c->a, "%% %s%%", lower));
    if (hides_searchable_field(c, ent)) append_visible_words(c, ent, q, like, "t", w);
}

/* A pinyin query (beijing: 25,000 of a million names start with 北京)
 * matches three kinds of row: the full pinyin starts with q (one range of
 * the (company, py_full, id) index, so already in name order), the
 * initials start with q, or a search word starts with q (the word index).
 * The plain plan reads the union of all three and sorts it: 25,000 rows
 * looked up and sorted for a page of 50 (~200 ms). Here each kind is an
 * arm of its own, made disjoint by excluding the earlier arms' ranges, so
 * that
 *  - a page is one ordered UNION ALL (SQLite merges the arms, PostgreSQL
 *    does a Merge Append) that reads the first offset + limit rows of the
 *    first arm from the index and sorts only the other two (few: bjab's
 *    initials, names with 北京 inside);
 *  - the count is the sum of the arms' counts, the first one read from
 *    the index alone where the visibility allows.
 * Each arm carries the list's whole WHERE but the search, so the rows and
 * the order are exactly the plain plan's (tests/api/pinyin_page).
 * count: a statement of the count; else the page's ids, every value bound.
 * 1 when built, 0 when q is not such a query, -1 on error. */
static int pinyin_arms(entity_ctx *c, const entity_def *ent, const list_params *p, int count, query *q, err *e)
{
    strbuf terms = STRBUF_INIT;
    if (!pinyin_terms(c, ent, p, &terms)) return sb_free(&terms), 0;
    /* A word in many names (keji: 科技 inside a quarter of them) would
     * make the word arm sort all its matches: for a page on SQLite it then
     * walks the name index testing each row's words, as common_word_walk
     * (the letters match a word's start: LIKE '% keji%' on the words,
     * exactly FTS5's prefix query "keji"* on ASCII letters). */
    char *lower = arena_strdup(c->a, p->q);
    for (char *s = lower; *s; s++) *s = (char)tolower((unsigned char)*s);
    char *upper = arena_strdup(c->a, lower);
    upper[strlen(upper) - 1]++;
    int may_walk = !count && db_dialect_of(c->db) == DB_SQLITE && !p->deleted && p->offset + p->limit <= WALK_DEPTH &&
                   (!c->user || c->user->company_id != 0);
    int walk_words = may_walk && terms_are_common(c, ent, sb_str(&terms)) &&
                     rows_are_common(c, ent, sb_str(&terms), lower, upper);
    /* so is a common initials prefix (bj), tested on each row in name order */
    int walk_initials = may_walk && initials_are_common(c, ent, lower, upper);
    const char *like = db_dialect_of(c->db) == DB_POSTGRES ? "ILIKE" : "LIKE";
    list_params rest = *p;
    rest.q = NULL;
    query_sql(q, count ? "SELECT " : "SELECT m.id FROM (");
    /* Walked arms are one arm, walked once: the rows of the initials arm
     * (bj: the 25,000 of 北京…, first in name order) are left out of the
     * word arm, which would otherwise walk past all of them to its first
     * row before the merge could give any. */
    for (int arm = 0, emitted = 0; arm < 3; arm++) {
        if (arm == 2 && walk_words && walk_initials) continue; /* in arm 1's walk */
        /* each arm counted up to the cap (search_total_cap): their sum
         * passes it when the whole does */
        if (count) query_sqlf(q, "%s(SELECT COUNT(*) FROM (SELECT 1 FROM %s t WHERE ", emitted++ ? " + " : "", ent->table);
        else query_sqlf(q, "%sSELECT t.id, t.py_full FROM %s t WHERE ", emitted++ ? " UNION ALL " : "", ent->table);
        if (where_build(c, ent, &rest, 0, q, e)) return sb_free(&terms), -1;
        if (arm == 0) {
            key_range(q, "py_full", lower, upper, 0);
        } else if (arm == 1) {
            if (walk_initials) { /* COALESCE: a test of the row, not the initials index */
                query_sql(q, " AND (COALESCE(t.py_initials, '') >= ");
                query_bind_text(q, lower);
                query_sql(q, " AND COALESCE(t.py_initials, '') < ");
                query_bind_text(q, upper);
                if (walk_words) query_sql(q, " OR (1=1"), row_words_test(c, ent, p->q, lower, like, q), query_sql(q, ")");
                query_sql(q, ")");
            } else {
                key_range(q, "py_initials", lower, upper, 0);
            }
            key_range(q, "py_full", lower, upper, 1);
        } else {
            if (walk_words) {
                row_words_test(c, ent, p->q, lower, like, q);
            } else {
                query_sql(q, " AND t.id IN (");
                append_index_ids(c, ent, p->q, sb_str(&terms), like, q);
                query_sql(q, ")");
            }
            key_range(q, "py_full", lower, upper, 1);
            key_range(q, "py_initials", lower, upper, 1);
        }
        if (count) query_sqlf(q, " LIMIT %d) n)", capped_limit(search_total_cap()));
    }
    sb_free(&terms);
    if (!count) {
        const char *dir = p->sort && p->sort[0] == '-' ? " DESC" : "";
        query_sqlf(q, " ORDER BY 2%s, 1%s LIMIT %lld OFFSET %lld) m", dir, dir, (long long)p->limit,
                   (long long)p->offset);
    }
    return 1;
}

/* The page of a pinyin query in name order (either way), from pinyin_arms;
 * as merged_owner_page. */
static int pinyin_page(entity_ctx *c, const entity_def *ent, const list_params *p, query *idq, err *e)
{
    if (!ent->name_field || !p->q || p->offset < 0 || p->limit < 0 || p->offset + p->limit > MERGE_DEPTH_MAX)
        return 0;
    if (p->sort && *p->sort) {
        const char *name = p->sort + (p->sort[0] == '-' || p->sort[0] == '+');
        if (strcmp(name, ent->name_field) != 0) return 0;
    }
    return pinyin_arms(c, ent, p, 0, idq, e);
}

/* How the page of a list is read, once `w`, `order` and `ids` hold
 * page_sql's plain answer and `total` the count (-1 when none was made,
 * as for the global search): 1 when `merged` holds the page's ids with
 * their own values (a manager's merge over owners, the pinyin arms), 0
 * when `ids` does with w's values (rebuilt to walk a common word or a
 * broad filter), -1 on error. */
static int page_choice(entity_ctx *c, const entity_def *ent, const list_params *p, int64_t total, query *w,
                       query *order, strbuf *ids, query *merged, err *e)
{
    int walk = (common_word_walk(c, ent, p) ? WALK_WORDS : 0) | (filter_walk(c, p, total) ? WALK_FILTER : 0);
    if (walk) { /* reading every match costs more: the page tests rows */
        query_free(w);
        query_free(order);
        query_init(w, c->a);
        query_init(order, c->a);
        sb_clear(ids);
        return page_sql(c, ent, p, walk, w, order, ids, e) ? -1 : 0;
    }
    int by_owner = merged_owner_page(c, ent, p, merged);
    return by_owner ? by_owner : pinyin_page(c, ent, p, merged, e);
}

#define COUNT_WALK_ROWS 50000 /* rows a capped count of a common word tests before it reads the word index */

/* The count of a search, stopped a little past search_total_cap() (capped_limit):
 * 科技 is in 290,000 of a million names, and counting them all took a
 * core for a third of a second each time the total was refreshed (the
 * p99 of issue 14). The word index's matches are read whole before any
 * LIMIT applies, so for a common Han word (common_words) the first
 * COUNT_WALK_ROWS visible rows are tested on their own words first (as
 * common_word_walk's page does): at 29 % that finds the cap after some
 * 35,000 rows. Only when they do not reach it (a rarer word, or a user
 * who sees few of its rows) is the plain capped count run: SQLite
 * evaluates the CASE's other arm only then. */
static int capped_count_sql(entity_ctx *c, const entity_def *ent, const list_params *p, query *q, err *e)
{
    int cap = search_total_cap(), walk = common_words(c, ent, p);
    if (walk) query_sqlf(q, "SELECT CASE WHEN n.c > %d THEN n.c ELSE (", cap);
    query_sqlf(q, "SELECT COUNT(*) FROM (SELECT 1 FROM %s t WHERE ", ent->table);
    if (where_build(c, ent, p, 0, q, e)) return -1;
    query_sqlf(q, " LIMIT %d) capped", capped_limit(cap));
    if (walk) {
        list_params rest = *p;
        rest.q = NULL;
        const char *like = db_dialect_of(c->db) == DB_POSTGRES ? "ILIKE" : "LIKE";
        query_sqlf(q, ") END FROM (SELECT COUNT(*) AS c FROM (SELECT 1 FROM (SELECT t.* FROM %s t WHERE ", ent->table);
        if (where_build(c, ent, &rest, 0, q, e)) return -1;
        query_sqlf(q, " LIMIT %d) t WHERE 1 = 1", COUNT_WALK_ROWS);
        append_row_matches(c, ent, p->q, like, q);
        query_sqlf(q, " LIMIT %d)) n", capped_limit(cap));
    }
    return 0;
}

int entity_list(entity_ctx *c, const entity_def *ent, const list_params *p, strbuf *out, err *e)
{
    if (!acl_can(c->user, ent, ACL_VIEW))
        return err_setf(e, 403, "forbidden", "没有查看「%s」的权限", "No permission to view %s",
                        ent->label_zh, ent->label_en);
    query w;
    query_init(&w, c->a);
    query order;
    query_init(&order, c->a);
    strbuf ids = STRBUF_INIT;
    int rc = -1;
    int64_t total = 0;
    query counter;
    query_init(&counter, c->a);
    int arms = 0, kept = 0, search = p->q && *p->q;
    if (entity_page_sql(c, ent, p, &w, &order, &ids, e) || (kept = owner_counts_total(c, ent, p, &total, e)) < 0 ||
        (!kept && ((arms = pinyin_arms(c, ent, p, 1, &counter, e)) < 0 ||
                   (search && !arms && capped_count_sql(c, ent, p, &counter, e)) ||
                   count_rows(c, ent, &w, arms || search ? &counter : NULL, search ? search_total_cap() : 0, &total,
                              e)))) {
        query_free(&counter);
        sb_free(&ids);
        goto done;
    }
    query_free(&counter);
    int capped = !kept && search && total > search_total_cap();
    if (capped) total = search_total_cap();
    query merged;
    query_init(&merged, c->a);
    int by_owner = page_choice(c, ent, p, total, &w, &order, &ids, &merged, e);
    if (by_owner < 0) {
        query_free(&merged);
        sb_free(&ids);
        goto done;
    }

    select_plan plan;
    select_plan_build(c, ent, &plan);
    strbuf sql = STRBUF_INIT;
    sb_printf(&sql, "SELECT %s FROM %s t%s WHERE t.id IN (%s) %s", sb_str(&plan.columns),
              ent->table, sb_str(&plan.joins), by_owner ? sb_str(&merged.sql) : sb_str(&ids), sb_str(&order.sql));
    sb_free(&ids);
    db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
    sb_free(&sql);
    if (s && by_owner) {
        query_bind_all(&merged, s);
    } else if (s) {
        query_bind_all(&w, s);
    }
    query_free(&merged);
    if (s) {
        sb_append(out, "{\"items\":[");
        int n = 0, step;
        while ((step = db_step(s)) == DB_ROW) {
            if (n++) sb_putc(out, ',');
            select_row_json(&plan, s, out);
        }
        db_finalize(s);
        if (step < 0) {
            err_set(e, 500, "db_error", "查询记录失败", "Query failed");
        } else {
            sb_printf(out, "],\"total\":%lld%s}", (long long)total, capped ? ",\"total_capped\":true" : "");
            rc = 0;
        }
    }
    select_plan_free(&plan);
done:
    query_free(&w);
    query_free(&order);
    return rc;
}

int entity_get(entity_ctx *c, const entity_def *ent, int64_t id, int deleted_ok, strbuf *out,
               err *e)
{
    int64_t version;
    int64_t owner;
    return entity_get_versioned(c, ent, id, deleted_ok, out, &version, &owner, e);
}

int entity_get_versioned(entity_ctx *c, const entity_def *ent, int64_t id, int deleted_ok, strbuf *out,
                         int64_t *version, int64_t *owner_id, err *e)
{
    *version = *owner_id = 0;
    if (!acl_can(c->user, ent, ACL_VIEW))
        return err_setf(e, 403, "forbidden", "没有查看「%s」的权限", "No permission to view %s",
                        ent->label_zh, ent->label_en);
    select_plan plan;
    select_plan_build(c, ent, &plan);
    query w;
    query_init(&w, c->a);
    query_sql(&w, "t.id = ");
    query_bind_int(&w, id);
    if (!deleted_ok) query_sql(&w, " AND t.deleted_at IS NULL");
    query_sql(&w, " AND ");
    acl_visible_predicate(c->user, ent, "t", &w);
    /* appended, not printed: the column list is long, and printf copies
     * it a character at a time */
    strbuf sql = STRBUF_INIT;
    sb_reserve(&sql, plan.columns.len + plan.joins.len + w.sql.len + 64);
    sb_append(&sql, "SELECT ");
    sb_appendn(&sql, sb_str(&plan.columns), plan.columns.len);
    sb_append(&sql, " FROM ");
    sb_append(&sql, ent->table);
    sb_append(&sql, " t");
    sb_appendn(&sql, sb_str(&plan.joins), plan.joins.len);
    sb_append(&sql, " WHERE ");
    sb_appendn(&sql, sb_str(&w.sql), w.sql.len);
    db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
    sb_free(&sql);
    int rc = -1;
    if (s) {
        query_bind_all(&w, s);
        int step = db_step(s);
        if (step == DB_ROW) {
            select_row_json(&plan, s, out);
            int col = select_plan_column(&plan, "version");
            if (col >= 0) *version = db_column_int64(s, col);
            /* the owner, for entity_allowed: NULL (the pool) reads as 0 */
            col = select_plan_column(&plan, "owner_id");
            if (col >= 0 && !db_column_is_null(s, col)) *owner_id = db_column_int64(s, col);
            rc = 0;
        } else if (step == DB_DONE) {
            err_setf(e, 404, "not_found", "%s不存在或无权查看", "%s not found", ent->label_zh,
                     ent->label_en);
        } else {
            err_set(e, 500, "db_error", "读取记录失败", "Read failed");
        }
        db_finalize(s);
    }
    select_plan_free(&plan);
    query_free(&w);
    if (rc == 0 && entity_lines_append(c, ent, id, out, e)) rc = -1;
    return rc;
}

int64_t entity_version(entity_ctx *c, const entity_def *ent, int64_t id)
{
    query w;
    query_init(&w, c->a);
    query_sqlf(&w, "SELECT t.version FROM %s t WHERE t.id = ", ent->table);
    query_bind_int(&w, id);
    query_sql(&w, " AND t.deleted_at IS NULL AND ");
    acl_visible_predicate(c->user, ent, "t", &w);
    err e;
    err_clear(&e);
    int64_t v = 0;
    db_stmt *s = db_prepare(c->db, sb_str(&w.sql), &e);
    if (s) {
        query_bind_all(&w, s);
        if (db_step(s) == DB_ROW) v = db_column_int64(s, 0);
        db_finalize(s);
    }
    query_free(&w);
    return v;
}

static const char *field_label(const entity_def *ent, const char *name, const char *lang)
{
    const field_def *f = name ? meta_field(ent, name) : NULL;
    for (int i = 0; !f && name && i < ent->nrelations; i++) /* owned lines' history */
        if (ent->relations[i].owned && strcmp(ent->relations[i].name, name) == 0)
            return strcmp(lang, "en") == 0 ? ent->relations[i].label_en : ent->relations[i].label_zh;
    if (!f) return name;
    return strcmp(lang, "en") == 0 ? f->label_en : f->label_zh;
}

int entity_history(entity_ctx *c, const entity_def *ent, int64_t id, strbuf *out, err *e)
{
    /* History is as private as the record: the same visibility applies,
     * recycle bin included. */
    strbuf rec = STRBUF_INIT;
    int rc = entity_get(c, ent, id, 1, &rec, e);
    sb_free(&rec);
    if (rc) return rc;
    db_stmt *s = db_prepare(c->db,
                            "SELECT h.id, h.action, h.field, h.old_value, h.new_value, h.changed_by, "
                            "u.name, h.changed_at FROM record_history h LEFT JOIN users u ON u.id = "
                            "h.changed_by WHERE h.entity = ? AND h.record_id = ? ORDER BY h.id DESC "
                            "LIMIT 1000",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, ent->name);
    db_bind_int64(s, 2, id);
    sb_append(out, "{\"items\":[");
    int n = 0, step;
    while ((step = db_step(s)) == DB_ROW) {
        const char *field = db_column_text(s, 2);
        /* A hidden field's history is as hidden as the field. */
        const field_def *f = field ? meta_field(ent, field) : NULL;
        if (f && acl_field_access(c->user, ent, f) == 0) continue;
        if (n++) sb_putc(out, ',');
        sb_printf(out, "{\"id\":%lld,\"action\":", (long long)db_column_int64(s, 0));
        sb_json_string(out, db_column_text(s, 1));
        sb_append(out, ",\"field\":");
        sb_json_string(out, field);
        sb_append(out, ",\"field_label\":");
        sb_json_string(out, field_label(ent, field, c->lang));
        const char *action = db_column_text(s, 1);
        sb_append(out, ",\"old_value\":");
        sb_json_string(out, entity_lines_history_text(c, ent, action, field, db_column_text(s, 3)));
        sb_append(out, ",\"new_value\":");
        sb_json_string(out, entity_lines_history_text(c, ent, action, field, db_column_text(s, 4)));
        sb_append(out, ",\"changed_by\":");
        if (db_column_is_null(s, 5)) sb_append(out, "null");
        else sb_int64(out, db_column_int64(s, 5));
        sb_append(out, ",\"changed_by_name\":");
        sb_json_string(out, db_column_text(s, 6));
        sb_append(out, ",\"changed_at\":");
        sb_json_string(out, db_column_text(s, 7));
        sb_putc(out, '}');
    }
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "读取修改记录失败", "Cannot read history");
    sb_append(out, "]}");
    return 0;
}

int entity_search_titles(entity_ctx *c, const entity_def *ent, const char *q, int limit,
                         strbuf *out, int *count, err *e)
{
    if (!ent->name_field || !acl_can(c->user, ent, ACL_VIEW)) return 0;
    /* The first hits in name order, found as the list finds its first page
     * (a common word walks the name index; a pinyin query reads its arms):
     * never all the matches of a broad word sorted for five of them. */
    list_params p = {.q = q, .limit = limit};
    query w, order, merged;
    query_init(&w, c->a);
    query_init(&order, c->a);
    query_init(&merged, c->a);
    strbuf ids = STRBUF_INIT;
    int rc = -1, by_owner = -1;
    if (entity_page_sql(c, ent, &p, &w, &order, &ids, e) == 0)
        by_owner = page_choice(c, ent, &p, -1, &w, &order, &ids, &merged, e);
    if (by_owner >= 0) {
        strbuf sql = STRBUF_INIT;
        sb_printf(&sql, "SELECT t.id, t.%s FROM %s t WHERE t.id IN (%s) %s", ent->name_field, ent->table,
                  by_owner ? sb_str(&merged.sql) : sb_str(&ids), sb_str(&order.sql));
        db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
        sb_free(&sql);
        if (s) {
            query_bind_all(by_owner ? &merged : &w, s);
            int step;
            const char *label = strcmp(c->lang, "en") == 0 ? ent->label_en : ent->label_zh;
            while ((step = db_step(s)) == DB_ROW) {
                if ((*count)++) sb_putc(out, ',');
                sb_append(out, "{\"entity\":");
                sb_json_string(out, ent->name);
                sb_append(out, ",\"entity_label\":");
                sb_json_string(out, label);
                sb_printf(out, ",\"id\":%lld,\"title\":", (long long)db_column_int64(s, 0));
                sb_json_string(out, db_column_text(s, 1));
                sb_putc(out, '}');
            }
            db_finalize(s);
            rc = step < 0 ? err_set(e, 500, "db_error", "搜索失败", "Search failed") : 0;
        }
    }
    sb_free(&ids);
    query_free(&merged);
    query_free(&order);
    query_free(&w);
    return rc;
}

int entity_visible_owners(entity_ctx *c, const entity_def *ent, strbuf *out, err *e)
{
    if (!acl_can(c->user, ent, ACL_VIEW))
        return err_setf(e, 403, "forbidden", "没有查看「%s」的权限", "No permission to view %s", ent->label_zh,
                        ent->label_en);
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.id, t.name FROM users t WHERE t.deleted_at IS NULL AND t.status = 'active' AND ");
    acl_owner_users_predicate(c->user, ent, "t", &q);
    query_sqlf(&q, " ORDER BY t.py_full, t.id LIMIT %d", OWNERS_MAX + 1); /* one more: were there more? */
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    if (!s) return query_free(&q), -1;
    query_bind_all(&q, s);
    sb_append(out, "{\"items\":[");
    int n = 0, rc;
    while ((rc = db_step(s)) == DB_ROW && n < OWNERS_MAX) {
        sb_printf(out, "%s{\"id\":%lld,\"name\":", n++ ? "," : "", (long long)db_column_int64(s, 0));
        sb_json_string(out, db_column_text(s, 1));
        sb_putc(out, '}');
    }
    db_finalize(s);
    query_free(&q);
    if (rc < 0) return err_set(e, 500, "db_error", "读取用户失败", "Cannot read the users");
    sb_printf(out, "],\"truncated\":%s}", rc == DB_ROW ? "true" : "false");
    return 0;
}
