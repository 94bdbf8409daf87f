/* openapi.c - GET /api/v1/openapi.json: the OpenAPI 3.0 document of the
 * whole API, generated from the metadata in force, so custom fields and new
 * entities are documented the moment they exist. Built with jansson (it
 * escapes and nests for us; speed does not matter here). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    case FT_INTEGER: case FT_LINK: case FT_USER: case FT_ID: type = "integer"; format = "int64"; break;
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
    if (!f->required) json_object_set_new(s, "nullable", json_true());
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
        json_object_set_new(input, r->name, json_pack("{s:s,s:i,s:s,s:{s:s}}", "type", "array", "maxItems", LINES_MAX,
                                                      "description", "all lines in order; id: keep and update, none: add, left out: delete",
                                                      "items", "type", "object"));
    }
    char name[128];
    json_object_set_new(schemas, ent->name,
                        json_pack("{s:s,s:s,s:o}", "type", "object", "title", ent->label_zh,
                                  "properties", props));
    json_t *in = json_pack("{s:s,s:o,s:b}", "type", "object", "properties", input,
                           "additionalProperties", 0);
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
                        json_pack("{s:s,s:{s:{s:s,s:o},s:{s:s}},s:[s,s]}", "type", "object",
                                  "properties", "items", "type", "array", "items", ref(ent->name),
                                  "total", "type", "integer", "required", "items", "total"));
}

static json_t *json_content(json_t *schema)
{
    return json_pack("{s:{s:o}}", "application/json", "schema", schema);
}

static json_t *reply(const char *description, json_t *schema)
{
    json_t *r = json_pack("{s:s}", "description", description);
    if (schema) json_object_set_new(r, "content", json_content(schema));
    return r;
}

static json_t *errors(json_t *responses)
{
    static const char *const codes[][2] = {{"400", "请求格式错误 / malformed request"},
                                           {"401", "未登录 / not signed in"},
                                           {"403", "无权限 / forbidden"},
                                           {"404", "不存在 / not found"},
                                           {"409", "冲突或重复 / conflict or duplicate"},
                                           {"413", "请求过大 / too large"},
                                           {"422", "校验失败 / validation failed"}};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        json_object_set_new(responses, codes[i][0], reply(codes[i][1], ref("Error")));
    return responses;
}

static json_t *param(const char *name, const char *in, const char *type, const char *desc)
{
    return json_pack("{s:s,s:s,s:b,s:{s:s},s:s}", "name", name, "in", in, "required",
                     strcmp(in, "path") == 0, "schema", "type", type, "description", desc);
}

static json_t *operation(const char *tag, const char *summary, const char *id, json_t *responses)
{
    return json_pack("{s:[s],s:s,s:s,s:o}", "tags", tag, "summary", summary, "operationId", id,
                     "responses", errors(responses));
}

static json_t *body_of(const char *schema)
{
    return json_pack("{s:b,s:o}", "required", 1, "content", json_content(ref(schema)));
}

static void entity_paths(json_t *paths, const entity_def *ent)
{
    char path[160], id[160], schema[160], sum[200];
    const char *n = ent->name, *tag = ent->name;
    snprintf(path, sizeof path, "/api/v1/%s", n);
    snprintf(schema, sizeof schema, "%s_list", n);
    json_t *list = operation(tag, "列表 / list", (snprintf(id, sizeof id, "list_%s", n), id),
                             json_pack("{s:o}", "200", reply("OK", ref(schema))));
    json_object_set_new(list, "parameters",
                        json_pack("[o,o,o,o,o,o]", param("q", "query", "string", "quick search"),
                                  param("filter", "query", "string", "filter JSON"),
                                  param("sort", "query", "string", "f1,-f2"),
                                  param("limit", "query", "integer", "1..500, default 50"),
                                  param("offset", "query", "integer", "rows to skip"),
                                  param("deleted", "query", "boolean", "recycle bin")));
    snprintf(schema, sizeof schema, "%s_create", n);
    json_t *create = operation(tag, "新建 / create", (snprintf(id, sizeof id, "create_%s", n), id),
                               json_pack("{s:o}", "201", reply("Created", ref(n))));
    json_object_set_new(create, "requestBody", body_of(schema));
    json_object_set_new(paths, path, json_pack("{s:o,s:o}", "get", list, "post", create));

    snprintf(path, sizeof path, "/api/v1/%s/{id}", n);
    json_t *get = operation(tag, "详情 / read", (snprintf(id, sizeof id, "get_%s", n), id),
                            json_pack("{s:o}", "200", reply("OK", ref(n))));
    snprintf(schema, sizeof schema, "%s_update", n);
    json_t *patch = operation(tag, "修改 / update", (snprintf(id, sizeof id, "update_%s", n), id),
                              json_pack("{s:o}", "200", reply("OK", ref(n))));
    json_object_set_new(patch, "requestBody", body_of(schema));
    json_t *del = operation(tag, "删除到回收站 / delete", (snprintf(id, sizeof id, "delete_%s", n), id),
                            json_pack("{s:o}", "204", reply("Deleted", NULL)));
    json_object_set_new(paths, path,
                        json_pack("{s:[o],s:o,s:o,s:o}", "parameters",
                                  param("id", "path", "integer", "record id"), "get", get, "patch",
                                  patch, "delete", del));

    snprintf(path, sizeof path, "/api/v1/%s/export", n);
    json_t *exp = operation(tag, "导出 / export (csv, xlsx)", (snprintf(id, sizeof id, "export_%s", n), id),
                            json_pack("{s:{s:s,s:{s:{s:{s:s,s:s}},s:{s:{s:{s:s,s:s}}}}}}", "200", "description",
                                      "file", "content", "text/csv", "schema", "type", "string", "format",
                                      "binary", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                      "schema", "type", "string", "format", "binary"));
    json_object_set_new(exp, "parameters",
                        json_pack("[o,o,o,o,o]", param("format", "query", "string", "csv, xlsx (default) or vcf (people: vCard 3.0)"),
                                  param("q", "query", "string", "quick search"),
                                  param("filter", "query", "string", "filter JSON"),
                                  param("sort", "query", "string", "f1,-f2"),
                                  param("fields", "query", "string",
                                        "columns in order, comma-separated field names (default: every visible field)")));
    json_object_set_new(paths, path, json_pack("{s:o}", "get", exp));

    if (ent->name_field) {
        snprintf(path, sizeof path, "/api/v1/%s/duplicates", n);
        json_t *dup = operation(tag, "相似名称查重 / similar names", (snprintf(id, sizeof id, "duplicates_%s", n), id),
                                json_pack("{s:o}", "200", reply("OK", ref("RecordList"))));
        json_object_set_new(dup, "parameters", json_pack("[o]", param("name", "query", "string", "name being typed")));
        json_object_set_new(paths, path, json_pack("{s:o}", "get", dup));
    }

    static const char *const owner_verbs[][2] = {{"assign", "分配负责人 / assign owner"},
                                                {"claim", "从公海领取 / claim from the pool"},
                                                {"release", "退回公海 / release to the pool"}};
    for (int v = 0; v < 3; v++) {
        if (v > 0 && !ent->pool) break;
        snprintf(path, sizeof path, "/api/v1/%s/{id}/%s", n, owner_verbs[v][0]);
        json_t *op = operation(tag, owner_verbs[v][1], (snprintf(id, sizeof id, "%s_%s", owner_verbs[v][0], n), id),
                               json_pack("{s:o}", "200", reply("OK", ref(n))));
        json_object_set_new(paths, path, json_pack("{s:[o],s:o}", "parameters",
                                                   param("id", "path", "integer", "record id"), "post", op));
    }

    snprintf(path, sizeof path, "/api/v1/%s/mass-update", n);
    json_t *mass = operation(tag, "批量修改 / mass update", (snprintf(id, sizeof id, "mass_update_%s", n), id),
                             json_pack("{s:o}", "200", reply("OK", NULL)));
    json_object_set_new(mass, "requestBody",
                        json_pack("{s:b,s:o}", "required", 1, "content",
                                  json_content(json_pack("{s:s,s:[s,s],s:{s:{s:s,s:{s:s}},s:o}}", "type", "object",
                                                         "required", "ids", "values", "properties", "ids", "type",
                                                         "array", "items", "type", "integer", "values",
                                                         ref(schema)))));
    json_object_set_new(paths, path, json_pack("{s:o}", "post", mass));

    if (!ent->is_system) {
        static const char *const file_types[] = {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"};
        json_t *content = json_object();
        for (int k = 0; k < 2; k++)
            json_object_set_new(content, file_types[k], json_pack("{s:{s:s,s:s}}", "schema", "type", "string", "format", "binary"));
        snprintf(path, sizeof path, "/api/v1/%s/import/preview", n);
        json_t *pv = operation(tag, "导入：上传并预览 / import: upload and preview", (snprintf(id, sizeof id, "import_preview_%s", n), id),
                               json_pack("{s:o}", "200", reply("OK", NULL)));
        json_object_set_new(pv, "requestBody", json_pack("{s:b,s:O}", "required", 1, "content", content));
        json_object_set_new(paths, path, json_pack("{s:o}", "post", pv));
        snprintf(path, sizeof path, "/api/v1/%s/import", n);
        json_t *im = operation(tag, "导入（一步）/ import in one call", (snprintf(id, sizeof id, "import_%s", n), id),
                               json_pack("{s:o,s:o}", "200", reply("Done", ref("ImportJob")), "202", reply("Running", ref("ImportJob"))));
        json_object_set_new(im, "requestBody", json_pack("{s:b,s:o}", "required", 1, "content", content));
        json_object_set_new(im, "parameters",
                            json_pack("[o,o,o,o]", param("duplicates", "query", "string", "skip (default), update or create"),
                                      param("match", "query", "string", "field that finds duplicates (default: the name)"),
                                      param("all_or_nothing", "query", "boolean", "any bad row: store nothing"),
                                      param("wait", "query", "boolean", "answer when done")));
        json_object_set_new(paths, path, json_pack("{s:o}", "post", im));
    }

    snprintf(path, sizeof path, "/api/v1/%s/merge", n);
    json_t *merge = operation(tag, "合并 / merge records", (snprintf(id, sizeof id, "merge_%s", n), id),
                              json_pack("{s:o}", "200", reply("OK", ref(n))));
    json_object_set_new(merge, "requestBody",
                        json_pack("{s:b,s:o}", "required", 1, "content",
                                  json_content(json_pack("{s:s,s:[s,s],s:{s:{s:s},s:{s:s,s:{s:s},s:i},s:{s:s,s:{s:s}},s:{s:s}}}",
                                                         "type", "object", "required", "target_id", "source_ids",
                                                         "properties", "target_id", "type", "integer", "source_ids",
                                                         "type", "array", "items", "type", "integer", "maxItems", 50,
                                                         "fields", "type", "object", "additionalProperties", "type",
                                                         "integer", "version", "type", "integer"))));
    json_object_set_new(paths, path, json_pack("{s:o}", "post", merge));

    snprintf(path, sizeof path, "/api/v1/%s/{id}/restore", n);
    json_t *restore = operation(tag, "从回收站恢复 / restore", (snprintf(id, sizeof id, "restore_%s", n), id),
                                json_pack("{s:o}", "200", reply("OK", ref(n))));
    json_object_set_new(paths, path, json_pack("{s:[o],s:o}", "parameters",
                                               param("id", "path", "integer", "record id"), "post", restore));
    snprintf(path, sizeof path, "/api/v1/%s/{id}/history", n);
    snprintf(sum, sizeof sum, "修改记录 / history");
    json_t *hist = operation(tag, sum, (snprintf(id, sizeof id, "history_%s", n), id),
                             json_pack("{s:o}", "200", reply("OK", ref("History"))));
    json_object_set_new(paths, path, json_pack("{s:[o],s:o}", "parameters",
                                               param("id", "path", "integer", "record id"), "get", hist));
    if (ent->nrelations) {
        snprintf(path, sizeof path, "/api/v1/%s/{id}/related/{relation}", n);
        json_t *rel = operation(tag, "相关列表 / related list", (snprintf(id, sizeof id, "related_%s", n), id),
                                json_pack("{s:o}", "200", reply("OK", ref("RecordList"))));
        json_object_set_new(paths, path,
                            json_pack("{s:[o,o],s:o}", "parameters", param("id", "path", "integer", "record id"),
                                      param("relation", "path", "string", "relation name"), "get", rel));
    }
}

static void common_schemas(json_t *schemas)
{
    json_object_set_new(schemas, "Error",
                        json_pack("{s:s,s:[s],s:{s:{s:s,s:[s,s],s:{s:{s:s},s:{s:s},s:{s:s,s:{s:s}}}}}}",
                                  "type", "object", "required", "error", "properties", "error", "type",
                                  "object", "required", "code", "message", "properties", "code", "type",
                                  "string", "message", "type", "string", "fields", "type", "object",
                                  "additionalProperties", "type", "string"));
    json_object_set_new(schemas, "History",
                        json_pack("{s:s,s:{s:{s:s,s:{s:s}}}}", "type", "object", "properties", "items",
                                  "type", "array", "items", "type", "object"));
    json_object_set_new(schemas, "RecordList",
                        json_pack("{s:s,s:{s:{s:s,s:{s:s}},s:{s:s}}}", "type", "object", "properties",
                                  "items", "type", "array", "items", "type", "object", "total", "type",
                                  "integer"));
    json_object_set_new(schemas, "PasswordChange",
                        json_pack("{s:s,s:[s,s],s:{s:{s:s},s:{s:s}}}", "type", "object", "required",
                                  "old_password", "new_password", "properties", "old_password", "type",
                                  "string", "new_password", "type", "string"));
    json_object_set_new(schemas, "SignIn",
                        json_pack("{s:s,s:[s,s],s:{s:{s:s},s:{s:s,s:s}}}", "type", "object", "required",
                                  "username", "password", "properties", "username", "type", "string",
                                  "password", "type", "string", "format", "password"));
}

static void session_paths(json_t *paths)
{
    json_t *login = operation("session", "登录 / sign in", "sign_in",
                              json_pack("{s:o,s:o}", "200", reply("Signed in", NULL), "429",
                                        reply("登录失败次数过多 / throttled", ref("Error"))));
    json_object_set_new(login, "requestBody", body_of("SignIn"));
    json_object_set_new(login, "security", json_array());
    json_object_set_new(paths, "/api/v1/session",
                        json_pack("{s:o,s:o,s:o}", "post", login, "get",
                                  operation("session", "当前用户 / current user", "get_session",
                                            json_pack("{s:o}", "200", reply("OK", NULL))),
                                  "delete",
                                  operation("session", "退出 / sign out", "sign_out",
                                            json_pack("{s:o}", "204", reply("Signed out", NULL)))));
    json_t *pw = operation("session", "修改密码 / change password", "change_password",
                           json_pack("{s:o}", "204", reply("Changed", NULL)));
    json_object_set_new(pw, "requestBody", body_of("PasswordChange"));
    json_object_set_new(paths, "/api/v1/session/password", json_pack("{s:o}", "post", pw));
    json_object_set_new(paths, "/api/v1/tokens",
                        json_pack("{s:o,s:o}", "post",
                                  operation("session", "创建 API 令牌 / create API token", "create_token",
                                            json_pack("{s:o}", "201", reply("Created", NULL))),
                                  "get",
                                  operation("session", "我的 API 令牌 / my API tokens", "list_tokens",
                                            json_pack("{s:o}", "200", reply("OK", NULL)))));
    json_object_set_new(paths, "/api/v1/tokens/{id}",
                        json_pack("{s:[o],s:o}", "parameters", param("id", "path", "integer", "token id"),
                                  "delete",
                                  operation("session", "吊销 API 令牌 / revoke API token", "revoke_token",
                                            json_pack("{s:o}", "204", reply("Revoked", NULL)))));
    json_t *conv = operation("leads", "线索转换 / convert a lead", "convert_lead",
                             json_pack("{s:o}", "200", reply("Converted", NULL)));
    json_object_set_new(conv, "parameters", json_pack("[o]", param("id", "path", "integer", "lead id")));
    json_object_set_new(conv, "requestBody", json_pack("{s:b,s:o}", "required", 0, "content",
                                                       json_content(json_pack("{s:s}", "type", "object"))));
    json_object_set_new(paths, "/api/v1/leads/{id}/convert", json_pack("{s:o}", "post", conv));
    json_t *fun = operation("reports", "销售漏斗 / sales funnel", "sales_funnel",
                            json_pack("{s:o}", "200", reply("OK", NULL)));
    json_object_set_new(fun, "parameters",
                        json_pack("[o,o,o]", param("owner", "query", "integer", "owner user id"),
                                  param("from", "query", "string", "expected close from YYYY-MM-DD"),
                                  param("to", "query", "string", "expected close to YYYY-MM-DD")));
    json_object_set_new(paths, "/api/v1/reports/funnel", json_pack("{s:o}", "get", fun));
    json_t *grp = operation("reports", "分组统计 / grouped counts", "group_report", json_pack("{s:o}", "200", reply("OK", NULL)));
    json_object_set_new(grp, "parameters",
                        json_pack("[o,o,o,o,o]", param("entity", "query", "string", "module, e.g. accounts"),
                                  param("by", "query", "string", "group field (owner = owner_id)"),
                                  param("sum", "query", "string", "money or number field to add up"),
                                  param("q", "query", "string", "quick search"),
                                  param("filter", "query", "string", "filter JSON")));
    json_object_set_new(paths, "/api/v1/reports/group", json_pack("{s:o}", "get", grp));
    json_t *stats = operation("reports", "客情统计 / customer statistics", "account_stats", json_pack("{s:o}", "200", reply("OK", NULL)));
    json_object_set_new(stats, "parameters",
                        json_pack("[o,o,o]", param("by", "query", "string", "type, grade, industry, source, stage, province, city, owner"),
                                  param("sum", "query", "string", "money or number field to add up"),
                                  param("filter", "query", "string", "filter JSON")));
    json_object_set_new(paths, "/api/v1/reports/accounts", json_pack("{s:o}", "get", stats));
    json_t *rem = operation("reports", "提醒 / reminders", "reminders", json_pack("{s:o}", "200", reply("OK", NULL)));
    json_object_set_new(rem, "parameters", json_pack("[o]", param("days", "query", "integer", "window in days, default 7")));
    json_object_set_new(paths, "/api/v1/reminders", json_pack("{s:o}", "get", rem));
    json_t *stg = operation("opportunities", "阶段历程与停留时间 / stage history and time in stage", "opportunity_stages",
                            json_pack("{s:o}", "200", reply("OK", NULL)));
    json_object_set_new(paths, "/api/v1/opportunities/{id}/stages",
                        json_pack("{s:[o],s:o}", "parameters", param("id", "path", "integer", "opportunity id"), "get", stg));
    json_object_set_new(paths, "/api/v1/search",
                        json_pack("{s:{s:[s],s:s,s:s,s:[o],s:o}}", "get", "tags", "search", "summary",
                                  "全局搜索 / global search", "operationId", "global_search", "parameters",
                                  param("q", "query", "string", "search text"), "responses",
                                  errors(json_pack("{s:o}", "200", reply("OK", NULL)))));
    json_object_set_new(paths, "/api/v1/metadata",
                        json_pack("{s:o}", "get",
                                  operation("metadata", "元数据 / metadata", "get_metadata",
                                            json_pack("{s:o}", "200", reply("OK", NULL)))));
}

/* System settings beyond the records API (src/api/access.c). The users'
 * create and update bodies gain the write-only password. */
static void import_paths(json_t *paths, json_t *schemas)
{
    json_object_set_new(schemas, "ImportJob",
                        json_pack("{s:s,s:{s:{s:s},s:{s:s,s:[s,s,s,s]},s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s}}}",
                                  "type", "object", "properties", "id", "type", "string", "status", "type", "string",
                                  "enum", "ready", "running", "done", "failed", "total", "type", "integer", "processed",
                                  "type", "integer", "created", "type", "integer", "updated", "type", "integer",
                                  "skipped", "type", "integer", "failed", "type", "integer", "errors", "type", "array"));
    json_t *run = operation("imports", "开始导入 / run an import", "run_import",
                            json_pack("{s:o}", "202", reply("Running", ref("ImportJob"))));
    json_object_set_new(run, "requestBody",
                        json_pack("{s:b,s:o}", "required", 1, "content",
                                  json_content(json_pack("{s:s,s:[s],s:{s:{s:s},s:{s:s,s:[s,s,s]},s:{s:s},s:{s:s}}}", "type",
                                                         "object", "required", "mapping", "properties", "mapping", "type",
                                                         "object", "duplicates", "type", "string", "enum", "skip", "update",
                                                         "create", "match", "type", "string", "all_or_nothing", "type",
                                                         "boolean"))));
    json_object_set_new(paths, "/api/v1/imports/{id}/run",
                        json_pack("{s:[o],s:o}", "parameters", param("id", "path", "string", "import id"), "post", run));
    json_object_set_new(paths, "/api/v1/imports/{id}",
                        json_pack("{s:[o],s:o}", "parameters", param("id", "path", "string", "import id"), "get",
                                  operation("imports", "导入进度与结果 / import progress and result", "get_import",
                                            json_pack("{s:o}", "200", reply("OK", ref("ImportJob"))))));
}

static void calendar_paths(json_t *paths)
{
    json_object_set_new(paths, "/api/v1/calendar/feed",
                        json_pack("{s:o,s:o}", "post",
                                  operation("calendar", "新的日历订阅地址 / new calendar feed URL", "new_feed",
                                            json_pack("{s:o}", "201", reply("Created", NULL))),
                                  "delete",
                                  operation("calendar", "停用日历订阅 / stop the calendar feed", "stop_feed",
                                            json_pack("{s:o}", "204", reply("Stopped", NULL)))));
    json_t *feed = operation("calendar", "日历订阅（iCalendar）/ calendar feed (iCalendar)", "calendar_feed",
                             json_pack("{s:{s:s,s:{s:{s:{s:s}}}}}", "200", "description", "iCalendar", "content",
                                       "text/calendar", "schema", "type", "string"));
    json_object_set_new(feed, "security", json_array());
    json_object_set_new(paths, "/api/v1/calendar/feed/{secret}",
                        json_pack("{s:[o],s:o}", "parameters", param("secret", "path", "string", "the feed secret + .ics"),
                                  "get", feed));
    json_t *share = operation("calendar", "发布行程 / share my schedule", "share_schedule",
                              json_pack("{s:o}", "200", reply("OK", NULL)));
    json_object_set_new(share, "requestBody",
                        json_pack("{s:b,s:o}", "required", 1, "content",
                                  json_content(json_pack("{s:s,s:[s,s,s],s:{s:{s:s,s:{s:s}},s:{s:s,s:s},s:{s:s,s:s},s:{s:s}}}",
                                                         "type", "object", "required", "user_ids", "from", "to",
                                                         "properties", "user_ids", "type", "array", "items", "type",
                                                         "integer", "from", "type", "string", "format", "date", "to",
                                                         "type", "string", "format", "date", "note", "type", "string"))));
    json_object_set_new(paths, "/api/v1/calendar/share", json_pack("{s:o}", "post", share));
}

static void access_paths(json_t *paths, json_t *schemas)
{
    json_t *sharing = json_pack("{s:s,s:{s:s,s:[s,s,s]}}", "type", "object", "additionalProperties", "type",
                                "string", "enum", "private", "public_read", "public_read_write");
    json_object_set_new(schemas, "Sharing", sharing);
    json_t *put = operation("settings", "修改默认共享 / set default sharing", "put_sharing",
                            json_pack("{s:o}", "200", reply("OK", ref("Sharing"))));
    json_object_set_new(put, "requestBody", body_of("Sharing"));
    json_object_set_new(paths, "/api/v1/sharing",
                        json_pack("{s:o,s:o}", "get",
                                  operation("settings", "默认共享设置 / default sharing", "get_sharing",
                                            json_pack("{s:o}", "200", reply("OK", ref("Sharing")))),
                                  "put", put));
    static const char *const bodies[] = {"users_create", "users_update"};
    for (int i = 0; i < 2; i++) {
        json_t *props = json_object_get(json_object_get(schemas, bodies[i]), "properties");
        if (props)
            json_object_set_new(props, "password",
                                json_pack("{s:s,s:s,s:b,s:s}", "type", "string", "format", "password", "writeOnly", 1,
                                          "description", "密码（只写）/ password, write-only"));
    }
    json_t *copy = operation("users", "复制用户 / copy a user", "copy_user",
                             json_pack("{s:o}", "201", reply("Created", ref("users"))));
    json_object_set_new(copy, "requestBody", body_of("users_create"));
    json_object_set_new(paths, "/api/v1/users/{id}/copy",
                        json_pack("{s:[o],s:o}", "parameters", param("id", "path", "integer", "model user id"),
                                  "post", copy));
    json_t *logins = operation("users", "登录历史 / sign-in history", "user_logins",
                               json_pack("{s:o}", "200", reply("OK", ref("RecordList"))));
    json_object_set_new(logins, "parameters",
                        json_pack("[o,o,o]", param("id", "path", "integer", "user id"),
                                  param("limit", "query", "integer", "1..200, default 50"),
                                  param("offset", "query", "integer", "rows to skip")));
    json_object_set_new(paths, "/api/v1/users/{id}/logins", json_pack("{s:o}", "get", logins));
    json_object_set_new(schemas, "Menu",
                        json_pack("{s:s,s:{s:{s:s,s:{s:s}},s:{s:s,s:{s:s}}}}", "type", "object", "properties",
                                  "order", "type", "array", "items", "type", "string", "hidden", "type", "array",
                                  "items", "type", "string"));
    json_t *put_menu = operation("users", "定制主菜单 / customise the main menu", "put_menu",
                                 json_pack("{s:o}", "200", reply("OK", ref("Menu"))));
    json_object_set_new(put_menu, "requestBody", body_of("Menu"));
    json_object_set_new(paths, "/api/v1/users/{id}/menu",
                        json_pack("{s:[o],s:o,s:o}", "parameters", param("id", "path", "integer", "user id"), "get",
                                  operation("users", "主菜单设置 / main menu settings", "get_menu",
                                            json_pack("{s:o}", "200", reply("OK", ref("Menu")))),
                                  "put", put_menu));
}

void api_openapi(http_request *req, http_response *res)
{
    const metadata *m = meta_current();
    json_t *paths = json_object(), *schemas = json_object();
    common_schemas(schemas);
    session_paths(paths);
    for (int i = 0; i < m->nentities; i++) {
        entity_schemas(schemas, &m->entities[i]);
        if (!m->entities[i].owner) entity_paths(paths, &m->entities[i]); /* owned lines: no routes */
    }
    access_paths(paths, schemas);
    import_paths(paths, schemas);
    calendar_paths(paths);
    json_t *doc = json_pack(
        "{s:s,s:{s:s,s:s,s:s},s:[{s:s}],s:o,s:{s:o,s:{s:{s:s,s:s},s:{s:s,s:s,s:s}}},s:[{s:[]},{s:[]}]}",
        "openapi", "3.0.3", "info", "title", "Kehu 客户 CRM API", "version", "1", "description",
        "客户关系管理系统接口 / Kehu CRM API. Errors: {\"error\":{\"code\",\"message\",\"fields\"}}.",
        "servers", "url", "/", "paths", paths, "components", "schemas", schemas, "securitySchemes",
        "bearer", "type", "http", "scheme", "bearer", "cookie", "type", "apiKey", "in", "cookie",
        "name", "kehu_session", "security", "bearer", "cookie");
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!text) return http_fail(req, res, 500, "internal_error", "生成接口文档失败", "Cannot build the document");
    sb_append(&res->body, text);
    free(text);
    http_json(res, 200);
}
