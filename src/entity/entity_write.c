/* entity_write.c - changing records. Every write runs in one transaction
 * that validates the whole body first (all field errors at once), checks the
 * linked records the user points at, enforces uniqueness among live rows,
 * assigns auto-numbers, writes the row and its field-level history, and
 * commits - or changes nothing. Versions give optimistic concurrency: a
 * write that names a stale version answers 409 and the current record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "../util/clock.h"
#include "../util/grams.h"
#include "../util/pinyin.h"
#include "entity_computed.h"
#include "entity_schema.h"
#include "entity.h"
#include "entity_lines.h"
#include "filter.h"
#include "hooks.h"
#include "entity_tree.h"
#include "attachments.h"
#include "ledger.h"
#include "entity_state.h"
#include "total_cache.h"
#include "value.h"

/* The acting user as a stamp: the server's own set-up writes (user 0) are
 * stamped by nobody. */
static void bind_actor(query *q, const entity_ctx *c)
{
    if (c->user->id) query_bind_int(q, c->user->id);
    else query_bind_null(q);
}

/* System entities (users, roles, profiles, departments) are the access
 * rules: a change to them is announced to other processes inside the
 * transaction, and reloaded here after the commit. */
static int note_rules_change(entity_ctx *c, const entity_def *ent, err *e)
{
    return ent->is_system ? acl_bump_version(c->db, e) : 0;
}

static void invalidate_totals(db_conn *db, void *entity)
{
    const entity_def *ent = entity;
    total_cache_invalidate(ent->name);
    entity_changes_bump(db, ent); /* and other processes' (PostgreSQL) */
}

static void reload_rules(db_conn *db, void *unused)
{
    (void)unused;
    err ignore;
    err_clear(&ignore);
    acl_reload(db, &ignore);
}

/* Every write registers what must be refreshed once its transaction
 * commits, whoever opened it: the cached totals of the entity (dropped
 * inside the transaction too, but a reader in between could have cached
 * the old count under the new generation) and the access rules when a
 * system entity changed. Registering twice runs once. */
int entity_totals_changed(db_conn *db, const entity_def *ent, err *e)
{
    total_cache_invalidate(ent->name);
    return db_on_commit(db, invalidate_totals, (void *)ent, e);
}

static int on_commit_refresh(entity_ctx *c, const entity_def *ent, err *e)
{
    if (entity_totals_changed(c->db, ent, e)) return -1;
    return ent->is_system ? db_on_commit(c->db, reload_rules, NULL, e) : 0;
}

/* One unit of work: a write is its own transaction, or a level of the
 * caller's when one is open; rc is the body's result. */
static int end_write(entity_ctx *c, int rc, err *e)
{
    if (rc) {
        db_rollback(c->db);
        return -1;
    }
    return db_commit(c->db, e);
}

typedef struct change_set {
    sql_value *vals;  /* by field index */
    char *present;    /* 1 where the body (or a default) sets the field */
} change_set;

static int is_int_stored(const field_def *f)
{
    switch (f->type) {
    case FT_INTEGER: case FT_DECIMAL: case FT_MONEY: case FT_PERCENT: case FT_LINK:
    case FT_USER: case FT_ID: case FT_BOOLEAN: case FT_IMAGE: return 1;
    default: return 0;
    }
}

/* The text kept in history for a stored value: exact decimals, raw codes. */
static const char *history_text(arena *a, const field_def *f, const sql_value *v)
{
    if (v->kind == SV_NULL) return NULL;
    if (v->kind == SV_TEXT) return v->s;
    if (field_is_scaled(f)) {
        strbuf sb = STRBUF_INIT;
        decimal_format(v->i, f->scale, &sb);
        char *s = arena_strdup(a, sb_str(&sb));
        sb_free(&sb);
        return s;
    }
    if (f->type == FT_BOOLEAN) return v->i ? "true" : "false";
    return arena_printf(a, "%lld", (long long)v->i);
}

static int values_equal(const sql_value *x, const sql_value *y)
{
    if (x->kind != y->kind) return 0;
    if (x->kind == SV_INT) return x->i == y->i;
    if (x->kind == SV_TEXT) return strcmp(x->s, y->s) == 0;
    return 1;
}

static void set_validation_message(err *e, const entity_def *ent)
{
    if (e->nfields <= 1 && e->zh[0]) return; /* the one field's own message says it best */
    err_setf(e, 422, "validation_failed", "有 %d 个字段填写有误，请检查后重试",
             "%d fields are invalid; please check them", e->nfields);
    (void)ent;
}

/* Reads the body into a change set. Unknown fields, server-owned fields and
 * values of the wrong form are all reported together. */
static int parse_body(entity_ctx *c, const entity_def *ent, json_t *body, int creating,
                      change_set *cs, err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (strcmp(key, "version") == 0 && !creating) continue; /* concurrency token */
        const field_def *f = meta_field(ent, key);
        int idx = f ? (int)(f - ent->fields) : -1;
        int access = f ? acl_field_access(c->user, ent, f) : 0;
        if (!f || access == 0) {
            err_add_field(e, key, "unknown");
            err_setf(e, 422, "validation_failed", "未知字段「%.64s」", "Unknown field \"%.64s\"", key);
            continue;
        }
        if (f->computed) { /* the engine keeps it (entity_computed.h), even for a trusted caller */
            err_add_field(e, key, "computed");
            err_setf(e, 422, "validation_failed", "「%s」由系统计算，不能填写%.0s", "%.0s%s is computed and cannot be written",
                     f->label_zh, f->label_en);
            continue;
        }
        if (strcmp(key, "owner_id") == 0 && acl_can_assign(c->user, ent)) access = 2;
        else if (strcmp(key, "owner_id") == 0) access = 1;
        if (acl_field_restricted(c->user, ent, f) && !c->trusted) {
            err_add_field(e, key, "read_only");
            return err_setf(e, 403, "forbidden", "没有修改「%s」的权限%.0s", "%.0sNo permission to change %s",
                            f->label_zh, f->label_en);
        }
        if ((access < 2 || f->readonly) && !(c->trusted && !f->system && access > 0)) {
            err_add_field(e, key, "read_only");
            err_setf(e, 422, "validation_failed", "「%s」不能修改%.0s", "%.0s%s cannot be changed",
                     f->label_zh, f->label_en);
            continue;
        }
        if (value_from_json(f, v, c->a, &cs->vals[idx], e) != 0) continue;
        if (strcmp(key, "owner_id") == 0 && cs->vals[idx].kind == SV_INT &&
            !acl_can_assign_to(c->user, ent, cs->vals[idx].i)) {
            err_add_field(e, key, "not_allowed");
            err_set(e, 422, "validation_failed", "只能把记录分配给自己或下级",
                    "Records can only be given to yourself or the people below you");
            continue;
        }
        cs->present[idx] = 1;
    }
    return e->nfields ? -1 : 0;
}

/* A field's default as JSON; "today" on a date is the day of the write in
 * Beijing (the form shows the same: utils/fields.js fieldDefault). */
static json_t *default_of(const field_def *f)
{
    if (f->type == FT_DATE && strcmp(f->default_value, "\"today\"") == 0) {
        char day[DAY_LEN];
        china_today(day);
        return json_string(day);
    }
    return json_loads(f->default_value, JSON_DECODE_ANY, NULL);
}

static void apply_defaults(entity_ctx *c, const entity_def *ent, change_set *cs)
{
    for (int i = 0; i < ent->nfields; i++) {
        const field_def *f = &ent->fields[i];
        if (cs->present[i] || !f->default_value || f->system) continue;
        json_t *d = default_of(f);
        err ignore;
        err_clear(&ignore);
        if (d && value_from_json(f, d, c->a, &cs->vals[i], &ignore) == 0) cs->present[i] = 1;
        json_decref(d);
    }
}

/* A client may not choose a value only the server sets (field_def). */
static int check_server_values(entity_ctx *c, const entity_def *ent, const change_set *cs, err *e)
{
    for (int i = 0; i < ent->nfields && !c->trusted; i++) {
        const field_def *f = &ent->fields[i];
        if (!cs->present[i] || cs->vals[i].kind != SV_TEXT) continue;
        for (int k = 0; k < f->nserver_values; k++)
            if (strcmp(cs->vals[i].s, f->server_values[k]) == 0) {
                const picklist_option *o = meta_option(f, f->server_values[k]);
                err_add_field(e, f->name, "read_only");
                return err_setf(e, 422, "validation_failed", "「%s」的“%s”由系统设置，不能直接选择%.0s%.0s",
                                "%.0s%.0s%s cannot be set to \"%s\" directly", f->label_zh, o ? o->label_zh : f->server_values[k],
                                f->label_en, o ? o->label_en : f->server_values[k]);
            }
    }
    return 0;
}

/* Text of nothing but blanks, the full-width space 　 and the no-break
 * space included: value parsing trims only ASCII blanks, and a name typed
 * with a Chinese input method as 　 must not count as filled in. */
static int blank_text(const sql_value *v)
{
    if (v->kind != SV_TEXT) return 0;
    for (const char *p = v->s; *p;) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
        else if (strncmp(p, "\u3000", 3) == 0) p += 3;
        else if (strncmp(p, "\u00a0", 2) == 0) p += 2;
        else return 0;
    }
    return 1;
}

static int check_required(const entity_def *ent, const change_set *cs, int creating, err *e)
{
    for (int i = 0; i < ent->nfields; i++) {
        const field_def *f = &ent->fields[i];
        if (!f->required || f->visible_when) continue; /* a hidden field is not required: entity_state.c */
        int missing = cs->present[i] ? cs->vals[i].kind == SV_NULL || blank_text(&cs->vals[i]) : creating;
        if (!missing) continue;
        err_add_field(e, f->name, "required");
        err_setf(e, 422, "validation_failed", "「%s」不能为空%.0s", "%.0s%s is required",
                 f->label_zh, f->label_en);
    }
    return e->nfields ? -1 : 0;
}

/* Runs a SELECT COUNT(*) query and frees it: 1 when it counted any row, 0
 * when none, -1 on a database error (e filled). */
static int query_exists(entity_ctx *c, query *q, err *e)
{
    db_stmt *s = db_prepare(c->db, sb_str(&q->sql), e);
    int rc = -1;
    if (s) {
        query_bind_all(q, s);
        int step = db_step(s);
        rc = step == DB_ROW ? db_column_int64(s, 0) > 0
             : step < 0     ? err_set(e, 500, "db_error", "校验失败", "Check failed")
                            : 0;
        db_finalize(s);
    }
    query_free(q);
    return rc;
}

/* A link may only point at a live record the user can see. */
static int check_links(entity_ctx *c, const entity_def *ent, const change_set *cs, err *e)
{
    for (int i = 0; i < ent->nfields; i++) {
        const field_def *f = &ent->fields[i];
        if (!cs->present[i] || cs->vals[i].kind != SV_INT) continue;
        if (f->type != FT_LINK && f->type != FT_USER) continue;
        if (c->as_line && strcmp(f->name, ent->owner_relation->field) == 0) continue; /* the parent being written */
        query q;
        query_init(&q, c->a);
        if (f->type == FT_USER) {
            query_sql(&q, "SELECT COUNT(*) FROM users t WHERE t.deleted_at IS NULL AND t.status = 'active' AND t.id = ");
            query_bind_int(&q, cs->vals[i].i);
            query_sql(&q, " AND ");
            acl_company_predicate(c->user, "t", &q);
        } else {
            const entity_def *target = meta_entity(c->m, f->link_entity);
            if (!target) continue;
            query_sqlf(&q, "SELECT COUNT(*) FROM %s t WHERE t.deleted_at IS NULL AND t.id = ", target->table);
            query_bind_int(&q, cs->vals[i].i);
            query_sql(&q, " AND ");
            acl_visible_predicate(c->user, target, "t", &q);
            if (f->link_filter) { /* only the records the field may name */
                filter_ctx fc = {.entity = target, .dialect = db_dialect_of(c->db), .alias = "t"};
                query_sql(&q, " AND ");
                if (filter_compile(&fc, f->link_filter, strlen(f->link_filter), &q, e)) return query_free(&q), -1;
            }
        }
        int found = query_exists(c, &q, e);
        if (found < 0) return -1;
        if (!found) {
            err_add_field(e, f->name, "not_found");
            err_setf(e, 422, "validation_failed", "「%s」指向的记录不存在或无权访问%.0s",
                     "%.0s%s points to a record that does not exist or is not visible",
                     f->label_zh, f->label_en);
        }
    }
    if (e->nfields) set_validation_message(e, ent);
    return e->nfields ? -1 : 0;
}

/* Duplicates are refused with 409 naming the field (e.g. the same customer
 * name); the partial unique index is the backstop for races. */
static int check_unique(entity_ctx *c, const entity_def *ent, const change_set *cs,
                        int64_t self_id, err *e)
{
    for (int i = 0; i < ent->nfields; i++) {
        const field_def *f = &ent->fields[i];
        if (!f->unique || !cs->present[i] || cs->vals[i].kind == SV_NULL) continue;
        /* unique within the company (other companies' names are not
         * taken); the one query also says who holds the value (负责人 or
         * 公海), so the user can ask for the record or claim it */
        unique_holder h;
        if (entity_unique_holder(c, ent, f, cs->vals[i], self_id, &h, e)) return -1;
        if (h.found) {
            err_add_field(e, f->name, "duplicate");
            if (h.pool)
                return err_setf(e, 409, "duplicate", "「%s」已存在相同的值，该记录在公海中，可以领取%.0s",
                                "%.0sAnother record has the same %s; it is in the public pool and may be claimed",
                                f->label_zh, f->label_en);
            if (h.owner_name[0])
                return err_setf(e, 409, "duplicate", "「%s」已存在相同的值，负责人：%s%.0s%.0s",
                                "%.0s%.0sAnother record has the same %s; its owner is %s", f->label_zh,
                                h.owner_name, f->label_en, h.owner_name);
            return err_setf(e, 409, "duplicate", "「%s」已存在相同的值%.0s", "%.0sAnother record has the same %s",
                            f->label_zh, f->label_en);
        }
    }
    return 0;
}

/* Numbers count per company: each company's customers start at KH-000001. */
static int next_autonumber(entity_ctx *c, const entity_def *ent, const field_def *f,
                           sql_value *out, err *e)
{
    char seq[160], company[24];
    snprintf(seq, sizeof seq, "%s.%s", ent->name, f->name);
    snprintf(company, sizeof company, "%lld", (long long)c->user->company_id);
    const char *params[] = {company, seq};
    int64_t n = 0;
    int rc = db_query_int64(c->db,
                            "UPDATE counters SET value = value + 1 WHERE company_id = CAST(? AS BIGINT) AND name = ?"
                            " RETURNING value",
                            &n, e, 2, params);
    if (rc < 0) return -1;
    if (rc == 1) { /* first number of this sequence */
        n = 1;
        if (db_query_int64(c->db,
                           "INSERT INTO counters(company_id, name, value) VALUES (CAST(? AS BIGINT), ?, 1) RETURNING value",
                           &n, e, 2, params) < 0)
            return -1;
    }
    out->kind = SV_TEXT;
    out->s = arena_printf(c->a, "%s%0*lld", f->autonumber_prefix, f->autonumber_digits, (long long)n);
    return 0;
}

static int write_history(entity_ctx *c, const entity_def *ent, int64_t id, const char *action,
                         const char *field, const char *old_v, const char *new_v,
                         const char *now, err *e)
{
    if (c->as_line) return 0; /* entity_lines.c records it on the parent */
    db_stmt *s = db_prepare(c->db,
                            "INSERT INTO record_history(entity, record_id, action, field, old_value, "
                            "new_value, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, ent->name);
    db_bind_int64(s, 2, id);
    db_bind_text(s, 3, action);
    db_bind_text(s, 4, field);
    db_bind_text(s, 5, old_v);
    db_bind_text(s, 6, new_v);
    if (c->user->id) db_bind_int64(s, 7, c->user->id);
    else db_bind_null(s, 7);
    db_bind_text(s, 8, now);
    int rc = db_step(s);
    db_finalize(s);
    return rc < 0 ? err_set(e, 500, "db_error", "写入修改记录失败", "Cannot write history") : 0;
}

static int step_write(db_stmt *s, const entity_def *ent, err *e)
{
    int rc = db_step(s);
    if (rc == DB_ERR_UNIQUE)
        return err_set(e, 409, "duplicate", "已存在相同的记录", "A record with the same value exists");
    if (rc == DB_ERR_BUSY)
        return err_set(e, 503, "busy", "系统繁忙，请稍后重试", "The database is busy; please retry");
    if (rc < 0) return err_set(e, 500, "db_error", "保存失败", "Saving failed");
    (void)ent;
    return 0;
}

/* The pinyin keys of the name field travel with every write of the name,
 * so sorting and the A-Z bar never compute them at read time. */
static const char *name_value(const entity_def *ent, const change_set *cs)
{
    if (!ent->name_field) return NULL;
    int idx = (int)(meta_field(ent, ent->name_field) - ent->fields);
    return cs->present[idx] && cs->vals[idx].kind == SV_TEXT ? cs->vals[idx].s : NULL;
}

static void pinyin_values(arena *a, const char *name, const char **full, const char **initials)
{
    strbuf f = STRBUF_INIT, i = STRBUF_INIT;
    pinyin_keys(name, &f, &i);
    *full = arena_strdup(a, sb_str(&f));
    *initials = arena_strdup(a, sb_str(&i));
    sb_free(&f);
    sb_free(&i);
}

/* The search words of the record as it will be after the write: each
 * searchable text field, from the change set where it changes, else from
 * the stored row (old, NULL on create). NULL when no searchable field
 * changes, so an update that does not touch them leaves the index alone. */
static const char *search_text(arena *a, const entity_def *ent, const change_set *cs,
                               const sql_value *old)
{
    if (!entity_has_search(ent)) return NULL;
    int touched = 0;
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < ent->nfields; i++) {
        if (!ent->fields[i].searchable) continue;
        touched |= cs->present[i];
        const sql_value *v = cs->present[i] ? &cs->vals[i] : old ? &old[i] : NULL;
        if (v && v->kind == SV_TEXT) entity_field_search_words(ent, &ent->fields[i], v->s, &sb);
    }
    char *text = touched ? arena_strdup(a, sb_str(&sb)) : NULL;
    sb_free(&sb);
    return text;
}

static int insert_row(entity_ctx *c, const entity_def *ent, change_set *cs, const char *now,
                      int64_t *id_out, err *e)
{
    if (c->user->company_id <= 0) /* the server's all-company jobs must say whose record it is */
        return err_set(e, 500, "internal", "记录未指定所属公司", "A record needs its company");
    query q;
    query_init(&q, c->a);
    query_sqlf(&q, "INSERT INTO %s (company_id, version, created_at, updated_at, created_by, updated_by",
               ent->table);
    int owner_idx = (int)(meta_field(ent, "owner_id") - ent->fields);
    for (int i = 0; i < ent->nfields; i++)
        if (cs->present[i] && (!ent->fields[i].system || i == owner_idx)) query_sqlf(&q, ", %s", meta_column(&ent->fields[i]));
    const char *name = name_value(ent, cs), *py_full = NULL, *py_initials = NULL;
    if (name) {
        pinyin_values(c->a, name, &py_full, &py_initials);
        query_sql(&q, ", py_full, py_initials");
    }
    const char *grams = search_text(c->a, ent, cs, NULL);
    if (grams) query_sql(&q, ", search_grams");
    query_sql(&q, ") VALUES (");
    query_bind_int(&q, c->user->company_id);
    query_sql(&q, ", 1, ");
    query_bind_text(&q, now);
    query_sql(&q, ", ");
    query_bind_text(&q, now);
    query_sql(&q, ", ");
    bind_actor(&q, c);
    query_sql(&q, ", ");
    bind_actor(&q, c);
    for (int i = 0; i < ent->nfields; i++) {
        if (!cs->present[i] || (ent->fields[i].system && i != owner_idx)) continue;
        query_sql(&q, ", ");
        query_bind_value(&q, cs->vals[i]);
    }
    if (name) {
        query_sql(&q, ", ");
        query_bind_text(&q, py_full);
        query_sql(&q, ", ");
        query_bind_text(&q, py_initials);
    }
    if (grams) {
        query_sql(&q, ", ");
        query_bind_text(&q, grams);
    }
    query_sql(&q, ") RETURNING id");
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    int rc = -1;
    if (s) {
        query_bind_all(&q, s);
        int step = db_step(s);
        if (step == DB_ROW) {
            *id_out = db_column_int64(s, 0);
            rc = 0;
        } else if (step == DB_ERR_UNIQUE) {
            err_set(e, 409, "duplicate", "已存在相同的记录", "A record with the same value exists");
        } else {
            err_set(e, 500, "db_error", "保存失败", "Saving failed");
        }
        db_finalize(s);
    }
    query_free(&q);
    return rc;
}

/* The module rules of this write (hooks.h); id is 0 before a create. */
static int run_hooks(entity_ctx *c, const entity_def *ent, unsigned event, int after, int64_t id, json_t *body,
                     change_set *cs, const sql_value *old, err *e)
{
    hook_change ch = {ent, event, after, id, body, cs ? cs->vals : NULL, cs ? cs->present : NULL, old};
    return hooks_run(c, &ch, e);
}

static change_set new_change_set(entity_ctx *c, const entity_def *ent)
{
    change_set cs;
    cs.vals = arena_alloc(c->a, sizeof *cs.vals * (size_t)ent->nfields);
    cs.present = arena_alloc(c->a, (size_t)ent->nfields);
    return cs;
}

static int forbid(const entity_def *ent, const char *zh_verb, const char *en_verb, err *e)
{
    return err_setf(e, 403, "forbidden", "没有%s「%s」的权限%.0s%.0s", "%.0s%.0sNo permission to %s %s",
                    zh_verb, ent->label_zh, en_verb, ent->label_en);
}

int entity_line_create(entity_ctx *c, const entity_def *ent, json_t *body, int64_t *id_out, err *e)
{
    if (!c->as_line && !acl_can(c->user, ent, ACL_CREATE)) return forbid(ent, "新建", "create", e);
    change_set cs = new_change_set(c, ent);
    if (parse_body(c, ent, body, 1, &cs, e) != 0) return set_validation_message(e, ent), -1;
    apply_defaults(c, ent, &cs);
    int owner_idx = (int)(meta_field(ent, "owner_id") - ent->fields);
    if (!cs.present[owner_idx] && c->user->id) {
        cs.present[owner_idx] = 1;
        cs.vals[owner_idx] = (sql_value){.kind = SV_INT, .i = c->user->id};
    }
    if (run_hooks(c, ent, ON_CREATE, 0, 0, body, &cs, NULL, e)) return -1;
    if (entity_rules_apply(c, ent, body, cs.vals, cs.present, NULL, e)) return -1;
    if (check_required(ent, &cs, 1, e) != 0) return set_validation_message(e, ent), -1;
    if (check_server_values(c, ent, &cs, e)) return -1;
    char now[ISO_TIME_LEN];
    iso_now(now);
    if (check_links(c, ent, &cs, e) || check_unique(c, ent, &cs, 0, e)) return -1;
    if (attachments_check_images(c, ent, 0, cs.vals, cs.present, e)) return -1;
    for (int i = 0; i < ent->nfields; i++) {
        if (ent->fields[i].type != FT_AUTONUMBER) continue;
        if (next_autonumber(c, ent, &ent->fields[i], &cs.vals[i], e)) return -1;
        cs.present[i] = 1;
    }
    if (computed_fill(c, ent, cs.vals, cs.present, e)) return -1;
    if (insert_row(c, ent, &cs, now, id_out, e)) return -1;
    if (ent->nbalances && ledger_record(c, ent, cs.vals, e)) return -1;
    if (write_history(c, ent, *id_out, "create", NULL, NULL, NULL, now, e)) return -1;
    if (computed_after_write(c, ent, *id_out, NULL, e)) return -1;
    if (note_rules_change(c, ent, e)) return -1;
    if (run_hooks(c, ent, ON_CREATE, 1, *id_out, body, &cs, NULL, e)) return -1;
    return on_commit_refresh(c, ent, e);
}

/* The record, then its owned lines when the body has them. */
static int create_with_lines(entity_ctx *c, const entity_def *ent, json_t *body, int64_t *id_out, err *e)
{
    json_t *lines = NULL, *own = entity_lines_split(ent, body, &lines);
    int rc = entity_line_create(c, ent, own, id_out, e);
    if (rc == 0 && lines) rc = entity_lines_write(c, ent, *id_out, lines, e);
    json_decref(own);
    json_decref(lines);
    return rc;
}

int entity_create(entity_ctx *c, const entity_def *ent, json_t *body, int64_t *id_out, err *e)
{
    if (db_begin(c->db, e) != 0) return -1;
    return end_write(c, create_with_lines(c, ent, body, id_out, e), e);
}

/* How load_current looks for the record: as a reader, as a writer, or as
 * a writer who may also take it from the public pool (claim, assign). */
typedef enum access_mode { FOR_READ, FOR_WRITE, FOR_OWNER_CHANGE } access_mode;

static void access_predicate(entity_ctx *c, const entity_def *ent, access_mode mode, query *q)
{
    if (c->as_line) query_sql(q, "1=1"); /* the parent's rights were checked */
    else if (mode == FOR_READ) acl_visible_predicate(c->user, ent, "t", q);
    else acl_write_predicate(c->user, ent, "t", mode == FOR_OWNER_CHANGE, q);
}

/* Not found for a writer: 403 when the user may at least see the record
 * (shared read-only), else 404, so hidden records stay unknown. */
static int not_writable(entity_ctx *c, const entity_def *ent, int64_t id, int deleted, access_mode mode,
                        err *e)
{
    int seen = 0;
    if (mode != FOR_READ) {
        query q;
        query_init(&q, c->a);
        query_sqlf(&q, "SELECT COUNT(*) FROM %s t WHERE t.id = ", ent->table);
        query_bind_int(&q, id);
        query_sql(&q, deleted ? " AND t.deleted_at IS NOT NULL AND " : " AND t.deleted_at IS NULL AND ");
        acl_visible_predicate(c->user, ent, "t", &q);
        seen = query_exists(c, &q, e);
        if (seen < 0) return -1;
    }
    if (seen)
        return err_setf(e, 403, "forbidden", "没有修改或删除该%s的权限%.0s",
                        "%.0sNo permission to change or delete this %s record", ent->label_zh, ent->label_en);
    return err_setf(e, 404, "not_found", "%s不存在或无权查看", "%s not found", ent->label_zh, ent->label_en);
}

/* Loads the stored values of a live record the user may reach (mode) into
 * `old`. Returns 0, or -1 with 404 (403 for a visible record the user may
 * not change); *version gets the stored version. */
static int load_current(entity_ctx *c, const entity_def *ent, int64_t id, int deleted, access_mode mode,
                        sql_value *old, int64_t *version, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.version");
    for (int i = 0; i < ent->nfields; i++) query_sqlf(&q, ", t.%s", meta_column(&ent->fields[i]));
    query_sqlf(&q, " FROM %s t WHERE t.id = ", ent->table);
    query_bind_int(&q, id);
    query_sql(&q, deleted ? " AND t.deleted_at IS NOT NULL AND " : " AND t.deleted_at IS NULL AND ");
    access_predicate(c, ent, mode, &q);
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    int rc = -1, missing = 0;
    if (s) {
        query_bind_all(&q, s);
        int step = db_step(s);
        if (step == DB_ROW) {
            *version = db_column_int64(s, 0);
            for (int i = 0; i < ent->nfields; i++) {
                const field_def *f = &ent->fields[i];
                if (db_column_is_null(s, i + 1)) old[i].kind = SV_NULL;
                else if (is_int_stored(f)) old[i] = (sql_value){.kind = SV_INT, .i = db_column_int64(s, i + 1)};
                else old[i] = (sql_value){.kind = SV_TEXT, .s = arena_strdup(c->a, db_column_text(s, i + 1))};
            }
            rc = 0;
        } else if (step == DB_DONE) {
            missing = 1;
        } else {
            err_set(e, 500, "db_error", "读取记录失败", "Read failed");
        }
        db_finalize(s);
    }
    query_free(&q);
    return missing ? not_writable(c, ent, id, deleted, mode, e) : rc;
}

static int conflict(err *e)
{
    return err_set(e, 409, "conflict", "该记录已被他人修改，请刷新后再保存",
                   "The record was changed by someone else; reload it and try again");
}

/* if_match (0: none) is checked again by the UPDATE itself: on PostgreSQL
 * two writers may both have read the same version before either wrote. */
static int update_row(entity_ctx *c, const entity_def *ent, int64_t id, const change_set *cs,
                      const sql_value *old, int64_t if_match, const char *now, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sqlf(&q, "UPDATE %s SET version = version + 1, updated_at = ", ent->table);
    query_bind_text(&q, now);
    query_sql(&q, ", updated_by = ");
    bind_actor(&q, c);
    for (int i = 0; i < ent->nfields; i++) {
        if (!cs->present[i]) continue;
        query_sqlf(&q, ", %s = ", meta_column(&ent->fields[i]));
        query_bind_value(&q, cs->vals[i]);
    }
    const char *name = name_value(ent, cs);
    if (name) {
        const char *py_full, *py_initials;
        pinyin_values(c->a, name, &py_full, &py_initials);
        query_sql(&q, ", py_full = ");
        query_bind_text(&q, py_full);
        query_sql(&q, ", py_initials = ");
        query_bind_text(&q, py_initials);
    }
    const char *grams = search_text(c->a, ent, cs, old);
    if (grams) {
        query_sql(&q, ", search_grams = ");
        query_bind_text(&q, grams);
    }
    query_sql(&q, " WHERE id = ");
    query_bind_int(&q, id);
    if (if_match) query_sql(&q, " AND version = "), query_bind_int(&q, if_match);
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    int rc = -1;
    if (s) {
        query_bind_all(&q, s);
        rc = step_write(s, ent, e);
        if (rc == 0 && if_match && db_changes(s) == 0) rc = conflict(e);
        db_finalize(s);
    }
    query_free(&q);
    return rc;
}

int entity_line_update(entity_ctx *c, const entity_def *ent, int64_t id, json_t *body, int64_t if_match, err *e)
{
    if (!c->as_line && !acl_can(c->user, ent, ACL_EDIT)) return forbid(ent, "编辑", "edit", e);
    json_t *jv = json_object_get(body, "version");
    if (jv && !json_is_integer(jv)) {
        err_add_field(e, "version", "invalid_type");
        return err_set(e, 422, "validation_failed", "version 必须是整数", "version must be an integer");
    }
    if (jv && !if_match) if_match = json_integer_value(jv);
    change_set cs = new_change_set(c, ent);
    if (parse_body(c, ent, body, 0, &cs, e) != 0) return set_validation_message(e, ent), -1;
    if (check_required(ent, &cs, 0, e) != 0) return set_validation_message(e, ent), -1;
    if (check_server_values(c, ent, &cs, e)) return -1;
    sql_value *old = arena_alloc(c->a, sizeof *old * (size_t)ent->nfields);
    int64_t version = 0;
    char now[ISO_TIME_LEN];
    iso_now(now);
    if (load_current(c, ent, id, 0, FOR_WRITE, old, &version, e)) return -1;
    if (if_match && if_match != version) return conflict(e);
    /* Only real changes are written and logged. */
    for (int i = 0; i < ent->nfields; i++)
        if (cs.present[i] && values_equal(&cs.vals[i], &old[i])) cs.present[i] = 0;
    if (run_hooks(c, ent, ON_UPDATE, 0, id, body, &cs, old, e)) return -1;
    if (entity_rules_apply(c, ent, body, cs.vals, cs.present, old, e)) return -1;
    for (int i = 0; i < ent->nfields; i++) /* a hook may set a field to what it is */
        if (cs.present[i] && values_equal(&cs.vals[i], &old[i])) cs.present[i] = 0;
    if (check_links(c, ent, &cs, e) || check_unique(c, ent, &cs, id, e)) return -1;
    if (entity_tree_check(c, ent, id, cs.vals, cs.present, e)) return -1;
    if (attachments_check_images(c, ent, id, cs.vals, cs.present, e)) return -1;
    if (update_row(c, ent, id, &cs, old, if_match, now, e)) return -1;
    for (int i = 0; i < ent->nfields; i++) {
        if (!cs.present[i]) continue;
        const field_def *f = &ent->fields[i];
        if (write_history(c, ent, id, "update", f->name, history_text(c->a, f, &old[i]),
                          history_text(c->a, f, &cs.vals[i]), now, e))
            return -1;
    }
    if (note_rules_change(c, ent, e)) return -1;
    int any = 0;
    for (int i = 0; i < ent->nfields; i++) any |= cs.present[i];
    if (any && computed_after_write(c, ent, id, old, e)) return -1;
    if (any && run_hooks(c, ent, ON_UPDATE, 1, id, body, &cs, old, e)) return -1;
    return on_commit_refresh(c, ent, e);
}

/* The record, then its owned lines when the body has them (the record's
 * version bumps either way, so If-Match covers the lines). */
static int update_with_lines(entity_ctx *c, const entity_def *ent, int64_t id, json_t *body, int64_t if_match,
                             err *e)
{
    json_t *lines = NULL, *own = entity_lines_split(ent, body, &lines);
    int rc = entity_line_update(c, ent, id, own, if_match, e);
    if (rc == 0 && lines) rc = entity_lines_write(c, ent, id, lines, e);
    json_decref(own);
    json_decref(lines);
    return rc;
}

int entity_update(entity_ctx *c, const entity_def *ent, int64_t id, json_t *body, int64_t if_match,
                  err *e)
{
    if (ent->immutable) return ledger_refuse(ent, e);
    if (db_begin(c->db, e) != 0) return -1;
    return end_write(c, update_with_lines(c, ent, id, body, if_match, e), e);
}

/* Moves a record to the recycle bin (deleting) or back, inside the
 * caller's transaction. */
static int set_deleted_tx(entity_ctx *c, const entity_def *ent, int64_t id, int64_t if_match,
                          int deleting, err *e)
{
    sql_value *old = arena_alloc(c->a, sizeof *old * (size_t)ent->nfields);
    int64_t version = 0;
    char now[ISO_TIME_LEN];
    iso_now(now);
    if (load_current(c, ent, id, !deleting, FOR_WRITE, old, &version, e)) return -1;
    if (deleting && entity_delete_allowed(ent, old, e)) return -1;
    unsigned event = deleting ? ON_DELETE : ON_RESTORE;
    if (run_hooks(c, ent, event, 0, id, NULL, NULL, old, e)) return -1;
    if (if_match && if_match != version) return conflict(e);
    if (!deleting) { /* a restored record must not duplicate a live one */
        change_set cs = {old, arena_alloc(c->a, (size_t)ent->nfields)};
        memset(cs.present, 1, (size_t)ent->nfields);
        if (check_unique(c, ent, &cs, id, e)) return -1;
    }
    char sql[256];
    snprintf(sql, sizeof sql,
             "UPDATE %s SET deleted_at = ?, version = version + 1, updated_at = ?, updated_by = ? "
             "WHERE id = ?",
             ent->table);
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    if (deleting) db_bind_text(s, 1, now);
    else db_bind_null(s, 1);
    db_bind_text(s, 2, now);
    if (c->user->id) db_bind_int64(s, 3, c->user->id);
    else db_bind_null(s, 3);
    db_bind_int64(s, 4, id);
    int rc = step_write(s, ent, e);
    db_finalize(s);
    if (rc || write_history(c, ent, id, deleting ? "delete" : "restore", NULL, NULL, NULL, now, e) ||
        computed_after_write(c, ent, id, old, e) || note_rules_change(c, ent, e) ||
        run_hooks(c, ent, event, 1, id, NULL, NULL, old, e))
        return -1;
    return on_commit_refresh(c, ent, e);
}

static int set_deleted(entity_ctx *c, const entity_def *ent, int64_t id, int64_t if_match,
                       int deleting, err *e)
{
    if (db_begin(c->db, e) != 0) return -1;
    return end_write(c, set_deleted_tx(c, ent, id, if_match, deleting, e), e);
}

int entity_log(entity_ctx *c, const entity_def *ent, int64_t id, const char *action, const char *field,
               const char *old_value, const char *new_value, err *e)
{
    char now[ISO_TIME_LEN];
    iso_now(now);
    return write_history(c, ent, id, action, field, old_value, new_value, now, e);
}

unsigned entity_allowed(entity_ctx *c, const entity_def *ent, int64_t owner_id)
{
    /* entity_update and entity_delete: ledger_refuse, then the module right
     * (acl_can), then load_current FOR_WRITE (acl_write_predicate without
     * the pool), here on the row's owner instead of in SQL */
    if (ent->immutable || !acl_row_writable(c->user, ent, owner_id, 0)) return 0;
    unsigned bits = 0;
    if (acl_can(c->user, ent, ACL_EDIT)) bits |= 1u << ACL_EDIT;
    if (acl_can(c->user, ent, ACL_DELETE)) bits |= 1u << ACL_DELETE;
    return bits;
}

int entity_delete(entity_ctx *c, const entity_def *ent, int64_t id, int64_t if_match, err *e)
{
    if (ent->immutable) return ledger_refuse(ent, e);
    if (!acl_can(c->user, ent, ACL_DELETE)) return forbid(ent, "删除", "delete", e);
    return set_deleted(c, ent, id, if_match, 1, e);
}

int entity_restore(entity_ctx *c, const entity_def *ent, int64_t id, err *e)
{
    if (ent->immutable) return ledger_refuse(ent, e);
    if (!acl_can(c->user, ent, ACL_DELETE)) return forbid(ent, "恢复", "restore", e);
    return set_deleted(c, ent, id, 0, 0, e);
}

/* The owner as history text: the id, or NULL for the pool. */
static const char *owner_text(arena *a, int64_t owner)
{
    return owner ? arena_printf(a, "%lld", (long long)owner) : NULL;
}

/* A record goes only to an active user of its own company. */
static int check_new_owner(entity_ctx *c, int64_t owner, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT COUNT(*) FROM users t WHERE t.deleted_at IS NULL AND t.status = 'active' AND t.id = ");
    query_bind_int(&q, owner);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    int found = query_exists(c, &q, e);
    if (found) return found < 0 ? -1 : 0;
    err_add_field(e, "owner_id", "not_found");
    return err_set(e, 422, "validation_failed", "请指定一个有效的在职用户作为负责人（或 null 退回公海）",
                   "Give an active user as owner_id (or null for the pool)");
}

static int set_owner_in_tx(entity_ctx *c, const entity_def *ent, int64_t id, int64_t new_owner,
                           int64_t expected_owner, err *e)
{
    if (new_owner && check_new_owner(c, new_owner, e)) return -1;
    char now[ISO_TIME_LEN];
    iso_now(now);
    /* Read the current owner through the visibility rules (404 if hidden). */
    sql_value *old = arena_alloc(c->a, sizeof *old * (size_t)ent->nfields);
    int64_t version = 0;
    int owner_idx = (int)(meta_field(ent, "owner_id") - ent->fields);
    if (load_current(c, ent, id, 0, FOR_OWNER_CHANGE, old, &version, e)) return -1;
    int64_t current = old[owner_idx].kind == SV_INT ? old[owner_idx].i : 0;
    change_set cs = new_change_set(c, ent);
    cs.present[owner_idx] = 1;
    cs.vals[owner_idx] = new_owner ? (sql_value){.kind = SV_INT, .i = new_owner} : (sql_value){.kind = SV_NULL};
    if (run_hooks(c, ent, ON_OWNER, 0, id, NULL, &cs, old, e)) return -1;
    query q;
    query_init(&q, c->a);
    query_sqlf(&q, "UPDATE %s SET version = version + 1, updated_at = ", ent->table);
    query_bind_text(&q, now);
    query_sql(&q, ", updated_by = ");
    bind_actor(&q, c);
    query_sql(&q, ", owner_id = ");
    if (new_owner) query_bind_int(&q, new_owner);
    else query_bind_null(&q);
    query_sql(&q, " WHERE deleted_at IS NULL AND id = ");
    query_bind_int(&q, id);
    if (expected_owner == 0) query_sql(&q, " AND owner_id IS NULL");
    else if (expected_owner > 0) query_sql(&q, " AND owner_id = "), query_bind_int(&q, expected_owner);
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    int64_t changed = -1;
    if (s) {
        query_bind_all(&q, s);
        if (step_write(s, ent, e) == 0) changed = db_changes(s);
        db_finalize(s);
    }
    query_free(&q);
    if (changed < 0) return -1;
    if (changed == 0)
        return err_set(e, 409, "owner_changed", "负责人已经变更（可能刚被他人领取），请刷新后再试",
                       "The owner has changed (someone may have just claimed it); reload and try again");
    if (write_history(c, ent, id, "owner", "owner_id", owner_text(c->a, current), owner_text(c->a, new_owner), now, e) ||
        run_hooks(c, ent, ON_OWNER, 1, id, NULL, &cs, old, e))
        return -1;
    return on_commit_refresh(c, ent, e);
}

int entity_set_owner(entity_ctx *c, const entity_def *ent, int64_t id, int64_t new_owner,
                     int64_t expected_owner, err *e)
{
    if (ent->immutable) return ledger_refuse(ent, e);
    if (db_begin(c->db, e) != 0) return -1;
    return end_write(c, set_owner_in_tx(c, ent, id, new_owner, expected_owner, e), e);
}
