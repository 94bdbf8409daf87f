/* team_report.c - 业绩简报 per salesperson, see sales_team_report in sales.h.
 * What is won, open or done comes from the state machines in metadata
 * (states.closed of the opportunity's stage and the activity's status),
 * never from stage names written here. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../acl/acl.h"
#include "../entity/entity_state.h"
#include "../entity/value.h"
#include "../util/clock.h"
#include "sales.h"

typedef struct person {
    int64_t id;
    const char *name;
    int64_t won, open, done;
    wide_sum won_amount, open_amount, weighted;
} person;

typedef struct team {
    person *p;
    int n, cap;
    arena *a;
} team;

static person *person_of(team *t, int64_t id, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (t->p[i].id == id) return &t->p[i];
    if (t->n == t->cap) {
        int cap = t->cap ? t->cap * 2 : 16;
        person *grown = arena_alloc(t->a, sizeof(person) * (size_t)cap);
        if (t->n) memcpy(grown, t->p, sizeof(person) * (size_t)t->n);
        t->p = grown, t->cap = cap;
    }
    person *p = &t->p[t->n++];
    memset(p, 0, sizeof *p);
    p->id = id;
    p->name = arena_strdup(t->a, name ? name : "");
    return p;
}

/* " IN (?, ?...)" of the field's states whose outcome is (or, with
 * negate, is not) `outcome`; "(NULL)" matches nothing when there is none. */
static void states_in(query *q, const field_def *f, const char *outcome, int negate)
{
    int n = 0;
    query_sql(q, " IN (");
    for (int i = 0; i < f->noptions; i++) {
        const state_def *st = f->states ? state_find(f->states, f->options[i].value) : NULL;
        int match = st && st->outcome && strcmp(st->outcome, outcome) == 0;
        if (negate ? st && st->outcome : !match) continue; /* negate: the open states */
        if (n++) query_sql(q, ", ");
        query_bind_text(q, f->options[i].value);
    }
    if (!n) query_sql(q, "NULL");
    query_sql(q, ")");
}

/* Runs a query of (owner_id, owner name, count, split sum, split sum) rows
 * and hands each to `add`. */
static int per_owner(entity_ctx *c, query *q, team *t, void (*add)(person *, db_stmt *), err *e)
{
    query_sql(q, " GROUP BY t.owner_id, u.name");
    db_stmt *s = db_prepare(c->db, sb_str(&q->sql), e);
    if (!s) return query_free(q), -1;
    query_bind_all(q, s);
    int step;
    while ((step = db_step(s)) == DB_ROW)
        add(person_of(t, db_column_int64(s, 0), db_column_is_null(s, 1) ? NULL : db_column_text(s, 1)), s);
    db_finalize(s);
    query_free(q);
    return step < 0 ? err_set(e, 500, "db_error", "统计团队业绩失败", "Team figures failed") : 0;
}

static void add_won(person *p, db_stmt *s) { p->won += db_column_int64(s, 2), p->won_amount += db_split_sum(s, 3); }
static void add_open(person *p, db_stmt *s)
{
    p->open += db_column_int64(s, 2), p->open_amount += db_split_sum(s, 3), p->weighted += db_split_sum(s, 5);
}
static void add_done(person *p, db_stmt *s) { p->done += db_column_int64(s, 2); }

static void head(query *q, const char *table, int amounts, const char *sum)
{
    query_sql(q, "SELECT t.owner_id, u.name, COUNT(*), ");
    if (amounts) {
        sql_split_sum(&q->sql, "t.amount");
        query_sql(q, ", ");
        sql_split_sum(&q->sql, sum ? sum : "0");
    } else {
        query_sql(q, "0, 0, 0, 0");
    }
    query_sqlf(q, " FROM %s t LEFT JOIN users u ON u.id = t.owner_id WHERE t.deleted_at IS NULL AND t.owner_id IS NOT NULL AND ",
               table);
}

/* When a won deal was won: its stage's last move into a won state, or its
 * creation for a deal entered as won. */
static void won_at_sql(query *q, const field_def *stage)
{
    query_sqlf(q, "COALESCE((SELECT MAX(h.changed_at) FROM record_history h WHERE h.entity = 'opportunities'"
                  " AND h.record_id = t.id AND h.field = '%s' AND h.action = 'update' AND h.new_value",
               stage->name);
    states_in(q, stage, "won", 0);
    query_sql(q, "), t.created_at)");
}

static int opportunity_figures(entity_ctx *c, const char *from, const char *to, team *t, int *amounts, err *e)
{
    const entity_def *opp = meta_entity(c->m, "opportunities");
    const field_def *stage = opp ? entity_state_field(opp) : NULL;
    if (!opp || !stage || !acl_can(c->user, opp, ACL_VIEW)) return 0;
    *amounts = acl_field_access(c->user, opp, meta_field(opp, "amount")) != ACL_HIDDEN;
    /* won in the period: when the stage last moved into a won state (a deal
     * entered as won counts from its creation) */
    query q;
    query_init(&q, c->a);
    head(&q, "opportunities", *amounts, NULL);
    acl_visible_predicate(c->user, opp, "t", &q);
    query_sqlf(&q, " AND t.%s", stage->name);
    states_in(&q, stage, "won", 0);
    query_sql(&q, " AND ");
    won_at_sql(&q, stage);
    query_sql(&q, " >= ");
    query_bind_text(&q, from);
    query_sql(&q, " AND ");
    won_at_sql(&q, stage);
    query_sql(&q, " < ");
    query_bind_text(&q, to);
    if (per_owner(c, &q, t, add_won, e)) return -1;
    /* the open pipeline now, whatever its close date */
    query_init(&q, c->a);
    head(&q, "opportunities", *amounts, SALES_WEIGHTED_SQL);
    acl_visible_predicate(c->user, opp, "t", &q);
    query_sqlf(&q, " AND t.%s", stage->name);
    states_in(&q, stage, "", 1);
    return per_owner(c, &q, t, add_open, e);
}

static int activity_figures(entity_ctx *c, const char *from, const char *to, team *t, err *e)
{
    const entity_def *act = meta_entity(c->m, "activities");
    const field_def *status = act ? entity_state_field(act) : NULL;
    if (!act || !status || !acl_can(c->user, act, ACL_VIEW)) return 0;
    query q;
    query_init(&q, c->a);
    head(&q, "activities", 0, NULL);
    acl_visible_predicate(c->user, act, "t", &q);
    query_sqlf(&q, " AND t.%s", status->name);
    states_in(&q, status, "done", 0);
    /* done in the period: by when it took place, else when it was logged */
    query_sql(&q, " AND COALESCE(t.start_at, t.created_at) >= ");
    query_bind_text(&q, from);
    query_sql(&q, " AND COALESCE(t.start_at, t.created_at) < ");
    query_bind_text(&q, to);
    return per_owner(c, &q, t, add_done, e);
}

static void person_json(strbuf *out, const person *p)
{
    sb_printf(out, "{\"owner_id\":%lld,\"owner_name\":", (long long)p->id);
    sb_json_string(out, p->name);
    sb_printf(out, ",\"won_count\":%lld", (long long)p->won);
    sales_json_money(out, "won_amount", p->won_amount);
    sb_printf(out, ",\"open_count\":%lld", (long long)p->open);
    sales_json_money(out, "open_amount", p->open_amount);
    sales_json_money(out, "weighted_amount", p->weighted);
    sb_printf(out, ",\"activities_done\":%lld}", (long long)p->done);
}

/* Midnight China time of a "YYYY-MM-DD" day (validated by the caller), or
 * of the first of this month plus `months`, as UTC seconds. */
static time_t china_midnight(const char *day, int months)
{
    struct tm tm = {0};
    if (day && sscanf(day, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) == 3) {
        tm.tm_year -= 1900, tm.tm_mon -= 1;
    } else {
        time_t local = time(NULL) + CHINA_OFFSET_SECONDS;
        gmtime_r(&local, &tm);
        tm = (struct tm){.tm_year = tm.tm_year, .tm_mon = tm.tm_mon + months, .tm_mday = 1};
    }
    return timegm(&tm) - CHINA_OFFSET_SECONDS; /* timegm carries month 12 into the next year */
}

/* [from, to) in UTC of the China-time days from..to (inclusive), the
 * current month when not given. */
static void period(const char *from_day, const char *to_day, char from[ISO_TIME_LEN], char to[ISO_TIME_LEN])
{
    iso_time(china_midnight(from_day, 0), from);
    iso_time(to_day ? china_midnight(to_day, 0) + 86400 : china_midnight(NULL, 1), to);
}

int sales_team_report(entity_ctx *c, const char *from_day, const char *to_day, strbuf *out, err *e)
{
    char from[ISO_TIME_LEN], to[ISO_TIME_LEN];
    period(from_day, to_day, from, to);
    team t = {.a = c->a};
    int amounts = 1;
    if (opportunity_figures(c, from, to, &t, &amounts, e) || activity_figures(c, from, to, &t, e)) return -1;
    person total = {.name = ""};
    sb_append(out, "{\"from\":");
    sb_json_string(out, from);
    sb_append(out, ",\"to\":");
    sb_json_string(out, to);
    sb_append(out, ",\"items\":[");
    for (int i = 0; i < t.n; i++) {
        const person *p = &t.p[i];
        if (i) sb_putc(out, ',');
        person_json(out, p);
        total.won += p->won, total.open += p->open, total.done += p->done;
        total.won_amount += p->won_amount, total.open_amount += p->open_amount, total.weighted += p->weighted;
    }
    sb_append(out, "],\"total\":");
    person_json(out, &total);
    sb_printf(out, ",\"amount_hidden\":%s}", amounts ? "false" : "true");
    return 0;
}
