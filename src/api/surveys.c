/* surveys.c - 调查问卷 requests of /api/v1:
 *   POST /api/v1/surveys/{id}/invite        invitations with their link tokens
 *   GET  /api/v1/surveys/{id}/statistics    counts per question (format=xlsx|csv: a file)
 *   GET  /api/v1/survey-links/{token}       the survey as the invitee sees it (no sign-in)
 *   POST /api/v1/survey-links/{token}       the invitee's answers (no sign-in, once) */
#include "../modules/survey_export.h"
#include "../modules/surveys.h"
#include "api.h"

static void invite(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]);
    if (id <= 0) return http_fail(req, res, 404, "not_found", "记录不存在", "Record not found");
    json_t *body = http_json_body(req, res);
    if (!body) return;
    err e;
    err_clear(&e);
    int rc = surveys_invite(&c, id, body, &res->body, &e);
    json_decref(body);
    if (rc) return http_error(req, res, &e);
    http_json(res, 200);
}

static void statistics(http_request *req, http_response *res)
{
    const char *format;
    if (api_report_format(req, res, &format)) return;
    if (!format) return api_record_report(req, res, surveys_statistics);
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]);
    if (!id) return http_fail(req, res, 404, "not_found", "记录不存在", "Record not found");
    report_table t;
    err e;
    err_clear(&e);
    if (surveys_statistics_table(&c, id, &t, &e)) return http_error(req, res, &e);
    const char *const none[][2] = {{0}};
    api_report_answer(req, res, &c, &t, format, "surveys", "survey-statistics", "问卷统计", "Survey statistics", none);
}

/* The link acts as the survey's owner, for this request only. */
static void by_link(http_request *req, http_response *res, int answering)
{
    auth_user u;
    err e;
    err_clear(&e);
    if (surveys_link_user(req->db, req->a, req->params[0], &u, &e)) return http_error(req, res, &e);
    json_t *body = NULL;
    if (answering && !(body = http_json_body(req, res))) return;
    req->user = &u;
    entity_ctx c;
    api_entity_ctx(req, &c);
    int rc = answering ? surveys_answer(&c, req->params[0], body, &res->body, &e)
                       : surveys_form(&c, req->params[0], &res->body, &e);
    req->user = NULL;
    json_decref(body);
    if (rc) return http_error(req, res, &e);
    http_json(res, 200);
}

static void form(http_request *req, http_response *res)
{
    by_link(req, res, 0);
}

static void answer(http_request *req, http_response *res)
{
    by_link(req, res, 1);
}

static const route_param TOKEN_PARAM[] = {{"token", "string", "the invitation's link token", 1}, {0}};

const route api_survey_routes[] = {
    {"POST", "/api/v1/surveys/:id/invite", invite, 0,
     .doc = {.tag = "surveys", .summary = "邀请答卷 / invite contacts to a survey", .id = "invite_survey",
             .path = API_ID_PARAM,
             .body = "{\"type\":\"object\",\"properties\":{\"contact_ids\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},"
                     "\"campaign_id\":{\"type\":\"integer\"}}}",
             .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"invited\":{\"type\":\"integer\"},\"skipped\":{\"type\":\"integer\"},"
                      "\"links\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}}",
             .errors = "403 404 422"}},
    {"GET", "/api/v1/surveys/:id/statistics", statistics, 0,
     .doc = {.tag = "surveys", .summary = "问卷统计 / statistics per question", .id = "survey_statistics",
             .path = API_ID_PARAM, .query = (const route_param[]){API_FORMAT_PARAM, {0}}, .ok = "200",
             .reply = "{\"type\":\"object\"}", .reply_types = API_REPORT_FILES, .errors = "400 403 404"}},
    {"GET", "/api/v1/survey-links/:token", form, ROUTE_PUBLIC,
     .doc = {.tag = "surveys", .summary = "打开问卷链接 / the survey of a link", .id = "survey_link",
             .path = TOKEN_PARAM, .ok = "200", .errors = "404 409 410"}},
    {"POST", "/api/v1/survey-links/:token", answer, ROUTE_PUBLIC | ROUTE_NO_CSRF,
     .doc = {.tag = "surveys", .summary = "提交答卷 / answer a survey by its link", .id = "answer_survey",
             .path = TOKEN_PARAM,
             .body = "{\"type\":\"object\",\"properties\":{\"answers\":{\"type\":\"object\"}},\"required\":[\"answers\"]}",
             .ok = "200", .reply = "{\"type\":\"object\",\"properties\":{\"answered\":{\"type\":\"integer\"}}}",
             .errors = "404 409 410 422"}},
    {0},
};
