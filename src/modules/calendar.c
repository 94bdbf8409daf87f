/* calendar.c - see calendar.h. */
#include "calendar.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../acl/acl.h"
#include "../util/clock.h"
#include "../util/contentline.h"
#include "messages.h"

#define FEED_PAST_DAYS 90
#define FEED_FUTURE_DAYS 366
#define FEED_MAX_EVENTS 5000
#define SHARE_MAX_USERS 100
#define SHARE_MAX_ITEMS 200

/* "2026-11-23T04:25:00Z" -> "20261123T042500Z"; "" when not that form. */
static void ical_time(const char *iso, char out[17])
{
    time_t t;
    struct tm tm;
    if (iso_parse(iso, &t)) out[0] = '\0';
    else strftime(out, 17, "%Y%m%dT%H%M%SZ", gmtime_r(&t, &tm));
}

/* iso moved by seconds into out (which may be iso itself); unchanged when
 * not a stored time. */
static void iso_shift(const char *iso, long seconds, char out[ISO_TIME_LEN])
{
    time_t t;
    if (!iso_parse(iso, &t)) iso_time(t + seconds, out);
    else if (out != iso) {
        size_t n = strnlen(iso, ISO_TIME_LEN - 1);
        memmove(out, iso, n);
        out[n] = '\0';
    }
}

/* The text of a column, or NULL when the user may not see the field. */
static const char *visible_text(entity_ctx *c, const entity_def *ent, const char *field, db_stmt *s, int col)
{
    const field_def *f = meta_field(ent, field);
    if (!f || acl_field_access(c->user, ent, f) == ACL_HIDDEN || db_column_is_null(s, col)) return NULL;
    return db_column_text(s, col);
}

/* The activities of a period that the user may see, ordered by start. */
static db_stmt *activities_between(entity_ctx *c, const entity_def *act, const char *from, const char *to,
                                   int64_t only_owner, int limit, query *q, err *e)
{
    query_init(q, c->a);
    query_sql(q, "SELECT t.id, t.subject, t.start_at, t.end_at, t.location, t.result, t.status, t.kind, t.updated_at,"
                 " a.name FROM activities t LEFT JOIN accounts a ON a.id = t.account_id"
                 " WHERE t.deleted_at IS NULL AND t.start_at >= ");
    query_bind_text(q, from);
    query_sql(q, " AND t.start_at < ");
    query_bind_text(q, to);
    if (only_owner) query_sql(q, " AND t.owner_id = "), query_bind_int(q, only_owner);
    query_sql(q, " AND ");
    acl_list_predicate(c->user, act, "t", q);
    query_sqlf(q, " ORDER BY t.start_at, t.id LIMIT %d", limit);
    db_stmt *s = db_prepare(c->db, sb_str(&q->sql), e);
    if (s) query_bind_all(q, s);
    return s;
}

static void vevent(entity_ctx *c, const entity_def *act, db_stmt *s, strbuf *out)
{
    char stamp[17], start[17], end[17], end_iso[ISO_TIME_LEN];
    const char *start_iso = db_column_text(s, 2);
    ical_time(db_column_text(s, 8), stamp);
    ical_time(start_iso, start);
    if (db_column_is_null(s, 3)) iso_shift(start_iso, 3600, end_iso); /* no end: an hour */
    else snprintf(end_iso, sizeof end_iso, "%s", db_column_text(s, 3));
    ical_time(end_iso, end);
    sb_append(out, "BEGIN:VEVENT\r\n");
    sb_printf(out, "UID:kehu-activity-%lld@kehu\r\nDTSTAMP:%s\r\nDTSTART:%s\r\nDTEND:%s\r\n",
              (long long)db_column_int64(s, 0), stamp, start, end);
    const char *kind = meta_option_label(meta_field(act, "kind"), db_column_text(s, 7), c->lang);
    strbuf summary = STRBUF_INIT;
    if (kind) sb_printf(&summary, "[%s] ", kind);
    sb_append(&summary, db_column_text(s, 1));
    contentline_property(out, "SUMMARY", sb_str(&summary));
    sb_free(&summary);
    contentline_property(out, "LOCATION", visible_text(c, act, "location", s, 4));
    strbuf desc = STRBUF_INIT;
    if (!db_column_is_null(s, 9)) sb_printf(&desc, "%s%s", strcmp(c->lang, "en") == 0 ? "Customer: " : "客户：", db_column_text(s, 9));
    const char *result = visible_text(c, act, "result", s, 5);
    if (result) sb_printf(&desc, "%s%s", desc.len ? "\n" : "", result);
    contentline_property(out, "DESCRIPTION", sb_str(&desc));
    sb_free(&desc);
    const char *status = db_column_text(s, 6);
    sb_append(out, status && strcmp(status, "cancelled") == 0 ? "STATUS:CANCELLED\r\n" : "STATUS:CONFIRMED\r\n");
    sb_append(out, "END:VEVENT\r\n");
}

int calendar_ical(entity_ctx *c, strbuf *out, err *e)
{
    const entity_def *act = meta_entity(c->m, "activities");
    if (!act || !acl_can(c->user, act, ACL_VIEW))
        return err_set(e, 403, "forbidden", "没有查看行动记录的权限", "No permission to view activities");
    char now[ISO_TIME_LEN], from[ISO_TIME_LEN], to[ISO_TIME_LEN];
    iso_now(now);
    iso_shift(now, -FEED_PAST_DAYS * 86400L, from);
    iso_shift(now, FEED_FUTURE_DAYS * 86400L, to);
    query q;
    db_stmt *s = activities_between(c, act, from, to, 0, FEED_MAX_EVENTS, &q, e);
    if (!s) return query_free(&q), -1;
    sb_append(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kehu//CRM 客户//ZH\r\nCALSCALE:GREGORIAN\r\n"
                   "METHOD:PUBLISH\r\n");
    strbuf name = STRBUF_INIT;
    sb_printf(&name, "X-WR-CALNAME:%s%s", c->user->name ? c->user->name : "", strcmp(c->lang, "en") == 0 ? "'s schedule" : "的日程");
    contentline_fold(out, &name);
    sb_free(&name);
    sb_append(out, "X-WR-TIMEZONE:Asia/Shanghai\r\n");
    int step;
    while ((step = db_step(s)) == DB_ROW) vevent(c, act, s, out);
    db_finalize(s);
    query_free(&q);
    if (step < 0) return err_set(e, 500, "db_error", "读取日程失败", "Cannot read the schedule");
    sb_append(out, "END:VCALENDAR\r\n");
    return 0;
}

/* ---- 发布行程 ---- */

static int valid_date(const char *s)
{
    int y, m, d;
    return s && strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* The schedule as text: one line per activity, in Beijing time. */
static int schedule_text(entity_ctx *c, const entity_def *act, const char *from, const char *to, strbuf *body, err *e)
{
    char start[ISO_TIME_LEN], end[ISO_TIME_LEN];
    snprintf(start, sizeof start, "%sT00:00:00Z", from);
    iso_shift(start, -CHINA_OFFSET_SECONDS, start); /* the dates are Beijing dates */
    snprintf(end, sizeof end, "%sT00:00:00Z", to);
    iso_shift(end, 86400 - CHINA_OFFSET_SECONDS, end);
    query q;
    db_stmt *s = activities_between(c, act, start, end, c->user->id, SHARE_MAX_ITEMS, &q, e);
    if (!s) return query_free(&q), -1;
    int step, n = 0;
    while ((step = db_step(s)) == DB_ROW) {
        char local[ISO_TIME_LEN];
        iso_shift(db_column_text(s, 2), CHINA_OFFSET_SECONDS, local);
        const char *kind = meta_option_label(meta_field(act, "kind"), db_column_text(s, 7), c->lang);
        sb_printf(body, "%.10s %.5s  [%s] %s", local, local + 11, kind ? kind : "", db_column_text(s, 1));
        if (!db_column_is_null(s, 9)) sb_printf(body, "（%s）", db_column_text(s, 9));
        const char *where = visible_text(c, act, "location", s, 4);
        if (where) sb_printf(body, " @ %s", where);
        sb_putc(body, '\n');
        n++;
    }
    db_finalize(s);
    query_free(&q);
    if (step < 0) return err_set(e, 500, "db_error", "读取日程失败", "Cannot read the schedule");
    if (!n) sb_append(body, strcmp(c->lang, "en") == 0 ? "(nothing scheduled)\n" : "（此期间没有安排）\n");
    return 0;
}

int calendar_share(entity_ctx *c, json_t *user_ids, const char *from, const char *to, const char *note,
                   int *sent, err *e)
{
    const entity_def *act = meta_entity(c->m, "activities"), *msgs = meta_entity(c->m, "messages");
    *sent = 0;
    size_t n = json_array_size(user_ids);
    if (!json_is_array(user_ids) || n == 0 || n > SHARE_MAX_USERS) err_add_field(e, "user_ids", "invalid");
    if (!valid_date(from)) err_add_field(e, "from", "invalid_format");
    if (!valid_date(to) || (valid_date(from) && strcmp(to, from) < 0)) err_add_field(e, "to", "invalid_format");
    if (note && strlen(note) > 2000) err_add_field(e, "note", "too_long");
    size_t i;
    json_t *id;
    json_array_foreach(user_ids, i, id)
        if (!json_is_integer(id) || !user_is_active(c->db, json_integer_value(id)) || json_integer_value(id) == c->user->id)
            err_add_field(e, "user_ids", "not_found");
    if (e->nfields)
        return err_set(e, 422, "validation_failed", "请选择 1 到 100 位在职同事，并给出起止日期（YYYY-MM-DD）",
                       "Choose 1 to 100 active colleagues and a from/to date (YYYY-MM-DD)");
    if (!act || !msgs || !acl_can(c->user, act, ACL_VIEW))
        return err_set(e, 403, "forbidden", "没有查看行动记录的权限", "No permission to view activities");
    strbuf text = STRBUF_INIT;
    if (note && *note) sb_printf(&text, "%s\n\n", note);
    char subject[256];
    snprintf(subject, sizeof subject, strcmp(c->lang, "en") == 0 ? "%s's schedule %s to %s" : "%s的行程（%s 至 %s）",
             c->user->name ? c->user->name : "", from, to);
    int rc = schedule_text(c, act, from, to, &text, e) || db_begin(c->db, e);
    json_array_foreach(user_ids, i, id) {
        if (rc) break;
        rc = messages_deliver(c, msgs, json_integer_value(id), "schedule", subject, sb_str(&text), e);
        if (!rc) (*sent)++;
    }
    sb_free(&text);
    if (!rc && db_commit(c->db, e) == 0) return 0;
    db_rollback(c->db);
    *sent = 0;
    return -1;
}
