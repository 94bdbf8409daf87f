/* entity_lines.c - owned lines (docs/engine.md, "Owned lines"). A relation
 * declared "owned" in metadata (quotes.lines -> quote_lines.quote_id) makes
 * the other entity part of this one: its records are read with the parent
 * (GET returns "lines":[...] ordered by position) and written with it, in
 * the parent's transaction, under the parent's rights and version. Each
 * line still goes through the engine's own create/update (types, required,
 * links, hooks), with c->as_line set so the line's own rights and history
 * are skipped; this file turns the array into those calls, names a bad
 * line's fields "lines[i].field", removes the lines left out, and writes
 * one readable history entry per changed line on the parent.
 *
 * Lines are never in the recycle bin themselves: a removed line is
 * deleted, and a deleted parent keeps its lines (hidden with it, back with
 * it on restore). */
#include "entity_lines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "../util/clock.h"
#include "entity_computed.h"
#include "entity_state.h"

const relation_def *entity_lines_relation(const entity_def *ent)
{
    for (int i = 0; i < ent->nrelations; i++)
        if (ent->relations[i].owned) return &ent->relations[i];
    return NULL;
}

json_t *entity_lines_split(const entity_def *ent, json_t *body, json_t **lines)
{
    json_t *own = NULL;
    *lines = NULL;
    for (int i = 0; json_is_object(body) && i < ent->nrelations; i++) {
        const relation_def *r = &ent->relations[i];
        json_t *v = r->owned ? json_object_get(body, r->name) : NULL;
        if (!v) continue;
        if (!own) {
            own = json_copy(body);
            *lines = json_object();
        }
        json_object_set(*lines, r->name, v);
        json_object_del(own, r->name);
    }
    return own ? own : json_incref(body);
}

/* The lines of one parent as a JSON array text, in position order. Only
 * field access applies: the caller has already reached the parent. */
static int lines_json(entity_ctx *c, const relation_def *r, const entity_def *le, int64_t parent, strbuf *out,
                      err *e)
{
    select_plan plan;
    select_plan_build(c, le, &plan);
    strbuf sql = STRBUF_INIT;
    sb_printf(&sql, "SELECT %s FROM %s t%s WHERE t.%s = ? AND t.deleted_at IS NULL ORDER BY t.%s, t.id",
              sb_str(&plan.columns), le->table, sb_str(&plan.joins), r->field, r->position);
    db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
    sb_free(&sql);
    int rc = -1;
    if (s) {
        db_bind_int64(s, 1, parent);
        sb_putc(out, '[');
        int n = 0, step;
        while ((step = db_step(s)) == DB_ROW) {
            if (n++) sb_putc(out, ',');
            select_row_json(&plan, s, out);
        }
        sb_putc(out, ']');
        db_finalize(s);
        rc = step < 0 ? err_set(e, 500, "db_error", "读取明细失败", "Cannot read the lines") : 0;
    }
    select_plan_free(&plan);
    return rc;
}

static json_t *lines_array(entity_ctx *c, const relation_def *r, const entity_def *le, int64_t parent, err *e)
{
    strbuf sb = STRBUF_INIT;
    json_t *a = lines_json(c, r, le, parent, &sb, e) == 0 ? json_loads(sb_str(&sb), 0, NULL) : NULL;
    sb_free(&sb);
    if (!a && !e->status) err_set(e, 500, "db_error", "读取明细失败", "Cannot read the lines");
    return a;
}

int entity_lines_append(entity_ctx *c, const entity_def *ent, int64_t id, strbuf *out, err *e)
{
    for (int i = 0; i < ent->nrelations; i++) {
        const relation_def *r = &ent->relations[i];
        const entity_def *le = r->owned ? meta_entity(c->m, r->entity) : NULL;
        if (!le || !out->len || out->data[out->len - 1] != '}') continue;
        out->len--; /* reopen the record's object */
        sb_putc(out, ',');
        sb_json_string(out, r->name);
        sb_putc(out, ':');
        if (lines_json(c, r, le, id, out, e)) return -1;
        sb_putc(out, '}');
    }
    return 0;
}

/* ---- history ---- */

static int64_t line_id(json_t *line)
{
    return json_integer_value(json_object_get(line, "id"));
}

static json_t *find_line(json_t *lines, int64_t id)
{
    size_t i;
    json_t *l;
    json_array_foreach(lines, i, l) if (line_id(l) == id) return l;
    return NULL;
}

/* Equal as values: 2 and 2.00 are the same quantity. */
static int same_value(json_t *a, json_t *b)
{
    if (json_is_number(a) && json_is_number(b)) return json_number_value(a) == json_number_value(b);
    if (!a || json_is_null(a)) return !b || json_is_null(b);
    return json_equal(a, b);
}

/* The fields a person reads in a line's history: not the stamps, the
 * parent link or the position (said as 第N行). */
static int described(const relation_def *r, const field_def *f)
{
    return !f->system && strcmp(f->name, r->field) != 0 && strcmp(f->name, r->position) != 0;
}

/* A field's value as history keeps it: the linked record's name for a
 * link, numbers as written, null for empty. */
static json_t *value_text(const field_def *f, json_t *line)
{
    json_t *v = f->companion ? json_object_get(line, f->companion) : NULL;
    if (!v || json_is_null(v)) v = json_object_get(line, f->name);
    if (!v || json_is_null(v)) return json_null();
    if (json_is_string(v)) return json_string(json_string_value(v));
    char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
    json_t *text = json_string(t ? t : "");
    free(t);
    return text;
}

/* A line in the history, as JSON text {"#": position, field: text, ...}:
 * every described field that is set, or, with `other`, only those that
 * differ from it (the first set field when none does: a line that only
 * moved). Kept as data so that entity_lines_history_text renders it in
 * the reader's language without the fields hidden from the reader. */
static char *describe(arena *a, const entity_def *le, const relation_def *r, json_t *line, json_t *other)
{
    json_t *d = json_object();
    json_object_set(d, "#", json_object_get(line, r->position));
    int n = 0;
    for (int i = 0; i < le->nfields; i++) {
        const field_def *f = &le->fields[i];
        json_t *v = json_object_get(line, f->name);
        if (!described(r, f) || (other ? same_value(v, json_object_get(other, f->name)) : !v || json_is_null(v)))
            continue;
        json_object_set_new(d, f->name, value_text(f, line));
        n++;
    }
    for (int i = 0; i < le->nfields && !n; i++) { /* only moved: say which line */
        const field_def *f = &le->fields[i];
        json_t *v = json_object_get(line, f->name);
        if (!described(r, f) || !v || json_is_null(v)) continue;
        json_object_set_new(d, f->name, value_text(f, line));
        n++;
    }
    char *t = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char *text = arena_strdup(a, t ? t : "{}");
    free(t);
    json_decref(d);
    return text;
}

const char *entity_lines_history_text(entity_ctx *c, const entity_def *ent, const char *action, const char *field,
                                      const char *stored)
{
    if (!stored || !action || strcmp(action, "line") != 0 || stored[0] != '{') return stored;
    const relation_def *r = NULL;
    for (int i = 0; field && i < ent->nrelations && !r; i++)
        if (ent->relations[i].owned && strcmp(ent->relations[i].name, field) == 0) r = &ent->relations[i];
    const entity_def *le = r ? meta_entity(c->m, r->entity) : NULL;
    json_t *d = le ? json_loads(stored, 0, NULL) : NULL;
    if (!d) return stored;
    int en = strcmp(c->lang, "en") == 0;
    strbuf sb = STRBUF_INIT;
    sb_printf(&sb, en ? "Line %lld" : "第%lld行", (long long)json_integer_value(json_object_get(d, "#")));
    int n = 0;
    const char *key;
    json_t *v;
    json_object_foreach(d, key, v) {
        const field_def *f = meta_field(le, key);
        if (!f || acl_field_access(c->user, le, f) == 0) continue; /* hidden from this reader */
        sb_append(&sb, n++ ? (en ? "; " : "；") : (en ? ": " : "："));
        sb_printf(&sb, "%s=%s", en ? f->label_en : f->label_zh,
                  json_is_string(v) ? json_string_value(v) : (en ? "(empty)" : "空"));
    }
    const char *text = arena_strdup(c->a, sb_str(&sb));
    sb_free(&sb);
    json_decref(d);
    return text;
}

static int line_changed(const entity_def *le, const relation_def *r, json_t *before, json_t *after)
{
    if (!same_value(json_object_get(before, r->position), json_object_get(after, r->position))) return 1;
    for (int i = 0; i < le->nfields; i++)
        if (described(r, &le->fields[i]) &&
            !same_value(json_object_get(before, le->fields[i].name), json_object_get(after, le->fields[i].name)))
            return 1;
    return 0;
}

/* One history entry on the parent per added, changed or removed line. */
static int log_changes(entity_ctx *c, const entity_def *ent, const relation_def *r, const entity_def *le,
                       int64_t id, json_t *before, json_t *after, err *e)
{
    size_t i;
    json_t *l;
    json_array_foreach(before, i, l) {
        json_t *now = find_line(after, line_id(l));
        if (now && !line_changed(le, r, l, now)) continue;
        if (entity_log(c, ent, id, "line", r->name, describe(c->a, le, r, l, now),
                       now ? describe(c->a, le, r, now, l) : NULL, e))
            return -1;
    }
    json_array_foreach(after, i, l)
        if (!find_line(before, line_id(l)) && entity_log(c, ent, id, "line", r->name, NULL, describe(c->a, le, r, l, NULL), e))
            return -1;
    return 0;
}

/* ---- writing ---- */

/* A line whose given fields all hold their stored values is not written
 * (a form sends every line back on each save). */
static int unchanged(json_t *body, json_t *stored)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) if (!same_value(v, json_object_get(stored, key))) return 0;
    return 1;
}

/* How a bad line is named in an error: "lines[3]" in the array form;
 * "lines.add[0]" for the first line added by the delta form, whose merged
 * array starts with the lines kept (they are base in number). */
typedef struct {
    const char *name;
    size_t base;
} line_naming;

/* The index the client gave the line at i of the merged array. */
static size_t line_index(const line_naming *nm, size_t i)
{
    return i >= nm->base ? i - nm->base : i;
}

static void line_name(char *buf, size_t size, const line_naming *nm, size_t i, const char *field)
{
    snprintf(buf, size, "%s[%zu]%s%s", nm->name, line_index(nm, i), field ? "." : "", field ? field : "");
}

/* Moves a line's field errors into e as "lines[i].field". */
static void add_line_errors(err *e, const line_naming *nm, size_t i, const err *le)
{
    char name[sizeof e->fields[0].name];
    for (int k = 0; k < le->nfields; k++) {
        line_name(name, sizeof name, nm, i, le->fields[k].name); /* a longer name is cut to what an error holds */
        err_add_field(e, name, le->fields[k].reason);
    }
    if (!le->nfields) {
        line_name(name, sizeof name, nm, i, NULL);
        err_add_field(e, name, "invalid");
    }
}

static int refuse_line(err *e, const line_naming *nm, size_t i, const char *field, const char *reason,
                       const char *zh, const char *en)
{
    char name[sizeof e->fields[0].name];
    line_name(name, sizeof name, nm, i, field);
    err_add_field(e, name, reason);
    return err_setf(e, 422, "validation_failed", "第 %zu 行：%s%.0s", "Line %zu: %.0s%s", line_index(nm, i) + 1, zh,
                    en);
}

/* The id a line names: 0 for a new line, -1 (e filled) for one that is not
 * a line of this parent or is named twice. */
static int64_t named_line(json_t *line, json_t *before, int64_t *seen, size_t nseen, const line_naming *nm,
                          size_t i, err *e)
{
    json_t *jid = json_object_get(line, "id");
    if (!jid || json_is_null(jid)) return 0;
    int64_t lid = json_is_integer(jid) ? json_integer_value(jid) : -1;
    if (lid <= 0 || !find_line(before, lid))
        return refuse_line(e, nm, i, "id", "not_found", "这一行不属于本单据", "this line does not belong to this record");
    for (size_t k = 0; k < nseen; k++)
        if (seen[k] == lid) return refuse_line(e, nm, i, "id", "duplicate", "同一行出现了两次", "the line is given twice");
    return lid;
}

/* One line through the engine: update (lid) or create. *failed counts the
 * lines refused for their content; any other failure ends the write. */
static int write_line(entity_ctx *lc, const relation_def *r, const line_naming *nm, const entity_def *le,
                      int64_t parent, json_t *line, int64_t lid, json_t *stored, size_t i, int *failed, err *e)
{
    json_t *body = json_copy(line);
    json_object_del(body, "id");
    json_object_set_new(body, r->position, json_integer((json_int_t)i + 1));
    err le_err;
    err_clear(&le_err);
    int rc = 0;
    if ((!lid || !unchanged(body, stored)) && entity_lines_locked(lc, le->owner, parent, r, e)) {
        json_decref(body);
        return -1;
    }
    if (lid) {
        if (!unchanged(body, stored)) rc = entity_line_update(lc, le, lid, body, 0, &le_err);
    } else {
        int64_t new_id;
        json_object_set_new(body, r->field, json_integer(parent));
        rc = entity_line_create(lc, le, body, &new_id, &le_err);
    }
    json_decref(body);
    if (rc == 0) return 0;
    if (le_err.status != 422) {
        *e = le_err;
        return -1;
    }
    add_line_errors(e, nm, i, &le_err);
    if (!(*failed)++) {
        err_setf(e, 422, "validation_failed", "第 %zu 行：%s%.0s", "Line %zu: %.0s%s", line_index(nm, i) + 1, le_err.zh,
                 le_err.en);
    } else {
        err_setf(e, 422, "validation_failed", "有 %d 行明细填写有误，请检查后重试",
                 "%d lines are invalid; please check them", *failed);
    }
    return 0;
}

static int delete_line(entity_ctx *c, const entity_def *le, int64_t lid, err *e)
{
    char sql[160];
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id = ?", le->table);
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    db_bind_int64(s, 1, lid);
    int rc = db_step(s);
    db_finalize(s);
    return rc < 0 ? err_set(e, 500, "db_error", "删除明细失败", "Cannot remove a line") : 0;
}

/* The array form: every line in order; an id keeps and updates a line,
 * none adds one, a line left out goes. */
static int write_lines(entity_ctx *c, const entity_def *ent, const relation_def *r, const entity_def *le,
                       const line_naming *nm, int64_t id, json_t *v, json_t *before, err *e)
{
    size_t n = json_array_size(v);
    if (n > LINES_MAX) {
        err_add_field(e, r->name, "too_many");
        return err_setf(e, 413, "too_many_lines", "「%s」%.0s最多 %d 行，本次提交了 %zu 行，请拆分单据",
                        "%.0s%s may have at most %d lines; %zu were sent. Split the document", r->label_zh, r->label_en,
                        LINES_MAX, n);
    }
    entity_ctx lc = *c;
    lc.as_line = 1;
    int64_t *seen = arena_alloc(c->a, sizeof *seen * (n + 1));
    size_t nseen = 0;
    int failed = 0, rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *line = json_array_get(v, i);
        if (!json_is_object(line)) {
            refuse_line(e, nm, i, NULL, "invalid_type", "每一行必须是对象", "each line must be an object");
            failed++;
            continue;
        }
        int64_t lid = named_line(line, before, seen, nseen, nm, i, e);
        if (lid < 0) {
            failed++;
            continue;
        }
        if (lid) seen[nseen++] = lid;
        rc = write_line(&lc, r, nm, le, id, line, lid, lid ? find_line(before, lid) : NULL, i, &failed, e);
    }
    if (rc == 0 && failed) rc = -1;
    size_t k;
    json_t *old;
    json_array_foreach(before, k, old) {
        int kept = 0;
        for (size_t j = 0; j < nseen && !kept; j++) kept = seen[j] == line_id(old);
        if (rc == 0 && !kept) rc = entity_lines_locked(c, ent, id, r, e) || delete_line(c, le, line_id(old), e);
    }
    /* the document's totals, once for all its lines */
    if (rc == 0) rc = computed_refresh(c, ent, id, e);
    json_t *after = rc == 0 ? lines_array(c, r, le, id, e) : NULL;
    if (rc == 0) rc = after ? log_changes(c, ent, r, le, id, before, after, e) : -1;
    json_decref(after);
    if (rc == 0) rc = entity_totals_changed(c->db, le, e);
    return rc;
}

static int refuse_delta(err *e, const relation_def *r, const char *part, const char *reason, const char *zh,
                        const char *en)
{
    char name[sizeof e->fields[0].name];
    snprintf(name, sizeof name, "%s.%s", r->name, part);
    err_add_field(e, name, reason);
    return err_setf(e, 422, "validation_failed", "「%s」%.0s%s%.0s", "%.0s%s%.0s%s", r->label_zh, r->label_en, zh,
                    en);
}

static int removed(json_t *remove, int64_t id)
{
    size_t k;
    json_t *v;
    json_array_foreach(remove, k, v) if (json_integer_value(v) == id) return 1;
    return 0;
}

/* The delta form {"add": [...], "remove": [ids]} as the array form's full
 * list: the lines there, in order, less the removed ones, then the added
 * ones. Adding needs no read of the lines there, so two writers adding at
 * once (an inbound mail reply and an agent's note) both land. NULL with e
 * filled when the delta is malformed. */
static json_t *delta_lines(entity_ctx *c, const relation_def *r, json_t *before, json_t *delta, line_naming *nm,
                           err *e)
{
    const char *key;
    json_t *v, *add = json_object_get(delta, "add"), *remove = json_object_get(delta, "remove");
    json_object_foreach(delta, key, v) if (strcmp(key, "add") && strcmp(key, "remove"))
        refuse_delta(e, r, key, "unknown_field", "只能包含 add 和 remove", " may hold only add and remove");
    if (add && !json_is_array(add)) refuse_delta(e, r, "add", "invalid_type", "的 add 必须是数组", ".add must be an array");
    if (remove && !json_is_array(remove))
        refuse_delta(e, r, "remove", "invalid_type", "的 remove 必须是数组", ".remove must be an array");
    if (e->nfields) return NULL;
    size_t k;
    json_array_foreach(remove, k, v) {
        if (json_is_integer(v) && find_line(before, json_integer_value(v))) continue;
        char part[48];
        snprintf(part, sizeof part, "remove[%zu]", k);
        refuse_delta(e, r, part, "not_found", "要删除的行不属于本单据", ": a line to remove is not one of this record's");
    }
    json_array_foreach(add, k, v) {
        if (!json_is_object(v) || !json_object_get(v, "id")) continue;
        char part[48];
        snprintf(part, sizeof part, "add[%zu].id", k);
        refuse_delta(e, r, part, "not_allowed", "新增的行不带 id", ": an added line has no id");
    }
    if (e->nfields) return NULL;
    json_t *all = json_array();
    json_array_foreach(before, k, v) if (!removed(remove, line_id(v)))
        json_array_append_new(all, json_pack("{s:I}", "id", (json_int_t)line_id(v)));
    nm->base = json_array_size(all);
    nm->name = arena_printf(c->a, "%s.add", r->name);
    json_array_foreach(add, k, v) json_array_append(all, v);
    return all;
}

static int write_relation(entity_ctx *c, const entity_def *ent, const relation_def *r, int64_t id, json_t *v,
                          err *e)
{
    const entity_def *le = meta_entity(c->m, r->entity);
    if (!le) return err_set(e, 500, "bad_metadata", "明细实体不存在", "The lines' entity is missing");
    if (!json_is_array(v) && !json_is_object(v)) {
        err_add_field(e, r->name, "invalid_type");
        return err_setf(e, 422, "validation_failed", "「%s」必须是数组（全部明细）或 {add, remove}%.0s",
                        "%.0s%s must be an array (every line) or {add, remove}", r->label_zh, r->label_en);
    }
    json_t *before = lines_array(c, r, le, id, e);
    if (!before) return -1;
    line_naming nm = {r->name, 0};
    json_t *merged = json_is_object(v) ? delta_lines(c, r, before, v, &nm, e) : NULL;
    if (json_is_object(v) && !merged) return json_decref(before), -1;
    if (merged) v = merged;
    int rc = write_lines(c, ent, r, le, &nm, id, v, before, e);
    json_decref(merged);
    json_decref(before);
    return rc;
}

int entity_lines_write(entity_ctx *c, const entity_def *ent, int64_t id, json_t *lines, err *e)
{
    for (int i = 0; i < ent->nrelations; i++) {
        const relation_def *r = &ent->relations[i];
        json_t *v = r->owned ? json_object_get(lines, r->name) : NULL;
        if (v && write_relation(c, ent, r, id, v, e)) return -1;
    }
    return 0;
}

/* ---- merge ---- */

static int64_t max_position(entity_ctx *c, const relation_def *r, const entity_def *le, int64_t parent, err *e)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COALESCE(MAX(%s), 0) FROM %s WHERE %s = ? AND deleted_at IS NULL",
             r->position, le->table, r->field);
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)parent);
    const char *params[] = {idtext};
    int64_t n = 0;
    return db_query_int64(c->db, sql, &n, e, 1, params) < 0 ? -1 : n;
}

/* Moves one source's lines to the end of the target's. */
static int move_lines(entity_ctx *c, const relation_def *r, const entity_def *le, int64_t target, int64_t source,
                      int64_t offset, err *e)
{
    char sql[256];
    snprintf(sql, sizeof sql, "UPDATE %s SET %s = ?, %s = %s + ?, version = version + 1 WHERE %s = ? AND deleted_at IS NULL",
             le->table, r->field, r->position, r->position, r->field);
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    db_bind_int64(s, 1, target);
    db_bind_int64(s, 2, offset);
    db_bind_int64(s, 3, source);
    int rc = db_step(s);
    int64_t moved = rc < 0 ? 0 : db_changes(s);
    db_finalize(s);
    if (rc < 0) return err_set(e, 500, "db_error", "转移明细失败", "Cannot move the lines");
    return (int)(moved > 0x7fffffff ? 0x7fffffff : moved);
}

int entity_lines_merge(entity_ctx *c, const entity_def *ent, int64_t target, const int64_t *ids, int n, err *e)
{
    for (int i = 0; i < ent->nrelations; i++) {
        const relation_def *r = &ent->relations[i];
        const entity_def *le = r->owned ? meta_entity(c->m, r->entity) : NULL;
        if (!le) continue;
        int64_t offset = max_position(c, r, le, target, e);
        for (int k = 0; k < n && offset >= 0; k++) {
            int64_t last = max_position(c, r, le, ids[k], e);
            int moved = last < 0 ? -1 : move_lines(c, r, le, target, ids[k], offset, e);
            if (moved < 0) return -1;
            if (moved && entity_log(c, ent, target, "line", r->name, NULL,
                                    arena_printf(c->a, "合并：来自记录 %lld 的 %d 行", (long long)ids[k], moved), e))
                return -1;
            offset += last;
        }
        if (offset < 0 || entity_totals_changed(c->db, le, e)) return -1;
    }
    return 0;
}
