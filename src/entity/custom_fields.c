/* custom_fields.c - see custom_fields.h. Definitions are rows of
 * custom_fields (and picklist_options) read back by the metadata loader;
 * each write bumps the metadata version so every process reloads. */
#include "custom_fields.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "../util/clock.h"
#include "../util/pinyin.h"
#include "entity_schema.h"
#include "filter.h"
#include "meta_load.h"

/* Custom field names: lower-case ASCII, digits and _, starting with a
 * letter; stored as column cf_<name> so they never collide with built-ins. */
static int valid_field_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 40 || !islower((unsigned char)s[0])) return 0;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_')) return 0;
    return 1;
}

const char *const CUSTOM_FIELD_KEYS[] = {"name", "type", "label_zh", "label_en", "required",
                                                "max_length", "scale", "options", "link_entity",
                                                "searchable", "group", "required_when", "readonly_when",
                                                "visible_when", NULL};

/* Conditional rules of a custom field are filters over the entity's
 * fields, checked as the list API checks a filter. */
static void check_field_rules(json_t *body, const entity_def *ent, err *e)
{
    arena *a = arena_new();
    static const char *const RULES[] = {"required_when", "readonly_when", "visible_when"};
    for (int i = 0; i < 3; i++) {
        json_t *r = json_object_get(body, RULES[i]);
        if (!r) continue;
        char *text = json_is_object(r) && json_object_size(r) ? json_dumps(r, JSON_COMPACT) : NULL;
        filter_ctx fc = {.entity = ent};
        query q;
        query_init(&q, a);
        err bad;
        err_clear(&bad);
        if (!text || filter_compile(&fc, text, strlen(text), &q, &bad)) err_add_field(e, RULES[i], "invalid");
        query_free(&q);
        free(text);
    }
    arena_free(a);
}

/* ---- names from labels ---- */

/* An ASCII code from a Chinese label, as users of Chinese CRMs expect not
 * to type one: the pinyin of the label (客户等级 -> kehudengji), letters,
 * digits and _ only, starting with a letter, at most max characters; a
 * label with nothing to spell gives "field". */
static void code_from_label(const char *label, size_t max, char *out, size_t size)
{
    strbuf full = STRBUF_INIT;
    pinyin_keys(label, &full, NULL);
    size_t n = 0;
    for (const char *p = sb_str(&full); *p && n + 1 < size && n < max; p++)
        if (islower((unsigned char)*p) || isdigit((unsigned char)*p)) {
            if (n == 0 && isdigit((unsigned char)*p)) out[n++] = 'f'; /* a name starts with a letter */
            out[n++] = *p;
        }
    out[n] = '\0';
    if (n == 0) snprintf(out, size, "field");
    sb_free(&full);
}

/* base, base_2, base_3 ...: the first that taken() refuses not. */
static void first_free(char *name, size_t size, size_t max, int (*taken)(const char *, void *), void *arg)
{
    char base[64];
    snprintf(base, sizeof base, "%s", name);
    for (int k = 2; taken(name, arg) && k < 1000; k++) {
        char suffix[8];
        int len = snprintf(suffix, sizeof suffix, "_%d", k);
        size_t keep = strlen(base) + (size_t)len > max ? max - (size_t)len : strlen(base);
        snprintf(name, size, "%.*s%s", (int)keep, base, suffix);
    }
}

static int field_taken(const char *name, void *ent)
{
    char column[80];
    snprintf(column, sizeof column, "cf_%s", name);
    return meta_field(ent, column) != NULL;
}

static int option_taken(const char *value, void *opts)
{
    size_t i;
    json_t *o;
    json_array_foreach((json_t *)opts, i, o) {
        const char *v = json_string_value(json_object_get(o, "value"));
        if (v && strcmp(v, value) == 0) return 1;
    }
    return 0;
}

/* Options without a value get one from their Chinese label (重点客户 ->
 * zhongdiankehu), distinct within the list. */
static void fill_option_values(json_t *opts)
{
    size_t i;
    json_t *o;
    json_array_foreach(opts, i, o) {
        json_t *v = json_object_get(o, "value");
        const char *zh = json_string_value(json_object_get(o, "label_zh"));
        if (!json_is_object(o) || (v && !(json_is_string(v) && !*json_string_value(v))) || !zh || !*zh) continue;
        char code[64];
        code_from_label(zh, 40, code, sizeof code);
        first_free(code, sizeof code, 40, option_taken, opts);
        json_object_set_new(o, "value", json_string(code));
    }
}

/* A field without a name gets one from its Chinese label, free on the
 * entity; its options get values the same way. Those who care still name
 * them. */
static void fill_names(json_t *body, const entity_def *ent)
{
    json_t *name = json_object_get(body, "name");
    const char *label = json_string_value(json_object_get(body, "label_zh"));
    if ((!name || (json_is_string(name) && !*json_string_value(name))) && label && *label) {
        char code[64];
        code_from_label(label, 40, code, sizeof code);
        first_free(code, sizeof code, 40, field_taken, (void *)ent);
        json_object_set_new(body, "name", json_string(code));
    }
    json_t *opts = json_object_get(body, "options");
    if (json_is_array(opts)) fill_option_values(opts);
}

/* Adds to the fields e may already hold (unknown keys, from the caller). */
static int check_field_body(json_t *body, const entity_def *ent, const metadata *m, err *e)
{
    const char *name = json_string_value(json_object_get(body, "name"));
    const char *type = json_string_value(json_object_get(body, "type"));
    const char *label = json_string_value(json_object_get(body, "label_zh"));
    if (!name || !valid_field_name(name)) err_add_field(e, "name", name ? "invalid_format" : "required");
    int t = type ? field_type_from_name(type) : 0;
    if (!t || t == FT_ID || t == FT_AUTONUMBER || t == FT_JSON || t == FT_IMAGE) err_add_field(e, "type", type ? "invalid" : "required");
    if (!label || !*label || strlen(label) > 60) err_add_field(e, "label_zh", label ? "invalid" : "required");
    if (t == FT_LINK) {
        const char *target = json_string_value(json_object_get(body, "link_entity"));
        if (!target || !meta_entity(m, target)) err_add_field(e, "link_entity", "not_found");
    }
    json_t *opts = json_object_get(body, "options");
    if ((t == FT_PICKLIST || t == FT_MULTIPICKLIST) && (!json_is_array(opts) || !json_array_size(opts)))
        err_add_field(e, "options", "required");
    check_field_rules(body, ent, e);
    if (e->nfields) return err_set(e, 422, "validation_failed", "字段定义有误，请检查名称、类型和显示名称",
                                   "Invalid field definition: check name, type and label");
    char column[64];
    snprintf(column, sizeof column, "cf_%s", name);
    if (meta_field(ent, column)) {
        err_add_field(e, "name", "duplicate");
        return err_set(e, 409, "duplicate", "已存在同名字段", "A field with this name exists");
    }
    return 0;
}

/* Options of a picklist as rows; each needs a value and a Chinese label. */
static int write_options_rows(db_conn *db, int64_t company, const char *entity, const char *field, json_t *opts,
                              err *e)
{
    db_stmt *del = db_prepare(db, "DELETE FROM picklist_options WHERE company_id = ? AND entity = ? AND field = ?", e);
    if (!del) return -1;
    db_bind_int64(del, 1, company);
    db_bind_text(del, 2, entity);
    db_bind_text(del, 3, field);
    int rc = db_step(del);
    db_finalize(del);
    if (rc < 0) return err_set(e, 500, "db_error", "保存选项失败", "Cannot save options");
    size_t i;
    json_t *o;
    json_array_foreach(opts, i, o) {
        const char *value = json_string_value(json_object_get(o, "value"));
        const char *zh = json_string_value(json_object_get(o, "label_zh"));
        const char *en = json_string_value(json_object_get(o, "label_en"));
        json_t *active = json_object_get(o, "active");
        json_t *prob = json_object_get(o, "probability");
        int bad_prob = prob && (!json_is_integer(prob) || json_integer_value(prob) < 0 || json_integer_value(prob) > 100);
        if (!value || !*value || strlen(value) > 60 || strchr(value, ',') || !zh || !*zh || strlen(zh) > 100 ||
            (en && strlen(en) > 100) || (active && !json_is_boolean(active)) || bad_prob) {
            err_add_field(e, "options", "invalid");
            return err_setf(e, 422, "validation_failed", "第 %zu 个选项无效：需要值和中文名称",
                            "Option %zu is invalid: it needs a value and a Chinese label", i + 1);
        }
        db_stmt *s = db_prepare(db,
                                "INSERT INTO picklist_options(entity, field, value, label_zh, "
                                "label_en, position, active, probability, company_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                e);
        if (!s) return -1;
        db_bind_int64(s, 9, company);
        db_bind_text(s, 1, entity);
        db_bind_text(s, 2, field);
        db_bind_text(s, 3, value);
        db_bind_text(s, 4, zh);
        db_bind_text(s, 5, en ? en : zh);
        db_bind_int64(s, 6, (int64_t)i);
        db_bind_int64(s, 7, active ? json_is_true(active) : 1);
        if (prob) db_bind_int64(s, 8, json_integer_value(prob));
        else db_bind_null(s, 8);
        rc = db_step(s);
        db_finalize(s);
        if (rc == DB_ERR_UNIQUE) {
            err_add_field(e, "options", "duplicate");
            return err_set(e, 422, "validation_failed", "选项值不能重复", "Option values must be unique");
        }
        if (rc < 0) return err_set(e, 500, "db_error", "保存选项失败", "Cannot save options");
    }
    return 0;
}

static json_t *field_definition(json_t *body, const char *column)
{
    json_t *def = json_object();
    json_object_set_new(def, "name", json_string(column));
    json_object_set(def, "type", json_object_get(body, "type"));
    json_t *label = json_object();
    json_object_set(label, "zh", json_object_get(body, "label_zh"));
    json_t *en = json_object_get(body, "label_en");
    json_object_set(label, "en", en && json_is_string(en) ? en : json_object_get(body, "label_zh"));
    json_object_set_new(def, "label", label);
    static const char *const copied[] = {"required", "max_length", "scale", "link_entity",
                                         "searchable", "group", "required_when", "readonly_when",
                                         "visible_when", NULL};
    for (int i = 0; copied[i]; i++) {
        json_t *v = json_object_get(body, copied[i]);
        if (v) json_object_set(def, copied[i], v);
    }
    if (!json_object_get(def, "group")) json_object_set_new(def, "group", json_string("custom"));
    return def;
}

/* Whose field a new one is: a platform administrator's is the platform's
 * (company 0: every company has it), any other administrator's their
 * company's alone. */
static int64_t field_company(const entity_ctx *c)
{
    return c->user->platform_admin ? 0 : c->user->company_id;
}

/* A platform field's name must be free in every company, as each company
 * reads the platform's fields beside its own. */
static int name_used_by_a_company(db_conn *db, const entity_def *ent, const char *name, err *e)
{
    const char *params[] = {ent->name, name};
    int64_t n = 0;
    if (db_query_int64(db, "SELECT COUNT(*) FROM custom_fields WHERE entity = ? AND name = ?", &n, e, 2, params))
        return -1;
    if (n == 0) return 0;
    err_add_field(e, "name", "duplicate");
    return err_set(e, 409, "duplicate", "已有公司使用了这个字段名", "A company already has a field of this name");
}

/* The column of a company's field: the first slot of its SQL type
 * (cx_text_1, cx_text_2, ... cx_bigint_1 ...) the company does not use
 * yet. Slots are shared between companies, so the table has as many as
 * the company with the most fields of a type needs, not one per field. */
static char *slot_column(entity_ctx *c, const entity_def *ent, const field_def *f, int64_t company, err *e)
{
    char kind[16];
    size_t k = 0;
    for (const char *t = entity_column_type(f, db_dialect_of(c->db)); *t && k + 1 < sizeof kind; t++)
        kind[k++] = (char)tolower((unsigned char)*t);
    kind[k] = '\0';
    db_stmt *s = db_prepare(c->db, "SELECT column_name FROM custom_fields WHERE company_id = ? AND entity = ?", e);
    if (!s) return NULL;
    db_bind_int64(s, 1, company);
    db_bind_text(s, 2, ent->name);
    strbuf used = STRBUF_INIT; /* ",cx_text_1,cx_text_3," */
    sb_append(&used, ",");
    int rc;
    while ((rc = db_step(s)) == DB_ROW) sb_printf(&used, "%s,", db_column_text(s, 0));
    db_finalize(s);
    char *column = NULL;
    for (int n = 1; rc >= 0 && !column; n++) {
        char probe[48];
        snprintf(probe, sizeof probe, ",cx_%s_%d,", kind, n);
        if (!strstr(sb_str(&used), probe)) column = arena_printf(c->a, "cx_%s_%d", kind, n);
    }
    sb_free(&used);
    if (!column) err_set(e, 500, "db_error", "读取自定义字段失败", "Cannot read custom fields");
    return column;
}

static int insert_definition(entity_ctx *c, const entity_def *ent, int64_t company, const char *name,
                             const char *column, const char *definition, err *e)
{
    char now[ISO_TIME_LEN];
    iso_now(now);
    db_stmt *s = db_prepare(c->db,
                            "INSERT INTO custom_fields(entity, name, definition, created_at, "
                            "created_by, company_id, column_name) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, ent->name);
    db_bind_text(s, 2, name);
    db_bind_text(s, 3, definition);
    db_bind_text(s, 4, now);
    db_bind_int64(s, 5, c->user->id);
    db_bind_int64(s, 6, company);
    db_bind_text(s, 7, column);
    int step = db_step(s);
    db_finalize(s);
    return step == DB_ERR_UNIQUE ? err_set(e, 409, "duplicate", "已存在同名字段", "A field with this name exists")
           : step < 0            ? err_set(e, 500, "db_error", "保存字段失败", "Cannot save the field")
                                 : 0;
}

static int add_custom_field(entity_ctx *c, const entity_def *ent, json_t *body, char **name_out, err *e)
{
    const char *name = json_string_value(json_object_get(body, "name"));
    char *field_name = arena_printf(c->a, "cf_%s", name);
    json_t *def = field_definition(body, field_name);
    field_def f;
    char *text = json_dumps(def, JSON_COMPACT);
    int rc = meta_parse_field(ent->name, def, c->a, &f, e);
    json_decref(def);
    if (rc) return free(text), -1;
    int64_t company = field_company(c);
    if (db_begin(c->db, e)) return free(text), -1;
    rc = company ? 0 : name_used_by_a_company(c->db, ent, field_name, e);
    if (rc == 0 && company && !(f.column = slot_column(c, ent, &f, company, e))) rc = -1;
    if (rc == 0) rc = insert_definition(c, ent, company, field_name, meta_column(&f), text, e);
    free(text);
    json_t *opts = json_object_get(body, "options");
    if (rc == 0 && json_is_array(opts)) rc = write_options_rows(c->db, company, ent->name, field_name, opts, e);
    if (rc == 0) rc = entity_add_column(c->db, ent, &f, e);
    if (rc == 0) rc = meta_bump_version(c->db, e);
    if (rc == 0) rc = db_commit(c->db, e);
    if (rc) db_rollback(c->db);
    *name_out = field_name;
    return rc;
}

/* After a definition changed: this process reloads at once (the others on
 * their next request, by the version), and field access covers the field. */
static int reload(db_conn *db, err *e)
{
    return meta_reload(db, e) || acl_reload(db, e) ? -1 : 0;
}

int custom_field_add(entity_ctx *c, const entity_def *ent, json_t *body, char **name, err *e)
{
    fill_names(body, ent);
    if (check_field_body(body, ent, c->m, e) || add_custom_field(c, ent, body, name, e)) return -1;
    return reload(c->db, e);
}

/* Whether the scope (a company, or 0 for the platform) defined the field. */
static int defined_by(db_conn *db, const entity_def *ent, const char *name, int64_t company, err *e)
{
    db_stmt *s = db_prepare(db, "SELECT 1 FROM custom_fields WHERE company_id = ? AND entity = ? AND name = ?", e);
    if (!s) return -1;
    db_bind_int64(s, 1, company);
    db_bind_text(s, 2, ent->name);
    db_bind_text(s, 3, name);
    int rc = db_step(s);
    db_finalize(s);
    return rc < 0 ? err_set(e, 500, "db_error", "读取自定义字段失败", "Cannot read custom fields") : rc == DB_ROW;
}

/* The definition and options of the field, of the scope (the platform's:
 * every company's copy of its options too). */
static int delete_definition(db_conn *db, const entity_def *ent, const char *name, int64_t company, err *e)
{
    static const char *const sql[] = {
        "DELETE FROM custom_fields WHERE company_id = ? AND entity = ? AND name = ?",
        "DELETE FROM picklist_options WHERE (company_id = ? OR ? = 0) AND entity = ? AND field = ?",
    };
    for (int i = 0; i < 2; i++) {
        db_stmt *s = db_prepare(db, sql[i], e);
        if (!s) return -1;
        int k = 1;
        db_bind_int64(s, k++, company);
        if (i == 1) db_bind_int64(s, k++, company);
        db_bind_text(s, k++, ent->name);
        db_bind_text(s, k, name);
        int rc = db_step(s);
        db_finalize(s);
        if (rc < 0) return err_set(e, 500, "db_error", "删除字段失败", "Cannot delete the field");
    }
    return 0;
}

/* The quick-search words without the field: the company's rows, or for a
 * platform field every company's (each with its own fields). */
static int reindex_after_delete(db_conn *db, const entity_def *ent, int64_t company, err *e)
{
    if (company)
        return entity_reindex_company(db, meta_entity(meta_for_company(db, company), ent->name), company, e);
    return entity_reindex_all(db, meta_entity(meta_current(), ent->name), e);
}

int custom_field_deletable(const auth_user *u, const field_def *f)
{
    if (!u || !u->is_admin || !f->custom) return 0;
    return u->platform_admin ? f->column == NULL : f->column != NULL;
}

int custom_field_delete(entity_ctx *c, const entity_def *ent, const char *name, err *e)
{
    const field_def *f = meta_field(ent, name);
    int64_t company = field_company(c);
    int mine = f && custom_field_deletable(c->user, f) ? defined_by(c->db, ent, name, company, e) : 0;
    if (mine < 0) return -1;
    if (!mine) {
        if (f && !f->custom)
            return err_set(e, 422, "built_in", "系统字段不能删除", "A built-in field cannot be deleted");
        return err_set(e, 404, "not_found", "没有这个自定义字段", "No such custom field");
    }
    if (db_begin(c->db, e)) return -1;
    int rc = delete_definition(c->db, ent, name, company, e);
    if (rc == 0) rc = entity_drop_field_data(c->db, ent, f, company, e);
    if (rc == 0) rc = meta_bump_version(c->db, e);
    if (rc == 0) rc = db_commit(c->db, e);
    if (rc) {
        db_rollback(c->db);
        return -1;
    }
    if (reload(c->db, e)) return -1;
    return f->searchable ? reindex_after_delete(c->db, ent, company, e) : 0;
}

int picklist_replace(entity_ctx *c, const entity_def *ent, const field_def *f, json_t *body, err *e)
{
    json_t *opts = json_object_get(body, "options");
    if (!json_is_array(opts) || json_array_size(opts) == 0 || json_array_size(opts) > 500 ||
        json_object_size(body) != 1) {
        err_add_field(e, "options", "invalid");
        return err_set(e, 422, "validation_failed", "需要 options 数组（1 到 500 个选项）",
                       "An options array (1 to 500 options) is required");
    }
    fill_option_values(opts);
    if (db_begin(c->db, e)) return -1;
    /* the company's own set from now on; others keep theirs */
    /* a shared set (options_from) is changed where it lives, for every field sharing it */
    int rc = write_options_rows(c->db, c->user->company_id, f->options_entity ? f->options_entity : ent->name,
                                f->options_field ? f->options_field : f->name, opts, e);
    if (rc == 0) rc = meta_bump_version(c->db, e);
    if (rc == 0) rc = db_commit(c->db, e);
    if (rc) {
        db_rollback(c->db);
        return -1;
    }
    return reload(c->db, e);
}
