/* entity_computed.c - see entity_computed.h. A record's computed fields
 * are recomputed from its stored row, not from the request, so every path
 * that stores inputs (create, update, lines, merge) gets the same answer;
 * the cost is one SELECT (and one UPDATE when a value changed) per write of
 * an entity that has computed fields or is summed by one. */
#include "entity_computed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../meta/expr.h"
#include "../meta/meta_computed.h"

/* How deep a change may travel up (line -> document -> account ...):
 * far more than any real chain, a stop for a cycle across entities. */
#define MAX_CASCADE 8
#define BACKFILL_BATCH 500

static int int_stored(const field_def *f)
{
    switch (f->type) {
    case FT_INTEGER: case FT_DECIMAL: case FT_MONEY: case FT_PERCENT: case FT_LINK:
    case FT_USER: case FT_ID: case FT_BOOLEAN: case FT_IMAGE: return 1;
    default: return 0;
    }
}

static expr_value to_expr(const field_def *f, const sql_value *v)
{
    if (!f || v->kind == SV_NULL) return (expr_value){.kind = EV_NULL};
    if (f->type == FT_BOOLEAN) return (expr_value){.kind = EV_BOOL, .m = v->i != 0};
    if (v->kind == SV_INT) return (expr_value){.kind = EV_NUM, .m = v->i, .scale = field_is_scaled(f) ? f->scale : 0};
    return (expr_value){.kind = EV_TEXT, .s = v->s};
}

/* Runs sql (one int64 parameter) and stores each row's columns, read as
 * fields[k], into a new array of nfields values per row. Returns the
 * number of rows, or -1. */
static int read_rows(entity_ctx *c, const char *sql, int64_t param, const field_def **fields, int nfields,
                     sql_value **rows_out, err *e)
{
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    db_bind_int64(s, 1, param);
    int n = 0, cap = 0, step;
    sql_value *rows = NULL;
    while ((step = db_step(s)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 4 : 16;
            sql_value *bigger = arena_alloc(c->a, sizeof *bigger * (size_t)cap * (size_t)nfields);
            if (n) memcpy(bigger, rows, sizeof *rows * (size_t)n * (size_t)nfields);
            rows = bigger;
        }
        sql_value *row = rows + (size_t)n * (size_t)nfields;
        for (int k = 0; k < nfields; k++) {
            if (db_column_is_null(s, k)) row[k].kind = SV_NULL;
            else if (int_stored(fields[k])) row[k] = (sql_value){.kind = SV_INT, .i = db_column_int64(s, k)};
            else row[k] = (sql_value){.kind = SV_TEXT, .s = arena_strdup(c->a, db_column_text(s, k))};
        }
        n++;
    }
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "读取计算字段的数据失败", "Cannot read the inputs of computed fields");
    *rows_out = rows;
    return n;
}

/* ---- evaluation environments ---- */

typedef struct row_ctx {
    const field_def **fields;
    const sql_value *vals;
    int n;
} row_ctx;

static int row_field(void *ctx, const char *name, expr_value *out, expr_error *xe)
{
    row_ctx *r = ctx;
    for (int k = 0; k < r->n; k++)
        if (strcmp(r->fields[k]->name, name) == 0) return *out = to_expr(r->fields[k], &r->vals[k]), 0;
    (void)xe;
    *out = (expr_value){.kind = EV_NULL};
    return 0;
}

typedef struct record_ctx {
    entity_ctx *c;
    const entity_def *ent;
    int64_t id;
    const sql_value *vals; /* by field index */
    int fresh;             /* just created: nothing can link to it yet */
    err *e;                /* database errors while reading related rows */
} record_ctx;

static int record_field(void *ctx, const char *name, expr_value *out, expr_error *xe)
{
    record_ctx *r = ctx;
    int k = meta_field_index(r->ent, name);
    (void)xe;
    *out = k < 0 ? (expr_value){.kind = EV_NULL} : to_expr(&r->ent->fields[k], &r->vals[k]);
    return 0;
}

typedef struct name_list {
    const entity_def *ent;
    const field_def *fields[64];
    int n;
} name_list;

static void add_name(void *ctx, const char *name)
{
    name_list *l = ctx;
    const field_def *f = meta_field(l->ent, name);
    for (int k = 0; k < l->n; k++)
        if (l->fields[k] == f) return;
    if (f && l->n < 64) l->fields[l->n++] = f;
}

/* The live related records of an aggregate, with the fields it reads. */
static int record_rows(void *ctx, const char *relation, const expr_node *agg, expr_row_visit visit, void *state,
                       expr_error *xe)
{
    record_ctx *r = ctx;
    if (r->fresh) return 0; /* no rows: spare the query */
    const relation_def *rel = NULL;
    for (int i = 0; i < r->ent->nrelations; i++)
        if (strcmp(r->ent->relations[i].name, relation) == 0) rel = &r->ent->relations[i];
    const entity_def *child = rel ? meta_entity(r->c->m, rel->entity) : NULL;
    if (!child) return xe->code = EXPR_E_UNKNOWN, -1; /* checked at load: cannot happen */
    name_list names = {.ent = child};
    expr_aggregate_fields(agg, add_name, &names);
    strbuf sql = STRBUF_INIT;
    sb_append(&sql, "SELECT ");
    for (int k = 0; k < names.n; k++) sb_printf(&sql, "%s%s", k ? ", " : "", names.fields[k]->name);
    if (!names.n) sb_append(&sql, "id");
    sb_printf(&sql, " FROM %s WHERE %s = ? AND deleted_at IS NULL", child->table, rel->field);
    sql_value *rows = NULL;
    int ncols = names.n ? names.n : 1;
    const field_def *id_field = meta_field(child, "id");
    if (!names.n) names.fields[0] = id_field;
    int n = read_rows(r->c, sb_str(&sql), r->id, names.fields, ncols, &rows, r->e);
    sb_free(&sql);
    if (n < 0) return xe->code = EXPR_E_UNKNOWN, -1; /* r->e holds the database error */
    for (int i = 0; i < n; i++) {
        row_ctx rc = {names.fields, rows + (size_t)i * (size_t)ncols, names.n};
        expr_env env = {&rc, row_field, NULL, NULL};
        if (visit(state, &env, xe)) return -1;
    }
    return 0;
}

/* ---- recomputing one record ---- */

static int cannot_compute(const field_def *f, const expr_error *xe, err *e)
{
    if (e->status == 500) return -1; /* a database error while reading the inputs */
    err_add_field(e, f->name, xe->code == EXPR_E_DIV_ZERO ? "division_by_zero"
                              : xe->code == EXPR_E_OVERFLOW ? "overflow"
                                                            : "invalid");
    return err_setf(e, 422, "computation_failed", "「%s」无法计算：%s%.0s%.0s", "%.0s%.0s%s cannot be computed: %s",
                    f->label_zh, xe->zh, f->label_en, xe->en);
}

/* The stored row of a record (every field), and whether it is live.
 * Returns 1 found, 0 missing, -1 error. lock: a parent about to be
 * recomputed; on PostgreSQL its row is locked first, so two transactions
 * that change its children take turns and the second sums what the first
 * committed (SQLite runs one writer at a time anyway). */
static int load_record(entity_ctx *c, const entity_def *ent, int64_t id, int lock, sql_value **vals, int *live,
                       err *e)
{
    const field_def **fields = arena_alloc(c->a, sizeof *fields * (size_t)(ent->nfields + 1));
    strbuf sql = STRBUF_INIT;
    sb_append(&sql, "SELECT ");
    for (int k = 0; k < ent->nfields; k++) {
        sb_printf(&sql, "%s, ", ent->fields[k].name);
        fields[k] = &ent->fields[k];
    }
    sb_printf(&sql, "CASE WHEN deleted_at IS NULL THEN 1 ELSE 0 END FROM %s WHERE id = ?%s", ent->table,
              lock && db_dialect_of(c->db) == DB_POSTGRES ? " FOR UPDATE" : "");
    static const field_def live_flag = {.name = "live", .type = FT_INTEGER};
    fields[ent->nfields] = &live_flag;
    int n = read_rows(c, sb_str(&sql), id, fields, ent->nfields + 1, vals, e);
    sb_free(&sql);
    if (n <= 0) return n;
    *live = (*vals)[ent->nfields].i != 0;
    return 1;
}

static int store(entity_ctx *c, const entity_def *ent, int64_t id, const sql_value *vals, const char *changed,
                 int bump, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sqlf(&q, "UPDATE %s SET %s", ent->table, bump ? "version = version + 1" : "id = id");
    for (int k = 0; k < ent->nfields; k++) {
        if (!changed[k]) continue;
        query_sqlf(&q, ", %s = ", ent->fields[k].name);
        query_bind_value(&q, vals[k]);
    }
    query_sql(&q, " WHERE id = ");
    query_bind_int(&q, id);
    int rc = query_exec(c->db, &q, "保存计算字段失败", "Cannot store computed fields", e);
    query_free(&q);
    if (rc == 0) rc = entity_totals_changed(c->db, ent, e);
    return rc;
}

static int refresh_parents(entity_ctx *c, const entity_def *ent, const sql_value *before, const sql_value *after,
                           int depth, err *e);

typedef struct needs_ctx {
    const entity_def *ent;
    const char *relation;
    const char *changed;
    int yes;
} needs_ctx;

static void reads_relation(void *ctx, const char *relation, const expr_node *aggregate)
{
    needs_ctx *n = ctx;
    (void)aggregate;
    n->yes |= strcmp(relation, n->relation) == 0;
}

static void reads_changed(void *ctx, const char *name)
{
    needs_ctx *n = ctx;
    int k = meta_field_index(n->ent, name);
    n->yes |= k >= 0 && n->changed[k];
}

/* Whether field f may move when only the rows of `relation` changed: it
 * sums them, or reads a field that moved in this pass. */
static int may_move(const entity_def *ent, const field_def *f, const char *relation, const char *changed)
{
    needs_ctx n = {ent, relation, changed, 0};
    expr_each_relation(f->computed_expr, reads_relation, &n);
    if (!n.yes) expr_each_field(f->computed_expr, reads_changed, &n);
    return n.yes;
}

static int same(const sql_value *x, const sql_value *y)
{
    if (x->kind != y->kind) return 0;
    if (x->kind == SV_INT) return x->i == y->i;
    if (x->kind == SV_TEXT) return strcmp(x->s, y->s) == 0;
    return 1;
}

/* A computed field's value: a number rounded to the field's scale, or
 * for a text field (大写金额: rmb_upper) the text as it comes. */
static int computed_value(const field_def *f, const expr_env *env, sql_value *now, expr_error *xe)
{
    if (f->type == FT_TEXT) {
        expr_value v;
        if (expr_eval(f->computed_expr, env, &v, xe)) return -1;
        *now = v.kind == EV_TEXT ? (sql_value){.kind = SV_TEXT, .s = v.s} : (sql_value){.kind = SV_NULL};
        return 0;
    }
    int64_t v = 0;
    int is_null = 0;
    if (expr_eval_scaled(f->computed_expr, env, f->type == FT_INTEGER ? 0 : f->scale, &v, &is_null, xe)) return -1;
    *now = is_null ? (sql_value){.kind = SV_NULL} : (sql_value){.kind = SV_INT, .i = v};
    return 0;
}

/* Computes the computed fields of a record from vals (its values by field
 * index), in order, into vals; changed[k] marks those that moved. only:
 * just the rows of that relation changed, so the fields that cannot move
 * are left as stored (NULL: all). Returns 1 when any moved, 0 when none,
 * -1 with e when one cannot be computed. */
static int compute_all(entity_ctx *c, const entity_def *ent, int64_t id, sql_value *vals, int fresh,
                       const char *only, char *changed, err *e)
{
    record_ctx rc = {c, ent, id, vals, fresh, e};
    expr_env env = {&rc, record_field, record_rows, c->a};
    int any = 0;
    for (int k = 0; k < ent->computed->norder; k++) {
        int idx = ent->computed->order[k];
        const field_def *f = &ent->fields[idx];
        if (only && !may_move(ent, f, only, changed)) continue;
        sql_value now;
        expr_error xe;
        if (computed_value(f, &env, &now, &xe)) return cannot_compute(f, &xe, e);
        if (same(&now, &vals[idx])) continue;
        vals[idx] = now; /* later computed fields read the new value */
        changed[idx] = 1;
        any = 1;
    }
    return any;
}

/* Recomputes a stored record (vals, updated in place); when a value
 * changed, stores it (with a new version when bump) and, with cascade,
 * passes the change on to the parents that sum the record. */
static int refresh_loaded(entity_ctx *c, const entity_def *ent, int64_t id, sql_value *vals, const char *only,
                          int bump, int cascade, int depth, err *e)
{
    char *changed = arena_alloc(c->a, (size_t)ent->nfields);
    int any = compute_all(c, ent, id, vals, 0, only, changed, e);
    if (any <= 0) return any;
    if (store(c, ent, id, vals, changed, bump, e)) return -1;
    return cascade ? refresh_parents(c, ent, vals, vals, depth + 1, e) : 0;
}

/* The same for a record read here; a missing or deleted one is left alone. */
static int refresh(entity_ctx *c, const entity_def *ent, int64_t id, const char *only, int bump, int depth, err *e)
{
    if (!ent->computed || !ent->computed->norder || depth > MAX_CASCADE) return 0;
    sql_value *vals;
    int live = 0;
    int found = load_record(c, ent, id, 1, &vals, &live, e);
    if (found <= 0 || !live) return found < 0 ? -1 : 0;
    return refresh_loaded(c, ent, id, vals, only, bump, 1, depth, e);
}

static int refresh_parents(entity_ctx *c, const entity_def *ent, const sql_value *before, const sql_value *after,
                           int depth, err *e)
{
    for (int d = 0; ent->computed && d < ent->computed->ndependents; d++) {
        const computed_dependent *dep = &ent->computed->dependents[d];
        const entity_def *parent = meta_entity(c->m, dep->parent);
        int idx = meta_field_index(ent, dep->link_field);
        if (!parent || idx < 0) continue;
        /* lines written with their document: it is refreshed once after all
         * of them (entity_lines.c), not once per line */
        if (c->as_line && parent == ent->owner) continue;
        int64_t ids[2] = {0, 0};
        if (before && before[idx].kind == SV_INT) ids[0] = before[idx].i;
        if (after && after[idx].kind == SV_INT && after[idx].i != ids[0]) ids[1] = after[idx].i;
        for (int k = 0; k < 2; k++)
            if (ids[k] && refresh(c, parent, ids[k], dep->relation, 1, depth, e)) return -1;
    }
    return 0;
}

int computed_refresh(entity_ctx *c, const entity_def *ent, int64_t id, err *e)
{
    return refresh(c, ent, id, NULL, 0, 0, e);
}

/* Whether a field marked in `which` differs between before and after. */
static int any_changed(const entity_def *ent, const char *which, const sql_value *before, const sql_value *after)
{
    for (int k = 0; k < ent->nfields; k++)
        if (which[k] && !same(&before[k], &after[k])) return 1;
    return 0;
}

int computed_fill(entity_ctx *c, const entity_def *ent, sql_value *vals, char *present, err *e)
{
    if (!ent->computed || !ent->computed->norder) return 0;
    sql_value *row = arena_alloc(c->a, sizeof *row * (size_t)ent->nfields);
    for (int k = 0; k < ent->nfields; k++)
        if (present[k]) row[k] = vals[k]; /* the rest is NULL in the new row */
    char *changed = arena_alloc(c->a, (size_t)ent->nfields);
    if (compute_all(c, ent, 0, row, 1, NULL, changed, e) < 0) return -1;
    for (int k = 0; k < ent->nfields; k++)
        if (changed[k]) vals[k] = row[k], present[k] = 1;
    return 0;
}

/* Does only the document that owns these lines sum them? */
static int owner_is_only_dependent(const entity_computed *ec, const entity_def *ent)
{
    for (int d = 0; d < ec->ndependents; d++)
        if (!ent->owner || strcmp(ec->dependents[d].parent, ent->owner->name) != 0) return 0;
    return 1;
}

int computed_after_write(entity_ctx *c, const entity_def *ent, int64_t id, const sql_value *old, err *e)
{
    entity_computed *ec = ent->computed;
    if (!ec || (!old && !ec->ndependents)) return 0; /* a new record's own values came with its INSERT */
    if (!old && c->as_line && owner_is_only_dependent(ec, ent)) return 0; /* its document is refreshed once */
    sql_value *now = NULL;
    int live = 0;
    int found = load_record(c, ent, id, 0, &now, &live, e);
    if (found <= 0) return found;
    int deleted_at = meta_field_index(ent, "deleted_at");
    /* created, deleted or restored: everything counts; an update only
     * through the fields that are read */
    int moved = !old || (deleted_at >= 0 && (old[deleted_at].kind == SV_NULL) != live);
    if (old && live && ec->norder && (moved || any_changed(ent, ec->inputs, old, now)) &&
        refresh_loaded(c, ent, id, now, NULL, 0, 0, 0, e))
        return -1;
    /* now holds the new computed values: a parent summing them sees the change */
    for (int d = 0; d < ec->ndependents; d++) {
        const computed_dependent *dep = &ec->dependents[d];
        if (!moved && !any_changed(ent, dep->reads, old, now)) continue;
        const entity_def *parent = meta_entity(c->m, dep->parent);
        int idx = meta_field_index(ent, dep->link_field);
        if (!parent || idx < 0) continue;
        /* lines written with their document: it is refreshed once after all
         * of them (entity_lines.c), not once per line */
        if (c->as_line && parent == ent->owner) continue;
        int64_t before = old && old[idx].kind == SV_INT ? old[idx].i : 0;
        int64_t after = now[idx].kind == SV_INT ? now[idx].i : 0;
        int64_t lo = before < after ? before : after, hi = before < after ? after : before;
        /* the lower id first: two moves in opposite directions lock in one order */
        if (lo && refresh(c, parent, lo, dep->relation, 1, 1, e)) return -1;
        if (hi && hi != lo && refresh(c, parent, hi, dep->relation, 1, 1, e)) return -1;
    }
    return 0;
}

/* ---- at start ---- */

/* "field=expression;..." of the entity: what the stored values follow. */
static char *definitions(const entity_def *ent)
{
    strbuf sb = STRBUF_INIT;
    for (int k = 0; ent->computed && k < ent->computed->norder; k++) {
        const field_def *f = &ent->fields[ent->computed->order[k]];
        sb_printf(&sb, "%s=%s;", f->name, f->computed);
    }
    return sb_detach(&sb);
}

static int remember(db_conn *db, const char *key, const char *value, err *e)
{
    const char *params[] = {key, value};
    int64_t ignored;
    return db_query_int64(db, "DELETE FROM settings WHERE key = ?", &ignored, e, 1, params) < 0 ||
                   db_query_int64(db, "INSERT INTO settings(key, value) VALUES (?, ?)", &ignored, e, 2, params) < 0
               ? -1
               : 0;
}

static int stored_definitions_differ(db_conn *db, const char *key, const char *defs, err *e)
{
    db_stmt *s = db_prepare(db, "SELECT value FROM settings WHERE key = ?", e);
    if (!s) return -1;
    db_bind_text(s, 1, key);
    int step = db_step(s);
    int differ = step == DB_ROW ? strcmp(db_column_text(s, 0), defs) != 0 : step == DB_DONE ? 1 : -1;
    db_finalize(s);
    return differ < 0 ? err_set(e, 500, "db_error", "读取设置失败", "Cannot read settings") : differ;
}

/* Live ids after *after, a batch; the count, or -1. */
static int next_ids(entity_ctx *c, const entity_def *ent, int64_t *after, int64_t *ids, err *e)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE deleted_at IS NULL AND id > ? ORDER BY id LIMIT %d", ent->table,
             BACKFILL_BATCH);
    sql_value *rows;
    const field_def *f[] = {meta_field(ent, "id")};
    int n = read_rows(c, sql, *after, f, 1, &rows, e);
    for (int i = 0; i < n; i++) ids[i] = rows[i].i;
    if (n > 0) *after = ids[n - 1];
    return n;
}

static int backfill_entity(db_conn *db, const metadata *m, const entity_def *ent, err *e)
{
    auth_user nobody = {0};
    int64_t after = 0, ids[BACKFILL_BATCH];
    int n, announced = 0;
    do {
        arena *a = arena_new();
        entity_ctx c = {.db = db, .a = a, .m = m, .user = &nobody, .lang = "zh", .trusted = 1};
        n = next_ids(&c, ent, &after, ids, e);
        if (n == BACKFILL_BATCH && !announced++)
            fprintf(stderr, "kehu: 正在计算 %s 的计算字段（只此一次）/ computing the computed fields of %s (once)\n",
                    ent->name, ent->name);
        for (int i = 0; i < n; i++) {
            err one;
            err_clear(&one);
            if (refresh(&c, ent, ids[i], NULL, 0, 0, &one) == 0) continue;
            if (one.status == 500) {
                *e = one;
                n = -1;
                break;
            }
            fprintf(stderr, "kehu: %s %lld: %s / %s\n", ent->name, (long long)ids[i], one.zh, one.en);
        }
        arena_free(a);
    } while (n == BACKFILL_BATCH);
    return n < 0 ? -1 : 0;
}

int computed_backfill(db_conn *db, const metadata *m, err *e)
{
    for (int i = 0; i < m->nentities; i++) {
        const entity_def *ent = &m->entities[i];
        if (!ent->computed || !ent->computed->norder) continue;
        char *defs = definitions(ent);
        char key[160];
        snprintf(key, sizeof key, "computed:%s", ent->name);
        int differ = stored_definitions_differ(db, key, defs, e);
        int rc = differ < 0 ? -1 : differ ? backfill_entity(db, m, ent, e) || remember(db, key, defs, e) : 0;
        free(defs);
        if (rc) return -1;
    }
    return 0;
}
