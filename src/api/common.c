/* common.c - what every API family needs: the engine context of a request,
 * the entity of the URL, ids, and engine errors as responses. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../acl/acl.h"
#include "../entity/meta_load.h"
#include "../util/clock.h"
#include "api.h"

const route_param API_ID_PARAM[] = {{"id", "integer", "record id", 1}, {0}};
/* The headers of an answer that is one record (records.c: a read, and
 * api_answer_record after a write). */
const route_param API_RECORD_HEADERS[] = {
    {"ETag", "string", "the record's version, \"<version>\"", 0},
    {"X-Kehu-Allow", "string",
     "what the signed-in user may do with this record: view, then edit and delete where allowed "
     "(\"view, edit, delete\"); also on a 304",
     0},
    {0}};

const route_param API_LIST_QUERY[] = {
    {"q", "string", "quick search (name, pinyin, phone, ...)", 0},
    {"filter", "string", "filter JSON (docs/api.md, Lists)", 0},
    {"sort", "string", "f1,-f2", 0},
    {"limit", "integer", "1..500, default 50", 0},
    {"offset", "integer", "rows to skip", 0},
    {"deleted", "boolean", "the recycle bin instead", 0},
    {"pool", "boolean", "the public pool (公海) only", 0},
    {"initial", "string", "first letter of the name (pinyin for Chinese): a-z or #", 0},
    {0},
};

void api_entity_ctx(http_request *req, entity_ctx *c)
{
    meta_refresh_to(req->db, req->user->metadata_version);
    acl_refresh_to(req->db, req->user->acl_version);
    /* Whole-struct assignment: every field not named is zero, so a flag
     * added later (such as trusted) can never be left as stack garbage. */
    *c = (entity_ctx){.db = req->db, .a = req->a, .m = meta_for_company(req->db, req->user->company_id), .user = req->user,
                      .lang = req->lang};
}

const entity_def *api_entity(http_request *req, http_response *res, const entity_ctx *c,
                             const char *name)
{
    const entity_def *ent = name ? meta_entity(c->m, name) : NULL;
    if (!ent) {
        http_fail(req, res, 404, "not_found", "请求的资源不存在", "Not found");
        return NULL;
    }
    if (ent->owner) { /* owned lines travel with their parent only (docs/engine.md) */
        err e;
        err_clear(&e);
        err_setf(&e, 404, "not_found", "「%s」只能随「%s」读写%.0s%.0s", "%.0s%.0s%s are read and written with their %s",
                 ent->label_zh, ent->owner->label_zh, ent->label_en, ent->owner->label_en);
        http_error(req, res, &e);
        return NULL;
    }
    return ent;
}

int api_unknown_keys(json_t *body, const char *const *allowed, err *e)
{
    const char *key;
    json_t *v;
    int n = 0;
    json_object_foreach(body, key, v) {
        int known = 0;
        for (int i = 0; allowed[i] && !known; i++) known = strcmp(key, allowed[i]) == 0;
        if (!known) err_add_field(e, key, "unknown"), n++;
    }
    return n;
}

int64_t api_parse_id(const char *text)
{
    if (!text || !*text || strlen(text) > 18) return 0;
    int64_t v = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9') return 0;
        v = v * 10 + (*p - '0');
    }
    return v;
}

void api_engine_error(http_request *req, http_response *res, const err *e)
{
    http_error(req, res, e);
}

void api_attachment(http_request *req, http_response *res, const char *ascii_name, const char *name)
{
    /* RFC 6266 with RFC 5987's filename*: attr-chars as they are, every
     * other byte of the UTF-8 name percent-encoded. */
    strbuf encoded = STRBUF_INIT;
    for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
        if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || strchr("-._~", *s))
            sb_putc(&encoded, (char)*s);
        else
            sb_printf(&encoded, "%%%02X", *s);
    }
    http_set_header(res, "Content-Disposition",
                    arena_printf(req->a, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii_name, sb_str(&encoded)));
    sb_free(&encoded);
}

void api_period_report(http_request *req, http_response *res, api_period_fn fn)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const char *from, *to;
    if (api_date_param(req, res, "from", &from) || api_date_param(req, res, "to", &to)) return;
    err e;
    err_clear(&e);
    if (fn(&c, from, to, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

void api_record_report(http_request *req, http_response *res, api_record_fn fn)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]);
    if (!id) return http_fail(req, res, 404, "not_found", "记录不存在", "Record not found");
    err e;
    err_clear(&e);
    if (fn(&c, id, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

/* "YYYY-MM-DD" or absent; anything else answers 400. */
int api_date_param(http_request *req, http_response *res, const char *name, const char **out)
{
    const char *v = http_query(req, name);
    *out = NULL;
    if (!v || !*v) return 0;
    int ok = strlen(v) == 10 && v[4] == '-' && v[7] == '-';
    for (int i = 0; ok && i < 10; i++) ok = i == 4 || i == 7 || (v[i] >= '0' && v[i] <= '9');
    if (!ok) {
        err e;
        err_clear(&e);
        err_setf(&e, 400, "bad_param", "参数 %s 必须是 YYYY-MM-DD 格式的日期",
                 "Parameter %s must be a date YYYY-MM-DD", name);
        http_error(req, res, &e);
        return -1;
    }
    *out = v;
    return 0;
}

/* format: NULL (JSON), "xlsx" or "csv"; -1 after answering 400. */
int api_report_format(http_request *req, http_response *res, const char **format)
{
    *format = http_query(req, "format");
    if (*format && !**format) *format = NULL;
    if (!*format || strcmp(*format, "xlsx") == 0 || strcmp(*format, "csv") == 0) return 0;
    http_fail(req, res, 400, "bad_param", "format 只能是 xlsx 或 csv", "format must be xlsx or csv");
    return -1;
}

static void json_member(strbuf *out, const char *name, const char *v)
{
    sb_printf(out, "\"%s\":", name);
    sb_json_string(out, v);
    sb_putc(out, ',');
}

void api_report_answer(http_request *req, http_response *res, entity_ctx *c, const report_table *t, const char *format,
                       const char *export_entity, const char *name, const char *zh, const char *en,
                       const char *const members[][2])
{
    err e;
    err_clear(&e);
    if (format) {
        const entity_def *source = meta_entity(c->m, export_entity);
        if (!source || !acl_can(c->user, source, ACL_EXPORT))
            return http_fail(req, res, 403, "forbidden", arena_printf(req->a, "没有导出%s的权限", source ? source->label_zh : export_entity),
                             arena_printf(req->a, "No permission to export %s", source ? source->label_en : export_entity));
        const char *label = strcmp(req->lang, "en") == 0 ? en : zh;
        if (report_table_export(c, t, label, format, &res->body, &e)) return http_error(req, res, &e);
        res->status = 200;
        res->content_type = format[0] == 'x' ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                                             : "text/csv; charset=utf-8";
        char day[11];
        time_t now = time(NULL) + CHINA_OFFSET_SECONDS;
        struct tm tm;
        strftime(day, sizeof day, "%Y%m%d", gmtime_r(&now, &tm));
        api_attachment(req, res, arena_printf(req->a, "%s-%s.%s", name, day, format),
                       arena_printf(req->a, "%s-%s.%s", label, day, format));
        return;
    }
    /* whether a kept report was computed, kept or shared with a concurrent request (report_cache.h) */
    static const char *const SOURCES[] = {NULL, "computed", "kept", "shared"};
    if (t->source) http_set_header(res, "X-Kehu-Report", SOURCES[t->source]);
    sb_putc(&res->body, '{');
    json_member(&res->body, "report", name);
    for (int i = 0; members[i][0]; i++) json_member(&res->body, members[i][0], members[i][1]);
    report_table_json(t, c->lang, &res->body);
    sb_putc(&res->body, '}');
    http_json(res, 200);
}
