/* print.c - documents as PDF (src/modules/print.c):
 *   GET /api/v1/{entity}/{id}/pdf   for entities whose metadata declares "print"
 * answers the PDF as a download named after the document (报价单-BJ-000001.pdf).
 * Reading it is reading the record: a record the user cannot see is 404. */
#include "../modules/print.h"
#include "api.h"

static void record_pdf(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *ent = api_entity(req, res, &c, req->params[0]);
    if (!ent) return;
    int64_t id = api_parse_id(req->params[1]);
    if (!id || !ent->print) return http_fail(req, res, 404, "not_found", "记录不存在", "Record not found");
    err e;
    err_clear(&e);
    const char *name = NULL;
    if (print_pdf(&c, ent, id, &res->body, &name, &e)) {
        sb_clear(&res->body);
        return http_error(req, res, &e);
    }
    res->status = 200;
    res->content_type = "application/pdf";
    api_attachment(req, res, arena_printf(req->a, "%s-%lld.pdf", ent->name, (long long)id), name);
}

const route api_print_routes[] = {
    {"GET", "/api/v1/:entity/:id/pdf", record_pdf, 0,
     .doc = {.summary = "打印 PDF / the document as PDF", .id = "pdf", .path = API_ID_PARAM, .ok = "200",
             .reply_types = "application/pdf", .errors = "403 404", .only_if = "printable"}},
    {0},
};
