/* imports.c - importing a spreadsheet into any entity, in steps the web
 * wizard shows (上传 → 字段对应 → 预览 → 导入 → 结果):
 *   POST /api/v1/{entity}/import/preview   body: the file (CSV or .xlsx, or a form upload)
 *        -> {"id", "headers", "mapping" (suggested), "rows" (first 20), "total", "fields"}
 *   POST /api/v1/imports/{id}/run          {"mapping":{header: field|null}, "duplicates":
 *        "skip"|"update"|"create", "match": field, "all_or_nothing": bool,
 *        "owner": user id | null (the public pool)} -> 202 the job
 *   GET  /api/v1/imports/{id}              the job: status, counts, per-row errors, skipped duplicates
 *   GET  /api/v1/imports/{id}/failed       the failed rows, in the upload's format, to correct
 *   POST /api/v1/{entity}/import?duplicates=&match=&all_or_nothing=&owner=&wait=true
 *        body: the file; the suggested mapping; one call (scripts, integrations)
 * The jobs themselves (storage, threads, progress) are src/entity/import_jobs.c. */
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "../entity/import_jobs.h"
#include "../util/multipart.h"
#include "api.h"

/* ---- handlers ---- */

/* The uploaded file (the body, or the file part of a form) parsed into a
 * new job, or NULL with the answer sent; *file gets the bytes. */
static import_job *upload(http_request *req, http_response *res, entity_ctx *c, const entity_def **ent,
                          multipart_file *file)
{
    api_entity_ctx(req, c);
    *ent = api_entity(req, res, c, req->params[0]);
    if (!*ent) return NULL;
    err e;
    err_clear(&e);
    if ((*ent)->is_system || !acl_can(req->user, *ent, ACL_IMPORT)) {
        err_setf(&e, 403, "forbidden", "没有导入「%s」的权限%.0s", "%.0sNo permission to import %s", (*ent)->label_zh,
                 (*ent)->label_en);
        http_error(req, res, &e);
        return NULL;
    }
    *file = (multipart_file){req->body, req->body_len};
    const char *ct = http_header(req, "Content-Type");
    if (multipart_is_form(ct) && multipart_find_file(ct, req->body, req->body_len, file)) {
        http_fail(req, res, 422, "bad_file", "表单中没有可读取的文件（multipart/form-data 需要一个带文件名的部分）",
                  "The form holds no readable file (multipart/form-data needs a part with a filename)");
        return NULL;
    }
    import_job *j = import_job_new(req->user, req->lang, (*ent)->name, req->app->cfg.db_url);
    if (table_read(file->data, file->len, &j->table, &e)) {
        import_job_put(j);
        http_error(req, res, &e);
        return NULL;
    }
    if (j->table.nrows < 2) {
        import_job_put(j);
        http_fail(req, res, 422, "bad_file", "文件只有表头，没有数据行", "The file has a header row but no data");
        return NULL;
    }
    return j;
}

static void preview(http_request *req, http_response *res)
{
    entity_ctx c;
    const entity_def *ent;
    multipart_file file;
    import_job *j = upload(req, res, &c, &ent, &file);
    if (!j) return;
    err e;
    err_clear(&e);
    strbuf body = STRBUF_INIT;
    if (entity_import_preview(&c, ent, &j->table, &body, &e) || import_job_save_upload(req->db, j, file.data, file.len, &e)) {
        sb_free(&body);
        import_job_put(j);
        return http_error(req, res, &e);
    }
    sb_append(&res->body, "{\"id\":");
    sb_json_string(&res->body, j->id);
    sb_putc(&res->body, ',');
    sb_append(&res->body, sb_str(&body) + 1);
    sb_free(&body);
    import_job_put(j);
    http_json(res, 200);
}

static int flag(const char *v)
{
    return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* owner=<user id> or owner=pool; absent: the importer owns what is made. */
static int owner_param(const char *v, import_request *rq, err *e)
{
    if (!v) return 0;
    char *end;
    long long id = strtoll(v, &end, 10);
    rq->set_owner = 1;
    if (strcmp(v, "pool") == 0) return 0;
    if (*v && !*end && id > 0) return rq->owner_id = id, 0;
    err_add_field(e, "owner", "invalid");
    return err_set(e, 422, "validation_failed", "owner 须为用户编号或 pool（公海）", "owner is a user id or pool");
}

static void import_now(http_request *req, http_response *res)
{
    entity_ctx c;
    const entity_def *ent;
    multipart_file file;
    import_job *j = upload(req, res, &c, &ent, &file);
    if (!j) return;
    err e;
    err_clear(&e);
    import_request rq = {.duplicates = http_query(req, "duplicates"), .match = http_query(req, "match"),
                         .all_or_nothing = flag(http_query(req, "all_or_nothing"))};
    int rc = owner_param(http_query(req, "owner"), &rq, &e) || import_job_run_now(&c, ent, j, &rq, &e);
    if (rc) {
        import_job_put(j);
        return http_error(req, res, &e);
    }
    if (flag(http_query(req, "wait"))) import_job_wait(j);
    import_job_json(j, &res->body);
    http_json(res, import_job_running(j) ? 202 : 200);
    import_job_put(j);
}

static void run(http_request *req, http_response *res)
{
    json_t *body = http_json_body(req, res);
    if (!body) return;
    entity_ctx c;
    api_entity_ctx(req, &c);
    err e;
    err_clear(&e);
    static const char *const KEYS[] = {"mapping", "duplicates", "match", "all_or_nothing", "owner", NULL};
    api_unknown_keys(body, KEYS, &e);
    json_t *mapping = json_object_get(body, "mapping"), *dup = json_object_get(body, "duplicates"),
           *match = json_object_get(body, "match"), *aon = json_object_get(body, "all_or_nothing"),
           *owner = json_object_get(body, "owner");
    import_job *j = import_job_new(req->user, req->lang, "", req->app->cfg.db_url);
    int rc = -1;
    if (e.nfields || !json_is_object(mapping) || (dup && !json_is_string(dup)) || (match && !json_is_string(match)) ||
        (aon && !json_is_boolean(aon)) || (owner && !json_is_null(owner) && !(json_is_integer(owner) && json_integer_value(owner) > 0))) {
        if (!e.nfields) err_add_field(&e, owner && json_is_object(mapping) ? "owner" : "mapping", "invalid_type");
        err_set(&e, 422, "validation_failed",
                "需要 mapping（表头对应字段），duplicates、match、all_or_nothing、owner（用户编号或 null 表示公海）可选",
                "mapping (header to field) is required; duplicates, match, all_or_nothing and owner (a user id, or null "
                "for the pool) are optional");
    } else {
        import_request rq = {.mapping = mapping, .duplicates = json_string_value(dup), .match = json_string_value(match),
                             .all_or_nothing = json_is_true(aon), .set_owner = owner != NULL,
                             .owner_id = json_is_integer(owner) ? json_integer_value(owner) : 0};
        rc = import_job_run_upload(&c, j, req->params[0] ? req->params[0] : "", &rq, &e);
    }
    json_decref(body);
    if (rc) {
        import_job_put(j);
        return http_error(req, res, &e);
    }
    import_job_json(j, &res->body);
    import_job_put(j);
    http_json(res, 202);
}

static void status(http_request *req, http_response *res)
{
    import_job *j = import_job_find(req->params[0], req->user->id);
    if (j) { /* running here: live figures */
        import_job_json(j, &res->body);
        import_job_put(j);
        return http_json(res, 200);
    }
    err e;
    err_clear(&e);
    if (import_job_stored_json(req->db, req->params[0], req->user->id, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

/* GET /api/v1/imports/{id}/failed: the rows that failed, as the user
 * uploaded them plus why, to correct and import again. */
static void failed_rows(http_request *req, http_response *res)
{
    err e;
    err_clear(&e);
    int xlsx = 0;
    if (import_job_failed_file(req->db, req->params[0], req->user->id, &res->body, &xlsx, &e))
        return http_error(req, res, &e);
    res->status = 200;
    res->content_type = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8";
    const char *ext = xlsx ? "xlsx" : "csv";
    api_attachment(req, res, arena_printf(req->a, "import-failed-rows.%s", ext),
                   arena_printf(req->a, "%s.%s", strcmp(req->lang, "en") == 0 ? "import-failed-rows" : "导入失败的行", ext));
}

/* What an upload may be: the file itself or a browser's form. */
#define UPLOAD_TYPES "text/csv application/vnd.openxmlformats-officedocument.spreadsheetml.sheet multipart/form-data"
static const route_param IMPORT_ID[] = {{"id", "string", "import id", 1}, {0}};

const route api_import_routes[] = {
    {"POST", "/api/v1/:entity/import/preview", preview, ROUTE_LARGE_BODY,
     .doc = {.summary = "导入：上传并预览 / import: upload and preview", .id = "import_preview",
             .body_types = UPLOAD_TYPES, .ok = "200", .reply = "ImportPreview", .errors = "403 404 422 503",
             .only_if = "importable"}},
    {"POST", "/api/v1/:entity/import", import_now, ROUTE_LARGE_BODY,
     .doc = {.summary = "导入（一步）/ import in one call", .id = "import",
             .query = (const route_param[]){{"duplicates", "string", "skip (default), update or create", 0},
                                            {"match", "string", "field that finds duplicates (default: the name)", 0},
                                            {"all_or_nothing", "boolean", "any bad row: store nothing", 0},
                                            {"owner", "string", "owner of created rows: a user id, or pool", 0},
                                            {"wait", "boolean", "answer when done", 0},
                                            {0}},
             .body_types = UPLOAD_TYPES, .ok = "200 202", .reply = "ImportJob", .errors = "403 404 422 503",
             .only_if = "importable"}},
    {"POST", "/api/v1/imports/:id/run", run, 0,
     .doc = {.tag = "imports", .summary = "开始导入 / run an import", .id = "run_import", .path = IMPORT_ID,
             .body = "{\"type\":\"object\",\"required\":[\"mapping\"],\"properties\":{"
                     "\"mapping\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\",\"nullable\":true}},"
                     "\"duplicates\":{\"type\":\"string\",\"enum\":[\"skip\",\"update\",\"create\"]},"
                     "\"match\":{\"type\":\"string\"},\"all_or_nothing\":{\"type\":\"boolean\"},"
                     "\"owner\":{\"type\":\"integer\",\"nullable\":true}}}",
             .ok = "202", .reply = "ImportJob", .errors = "403 404 409 422 503"}},
    {"GET", "/api/v1/imports/:id", status, 0,
     .doc = {.tag = "imports", .summary = "导入进度与结果 / import progress and result", .id = "get_import",
             .path = IMPORT_ID, .ok = "200", .reply = "ImportJob", .errors = "404"}},
    {"GET", "/api/v1/imports/:id/failed", failed_rows, 0,
     .doc = {.tag = "imports", .summary = "下载导入失败的行 / the failed rows as a file", .id = "get_import_failed_rows",
             .path = IMPORT_ID, .ok = "200", .reply_types = "text/csv application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             .errors = "404"}},
    {0},
};
