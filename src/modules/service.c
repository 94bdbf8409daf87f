/* service.c - see service.h. */
#include "service.h"

#include <string.h>

#include "../acl/acl.h"
#include "../entity/hooks.h"
#include "../entity/meta_load.h"
#include "../util/clock.h"
#include "../util/workcal.h"

#define OPEN_STATES "('new', 'in_progress', 'waiting_customer')"
#define SWEEP_MAX 500 /* escalations per sweep; the next sweep takes the rest */
#define DEFAULT_CALENDAR "法定工作日历"

/* ---- small SQL helpers ---- */

/* Runs q (its statement left in *s for the caller to step); -1 with e. */
static db_stmt *run(entity_ctx *c, query *q, err *e)
{
    db_stmt *s = db_prepare(c->db, sb_str(&q->sql), e);
    if (s) query_bind_all(q, s);
    return s;
}

static int db_failed(err *e)
{
    return err_set(e, 500, "db_error", "读取服务数据失败", "Reading service data failed");
}

/* ---- the working calendar ---- */

/* The company's calendar as a first ticket finds it missing: 09:00-18:00,
 * Saturday and Sunday off, the national days (workcal_cn_days). Written as
 * an administrator of the company, since whoever opens the first ticket
 * may not write settings; in a savepoint, so two first tickets at once
 * leave one calendar and both tickets. */
static int seed_calendar(entity_ctx *c, err *e)
{
    auth_user admin = *c->user;
    admin.is_admin = 1;
    entity_ctx sc = *c;
    sc.user = &admin;
    sc.trusted = 1;
    size_t n;
    const workcal_national *cn = workcal_cn_days(&n);
    json_t *days = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(days, json_pack("{s:s,s:s,s:s}", "day", cn[i].date, "kind",
                                              cn[i].working ? "workday" : "holiday", "note", cn[i].note));
    json_t *body = json_pack("{s:s,s:s,s:s,s:b,s:b,s:b,s:o}", "name", DEFAULT_CALENDAR, "work_start", "09:00",
                             "work_end", "18:00", "saturday_off", 1, "sunday_off", 1, "active", 1, "days", days);
    if (db_savepoint(c->db, e)) return json_decref(body), -1;
    int64_t id = 0;
    int rc = entity_create(&sc, meta_entity(c->m, "work_calendars"), body, &id, e);
    json_decref(body);
    if (rc == 0) return db_commit(c->db, e);
    db_rollback(c->db); /* another writer's calendar came first: read that one */
    err_clear(e);
    return 0;
}

/* The company's working calendar: its first active 工作日历 (seeded when
 * it has none) with its holidays and make-up days. */
static int load_calendar(entity_ctx *c, workcal *w, int may_seed, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.id, t.work_start, t.work_end, t.saturday_off, t.sunday_off FROM work_calendars t"
                  " WHERE t.deleted_at IS NULL AND t.active = 1 AND ");
    acl_company_predicate(c->user, "t", &q);
    query_sql(&q, " ORDER BY t.id LIMIT 1");
    db_stmt *s = run(c, &q, e);
    if (!s) return query_free(&q), -1;
    int step = db_step(s);
    int64_t id = step == DB_ROW ? db_column_int64(s, 0) : 0;
    int bad = 0;
    if (id) {
        bad = workcal_parse_hhmm(db_column_text(s, 1), &w->start_min) ||
              workcal_parse_hhmm(db_column_text(s, 2), &w->end_min);
        w->saturday_off = db_column_int64(s, 3) != 0;
        w->sunday_off = db_column_int64(s, 4) != 0;
    }
    db_finalize(s);
    query_free(&q);
    if (step < 0) return db_failed(e);
    if (!id) {
        if (!may_seed) return err_set(e, 500, "no_calendar", "没有工作日历", "There is no working calendar");
        return seed_calendar(c, e) || load_calendar(c, w, 0, e);
    }
    if (bad) w->start_min = w->end_min = 0; /* refused on write; older data counts no time */
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.day, t.kind FROM work_calendar_days t WHERE t.deleted_at IS NULL AND t.calendar_id = ");
    query_bind_int(&q, id);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    query_sql(&q, " ORDER BY t.position, t.id");
    s = run(c, &q, e);
    if (!s) return query_free(&q), -1;
    size_t cap = 64, n = 0;
    workcal_day *days = arena_alloc(c->a, cap * sizeof *days);
    while ((step = db_step(s)) == DB_ROW) {
        int32_t day;
        if (db_column_is_null(s, 0) || workcal_parse_date(db_column_text(s, 0), &day)) continue;
        if (n == cap) {
            workcal_day *more = arena_alloc(c->a, 2 * cap * sizeof *days);
            memcpy(more, days, n * sizeof *days);
            days = more, cap *= 2;
        }
        const char *kind = db_column_is_null(s, 1) ? "" : db_column_text(s, 1);
        days[n++] = (workcal_day){day, strcmp(kind, "workday") == 0};
    }
    db_finalize(s);
    query_free(&q);
    if (step < 0) return db_failed(e);
    w->days = days;
    w->ndays = workcal_sort_days(days, n);
    return 0;
}

/* ---- SLA rules ---- */

typedef struct sla {
    int found;
    int64_t response_hours, resolution_hours, follow_up_days;
} sla;

/* The active rule for the priority and category: one naming the category
 * wins over one for any category; the oldest among equals. */
static int find_rule(entity_ctx *c, const char *priority, const char *category, sla *r, err *e)
{
    memset(r, 0, sizeof *r);
    if (!priority) return 0;
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.first_response_hours, t.resolution_hours, t.follow_up_days FROM sla_rules t"
                  " WHERE t.deleted_at IS NULL AND t.active = 1 AND t.priority = ");
    query_bind_text(&q, priority);
    query_sql(&q, " AND (t.category IS NULL OR t.category = ");
    query_bind_text(&q, category ? category : "");
    query_sql(&q, ") AND ");
    acl_company_predicate(c->user, "t", &q);
    query_sql(&q, " ORDER BY CASE WHEN t.category IS NULL THEN 1 ELSE 0 END, t.id LIMIT 1");
    db_stmt *s = run(c, &q, e);
    if (!s) return query_free(&q), -1;
    int step = db_step(s);
    if (step == DB_ROW) {
        r->found = 1;
        r->response_hours = db_column_int64(s, 0);
        r->resolution_hours = db_column_int64(s, 1);
        r->follow_up_days = db_column_is_null(s, 2) ? 0 : db_column_int64(s, 2);
    }
    db_finalize(s);
    query_free(&q);
    return step < 0 ? db_failed(e) : 0;
}

static int set_time(entity_ctx *c, hook_change *ch, const char *field, int64_t t, err *e)
{
    if (t < 0) return hook_set(ch, field, (sql_value){.kind = SV_NULL}, e);
    char iso[ISO_TIME_LEN];
    iso_time((time_t)t, iso);
    return hook_set_text(ch, field, arena_strdup(c->a, iso), e);
}

/* 首次响应期限 and 解决期限 from the ticket's creation, on the calendar. */
static int set_deadlines(entity_ctx *c, hook_change *ch, time_t created, err *e)
{
    sla r;
    if (find_rule(c, hook_text(ch, "priority"), hook_text(ch, "category"), &r, e)) return -1;
    if (!r.found) return set_time(c, ch, "first_response_due", -1, e) || set_time(c, ch, "resolution_due", -1, e);
    workcal w;
    if (load_calendar(c, &w, 1, e)) return -1;
    int64_t response = workcal_add(&w, created, r.response_hours * 60);
    int64_t resolution = workcal_add(&w, created, r.resolution_hours * 60);
    if (response < 0 || resolution < 0)
        return err_set(e, 422, "no_working_time", "工作日历中没有工作时间，无法计算服务期限",
                       "The working calendar has no working time: no deadline can be set");
    return set_time(c, ch, "first_response_due", response, e) || set_time(c, ch, "resolution_due", resolution, e);
}

/* A deadline is breached when the moment it waited for came after it, or,
 * not come yet, when it has passed. ISO texts compare as times. */
static int breached(const char *due, const char *done, const char *now)
{
    if (!due) return 0;
    return strcmp(done ? done : now, due) > 0;
}

static int set_flags(hook_change *ch, const char *now, err *e)
{
    int response = breached(hook_text(ch, "first_response_due"), hook_text(ch, "first_responded_at"), now);
    int resolution = breached(hook_text(ch, "resolution_due"), hook_text(ch, "resolved_at"), now);
    return hook_set_int(ch, "response_breached", response, e) || hook_set_int(ch, "resolution_breached", resolution, e);
}

/* ---- assignment ---- */

/* The queue a new ticket goes to: the one it names (if active), else the
 * oldest active queue taking its category, else the oldest active queue
 * taking any category (no 受理类别). 0 when none. */
static int64_t queue_for(entity_ctx *c, int64_t named, const char *category, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.id FROM service_queues t WHERE t.deleted_at IS NULL AND t.active = 1 AND ");
    if (named) query_sql(&q, "t.id = "), query_bind_int(&q, named);
    else query_sql(&q, "(t.category IS NULL OR t.category = "), query_bind_text(&q, category ? category : ""),
         query_sql(&q, ")");
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    query_sql(&q, " ORDER BY CASE WHEN t.category IS NULL THEN 1 ELSE 0 END, t.id LIMIT 1");
    db_stmt *s = run(c, &q, e);
    if (!s) return query_free(&q), -1;
    int step = db_step(s);
    int64_t id = step == DB_ROW ? db_column_int64(s, 0) : 0;
    db_finalize(s);
    query_free(&q);
    return step < 0 ? db_failed(e) : id;
}

/* The next agent of the queue, round robin over its active members in
 * their order. The queue's 已分派工单数 is the turn: one UPDATE moves it,
 * so concurrent tickets (it locks the row on PostgreSQL) take turns. 0
 * when the queue has no active member. */
static int64_t next_agent(entity_ctx *c, int64_t queue, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT m.user_id FROM service_queue_members m JOIN users u ON u.id = m.user_id"
                  " WHERE m.deleted_at IS NULL AND u.deleted_at IS NULL AND u.status = 'active' AND m.queue_id = ");
    query_bind_int(&q, queue);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "m", &q);
    query_sql(&q, " ORDER BY m.position, m.id LIMIT 1000");
    db_stmt *s = run(c, &q, e);
    if (!s) return query_free(&q), -1;
    int64_t agents[1000];
    int n = 0, step;
    while ((step = db_step(s)) == DB_ROW && n < 1000) agents[n++] = db_column_int64(s, 0);
    db_finalize(s);
    query_free(&q);
    if (step < 0) return db_failed(e);
    if (!n) return 0;
    query_init(&q, c->a);
    query_sql(&q, "UPDATE service_queues SET assigned_count = COALESCE(assigned_count, 0) + 1 WHERE id = ");
    query_bind_int(&q, queue);
    s = run(c, &q, e);
    if (!s) return query_free(&q), -1;
    step = db_step(s);
    db_finalize(s);
    query_free(&q);
    if (step < 0) return db_failed(e);
    int64_t turn = 0;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)queue);
    const char *params[] = {id};
    if (db_query_int64(c->db, "SELECT assigned_count FROM service_queues WHERE id = ?", &turn, e, 1, params) < 0) return -1;
    return agents[(turn - 1 + n) % n];
}

/* A ticket created without an owner goes to its queue's next agent. */
static int assign(entity_ctx *c, hook_change *ch, err *e)
{
    if (json_object_get(hook_body(ch), "owner_id")) return 0; /* named by the writer */
    int64_t queue = queue_for(c, hook_int(ch, "queue_id", 0), hook_text(ch, "category"), e);
    if (queue <= 0) return (int)queue;
    int64_t agent = next_agent(c, queue, e);
    if (agent < 0) return -1;
    if (!hook_value(ch, "queue_id") || hook_value(ch, "queue_id")->kind == SV_NULL)
        if (hook_set_int(ch, "queue_id", queue, e)) return -1;
    return agent ? hook_set_int(ch, "owner_id", agent, e) : 0;
}

/* ---- the ticket's life ---- */

static int is(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

/* Stamps what a move of the state means: the first response when it
 * leaves 新建, 解决时间, 关闭时间; reopening counts and clears them. */
static int stamp_state(entity_ctx *c, hook_change *ch, const char *now, err *e)
{
    const sql_value *o = hook_old(ch, "status");
    const char *from = o && o->kind == SV_TEXT ? o->s : NULL, *to = hook_text(ch, "status");
    const sql_value *responded = hook_value(ch, "first_responded_at");
    int rc = 0;
    if (is(from, "new") && !is(to, "new") && (!responded || responded->kind == SV_NULL))
        rc = hook_set_text(ch, "first_responded_at", now, e);
    if (!rc && is(to, "resolved")) rc = hook_set_text(ch, "resolved_at", now, e);
    if (!rc && is(to, "closed")) rc = hook_set_text(ch, "closed_at", now, e);
    if (!rc && is(to, "in_progress") && (is(from, "resolved") || is(from, "closed"))) {
        sql_value null = {.kind = SV_NULL};
        rc = hook_set_int(ch, "reopen_count", hook_int(ch, "reopen_count", 0) + 1, e) ||
             hook_set(ch, "resolved_at", null, e) || hook_set(ch, "closed_at", null, e) ||
             hook_set(ch, "satisfaction", null, e) || hook_set(ch, "satisfaction_note", null, e);
    }
    return rc;
}

/* 受理时间: when the customer asked, now unless the writer says (a call
 * logged afterwards, an import); the service clock starts there. */
static int received_at(entity_ctx *c, hook_change *ch, const char *now, time_t *start, err *e)
{
    const char *at = hook_text(ch, "received_at");
    if (!at) {
        *start = time(NULL);
        return hook_set_text(ch, "received_at", now, e);
    }
    if (iso_parse(at, start) || *start > time(NULL) + 300) {
        err_add_field(e, "received_at", "future");
        return err_set(e, 422, "validation_failed", "受理时间不能晚于现在", "Received at cannot be in the future");
    }
    (void)c;
    return 0;
}

static int ticket_before_write(entity_ctx *c, hook_change *ch, err *e)
{
    char now[ISO_TIME_LEN];
    iso_now(now);
    const char *stamp = arena_strdup(c->a, now);
    int create = hook_event(ch) == ON_CREATE;
    if (create && assign(c, ch, e)) return -1;
    if (!create && hook_changed(ch, "status") && stamp_state(c, ch, stamp, e)) return -1;
    if (create || hook_changed(ch, "priority") || hook_changed(ch, "category") || hook_changed(ch, "received_at")) {
        time_t start;
        if (received_at(c, ch, stamp, &start, e) || set_deadlines(c, ch, start, e)) return -1;
    }
    return set_flags(ch, stamp, e);
}

/* 服务回访: closing a ticket whose SLA rule says so plans a call N days
 * later for the ticket's owner, with the customer and contact: it shows in
 * the bell and the calendar like any planned activity. */
static int plan_care(entity_ctx *c, hook_change *ch, err *e)
{
    if (!hook_changed(ch, "status") || !is(hook_text(ch, "status"), "closed")) return 0;
    sla r;
    if (find_rule(c, hook_text(ch, "priority"), hook_text(ch, "category"), &r, e)) return -1;
    if (!r.found || r.follow_up_days <= 0) return 0;
    const entity_def *act = meta_entity(c->m, "activities");
    if (!act) return 0;
    auth_user admin = *c->user; /* the agent plans it whatever their profile says of activities */
    admin.is_admin = 1;
    entity_ctx sc = *c;
    sc.user = &admin;
    sc.trusted = 1;
    char start[ISO_TIME_LEN], end[ISO_TIME_LEN];
    time_t at = time(NULL) + (time_t)r.follow_up_days * 86400;
    iso_time(at, start);
    iso_time(at + 30 * 60, end);
    const char *code = hook_text(ch, "code"), *subject = hook_text(ch, "subject");
    json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:s}", "subject", arena_printf(c->a, "服务回访：%s %s", code ? code : "",
                                                                              subject ? subject : ""),
                             "kind", "call", "status", "planned", "start_at", start, "end_at", end);
    int64_t account = hook_int(ch, "account_id", 0), contact = hook_int(ch, "contact_id", 0),
            owner = hook_int(ch, "owner_id", 0);
    if (account) json_object_set_new(body, "account_id", json_integer(account));
    if (contact) json_object_set_new(body, "contact_id", json_integer(contact));
    if (owner) json_object_set_new(body, "owner_id", json_integer(owner));
    int64_t id = 0;
    int rc = entity_create(&sc, act, body, &id, e);
    json_decref(body);
    return rc;
}

/* ---- settings ---- */

static int rule_sane(entity_ctx *c, hook_change *ch, err *e)
{
    (void)c;
    static const char *const HOURS[] = {"first_response_hours", "resolution_hours"};
    for (int i = 0; i < 2; i++)
        if (hook_int(ch, HOURS[i], 0) < 1 || hook_int(ch, HOURS[i], 0) > 100000) err_add_field(e, HOURS[i], "out_of_range");
    if (hook_int(ch, "follow_up_days", 0) < 0 || hook_int(ch, "follow_up_days", 0) > 3650)
        err_add_field(e, "follow_up_days", "out_of_range");
    if (!e->nfields) return 0;
    return err_set(e, 422, "validation_failed", "时限须为 1 到 100000 个工作小时，回访天数为 0 到 3650 天",
                   "Deadlines are 1 to 100000 working hours, the follow-up 0 to 3650 days");
}

static int calendar_sane(entity_ctx *c, hook_change *ch, err *e)
{
    (void)c;
    int start = 0, end = 0;
    if (workcal_parse_hhmm(hook_text(ch, "work_start"), &start)) err_add_field(e, "work_start", "invalid");
    if (workcal_parse_hhmm(hook_text(ch, "work_end"), &end)) err_add_field(e, "work_end", "invalid");
    if (!e->nfields && start >= end) err_add_field(e, "work_end", "invalid");
    if (!e->nfields) return 0;
    return err_set(e, 422, "validation_failed", "上下班时间须为 HH:MM，且下班晚于上班",
                   "Working hours are HH:MM, the end after the start");
}

/* ---- breaches and escalation ---- */

/* Someone holding the parent role of the user's role, the oldest active. */
static int64_t superior_of(entity_ctx *c, int64_t user, err *e)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)user);
    const char *params[] = {id};
    int64_t boss = 0;
    if (db_query_int64(c->db,
                       "SELECT s.id FROM users u JOIN roles r ON r.id = u.role_id JOIN users s ON s.role_id = r.parent_id"
                       " WHERE u.id = ? AND s.company_id = u.company_id AND s.deleted_at IS NULL AND s.status = 'active'"
                       " ORDER BY s.id LIMIT 1",
                       &boss, e, 1, params) < 0)
        return -1;
    return boss;
}

static int exec_q(entity_ctx *c, query *q, err *e)
{
    db_stmt *s = run(c, q, e);
    if (!s) return query_free(q), -1;
    int step = db_step(s);
    db_finalize(s);
    query_free(q);
    return step < 0 ? db_failed(e) : 0;
}

/* The flags are the server's stamps, set in place (no new version, no
 * history line): they say what the clock says, not what someone did. */
static int flag_breaches(entity_ctx *c, const char *now, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "UPDATE tickets SET response_breached = 1 WHERE deleted_at IS NULL AND response_breached = 0"
                  " AND first_responded_at IS NULL AND status IN " OPEN_STATES " AND first_response_due < ");
    query_bind_text(&q, now);
    query_sql(&q, " AND company_id = ");
    query_bind_int(&q, c->user->company_id);
    if (exec_q(c, &q, e)) return -1;
    query_init(&q, c->a);
    query_sql(&q, "UPDATE tickets SET resolution_breached = 1 WHERE deleted_at IS NULL AND resolution_breached = 0"
                  " AND status IN " OPEN_STATES " AND resolution_due < ");
    query_bind_text(&q, now);
    query_sql(&q, " AND company_id = ");
    query_bind_int(&q, c->user->company_id);
    return exec_q(c, &q, e);
}

int service_sweep(entity_ctx *c, err *e)
{
    if (!meta_entity(c->m, "tickets") || !c->user->company_id) return 0;
    char now[ISO_TIME_LEN];
    iso_now(now);
    if (db_begin(c->db, e)) return -1;
    int rc = flag_breaches(c, now, e);
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT id, owner_id FROM tickets WHERE deleted_at IS NULL AND escalated_at IS NULL"
                  " AND (response_breached = 1 OR resolution_breached = 1) AND status IN " OPEN_STATES
                  " AND owner_id IS NOT NULL AND company_id = ");
    query_bind_int(&q, c->user->company_id);
    query_sqlf(&q, " ORDER BY id LIMIT %d", SWEEP_MAX);
    db_stmt *s = rc ? NULL : run(c, &q, e);
    int64_t ids[SWEEP_MAX], owners[SWEEP_MAX];
    int n = 0, step = 0;
    if (s) {
        while ((step = db_step(s)) == DB_ROW && n < SWEEP_MAX)
            ids[n] = db_column_int64(s, 0), owners[n++] = db_column_int64(s, 1);
        db_finalize(s);
        if (step < 0) rc = db_failed(e);
    } else {
        rc = -1;
    }
    query_free(&q);
    for (int i = 0; i < n && !rc; i++) {
        int64_t boss = superior_of(c, owners[i], e);
        if (boss < 0) rc = -1;
        query_init(&q, c->a);
        /* no superior: stamped all the same, so it is not looked up again */
        query_sql(&q, "UPDATE tickets SET escalated_at = ");
        query_bind_text(&q, now);
        query_sql(&q, ", escalated_to = ");
        if (boss > 0) query_bind_int(&q, boss);
        else query_bind_null(&q);
        query_sql(&q, " WHERE escalated_at IS NULL AND id = ");
        query_bind_int(&q, ids[i]);
        if (!rc) rc = exec_q(c, &q, e);
        else query_free(&q);
    }
    if (rc == 0) rc = db_commit(c->db, e);
    if (rc) db_rollback(c->db);
    return rc;
}

/* The companies with a ticket the sweep has work on, at most 1000 a
 * round (the rest the next). */
static int companies_to_sweep(db_conn *db, const char *now, int64_t *ids, int max, err *e)
{
    db_stmt *s = db_prepare(db,
                            "SELECT DISTINCT company_id FROM tickets WHERE deleted_at IS NULL AND status IN " OPEN_STATES
                            " AND ((response_breached = 0 AND first_responded_at IS NULL AND first_response_due < ?)"
                            " OR (resolution_breached = 0 AND resolution_due < ?)"
                            " OR (escalated_at IS NULL AND owner_id IS NOT NULL AND (response_breached = 1 OR resolution_breached = 1)))"
                            " ORDER BY company_id",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, now);
    db_bind_text(s, 2, now);
    int n = 0, step;
    while ((step = db_step(s)) == DB_ROW && n < max) ids[n++] = db_column_int64(s, 0);
    db_finalize(s);
    return step < 0 ? db_failed(e) : n;
}

int service_sweep_all(db_conn *db)
{
    enum { MAX = 1000 };
    static int64_t companies[MAX]; /* the worker thread's only */
    err e;
    err_clear(&e);
    char now[ISO_TIME_LEN];
    iso_now(now);
    int n = companies_to_sweep(db, now, companies, MAX, &e);
    for (int i = 0; i < n; i++) {
        /* the server, in the company: service_sweep reads and writes only its rows */
        auth_user server = {.company_id = companies[i], .is_admin = 1};
        arena *a = arena_new();
        entity_ctx c = {.db = db, .a = a, .m = meta_for_company(db, companies[i]), .user = &server, .lang = "zh", .trusted = 1};
        int rc = service_sweep(&c, &e);
        arena_free(a);
        if (rc && e.status >= 500) return -1;
        err_clear(&e);
    }
    return n < 0 ? -1 : 0;
}

/* ---- the queue ---- */

int service_queue_list(entity_ctx *c, int64_t queue_id, list_params *p, strbuf *out, err *e)
{
    const entity_def *tickets = meta_entity(c->m, "tickets");
    if (!acl_can(c->user, tickets, ACL_VIEW))
        return err_set(e, 403, "forbidden", "没有查看服务工单的权限", "No permission to view tickets");
    /* few: the open tickets are a small part of all (filter.c) */
    const char *open = "{\"field\":\"status\",\"op\":\"in\",\"value\":[\"new\",\"in_progress\",\"waiting_customer\"],\"few\":true}";
    p->filter = queue_id ? arena_printf(c->a, "{\"and\":[%s,{\"field\":\"queue_id\",\"op\":\"eq\",\"value\":%lld}]}", open,
                                        (long long)queue_id)
                         : open;
    p->sort = "resolution_due,id";
    return entity_list(c, tickets, p, out, e);
}

/* ---- the bell ---- */

static void item(strbuf *out, int *n, const char *kind, const char *entity, int64_t id, const char *title,
                 const char *due, int overdue, db_stmt *s, int col)
{
    /* col: account id, account name, owner id, owner name */
    if ((*n)++) sb_putc(out, ',');
    sb_append(out, "{\"kind\":");
    sb_json_string(out, kind);
    sb_printf(out, ",\"entity\":\"%s\",\"id\":%lld,\"title\":", entity, (long long)id);
    sb_json_string(out, title);
    sb_append(out, ",\"due_at\":");
    sb_json_string(out, due);
    sb_printf(out, ",\"overdue\":%s,\"account_id\":", overdue ? "true" : "false");
    if (db_column_is_null(s, col)) sb_append(out, "null");
    else sb_int64(out, db_column_int64(s, col));
    sb_append(out, ",\"account_name\":");
    sb_json_string(out, db_column_is_null(s, col + 1) ? NULL : db_column_text(s, col + 1));
    sb_append(out, ",\"owner_id\":");
    if (db_column_is_null(s, col + 2)) sb_append(out, "null");
    else sb_int64(out, db_column_int64(s, col + 2));
    sb_append(out, ",\"owner_name\":");
    sb_json_string(out, db_column_is_null(s, col + 3) ? NULL : db_column_text(s, col + 3));
    sb_putc(out, '}');
}

/* Open tickets whose next deadline (the first response while none was
 * given, else the resolution) falls before `until`: the caller's and
 * their team's (as the activities of the bell), and those escalated to
 * the caller. */
static int ticket_items(entity_ctx *c, const char *until, strbuf *out, int *n, err *e)
{
    const entity_def *tickets = meta_entity(c->m, "tickets");
    if (!tickets || !acl_can(c->user, tickets, ACL_VIEW)) return 0;
    char now[ISO_TIME_LEN];
    iso_now(now);
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.id, t.code, t.subject, CASE WHEN t.first_responded_at IS NULL AND t.first_response_due IS NOT NULL"
                  " AND (t.resolution_due IS NULL OR t.first_response_due < t.resolution_due) THEN t.first_response_due"
                  " ELSE t.resolution_due END AS due, t.account_id, a.name, t.owner_id, u.name, t.escalated_to"
                  " FROM tickets t LEFT JOIN accounts a ON a.id = t.account_id LEFT JOIN users u ON u.id = t.owner_id"
                  " WHERE t.deleted_at IS NULL AND t.status IN " OPEN_STATES
                  " AND (t.resolution_due IS NOT NULL OR t.first_response_due IS NOT NULL) AND (t.escalated_to = ");
    query_bind_int(&q, c->user->id);
    query_sql(&q, " OR ");
    acl_own_predicate(c->user, tickets, "t", &q);
    query_sql(&q, ") AND ");
    acl_company_predicate(c->user, "t", &q);
    query_sql(&q, " ORDER BY 4, t.id LIMIT 200");
    db_stmt *s = run(c, &q, e);
    if (!s) return query_free(&q), -1;
    int step;
    while ((step = db_step(s)) == DB_ROW) {
        if (db_column_is_null(s, 3) || strcmp(db_column_text(s, 3), until) > 0) continue;
        const char *due = db_column_text(s, 3);
        int over = strcmp(due, now) < 0;
        const char *title = arena_printf(c->a, "%s %s", db_column_is_null(s, 1) ? "" : db_column_text(s, 1),
                                         db_column_text(s, 2));
        item(out, n, over ? "sla_breach" : "sla_due", "tickets", db_column_int64(s, 0), title, due, over, s, 4);
    }
    db_finalize(s);
    query_free(&q);
    return step < 0 ? db_failed(e) : 0;
}

/* "MM-DD" of each day from today to `until` (Beijing dates), at most 31. */
static int days_ahead(const char *until, char md[][6], char dates[][11])
{
    time_t end;
    if (iso_parse(until, &end)) return 0;
    int k = 0;
    for (time_t t = time(NULL); t <= end + 86400 && k < 31; t += 86400, k++) {
        char iso[ISO_TIME_LEN];
        iso_time(t + CHINA_OFFSET_SECONDS, iso);
        memcpy(md[k], iso + 5, 5), md[k][5] = 0;
        memcpy(dates[k], iso, 10), dates[k][10] = 0;
    }
    return k;
}

/* A care item is due at the start of its day, Beijing time. */
static const char *day_start(entity_ctx *c, const char *date)
{
    const char *due = arena_printf(c->a, "%sT00:00:00Z", date);
    time_t t;
    if (iso_parse(due, &t)) return due;
    char iso[ISO_TIME_LEN];
    iso_time(t - CHINA_OFFSET_SECONDS, iso);
    return arena_strdup(c->a, iso);
}

/* 客户关怀: the caller's contacts whose birthday comes within the days. */
static int birthday_items(entity_ctx *c, const char *until, strbuf *out, int *n, err *e)
{
    const entity_def *contacts = meta_entity(c->m, "contacts");
    if (!contacts || !meta_field(contacts, "birthday") || !acl_can(c->user, contacts, ACL_VIEW)) return 0;
    char md[31][6], dates[31][11];
    int k = days_ahead(until, md, dates);
    if (!k) return 0;
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.id, t.name, t.birthday, t.account_id, a.name, t.owner_id, u.name FROM contacts t"
                  " LEFT JOIN accounts a ON a.id = t.account_id LEFT JOIN users u ON u.id = t.owner_id"
                  " WHERE t.deleted_at IS NULL AND t.birthday IS NOT NULL AND SUBSTR(t.birthday, 6, 5) IN (");
    for (int i = 0; i < k; i++) {
        if (i) query_sql(&q, ", ");
        query_bind_text(&q, md[i]);
    }
    query_sql(&q, ") AND ");
    acl_own_predicate(c->user, contacts, "t", &q);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    query_sql(&q, " ORDER BY t.id LIMIT 100");
    db_stmt *s = run(c, &q, e);
    if (!s) return query_free(&q), -1;
    int step;
    while ((step = db_step(s)) == DB_ROW) {
        const char *born = db_column_text(s, 2);
        int i = 0;
        while (i < k && strncmp(born + 5, md[i], 5) != 0) i++;
        if (i == k) continue;
        const char *due = day_start(c, dates[i]);
        const char *title = arena_printf(c->a, "%s 生日（%s）", db_column_text(s, 1), md[i]);
        item(out, n, "birthday", "contacts", db_column_int64(s, 0), title, due, 0, s, 3);
    }
    db_finalize(s);
    query_free(&q);
    return step < 0 ? db_failed(e) : 0;
}

/* 客户关怀: the caller's customers whose first signed order (签订日期 of
 * the oldest sales order past approval; there is no contracts entity)
 * has its anniversary within the days, from the first year on. */
static int anniversary_items(entity_ctx *c, const char *until, strbuf *out, int *n, err *e)
{
    const entity_def *accounts = meta_entity(c->m, "accounts"), *orders = meta_entity(c->m, "sales_orders");
    if (!accounts || !orders || !acl_can(c->user, accounts, ACL_VIEW)) return 0;
    char md[31][6], dates[31][11];
    int k = days_ahead(until, md, dates);
    if (!k) return 0;
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.id, t.name, f.first_date, t.id, t.name, t.owner_id, u.name FROM accounts t"
                  " JOIN (SELECT o.account_id, MIN(o.order_date) AS first_date FROM sales_orders o"
                  " WHERE o.deleted_at IS NULL AND o.order_date IS NOT NULL"
                  " AND o.status IN ('approved', 'executing', 'shipped', 'completed') AND ");
    acl_company_predicate(c->user, "o", &q);
    query_sql(&q, " GROUP BY o.account_id) f ON f.account_id = t.id LEFT JOIN users u ON u.id = t.owner_id"
                  " WHERE t.deleted_at IS NULL AND SUBSTR(f.first_date, 6, 5) IN (");
    for (int i = 0; i < k; i++) {
        if (i) query_sql(&q, ", ");
        query_bind_text(&q, md[i]);
    }
    query_sql(&q, ") AND ");
    acl_own_predicate(c->user, accounts, "t", &q);
    query_sql(&q, " ORDER BY t.id LIMIT 100");
    db_stmt *s = run(c, &q, e);
    if (!s) return query_free(&q), -1;
    int step;
    while ((step = db_step(s)) == DB_ROW) {
        const char *first = db_column_text(s, 2);
        int i = 0;
        while (i < k && strncmp(first + 5, md[i], 5) != 0) i++;
        int years = i < k ? atoi(dates[i]) - atoi(first) : 0;
        if (years < 1) continue; /* the first year's day is the signing itself */
        const char *due = day_start(c, dates[i]);
        const char *title = arena_printf(c->a, "%s 合作 %d 周年（首单签订于 %.10s）", db_column_text(s, 1), years, first);
        item(out, n, "anniversary", "accounts", db_column_int64(s, 0), title, due, 0, s, 3);
    }
    db_finalize(s);
    query_free(&q);
    return step < 0 ? db_failed(e) : 0;
}

int service_reminders(entity_ctx *c, const char *until, strbuf *out, int *n, err *e)
{
    return ticket_items(c, until, out, n, e) || birthday_items(c, until, out, n, e) || anniversary_items(c, until, out, n, e);
}

void service_init(void)
{
    entity_before("tickets", ON_WRITE, ticket_before_write);
    entity_after("tickets", ON_UPDATE, plan_care);
    entity_before("sla_rules", ON_WRITE, rule_sane);
    entity_before("work_calendars", ON_WRITE, calendar_sane);
}
