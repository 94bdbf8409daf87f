/* meta_load.c - turns the entity files compiled into the binary, plus the
 * custom fields and picklist options in the database, into one immutable
 * `metadata`, and publishes it (meta_publish, src/meta/meta_current.c). Every entity gets
 * the standard record columns (id, version, owner, stamps) here, so no
 * metadata file repeats them. */
#include "meta_load.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/arena.h"
#include "../meta/meta_computed.h"
#include "entity_tree.h"
#include "hook_registry.h"
#include "entity_action.h"
#include "entity_state.h"
#include "../meta/meta_print.h"
#include "../meta/meta_shares.h"
#include "form_layout.h"
#include "filter.h"

typedef struct embedded_file {
    const char *name;
    const unsigned char *data;
    size_t len;
} embedded_file;
extern const embedded_file metadata_files[];

/* Every published version's arena, newest first, freed by meta_shutdown. */
typedef struct published {
    arena *a;
    struct published *next;
} published;
static published *all_versions;
static pthread_mutex_t reload_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int64_t last_check;

static const char *jstr(arena *a, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
}

static void jlabel(arena *a, json_t *obj, const char **zh, const char **en)
{
    json_t *l = json_object_get(obj, "label");
    if (json_is_string(l)) {
        *zh = *en = arena_strdup(a, json_string_value(l));
        return;
    }
    *zh = jstr(a, l, "zh");
    *en = jstr(a, l, "en");
    if (!*zh) *zh = *en ? *en : "";
    if (!*en) *en = *zh;
}

/* "account_id" -> "account_name", "created_by" -> "created_by_name". */
static const char *companion_name(arena *a, const char *field)
{
    size_t n = strlen(field);
    if (n > 3 && strcmp(field + n - 3, "_id") == 0) return arena_printf(a, "%.*s_name", (int)(n - 3), field);
    return arena_printf(a, "%s_name", field);
}

/* A label: text, or {"zh", "en"} with zh. */
static int view_label_valid(const json_t *l)
{
    return !l || json_is_string(l) || (json_is_object(l) && json_is_string(json_object_get(l, "zh")));
}

/* json_view: an object; "columns" a list of {key (a path "a.b"), label,
 * as?}, "keys" labels by key, "keys_from" where to read them, "key_label"
 * / "value_label" labels. */
static int json_view_valid(const json_t *v)
{
    if (!json_is_object(v)) return 0;
    const json_t *cols = json_object_get(v, "columns"), *keys = json_object_get(v, "keys");
    if (cols && !json_is_array(cols)) return 0;
    size_t i;
    const json_t *c;
    json_array_foreach(cols, i, c)
        if (!json_is_object(c) || !json_is_string(json_object_get(c, "key")) || !view_label_valid(json_object_get(c, "label")))
            return 0;
    if (keys && !json_is_object(keys)) return 0;
    /* keys_from: the labels of an object's keys from a list in a linked
     * record ({"entity","link","field","key","label"}, all names) */
    const json_t *from = json_object_get(v, "keys_from");
    static const char *const FROM[] = {"entity", "link", "field", "key", "label"};
    for (size_t k = 0; from && k < sizeof FROM / sizeof *FROM; k++)
        if (!json_is_string(json_object_get(from, FROM[k]))) return 0;
    const char *k;
    json_t *l;
    json_object_foreach((json_t *)keys, k, l) if (!view_label_valid(l)) return 0;
    return view_label_valid(json_object_get(v, "key_label")) && view_label_valid(json_object_get(v, "value_label"));
}

int meta_parse_field(const char *entity, const void *json_field, arena *a, field_def *f, err *e)
{
    json_t *jf = (json_t *)json_field;
    memset(f, 0, sizeof *f);
    f->name = jstr(a, jf, "name");
    const char *type = jstr(a, jf, "type");
    int t = type ? field_type_from_name(type) : 0;
    if (!f->name || !t)
        return err_setf(e, 500, "bad_metadata", "实体 %s 的字段定义无效", "Invalid field in entity %s",
                        entity);
    f->type = (field_type)t;
    jlabel(a, jf, &f->label_zh, &f->label_en);
    json_t *hint = json_object_get(jf, "hint");
    if (hint) {
        f->hint_zh = jstr(a, hint, "zh");
        f->hint_en = jstr(a, hint, "en");
        if (!f->hint_en) f->hint_en = f->hint_zh;
    }
    f->required = json_is_true(json_object_get(jf, "required"));
    f->unique = json_is_true(json_object_get(jf, "unique"));
    f->searchable = json_is_true(json_object_get(jf, "searchable"));
    f->indexed = json_is_true(json_object_get(jf, "indexed"));
    f->max_length = (int)json_integer_value(json_object_get(jf, "max_length"));
    f->scale = f->type == FT_MONEY || f->type == FT_PERCENT ? 2
               : f->type == FT_DECIMAL                      ? 4
                                                            : 0;
    if (json_is_integer(json_object_get(jf, "scale")))
        f->scale = (int)json_integer_value(json_object_get(jf, "scale"));
    json_t *def = json_object_get(jf, "default");
    if (def) {
        char *text = json_dumps(def, JSON_ENCODE_ANY);
        f->default_value = arena_strdup(a, text ? text : "null");
        free(text);
    }
    f->link_entity = f->type == FT_USER ? "users" : jstr(a, jf, "link_entity");
    if (f->type == FT_LINK && !f->link_entity)
        return err_setf(e, 500, "bad_metadata", "字段 %s.%s 缺少关联实体", "Field %s.%s has no link_entity",
                        entity, f->name);
    if (f->type == FT_LINK || f->type == FT_USER) f->companion = companion_name(a, f->name);
    f->autonumber_prefix = jstr(a, jf, "prefix");
    f->autonumber_digits = (int)json_integer_value(json_object_get(jf, "digits"));
    if (f->type == FT_AUTONUMBER) {
        f->readonly = 1;
        if (!f->autonumber_prefix) f->autonumber_prefix = "";
        if (f->autonumber_digits <= 0 || f->autonumber_digits > 12) f->autonumber_digits = 6;
    }
    f->group = jstr(a, jf, "group");
    f->readonly |= json_is_true(json_object_get(jf, "readonly"));
    json_t *sv = json_object_get(jf, "server_values");
    if (json_is_array(sv) && json_array_size(sv)) {
        f->server_values = arena_alloc(a, sizeof(char *) * json_array_size(sv));
        size_t k;
        json_t *v;
        json_array_foreach(sv, k, v)
            if (json_is_string(v)) f->server_values[f->nserver_values++] = arena_strdup(a, json_string_value(v));
    }
    json_t *fill = json_object_get(jf, "fill");
    if (f->type == FT_LINK && json_is_object(fill)) {
        char *text = json_dumps(fill, JSON_COMPACT);
        f->fill = arena_strdup(a, text ? text : "{}");
        free(text);
    }
    const char *from = jstr(a, jf, "options_from");
    const char *dot = from ? strchr(from, '.') : NULL;
    if (from && (!dot || dot == from || !dot[1] || (f->type != FT_PICKLIST && f->type != FT_MULTIPICKLIST)))
        return err_setf(e, 500, "bad_metadata", "字段 %s.%s 的 options_from 应为 实体.字段", "Field %s.%s: options_from is entity.field",
                        entity, f->name);
    if (dot) {
        f->options_entity = arena_strndup(a, from, (size_t)(dot - from));
        f->options_field = dot + 1;
    }
    json_t *lf = json_object_get(jf, "link_filter");
    if (f->type == FT_LINK && json_is_object(lf)) {
        char *text = json_dumps(lf, JSON_COMPACT);
        f->link_filter = arena_strdup(a, text ? text : "{}");
        free(text);
    }
    json_t *jv = json_object_get(jf, "json_view");
    if (jv) {
        if (f->type != FT_JSON || !json_view_valid(jv))
            return err_setf(e, 500, "bad_metadata", "字段 %s.%s 的 json_view 无效", "Field %s.%s: invalid json_view",
                            entity, f->name);
        char *text = json_dumps(jv, JSON_COMPACT);
        f->json_view = arena_strdup(a, text ? text : "{}");
        free(text);
    }
    if (f->type == FT_JSON) f->filter_of = jstr(a, jf, "filter_of");
    f->custom = strncmp(f->name, "cf_", 3) == 0;
    return meta_parse_field_rules(entity, jf, a, f, e);
}

static void add_system_fields(arena *a, entity_def *ent, field_def *out, int *n)
{
    static const struct {
        const char *name;
        field_type type;
        const char *zh, *en;
    } sys[] = {
        {"id", FT_ID, "编号", "ID"},
        {"version", FT_ID, "版本", "Version"},
        {"owner_id", FT_USER, "负责人", "Owner"},
        {"created_at", FT_DATETIME, "创建时间", "Created at"},
        {"updated_at", FT_DATETIME, "修改时间", "Updated at"},
        {"created_by", FT_USER, "创建人", "Created by"},
        {"updated_by", FT_USER, "修改人", "Updated by"},
        {"deleted_at", FT_DATETIME, "删除时间", "Deleted at"}, /* set while in the recycle bin */
        {"company_id", FT_ID, "所属公司", "Company"},            /* the tenant: set by the engine, never changed */
    };
    for (size_t i = 0; i < sizeof sys / sizeof sys[0]; i++) {
        field_def *f = &out[(*n)++];
        memset(f, 0, sizeof *f);
        f->name = sys[i].name;
        f->type = sys[i].type;
        f->label_zh = sys[i].zh;
        f->label_en = sys[i].en;
        f->system = 1;
        /* The owner can be changed by those with the assign right; the
         * engine checks that, so it is not marked read-only here. */
        f->readonly = strcmp(sys[i].name, "owner_id") != 0;
        if (f->type == FT_USER) {
            f->link_entity = "users";
            f->companion = companion_name(a, f->name);
        }
        f->group = "system";
    }
    (void)ent;
}

/* Options: from the database when present (admins edit them there); the
 * file's options seed the database on first start, as the platform's set
 * (company 0). A company that changed a picklist has rows of its own,
 * which replace the platform's for that company. */
static int load_options(db_conn *c, arena *a, const char *entity, field_def *f, int64_t company, err *e)
{
    if (f->options_entity) entity = f->options_entity; /* a shared set: its owner's rows */
    const char *field = f->options_field ? f->options_field : f->name;
    db_stmt *s = db_prepare(c,
                            "SELECT value, label_zh, label_en, active, probability, company_id FROM picklist_options "
                            "WHERE company_id IN (0, ?) AND entity = ? AND field = ? ORDER BY company_id DESC, position, id",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, company);
    db_bind_text(s, 2, entity);
    db_bind_text(s, 3, field);
    int cap = 16, n = 0, rc;
    picklist_option *opts = arena_alloc(a, sizeof *opts * (size_t)cap);
    int64_t whose = -1;
    while ((rc = db_step(s)) == DB_ROW) {
        if (whose < 0) whose = db_column_int64(s, 5);
        if (db_column_int64(s, 5) != whose) break; /* the company's own set hides the platform's */
        if (n == cap) {
            picklist_option *bigger = arena_alloc(a, sizeof *opts * (size_t)cap * 2);
            memcpy(bigger, opts, sizeof *opts * (size_t)cap);
            opts = bigger;
            cap *= 2;
        }
        opts[n].value = arena_strdup(a, db_column_text(s, 0));
        opts[n].label_zh = arena_strdup(a, db_column_text(s, 1));
        opts[n].label_en = db_column_is_null(s, 2) ? opts[n].label_zh : arena_strdup(a, db_column_text(s, 2));
        opts[n].active = (int)db_column_int64(s, 3);
        opts[n].probability = db_column_is_null(s, 4) ? -1 : (int)db_column_int64(s, 4);
        n++;
    }
    db_finalize(s);
    if (rc < 0) return err_set(e, 500, "db_error", "读取下拉选项失败", "Cannot read picklist options");
    f->options = opts;
    f->noptions = n;
    return 0;
}

static int seed_options(db_conn *c, const char *entity, json_t *jf, err *e)
{
    json_t *opts = json_object_get(jf, "options");
    if (!json_is_array(opts) || json_array_size(opts) == 0) return 0;
    const char *field = json_string_value(json_object_get(jf, "name"));
    int64_t count = 0;
    const char *params[] = {entity, field};
    if (db_query_int64(c, "SELECT COUNT(*) FROM picklist_options WHERE company_id = 0 AND entity = ? AND field = ?",
                       &count, e, 2, params) < 0)
        return -1;
    if (count > 0) return 0;
    size_t i;
    json_t *o;
    json_array_foreach(opts, i, o) {
        db_stmt *s = db_prepare(c,
                                "INSERT INTO picklist_options(entity, field, value, label_zh, "
                                "label_en, position, active, probability) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                                e);
        if (!s) return -1;
        db_bind_text(s, 1, entity);
        db_bind_text(s, 2, field);
        db_bind_text(s, 3, json_string_value(json_object_get(o, "value")));
        db_bind_text(s, 4, json_string_value(json_object_get(o, "zh")));
        db_bind_text(s, 5, json_string_value(json_object_get(o, "en")));
        db_bind_int64(s, 6, (int64_t)i);
        json_t *prob = json_object_get(o, "probability");
        if (json_is_integer(prob)) db_bind_int64(s, 7, json_integer_value(prob));
        else db_bind_null(s, 7);
        int rc = db_step(s);
        db_finalize(s);
        if (rc < 0 && rc != DB_ERR_UNIQUE)
            return err_set(e, 500, "db_error", "写入下拉选项失败", "Cannot seed picklist options");
    }
    return 0;
}

/* The platform's custom fields and, for a company's version, its own
 * (stored in slot columns: column_name differs from the name). */
static int load_custom_fields(db_conn *c, arena *a, entity_def *ent, field_def *fields, int *n,
                              int cap, int64_t company, err *e)
{
    db_stmt *s = db_prepare(c,
                            "SELECT definition, column_name FROM custom_fields WHERE entity = ? "
                            "AND company_id IN (0, ?) ORDER BY id",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, ent->name);
    db_bind_int64(s, 2, company);
    int rc;
    while ((rc = db_step(s)) == DB_ROW && *n < cap) {
        json_t *jf = json_loads(db_column_text(s, 0), 0, NULL);
        if (jf && meta_parse_field(ent->name, jf, a, &fields[*n], e) == 0) {
            const char *column = db_column_text(s, 1);
            fields[*n].custom = 1;
            if (column && strcmp(column, fields[*n].name) != 0) fields[*n].column = arena_strdup(a, column);
            (*n)++;
        }
        json_decref(jf);
    }
    db_finalize(s);
    return rc < 0 ? err_set(e, 500, "db_error", "读取自定义字段失败", "Cannot read custom fields") : 0;
}

/* "indexes" (or "lookup_indexes"): [["queue_id", "status",
 * "resolution_due"], ...]: each a list of the entity's own fields (not
 * custom: a custom field's column may move), at most 4. */
static int parse_index_list(arena *a, json_t *je, entity_def *ent, const char *key, const char ***out, int *nout,
                            err *e)
{
    json_t *list = json_object_get(je, key), *cols, *v;
    size_t i, k;
    *out = arena_alloc(a, sizeof(char *) * (json_array_size(list) + 1));
    json_array_foreach(list, i, cols) {
        strbuf sb = STRBUF_INIT;
        int bad = !json_is_array(cols) || !json_array_size(cols) || json_array_size(cols) > 4;
        json_array_foreach(cols, k, v) {
            const field_def *f = json_is_string(v) ? meta_field(ent, json_string_value(v)) : NULL;
            if (!f || f->custom || f->type == FT_JSON) bad = 1;
            if (bad) break;
            sb_printf(&sb, "%s%s", k ? ", " : "", meta_column(f));
        }
        if (bad) {
            sb_free(&sb);
            return err_setf(e, 500, "bad_metadata", "%s 的索引 %zu 无效", "Index %zu of %s is invalid", ent->name, i,
                            i, ent->name);
        }
        (*out)[(*nout)++] = arena_strdup(a, sb_str(&sb));
        sb_free(&sb);
    }
    return 0;
}

static int parse_indexes(arena *a, json_t *je, entity_def *ent, err *e)
{
    return parse_index_list(a, je, ent, "indexes", &ent->indexes, &ent->nindexes, e) ||
           parse_index_list(a, je, ent, "lookup_indexes", &ent->lookup_indexes, &ent->nlookup_indexes, e);
}

static void parse_layout(arena *a, json_t *je, entity_def *ent)
{
    json_t *cols = json_object_get(je, "list_columns"), *v;
    size_t i;
    ent->list_columns = arena_alloc(a, sizeof(char *) * (json_array_size(cols) + 1));
    json_array_foreach(cols, i, v) ent->list_columns[ent->nlist_columns++] = arena_strdup(a, json_string_value(v));
    json_t *groups = json_object_get(je, "groups");
    ent->groups = arena_alloc(a, sizeof(layout_group) * (json_array_size(groups) + 1));
    json_array_foreach(groups, i, v) {
        layout_group *g = &ent->groups[ent->ngroups++];
        g->key = jstr(a, v, "key");
        jlabel(a, v, &g->label_zh, &g->label_en);
    }
    json_t *rels = json_object_get(je, "relations");
    ent->relations = arena_alloc(a, sizeof(relation_def) * (json_array_size(rels) + 1));
    json_array_foreach(rels, i, v) {
        relation_def *r = &ent->relations[ent->nrelations++];
        r->name = jstr(a, v, "name");
        r->entity = jstr(a, v, "entity");
        r->field = jstr(a, v, "field");
        r->owned = json_is_true(json_object_get(v, "owned"));
        r->position = jstr(a, v, "position");
        jlabel(a, v, &r->label_zh, &r->label_en);
    }
}

static int bad_ledger(const entity_def *ent, const char *what, err *e)
{
    return err_setf(e, 500, "bad_metadata", "实体 %s 的账本定义有误：%s", "Entity %s: bad ledger definition: %s",
                    ent->name, what, ent->name, what);
}

static int identifier_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 40) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
    return 1;
}

static int summable(const field_def *f)
{
    return f && (f->type == FT_INTEGER || f->type == FT_MONEY || f->type == FT_DECIMAL || f->type == FT_PERCENT);
}

/* A list of field names of ent; NULL (and *n = -1) when one is unknown or
 * fails `ok`. */
static const char **field_list(arena *a, const entity_def *ent, json_t *names, int (*ok)(const field_def *), int *n)
{
    const char **out = arena_alloc(a, sizeof *out * (json_array_size(names) + 1));
    size_t i;
    json_t *v;
    *n = 0;
    json_array_foreach(names, i, v) {
        const field_def *f = meta_field(ent, json_string_value(v));
        if (!f || !ok(f)) return *n = -1, NULL;
        out[(*n)++] = f->name;
    }
    return out;
}

/* Grouping by an empty value would need NULL-aware keys: group_by fields
 * are required and not scaled numbers. */
static int groupable(const field_def *f)
{
    return f->required && !field_is_scaled(f) && f->type != FT_MULTIPICKLIST && f->type != FT_JSON &&
           f->type != FT_LONGTEXT;
}

/* "immutable", "reversal": {"negate": [...], "link": field} and
 * "balances": [{name, label, group_by, sum, not_negative,
 * negative_allowed_by}] (see balance_def). */
static int parse_ledger(arena *a, json_t *je, entity_def *ent, err *e)
{
    ent->immutable = json_is_true(json_object_get(je, "immutable"));
    json_t *rev = json_object_get(je, "reversal"), *bals = json_object_get(je, "balances"), *v;
    if ((rev || bals) && !ent->immutable) return bad_ledger(ent, "reversal/balances need \"immutable\": true", e);
    if (rev) {
        ent->negate = field_list(a, ent, json_object_get(rev, "negate"), summable, &ent->nnegate);
        const field_def *link = meta_field(ent, json_string_value(json_object_get(rev, "link")));
        if (ent->nnegate <= 0 || !link || link->type != FT_LINK || strcmp(link->link_entity, ent->name) != 0)
            return bad_ledger(ent, "reversal needs negate (number fields) and link (a link to itself)", e);
        ent->reverses_field = link->name;
    }
    ent->balances = arena_alloc(a, sizeof *ent->balances * (json_array_size(bals) + 1));
    size_t i;
    json_array_foreach(bals, i, v) {
        balance_def *b = &ent->balances[ent->nbalances++];
        b->name = jstr(a, v, "name");
        jlabel(a, v, &b->label_zh, &b->label_en);
        b->group_by = field_list(a, ent, json_object_get(v, "group_by"), groupable, &b->ngroup_by);
        b->sum = field_list(a, ent, json_object_get(v, "sum"), summable, &b->nsum);
        if (!identifier_ok(b->name) || b->ngroup_by <= 0 || b->nsum <= 0)
            return bad_ledger(ent, "a balance needs a name, group_by (required fields) and sum (number fields)", e);
        b->table = arena_printf(a, "%s_bal_%s", ent->table, b->name);
        b->not_negative = json_is_true(json_object_get(v, "not_negative"));
        b->negative_setting = jstr(a, v, "negative_allowed_by");
    }
    return 0;
}

#define MAX_FIELDS_PER_ENTITY 256

/* field_def.json_key and json_companion_key. */
static void json_keys(arena *a, field_def *f)
{
    strbuf sb = STRBUF_INIT;
    sb_json_string(&sb, f->name);
    sb_putc(&sb, ':');
    f->json_key = arena_strdup(a, sb_str(&sb));
    if (f->companion) {
        sb_clear(&sb);
        sb_putc(&sb, ',');
        sb_json_string(&sb, f->companion);
        sb_putc(&sb, ':');
        f->json_companion_key = arena_strdup(a, sb_str(&sb));
    }
    sb_free(&sb);
}

static int build_entity(db_conn *c, arena *a, json_t *je, entity_def *ent, int seed, int64_t company, err *e)
{
    ent->name = jstr(a, je, "name");
    if (!ent->name) return err_set(e, 500, "bad_metadata", "实体定义缺少名称", "Entity without a name");
    ent->table = jstr(a, je, "table");
    if (!ent->table) ent->table = ent->name;
    jlabel(a, je, &ent->label_zh, &ent->label_en);
    ent->menu_group = jstr(a, je, "menu_group");
    ent->icon = jstr(a, je, "icon");
    ent->name_field = jstr(a, je, "name_field");
    ent->is_system = json_is_true(json_object_get(je, "system"));
    ent->pool = json_is_true(json_object_get(je, "pool"));
    ent->vcard = json_is_true(json_object_get(je, "vcard"));
    ent->personal = json_is_true(json_object_get(je, "personal"));
    ent->sharing = jstr(a, je, "sharing");
    ent->shares = meta_parse_shares(a, je);
    ent->tree_parent = jstr(a, je, "tree");
    ent->hooks = entity_hooks_for(ent->name); /* the same lists in every rebuilt version */
    field_def *fields = arena_alloc(a, sizeof *fields * MAX_FIELDS_PER_ENTITY);
    int n = 0;
    add_system_fields(a, ent, fields, &n);
    json_t *jfields = json_object_get(je, "fields"), *jf;
    size_t i;
    json_array_foreach(jfields, i, jf) {
        if (n >= MAX_FIELDS_PER_ENTITY) break;
        if (meta_parse_field(ent->name, jf, a, &fields[n], e) != 0) return -1;
        fields[n].computed = jstr(a, jf, "computed"); /* built-in fields only: see meta_computed.h */
        if (seed && seed_options(c, ent->name, jf, e) != 0) return -1;
        n++;
    }
    if (load_custom_fields(c, a, ent, fields, &n, MAX_FIELDS_PER_ENTITY, company, e) != 0) return -1;
    for (int k = 0; k < n; k++)
        if ((fields[k].type == FT_PICKLIST || fields[k].type == FT_MULTIPICKLIST) &&
            load_options(c, a, ent->name, &fields[k], company, e) != 0)
            return -1;
    for (int k = 0; k < n; k++) json_keys(a, &fields[k]);
    ent->fields = fields;
    ent->nfields = n;
    /* Chinese users expect names in pinyin order (拼音排序). */
    field_def *named = ent->name_field ? (field_def *)meta_field(ent, ent->name_field) : NULL;
    if (named) named->sort_column = "py_full";
    parse_layout(a, je, ent);
    if (company && form_layout_apply(c, a, ent, company, e)) return -1;
    return parse_indexes(a, je, ent, e) || parse_ledger(a, je, ent, e) || meta_parse_actions(je, a, ent, e) ||
                   meta_parse_print(je, a, ent, e)
               ? -1
               : 0;
}

/* Marks the lines of every owned relation with their owner, after all
 * entities are built; a relation that cannot hold lines is a bad file. */
static int link_owned_lines(metadata *m, err *e)
{
    for (int i = 0; i < m->nentities; i++) {
        entity_def *ent = &m->entities[i];
        for (int k = 0; k < ent->nrelations; k++) {
            const relation_def *r = &ent->relations[k];
            if (!r->owned) continue;
            entity_def *lines = (entity_def *)meta_entity(m, r->entity);
            const field_def *link = lines ? meta_field(lines, r->field) : NULL;
            const field_def *pos = lines && r->position ? meta_field(lines, r->position) : NULL;
            if (!link || link->type != FT_LINK || strcmp(link->link_entity, ent->name) != 0 || !pos ||
                pos->type != FT_INTEGER || lines->owner || lines == ent)
                return err_setf(e, 500, "bad_metadata", "%s 的明细关系 %s 无效", "Owned relation %s.%s is invalid",
                                ent->name, r->name);
            lines->owner = ent;
            lines->owner_relation = r;
        }
    }
    return 0;
}

/* A shared set read before its owner's file seeded the options (sla_rules
 * before tickets, in file order) is read again once every file is in. */
static int reload_shared_options(db_conn *c, arena *a, metadata *m, int64_t company, err *e)
{
    for (int i = 0; i < m->nentities; i++)
        for (int k = 0; k < m->entities[i].nfields; k++) {
            field_def *f = &m->entities[i].fields[k];
            if (f->options_entity && !f->noptions && load_options(c, a, m->entities[i].name, f, company, e)) return -1;
        }
    return 0;
}

/* A shared option set names a picklist that exists and has its own. */
static int check_shared_options(const metadata *m, err *e)
{
    for (int i = 0; i < m->nentities; i++)
        for (int k = 0; k < m->entities[i].nfields; k++) {
            const field_def *f = &m->entities[i].fields[k];
            if (!f->options_entity) continue;
            const entity_def *owner = meta_entity(m, f->options_entity);
            const field_def *of = owner ? meta_field(owner, f->options_field) : NULL;
            if (!of || (of->type != FT_PICKLIST && of->type != FT_MULTIPICKLIST) || of->options_entity)
                return err_setf(e, 500, "bad_metadata", "字段 %s.%s 的 options_from 无效", "Field %s.%s: bad options_from",
                                m->entities[i].name, f->name);
        }
    return 0;
}

/* A link's link_filter must compile against the linked entity (unknown
 * field, operator or value type): checked once at load, not at a write. */
static int check_link_filters(const metadata *m, arena *a, err *e)
{
    for (int i = 0; i < m->nentities; i++)
        for (int k = 0; k < m->entities[i].nfields; k++) {
            const field_def *f = &m->entities[i].fields[k];
            if (!f->link_filter) continue;
            filter_ctx fc = {.entity = meta_entity(m, f->link_entity), .dialect = DB_SQLITE, .alias = "t"};
            query q;
            query_init(&q, a);
            err bad;
            err_clear(&bad);
            int rc = fc.entity ? filter_compile(&fc, f->link_filter, strlen(f->link_filter), &q, &bad) : -1;
            query_free(&q);
            if (rc)
                return err_setf(e, 500, "bad_metadata", "字段 %s.%s 的 link_filter 无效",
                                "Field %s.%s has an invalid link_filter", m->entities[i].name, f->name);
        }
    return 0;
}

/* A filter_of names a picklist of the same entity whose every option is
 * an entity: what the form offers conditions on. */
static int check_filter_of(const metadata *m, err *e)
{
    for (int i = 0; i < m->nentities; i++)
        for (int k = 0; k < m->entities[i].nfields; k++) {
            const field_def *f = &m->entities[i].fields[k];
            if (!f->filter_of) continue;
            const field_def *by = meta_field(&m->entities[i], f->filter_of);
            int ok = by && by->type == FT_PICKLIST;
            for (int o = 0; ok && o < by->noptions; o++) ok = meta_entity(m, by->options[o].value) != NULL;
            if (!ok)
                return err_setf(e, 500, "bad_metadata", "字段 %s.%s 的 filter_of 应为列出实体的选项字段",
                                "Field %s.%s: filter_of must name a picklist of entities", m->entities[i].name, f->name);
        }
    return 0;
}

static int64_t stored_version(db_conn *c)
{
    int64_t v = 0;
    err e;
    err_clear(&e);
    db_query_int64(c, "SELECT CAST(value AS BIGINT) FROM settings WHERE key = 'metadata_version'",
                   &v, &e, 0, NULL);
    return v;
}

/* Builds a version: the platform's (company 0, published as current) or
 * one company's, with its own picklists and custom fields; *out when not
 * NULL receives it instead of publishing. */
static int build(db_conn *c, int seed, int64_t company, const metadata **out, err *e)
{
    arena *a = arena_new(); /* lives as long as the process: see meta_current */
    metadata *m = arena_alloc(a, sizeof *m);
    m->company_id = company;
    int count = 0;
    while (metadata_files[count].name) count++;
    m->entities = arena_alloc(a, sizeof(entity_def) * (size_t)(count + 1));
    m->version = stored_version(c);
    for (int i = 0; i < count; i++) {
        json_error_t je;
        json_t *root = json_loadb((const char *)metadata_files[i].data, metadata_files[i].len, 0, &je);
        if (!root) {
            arena_free(a);
            return err_setf(e, 500, "bad_metadata", "元数据文件 %s 无效：%s", "Metadata file %s is invalid: %s",
                            metadata_files[i].name, je.text);
        }
        int rc = build_entity(c, a, root, &m->entities[m->nentities], seed, company, e);
        json_decref(root);
        if (rc != 0) {
            arena_free(a);
            return -1;
        }
        m->nentities++;
    }
    if (reload_shared_options(c, a, m, company, e) || link_owned_lines(m, e) || meta_link_shares(m, e) || check_shared_options(m, e) || check_link_filters(m, a, e) || check_filter_of(m, e) || meta_check_prints(m, e) || meta_check_actions(m, e) ||
        meta_link_trees(m, e) ||
        meta_prepare_computed(m, a, e)) {
        arena_free(a);
        return -1;
    }
    published *p = arena_alloc(a, sizeof *p);
    p->a = a;
    p->next = all_versions;
    all_versions = p;
    if (out) *out = m;
    else meta_publish(m);
    return 0;
}

static int load(db_conn *c, int seed, err *e)
{
    return build(c, seed, 0, NULL, e);
}

/* ---- each company's version ---- */

/* The version each company reads, for the platform version it was made
 * from; a company without picklists of its own reads the platform's. */
typedef struct company_meta {
    int64_t company_id, version;
    const metadata *m;
} company_meta;
static company_meta *companies;
static int ncompanies, companies_cap;
static pthread_mutex_t companies_lock = PTHREAD_MUTEX_INITIALIZER;

static company_meta *company_entry(int64_t company_id)
{
    for (int i = 0; i < ncompanies; i++)
        if (companies[i].company_id == company_id) return &companies[i];
    if (ncompanies == companies_cap) {
        companies_cap = companies_cap ? companies_cap * 2 : 16;
        companies = realloc(companies, sizeof *companies * (size_t)companies_cap);
    }
    companies[ncompanies] = (company_meta){.company_id = company_id, .version = -1};
    return &companies[ncompanies++];
}

/* Whether the company keeps picklist options, custom fields or form
 * layouts of its own. */
static int has_own_metadata(db_conn *c, int64_t company_id)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)company_id);
    const char *params[] = {id, id, id};
    int64_t n = 0;
    err ignore;
    err_clear(&ignore);
    /* EXISTS: stops at the first row, however many options a company has */
    return db_query_int64(c,
                          "SELECT CASE WHEN EXISTS (SELECT 1 FROM picklist_options WHERE company_id = CAST(? AS BIGINT)) "
                          "OR EXISTS (SELECT 1 FROM custom_fields WHERE company_id = CAST(? AS BIGINT)) "
                          "OR EXISTS (SELECT 1 FROM company_settings WHERE company_id = CAST(? AS BIGINT) "
                          "AND key LIKE 'layout.%') THEN 1 ELSE 0 END",
                          &n, &ignore, 3, params) == 0 && n > 0;
}

const metadata *meta_for_company(db_conn *c, int64_t company_id)
{
    const metadata *base = meta_current();
    if (company_id <= 0 || !base) return base;
    pthread_mutex_lock(&companies_lock);
    company_meta *cm = company_entry(company_id);
    if (cm->version != base->version) {
        const metadata *own = base;
        err e;
        err_clear(&e);
        if (has_own_metadata(c, company_id)) {
            pthread_mutex_lock(&reload_lock);
            if (build(c, 0, company_id, &own, &e)) own = base; /* logged below; the platform's set serves */
            pthread_mutex_unlock(&reload_lock);
            if (own == base) fprintf(stderr, "kehu: company %lld metadata: %s\n", (long long)company_id, e.en);
        }
        *cm = (company_meta){.company_id = company_id, .version = base->version, .m = own};
    }
    const metadata *m = cm->m;
    pthread_mutex_unlock(&companies_lock);
    return m;
}

void meta_shutdown(void)
{
    pthread_mutex_lock(&companies_lock);
    free(companies);
    companies = NULL;
    ncompanies = companies_cap = 0;
    pthread_mutex_unlock(&companies_lock);
    pthread_mutex_lock(&reload_lock);
    meta_publish(NULL);
    while (all_versions) {
        published *next = all_versions->next;
        arena_free(all_versions->a); /* p itself lives in that arena */
        all_versions = next;
    }
    pthread_mutex_unlock(&reload_lock);
}

int meta_init(db_conn *c, err *e)
{
    pthread_mutex_lock(&reload_lock);
    int rc = load(c, 1, e);
    pthread_mutex_unlock(&reload_lock);
    return rc;
}

int meta_reload(db_conn *c, err *e)
{
    pthread_mutex_lock(&reload_lock);
    int rc = load(c, 0, e);
    pthread_mutex_unlock(&reload_lock);
    return rc;
}

/* The connection's statements follow the metadata in force (db_schema_epoch:
 * PostgreSQL drops plans kept from before a custom field changed a column). */
static void schema_epoch(db_conn *c)
{
    const metadata *m = meta_current();
    if (m) db_schema_epoch(c, m->version);
}

void meta_refresh_if_stale(db_conn *c)
{
    int64_t now = (int64_t)time(NULL);
    int64_t last = atomic_load(&last_check);
    if (now != last && atomic_compare_exchange_strong(&last_check, &last, now)) {
        const metadata *m = meta_current();
        if (m && stored_version(c) != m->version) {
            err e;
            err_clear(&e);
            meta_reload(c, &e);
        }
    }
    schema_epoch(c);
}

void meta_refresh_to(db_conn *c, int64_t version)
{
    const metadata *m = meta_current();
    if (version < 0) return meta_refresh_if_stale(c);
    if (m && version > m->version) { /* versions only grow: never back to an older one */
        err e;
        err_clear(&e);
        meta_reload(c, &e);
    }
    schema_epoch(c);
}

void meta_refresh_now(db_conn *c)
{
    meta_refresh_to(c, stored_version(c));
}

int meta_bump_version(db_conn *c, err *e)
{
    db_stmt *s = db_prepare(c,
                            "UPDATE settings SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) "
                            "WHERE key = 'metadata_version'",
                            e);
    if (!s) return -1;
    int rc = db_step(s);
    db_finalize(s);
    return rc < 0 ? err_set(e, 500, "db_error", "更新元数据版本失败", "Cannot bump metadata version") : 0;
}
