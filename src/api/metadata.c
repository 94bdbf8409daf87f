/* metadata.c - what the client may know about entities, and the admin's
 * run-time customisation:
 *   GET  /api/v1/metadata                                entities, fields, layouts, menu
 *   POST /api/v1/metadata/entities/{entity}/fields       add a custom field (real column)
 *   PUT  /api/v1/metadata/picklists/{entity}/{field}     replace a picklist's options
 * The answer is filtered by the user's rights: entities they may not view
 * and fields hidden from them are not mentioned at all. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "../entity/entity_schema.h"
#include "../entity/meta_load.h"
#include "../util/clock.h"
#include "api.h"

/* Menu areas in the order of the Chinese CRM products' left menus. */
static const struct {
    const char *key, *zh, *en;
} MENU[] = {
    {"workbench", "工作台", "Workbench"},     {"customers", "客户管理", "Customers"},
    {"sales", "销售管理", "Sales"},           {"products", "产品管理", "Products"},
    {"orders", "订单财务", "Orders & finance"}, {"marketing", "市场管理", "Marketing"},
    {"service", "客户服务", "Service"},       {"office", "办公协作", "Office"},
    {"reports", "统计分析", "Reports"},       {"teaching", "教学实验", "Teaching"},
    {"settings", "系统设置", "Settings"},
};

static const char *pick(const http_request *req, const char *zh, const char *en)
{
    return strcmp(req->lang, "en") == 0 ? en : zh;
}

static void label_pair(strbuf *b, const http_request *req, const char *zh, const char *en)
{
    sb_append(b, "\"label\":");
    sb_json_string(b, pick(req, zh, en));
    sb_append(b, ",\"label_zh\":");
    sb_json_string(b, zh);
    sb_append(b, ",\"label_en\":");
    sb_json_string(b, en);
}

static void write_options(strbuf *b, const http_request *req, const field_def *f)
{
    sb_append(b, ",\"options\":[");
    for (int i = 0; i < f->noptions; i++) {
        const picklist_option *o = &f->options[i];
        if (i) sb_putc(b, ',');
        sb_append(b, "{\"value\":");
        sb_json_string(b, o->value);
        sb_putc(b, ',');
        label_pair(b, req, o->label_zh, o->label_en);
        sb_printf(b, ",\"active\":%s", o->active ? "true" : "false");
        if (o->probability >= 0) sb_printf(b, ",\"probability\":%d", o->probability);
        sb_putc(b, '}');
    }
    sb_putc(b, ']');
}

void api_write_field(strbuf *b, const http_request *req, const field_def *f, int access)
{
    sb_append(b, "{\"name\":");
    sb_json_string(b, f->name);
    sb_append(b, ",\"type\":");
    sb_json_string(b, field_type_name(f->type));
    sb_putc(b, ',');
    label_pair(b, req, f->label_zh, f->label_en);
    sb_printf(b, ",\"required\":%s,\"unique\":%s,\"readonly\":%s,\"system\":%s,\"custom\":%s",
              f->required ? "true" : "false", f->unique ? "true" : "false",
              access < 2 || f->readonly ? "true" : "false", f->system ? "true" : "false",
              f->custom ? "true" : "false");
    sb_printf(b, ",\"searchable\":%s,\"max_length\":%d,\"scale\":%d", f->searchable ? "true" : "false",
              f->max_length, f->scale);
    sb_append(b, ",\"group\":");
    sb_json_string(b, f->group);
    if (f->nserver_values) {
        sb_append(b, ",\"server_values\":[");
        for (int i = 0; i < f->nserver_values; i++) {
            if (i) sb_putc(b, ',');
            sb_json_string(b, f->server_values[i]);
        }
        sb_putc(b, ']');
    }
    if (f->link_entity) {
        sb_append(b, ",\"link_entity\":");
        sb_json_string(b, f->link_entity);
        sb_append(b, ",\"companion\":");
        sb_json_string(b, f->companion);
    }
    if (f->fill) {
        sb_append(b, ",\"fill\":");
        sb_append(b, f->fill);
    }
    if (f->default_value) {
        sb_append(b, ",\"default\":");
        sb_append(b, f->default_value);
    }
    if (f->type == FT_PICKLIST || f->type == FT_MULTIPICKLIST) write_options(b, req, f);
    sb_putc(b, '}');
}

static void write_entity(strbuf *b, const http_request *req, const entity_def *ent)
{
    sb_append(b, "{\"name\":");
    sb_json_string(b, ent->name);
    sb_putc(b, ',');
    label_pair(b, req, ent->label_zh, ent->label_en);
    sb_append(b, ",\"menu_group\":");
    sb_json_string(b, ent->menu_group);
    sb_append(b, ",\"icon\":");
    sb_json_string(b, ent->icon);
    sb_append(b, ",\"name_field\":");
    sb_json_string(b, ent->name_field);
    /* What this user may do here, so the UI offers only that. */
    sb_append(b, ",\"permissions\":{");
    for (int v = 0; v < ACL_NVERBS; v++)
        sb_printf(b, "%s\"%s\":%s", v ? "," : "", acl_verb_names[v], acl_can(req->user, ent, (acl_verb)v) ? "true" : "false");
    sb_append(b, "}");
    if (ent->pool) sb_append(b, ",\"pool\":true");
    if (ent->personal) sb_append(b, ",\"personal\":true");
    if (ent->owner) {
        sb_append(b, ",\"owned_by\":");
        sb_json_string(b, ent->owner->name);
    }
    if (!ent->is_system) {
        sb_append(b, ",\"sharing\":");
        sb_json_string(b, acl_sharing_name(acl_entity_sharing(ent)));
    }
    sb_append(b, ",\"fields\":[");
    int n = 0;
    for (int i = 0; i < ent->nfields; i++) {
        int access = acl_field_access(req->user, ent, &ent->fields[i]);
        if (!access) continue;
        /* The owner is writable only with the assign right. */
        if (strcmp(ent->fields[i].name, "owner_id") == 0 && !acl_can_assign(req->user, ent)) access = 1;
        if (n++) sb_putc(b, ',');
        api_write_field(b, req, &ent->fields[i], access);
    }
    sb_append(b, "],\"list_columns\":[");
    n = 0;
    for (int i = 0; i < ent->nlist_columns; i++) {
        const field_def *f = meta_field(ent, ent->list_columns[i]);
        if (!f || !acl_field_access(req->user, ent, f)) continue;
        if (n++) sb_putc(b, ',');
        sb_json_string(b, f->name);
    }
    sb_append(b, "],\"groups\":[");
    for (int i = 0; i < ent->ngroups; i++) {
        if (i) sb_putc(b, ',');
        sb_append(b, "{\"key\":");
        sb_json_string(b, ent->groups[i].key);
        sb_putc(b, ',');
        label_pair(b, req, ent->groups[i].label_zh, ent->groups[i].label_en);
        sb_putc(b, '}');
    }
    sb_append(b, "],\"relations\":[");
    for (int i = 0; i < ent->nrelations; i++) {
        if (i) sb_putc(b, ',');
        sb_append(b, "{\"name\":");
        sb_json_string(b, ent->relations[i].name);
        sb_append(b, ",\"entity\":");
        sb_json_string(b, ent->relations[i].entity);
        sb_append(b, ",\"field\":");
        sb_json_string(b, ent->relations[i].field);
        if (ent->relations[i].owned) {
            sb_append(b, ",\"owned\":true,\"position\":");
            sb_json_string(b, ent->relations[i].position);
        }
        sb_putc(b, ',');
        label_pair(b, req, ent->relations[i].label_zh, ent->relations[i].label_en);
        sb_putc(b, '}');
    }
    sb_append(b, "]}");
}

/* Where the user's customised menu (定制主菜单) puts an entity: its place
 * in "order", or after every ordered one in the built-in order. */
static int menu_rank(json_t *pref, const entity_def *ent, int builtin)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(pref, "order"), i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), ent->name) == 0) return (int)i;
    return 100000 + builtin;
}

static int menu_hidden(json_t *pref, const entity_def *ent)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(pref, "hidden"), i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), ent->name) == 0) return 1;
    return 0;
}

static void write_menu(strbuf *b, const http_request *req, const metadata *m, json_t *pref)
{
    sb_append(b, "\"menu\":[");
    int groups = 0;
    const entity_def **items = malloc(sizeof *items * (size_t)(m->nentities + 1));
    int *ranks = malloc(sizeof *ranks * (size_t)(m->nentities + 1));
    for (size_t g = 0; g < sizeof MENU / sizeof MENU[0]; g++) {
        int n = 0;
        for (int i = 0; i < m->nentities; i++) {
            const entity_def *ent = &m->entities[i];
            if (!ent->menu_group || strcmp(ent->menu_group, MENU[g].key) != 0) continue;
            if (!acl_can(req->user, ent, ACL_VIEW)) continue;
            /* 系统设置 is an administrator's menu even where others may read. */
            if (strcmp(MENU[g].key, "settings") == 0 && !req->user->is_admin) continue;
            if (menu_hidden(pref, ent)) continue;
            /* insertion sort by rank: menus are short */
            int rank = menu_rank(pref, ent, i), k = n++;
            for (; k > 0 && ranks[k - 1] > rank; k--) items[k] = items[k - 1], ranks[k] = ranks[k - 1];
            items[k] = ent;
            ranks[k] = rank;
        }
        if (!n) continue;
        if (groups++) sb_putc(b, ',');
        sb_append(b, "{\"key\":");
        sb_json_string(b, MENU[g].key);
        sb_putc(b, ',');
        label_pair(b, req, MENU[g].zh, MENU[g].en);
        sb_append(b, ",\"items\":[");
        for (int k = 0; k < n; k++) {
            if (k) sb_putc(b, ',');
            sb_json_string(b, items[k]->name);
        }
        sb_append(b, "]}");
    }
    free(items);
    free(ranks);
    sb_putc(b, ']');
}

/* "verbs":[{"name":"modify_all","implies":["view","edit",...]},...]: the
 * module rights of profiles and what each brings along. */
static void write_verbs(strbuf *b)
{
    sb_append(b, "\"verbs\":[");
    for (int v = 0; v < ACL_NVERBS; v++) {
        sb_printf(b, "%s{\"name\":\"%s\",\"implies\":[", v ? "," : "", acl_verb_names[v]);
        unsigned implied = acl_verb_closure(1u << v) & ~(1u << v);
        for (int w = 0, n = 0; w < ACL_NVERBS; w++)
            if (implied & (1u << w)) sb_printf(b, "%s\"%s\"", n++ ? "," : "", acl_verb_names[w]);
        sb_append(b, "]}");
    }
    sb_append(b, "],");
}

static void get_metadata(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    strbuf *b = &res->body;
    sb_append(b, "{\"entities\":[");
    int n = 0;
    for (int i = 0; i < c.m->nentities; i++) {
        if (!acl_can(req->user, &c.m->entities[i], ACL_VIEW)) continue;
        if (n++) sb_putc(b, ',');
        write_entity(b, req, &c.m->entities[i]);
    }
    sb_append(b, "],");
    write_verbs(b);
    json_t *pref = api_user_setting(req->db, req->user->id, "menu");
    write_menu(b, req, c.m, pref);
    json_decref(pref);
    sb_printf(b, ",\"version\":%lld,\"user\":{\"id\":%lld,\"username\":", (long long)c.m->version,
              (long long)req->user->id);
    sb_json_string(b, req->user->username);
    sb_append(b, ",\"name\":");
    sb_json_string(b, req->user->name);
    sb_printf(b, ",\"is_admin\":%s}}", req->user->is_admin ? "true" : "false");
    http_json(res, 200);
}

/* ---- custom fields ---- */

static int require_admin(http_request *req, http_response *res)
{
    if (req->user->is_admin) return 0;
    http_fail(req, res, 403, "forbidden", "只有系统管理员可以修改字段设置",
              "Only administrators can change fields");
    return -1;
}

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

static const char *const CUSTOM_FIELD_KEYS[] = {"name", "type", "label_zh", "label_en", "required",
                                                "max_length", "scale", "options", "link_entity",
                                                "searchable", "group", NULL};

static int check_field_body(json_t *body, const entity_def *ent, const metadata *m, err *e)
{
    api_unknown_keys(body, CUSTOM_FIELD_KEYS, e);
    const char *name = json_string_value(json_object_get(body, "name"));
    const char *type = json_string_value(json_object_get(body, "type"));
    const char *label = json_string_value(json_object_get(body, "label_zh"));
    if (!name || !valid_field_name(name)) err_add_field(e, "name", name ? "invalid_format" : "required");
    int t = type ? field_type_from_name(type) : 0;
    if (!t || t == FT_ID || t == FT_AUTONUMBER || t == FT_JSON) err_add_field(e, "type", type ? "invalid" : "required");
    if (!label || !*label || strlen(label) > 60) err_add_field(e, "label_zh", label ? "invalid" : "required");
    if (t == FT_LINK) {
        const char *target = json_string_value(json_object_get(body, "link_entity"));
        if (!target || !meta_entity(m, target)) err_add_field(e, "link_entity", "not_found");
    }
    json_t *opts = json_object_get(body, "options");
    if ((t == FT_PICKLIST || t == FT_MULTIPICKLIST) && (!json_is_array(opts) || !json_array_size(opts)))
        err_add_field(e, "options", "required");
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
static int write_options_rows(db_conn *db, const char *entity, const char *field, json_t *opts,
                              err *e)
{
    db_stmt *del = db_prepare(db, "DELETE FROM picklist_options WHERE entity = ? AND field = ?", e);
    if (!del) return -1;
    db_bind_text(del, 1, entity);
    db_bind_text(del, 2, field);
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
                                "label_en, position, active, probability) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                e);
        if (!s) return -1;
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
                                         "searchable", "group", NULL};
    for (int i = 0; copied[i]; i++) {
        json_t *v = json_object_get(body, copied[i]);
        if (v) json_object_set(def, copied[i], v);
    }
    if (!json_object_get(def, "group")) json_object_set_new(def, "group", json_string("custom"));
    return def;
}

static int add_custom_field(entity_ctx *c, const entity_def *ent, json_t *body, char **column_out,
                            err *e)
{
    const char *name = json_string_value(json_object_get(body, "name"));
    char *column = arena_printf(c->a, "cf_%s", name);
    json_t *def = field_definition(body, column);
    field_def f;
    char *text = json_dumps(def, JSON_COMPACT);
    int rc = meta_parse_field(ent->name, def, c->a, &f, e);
    json_decref(def);
    if (rc) return free(text), -1;
    char now[ISO_TIME_LEN];
    iso_now(now);
    if (db_begin(c->db, e)) return free(text), -1;
    db_stmt *s = db_prepare(c->db,
                            "INSERT INTO custom_fields(entity, name, definition, created_at, "
                            "created_by) VALUES (?, ?, ?, ?, ?)",
                            e);
    rc = -1;
    if (s) {
        db_bind_text(s, 1, ent->name);
        db_bind_text(s, 2, column);
        db_bind_text(s, 3, text);
        db_bind_text(s, 4, now);
        db_bind_int64(s, 5, c->user->id);
        int step = db_step(s);
        db_finalize(s);
        rc = step == DB_ERR_UNIQUE ? err_set(e, 409, "duplicate", "已存在同名字段", "A field with this name exists")
             : step < 0            ? err_set(e, 500, "db_error", "保存字段失败", "Cannot save the field")
                                   : 0;
    }
    free(text);
    json_t *opts = json_object_get(body, "options");
    if (rc == 0 && json_is_array(opts)) rc = write_options_rows(c->db, ent->name, column, opts, e);
    if (rc == 0) rc = entity_add_column(c->db, ent, &f, e);
    if (rc == 0) rc = meta_bump_version(c->db, e);
    if (rc == 0) rc = db_commit(c->db, e);
    if (rc) db_rollback(c->db);
    *column_out = column;
    return rc;
}

static void post_custom_field(http_request *req, http_response *res)
{
    if (require_admin(req, res)) return;
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *ent = api_entity(req, res, &c, req->params[0]);
    if (!ent) return;
    json_t *body = http_json_body(req, res);
    if (!body) return;
    err e;
    err_clear(&e);
    char *column = NULL;
    int rc = check_field_body(body, ent, c.m, &e);
    if (rc == 0) rc = add_custom_field(&c, ent, body, &column, &e);
    json_decref(body);
    if (rc == 0) rc = meta_reload(c.db, &e);
    if (rc == 0) rc = acl_reload(c.db, &e); /* field access covers the new field */
    if (rc) return http_error(req, res, &e);
    const entity_def *fresh = meta_entity(meta_current(), ent->name);
    const field_def *f = fresh ? meta_field(fresh, column) : NULL;
    if (!f) return http_fail(req, res, 500, "internal_error", "字段已保存但未能加载", "Field saved but not loaded");
    api_write_field(&res->body, req, f, 2);
    http_json(res, 201);
}

static void put_picklist(http_request *req, http_response *res)
{
    if (require_admin(req, res)) return;
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *ent = api_entity(req, res, &c, req->params[0]);
    if (!ent) return;
    const field_def *f = meta_field(ent, req->params[1]);
    if (!f || (f->type != FT_PICKLIST && f->type != FT_MULTIPICKLIST))
        return http_fail(req, res, 404, "not_found", "没有这个下拉字段", "No such picklist field");
    json_t *body = http_json_body(req, res);
    if (!body) return;
    json_t *opts = json_object_get(body, "options");
    err e;
    err_clear(&e);
    int rc;
    if (!json_is_array(opts) || json_array_size(opts) == 0 || json_array_size(opts) > 500 ||
        json_object_size(body) != 1) {
        err_add_field(&e, "options", "invalid");
        rc = err_set(&e, 422, "validation_failed", "需要 options 数组（1 到 500 个选项）",
                     "An options array (1 to 500 options) is required");
    } else if ((rc = db_begin(c.db, &e)) == 0) {
        rc = write_options_rows(c.db, ent->name, f->name, opts, &e);
        if (rc == 0) rc = meta_bump_version(c.db, &e);
        if (rc == 0) rc = db_commit(c.db, &e);
        if (rc) db_rollback(c.db);
    }
    json_decref(body);
    if (rc == 0) rc = meta_reload(c.db, &e);
    if (rc == 0) rc = acl_reload(c.db, &e); /* field access covers the new field */
    if (rc) return http_error(req, res, &e);
    const entity_def *fresh = meta_entity(meta_current(), ent->name);
    api_write_field(&res->body, req, meta_field(fresh, f->name), 2);
    http_json(res, 200);
}

extern void api_openapi(http_request *req, http_response *res);

const route api_metadata_routes[] = {
    {"GET", "/api/v1/metadata", get_metadata, 0},
    {"POST", "/api/v1/metadata/entities/:entity/fields", post_custom_field, 0},
    {"PUT", "/api/v1/metadata/picklists/:entity/:field", put_picklist, 0},
    {"GET", "/api/v1/openapi.json", api_openapi, ROUTE_PUBLIC},
    {0},
};
