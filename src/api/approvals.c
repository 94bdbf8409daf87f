/* approvals.c - 待我审批, the approval inbox:
 *   GET /api/v1/approvals/inbox?limit&offset
 * The pending requests whose current step waits for the caller (their
 * user or role, never their own submission), oldest first; `total` is
 * the count the top bar shows (limit=0 asks for it alone). Deciding goes
 * through the record's actions (approve, send_back, withdraw). */
#include "../modules/approvals.h"
#include "api.h"

static void inbox(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t limit, offset;
    if (api_int_param(req, res, "limit", LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT, &limit) ||
        api_int_param(req, res, "offset", 0, LIST_MAX_OFFSET, &offset))
        return;
    err e;
    err_clear(&e);
    if (approvals_inbox(&c, limit, offset, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

const route api_approval_routes[] = {
    {"GET", "/api/v1/approvals/inbox", inbox, 0,
     .doc = {.tag = "approvals", .summary = "待我审批 / approvals waiting for me", .id = "approval_inbox",
             .query = (const route_param[]){{"limit", "integer", "rows per page (default 50, at most 500; 0: the count only)", 0},
                                            {"offset", "integer", "rows to skip", 0},
                                            {0}},
             .ok = "200", .reply = "RecordList"}},
    {0},
};
