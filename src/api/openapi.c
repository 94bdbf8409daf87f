/* openapi.c - GET /api/v1/openapi.json: the OpenAPI 3.0 document of the
 * whole API. The paths come from the route declarations (route_doc beside
 * each handler); this file adds only what is generic: the entity schemas
 * from the metadata in force (so custom fields and new entities are
 * documented the moment they exist), the shared components, and the
 * answers the router itself gives. Built with jansson (it escapes and nests
 * for us; speed does not matter here). */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../entity/attachments.h"
#include "../entity/meta_load.h"
#include "api.h"

static json_t *ref(const char *name)
{
    char buf[200];
    snprintf(buf, sizeof buf, "#/components/schemas/%.120s", name);
    return json_pack("{s:s}", "$ref", buf);
}

static json_t *field_schema(const field_def *f)
{
    json_t *s = json_object();
    const char *type = "string", *format = NULL;
    switch (f->type) {
    case FT_INTEGER: case FT_LINK: case FT_USER: case FT_ID: case FT_IMAGE: type = "integer"; format = "int64"; break;
    case FT_DECIMAL: case FT_MONEY: case FT_PERCENT: type = "number"; break;
    case FT_BOOLEAN: type = "boolean"; break;
    case FT_DATE: format = "date"; break;
    case FT_DATETIME: format = "date-time"; break;
    case FT_EMAIL: format = "email"; break;
    case FT_URL: format = "uri"; break;
    default: break;
    }
    if (f->type == FT_JSON) {
        /* an object or an array, shape per field (see docs/api.md): any type */
    } else if (f->type == FT_MULTIPICKLIST) {
        json_object_set_new(s, "type", json_string("array"));
        json_t *items = json_pack("{s:s}", "type", "string");
        json_object_set_new(s, "items", items);
    } else {
        json_object_set_new(s, "type", json_string(type));
        if (format) json_object_set_new(s, "format", json_string(format));
    }
    if (f->type == FT_PICKLIST || f->type == FT_MULTIPICKLIST) {
        json_t *en = json_array();
        for (int i = 0; i < f->noptions; i++) json_array_append_new(en, json_string(f->options[i].value));
        if (json_array_size(en)) {
            json_t *target = f->type == FT_PICKLIST ? s : json_object_get(s, "items");
            json_object_set(target, "enum", en);
        }
        json_decref(en);
    }
    if (f->max_length > 0) json_object_set_new(s, "maxLength", json_integer(f->max_length));
    json_object_set_new(s, "description", json_sprintf("%s / %s", f->label_zh, f->label_en));
    if (f->readonly) json_object_set_new(s, "readOnly", json_true());
    /* nullable qualifies a type: a JSON field has none, and takes null anyway */
    if (!f->required && f->type != FT_JSON) json_object_set_new(s, "nullable", json_true());
    return s;
}

static void entity_schemas(json_t *schemas, const entity_def *ent)
{
    json_t *props = json_object(), *input = json_object(), *required = json_array();
    for (int i = 0; i < ent->nfields; i++) {
        const field_def *f = &ent->fields[i];
        json_object_set_new(props, f->name, field_schema(f));
        if (f->companion)
            json_object_set_new(props, f->companion, json_pack("{s:s,s:b,s:b}", "type", "string",
                                                               "readOnly", 1, "nullable", 1));
        if (!f->readonly && (!f->system || strcmp(f->name, "owner_id") == 0)) {
            json_object_set_new(input, f->name, field_schema(f));
            if (f->required) json_array_append_new(required, json_string(f->name));
        }
    }
    for (int i = 0; i < ent->nrelations; i++) { /* owned lines travel in the record */
        const relation_def *r = &ent->relations[i];
        if (!r->owned) continue;
        json_object_set_new(props, r->name, json_pack("{s:s,s:o}", "type", "array", "items", ref(r->entity)));
        char line[128];
        snprintf(line, sizeof line, "%s_update", r->entity);
        json_t *every = json_pack("{s:s,s:i,s:s,s:o}", "type", "array", "maxItems", LINES_MAX, "description",
                                  "all lines in order; id: keep and update, none: add, left out: delete", "items",
                                  ref(line));
        json_t *delta = json_pack(
            "{s:s,s:s,s:{s:{s:s,s:i,s:s,s:o},s:{s:s,s:s,s:{s:s}}},s:b}", "type", "object", "description",
            "a change to the lines there: add appends lines (without id), remove deletes lines by id; the rest stay",
            "properties", "add", "type", "array", "maxItems", LINES_MAX, "description", "lines to append, in order",
            "items", ref(line), "remove", "type", "array", "description", "ids of lines to delete", "items", "type",
            "integer", "additionalProperties", 0);
        json_object_set_new(input, r->name, json_pack("{s:[o,o]}", "oneOf", every, delta));
    }
    char name[128];
    json_object_set_new(schemas, ent->name,
                        json_pack("{s:s,s:s,s:o}", "type", "object", "title", ent->label_zh,
                                  "properties", props));
    json_t *in = json_pack("{s:s,s:o,s:b}", "type", "object", "properties", input,
                           "additionalProperties", 0);
    if (ent->owner) { /* a line: written only inside its document, as one element of its array */
        json_object_set_new(input, "id", json_pack("{s:s,s:s}", "type", "integer", "description",
                                                   "a line of this document to keep and update; none: a new line"));
        snprintf(name, sizeof name, "%s_update", ent->name);
        json_object_set_new(schemas, name, in);
        json_decref(required);
        return;
    }
    snprintf(name, sizeof name, "%s_create", ent->name);
    json_t *create = json_deep_copy(in);
    if (json_array_size(required)) json_object_set(create, "required", required);
    json_object_set_new(schemas, name, create);
    snprintf(name, sizeof name, "%s_update", ent->name);
    json_object_set_new(json_object_get(in, "properties"), "version",
                        json_pack("{s:s,s:s}", "type", "integer", "description",
                                  "expected version (optimistic concurrency)"));
    json_object_set_new(schemas, name, in);
    json_decref(required);
    snprintf(name, sizeof name, "%s_list", ent->name);
    json_object_set_new(schemas, name,
                        json_pack("{s:s,s:{s:{s:s,s:o},s:{s:s},s:{s:s,s:s}},s:[s,s]}", "type", "object",
                                  "properties", "items", "type", "array", "items", ref(ent->name),
                                  "total", "type", "integer", "total_capped", "type", "boolean", "description",
                                  "present (true) when a quick search (q) matched more than 10,000 records: total is "
                                  "then 10,000, a lower bound",
                                  "required", "items", "total"));
}

/* The schemas routes name beside the entity ones. */
static const char SHARED_SCHEMAS[] =
    "{\"Error\":{\"type\":\"object\",\"required\":[\"error\"],\"properties\":{\"error\":{\"type\":\"object\","
    "\"required\":[\"code\",\"message\"],\"properties\":{\"code\":{\"type\":\"string\"},\"message\":{\"type\":"
    "\"string\"},\"fields\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}}}}},"
    "\"History\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"type\":"
    "\"object\"}}}},"
    "\"RecordList\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"type\":"
    "\"object\"}},\"total\":{\"type\":\"integer\"},\"total_capped\":{\"type\":\"boolean\"}}},"
    "\"Attachment\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":"
    "\"string\"},\"content_type\":{\"type\":\"string\"},\"size\":{\"type\":\"integer\"},\"created_at\":"
    "{\"type\":\"string\"},\"created_by\":{\"type\":\"integer\",\"nullable\":true},\"created_by_name\":"
    "{\"type\":\"string\",\"nullable\":true},\"inline\":{\"type\":\"boolean\"}}},"
    "\"PasswordChange\":{\"type\":\"object\",\"required\":[\"old_password\",\"new_password\"],\"properties\":"
    "{\"old_password\":{\"type\":\"string\",\"format\":\"password\"},\"new_password\":{\"type\":\"string\","
    "\"format\":\"password\"}}},"
    "\"SignIn\":{\"type\":\"object\",\"required\":[\"username\",\"password\"],\"properties\":{\"username\":"
    "{\"type\":\"string\"},\"password\":{\"type\":\"string\",\"format\":\"password\"}}},"
    "\"ImportJob\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},\"entity\":{\"type\":"
    "\"string\"},\"status\":{\"type\":\"string\",\"enum\":[\"ready\",\"running\",\"done\",\"failed\"]},"
    "\"total\":{\"type\":\"integer\"},\"processed\":{\"type\":\"integer\"},\"created\":{\"type\":\"integer\"},"
    "\"updated\":{\"type\":\"integer\"},\"skipped\":{\"type\":\"integer\"},\"failed\":{\"type\":\"integer\"},"
    "\"errors\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},\"skipped_rows\":{\"type\":\"array\","
    "\"items\":{\"type\":\"object\",\"properties\":{\"row\":{\"type\":\"integer\"},\"value\":{\"type\":\"string\"},"
    "\"id\":{\"type\":\"integer\"}}}},\"failed_file\":{\"type\":\"boolean\"},\"message\":{\"type\":\"string\"}}},"
    "\"ImportPreview\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},\"headers\":{\"type\":"
    "\"array\",\"items\":{\"type\":\"string\"}},\"mapping\":{\"type\":\"object\"},\"rows\":{\"type\":\"array\","
    "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},\"total\":{\"type\":\"integer\"},"
    "\"fields\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}},"
    "\"Sharing\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\",\"enum\":[\"private\","
    "\"public_read\",\"public_read_write\"]}},"
    "\"Company\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":"
    "\"string\"},\"code\":{\"type\":\"string\"},\"status\":{\"type\":\"string\",\"enum\":[\"active\","
    "\"suspended\"]},\"created_at\":{\"type\":\"string\",\"nullable\":true}}},"
    "\"CompanyList\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{"
    "\"$ref\":\"#/components/schemas/Company\"}},\"total\":{\"type\":\"integer\"}}},"
    "\"CompanyCreate\":{\"type\":\"object\",\"required\":[\"name\",\"admin\"],\"additionalProperties\":false,"
    "\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":100},\"code\":{\"type\":\"string\","
    "\"pattern\":\"^[a-z0-9_-]{2,32}$\"},\"admin\":{\"type\":\"object\",\"required\":[\"username\",\"name\","
    "\"password\"],\"additionalProperties\":false,\"properties\":{\"username\":{\"type\":\"string\"},"
    "\"name\":{\"type\":\"string\"},\"password\":{\"type\":\"string\",\"format\":\"password\"}}}}},"
    "\"CompanyUpdate\":{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"name\":{"
    "\"type\":\"string\",\"maxLength\":100},\"status\":{\"type\":\"string\",\"enum\":[\"active\","
    "\"suspended\"]}}},"
    "\"Menu\":{\"type\":\"object\",\"properties\":{\"order\":{\"type\":\"array\",\"items\":{\"type\":"
    "\"string\"}},\"hidden\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}},"
    "\"PicklistOption\":{\"type\":\"object\",\"required\":[\"value\",\"label_zh\"],\"properties\":{\"value\":"
    "{\"type\":\"string\"},\"label_zh\":{\"type\":\"string\"},\"label_en\":{\"type\":\"string\"},\"active\":"
    "{\"type\":\"boolean\"},\"probability\":{\"type\":\"integer\"}}},"
    "\"CustomField\":{\"type\":\"object\",\"required\":[\"name\",\"label_zh\",\"type\"],\"properties\":{"
    "\"name\":{\"type\":\"string\"},\"label_zh\":{\"type\":\"string\"},\"label_en\":{\"type\":\"string\"},"
    "\"type\":{\"type\":\"string\"},\"options\":{\"type\":\"array\",\"items\":{\"$ref\":"
    "\"#/components/schemas/PicklistOption\"}},\"max_length\":{\"type\":\"integer\"},\"scale\":{\"type\":"
    "\"integer\"},\"link_entity\":{\"type\":\"string\"},\"required\":{\"type\":\"boolean\"},\"searchable\":"
    "{\"type\":\"boolean\"},\"group\":{\"type\":\"string\"}}}}";

/* The users' create and update bodies gain the write-only password
 * (src/api/access.c takes it out before the engine sees the record). */
static void user_password(json_t *schemas)
{
    static const char *const bodies[] = {"users_create", "users_update"};
    for (int i = 0; i < 2; i++) {
        json_t *props = json_object_get(json_object_get(schemas, bodies[i]), "properties");
        if (props)
            json_object_set_new(props, "password",
                                json_pack("{s:s,s:s,s:b,s:s}", "type", "string", "format", "password", "writeOnly", 1,
                                          "description", "密码（只写）/ password, write-only"));
    }
}

/* ---- paths from the route declarations ---- */

/* Every status a route may declare, described once; an error status gets a
 * shared response (components/responses). A status missing here leaves a
 * dangling reference, which the validator of tests/api/routes.test.mjs
 * reports. */
static const char *const STATUS_TEXT[][2] = {
    {"200", "成功 / OK"},
    {"201", "已创建 / created"},
    {"202", "已开始，尚未完成 / accepted, still running"},
    {"204", "成功，无内容 / done, no content"},
    {"302", "跳转到 Location / redirect to Location"},
    {"400", "请求格式错误 / malformed request"},
    {"401", "未登录 / not signed in"},
    {"403", "无权限 / forbidden"},
    {"404", "不存在 / not found"},
    {"409", "冲突或重复 / conflict or duplicate"},
    {"410", "已过期 / gone (expired)"},
    {"413", "请求过大 / too large"},
    {"415", "格式不支持 / unsupported media type"},
    {"422", "校验失败 / validation failed"},
    {"429", "尝试过多 / too many attempts"},
    {"503", "暂时不可用或繁忙 / unavailable or busy, retry"},
};

static const char *status_text(const char *status)
{
    for (size_t i = 0; i < sizeof STATUS_TEXT / sizeof STATUS_TEXT[0]; i++)
        if (strcmp(STATUS_TEXT[i][0], status) == 0) return STATUS_TEXT[i][1];
    return "";
}

/* One error response per status, shared by every operation. */
static json_t *error_responses(void)
{
    json_t *r = json_object();
    for (size_t i = 0; i < sizeof STATUS_TEXT / sizeof STATUS_TEXT[0]; i++)
        if (STATUS_TEXT[i][0][0] >= '4')
            json_object_set_new(r, STATUS_TEXT[i][0],
                                json_pack("{s:s,s:{s:{s:o}}}", "description", STATUS_TEXT[i][1], "content",
                                          "application/json", "schema", ref("Error")));
    return r;
}

/* A generic route: /api/v1/:entity and below, served for every entity. */
static int is_generic(const char *pattern)
{
    static const char prefix[] = "/api/v1/:entity";
    size_t n = sizeof prefix - 1;
    return strncmp(pattern, prefix, n) == 0 && (pattern[n] == '\0' || pattern[n] == '/');
}

/* Whether a generic route exists for ent (route_doc.only_if). */
static int route_applies(const char *only_if, const entity_def *ent)
{
    if (!only_if) return 1;
    if (strcmp(only_if, "pool") == 0) return ent->pool;
    if (strcmp(only_if, "named") == 0) return ent->name_field != NULL;
    if (strcmp(only_if, "related") == 0) return ent->nrelations > 0;
    if (strcmp(only_if, "reversible") == 0) return ent->reverses_field != NULL;
    if (strcmp(only_if, "balances") == 0) return ent->nbalances > 0;
    if (strcmp(only_if, "actions") == 0) return ent->nactions > 0;
    if (strcmp(only_if, "printable") == 0) return ent->print != NULL;
    if (strcmp(only_if, "attachments") == 0) return entity_has_attachments(ent);
    if (strcmp(only_if, "owned") == 0 || strcmp(only_if, "importable") == 0) return !ent->is_system;
    return 0; /* a condition this file does not know documents nothing: the route test sees it */
}

/* text with every ":entity" replaced by the entity's name; arena-owned. */
static const char *with_entity(arena *a, const char *text, const entity_def *ent)
{
    strbuf sb = STRBUF_INIT;
    for (const char *p = text; *p;) {
        if (ent && strncmp(p, ":entity", 7) == 0) {
            sb_append(&sb, ent->name);
            p += 7;
        } else {
            sb_putc(&sb, *p++);
        }
    }
    const char *out = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return out;
}

/* The OpenAPI form of a pattern: /api/v1/accounts/{id}. */
static const char *openapi_path(arena *a, const char *pattern, const entity_def *ent)
{
    strbuf sb = STRBUF_INIT;
    api_path_template(&sb, with_entity(a, pattern, ent));
    const char *out = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return out;
}

/* A declared schema: a component name or inline JSON Schema; NULL when the
 * inline text is not JSON (the whole document then fails, loudly). */
static json_t *declared_schema(arena *a, const char *text, const entity_def *ent)
{
    const char *t = with_entity(a, text, ent);
    if (t[0] == '{') return json_loads(t, 0, NULL);
    return ref(t);
}

/* Media types of a binary upload or download, space-separated. */
static json_t *binary_content(const char *types)
{
    json_t *content = json_object();
    char type[120];
    for (const char *p = types; *p;) {
        size_t n = strcspn(p, " ");
        snprintf(type, sizeof type, "%.*s", (int)n, p);
        json_t *schema = json_pack("{s:s,s:s}", "type", "string", "format", "binary");
        if (strcmp(type, "multipart/form-data") == 0)
            schema = json_pack("{s:s,s:{s:o}}", "type", "object", "properties", "file", schema);
        json_object_set_new(content, type, json_pack("{s:o}", "schema", schema));
        p += n;
        while (*p == ' ') p++;
    }
    return content;
}

static json_t *parameters(const route_doc *d)
{
    json_t *list = json_array();
    for (int pass = 0; pass < 2; pass++) {
        const route_param *p = pass == 0 ? d->path : d->query;
        for (; p && p->name; p++)
            json_array_append_new(list, json_pack("{s:s,s:s,s:b,s:{s:s},s:s}", "name", p->name, "in",
                                                  pass == 0 ? "path" : "query", "required",
                                                  pass == 0 || p->required, "schema", "type", p->type,
                                                  "description", p->description));
    }
    return list;
}

/* Adds status -> $ref of a shared error response, once. */
static void add_error(json_t *responses, const char *status)
{
    char target[64];
    snprintf(target, sizeof target, "#/components/responses/%s", status);
    if (!json_object_get(responses, status))
        json_object_set_new(responses, status, json_pack("{s:s}", "$ref", target));
}

/* {"X-Kehu-Allow": {"description", "schema"}} of declared response headers; NULL when none. */
static json_t *header_objects(const route_param *h)
{
    if (!h || !h->name) return NULL;
    json_t *out = json_object();
    for (; h->name; h++)
        json_object_set_new(out, h->name, json_pack("{s:s,s:{s:s}}", "description", h->description, "schema", "type", h->type));
    return out;
}

static void add_statuses(json_t *responses, const char *list, json_t *success_content, json_t *headers)
{
    char status[8];
    for (const char *p = list ? list : ""; *p;) {
        size_t n = strcspn(p, " ");
        snprintf(status, sizeof status, "%.*s", (int)n, p);
        if (status[0] >= '4') add_error(responses, status);
        else {
            json_t *r = json_pack("{s:s}", "description", status_text(status));
            if (success_content && strcmp(status, "204") != 0)
                json_object_set(r, "content", success_content);
            if (headers) json_object_set(r, "headers", headers);
            json_object_set_new(responses, status, r);
        }
        p += n;
        while (*p == ' ') p++;
    }
}

static json_t *responses(arena *a, const route *r, const entity_def *ent, int *bad)
{
    const route_doc *d = &r->doc;
    json_t *content = NULL;
    if (d->reply) {
        json_t *schema = declared_schema(a, d->reply, ent);
        if (!schema) *bad = 1;
        else content = json_pack("{s:{s:o}}", "application/json", "schema", schema);
        if (content && d->reply_types) { /* JSON, or a file when asked (a report's format=xlsx) */
            json_t *files = binary_content(d->reply_types);
            json_object_update(content, files);
            json_decref(files);
        }
    } else if (d->reply_types) {
        content = binary_content(d->reply_types);
    }
    json_t *out = json_object();
    json_t *headers = header_objects(d->headers);
    add_statuses(out, d->ok ? d->ok : "200", content, headers);
    json_decref(headers);
    json_decref(content);
    /* What the router answers before the handler: bad UTF-8 in the URL,
     * no sign-in, a CSRF failure, a body too large, the database down. */
    add_error(out, "400");
    if (!(r->flags & ROUTE_PUBLIC)) add_error(out, "401");
    if (strcmp(r->method, "GET") != 0 && !(r->flags & ROUTE_NO_CSRF)) add_error(out, "403");
    if (d->body || d->body_types) add_error(out, "413");
    add_error(out, "503");
    add_statuses(out, d->errors, NULL, NULL);
    return out;
}

static json_t *operation(arena *a, const route *r, const entity_def *ent, int *bad)
{
    const route_doc *d = &r->doc;
    char id[200];
    snprintf(id, sizeof id, ent ? "%s_%s" : "%s", d->id ? d->id : "undeclared", ent ? ent->name : "");
    json_t *op = json_pack("{s:[s],s:s,s:s}", "tags", d->tag ? d->tag : ent ? ent->name : "other", "summary",
                           d->summary ? d->summary : "", "operationId", id);
    json_t *params = parameters(d);
    if (json_array_size(params)) json_object_set(op, "parameters", params);
    json_decref(params);
    json_t *content = NULL;
    if (d->body) {
        json_t *schema = declared_schema(a, d->body, ent);
        if (!schema) *bad = 1;
        else content = json_pack("{s:{s:o}}", "application/json", "schema", schema);
    } else if (d->body_types) {
        content = binary_content(d->body_types);
    }
    if (content)
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b,s:o}", "required", !d->body_optional, "content", content));
    json_object_set_new(op, "responses", responses(a, r, ent, bad));
    if (r->flags & ROUTE_PUBLIC) json_object_set_new(op, "security", json_array());
    return op;
}

/* Adds one route (for one entity when generic). The first declaration of a
 * path and method wins, as in dispatch: the specific tables come before
 * the generic records table (routes.c), so PATCH /api/v1/users/{id} is the
 * users' own. */
static void add_route(json_t *paths, arena *a, const route *r, const entity_def *ent, int *bad)
{
    const char *path = openapi_path(a, r->pattern, ent);
    json_t *item = json_object_get(paths, path);
    if (!item) json_object_set_new(paths, path, item = json_object());
    char method[16];
    size_t i = 0;
    for (; r->method[i] && i < sizeof method - 1; i++) method[i] = (char)tolower((unsigned char)r->method[i]);
    method[i] = '\0';
    if (!json_object_get(item, method)) json_object_set_new(item, method, operation(a, r, ent, bad));
}

static json_t *route_paths(arena *a, const metadata *m, int *bad)
{
    json_t *paths = json_object();
    for (const route *const *t = api_all_routes; *t; t++)
        for (const route *r = *t; r->method; r++) {
            if (!is_generic(r->pattern)) {
                add_route(paths, a, r, NULL, bad);
                continue;
            }
            for (int i = 0; i < m->nentities; i++) /* owned lines travel in their record: no routes of their own */
                if (!m->entities[i].owner && route_applies(r->doc.only_if, &m->entities[i]))
                    add_route(paths, a, r, &m->entities[i], bad);
        }
    return paths;
}

/* The tags in use, each described once (linters ask for it). */
static json_t *tag_list(json_t *paths, const metadata *m)
{
    json_t *seen = json_object(), *tags = json_array();
    const char *path, *method;
    json_t *item, *op;
    json_object_foreach(paths, path, item) {
        json_object_foreach(item, method, op) {
            const char *tag = json_string_value(json_array_get(json_object_get(op, "tags"), 0));
            if (!tag || json_object_get(seen, tag)) continue;
            json_object_set_new(seen, tag, json_true());
            const entity_def *ent = meta_entity(m, tag);
            json_t *t = json_pack("{s:s}", "name", tag);
            if (ent) json_object_set_new(t, "description", json_sprintf("%s / %s", ent->label_zh, ent->label_en));
            else json_object_set_new(t, "description", json_string(tag));
            json_array_append_new(tags, t);
        }
    }
    json_decref(seen);
    return tags;
}

void api_openapi(http_request *req, http_response *res)
{
    if (req->db) meta_refresh_now(req->db); /* a public route: no session to bring the version */
    const metadata *m = meta_current();
    json_t *schemas = json_loads(SHARED_SCHEMAS, 0, NULL);
    for (int i = 0; i < m->nentities; i++) entity_schemas(schemas, &m->entities[i]);
    user_password(schemas);
    int bad = 0;
    json_t *paths = route_paths(req->a, m, &bad);
    json_t *doc = json_pack(
        "{s:s,s:{s:s,s:s,s:s},s:[{s:s}],s:o,s:O,s:{s:o,s:o,s:{s:{s:s,s:s},s:{s:s,s:s,s:s}}},s:[{s:[]},{s:[]}]}",
        "openapi", "3.0.3", "info", "title", "Kehu 客户 CRM API", "version", "1", "description",
        "客户关系管理系统接口 / Kehu CRM API. Errors: {\"error\":{\"code\",\"message\",\"fields\"}}.",
        "servers", "url", "/", "tags", tag_list(paths, m), "paths", paths, "components", "schemas", schemas,
        "responses", error_responses(), "securitySchemes", "bearer", "type", "http", "scheme", "bearer",
        "cookie", "type", "apiKey", "in", "cookie", "name", "kehu_session", "security", "bearer", "cookie");
    json_decref(paths);
    char *text = doc && !bad ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!text) return http_fail(req, res, 500, "internal_error", "生成接口文档失败", "Cannot build the document");
    sb_append(&res->body, text);
    free(text);
    http_json(res, 200);
}
