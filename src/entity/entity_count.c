/* entity_count.c - how many records match a filter, as the context's user
 * sees them: the same WHERE as a list (recycle bin excluded, visibility,
 * field access on the filter's fields), so module code that asks "is
 * there such a record" never forgets either. */
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "entity_select.h"
#include "filter.h"

/* Runs `SELECT <what> FROM <table> t WHERE <list where>`; 1 with a row, 0
 * without, -1 with e filled. *first gets the row's first column. A user
 * without the view right sees no record: 0. */
static int run(entity_ctx *c, const entity_def *ent, const char *what, const char *tail, const char *filter_json,
               int64_t *first, err *e)
{
    *first = 0;
    if (!acl_can(c->user, ent, ACL_VIEW)) return 0;
    list_params p = {.filter = filter_json};
    query w;
    query_init(&w, c->a);
    int rc = -1;
    if (entity_where(c, ent, &p, &w, e) == 0) {
        strbuf sql = STRBUF_INIT;
        sb_printf(&sql, "SELECT %s FROM %s t WHERE %s%s", what, ent->table, sb_str(&w.sql), tail);
        db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
        sb_free(&sql);
        if (s) {
            query_bind_all(&w, s);
            int step = db_step(s);
            if (step == DB_ROW) *first = db_column_int64(s, 0), rc = 1;
            else if (step == DB_DONE) rc = 0;
            else err_set(e, 500, "db_error", "统计记录数失败", "Counting failed");
            db_finalize(s);
        }
    }
    query_free(&w);
    return rc;
}

int entity_count(entity_ctx *c, const entity_def *ent, const char *filter_json, int64_t *n, err *e)
{
    return run(c, ent, "COUNT(*)", "", filter_json, n, e) < 0 ? -1 : 0;
}

int entity_exists(entity_ctx *c, const entity_def *ent, const char *filter_json, err *e)
{
    int64_t ignored;
    return run(c, ent, "t.id", " LIMIT 1", filter_json, &ignored, e);
}

int entity_list_ids(entity_ctx *c, const entity_def *ent, const list_params *p, int max, int64_t **ids, int *n,
                    err *e)
{
    *ids = NULL, *n = 0;
    if (!acl_can(c->user, ent, ACL_VIEW)) return 0;
    query w;
    query_init(&w, c->a);
    int rc = -1;
    if (entity_where(c, ent, p, &w, e) == 0) {
        strbuf sql = STRBUF_INIT;
        /* one more than max, so the caller can tell "too many" from "exactly max" */
        sb_printf(&sql, "SELECT t.id FROM %s t WHERE %s ORDER BY t.id LIMIT %d", ent->table, sb_str(&w.sql), max + 1);
        db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
        sb_free(&sql);
        if (s) {
            query_bind_all(&w, s);
            *ids = arena_alloc(c->a, sizeof **ids * (size_t)(max + 1));
            int step;
            while ((step = db_step(s)) == DB_ROW) (*ids)[(*n)++] = db_column_int64(s, 0);
            if (step == DB_DONE) rc = 0;
            else err_set(e, 500, "db_error", "读取记录失败", "Reading records failed");
            db_finalize(s);
        }
    }
    query_free(&w);
    return rc;
}

/* ---- the same count for many users (entity_count_for) ---- */

/* The fields a filter names, noted while it compiles once, so each user's
 * field access is checked without compiling it again per user. */
typedef struct used_fields {
    const field_def *f[FILTER_MAX_NODES];
    int n;
} used_fields;

static int note_field(const field_def *f, void *ctx)
{
    used_fields *u = ctx;
    for (int i = 0; i < u->n; i++)
        if (u->f[i] == f) return 1;
    if (u->n < FILTER_MAX_NODES) u->f[u->n++] = f;
    return 1;
}

typedef struct row_list {
    count_row *rows;
    int n, cap;
} row_list;

static void add_row(row_list *l, int user, int64_t value, int64_t count, const char *at)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->rows = realloc(l->rows, sizeof *l->rows * (size_t)l->cap);
    }
    l->rows[l->n++] = (count_row){.user = user, .value = value, .count = count, .at = at};
}

enum { USER_NONE, USER_GROUPED, USER_ALONE };

/* The grouped users in (company, id) order, so each row of the grouped
 * query finds its users by a binary search rather than a walk over all of
 * them: a class of 1,000 has up to thousands of rows per step (an "each"
 * check's parents), and the walk was most of the matrix's time. */
typedef struct user_key {
    int64_t company, id;
    int index;
} user_key;

static int by_company_id(const void *a, const void *b)
{
    const user_key *x = a, *y = b;
    if (x->company != y->company) return x->company < y->company ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* The first key at or after (company, id). */
static int lower_bound(const user_key *keys, int n, int64_t company, int64_t id)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (keys[mid].company < company || (keys[mid].company == company && keys[mid].id < id)) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* SELECT company, owner (own) or 0, the by value or 0, COUNT(*), the nth
 * record's at (or NULL) over WHERE w, grouped. The rows go to `alone`
 * (>= 0: that user's own query) or to every grouped user whose company
 * (and, with own, id) is the row's. */
static int run_grouped(entity_ctx *c, const entity_def *ent, const query *w, int own, const field_def *byf,
                       const field_def *atf, int64_t nth, const user_key *keys, int nkeys, int alone, row_list *out,
                       err *e)
{
    const char *owner = own ? "t.owner_id" : "0";
    const char *byc = byf ? arena_printf(c->a, "t.%s", meta_column(byf)) : "0";
    strbuf part = STRBUF_INIT, sql = STRBUF_INIT;
    sb_append(&part, "t.company_id");
    if (own) sb_append(&part, ", t.owner_id");
    if (byf) sb_printf(&part, ", %s", byc);
    if (atf && nth == 1) /* the first record's at is the least: no window (a window costs SQLite 4x a count) */
        sb_printf(&sql, "SELECT t.company_id, %s, %s, COUNT(*), MIN(t.%s) FROM %s t WHERE %s GROUP BY %s", owner, byc,
                  meta_column(atf), ent->table, sb_str(&w->sql), sb_str(&part));
    else if (atf) /* the nth record of each group: a window over the group, in the order of a list sorted by at */
        sb_printf(&sql,
                  "SELECT k1, k2, v, COUNT(*), MAX(CASE WHEN rn = %lld THEN w_at END) FROM (SELECT t.company_id AS k1,"
                  " %s AS k2, %s AS v, t.%s AS w_at, ROW_NUMBER() OVER (PARTITION BY %s ORDER BY t.%s, t.id) AS rn"
                  " FROM %s t WHERE %s) x GROUP BY k1, k2, v",
                  (long long)nth, owner, byc, meta_column(atf), sb_str(&part), meta_column(atf), ent->table,
                  sb_str(&w->sql));
    else
        sb_printf(&sql, "SELECT t.company_id, %s, %s, COUNT(*), NULL FROM %s t WHERE %s GROUP BY %s", owner, byc,
                  ent->table, sb_str(&w->sql), sb_str(&part));
    sb_free(&part);
    db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
    sb_free(&sql);
    if (!s) return -1;
    query_bind_all(w, s);
    int step;
    while ((step = db_step(s)) == DB_ROW) {
        int64_t company = db_column_int64(s, 0), owner_id = db_column_int64(s, 1);
        int64_t value = db_column_int64(s, 2), count = db_column_int64(s, 3);
        const char *at = db_column_is_null(s, 4) ? NULL : arena_strdup(c->a, db_column_text(s, 4));
        if (alone >= 0) {
            add_row(out, alone, value, count, at);
            continue;
        }
        /* every grouped user of the row's company (with own: the owner) */
        for (int k = lower_bound(keys, nkeys, company, own ? owner_id : INT64_MIN);
             k < nkeys && keys[k].company == company && (!own || keys[k].id == owner_id); k++)
            add_row(out, keys[k].index, value, count, at);
    }
    db_finalize(s);
    return step == DB_DONE ? 0 : err_set(e, 500, "db_error", "统计记录数失败", "Counting failed");
}

/* " AND t.<column> IN (...)" of the grouped users' companies or ids, each
 * once (keys are in company order: a company's users are side by side). */
static void grouped_in(query *w, const char *column, const user_key *keys, int nkeys, int ids)
{
    query_sqlf(w, " AND t.%s IN (", column);
    for (int k = 0, n = 0; k < nkeys; k++) {
        if (!ids && k && keys[k - 1].company == keys[k].company) continue;
        if (n++) query_sql(w, ", ");
        query_bind_int(w, ids ? keys[k].id : keys[k].company);
    }
    query_sql(w, ")");
}

int entity_count_for(entity_ctx *c, const entity_def *ent, const char *filter_json, int own,
                     const auth_user *const *users, int nusers, const char *by, const char *at, int64_t nth,
                     count_row **rows, int *nrows, err *e)
{
    *rows = NULL, *nrows = 0;
    const field_def *byf = by ? meta_field(ent, by) : NULL, *atf = at ? meta_field(ent, at) : NULL;
    if ((by && (!byf || (byf->type != FT_LINK && byf->type != FT_USER && byf->type != FT_ID))) ||
        (at && (!atf || atf->type != FT_DATETIME)) || nth < 1 || nusers < 0)
        return err_set(e, 500, "internal_error", "分组统计的参数无效", "Invalid grouped count");
    /* The filter compiled once, noting its fields: "deleted_at IS NULL AND
     * (filter)", the grouped users' companies (and ids) appended below. */
    used_fields used = {.n = 0};
    query w;
    query_init(&w, c->a);
    query_sql(&w, "t.deleted_at IS NULL AND ");
    filter_ctx fc = {ent, db_dialect_of(c->db), "t", note_field, &used};
    const char *filter = filter_json ? filter_json : "";
    if (filter_compile(&fc, filter, strlen(filter), &w, e)) return query_free(&w), -1;
    /* Who can be counted in the one query: a user whose list of ent is
     * their company's (or, with own, whose own records they always see),
     * each field of the filter readable to them. Anyone else: alone. */
    char *kind = arena_alloc(c->a, (size_t)nusers + 1);
    int ngrouped = 0;
    for (int i = 0; i < nusers; i++) {
        const auth_user *u = users[i];
        kind[i] = USER_NONE;
        if (!u || !acl_can(u, ent, ACL_VIEW)) continue; /* sees none, as entity_count */
        int readable = u->company_id != 0; /* the server's jobs see every company: not one group */
        for (int k = 0; k < used.n && readable; k++) readable = acl_field_access(u, ent, used.f[k]) > 0;
        kind[i] = readable && (own || acl_sees_all(u, ent)) ? USER_GROUPED : USER_ALONE;
        ngrouped += kind[i] == USER_GROUPED;
    }
    row_list out = {0};
    int rc = 0;
    if (ngrouped) {
        user_key *keys = arena_alloc(c->a, sizeof *keys * (size_t)ngrouped);
        int nkeys = 0;
        for (int i = 0; i < nusers; i++)
            if (kind[i] == USER_GROUPED)
                keys[nkeys++] = (user_key){.company = users[i]->company_id, .id = users[i]->id, .index = i};
        qsort(keys, (size_t)nkeys, sizeof *keys, by_company_id);
        grouped_in(&w, "company_id", keys, nkeys, 0);
        if (own) grouped_in(&w, "owner_id", keys, nkeys, 1);
        rc = run_grouped(c, ent, &w, own, byf, atf, nth, keys, nkeys, -1, &out, e);
    }
    query_free(&w);
    for (int i = 0; i < nusers && rc == 0; i++) {
        if (kind[i] != USER_ALONE) continue;
        /* exactly entity_count's WHERE as this user (the same 400 for a hidden field) */
        entity_ctx uc = *c;
        uc.user = users[i];
        list_params p = {.filter = filter_json};
        query uw;
        query_init(&uw, c->a);
        rc = entity_where(&uc, ent, &p, &uw, e);
        if (rc == 0 && own) {
            query_sql(&uw, " AND t.owner_id = ");
            query_bind_int(&uw, users[i]->id);
        }
        if (rc == 0) rc = run_grouped(c, ent, &uw, own, byf, atf, nth, NULL, 0, i, &out, e);
        query_free(&uw);
    }
    if (rc == 0 && out.n) {
        *rows = arena_alloc(c->a, sizeof **rows * (size_t)out.n);
        memcpy(*rows, out.rows, sizeof **rows * (size_t)out.n);
        *nrows = out.n;
    }
    free(out.rows);
    return rc;
}
