/* entity_state.c - see entity_state.h. The rules are read once at load
 * (states into structs, the *_when filters kept as compact JSON text) and
 * applied to every write by entity_rules_apply. record_matches evaluates
 * the list API's filter language on one record, with the same meaning as
 * filter.c gives it in SQL (ne/nin match an empty field, isnull treats ''
 * as empty, eq on a multi-picklist means "has this option"); the web
 * app's utils/recordFilter.js is its twin for the forms. */
#include "entity_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"
#include "value.h"

/* ---- loading ---- */

static int bad_rule(err *e, const char *entity, const char *field, const char *what)
{
    return err_setf(e, 500, "bad_metadata", "字段 %s.%s 的 %s 定义无效", "Field %s.%s: invalid %s", entity, field,
                    what, entity, field, what);
}

/* A JSON array of strings into an arena array; -1 when not one. */
static int string_array(arena *a, const json_t *arr, const char ***out, int *n)
{
    *out = NULL, *n = 0;
    if (!json_is_array(arr)) return -1;
    *out = arena_alloc(a, sizeof(char *) * (json_array_size(arr) + 1));
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v) {
        if (!json_is_string(v)) return -1;
        (*out)[(*n)++] = arena_strdup(a, json_string_value(v));
    }
    return 0;
}

static state_def *find_mut(field_states *s, const char *value)
{
    for (int i = 0; i < s->nstates; i++)
        if (strcmp(s->states[i].value, value) == 0) return &s->states[i];
    return NULL;
}

/* Every state is a key of "transitions" (a terminal one with []); the
 * other parts may only name those states. */
static int parse_states(arena *a, const json_t *js, field_states *s)
{
    const json_t *tr = json_object_get(js, "transitions"), *v;
    if (!json_is_object(tr) || !json_object_size(tr)) return -1;
    s->states = arena_alloc(a, sizeof *s->states * json_object_size(tr));
    const char *key;
    json_object_foreach((json_t *)tr, key, v) {
        state_def *st = &s->states[s->nstates++];
        st->value = arena_strdup(a, key);
        if (string_array(a, v, &st->next, &st->nnext)) return -1;
    }
    for (int i = 0; i < s->nstates; i++)
        for (int k = 0; k < s->states[i].nnext; k++)
            if (!find_mut(s, s->states[i].next[k])) return -1;
    const json_t *init = json_object_get(js, "initial");
    if (init && (!json_is_string(init) || !find_mut(s, json_string_value(init)))) return -1;
    s->initial = init ? arena_strdup(a, json_string_value(init)) : NULL;
    const json_t *closed = json_object_get(js, "closed");
    if (closed && !json_is_object(closed)) return -1;
    json_object_foreach((json_t *)closed, key, v) {
        state_def *st = find_mut(s, key);
        if (!st || !json_is_string(v)) return -1;
        st->outcome = arena_strdup(a, json_string_value(v));
    }
    const json_t *locked = json_object_get(js, "locked");
    if (locked && !json_is_object(locked)) return -1;
    json_object_foreach((json_t *)locked, key, v) {
        state_def *st = find_mut(s, key);
        if (!st || !(json_is_true(v) || json_is_object(v))) return -1;
        st->locked = 1;
        const json_t *except = json_object_get(v, "except");
        if (except && string_array(a, except, &st->editable, &st->neditable)) return -1;
    }
    const json_t *kept = json_object_get(js, "kept");
    if (kept && !json_is_array(kept)) return -1;
    size_t k;
    json_array_foreach((json_t *)kept, k, v) {
        state_def *st = json_is_string(v) ? find_mut(s, json_string_value(v)) : NULL;
        if (!st) return -1;
        st->kept = 1;
    }
    /* served with the terminal states spelt out, so clients need not derive them */
    json_t *out = json_deep_copy(js), *terminal = json_array();
    for (int i = 0; i < s->nstates; i++)
        if (!s->states[i].nnext) json_array_append_new(terminal, json_string(s->states[i].value));
    json_object_set_new(out, "terminal", terminal);
    char *text = json_dumps(out, JSON_COMPACT);
    s->json = arena_strdup(a, text ? text : "null");
    free(text);
    json_decref(out);
    return 0;
}

/* A filter rule kept as compact JSON text. */
static int rule_text(arena *a, const json_t *jf, const char *key, const char **out)
{
    const json_t *r = json_object_get(jf, key);
    *out = NULL;
    if (!r) return 0;
    if (!json_is_object(r)) return -1;
    char *text = json_dumps(r, JSON_COMPACT);
    *out = arena_strdup(a, text ? text : "{}");
    free(text);
    return 0;
}

int meta_parse_field_rules(const char *entity, const json_t *jf, struct arena *a, field_def *f, err *e)
{
    const json_t *js = json_object_get(jf, "states");
    if (js) {
        field_states *s = arena_alloc(a, sizeof *s);
        if (f->type != FT_PICKLIST || parse_states(a, js, s)) return bad_rule(e, entity, f->name, "states");
        f->states = s;
    }
    static const char *const RULES[] = {"required_when", "readonly_when", "visible_when"};
    const char **slots[] = {&f->required_when, &f->readonly_when, &f->visible_when};
    for (int i = 0; i < 3; i++)
        if (rule_text(a, jf, RULES[i], slots[i])) return bad_rule(e, entity, f->name, RULES[i]);
    const json_t *sf = json_object_get(jf, "set_from");
    if (sf) {
        const json_t *src = json_object_get(sf, "field"), *opt = json_object_get(sf, "option");
        if (!json_is_string(src) || !json_is_string(opt) || strcmp(json_string_value(opt), "probability") != 0)
            return bad_rule(e, entity, f->name, "set_from");
        f->set_from_field = arena_strdup(a, json_string_value(src));
        f->set_from_option = arena_strdup(a, json_string_value(opt));
    }
    return 0;
}

/* ---- states ---- */

const state_def *state_find(const field_states *s, const char *value)
{
    return value ? find_mut((field_states *)s, value) : NULL;
}

int state_allows(const field_states *s, const char *from, const char *to)
{
    const state_def *st = state_find(s, from);
    if (!from || !st) return 1; /* no state yet, or one the machine does not know: anything goes */
    if (to && strcmp(from, to) == 0) return 1;
    for (int k = 0; to && k < st->nnext; k++)
        if (strcmp(st->next[k], to) == 0) return 1;
    return 0;
}

const field_def *entity_state_field(const entity_def *ent)
{
    for (int i = 0; i < ent->nfields; i++)
        if (ent->fields[i].states) return &ent->fields[i];
    return NULL;
}

/* ---- one record against a filter ---- */

static const sql_value *effective(const sql_value *vals, const char *present, const sql_value *old, int i)
{
    static const sql_value NONE = {.kind = SV_NULL};
    return present && present[i] ? &vals[i] : old ? &old[i] : &NONE;
}

static int is_empty(const sql_value *v)
{
    return v->kind == SV_NULL || (v->kind == SV_TEXT && !*v->s);
}

/* A filter value in stored form; -1 when it cannot be one (never matches). */
static int operand(const field_def *f, const json_t *jv, arena *a, sql_value *out)
{
    if (json_is_string(jv) && (field_is_textual(f) || f->type == FT_PICKLIST || f->type == FT_MULTIPICKLIST ||
                               f->type == FT_AUTONUMBER)) {
        *out = (sql_value){.kind = SV_TEXT, .s = json_string_value(jv)};
        return 0;
    }
    if (json_is_integer(jv) && (f->type == FT_LINK || f->type == FT_USER || f->type == FT_ID)) {
        *out = (sql_value){.kind = SV_INT, .i = json_integer_value(jv)};
        return 0;
    }
    err ignore;
    err_clear(&ignore);
    return value_from_json(f, jv, a, out, &ignore) || out->kind == SV_NULL ? -1 : 0;
}

/* <0, 0, >0 like strcmp; 2 when the two cannot be compared. */
static int compare(const sql_value *x, const sql_value *y)
{
    if (x->kind == SV_INT && y->kind == SV_INT) return x->i < y->i ? -1 : x->i > y->i;
    if (x->kind == SV_TEXT && y->kind == SV_TEXT) return strcmp(x->s, y->s) < 0 ? -1 : strcmp(x->s, y->s) > 0;
    return 2;
}

static int has_option(const sql_value *v, const char *opt, arena *a)
{
    return v->kind == SV_TEXT && strstr(v->s, arena_printf(a, ",%s,", opt)) != NULL;
}

static int equals(const field_def *f, const sql_value *v, const json_t *jv, arena *a)
{
    sql_value x;
    if (is_empty(v) || operand(f, jv, a, &x)) return 0;
    if (f->type == FT_MULTIPICKLIST) return x.kind == SV_TEXT && has_option(v, x.s, a);
    return compare(v, &x) == 0;
}

static int any_equal(const field_def *f, const sql_value *v, const json_t *list, arena *a)
{
    size_t i;
    const json_t *jv;
    json_array_foreach(list, i, jv) if (equals(f, v, jv, a)) return 1;
    return 0;
}

static int condition(const entity_def *ent, const json_t *node, const sql_value *vals, const char *present,
                     const sql_value *old, arena *a)
{
    const char *name = json_string_value(json_object_get(node, "field"));
    const char *op = json_string_value(json_object_get(node, "op"));
    int i = name ? meta_field_index(ent, name) : -1;
    if (i < 0 || !op) return 0;
    const field_def *f = &ent->fields[i];
    const sql_value *v = effective(vals, present, old, i);
    const json_t *jv = json_object_get(node, "value");
    if (strcmp(op, "isnull") == 0) return is_empty(v);
    if (strcmp(op, "notnull") == 0) return !is_empty(v);
    if (strcmp(op, "eq") == 0) return equals(f, v, jv, a);
    if (strcmp(op, "ne") == 0) return !equals(f, v, jv, a);
    if (strcmp(op, "in") == 0) return any_equal(f, v, jv, a);
    if (strcmp(op, "nin") == 0) return !any_equal(f, v, jv, a);
    if (strcmp(op, "contains") == 0 || strcmp(op, "starts") == 0) {
        const char *s = json_string_value(jv);
        if (!s || v->kind != SV_TEXT) return 0;
        if (f->type == FT_MULTIPICKLIST) return has_option(v, s, a);
        return op[0] == 'c' ? strstr(v->s, s) != NULL : strncmp(v->s, s, strlen(s)) == 0;
    }
    sql_value x;
    if (is_empty(v) || operand(f, jv, a, &x)) return 0;
    int c = compare(v, &x);
    if (c == 2) return 0;
    return strcmp(op, "lt") == 0 ? c < 0 : strcmp(op, "lte") == 0 ? c <= 0 : strcmp(op, "gt") == 0 ? c > 0
         : strcmp(op, "gte") == 0                                   ? c >= 0
                                                                    : 0;
}

static int node_matches(const entity_def *ent, const json_t *node, const sql_value *vals, const char *present,
                        const sql_value *old, arena *a, int depth)
{
    if (!json_is_object(node) || depth > 8) return 0;
    const json_t *all = json_object_get(node, "and"), *any = json_object_get(node, "or"), *k;
    size_t i;
    if (json_is_array(all)) {
        json_array_foreach(all, i, k) if (!node_matches(ent, k, vals, present, old, a, depth + 1)) return 0;
        return 1;
    }
    if (json_is_array(any)) {
        json_array_foreach(any, i, k) if (node_matches(ent, k, vals, present, old, a, depth + 1)) return 1;
        return 0;
    }
    return condition(ent, node, vals, present, old, a);
}

int record_matches(const entity_def *ent, const json_t *filter, const sql_value *vals, const char *present,
                   const sql_value *old, arena *a)
{
    return node_matches(ent, filter, vals, present, old, a, 0);
}

static int rule_holds(const entity_def *ent, const char *rule, const sql_value *vals, const char *present,
                      const sql_value *old, arena *a)
{
    json_t *filter = json_loads(rule, 0, NULL);
    int yes = filter && record_matches(ent, filter, vals, present, old, a);
    json_decref(filter);
    return yes;
}

/* ---- applying the rules to a write ---- */

static const char *option_label(const field_def *f, const char *value, int en)
{
    const picklist_option *o = value ? meta_option(f, value) : NULL;
    return o ? (en ? o->label_en : o->label_zh) : value ? value : (en ? "(empty)" : "（空）");
}

static int invalid_transition(arena *a, const field_def *f, const char *from, const char *to, err *e)
{
    const state_def *st = state_find(f->states, from);
    char *zh = "", *en = "";
    for (int k = 0; st && k < st->nnext; k++) {
        zh = arena_printf(a, "%s%s「%s」", zh, k ? "、" : "", option_label(f, st->next[k], 0));
        en = arena_printf(a, "%s%s%s", en, k ? ", " : "", option_label(f, st->next[k], 1));
    }
    err_add_field(e, f->name, "invalid_transition");
    if (!st || !st->nnext)
        return err_setf(e, 422, "invalid_transition", "「%s」为「%s」时不能再改变%.0s%.0s",
                        "%.0s%.0s%s cannot change once it is %s", f->label_zh, option_label(f, from, 0),
                        f->label_en, option_label(f, from, 1));
    (void)to;
    return err_setf(e, 422, "invalid_transition", "「%s」只能从「%s」改为：%s%.0s%.0s%.0s",
                    "%.0s%.0s%.0s%s can only move from %s to: %s", f->label_zh, option_label(f, from, 0), zh,
                    f->label_en, option_label(f, from, 1), en);
}

static int check_transitions(entity_ctx *c, const entity_def *ent, sql_value *vals, char *present,
                             const sql_value *old, err *e)
{
    for (int i = 0; i < ent->nfields; i++) {
        const field_def *f = &ent->fields[i];
        if (!f->states) continue;
        if (!old) { /* create: the initial state unless one is given */
            if ((!present[i] || vals[i].kind == SV_NULL) && f->states->initial) {
                vals[i] = (sql_value){.kind = SV_TEXT, .s = f->states->initial};
                present[i] = 1;
            }
            continue;
        }
        if (!present[i] || old[i].kind != SV_TEXT) continue;
        const char *to = vals[i].kind == SV_TEXT ? vals[i].s : NULL;
        if (!state_allows(f->states, old[i].s, to)) return invalid_transition(c->a, f, old[i].s, to, e);
    }
    return 0;
}

static int editable_in(const state_def *st, const char *name)
{
    for (int k = 0; k < st->neditable; k++)
        if (strcmp(st->editable[k], name) == 0) return 1;
    return 0;
}

/* A record in a locking state changes only its state (as the transitions
 * allow) and the fields the state names. */
static int check_locked(const entity_def *ent, json_t *body, const char *present, const sql_value *old, err *e)
{
    const field_def *sf = entity_state_field(ent);
    int si = sf ? (int)(sf - ent->fields) : -1;
    const state_def *st = sf && old && old[si].kind == SV_TEXT ? state_find(sf->states, old[si].s) : NULL;
    if (!st || !st->locked) return 0;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        int i = meta_field_index(ent, key);
        if (i < 0 || i == si || !present[i] || editable_in(st, key)) continue;
        err_add_field(e, key, "locked");
    }
    if (!e->nfields) return 0;
    return err_setf(e, 422, "locked", "「%s」为「%s」的记录已锁定，不能修改这些字段%.0s%.0s",
                    "%.0s%.0sA record whose %s is %s is locked; these fields cannot change", sf->label_zh,
                    option_label(sf, old[si].s, 0), sf->label_en, option_label(sf, old[si].s, 1));
}

int entity_delete_allowed(const entity_def *ent, const sql_value *old, err *e)
{
    const field_def *sf = entity_state_field(ent);
    int si = sf ? (int)(sf - ent->fields) : -1;
    const state_def *st = sf && old && old[si].kind == SV_TEXT ? state_find(sf->states, old[si].s) : NULL;
    if (!st || !st->kept) return 0;
    return err_setf(e, 409, "kept", "「%s」为「%s」的记录不能删除%.0s%.0s", "%.0s%.0sA record whose %s is %s cannot be deleted",
                    sf->label_zh, option_label(sf, old[si].s, 0), sf->label_en, option_label(sf, old[si].s, 1));
}

int entity_lines_locked(entity_ctx *c, const entity_def *ent, int64_t id, const relation_def *r, err *e)
{
    const field_def *sf = entity_state_field(ent);
    if (!sf) return 0;
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE id = ?", sf->name, ent->table);
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    db_bind_int64(s, 1, id);
    int step = db_step(s);
    const char *state = step == DB_ROW && !db_column_is_null(s, 0) ? arena_strdup(c->a, db_column_text(s, 0)) : NULL;
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "读取记录状态失败", "Cannot read the record's state");
    const state_def *st = state ? state_find(sf->states, state) : NULL;
    int refused = st && st->locked && !editable_in(st, r->name);
    if (refused) {
        err_add_field(e, r->name, "locked");
        err_setf(e, 422, "locked", "「%s」为「%s」的记录已锁定，不能修改「%s」%.0s%.0s%.0s",
                 "%.0s%.0s%.0sA record whose %s is %s is locked; its %s cannot change", sf->label_zh,
                 option_label(sf, state, 0), r->label_zh, sf->label_en, option_label(sf, state, 1), r->label_en);
    }
    return refused ? -1 : 0;
}

/* The option property of the source field (a stage's probability). */
static void set_from_options(const entity_def *ent, json_t *body, sql_value *vals, char *present)
{
    for (int i = 0; i < ent->nfields; i++) {
        const field_def *f = &ent->fields[i];
        int src = f->set_from_field ? meta_field_index(ent, f->set_from_field) : -1;
        if (src < 0 || !present[src] || vals[src].kind != SV_TEXT || json_object_get(body, f->name)) continue;
        const picklist_option *o = meta_option(&ent->fields[src], vals[src].s);
        if (!o || o->probability < 0) continue;
        /* percent and decimal fields keep `scale` fraction digits */
        int64_t v = o->probability;
        for (int k = 0; k < f->scale; k++) v *= 10;
        vals[i] = (sql_value){.kind = SV_INT, .i = v};
        present[i] = 1;
    }
}

static int check_conditional(entity_ctx *c, const entity_def *ent, json_t *body, const sql_value *vals,
                             const char *present, const sql_value *old, err *e)
{
    for (int i = 0; i < ent->nfields; i++) {
        const field_def *f = &ent->fields[i];
        if (f->readonly_when && present[i] && json_object_get(body, f->name) &&
            rule_holds(ent, f->readonly_when, vals, present, old, c->a)) {
            err_add_field(e, f->name, "read_only");
            err_setf(e, 422, "validation_failed", "「%s」当前不能修改%.0s", "%.0s%s cannot be changed now",
                     f->label_zh, f->label_en);
        }
        int conditional = f->required_when || (f->required && f->visible_when);
        if (!conditional || !is_empty(effective(vals, present, old, i))) continue;
        if (f->visible_when && !rule_holds(ent, f->visible_when, vals, present, old, c->a)) continue;
        if (f->required_when && !rule_holds(ent, f->required_when, vals, present, old, c->a)) continue;
        err_add_field(e, f->name, "required");
        err_setf(e, 422, "validation_failed", "「%s」不能为空%.0s", "%.0s%s is required", f->label_zh, f->label_en);
    }
    if (e->nfields > 1)
        err_setf(e, 422, "validation_failed", "有 %d 个字段填写有误，请检查后重试", "%d fields are invalid; please check them",
                 e->nfields, e->nfields);
    return e->nfields ? -1 : 0;
}

int entity_rules_apply(entity_ctx *c, const entity_def *ent, json_t *body, sql_value *vals, char *present,
                       const sql_value *old, err *e)
{
    if (check_transitions(c, ent, vals, present, old, e)) return -1;
    if (old && check_locked(ent, body, present, old, e)) return -1;
    set_from_options(ent, body, vals, present);
    return check_conditional(c, ent, body, vals, present, old, e);
}

/* ---- metadata ---- */

void entity_rules_json(strbuf *b, const field_def *f)
{
    if (f->states) sb_printf(b, ",\"states\":%s", f->states->json);
    if (f->required_when) sb_printf(b, ",\"required_when\":%s", f->required_when);
    if (f->readonly_when) sb_printf(b, ",\"readonly_when\":%s", f->readonly_when);
    if (f->visible_when) sb_printf(b, ",\"visible_when\":%s", f->visible_when);
    if (f->set_from_field) {
        sb_append(b, ",\"set_from\":{\"field\":");
        sb_json_string(b, f->set_from_field);
        sb_append(b, ",\"option\":");
        sb_json_string(b, f->set_from_option);
        sb_putc(b, '}');
    }
}
