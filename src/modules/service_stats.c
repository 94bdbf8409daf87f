/* service_stats.c - 服务统计 (docs/service.md "Statistics"): the tickets
 * the user's list shows, received in a period, grouped by category,
 * channel, priority, kind, agent (the owner) or month, with how many were
 * resolved, the first-response and resolution SLA met (a clock counts once
 * it has ended: answered or breached, resolved or breached), and the
 * average satisfaction of the rated ones (none rated: no average, null
 * rather than 0). Exact: rates and averages are
 * worked out from integer counts, rounded half up to two decimals. */
#include "service_stats.h"

#include <string.h>

#include "../acl/acl.h"

#define ROWS_MAX 5000

static const rt_column COLUMNS[] = {
    {"label", "分组", "Group", RT_TEXT},
    {"tickets", "工单数", "Tickets", RT_INTEGER},
    {"complaints", "投诉数", "Complaints", RT_INTEGER},
    {"resolved", "已解决", "Resolved", RT_INTEGER},
    {"response_met", "按时首次响应", "Responded in time", RT_INTEGER},
    {"response_rate", "首次响应达标率%", "First response SLA met %", RT_DECIMAL2},
    {"resolution_met", "按时解决", "Resolved in time", RT_INTEGER},
    {"resolution_rate", "解决时限达标率%", "Resolution SLA met %", RT_DECIMAL2},
    {"rated", "评价数", "Rated", RT_INTEGER},
    {"satisfaction", "平均满意度", "Average satisfaction", RT_DECIMAL2},
};
#define NCOLS (int)(sizeof COLUMNS / sizeof *COLUMNS)
enum { C_LABEL, C_TICKETS, C_COMPLAINTS, C_RESOLVED, C_RESP_MET, C_RESP_RATE, C_RES_MET, C_RES_RATE, C_RATED, C_SAT };

/* How the tickets group: the key and label SQL and a picklist to name
 * the values (NULL: the label is the SQL's). */
typedef struct grouping {
    const char *by, *key, *label, *picklist;
} grouping;

static const grouping GROUPS[] = {
    {"category", "t.category", "t.category", "category"},
    {"channel", "t.channel", "t.channel", "channel"},
    {"priority", "t.priority", "t.priority", "priority"},
    {"kind", "t.kind", "t.kind", "kind"},
    {"owner", "t.owner_id", "u.name", NULL},
    {"month", "SUBSTR(t.received_at, 1, 7)", "SUBSTR(t.received_at, 1, 7)", NULL},
};

static const grouping *grouping_of(const char *by)
{
    for (size_t i = 0; by && i < sizeof GROUPS / sizeof *GROUPS; i++)
        if (strcmp(GROUPS[i].by, by) == 0) return &GROUPS[i];
    return NULL;
}

/* part / whole as a percentage times 100, rounded half up; 0 of nothing. */
static int64_t rate(int64_t part, int64_t whole, int64_t scale)
{
    return whole > 0 ? (part * scale * 100 * 2 + whole) / (2 * whole) : 0;
}

/* A row's label: the picklist option's, the name, or 未填写. */
static const char *label_of(entity_ctx *c, const entity_def *tickets, const grouping *g, db_stmt *s)
{
    const char *v = db_column_is_null(s, 1) ? NULL : db_column_text(s, 1);
    int en = strcmp(c->lang, "en") == 0;
    if (!v || !*v) return en ? "(not given)" : "（未填写）";
    const field_def *f = g->picklist ? meta_field(tickets, g->picklist) : NULL;
    const picklist_option *o = f ? meta_option(f, v) : NULL;
    if (o) return en ? o->label_en : o->label_zh;
    return arena_strdup(c->a, v);
}

/* The measured counts behind a row's rates, kept beside the table. */
typedef struct measured {
    int64_t responses, resolutions, rating_sum;
} measured;

static void fill_rates(rt_cell *row, const measured *m)
{
    row[C_RESP_RATE].n = rate(row[C_RESP_MET].n, m->responses, 100);
    row[C_RES_RATE].n = rate(row[C_RES_MET].n, m->resolutions, 100);
    row[C_SAT].n = row[C_RATED].n ? (m->rating_sum * 100 * 2 + row[C_RATED].n) / (2 * row[C_RATED].n) : 0;
    /* a group nobody rated has no average (null, an empty cell), not 0:
     * 0 would read as the worst score and pull a glance at the column down */
    row[C_SAT].empty = row[C_RATED].n == 0;
}

static void period(query *q, const char *from, const char *to)
{
    if (from) {
        query_sql(q, " AND SUBSTR(t.received_at, 1, 10) >= ");
        query_bind_text(q, from);
    }
    if (to) {
        query_sql(q, " AND SUBSTR(t.received_at, 1, 10) <= ");
        query_bind_text(q, to);
    }
}

int report_service(entity_ctx *c, const char *by, const char *from, const char *to, report_table *t, err *e)
{
    const entity_def *tickets = meta_entity(c->m, "tickets");
    if (!tickets || !acl_can(c->user, tickets, ACL_VIEW))
        return err_set(e, 403, "forbidden", "没有查看服务工单的权限", "No permission to view tickets");
    const grouping *g = grouping_of(by);
    if (!g)
        return err_set(e, 400, "bad_param", "参数 by 只能是 category, channel, priority, kind, owner, month",
                       "Parameter by must be one of category, channel, priority, kind, owner, month");
    report_table_init(t, c->a, COLUMNS, NCOLS);
    query q;
    query_init(&q, c->a);
    query_sqlf(&q,
               "SELECT %s, %s, COUNT(*),"
               " SUM(CASE WHEN t.kind = 'complaint' THEN 1 ELSE 0 END),"
               " SUM(CASE WHEN t.resolved_at IS NOT NULL THEN 1 ELSE 0 END),"
               " SUM(CASE WHEN t.first_response_due IS NOT NULL AND t.first_responded_at IS NOT NULL"
               "      AND COALESCE(t.response_breached, 0) = 0 THEN 1 ELSE 0 END),"
               " SUM(CASE WHEN t.first_response_due IS NOT NULL AND (t.first_responded_at IS NOT NULL"
               "      OR COALESCE(t.response_breached, 0) = 1) THEN 1 ELSE 0 END),"
               " SUM(CASE WHEN t.resolution_due IS NOT NULL AND t.resolved_at IS NOT NULL"
               "      AND COALESCE(t.resolution_breached, 0) = 0 THEN 1 ELSE 0 END),"
               " SUM(CASE WHEN t.resolution_due IS NOT NULL AND (t.resolved_at IS NOT NULL"
               "      OR COALESCE(t.resolution_breached, 0) = 1) THEN 1 ELSE 0 END),"
               " SUM(CASE WHEN t.satisfaction IS NOT NULL AND t.satisfaction <> '' THEN 1 ELSE 0 END),"
               " SUM(CASE WHEN t.satisfaction IN ('1', '2', '3', '4', '5') THEN CAST(t.satisfaction AS INTEGER) ELSE 0 END)"
               " FROM tickets t LEFT JOIN users u ON u.id = t.owner_id WHERE t.deleted_at IS NULL AND ",
               g->key, g->label);
    acl_list_predicate(c->user, tickets, "t", &q);
    period(&q, from, to);
    query_sqlf(&q, " GROUP BY %s, %s ORDER BY %s LIMIT %d", g->key, g->label, strcmp(g->by, "month") == 0 ? "2" : "3 DESC, 2",
               ROWS_MAX);
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    if (!s) return query_free(&q), -1;
    query_bind_all(&q, s);
    query_free(&q);
    measured all = {0};
    int step;
    while ((step = db_step(s)) == DB_ROW) {
        int numeric_key = strcmp(g->by, "owner") == 0;
        rt_cell *row = report_table_add(t, numeric_key && !db_column_is_null(s, 0) ? db_column_int64(s, 0) : 0);
        row[C_LABEL].s = label_of(c, tickets, g, s);
        row[C_TICKETS].n = db_column_int64(s, 2);
        row[C_COMPLAINTS].n = db_column_int64(s, 3);
        row[C_RESOLVED].n = db_column_int64(s, 4);
        row[C_RESP_MET].n = db_column_int64(s, 5);
        row[C_RES_MET].n = db_column_int64(s, 7);
        row[C_RATED].n = db_column_int64(s, 9);
        measured m = {db_column_int64(s, 6), db_column_int64(s, 8), db_column_int64(s, 10)};
        fill_rates(row, &m);
        all.responses += m.responses, all.resolutions += m.resolutions, all.rating_sum += m.rating_sum;
    }
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "读取服务统计失败", "Cannot read the service statistics");
    report_table_sum(t, c->lang);
    if (t->total) fill_rates(t->total, &all); /* rates of the whole, not sums of rates */
    return 0;
}
