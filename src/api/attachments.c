/* attachments.c - 附件 of any record (src/entity/attachments.h):
 *   GET    /api/v1/{entity}/{id}/attachments          the record's files
 *   POST   /api/v1/{entity}/{id}/attachments?name=F   adds one: the file is the body
 *   GET    /api/v1/attachments/{id}[?inline=1]        downloads it
 *   DELETE /api/v1/attachments/{id}
 * A download is always an attachment (never rendered as a page), with the
 * stored type unless that type is active content; only raster images may
 * be shown inline, and every answer forbids sniffing and scripts. */
#include <string.h>

#include "../entity/attachments.h"
#include "api.h"

static int target(http_request *req, http_response *res, entity_ctx *c, const entity_def **ent, int64_t *id)
{
    api_entity_ctx(req, c);
    *ent = api_entity(req, res, c, req->params[0]);
    if (!*ent) return -1;
    *id = api_parse_id(req->params[1]);
    if (*id && entity_has_attachments(*ent)) return 0;
    http_fail(req, res, 404, "not_found", "记录不存在", "Record not found");
    return -1;
}

static void list(http_request *req, http_response *res)
{
    entity_ctx c;
    const entity_def *ent;
    int64_t id;
    if (target(req, res, &c, &ent, &id)) return;
    err e;
    err_clear(&e);
    if (attachments_list(&c, ent, id, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

static void add(http_request *req, http_response *res)
{
    entity_ctx c;
    const entity_def *ent;
    int64_t id;
    if (target(req, res, &c, &ent, &id)) return;
    err e;
    err_clear(&e);
    if (attachments_add(&c, ent, id, http_query(req, "name"), http_header(req, "Content-Type"), req->body ? req->body : "",
                        req->body_len, &res->body, &e)) {
        sb_clear(&res->body);
        return http_error(req, res, &e);
    }
    http_json(res, 201);
}

static void download(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]);
    if (!id) return http_fail(req, res, 404, "not_found", "附件不存在", "No such attachment");
    err e;
    err_clear(&e);
    attachment_file f;
    if (attachments_get(&c, id, &f, &e)) return http_error(req, res, &e);
    sb_appendn(&res->body, f.data, f.len);
    res->status = 200;
    res->content_type = f.serve_type;
    http_set_header(res, "Content-Security-Policy", "sandbox; default-src 'none'");
    const char *inl = http_query(req, "inline");
    if (f.inline_ok && inl && strcmp(inl, "1") == 0) {
        http_set_header(res, "Content-Disposition", "inline");
        return;
    }
    api_attachment(req, res, arena_printf(req->a, "attachment-%lld", (long long)id), f.name);
}

static void remove_one(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]);
    if (!id) return http_fail(req, res, 404, "not_found", "附件不存在", "No such attachment");
    err e;
    err_clear(&e);
    if (attachments_delete(&c, id, &e)) return http_error(req, res, &e);
    res->status = 204;
}

#define ATTACHMENT_PARAM ((const route_param[]){{"id", "integer", "attachment id", 1}, {0}})

const route api_attachment_routes[] = {
    {"GET", "/api/v1/attachments/:id", download, 0,
     .doc = {.tag = "attachments", .summary = "下载附件 / download an attachment", .id = "download_attachment",
             .path = ATTACHMENT_PARAM,
             .query = (const route_param[]){{"inline", "string", "1: show a raster image in the page", 0}, {0}},
             .ok = "200", .reply_types = "application/octet-stream", .errors = "404"}},
    {"DELETE", "/api/v1/attachments/:id", remove_one, 0,
     .doc = {.tag = "attachments", .summary = "删除附件 / delete an attachment", .id = "delete_attachment",
             .path = ATTACHMENT_PARAM, .ok = "204", .errors = "403 404"}},
    {"GET", "/api/v1/:entity/:id/attachments", list, 0,
     .doc = {.summary = "附件 / a record's attachments", .id = "attachments", .path = API_ID_PARAM, .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Attachment\"}}}}",
             .errors = "403 404", .only_if = "attachments"}},
    {"POST", "/api/v1/:entity/:id/attachments", add, ROUTE_LARGE_BODY,
     .doc = {.summary = "添加附件 / add an attachment (the file is the body)", .id = "add_attachment",
             .path = API_ID_PARAM,
             .query = (const route_param[]){{"name", "string", "the file's name (UTF-8)", 1}, {0}},
             .body_types = "application/octet-stream application/pdf image/png image/jpeg",
             .ok = "201", .reply = "{\"$ref\":\"#/components/schemas/Attachment\"}", .errors = "403 404 413 422",
             .only_if = "attachments"}},
    {0},
};
