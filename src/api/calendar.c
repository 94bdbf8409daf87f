/* calendar.c - the schedule beyond the records API:
 *   POST   /api/v1/calendar/feed           a new subscription URL (the old one stops)
 *   DELETE /api/v1/calendar/feed           stops the subscription
 *   GET    /api/v1/calendar/feed/{secret}.ics   iCalendar for calendar programs (no sign-in: the
 *                                          secret in the URL is the credential, read-only)
 *   POST   /api/v1/calendar/share          发布行程 {"user_ids","from","to","note"}
 * The calendar views themselves list activities through the records API. */
#include <string.h>

#include "../modules/calendar.h"
#include "api.h"

static void new_feed(http_request *req, http_response *res)
{
    err e;
    err_clear(&e);
    char *secret = NULL;
    /* Only a hash is stored, as for sessions; it dies with a password change. */
    if (db_begin(req->db, &e) || session_revoke_feeds(req->db, req->user->id, &e) ||
        session_create(req->db, req->user->id, SESSION_FEED_KIND, "calendar feed", req->client_ip, NULL, 0, req->a,
                       &secret, NULL, NULL, &e) ||
        db_commit(req->db, &e)) {
        db_rollback(req->db);
        return http_error(req, res, &e);
    }
    sb_append(&res->body, "{\"url\":");
    sb_json_string(&res->body, arena_printf(req->a, "/api/v1/calendar/feed/%s.ics", secret));
    sb_putc(&res->body, '}');
    http_json(res, 201);
}

static void stop_feed(http_request *req, http_response *res)
{
    err e;
    err_clear(&e);
    if (session_revoke_feeds(req->db, req->user->id, &e)) return http_error(req, res, &e);
    res->status = 204;
}

static void feed(http_request *req, http_response *res)
{
    const char *p = req->params[0];
    size_t n = p ? strlen(p) : 0;
    char *secret = arena_strndup(req->a, p ? p : "", n > 4 && strcmp(p + n - 4, ".ics") == 0 ? n - 4 : n);
    auth_user u;
    err e;
    err_clear(&e);
    if (session_resolve(req->db, SESSION_FEED_KIND, secret, 0, req->a, &u, &e))
        return http_fail(req, res, 404, "not_found", "日历订阅地址无效或已停用", "This calendar feed does not exist or was stopped");
    req->user = &u; /* the feed shows what its owner may see, nothing more */
    entity_ctx c;
    api_entity_ctx(req, &c);
    err_clear(&e);
    if (calendar_ical(&c, &res->body, &e)) {
        req->user = NULL;
        return http_error(req, res, &e);
    }
    req->user = NULL;
    res->status = 200;
    res->content_type = "text/calendar; charset=utf-8";
    http_set_header(res, "Content-Disposition", "inline; filename=\"kehu.ics\"");
    http_set_header(res, "Cache-Control", "no-store");
}

static void share(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    json_t *body = http_json_body(req, res);
    if (!body) return;
    err e;
    err_clear(&e);
    static const char *const KEYS[] = {"user_ids", "from", "to", "note", NULL};
    api_unknown_keys(body, KEYS, &e);
    json_t *note = json_object_get(body, "note");
    if (note && !json_is_string(note)) err_add_field(&e, "note", "invalid_type");
    int sent = 0, rc = -1;
    if (e.nfields)
        err_set(&e, 422, "validation_failed", "只能包含 user_ids、from、to、note", "Only user_ids, from, to and note are allowed");
    else
        rc = calendar_share(&c, json_object_get(body, "user_ids"), json_string_value(json_object_get(body, "from")),
                            json_string_value(json_object_get(body, "to")), json_string_value(note), &sent, &e);
    json_decref(body);
    if (rc) return http_error(req, res, &e);
    sb_printf(&res->body, "{\"sent\":%d}", sent);
    http_json(res, 200);
}

const route api_calendar_routes[] = {
    {"POST", "/api/v1/calendar/feed", new_feed, 0,
     .doc = {.tag = "calendar", .summary = "新的日历订阅地址 / new calendar feed URL", .id = "new_feed", .ok = "201",
             .reply = "{\"type\":\"object\",\"properties\":{\"url\":{\"type\":\"string\"}}}"}},
    {"DELETE", "/api/v1/calendar/feed", stop_feed, 0,
     .doc = {.tag = "calendar", .summary = "停用日历订阅 / stop the calendar feed", .id = "stop_feed", .ok = "204"}},
    {"GET", "/api/v1/calendar/feed/:secret", feed, ROUTE_PUBLIC,
     .doc = {.tag = "calendar", .summary = "日历订阅（iCalendar）/ calendar feed (iCalendar)", .id = "calendar_feed",
             .path = (const route_param[]){{"secret", "string", "the feed secret + .ics", 1}, {0}}, .ok = "200",
             .reply_types = "text/calendar", .errors = "404"}},
    {"POST", "/api/v1/calendar/share", share, 0,
     .doc = {.tag = "calendar", .summary = "发布行程 / share my schedule", .id = "share_schedule",
             .body = "{\"type\":\"object\",\"required\":[\"user_ids\",\"from\",\"to\"],\"properties\":{"
                     "\"user_ids\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},"
                     "\"from\":{\"type\":\"string\",\"format\":\"date\"},"
                     "\"to\":{\"type\":\"string\",\"format\":\"date\"},\"note\":{\"type\":\"string\"}}}",
             .ok = "200", .errors = "403 404 422"}},
    {0},
};
