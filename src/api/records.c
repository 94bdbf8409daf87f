/* records.c - the generic records API of every entity (DESIGN.md):
 *   GET    /api/v1/{entity}                  list (q, filter, sort, limit, offset, deleted)
 *   POST   /api/v1/{entity}                  create
 *   GET    /api/v1/{entity}/{id}             read (ETag = version)
 *   PATCH  /api/v1/{entity}/{id}             update (If-Match or body version)
 *   DELETE /api/v1/{entity}/{id}             to the recycle bin
 *   POST   /api/v1/{entity}/{id}/restore     back from the recycle bin
 *   GET    /api/v1/{entity}/{id}/history     field-level change log
 *   GET    /api/v1/{entity}/{id}/related/{relation}
 * Handlers only translate HTTP to engine calls; rules live in src/entity. */
#include <ctype.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "api.h"
#include "../acl/acl.h"
#include "../entity/total_cache.h"
#include "../util/clock.h"

int api_int_param(http_request *req, http_response *res, const char *name, int64_t dflt,
                           int64_t max, int64_t *out)
{
    const char *v = http_query(req, name);
    *out = dflt;
    if (!v) return 0;
    int64_t n = api_parse_id(v);
    if ((n == 0 && strcmp(v, "0") != 0) || n > max) {
        err e;
        err_clear(&e);
        err_setf(&e, 400, "bad_param", "参数 %s 必须是 0 到 %lld 之间的整数",
                 "Parameter %s must be an integer from 0 to %lld", name, (long long)max);
        http_error(req, res, &e);
        return -1;
    }
    *out = n;
    return 0;
}

int api_list_params(http_request *req, http_response *res, list_params *p)
{
    memset(p, 0, sizeof *p);
    p->q = http_query(req, "q");
    p->filter = http_query(req, "filter");
    p->sort = http_query(req, "sort");
    const char *deleted = http_query(req, "deleted"), *pool = http_query(req, "pool");
    p->deleted = deleted && (strcmp(deleted, "true") == 0 || strcmp(deleted, "1") == 0);
    p->pool = pool && (strcmp(pool, "true") == 0 || strcmp(pool, "1") == 0);
    const char *initial = http_query(req, "initial");
    if (initial) {
        char c = (char)tolower((unsigned char)initial[0]);
        if (strlen(initial) != 1 || !((c >= 'a' && c <= 'z') || c == '#')) {
            http_fail(req, res, 400, "bad_param", "参数 initial 必须是 A 到 Z 的一个字母或 #",
                      "Parameter initial must be one letter A-Z or #");
            return -1;
        }
        p->initial = c;
    }
    if (p->q && strlen(p->q) > Q_MAX_BYTES) {
        http_fail(req, res, 400, "bad_param", "搜索内容过长", "The search text is too long");
        return -1;
    }
    if (api_int_param(req, res, "limit", LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT, &p->limit) ||
        api_int_param(req, res, "offset", 0, LIST_MAX_OFFSET, &p->offset))
        return -1;
    return 0;
}

static void list_records(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *ent = api_entity(req, res, &c, req->params[0]);
    list_params p;
    if (!ent || api_list_params(req, res, &p)) return;
    err e;
    err_clear(&e);
    if (entity_list(&c, ent, &p, &res->body, &e)) return http_error(req, res, &e);
    /* whether the total was counted by this request, kept, or shared with
     * a concurrent one's count (total_cache.h; the tests watch the herd) */
    static const char *const SOURCES[] = {NULL, "counted", "kept", "shared"};
    if (c.total_source > TOTAL_NONE && c.total_source <= TOTAL_SHARED) http_set_header(res, "X-Kehu-Total", SOURCES[c.total_source]);
    http_json(res, 200);
}

/* X-Kehu-Allow (docs/api.md): what the user may do with a record of ent
 * owned by owner, from the row already read: no query. */
static void set_allow(http_response *res, entity_ctx *c, const entity_def *ent, int64_t owner)
{
    static const char *const ALLOW[] = {"view", "view, edit", "view, delete", "view, edit, delete"};
    unsigned allowed = entity_allowed(c, ent, owner);
    http_set_header(res, "X-Kehu-Allow", ALLOW[((allowed >> ACL_EDIT) & 1u) | ((allowed >> ACL_DELETE) & 1u) << 1]);
}

/* Answers the record as a read of it would, from one read: its version as
 * ETag and what the user may now do with it (X-Kehu-Allow: a write may
 * have changed the owner). */
void api_answer_record(http_request *req, http_response *res, entity_ctx *c,
                          const entity_def *ent, int64_t id, int status)
{
    err e;
    err_clear(&e);
    sb_clear(&res->body);
    int64_t v = 0, owner = 0;
    if (entity_get_versioned(c, ent, id, 1, &res->body, &v, &owner, &e)) return http_error(req, res, &e);
    if (v) http_set_header(res, "ETag", arena_printf(req->a, "\"%lld\"", (long long)v));
    set_allow(res, c, ent, owner);
    http_json(res, status);
}

static int record_target(http_request *req, http_response *res, entity_ctx *c,
                         const entity_def **ent, int64_t *id)
{
    api_entity_ctx(req, c);
    *ent = api_entity(req, res, c, req->params[0]);
    if (!*ent) return -1;
    *id = api_parse_id(req->params[1]);
    if (!*id) {
        http_fail(req, res, 404, "not_found", "记录不存在", "Record not found");
        return -1;
    }
    return 0;
}

/* The 409 of a stale write carries the record as it is now, so the client
 * can show what changed. */
void api_answer_write_error(http_request *req, http_response *res, entity_ctx *c,
                               const entity_def *ent, int64_t id, const err *e)
{
    http_error(req, res, e);
    if (e->status != 409 || strcmp(e->code, "conflict") != 0) return;
    strbuf current = STRBUF_INIT;
    err ignore;
    err_clear(&ignore);
    if (entity_get(c, ent, id, 0, &current, &ignore) == 0) {
        res->body.len -= 2; /* drop the closing "}}" */
        sb_append(&res->body, ",\"current\":");
        sb_append(&res->body, sb_str(&current));
        sb_append(&res->body, "}}");
    }
    sb_free(&current);
}

/* "<version>": the ETag, without printf (a detail read's hot path). */
static const char *etag_of(arena *a, int64_t v)
{
    char digits[24];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do digits[n++] = (char)('0' + u % 10); while ((u /= 10) != 0);
    char *out = arena_alloc(a, (size_t)n + 4), *p = out;
    *p++ = '"';
    if (v < 0) *p++ = '-';
    while (n) *p++ = digits[--n];
    *p++ = '"';
    *p = '\0';
    return out;
}

static void get_record(http_request *req, http_response *res)
{
    entity_ctx c;
    const entity_def *ent;
    int64_t id;
    if (record_target(req, res, &c, &ent, &id)) return;
    err e;
    err_clear(&e);
    int64_t v, owner;
    if (entity_get_versioned(&c, ent, id, 0, &res->body, &v, &owner, &e)) return http_error(req, res, &e);
    /* sent with a 304 too, since a right can change without the record
     * (a role, the sharing) */
    set_allow(res, &c, ent, owner);
    const char *etag = etag_of(req->a, v);
    const char *inm = http_header(req, "If-None-Match");
    if (inm && strcmp(inm, etag) == 0) {
        sb_clear(&res->body);
        res->status = 304;
        http_set_header(res, "ETag", etag);
        return;
    }
    http_set_header(res, "ETag", etag);
    http_json(res, 200);
}

static void create_record(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *ent = api_entity(req, res, &c, req->params[0]);
    if (!ent) return;
    json_t *body = http_json_body(req, res);
    if (!body) return;
    err e;
    err_clear(&e);
    int64_t id = 0;
    int rc = entity_create(&c, ent, body, &id, &e);
    json_decref(body);
    if (rc) return http_error(req, res, &e);
    http_set_header(res, "Location", arena_printf(req->a, "/api/v1/%s/%lld", ent->name, (long long)id));
    api_answer_record(req, res, &c, ent, id, 201);
}

/* If-Match: "3", W/"3" or 3. */
int64_t api_if_match(http_request *req)
{
    const char *h = http_header(req, "If-Match");
    if (!h) return 0;
    if (strncmp(h, "W/", 2) == 0) h += 2;
    char buf[24];
    size_t n = 0;
    for (; *h && n < sizeof buf - 1; h++)
        if (*h != '"' && *h != ' ') buf[n++] = *h;
    buf[n] = '\0';
    int64_t v = api_parse_id(buf);
    return v ? v : -1; /* unparseable never matches */
}

static void update_record(http_request *req, http_response *res)
{
    entity_ctx c;
    const entity_def *ent;
    int64_t id;
    if (record_target(req, res, &c, &ent, &id)) return;
    json_t *body = http_json_body(req, res);
    if (!body) return;
    err e;
    err_clear(&e);
    int rc = entity_update(&c, ent, id, body, api_if_match(req), &e);
    json_decref(body);
    if (rc) return api_answer_write_error(req, res, &c, ent, id, &e);
    api_answer_record(req, res, &c, ent, id, 200);
}

static void delete_record(http_request *req, http_response *res)
{
    entity_ctx c;
    const entity_def *ent;
    int64_t id;
    if (record_target(req, res, &c, &ent, &id)) return;
    err e;
    err_clear(&e);
    if (entity_delete(&c, ent, id, api_if_match(req), &e))
        return api_answer_write_error(req, res, &c, ent, id, &e);
    res->status = 204;
}

static void restore_record(http_request *req, http_response *res)
{
    entity_ctx c;
    const entity_def *ent;
    int64_t id;
    if (record_target(req, res, &c, &ent, &id)) return;
    err e;
    err_clear(&e);
    if (entity_restore(&c, ent, id, &e)) return http_error(req, res, &e);
    api_answer_record(req, res, &c, ent, id, 200);
}

static void record_history(http_request *req, http_response *res)
{
    entity_ctx c;
    const entity_def *ent;
    int64_t id;
    if (record_target(req, res, &c, &ent, &id)) return;
    err e;
    err_clear(&e);
    if (entity_history(&c, ent, id, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

#define MASS_UPDATE_MAX 1000

/* POST /api/v1/{entity}/mass-update {"ids":[...],"values":{...}}: the same
 * change to many records (批量修改), all or nothing: one refused record
 * (not visible, invalid value) refuses the whole request and names it. */
static void mass_update(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *ent = api_entity(req, res, &c, req->params[0]);
    if (!ent) return;
    json_t *body = http_json_body(req, res);
    if (!body) return;
    json_t *ids = json_object_get(body, "ids"), *values = json_object_get(body, "values");
    err e;
    err_clear(&e);
    size_t n = json_array_size(ids);
    if (json_object_size(body) != 2 || !json_is_array(ids) || n == 0 || n > MASS_UPDATE_MAX ||
        !json_is_object(values) || json_object_size(values) == 0) {
        json_decref(body);
        err_add_field(&e, "ids", "invalid");
        err_set(&e, 422, "validation_failed", "需要 ids（1 到 1000 个记录编号）和 values（要修改的字段）",
                "ids (1 to 1000 record ids) and values (the fields to change) are required");
        return http_error(req, res, &e);
    }
    int rc = db_begin(c.db, &e);
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) {
        if (rc) break;
        if (!json_is_integer(id) || json_integer_value(id) <= 0) {
            err_add_field(&e, "ids", "invalid_type");
            rc = err_set(&e, 422, "validation_failed", "ids 必须是记录编号", "ids must be record ids");
            break;
        }
        rc = entity_update(&c, ent, json_integer_value(id), values, 0, &e);
        if (rc && e.status == 404)
            err_setf(&e, 404, "not_found", "编号为 %lld 的记录不存在或无权修改，未做任何修改",
                     "Record %lld does not exist or cannot be changed; nothing was changed",
                     (long long)json_integer_value(id));
    }
    if (rc == 0) rc = db_commit(c.db, &e);
    if (rc) db_rollback(c.db);
    json_decref(body);
    if (rc) return http_error(req, res, &e);
    sb_printf(&res->body, "{\"updated\":%zu}", n);
    http_json(res, 200);
}

/* POST /api/v1/{entity}/merge {"target_id", "source_ids":[...], "fields"?: {field: source_id},
 * "version"?}: answers the merged target. */
static void merge_records(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *ent = api_entity(req, res, &c, req->params[0]);
    if (!ent) return;
    json_t *body = http_json_body(req, res);
    if (!body) return;
    err e;
    err_clear(&e);
    static const char *const KEYS[] = {"target_id", "source_ids", "fields", "version", NULL};
    api_unknown_keys(body, KEYS, &e);
    json_t *target = json_object_get(body, "target_id"), *src = json_object_get(body, "source_ids");
    json_t *version = json_object_get(body, "version");
    int64_t ids[MERGE_MAX_SOURCES];
    int n = 0, ok = !e.nfields && json_is_integer(target) && json_is_array(src) &&
                    json_array_size(src) <= MERGE_MAX_SOURCES && (!version || json_is_integer(version));
    size_t i;
    json_t *v;
    json_array_foreach(src, i, v) {
        if (!ok) break;
        ok = json_is_integer(v);
        if (ok) ids[n++] = json_integer_value(v);
    }
    int64_t target_id = ok ? json_integer_value(target) : 0;
    int rc = -1;
    if (!ok) {
        if (!e.nfields) err_add_field(&e, "source_ids", "invalid_type");
        err_set(&e, 422, "validation_failed", "需要 target_id（保留的记录）和 source_ids（1 到 50 条要并入的记录）",
                "target_id (the record to keep) and source_ids (1 to 50 records to merge into it) are required");
    } else {
        rc = entity_merge(&c, ent, target_id, ids, n, json_object_get(body, "fields"),
                          version ? json_integer_value(version) : api_if_match(req), &e);
    }
    json_decref(body);
    if (rc) return api_answer_write_error(req, res, &c, ent, target_id, &e);
    api_answer_record(req, res, &c, ent, target_id, 200);
}

/* GET /api/v1/{entity}/export?format=csv|xlsx|vcf&q=&filter=&sort=&fields= :
 * the list as a download (vcf: vCards, for people); fields names the columns
 * (the list's visible ones), all visible fields without it. The file name
 * is the entity's label and the date in China. */
static void export_records(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *ent = api_entity(req, res, &c, req->params[0]);
    list_params p;
    if (!ent || api_list_params(req, res, &p)) return;
    const char *format = http_query(req, "format");
    if (!format) format = "xlsx";
    p.fields = http_query(req, "fields");
    int vcf = strcmp(format, "vcf") == 0;
    const char *lines = http_query(req, "lines");
    p.lines = lines && (strcmp(lines, "1") == 0 || strcmp(lines, "true") == 0);
    if (strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0 && !vcf)
        return http_fail(req, res, 400, "bad_param", "format 只能是 csv、xlsx 或 vcf", "format must be csv, xlsx or vcf");
    err e;
    err_clear(&e);
    if (vcf ? entity_export_vcard(&c, ent, &p, &res->body, &e) : entity_export(&c, ent, &p, format, &res->body, &e))
        return http_error(req, res, &e);
    int xlsx = format[0] == 'x';
    res->status = 200;
    res->content_type = xlsx  ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                        : vcf ? "text/vcard; charset=utf-8"
                              : "text/csv; charset=utf-8";
    char day[11];
    time_t now = time(NULL) + CHINA_OFFSET_SECONDS;
    struct tm tm;
    strftime(day, sizeof day, "%Y%m%d", gmtime_r(&now, &tm));
    const char *label = strcmp(req->lang, "en") == 0 ? ent->label_en : ent->label_zh;
    api_attachment(req, res, arena_printf(req->a, "%s-%s.%s", ent->name, day, format),
                   arena_printf(req->a, "%s-%s.%s", label, day, format));
}

/* GET /api/v1/{entity}/duplicates?name=: similar names while typing. */
static void similar_records(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *ent = api_entity(req, res, &c, req->params[0]);
    if (!ent) return;
    const char *name = http_query(req, "name");
    if (!name || !*name || strlen(name) > 600)
        return http_fail(req, res, 400, "bad_param", "请提供要查重的名称 name（不超过 200 字）",
                         "Give the name to check (at most 200 characters)");
    err e;
    err_clear(&e);
    if (entity_similar_names(&c, ent, name, 10, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

/* GET /api/v1/{entity}/owners: whose records the user may see. */
static void visible_owners(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *ent = api_entity(req, res, &c, req->params[0]);
    if (!ent) return;
    err e;
    err_clear(&e);
    if (entity_visible_owners(&c, ent, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

static void related_records(http_request *req, http_response *res)
{
    entity_ctx c;
    const entity_def *ent;
    int64_t id;
    if (record_target(req, res, &c, &ent, &id)) return;
    const relation_def *rel = NULL;
    for (int i = 0; i < ent->nrelations; i++)
        if (strcmp(ent->relations[i].name, req->params[2]) == 0) rel = &ent->relations[i];
    const entity_def *other = rel && !rel->owned ? meta_entity(c.m, rel->entity) : NULL;
    if (!other || !meta_field(other, rel->field)) { /* owned lines come with the record itself */
        http_fail(req, res, 404, "not_found", "没有这个相关列表", "No such related list");
        return;
    }
    /* The parent must be visible too: a related list is no way around it. */
    err e;
    err_clear(&e);
    strbuf parent = STRBUF_INIT;
    int rc = entity_get(&c, ent, id, 0, &parent, &e);
    sb_free(&parent);
    if (rc) return http_error(req, res, &e);
    list_params p;
    if (api_list_params(req, res, &p)) return;
    p.link_field = rel->field;
    p.link_id = id;
    if (entity_list(&c, other, &p, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

/* The merge body: the survivor, the merged records and, per field, whose
 * value wins. */
#define MERGE_BODY                                                                                  \
    "{\"type\":\"object\",\"required\":[\"target_id\",\"source_ids\"],\"properties\":{"               \
    "\"target_id\":{\"type\":\"integer\"},"                                                          \
    "\"source_ids\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"maxItems\":50},"          \
    "\"fields\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"}},"              \
    "\"version\":{\"type\":\"integer\"}}}"

const route api_records_routes[] = {
    {"GET", "/api/v1/:entity", list_records, 0,
     .doc = {.summary = "列表 / list", .id = "list", .query = API_LIST_QUERY, .ok = "200",
             .reply = ":entity_list", .errors = "403 404"}},
    {"POST", "/api/v1/:entity", create_record, 0,
     .doc = {.summary = "新建 / create", .id = "create", .body = ":entity_create", .ok = "201",
             .reply = ":entity", .errors = "403 404 409 422", .headers = API_RECORD_HEADERS}},
    {"GET", "/api/v1/:entity/:id", get_record, 0,
     .doc = {.summary = "详情 / read", .id = "get", .path = API_ID_PARAM, .ok = "200",
             .reply = ":entity", .errors = "404",
             .headers = API_RECORD_HEADERS}},
    {"GET", "/api/v1/:entity/export", export_records, 0,
     .doc = {.summary = "导出 / export (csv, xlsx, vcf)", .id = "export",
             .query = (const route_param[]){{"format", "string", "xlsx (default), csv or vcf (people: vCard 3.0)", 0},
                                            {"q", "string", "quick search", 0},
                                            {"filter", "string", "filter JSON", 0},
                                            {"sort", "string", "f1,-f2", 0},
                                            {"fields", "string",
                                             "columns in order, comma-separated field names (default: every visible field)", 0},
                                            {"lines", "boolean", "records with owned lines: one row per line (1 or true)", 0},
                                            {0}},
             .ok = "200", .reply_types = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet "
                                          "text/csv text/vcard",
             .errors = "403 404"}},
    {"GET", "/api/v1/:entity/owners", visible_owners, 0,
     .doc = {.summary = "可查看其记录的负责人 / owners whose records one may see", .id = "owners", .ok = "200",
             .reply = "RecordList", .errors = "403 404", .only_if = "owned"}},
    {"GET", "/api/v1/:entity/duplicates", similar_records, 0,
     .doc = {.summary = "相似名称查重 / similar names", .id = "duplicates",
             .query = (const route_param[]){{"name", "string", "name being typed", 1}, {0}}, .ok = "200",
             .reply = "RecordList", .errors = "403 404", .only_if = "named"}},
    {"POST", "/api/v1/:entity/mass-update", mass_update, 0,
     .doc = {.summary = "批量修改 / mass update", .id = "mass_update",
             .body = "{\"type\":\"object\",\"required\":[\"ids\",\"values\"],\"properties\":{"
                     "\"ids\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},"
                     "\"values\":{\"$ref\":\"#/components/schemas/:entity_update\"}}}",
             .ok = "200", .errors = "403 404 409 422"}},
    {"POST", "/api/v1/:entity/merge", merge_records, 0,
     .doc = {.summary = "合并 / merge records", .id = "merge", .body = MERGE_BODY, .ok = "200",
             .reply = ":entity", .errors = "403 404 409 422", .headers = API_RECORD_HEADERS}},
    {"PATCH", "/api/v1/:entity/:id", update_record, 0,
     .doc = {.summary = "修改 / update", .id = "update", .path = API_ID_PARAM, .body = ":entity_update",
             .ok = "200", .reply = ":entity", .errors = "403 404 409 422", .headers = API_RECORD_HEADERS}},
    {"DELETE", "/api/v1/:entity/:id", delete_record, 0,
     .doc = {.summary = "删除到回收站 / delete", .id = "delete", .path = API_ID_PARAM, .ok = "204",
             .errors = "403 404 409"}},
    {"POST", "/api/v1/:entity/:id/restore", restore_record, 0,
     .doc = {.summary = "从回收站恢复 / restore", .id = "restore", .path = API_ID_PARAM, .ok = "200",
             .reply = ":entity", .errors = "403 404 409", .headers = API_RECORD_HEADERS}},
    {"GET", "/api/v1/:entity/:id/history", record_history, 0,
     .doc = {.summary = "修改记录 / history", .id = "history", .path = API_ID_PARAM, .ok = "200",
             .reply = "History", .errors = "404"}},
    {"GET", "/api/v1/:entity/:id/related/:relation", related_records, 0,
     .doc = {.summary = "相关列表 / related list", .id = "related",
             .path = (const route_param[]){{"id", "integer", "record id", 1}, {"relation", "string", "relation name", 1}, {0}},
             .query = API_LIST_QUERY, .ok = "200", .reply = "RecordList", .errors = "403 404",
             .only_if = "related"}},
    {0},
};
