/* documents.c - 文档中心 requests of /api/v1 (src/modules/documents.h):
 *   GET  /api/v1/documents/submissions        投稿 waiting for me, by submitter
 *   POST /api/v1/documents/batch-delete       {"ids":[...]}: all or none
 *   GET  /api/v1/documents/{id}/versions      every version, newest first
 *   POST /api/v1/documents/{id}/versions?name=F  a new version: the file is the body
 * Folders, documents, sharing, moving (PATCH folder_id, or mass-update) and
 * 投稿 (actions submit / approve / send_back / withdraw) are the generic
 * records routes; downloads are GET /api/v1/attachments/{id}. */
#include "../modules/documents.h"
#include "api.h"

static void submissions(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    err e;
    err_clear(&e);
    if (documents_submissions(&c, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

static void batch_delete(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    json_t *body = http_json_body(req, res);
    if (!body) return;
    err e;
    err_clear(&e);
    int rc = documents_delete_many(&c, body, &res->body, &e);
    json_decref(body);
    if (rc) return sb_clear(&res->body), http_error(req, res, &e);
    http_json(res, 200);
}

static void versions(http_request *req, http_response *res)
{
    api_record_report(req, res, documents_versions);
}

static void add_version(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]);
    if (!id) return http_fail(req, res, 404, "not_found", "记录不存在", "Record not found");
    err e;
    err_clear(&e);
    if (documents_add_version(&c, id, http_query(req, "name"), http_header(req, "Content-Type"), req->body ? req->body : "",
                              req->body_len, &res->body, &e)) {
        sb_clear(&res->body);
        return http_error(req, res, &e);
    }
    http_json(res, 201);
}

#define VERSION_ITEM                                                                                                     \
    "{\"allOf\":[{\"$ref\":\"#/components/schemas/Attachment\"},{\"type\":\"object\",\"properties\":{"                   \
    "\"version\":{\"type\":\"integer\"},\"current\":{\"type\":\"boolean\"}}}]}"

const route api_documents_routes[] = {
    {"GET", "/api/v1/documents/submissions", submissions, 0,
     .doc = {.tag = "documents", .summary = "待我审核的投稿（按投稿人分组） / submissions waiting for me, by submitter",
             .id = "document_submissions", .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"groups\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
                      "\"properties\":{\"submitter_id\":{\"type\":\"integer\"},\"submitter_name\":{\"type\":\"string\","
                      "\"nullable\":true},\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}}},"
                      "\"total\":{\"type\":\"integer\"}}}"}},
    {"POST", "/api/v1/documents/batch-delete", batch_delete, 0,
     .doc = {.tag = "documents", .summary = "批量删除文档 / delete documents at once", .id = "batch_delete_documents",
             .body = "{\"type\":\"object\",\"required\":[\"ids\"],\"properties\":{\"ids\":{\"type\":\"array\","
                     "\"items\":{\"type\":\"integer\"}}}}",
             .ok = "200", .reply = "{\"type\":\"object\",\"properties\":{\"deleted\":{\"type\":\"integer\"}}}",
             .errors = "403 404 409 422"}},
    {"GET", "/api/v1/documents/:id/versions", versions, 0,
     .doc = {.tag = "documents", .summary = "文档版本 / a document's versions", .id = "document_versions",
             .path = API_ID_PARAM, .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":" VERSION_ITEM "}}}",
             .errors = "404"}},
    {"POST", "/api/v1/documents/:id/versions", add_version, ROUTE_LARGE_BODY,
     .doc = {.tag = "documents", .summary = "上传新版本 / upload a new version (the file is the body)",
             .id = "add_document_version", .path = API_ID_PARAM,
             .query = (const route_param[]){{"name", "string", "the file's name (UTF-8)", 1}, {0}},
             .body_types = "application/octet-stream application/pdf image/png image/jpeg", .ok = "201",
             .reply = VERSION_ITEM, .errors = "403 404 413 422"}},
    {0},
};
