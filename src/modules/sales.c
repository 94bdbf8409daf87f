/* sales.c - see sales.h. */
#include "sales.h"
#include "service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../acl/acl.h"
#include "../auth/session.h"
#include "../entity/hooks.h"
#include "../entity/entity_action.h"
#include "../entity/meta_load.h"
#include "../entity/value.h"
#include "../util/clock.h"
#include "contracts.h"
#include "marketing.h"
#include "receivables.h"

/* Does the user see a live record of `entity` with this id whose customer
 * is another than `account`? 1 yes, 0 no, -1 error. */
static int belongs_elsewhere(entity_ctx *c, const char *entity, int64_t id, int64_t account, err *e)
{
    const entity_def *ent = meta_entity(c->m, entity);
    if (!ent) return 0;
    /* ne also matches an empty field: a record without a customer may join any */
    json_t *f = json_pack("{s:[{s:s,s:s,s:I},{s:s,s:s},{s:s,s:s,s:I}]}", "and", "field", "id", "op", "eq", "value",
                          (json_int_t)id, "field", "account_id", "op", "notnull", "field", "account_id", "op", "ne",
                          "value", (json_int_t)account);
    char *text = json_dumps(f, JSON_COMPACT);
    int rc = entity_exists(c, ent, text, e);
    free(text);
    json_decref(f);
    return rc;
}

/* A contact or opportunity named beside a customer must be that
 * customer's: 刘明 of 苏州明达 cannot be the contact of 杭州云帆's deal.
 * Asked through the engine, so a contact in the recycle bin (or one the
 * user cannot see) does not count; naming one is refused by the engine's
 * own link check instead. */
static int links_agree(entity_ctx *c, hook_change *ch, err *e)
{
    static const struct {
        const char *field, *entity, *zh, *en;
    } CHILDREN[] = {{"contact_id", "contacts", "联系人不属于所选客户", "The contact belongs to another customer"},
                    {"opportunity_id", "opportunities", "销售机会不属于所选客户", "The opportunity belongs to another customer"}};
    const sql_value *a = hook_value(ch, "account_id");
    for (size_t k = 0; k < sizeof CHILDREN / sizeof *CHILDREN; k++) {
        if (!(hook_changed(ch, CHILDREN[k].field) || hook_changed(ch, "account_id"))) continue;
        const sql_value *child = hook_value(ch, CHILDREN[k].field);
        if (a->kind != SV_INT || child->kind != SV_INT) continue;
        int elsewhere = belongs_elsewhere(c, CHILDREN[k].entity, child->i, a->i, e);
        if (elsewhere < 0) return -1;
        if (elsewhere) {
            err_add_field(e, CHILDREN[k].field, "not_in_account");
            return err_set(e, 422, "validation_failed", CHILDREN[k].zh, CHILDREN[k].en);
        }
    }
    return 0;
}

/* ---- repeating activities ---- */

#define REPEAT_MAX_OCCURRENCES 366

/* The stored time as calendar fields, for day and month arithmetic. */
static int parse_utc(const char *iso, struct tm *tm)
{
    time_t t;
    return iso_parse(iso, &t) || !gmtime_r(&t, tm) ? -1 : 0;
}

static time_t parse_iso(const char *iso)
{
    time_t t;
    return iso_parse(iso, &t) ? 0 : t;
}

/* The k-th occurrence after `first`: k days, weeks or months later (a
 * monthly one on the 31st falls on the last day of shorter months). */
static time_t occurrence(const struct tm *first, const char *repeat, int k)
{
    struct tm tm = *first;
    if (strcmp(repeat, "daily") == 0) tm.tm_mday += k;
    else if (strcmp(repeat, "weekly") == 0) tm.tm_mday += 7 * k;
    else {
        int month = tm.tm_mon + k, year = tm.tm_year + month / 12;
        month %= 12;
        static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int y = year + 1900, last = days[month] + (month == 1 && ((y % 4 == 0 && y % 100) || y % 400 == 0));
        tm.tm_year = year, tm.tm_mon = month;
        if (tm.tm_mday > last) tm.tm_mday = last;
    }
    return timegm(&tm);
}

/* Occurrences of a series up to `until` (inclusive), the first included. */
static int count_occurrences(const char *start, const char *repeat, const char *until)
{
    struct tm first;
    if (parse_utc(start, &first)) return -1;
    int n = 0;
    char day[11];
    for (int k = 0; k <= REPEAT_MAX_OCCURRENCES; k++, n++) {
        time_t t = occurrence(&first, repeat, k);
        struct tm at;
        strftime(day, sizeof day, "%Y-%m-%d", gmtime_r(&t, &at));
        if (strcmp(day, until) > 0) break;
    }
    return n;
}

/* A repeating activity needs a start and an end date, at most a year of
 * occurrences; occurrences themselves do not repeat. */
static int repeat_rules(entity_ctx *c, hook_change *ch, err *e)
{
    if (!hook_changed(ch, "repeat")) return 0;
    const char *repeat = hook_text(ch, "repeat");
    if (!repeat || strcmp(repeat, "none") == 0) return 0;
    if (hook_event(ch) != ON_CREATE) { /* the series is made once, on create */
        err_add_field(e, "repeat", "read_only");
        return err_set(e, 422, "validation_failed", "重复设置只能在新建时指定", "Repetition is set when the activity is created");
    }
    const char *u = hook_changed(ch, "repeat_until") ? hook_text(ch, "repeat_until") : NULL,
               *s = hook_changed(ch, "start_at") ? hook_text(ch, "start_at") : NULL;
    if (!u || !s) {
        err_add_field(e, u ? "start_at" : "repeat_until", "required");
        return err_set(e, 422, "validation_failed", "重复日程需要开始时间和重复截止日期",
                       "A repeating activity needs a start and a repeat-until date");
    }
    int n = count_occurrences(s, repeat, u);
    if (n < 1 || n > REPEAT_MAX_OCCURRENCES) {
        err_add_field(e, "repeat_until", n < 1 ? "invalid" : "too_many");
        return err_set(e, 422, "validation_failed", "重复截止日期须不早于开始日期，且最多 366 次",
                       "Repeat until must not be before the start, and at most 366 occurrences");
    }
    (void)c;
    return 0;
}

/* Moves a datetime of the body by delta seconds. */
static void shift(json_t *body, const char *field, time_t delta)
{
    time_t t;
    char out[ISO_TIME_LEN];
    if (iso_parse(json_string_value(json_object_get(body, field)), &t)) return;
    iso_time(t + delta, out);
    json_object_set_new(body, field, json_string(out));
}

/* After the first activity of a series exists: its occurrences, each a
 * normal activity pointing at the first through series_id. */
static int expand_series(entity_ctx *c, hook_change *ch, err *e)
{
    const entity_def *ent = hook_entity(ch);
    json_t *body = hook_body(ch);
    int64_t id = hook_id(ch);
    const char *repeat = json_string_value(json_object_get(body, "repeat"));
    const char *until = json_string_value(json_object_get(body, "repeat_until"));
    const char *start = json_string_value(json_object_get(body, "start_at"));
    struct tm first;
    if (!repeat || strcmp(repeat, "none") == 0 || !until || !start || parse_utc(start, &first)) return 0;
    time_t t0 = timegm(&first);
    int n = count_occurrences(start, repeat, until), rc = 0;
    entity_ctx trusted = *c;
    trusted.trusted = 1; /* series_id is the server's to set */
    for (int k = 1; k < n && !rc; k++) {
        time_t delta = occurrence(&first, repeat, k) - t0;
        json_t *copy = json_deep_copy(body);
        json_object_set_new(copy, "repeat", json_string("none"));
        json_object_del(copy, "repeat_until");
        json_object_set_new(copy, "series_id", json_integer(id));
        shift(copy, "start_at", delta);
        shift(copy, "end_at", delta);
        shift(copy, "next_follow_up_at", delta);
        int64_t occ = 0;
        rc = entity_create(&trusted, ent, copy, &occ, e);
        json_decref(copy);
    }
    return rc;
}

/* ---- planned follow-ups ---- */

#define FOLLOW_UP_MINUTES 30

/* The planned follow-up of activity `origin`, or 0. */
static int64_t planned_follow_up(entity_ctx *c, int64_t origin, int64_t *version, err *e)
{
    db_stmt *s = db_prepare(c->db,
                            "SELECT id, version FROM activities WHERE follow_up_of = ? AND deleted_at IS NULL"
                            " AND status = 'planned' ORDER BY id LIMIT 1",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, origin);
    int64_t id = 0;
    if (db_step(s) == DB_ROW) id = db_column_int64(s, 0), *version = db_column_int64(s, 1);
    db_finalize(s);
    return id;
}

/* 下次回访时间 plans the follow-up: setting it on an activity makes (or
 * moves) a planned activity at that time, with the same customer, contact,
 * lead, opportunity and owner, which the reminders and the calendar then
 * show and which is done like any other; clearing it cancels the planned
 * one. The follow-up's own 下次回访 chains the next one. */
static int plan_follow_up(entity_ctx *c, const entity_def *ent, int64_t id, err *e)
{
    db_stmt *s = db_prepare(c->db,
                            "SELECT subject, kind, next_follow_up_at, account_id, contact_id, lead_id, opportunity_id,"
                            " owner_id FROM activities WHERE id = ?",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, id);
    if (db_step(s) != DB_ROW) return db_finalize(s), 0;
    const char *next = db_column_is_null(s, 2) ? NULL : arena_strdup(c->a, db_column_text(s, 2));
    json_t *plan = json_object();
    const char *prefix = strcmp(c->lang, "en") == 0 ? "Follow-up: " : "回访：", *subject = db_column_text(s, 0);
    /* a follow-up's own follow-up is 回访：X again, not 回访：回访：X */
    int again = strncmp(subject, "回访：", strlen("回访：")) == 0 || strncmp(subject, "Follow-up: ", 11) == 0;
    json_object_set_new(plan, "subject", again ? json_string(subject) : json_sprintf("%s%s", prefix, subject));
    if (!db_column_is_null(s, 1)) json_object_set_new(plan, "kind", json_string(db_column_text(s, 1)));
    static const char *const LINKS[] = {"account_id", "contact_id", "lead_id", "opportunity_id"};
    for (int k = 0; k < 4; k++)
        json_object_set_new(plan, LINKS[k], db_column_is_null(s, 3 + k) ? json_null() : json_integer(db_column_int64(s, 3 + k)));
    int64_t owner = db_column_is_null(s, 7) ? 0 : db_column_int64(s, 7);
    db_finalize(s);
    int64_t version = 0, existing = planned_follow_up(c, id, &version, e);
    entity_ctx trusted = *c;
    trusted.trusted = 1; /* follow_up_of and the owner are the server's to set */
    int rc = 0;
    if (existing < 0) {
        rc = -1;
    } else if (!next) {
        if (existing) {
            json_t *cancel = json_pack("{s:s}", "status", "cancelled");
            rc = entity_update(&trusted, ent, existing, cancel, version, e);
            json_decref(cancel);
        }
    } else {
        char end[ISO_TIME_LEN];
        iso_time(parse_iso(next) + FOLLOW_UP_MINUTES * 60, end);
        json_t *when = json_pack("{s:s,s:s}", "start_at", next, "end_at", end);
        if (existing) {
            rc = entity_update(&trusted, ent, existing, when, version, e);
        } else {
            json_object_update(plan, when);
            json_object_set_new(plan, "status", json_string("planned"));
            json_object_set_new(plan, "follow_up_of", json_integer(id));
            int64_t made = 0;
            rc = entity_create(&trusted, ent, plan, &made, e);
            /* the origin's owner follows up, also when a manager set the
             * time; a deactivated owner's go to whoever set it */
            if (!rc && owner && owner != c->user->id && user_is_active(c->db, owner))
                rc = entity_set_owner(&trusted, ent, made, owner, -1, e);
        }
        json_decref(when);
    }
    json_decref(plan);
    return rc;
}

static int follow_up_after_write(entity_ctx *c, hook_change *ch, err *e)
{
    if (!hook_changed(ch, "next_follow_up_at")) return 0;
    return plan_follow_up(c, hook_entity(ch), hook_id(ch), e);
}

int sales_plan_pending_follow_ups(db_conn *db, int64_t admin_id, err *e)
{
    int64_t done = 0;
    if (db_query_int64(db, "SELECT COUNT(*) FROM settings WHERE key = 'follow_ups_planned'", &done, e, 0, NULL) < 0)
        return -1;
    const entity_def *act = meta_entity(meta_current(), "activities");
    if (done || !act || meta_field_index(act, "next_follow_up_at") < 0 || meta_field_index(act, "follow_up_of") < 0) return 0;
    char since[ISO_TIME_LEN];
    iso_time(time(NULL) - 30 * 86400, since);
    db_stmt *s = db_prepare(db,
                            "SELECT t.id FROM activities t WHERE t.deleted_at IS NULL AND t.next_follow_up_at >= ?"
                            " AND t.status <> 'cancelled' AND NOT EXISTS (SELECT 1 FROM activities f"
                            " WHERE f.follow_up_of = t.id AND f.deleted_at IS NULL) ORDER BY t.id LIMIT 100000",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, since);
    json_t *ids = json_array();
    while (db_step(s) == DB_ROW) json_array_append_new(ids, json_integer(db_column_int64(s, 0)));
    db_finalize(s);
    arena *a = arena_new();
    /* once, at the first start after follow-ups came: the database held one company then */
    auth_user admin = {.id = admin_id, .username = "admin", .name = "admin", .is_admin = 1, .company_id = 1};
    entity_ctx c = {.db = db, .a = a, .m = meta_current(), .user = &admin, .lang = "zh"};
    size_t i;
    json_t *id;
    int rc = 0;
    int skipped = 0;
    json_array_foreach(ids, i, id) {
        if ((rc = db_begin(db, e))) break;
        err one;
        err_clear(&one);
        /* one activity that cannot be planned (an owner gone, links that
         * disagree) must not keep the server from starting */
        if (plan_follow_up(&c, act, json_integer_value(id), &one) || db_commit(db, &one)) {
            db_rollback(db);
            skipped++;
        }
    }
    if (skipped)
        fprintf(stderr, "kehu: %d 条行动记录的回访未能排上 / follow-ups of %d activities could not be planned\n", skipped,
                skipped);
    arena_free(a);
    json_decref(ids);
    int64_t ignored;
    return rc ? -1
              : db_query_int64(db, "INSERT INTO settings(key, value) VALUES ('follow_ups_planned', '1')", &ignored, e, 0,
                               NULL) < 0
                    ? -1
                    : 0;
}


/* ---- lead conversion: the action "convert" of leads.json ---- */

static int check_body(json_t *body, err *e)
{
    static const char *const known[] = {"account_id", "account", "contact", "create_opportunity", "opportunity", "version", NULL};
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        int ok = 0;
        for (int i = 0; known[i]; i++) ok |= strcmp(key, known[i]) == 0;
        if (!ok) err_add_field(e, key, "unknown");
    }
    json_t *link = json_object_get(body, "account_id"), *flag = json_object_get(body, "create_opportunity");
    if (link && !json_is_integer(link)) err_add_field(e, "account_id", "invalid_type");
    if (flag && !json_is_boolean(flag)) err_add_field(e, "create_opportunity", "invalid_type");
    const char *const objects[] = {"account", "contact", "opportunity"};
    for (int i = 0; i < 3; i++) {
        json_t *o = json_object_get(body, objects[i]);
        if (o && !json_is_object(o)) err_add_field(e, objects[i], "invalid_type");
    }
    return e->nfields ? err_set(e, 422, "validation_failed", "转换参数有误", "Invalid conversion request") : 0;
}

/* One of the action's declared copies (leads.json) of the lead, with the
 * request's field overrides over it. */
static int copy_lead(entity_ctx *c, const entity_def *leads, const action_def *act, const char *name, json_t *lead,
                     json_t *overrides, int64_t *made, err *e)
{
    json_t *mapping = entity_action_copy(act, name);
    if (!mapping) return err_setf(e, 500, "bad_metadata", "线索转换缺少 %s 的复制定义", "Lead conversion has no %s copy", name, name);
    int rc = entity_copy(c, leads, mapping, lead, overrides, made, e);
    json_decref(mapping);
    return rc;
}

/* Field overrides from the request, or a new empty object. */
static json_t *overrides(json_t *body, const char *key)
{
    json_t *v = json_object_get(body, key);
    return v ? json_deep_copy(v) : json_object();
}

static int make_records(entity_ctx *c, const entity_def *leads, const action_def *act, json_t *lead, json_t *body,
                        lead_conversion *out, err *e)
{
    json_t *acc = overrides(body, "account"), *con = overrides(body, "contact"), *opp = overrides(body, "opportunity");
    int rc = -1;
    json_t *link = json_object_get(body, "account_id");
    if (link) out->account_id = json_integer_value(link);
    else if (copy_lead(c, leads, act, "account", lead, acc, &out->account_id, e)) goto done;
    json_object_set_new(con, "account_id", json_integer(out->account_id));
    if (copy_lead(c, leads, act, "contact", lead, con, &out->contact_id, e)) goto done;
    if (json_is_true(json_object_get(body, "create_opportunity")) || json_object_size(opp)) {
        const char *company = json_string_value(json_object_get(lead, "company"));
        if (!company || !*company) company = json_string_value(json_object_get(lead, "name"));
        if (!json_object_get(opp, "name")) json_object_set_new(opp, "name", json_sprintf("%s 销售机会", company ? company : ""));
        json_object_set_new(opp, "account_id", json_integer(out->account_id));
        json_object_set_new(opp, "contact_id", json_integer(out->contact_id));
        if (copy_lead(c, leads, act, "opportunity", lead, opp, &out->opportunity_id, e)) goto done;
    }
    rc = 0;
done:
    json_decref(acc);
    json_decref(con);
    json_decref(opp);
    return rc;
}

/* The lead's follow-up history goes with it: its activities (those the
 * converting user may change) get the new customer and contact, logged in
 * their history, so 客户全景's timeline starts with what was done. */
static int move_activities(entity_ctx *c, int64_t lead_id, const lead_conversion *out, err *e)
{
    const entity_def *act = meta_entity(c->m, "activities");
    if (!act) return 0;
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.id, t.account_id, t.contact_id FROM activities t WHERE t.deleted_at IS NULL AND t.lead_id = ");
    query_bind_int(&q, lead_id);
    query_sql(&q, " AND (t.account_id IS NULL OR t.contact_id IS NULL) AND ");
    acl_write_predicate(c->user, act, "t", 0, &q);
    query_sql(&q, " ORDER BY t.id LIMIT 1000");
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    if (!s) return query_free(&q), -1;
    query_bind_all(&q, s);
    json_t *moves = json_array();
    while (db_step(s) == DB_ROW) {
        json_t *m = json_pack("{s:I}", "id", (json_int_t)db_column_int64(s, 0));
        if (db_column_is_null(s, 1)) json_object_set_new(m, "account_id", json_integer(out->account_id));
        if (db_column_is_null(s, 2) && (db_column_is_null(s, 1) || db_column_int64(s, 1) == out->account_id))
            json_object_set_new(m, "contact_id", json_integer(out->contact_id));
        json_array_append_new(moves, m);
    }
    db_finalize(s);
    query_free(&q);
    size_t i;
    json_t *m;
    int rc = 0;
    json_array_foreach(moves, i, m) {
        int64_t id = json_integer_value(json_object_get(m, "id"));
        json_object_del(m, "id");
        if (json_object_size(m) && (rc = entity_update(c, act, id, m, 0, e))) break;
    }
    json_decref(moves);
    return rc;
}

/* The C part of the convert action: the records made from the lead (the
 * field copying is declared in leads.json), its activities moved along,
 * and the conversion stamps added to the lead's update. */
static int convert_lead(entity_ctx *c, const entity_def *leads, const action_def *act, int64_t id, json_t *lead,
                        json_t *body, json_t *changes, json_t *result, err *e)
{
    lead_conversion out = {0};
    if (check_body(body, e) || make_records(c, leads, act, lead, body, &out, e) || move_activities(c, id, &out, e))
        return -1;
    char now[ISO_TIME_LEN];
    iso_now(now);
    json_object_set_new(changes, "converted_at", json_string(now));
    json_object_set_new(changes, "converted_account_id", json_integer(out.account_id));
    json_object_set_new(changes, "converted_contact_id", json_integer(out.contact_id));
    if (out.opportunity_id) json_object_set_new(changes, "converted_opportunity_id", json_integer(out.opportunity_id));
    json_object_set_new(result, "lead_id", json_integer(id));
    json_object_set_new(result, "account_id", json_integer(out.account_id));
    json_object_set_new(result, "contact_id", json_integer(out.contact_id));
    json_object_set_new(result, "opportunity_id", out.opportunity_id ? json_integer(out.opportunity_id) : json_null());
    return 0;
}

void sales_init(void)
{
    entity_before("opportunities", ON_WRITE, links_agree);
    entity_before("activities", ON_WRITE, repeat_rules);
    entity_before("activities", ON_WRITE, links_agree);
    entity_before("quotes", ON_WRITE, links_agree);
    entity_before("sales_orders", ON_WRITE, links_agree);
    entity_after("activities", ON_CREATE, expand_series);
    entity_after("activities", ON_WRITE, follow_up_after_write);
    entity_register_action("lead_convert", convert_lead);
}

/* ---- time in stage ---- */

/* Appends one period and adds its length to the stage's total (-1: never
 * visited, so a stage entered this very second still counts). */
static void stage_period(strbuf *out, int *n, const field_def *stage, const char *lang, const char *value,
                         const char *from, const char *to, time_t now, int64_t *totals)
{
    int64_t secs = (int64_t)((to ? parse_iso(to) : now) - parse_iso(from));
    if (secs < 0) secs = 0;
    for (int i = 0; value && i < stage->noptions; i++)
        if (strcmp(stage->options[i].value, value) == 0) totals[i] = (totals[i] < 0 ? 0 : totals[i]) + secs;
    sb_append(out, (*n)++ ? ",{\"stage\":" : "{\"stage\":");
    sb_json_string(out, value);
    sb_append(out, ",\"label\":");
    sb_json_string(out, meta_option_label(stage, value, lang));
    sb_append(out, ",\"entered_at\":");
    sb_json_string(out, from);
    sb_append(out, ",\"left_at\":");
    if (to) sb_json_string(out, to);
    else sb_append(out, "null");
    sb_printf(out, ",\"seconds\":%lld}", (long long)secs);
}

int sales_stage_history(entity_ctx *c, int64_t id, strbuf *out, err *e)
{
    const entity_def *opp = meta_entity(c->m, "opportunities");
    const field_def *stage = meta_field(opp, "stage");
    strbuf rec = STRBUF_INIT;
    if (entity_get(c, opp, id, 1, &rec, e)) return sb_free(&rec), -1; /* visibility, 403/404 */
    json_t *r = json_loads(sb_str(&rec), 0, NULL);
    sb_free(&rec);
    if (acl_field_access(c->user, opp, stage) == ACL_HIDDEN) {
        json_decref(r);
        return err_set(e, 403, "forbidden", "没有查看销售阶段的权限", "No permission to view the stage");
    }
    db_stmt *s = db_prepare(c->db,
                            "SELECT old_value, new_value, changed_at FROM record_history WHERE entity = 'opportunities'"
                            " AND record_id = ? AND action = 'update' AND field = 'stage' ORDER BY id LIMIT 1000",
                            e);
    if (!s) return json_decref(r), -1;
    db_bind_int64(s, 1, id);
    int64_t *totals = arena_alloc(c->a, sizeof(int64_t) * (size_t)stage->noptions);
    for (int i = 0; i < stage->noptions; i++) totals[i] = -1;
    time_t now = time(NULL);
    /* The first period starts at creation in the stage the first change
     * left (or the current one when it never changed). */
    const char *since = arena_strdup(c->a, json_string_value(json_object_get(r, "created_at")));
    const char *current = json_string_value(json_object_get(r, "stage"));
    char *in = NULL;
    int n = 0, step, first = 1;
    sb_append(out, "{\"items\":[");
    while ((step = db_step(s)) == DB_ROW) {
        const char *old = db_column_is_null(s, 0) ? NULL : db_column_text(s, 0);
        const char *at = arena_strdup(c->a, db_column_text(s, 2));
        if (first) in = old ? arena_strdup(c->a, old) : NULL, first = 0;
        stage_period(out, &n, stage, c->lang, in, since, at, now, totals);
        in = db_column_is_null(s, 1) ? NULL : arena_strdup(c->a, db_column_text(s, 1));
        since = at;
    }
    db_finalize(s);
    if (step < 0) return json_decref(r), err_set(e, 500, "db_error", "读取阶段历程失败", "Cannot read the stage history");
    if (first) in = current ? arena_strdup(c->a, current) : NULL;
    if (since) stage_period(out, &n, stage, c->lang, in, since, NULL, now, totals);
    json_decref(r);
    sb_append(out, "],\"totals\":[");
    n = 0;
    for (int i = 0; i < stage->noptions; i++) {
        if (totals[i] < 0) continue;
        sb_append(out, n++ ? ",{\"stage\":" : "{\"stage\":");
        sb_json_string(out, stage->options[i].value);
        sb_append(out, ",\"label\":");
        sb_json_string(out, meta_option_label(stage, stage->options[i].value, c->lang));
        sb_printf(out, ",\"seconds\":%lld}", (long long)totals[i]);
    }
    sb_append(out, "]}");
    return 0;
}

/* ---- reminders ---- */

static void reminder_json(strbuf *out, int *n, const char *kind, const char *entity, db_stmt *s, const char *now)
{
    /* columns: id, title, due, account id, account name, follow_up_of, owner id, owner name */
    if ((*n)++) sb_putc(out, ',');
    sb_append(out, "{\"kind\":");
    sb_json_string(out, kind);
    sb_printf(out, ",\"entity\":\"%s\",\"id\":%lld,\"title\":", entity, (long long)db_column_int64(s, 0));
    sb_json_string(out, db_column_text(s, 1));
    sb_append(out, ",\"due_at\":");
    sb_json_string(out, db_column_text(s, 2));
    sb_printf(out, ",\"overdue\":%s,\"account_id\":", strcmp(db_column_text(s, 2), now) < 0 ? "true" : "false");
    if (db_column_is_null(s, 3)) sb_append(out, "null");
    else sb_int64(out, db_column_int64(s, 3));
    sb_append(out, ",\"account_name\":");
    sb_json_string(out, db_column_text(s, 4));
    /* whose it is: a manager's list holds the team's too */
    sb_append(out, ",\"owner_id\":");
    if (db_column_is_null(s, 6)) sb_append(out, "null");
    else sb_int64(out, db_column_int64(s, 6));
    sb_append(out, ",\"owner_name\":");
    sb_json_string(out, db_column_is_null(s, 7) ? NULL : db_column_text(s, 7));
    sb_putc(out, '}');
}

/* Runs a reminder query (the caller's own rows and their subordinates')
 * and appends its rows, of `kind` (NULL: activities, follow_up or
 * scheduled by their follow_up_of). */
int sales_reminder_rows(entity_ctx *c, query *q, const char *kind, const char *entity, strbuf *out, int *n, err *e)
{
    db_stmt *s = db_prepare(c->db, sb_str(&q->sql), e);
    if (!s) return query_free(q), -1;
    query_bind_all(q, s);
    char now[ISO_TIME_LEN];
    iso_now(now);
    int step;
    while ((step = db_step(s)) == DB_ROW)
        reminder_json(out, n, kind ? kind : db_column_is_null(s, 5) ? "scheduled" : "follow_up", entity, s, now);
    db_finalize(s);
    query_free(q);
    return step < 0 ? err_set(e, 500, "db_error", "读取提醒失败", "Reading reminders failed") : 0;
}

int sales_reminders(entity_ctx *c, int days, strbuf *out, err *e)
{
    /* The bell holds what the user may see: each source only where the
     * user has the right to view its entity (a service agent without
     * activities still gets the service items). */
    const entity_def *act = meta_entity(c->m, "activities"), *acc = meta_entity(c->m, "accounts");
    char until[ISO_TIME_LEN];
    iso_time(time(NULL) + (time_t)days * 86400, until);
    int n = 0;
    sb_append(out, "{\"items\":[");
    query q;
    /* Planned activities by their start: follow-ups planned from an
     * earlier activity's 下次回访时间 (follow_up) and the rest (scheduled). */
    if (act && acl_can(c->user, act, ACL_VIEW)) {
        query_init(&q, c->a);
        query_sql(&q, "SELECT t.id, t.subject, t.start_at, t.account_id, a.name, t.follow_up_of, t.owner_id, u.name"
                      " FROM activities t LEFT JOIN accounts a ON a.id = t.account_id LEFT JOIN users u ON u.id = t.owner_id WHERE t.deleted_at IS NULL AND t.status = 'planned'"
                      " AND t.start_at IS NOT NULL AND t.start_at <= ");
        query_bind_text(&q, until);
        query_sql(&q, " AND ");
        acl_own_predicate(c->user, act, "t", &q); /* not colleagues' shared ones */
        query_sql(&q, " ORDER BY t.start_at, t.id LIMIT 200");
        if (sales_reminder_rows(c, &q, NULL, "activities", out, &n, e)) return -1;
    }
    /* Customers whose 下次联系时间 has come (contact). */
    if (acc && meta_field(acc, "next_contact_at") && acl_can(c->user, acc, ACL_VIEW)) {
        query_init(&q, c->a);
        query_sql(&q, "SELECT t.id, t.name, t.next_contact_at, t.id, t.name, NULL, t.owner_id, u.name FROM accounts t"
                      " LEFT JOIN users u ON u.id = t.owner_id WHERE t.deleted_at IS NULL AND t.next_contact_at IS NOT NULL AND t.next_contact_at <= ");
        query_bind_text(&q, until);
        query_sql(&q, " AND ");
        acl_own_predicate(c->user, acc, "t", &q);
        query_sql(&q, " ORDER BY t.next_contact_at, t.id LIMIT 100");
        if (sales_reminder_rows(c, &q, "contact", "accounts", out, &n, e)) return -1;
    }
    if (service_reminders(c, until, out, &n, e)) return -1; /* SLA deadlines, birthdays */
    /* Instalments of the caller's orders falling due (催款), by day. */
    until[10] = '\0';
    if (receivables_reminders(c, until, out, &n, e)) return -1;
    if (order_plan_reminders(c, until, out, &n, e)) return -1;
    if (marketing_reminders(c, until, out, &n, e)) return -1; /* 市场任务 due */
    if (contracts_reminders(c, out, &n, e)) return -1; /* 合同到期, a month ahead */
    sb_printf(out, "],\"total\":%d}", n);
    return 0;
}
