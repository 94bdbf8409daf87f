/* metadata.c - what the client may know about entities, and the admin's
 * run-time customisation:
 *   GET  /api/v1/metadata                                entities, fields, layouts, menu
 *   POST /api/v1/metadata/entities/{entity}/fields       add a custom field (real column)
 *   DELETE /api/v1/metadata/entities/{entity}/fields/{f} delete one with its data
 *   PUT  /api/v1/metadata/picklists/{entity}/{field}     replace a picklist's options
 *   PUT|DELETE /api/v1/metadata/layouts/{entity}         the company's form layout (窗体布局)
 * The answer is filtered by the user's rights: entities they may not view
 * and fields hidden from them are not mentioned at all. */
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "../auth/password.h"
#include "../entity/attachments.h"
#include "../entity/custom_fields.h"
#include "../entity/entity_action.h"
#include "../entity/entity_state.h"
#include "../entity/form_layout.h"
#include "../entity/meta_load.h"
#include "../meta/meta_print.h"
#include "../modules/teaching.h"
#include "../modules/user_settings.h"
#include "api.h"

/* Menu areas in the order of the Chinese CRM products' left menus. */
static const struct {
    const char *key, *zh, *en;
} MENU[] = {
    {"workbench", "工作台", "Workbench"},     {"customers", "客户管理", "Customers"},
    {"sales", "销售管理", "Sales"},           {"products", "产品管理", "Products"},
    {"orders", "订单财务", "Orders & finance"}, {"purchasing", "采购管理", "Purchasing"},
    {"inventory", "库存管理", "Inventory"},   {"marketing", "市场管理", "Marketing"},
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

/* The detail groups in order; a group the company arranged lists its
 * fields in their order (form_layout.h), leaving out those the user may
 * not see. */
static void write_groups(strbuf *b, const http_request *req, const entity_def *ent)
{
    sb_putc(b, '[');
    for (int i = 0; i < ent->ngroups; i++) {
        const layout_group *g = &ent->groups[i];
        if (i) sb_putc(b, ',');
        sb_append(b, "{\"key\":");
        sb_json_string(b, g->key);
        sb_putc(b, ',');
        label_pair(b, req, g->label_zh, g->label_en);
        if (g->fields) {
            sb_append(b, ",\"fields\":[");
            int n = 0;
            for (int k = 0; k < g->nfields; k++) {
                const field_def *f = meta_field(ent, g->fields[k]);
                if (!f || !acl_field_access(req->user, ent, f)) continue;
                if (n++) sb_putc(b, ',');
                sb_json_string(b, f->name);
            }
            sb_putc(b, ']');
        }
        sb_putc(b, '}');
    }
    sb_putc(b, ']');
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
    if (f->hint_zh) {
        sb_append(b, ",\"hint_zh\":");
        sb_json_string(b, f->hint_zh);
        sb_append(b, ",\"hint_en\":");
        sb_json_string(b, f->hint_en);
    }
    sb_printf(b, ",\"required\":%s,\"unique\":%s,\"readonly\":%s,\"system\":%s,\"custom\":%s",
              f->required ? "true" : "false", f->unique ? "true" : "false",
              access < 2 || f->readonly ? "true" : "false", f->system ? "true" : "false",
              f->custom ? "true" : "false");
    if (custom_field_deletable(req->user, f)) sb_append(b, ",\"deletable\":true");
    sb_printf(b, ",\"searchable\":%s,\"max_length\":%d,\"scale\":%d", f->searchable ? "true" : "false",
              f->max_length, f->scale);
    sb_append(b, ",\"group\":");
    sb_json_string(b, f->group);
    if (f->options_entity) {
        sb_append(b, ",\"options_from\":");
        sb_json_string(b, arena_printf(req->a, "%s.%s", f->options_entity, f->options_field));
    }
    if (f->set_from_field) { /* the form fills it when the source changes, as the server does */
        sb_append(b, ",\"set_from\":{\"field\":");
        sb_json_string(b, f->set_from_field);
        sb_append(b, ",\"option\":");
        sb_json_string(b, f->set_from_option);
        sb_putc(b, '}');
    }
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
    if (f->computed) { /* forms evaluate it as the user types (web/src/utils/expr.js) */
        sb_append(b, ",\"computed\":");
        sb_json_string(b, f->computed);
    }
    if (f->fill) {
        sb_append(b, ",\"fill\":");
        sb_append(b, f->fill);
    }
    if (f->link_filter) {
        sb_append(b, ",\"link_filter\":");
        sb_append(b, f->link_filter);
    }
    if (f->json_view) {
        sb_append(b, ",\"json_view\":");
        sb_append(b, f->json_view);
    }
    if (f->filter_of) {
        sb_append(b, ",\"filter_of\":");
        sb_json_string(b, f->filter_of);
    }
    if (f->default_value) {
        sb_append(b, ",\"default\":");
        sb_append(b, f->default_value);
    }
    if (f->type == FT_PICKLIST || f->type == FT_MULTIPICKLIST) write_options(b, req, f);
    entity_rules_json(b, f);
    sb_putc(b, '}');
}

static void write_names(strbuf *b, const char *key, const char *const *names, int n)
{
    sb_printf(b, "\"%s\":[", key);
    for (int i = 0; i < n; i++) {
        if (i) sb_putc(b, ',');
        sb_json_string(b, names[i]);
    }
    sb_putc(b, ']');
}

/* "immutable", the reversal and the balances of a ledger, so the UI
 * offers reversing instead of editing and can show the balances. */
static void write_ledger(strbuf *b, const http_request *req, const entity_def *ent)
{
    sb_append(b, ",\"immutable\":true");
    if (ent->reverses_field) {
        sb_append(b, ",\"reversal\":{");
        write_names(b, "negate", ent->negate, ent->nnegate);
        sb_append(b, ",\"link\":");
        sb_json_string(b, ent->reverses_field);
        sb_putc(b, '}');
    }
    sb_append(b, ",\"balances\":[");
    for (int i = 0; i < ent->nbalances; i++) {
        const balance_def *bal = &ent->balances[i];
        sb_printf(b, "%s{\"name\":", i ? "," : "");
        sb_json_string(b, bal->name);
        sb_putc(b, ',');
        label_pair(b, req, bal->label_zh, bal->label_en);
        sb_putc(b, ',');
        write_names(b, "group_by", bal->group_by, bal->ngroup_by);
        sb_putc(b, ',');
        write_names(b, "sum", bal->sum, bal->nsum);
        if (bal->not_negative) sb_append(b, ",\"not_negative\":true");
        sb_putc(b, '}');
    }
    sb_putc(b, ']');
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
    if (ent->tree_parent) { /* a tree (entity_tree.h): the web app offers the tree view */
        sb_append(b, ",\"tree\":");
        sb_json_string(b, ent->tree_parent);
    }
    /* What this user may do here, so the UI offers only that. */
    sb_append(b, ",\"permissions\":{");
    for (int v = 0; v < ACL_NVERBS; v++) {
        /* a ledger's records are never edited or deleted, whoever asks */
        int can = acl_can(req->user, ent, (acl_verb)v) && !(ent->immutable && (v == ACL_EDIT || v == ACL_DELETE));
        sb_printf(b, "%s\"%s\":%s", v ? "," : "", acl_verb_names[v], can ? "true" : "false");
    }
    sb_append(b, "}");
    if (ent->immutable) write_ledger(b, req, ent);
    if (ent->pool) sb_append(b, ",\"pool\":true");
    if (ent->personal) sb_append(b, ",\"personal\":true");
    if (ent->owner) {
        sb_append(b, ",\"owned_by\":");
        sb_json_string(b, ent->owner->name);
    }
    if (!ent->is_system) {
        sb_append(b, ",\"sharing\":");
        sb_json_string(b, acl_sharing_name(acl_entity_sharing(req->user, ent)));
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
    sb_append(b, "],\"groups\":");
    write_groups(b, req, ent);
    sb_append(b, ",\"relations\":[");
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
    sb_putc(b, ']');
    entity_actions_json(b, req->user, ent);
    if (ent->print) { /* prints as PDF: the record page offers 打印/PDF */
        sb_append(b, ",\"print\":");
        sb_append(b, ent->print->json);
    }
    if (entity_has_attachments(ent)) sb_append(b, ",\"attachments\":true"); /* the record page's 附件 tab */
    sb_putc(b, '}');
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

/* 教学实验 is for teachers and platform administrators (the teaching
 * records) and for students (only their page 我的实验, not the records of
 * their sandbox): an ordinary CRM user does not see it. */
static int teaching_hides(const char *group, const char *role)
{
    if (strcmp(group, "teaching") != 0) return 0;
    return !role || strcmp(role, "student") == 0;
}

static const char *menu_pages(const char *group, const char *role)
{
    return strcmp(group, "teaching") == 0 && role && strcmp(role, "student") == 0 ? "\"my-experiments\"" : NULL;
}

static void write_menu(strbuf *b, const http_request *req, const metadata *m, json_t *pref, const char *role)
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
            if (teaching_hides(MENU[g].key, role)) continue;
            /* insertion sort by rank: menus are short */
            int rank = menu_rank(pref, ent, i), k = n++;
            for (; k > 0 && ranks[k - 1] > rank; k--) items[k] = items[k - 1], ranks[k] = ranks[k - 1];
            items[k] = ent;
            ranks[k] = rank;
        }
        const char *pages = menu_pages(MENU[g].key, role);
        if (!n && !pages) continue;
        if (groups++) sb_putc(b, ',');
        sb_append(b, "{\"key\":");
        sb_json_string(b, MENU[g].key);
        sb_putc(b, ',');
        label_pair(b, req, MENU[g].zh, MENU[g].en);
        if (pages) sb_printf(b, ",\"pages\":[%s]", pages);
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

/* What a new password must be, for forms to say beside the field. */
static void write_password_policy(strbuf *b)
{
    sb_printf(b, ",\"password_policy\":{\"min_chars\":%d,\"max_chars\":%d,\"label_zh\":", PASSWORD_MIN_CHARS,
              PASSWORD_MAX_CHARS);
    sb_json_string(b, PASSWORD_RULE_ZH);
    sb_append(b, ",\"label_en\":");
    sb_json_string(b, PASSWORD_RULE_EN);
    sb_putc(b, '}');
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
    json_t *pref = user_setting_get(req->db, req->user->id, "menu");
    const char *role = teaching_role(&c);
    write_menu(b, req, c.m, pref, role);
    json_decref(pref);
    write_password_policy(b);
    sb_printf(b, ",\"version\":%lld,\"user\":{\"id\":%lld,\"username\":", (long long)c.m->version,
              (long long)req->user->id);
    sb_json_string(b, req->user->username);
    sb_append(b, ",\"name\":");
    sb_json_string(b, req->user->name);
    sb_printf(b, ",\"is_admin\":%s,\"platform_admin\":%s,\"company_id\":%lld,\"teaching_role\":",
              req->user->is_admin ? "true" : "false", req->user->platform_admin ? "true" : "false",
              (long long)req->user->company_id);
    if (role) sb_json_string(b, role);
    else sb_append(b, "null");
    sb_append(b, "}}");
    http_json(res, 200);
}

/* ---- custom fields ---- */

static int require_admin(http_request *req, http_response *res)
{
    if (req->user->is_admin) return 0;
    http_fail(req, res, 403, "forbidden", "只有系统管理员可以修改字段设置", "Only administrators can change fields");
    return -1;
}

/* A platform administrator's field is every company's, a company
 * administrator's the company's own (custom_fields.h). */
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
    char *name = NULL;
    api_unknown_keys(body, CUSTOM_FIELD_KEYS, &e);
    int rc = custom_field_add(&c, ent, body, &name, &e);
    json_decref(body);
    if (rc) return http_error(req, res, &e);
    const entity_def *fresh = meta_entity(meta_for_company(req->db, req->user->company_id), ent->name);
    const field_def *f = fresh ? meta_field(fresh, name) : NULL;
    if (!f) return http_fail(req, res, 500, "internal_error", "字段已保存但未能加载", "Field saved but not loaded");
    api_write_field(&res->body, req, f, 2);
    http_json(res, 201);
}

/* Each administrator deletes their own scope's fields (custom_fields.h). */
static void delete_custom_field(http_request *req, http_response *res)
{
    if (require_admin(req, res)) return;
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *ent = api_entity(req, res, &c, req->params[0]);
    if (!ent) return;
    err e;
    err_clear(&e);
    if (custom_field_delete(&c, ent, req->params[1], &e)) return http_error(req, res, &e);
    res->status = 204;
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
    err e;
    err_clear(&e);
    int rc = picklist_replace(&c, ent, f, body, &e);
    json_decref(body);
    if (rc) return http_error(req, res, &e);
    const entity_def *fresh = meta_entity(meta_for_company(req->db, req->user->company_id), ent->name);
    api_write_field(&res->body, req, meta_field(fresh, f->name), 2);
    http_json(res, 200);
}

/* PUT /api/v1/metadata/layouts/{entity}: the company's 窗体布局; DELETE
 * puts the metadata's back. Both answer the groups now in force. */
static void layout_change(http_request *req, http_response *res, int reset)
{
    if (require_admin(req, res)) return;
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *ent = api_entity(req, res, &c, req->params[0]);
    if (!ent) return;
    if (ent->is_system) return http_fail(req, res, 404, "not_found", "没有这个业务模块", "No such business entity");
    err e;
    err_clear(&e);
    json_t *body = reset ? NULL : http_json_body(req, res);
    if (!reset && !body) return;
    int rc = reset ? form_layout_reset(&c, ent, &e) : form_layout_save(&c, ent, body, &e);
    json_decref(body);
    if (rc) return http_error(req, res, &e);
    const entity_def *fresh = meta_entity(meta_for_company(req->db, req->user->company_id), ent->name);
    sb_append(&res->body, "{\"groups\":");
    write_groups(&res->body, req, fresh ? fresh : ent);
    sb_putc(&res->body, '}');
    http_json(res, 200);
}

static void put_layout(http_request *req, http_response *res)
{
    layout_change(req, res, 0);
}

static void delete_layout(http_request *req, http_response *res)
{
    layout_change(req, res, 1);
}

extern void api_openapi(http_request *req, http_response *res);

const route api_metadata_routes[] = {
    {"GET", "/api/v1/metadata", get_metadata, 0,
     .doc = {.tag = "metadata", .summary = "元数据 / metadata", .id = "get_metadata", .ok = "200"}},
    {"POST", "/api/v1/metadata/entities/:entity/fields", post_custom_field, 0,
     .doc = {.tag = "metadata", .summary = "新增自定义字段 / add a custom field", .id = "post_custom_field",
             .path = (const route_param[]){{"entity", "string", "entity name", 1}, {0}}, .body = "CustomField",
             .ok = "201", .reply = "{\"type\":\"object\"}", .errors = "403 404 409 422"}},
    {"DELETE", "/api/v1/metadata/entities/:entity/fields/:field", delete_custom_field, 0,
     .doc = {.tag = "metadata", .summary = "删除自定义字段 / delete a custom field", .id = "delete_custom_field",
             .path = (const route_param[]){{"entity", "string", "entity name", 1}, {"field", "string", "custom field name (cf_...)", 1}, {0}},
             .ok = "204", .errors = "403 404 422"}},
    {"PUT", "/api/v1/metadata/picklists/:entity/:field", put_picklist, 0,
     .doc = {.tag = "metadata", .summary = "修改下拉选项 / replace picklist options", .id = "put_picklist",
             .path = (const route_param[]){{"entity", "string", "entity name", 1}, {"field", "string", "picklist field", 1}, {0}},
             .body = "{\"type\":\"object\",\"required\":[\"options\"],\"properties\":{\"options\":"
                     "{\"type\":\"array\",\"minItems\":1,\"maxItems\":500,\"items\":{\"$ref\":"
                     "\"#/components/schemas/PicklistOption\"}}}}",
             .ok = "200", .reply = "{\"type\":\"object\"}", .errors = "403 404 422"}},
    {"PUT", "/api/v1/metadata/layouts/:entity", put_layout, 0,
     .doc = {.tag = "metadata", .summary = "设置窗体布局 / arrange the form of an entity", .id = "put_layout",
             .path = (const route_param[]){{"entity", "string", "entity name", 1}, {0}},
             .body = "{\"type\":\"object\",\"required\":[\"groups\"],\"additionalProperties\":false,\"properties\":{"
                     "\"groups\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":30,\"items\":{\"type\":\"object\","
                     "\"required\":[\"key\",\"label_zh\",\"fields\"],\"properties\":{\"key\":{\"type\":\"string\"},"
                     "\"label_zh\":{\"type\":\"string\"},\"label_en\":{\"type\":\"string\"},"
                     "\"fields\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}}}}",
             .ok = "200", .reply = "{\"type\":\"object\"}", .errors = "403 404 422"}},
    {"DELETE", "/api/v1/metadata/layouts/:entity", delete_layout, 0,
     .doc = {.tag = "metadata", .summary = "恢复默认窗体布局 / the form layout back to the default", .id = "delete_layout",
             .path = (const route_param[]){{"entity", "string", "entity name", 1}, {0}},
             .ok = "200", .reply = "{\"type\":\"object\"}", .errors = "403 404"}},
    {"GET", "/api/v1/openapi.json", api_openapi, ROUTE_PUBLIC,
     .doc = {.tag = "metadata", .summary = "本接口文档（OpenAPI 3.0）/ this document (OpenAPI 3.0)",
             .id = "get_openapi", .ok = "200", .reply = "{\"type\":\"object\"}"}},
    {0},
};
