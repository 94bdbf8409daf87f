/* office.c - 办公协作 requests of /api/v1 (the announcements' read receipts):
 *   POST /api/v1/announcements/{id}/read      the reader marks it read
 *   GET  /api/v1/announcements/{id}/receipts  who read it and who did not yet
 * Publishing is the action POST /api/v1/announcements/{id}/actions/publish. */
#include "../modules/office.h"
#include "api.h"

static void mark_read(http_request *req, http_response *res)
{
    api_record_report(req, res, office_mark_read);
}

static void receipts(http_request *req, http_response *res)
{
    api_record_report(req, res, office_receipts);
}

const route api_office_routes[] = {
    {"POST", "/api/v1/announcements/:id/read", mark_read, 0,
     .doc = {.tag = "announcements", .summary = "标记公告已读 / mark an announcement read", .id = "read_announcement",
             .path = API_ID_PARAM, .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"receipt_id\":{\"type\":\"integer\",\"nullable\":true},"
                      "\"read_at\":{\"type\":\"string\",\"nullable\":true}}}",
             .errors = "404"}},
    {"GET", "/api/v1/announcements/:id/receipts", receipts, 0,
     .doc = {.tag = "announcements", .summary = "公告阅读情况 / who read an announcement", .id = "announcement_receipts",
             .path = API_ID_PARAM, .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"read\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
                      "\"unread\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}}",
             .errors = "403 404"}},
    {0},
};
