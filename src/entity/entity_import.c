/* entity_import.c - rows of a spreadsheet into records of any entity. Every
 * row goes through the same create/update as the records API (required,
 * unique, types, links, access control, hooks), so an import can store
 * nothing a user could not type in. Cells are read as people write them:
 * picklists by label or code, links and owners by name, dates also as
 * Excel serial numbers, numbers with thousands separators.
 *
 * Each row runs under a savepoint, so a bad row leaves nothing behind and
 * the others go on; rows commit in batches for speed, or all in one
 * transaction with all_or_nothing (any error: nothing is stored). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "entity.h"
#include "ledger.h"
#include "value.h"

#define IMPORT_BATCH 500

/* ---- suggesting the mapping ---- */

/* Headers are matched to fields by label (zh or en), by name, ignoring
 * case, spaces and a trailing "*" (required marks in templates). */
static const field_def *match_header(const entity_def *ent, const char *header)
{
    char h[256];
    size_t n = 0;
    for (const char *p = header; *p && n < sizeof h - 1; p++)
        if (*p != ' ' && *p != '*') h[n++] = *p;
    h[n] = '\0';
    if (!n) return NULL;
    for (int i = 0; i < ent->nfields; i++) {
        const field_def *f = &ent->fields[i];
        if (strcasecmp(h, f->label_zh) == 0 || strcasecmp(h, f->label_en) == 0 || strcasecmp(h, f->name) == 0) return f;
    }
    /* "客户" for 所属客户, "所在城市" for 城市: one label containing the other,
     * when exactly one field fits (two Chinese characters at least). */
    if (strlen(h) < 6) return NULL;
    const field_def *only = NULL;
    for (int i = 0; i < ent->nfields; i++) {
        const field_def *f = &ent->fields[i];
        if (f->system || strlen(f->label_zh) < 6) continue;
        if (strstr(f->label_zh, h) || strstr(h, f->label_zh)) {
            if (only) return NULL;
            only = f;
        }
    }
    return only;
}

/* May rows of the import set this field? Server-owned ones no (owner: only
 * with the assign right, as in the records API). */
static int importable(entity_ctx *c, const entity_def *ent, const field_def *f)
{
    if (strcmp(f->name, "owner_id") == 0) return acl_can_assign(c->user, ent);
    return !f->system && !f->readonly && f->type != FT_JSON && acl_field_access(c->user, ent, f) == ACL_WRITE &&
           !acl_field_restricted(c->user, ent, f);
}

int entity_import_preview(entity_ctx *c, const entity_def *ent, const data_table *t, strbuf *out, err *e)
{
    if (!acl_can(c->user, ent, ACL_IMPORT))
        return err_setf(e, 403, "forbidden", "没有导入「%s」的权限%.0s", "%.0sNo permission to import %s",
                        ent->label_zh, ent->label_en);
    int en = strcmp(c->lang, "en") == 0;
    sb_append(out, "{\"headers\":[");
    for (int col = 0; col < t->ncols[0]; col++) {
        if (col) sb_putc(out, ',');
        sb_json_string(out, table_cell(t, 0, col));
    }
    sb_append(out, "],\"mapping\":{");
    int n = 0;
    for (int col = 0; col < t->ncols[0]; col++) {
        const field_def *f = match_header(ent, table_cell(t, 0, col));
        if (!f || !importable(c, ent, f)) continue;
        if (n++) sb_putc(out, ',');
        sb_json_string(out, table_cell(t, 0, col));
        sb_putc(out, ':');
        sb_json_string(out, f->name);
    }
    sb_append(out, "},\"rows\":[");
    for (int r = 1; r < t->nrows && r <= 20; r++) {
        sb_append(out, r > 1 ? ",[" : "[");
        for (int col = 0; col < t->ncols[0]; col++) {
            if (col) sb_putc(out, ',');
            sb_json_string(out, table_cell(t, r, col));
        }
        sb_putc(out, ']');
    }
    sb_printf(out, "],\"total\":%d,\"fields\":[", t->nrows - 1);
    n = 0;
    for (int i = 0; i < ent->nfields; i++) {
        const field_def *f = &ent->fields[i];
        if (!importable(c, ent, f)) continue;
        sb_append(out, n++ ? ",{\"name\":" : "{\"name\":");
        sb_json_string(out, f->name);
        sb_append(out, ",\"label\":");
        sb_json_string(out, en ? f->label_en : f->label_zh);
        sb_printf(out, ",\"required\":%s,\"unique\":%s}", f->required ? "true" : "false", f->unique ? "true" : "false");
    }
    sb_append(out, "]}");
    return 0;
}

/* ---- one cell into the JSON the records API takes ---- */

/* The id of the visible record of `target` whose name is `name`. */
static int64_t id_by_name(entity_ctx *c, const entity_def *target, const char *name)
{
    query q;
    query_init(&q, c->a);
    if (target) {
        query_sqlf(&q, "SELECT t.id FROM %s t WHERE t.deleted_at IS NULL AND t.%s = ", target->table,
                   target->name_field ? target->name_field : "name");
        query_bind_text(&q, name);
        query_sql(&q, " AND ");
        acl_visible_predicate(c->user, target, "t", &q);
    } else { /* users: by name or username */
        query_sql(&q, "SELECT id FROM users t WHERE t.deleted_at IS NULL AND (t.name = ");
        query_bind_text(&q, name);
        query_sql(&q, " OR t.username = ");
        query_bind_text(&q, name);
        query_sql(&q, ") AND ");
        acl_company_predicate(c->user, "t", &q);
    }
    query_sql(&q, " ORDER BY t.id LIMIT 2");
    err ignore;
    err_clear(&ignore);
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), &ignore);
    int64_t id = 0;
    if (s) {
        query_bind_all(&q, s);
        if (db_step(s) == DB_ROW) id = db_column_int64(s, 0);
        if (db_step(s) == DB_ROW) id = -1; /* ambiguous */
        db_finalize(s);
    }
    query_free(&q);
    return id;
}

/* "2026-12-03 09:00:00" (a date-time cell) into a date field: its day. */
static const char *date_of(arena *a, const char *text)
{
    size_t n = strlen(text);
    if (n > 10 && (text[10] == ' ' || text[10] == 'T') && text[4] == '-' && text[7] == '-')
        return arena_strndup(a, text, 10);
    return text;
}

static int link_error(const field_def *f, const char *reason, err *e)
{
    err_add_field(e, f->name, reason);
    return err_setf(e, 422, "validation_failed",
                    strcmp(reason, "ambiguous") == 0 ? "「%s」有多条同名记录%.0s" : "「%s」找不到对应的记录%.0s",
                    strcmp(reason, "ambiguous") == 0 ? "%.0s%s matches several records" : "%.0s%s: no such record",
                    f->label_zh, f->label_en);
}

static json_t *cell_json(entity_ctx *c, const field_def *f, const char *text, err *e)
{
    char buf[32];
    sql_value v;
    switch (f->type) {
    case FT_LINK: case FT_USER: {
        char *end;
        long long n = strtoll(text, &end, 10);
        if (*text && !*end && n > 0) return json_integer(n);
        int64_t id = id_by_name(c, f->type == FT_USER ? NULL : meta_entity(c->m, f->link_entity), text);
        if (id > 0) return json_integer(id);
        return link_error(f, id < 0 ? "ambiguous" : "not_found", e), NULL;
    }
    case FT_DATE: case FT_DATETIME:
        /* a plain number cell mapped to a date field is a serial too */
        if (table_serial_text(text, buf, sizeof buf) == 0) text = buf;
        return json_string(f->type == FT_DATE ? date_of(c->a, text) : text);
    case FT_TEXT: case FT_LONGTEXT: case FT_EMAIL: case FT_PHONE: case FT_URL:
        return json_string(text);
    default:
        break;
    }
    if (value_from_text(f, text, c->a, &v, e)) return NULL;
    switch (f->type) {
    case FT_INTEGER: return json_integer(v.i);
    case FT_BOOLEAN: return json_boolean(v.i);
    case FT_PICKLIST: return json_string(v.s);
    case FT_MULTIPICKLIST: {
        json_t *a = json_array();
        char *copy = strdup(v.s);
        for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) json_array_append_new(a, json_string(tok));
        free(copy);
        return a;
    }
    default: /* money, percent, decimal: the engine reads the cleaned text */
        return json_string(text);
    }
}

/* ---- rows ---- */

static void row_error(import_progress *pr, int row, const err *e, const char *lang)
{
    pthread_mutex_lock(&pr->lock);
    if (json_array_size(pr->errors) < IMPORT_MAX_ERRORS) {
        json_t *fields = json_object();
        for (int i = 0; i < e->nfields; i++) json_object_set_new(fields, e->fields[i].name, json_string(e->fields[i].reason));
        json_array_append_new(pr->errors, json_pack("{s:i,s:s,s:o}", "row", row, "message", e->zh[0] ? e->zh : e->code, "fields", fields));
    }
    if (pr->nfailures < IMPORT_MAX_FAILED_ROWS) { /* for the file of failed rows */
        if (pr->nfailures == pr->failures_cap) {
            pr->failures_cap = pr->failures_cap ? pr->failures_cap * 2 : 64;
            pr->failures = realloc(pr->failures, sizeof *pr->failures * pr->failures_cap);
        }
        const char *why = err_message(e, lang);
        pr->failures[pr->nfailures++] = (import_failure){row, strdup(*why ? why : e->code)};
    }
    pthread_mutex_unlock(&pr->lock);
}

/* A duplicate left alone, so the importer can see which rows they were. */
static void row_skipped(import_progress *pr, int row, const char *value, int64_t id)
{
    pthread_mutex_lock(&pr->lock);
    if (json_array_size(pr->skipped_rows) < IMPORT_MAX_ERRORS)
        json_array_append_new(pr->skipped_rows, json_pack("{s:i,s:s,s:I}", "row", row, "value", value, "id", (json_int_t)id));
    pthread_mutex_unlock(&pr->lock);
}

/* The record a row updates under the duplicate policy: the visible live
 * record whose match field equals the row's value; 0 when none. */
static int64_t existing_id(entity_ctx *c, const entity_def *ent, const field_def *match, json_t *body)
{
    json_t *v = json_object_get(body, match->name);
    if (!json_is_string(v)) return 0;
    query q;
    query_init(&q, c->a);
    query_sqlf(&q, "SELECT t.id FROM %s t WHERE t.deleted_at IS NULL AND t.%s = ", ent->table, meta_column(match));
    query_bind_text(&q, json_string_value(v));
    query_sql(&q, " AND ");
    acl_visible_predicate(c->user, ent, "t", &q);
    query_sql(&q, " ORDER BY t.id LIMIT 1");
    err ignore;
    err_clear(&ignore);
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), &ignore);
    int64_t id = 0;
    if (s) {
        query_bind_all(&q, s);
        if (db_step(s) == DB_ROW) id = db_column_int64(s, 0);
        db_finalize(s);
    }
    query_free(&q);
    return id;
}

typedef enum { ROW_CREATED, ROW_UPDATED, ROW_SKIPPED, ROW_FAILED } row_result;

/* *duplicate_of: the record a skipped duplicate row matched. */
static row_result import_row(entity_ctx *c, const entity_def *ent, const data_table *t, int r,
                             const import_options *o, const field_def **cols, int64_t *duplicate_of, err *e)
{
    json_t *body = json_object();
    int bad = 0;
    for (int col = 0; col < o->ncols; col++) {
        if (!cols[col]) continue;
        const char *text = table_cell(t, r, col);
        if (!*text) continue; /* empty cells leave fields as they are (or default) */
        json_t *v = cell_json(c, cols[col], text, e);
        if (v) json_object_set_new(body, cols[col]->name, v);
        else bad = 1;
    }
    row_result res = ROW_FAILED;
    if (!bad && json_object_size(body) == 0) res = ROW_SKIPPED; /* a blank line */
    else if (!bad) {
        int64_t id = o->duplicates != IMPORT_CREATE && o->match ? existing_id(c, ent, o->match, body) : 0, new_id = 0;
        if (id && o->duplicates == IMPORT_SKIP) res = ROW_SKIPPED, *duplicate_of = id;
        else if (id) res = entity_update(c, ent, id, body, 0, e) ? ROW_FAILED : ROW_UPDATED;
        else {
            if (o->set_owner && !json_object_get(body, "owner_id")) /* the row's own owner column wins */
                json_object_set_new(body, "owner_id", o->owner_id ? json_integer(o->owner_id) : json_null());
            res = entity_create(c, ent, body, &new_id, e) ? ROW_FAILED : ROW_CREATED;
        }
    }
    json_decref(body);
    return res;
}

/* The owner chosen for the rows: the same rule as giving a record away
 * (acl_can_assign, to oneself or one's subordinates; the pool for those
 * who may assign), checked once before the first row. */
static int check_owner(entity_ctx *c, const entity_def *ent, const import_options *o, err *e)
{
    if (!o->set_owner) return 0;
    if (!meta_field(ent, "owner_id") || !acl_can_assign(c->user, ent)) {
        err_add_field(e, "owner", "not_allowed");
        return err_setf(e, 422, "validation_failed", "不能为导入的「%s」指定负责人%.0s",
                        "%.0sYou cannot choose the owner of imported %s", ent->label_zh, ent->label_en);
    }
    if (o->owner_id && !acl_can_assign_to(c->user, ent, o->owner_id)) {
        err_add_field(e, "owner", "not_allowed");
        return err_set(e, 422, "validation_failed", "只能把记录分配给自己或下级",
                       "Records can only be given to yourself or the people below you");
    }
    return 0;
}

/* The field of each mapped column, checked: importable, mapped once. */
static int resolve_columns(entity_ctx *c, const entity_def *ent, const import_options *o,
                           const field_def **cols, err *e)
{
    if (!acl_can(c->user, ent, ACL_IMPORT))
        return err_setf(e, 403, "forbidden", "没有导入「%s」的权限%.0s", "%.0sNo permission to import %s",
                        ent->label_zh, ent->label_en);
    if (ent->immutable && o->match && o->duplicates == IMPORT_UPDATE) return ledger_refuse(ent, e);
    int mapped = 0;
    for (int col = 0; col < o->ncols; col++) {
        cols[col] = NULL;
        if (!o->fields[col]) continue;
        const field_def *f = meta_field(ent, o->fields[col]);
        if (!f || !importable(c, ent, f)) {
            err_add_field(e, o->fields[col], "not_importable");
            return err_setf(e, 422, "validation_failed", "字段「%.64s」不存在或不能导入", "Field \"%.64s\" does not exist or cannot be imported",
                            o->fields[col]);
        }
        for (int k = 0; k < col; k++)
            if (cols[k] == f) {
                err_add_field(e, f->name, "duplicate");
                return err_setf(e, 422, "validation_failed", "字段「%s」被映射了两次%.0s", "%.0sField %s is mapped twice",
                                f->label_zh, f->label_en);
            }
        cols[col] = f;
        mapped++;
    }
    if (!mapped) {
        err_add_field(e, "mapping", "required");
        return err_set(e, 422, "validation_failed", "请至少为一列选择对应的字段", "Map at least one column to a field");
    }
    return check_owner(c, ent, o, e);
}

int entity_import_check(entity_ctx *c, const entity_def *ent, const import_options *o, err *e)
{
    const field_def **cols = arena_alloc(c->a, sizeof *cols * (size_t)(o->ncols + 1));
    return resolve_columns(c, ent, o, cols, e);
}

/* The column that holds the match field (for naming a skipped duplicate). */
static int match_column(const import_options *o, const field_def **cols)
{
    for (int col = 0; col < o->ncols; col++)
        if (cols[col] == o->match) return col;
    return 0;
}

static int is_power_of_ten(int n)
{
    while (n >= 10 && n % 10 == 0) n /= 10;
    return n == 1;
}

int entity_import(entity_ctx *c, const entity_def *ent, const data_table *t, const import_options *o,
                  import_progress *pr, err *e)
{
    const field_def **cols = arena_alloc(c->a, sizeof *cols * (size_t)(o->ncols + 1));
    if (resolve_columns(c, ent, o, cols, e)) return -1;
    atomic_store(&pr->total, t->nrows - 1);
    if (db_begin(c->db, e)) return -1;
    int rc = 0, in_batch = 0;
    for (int r = 1; r < t->nrows && !rc; r++) {
        err row_e;
        err_clear(&row_e);
        if (db_savepoint(c->db, e)) { /* a bad row fails alone */
            rc = -1;
            break;
        }
        /* Each row in its own arena: 100k rows must not grow one. */
        arena *keep = c->a, *row_arena = arena_new();
        c->a = row_arena;
        int64_t duplicate_of = 0;
        row_result res = import_row(c, ent, t, r, o, cols, &duplicate_of, &row_e);
        c->a = keep;
        if (res == ROW_FAILED) {
            db_rollback(c->db); /* this row's savepoint only */
            row_error(pr, r + 1, &row_e, c->lang); /* spreadsheet row number, header = 1 */
            atomic_fetch_add(&pr->failed, 1);
        } else {
            if (duplicate_of) row_skipped(pr, r + 1, table_cell(t, r, match_column(o, cols)), duplicate_of);
            atomic_fetch_add(res == ROW_CREATED ? &pr->created : res == ROW_UPDATED ? &pr->updated : &pr->skipped, 1);
            rc = db_commit(c->db, e);
        }
        arena_free(row_arena);
        atomic_fetch_add(&pr->processed, 1);
        if (!rc && !o->all_or_nothing && ++in_batch == IMPORT_BATCH) {
            in_batch = 0;
            rc = db_commit(c->db, e) || db_begin(c->db, e);
        }
        /* the planner learns the table grew (at 1,000 rows, then 10,000 ...) */
        if (!rc && is_power_of_ten(r) && r >= 1000) rc = db_refresh_statistics(c->db, ent->table, e);
    }
    if (rc || (o->all_or_nothing && atomic_load(&pr->failed))) {
        db_rollback(c->db);
        if (!rc) { /* all or nothing: the good rows are not stored either */
            atomic_store(&pr->created, 0);
            atomic_store(&pr->updated, 0);
        }
    } else if (db_commit(c->db, e)) {
        db_rollback(c->db);
        rc = -1;
    }
    err ignore; /* outside the transaction: only out of memory could fail it */
    err_clear(&ignore);
    entity_totals_changed(c->db, ent, &ignore);
    return rc;
}
