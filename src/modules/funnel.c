/* funnel.c - the sales funnel (销售漏斗), see sales_funnel in sales.h.
 *
 * A funnel narrows: its bands count the deals that reached each stage or
 * went beyond it, so no band is wider than the one above. The bands are the
 * open stages of the opportunity's stage machine in their picklist order,
 * then the won state; the lost deals leave the funnel where they dropped
 * out. Nothing here names a stage: order and outcomes come from metadata
 * (the options' order and states.closed). */
#include <string.h>

#include "../acl/acl.h"
#include "../entity/entity_state.h"
#include "../entity/value.h"
#include "sales.h"

/* Where each option stands in the funnel: open stages 0, 1, ... in order,
 * won states all at `nopen` (the last band), other closed states (lost) -1. */
typedef struct funnel_ranks {
    int *rank; /* per option */
    int nopen;
    int won_option; /* the first won option (the last band's label), -1 when none */
} funnel_ranks;

static const char *outcome_of(const field_def *stage, const char *value)
{
    const state_def *st = stage->states ? state_find(stage->states, value) : NULL;
    return st ? st->outcome : NULL;
}

static void rank_stages(const field_def *stage, arena *a, funnel_ranks *r)
{
    r->rank = arena_alloc(a, sizeof(int) * (size_t)(stage->noptions + 1));
    r->nopen = 0, r->won_option = -1;
    for (int i = 0; i < stage->noptions; i++) {
        const char *outcome = outcome_of(stage, stage->options[i].value);
        r->rank[i] = outcome ? -1 : r->nopen++;
    }
    for (int i = 0; i < stage->noptions; i++) {
        const char *outcome = outcome_of(stage, stage->options[i].value);
        if (!outcome || strcmp(outcome, "won") != 0) continue;
        r->rank[i] = r->nopen;
        if (r->won_option < 0) r->won_option = i;
    }
}

/* The option index of a stored value; noptions when it is empty or gone. */
static int option_index(const field_def *stage, const char *v)
{
    int i = 0;
    while (i < stage->noptions && !(v && strcmp(stage->options[i].value, v) == 0)) i++;
    return i;
}

/* (SELECT MAX(CASE h.<col> WHEN 'stage' THEN rank ... END) FROM the record's
 * stage changes): the furthest stage a deal's history names, NULL if none. */
static void history_rank_sql(query *q, const field_def *stage, const funnel_ranks *r, const char *col)
{
    query_sqlf(q, "(SELECT MAX(CASE h.%s", col);
    for (int i = 0; i < stage->noptions; i++) {
        if (r->rank[i] < 0) continue;
        query_sql(q, " WHEN ");
        query_bind_text(q, stage->options[i].value);
        query_sqlf(q, " THEN %d", r->rank[i]);
    }
    query_sql(q, " ELSE NULL END) FROM record_history h WHERE h.entity = 'opportunities' AND h.record_id = t.id"
                 " AND h.field = 'stage' AND h.action = 'update')");
}

void sales_json_money(strbuf *out, const char *key, wide_sum v)
{
    sb_printf(out, ",\"%s\":", key);
    decimal_format_wide(v, 2, out);
}

static const char *option_label(const picklist_option *o, const char *lang)
{
    return strcmp(lang, "en") == 0 ? o->label_en : o->label_zh;
}

static void stage_row(strbuf *out, const picklist_option *o, const char *lang, int64_t count, wide_sum amount,
                      wide_sum weighted)
{
    sb_append(out, "{\"stage\":");
    sb_json_string(out, o->value);
    sb_append(out, ",\"label\":");
    sb_json_string(out, option_label(o, lang));
    sb_printf(out, ",\"probability\":%d,\"count\":%lld", o->probability < 0 ? 0 : o->probability, (long long)count);
    sales_json_money(out, "amount", amount);
    sales_json_money(out, "weighted_amount", weighted);
    sb_putc(out, '}');
}

void sales_json_rate(strbuf *out, const char *key, int64_t part, int64_t whole)
{
    sb_printf(out, ",\"%s\":", key);
    if (whole <= 0) {
        sb_append(out, "null");
        return;
    }
    int64_t tenths = (part * 2000 + whole) / (2 * whole);
    sb_printf(out, "%lld.%lld", (long long)(tenths / 10), (long long)(tenths % 10));
}

typedef struct funnel_sums {
    int64_t *count;     /* per option, the last slot for empty or removed stages */
    wide_sum *amount;   /* per option */
    wide_sum *weighted; /* per option */
    int64_t *reached;   /* per band: deals that reached it or went further */
    wide_sum *reached_amount;
} funnel_sums;

static void sums_alloc(funnel_sums *s, int noptions, int nbands, arena *a)
{
    size_t n = (size_t)noptions + 1, b = (size_t)nbands;
    s->count = arena_alloc(a, sizeof(int64_t) * n);
    s->amount = arena_alloc(a, sizeof(wide_sum) * n);
    s->weighted = arena_alloc(a, sizeof(wide_sum) * n);
    s->reached = arena_alloc(a, sizeof(int64_t) * b);
    s->reached_amount = arena_alloc(a, sizeof(wide_sum) * b);
    memset(s->count, 0, sizeof(int64_t) * n);
    memset(s->amount, 0, sizeof(wide_sum) * n);
    memset(s->weighted, 0, sizeof(wide_sum) * n);
    memset(s->reached, 0, sizeof(int64_t) * b);
    memset(s->reached_amount, 0, sizeof(wide_sum) * b);
}

/* One group of deals: current option `opt`, furthest history ranks. Every
 * deal entered the funnel (band 0); an open deal reached its own stage and
 * every stage its history names; only a deal that is won now is in the
 * won band. */
static void add_group(funnel_sums *s, const funnel_ranks *r, int noptions, int opt, int hist_rank, int64_t count,
                      wide_sum amount, wide_sum weighted)
{
    s->count[opt] += count, s->amount[opt] += amount, s->weighted[opt] += weighted;
    int now = opt < noptions ? r->rank[opt] : -1;
    int furthest = now > hist_rank ? now : hist_rank;
    if (furthest > r->nopen - 1) furthest = r->nopen - 1;
    if (furthest < 0) furthest = 0;
    for (int b = 0; b <= furthest && b < r->nopen; b++) s->reached[b] += count, s->reached_amount[b] += amount;
    if (r->won_option >= 0 && now == r->nopen)
        s->reached[r->nopen] += count, s->reached_amount[r->nopen] += amount;
}

static int read_groups(entity_ctx *c, const entity_def *opp, const field_def *stage, const funnel_ranks *r,
                       int amounts, int64_t owner_id, const char *from, const char *to, funnel_sums *s, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.stage, t.old_rank, t.new_rank, COUNT(*), ");
    if (amounts) {
        sql_split_sum(&q.sql, "t.amount");
        query_sql(&q, ", ");
        sql_split_sum(&q.sql, SALES_WEIGHTED_SQL);
    } else {
        query_sql(&q, "0, 0, 0, 0");
    }
    query_sql(&q, " FROM (SELECT t.stage, t.amount, t.probability, ");
    history_rank_sql(&q, stage, r, "old_value");
    query_sql(&q, " AS old_rank, ");
    history_rank_sql(&q, stage, r, "new_value");
    query_sql(&q, " AS new_rank FROM opportunities t WHERE t.deleted_at IS NULL AND ");
    acl_visible_predicate(c->user, opp, "t", &q);
    if (owner_id) query_sql(&q, " AND t.owner_id = "), query_bind_int(&q, owner_id);
    if (from) query_sql(&q, " AND t.expected_close_date >= "), query_bind_text(&q, from);
    if (to) query_sql(&q, " AND t.expected_close_date <= "), query_bind_text(&q, to);
    query_sql(&q, ") t GROUP BY t.stage, t.old_rank, t.new_rank");
    db_stmt *st = db_prepare(c->db, sb_str(&q.sql), e);
    if (!st) return query_free(&q), -1;
    query_bind_all(&q, st);
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        int opt = option_index(stage, db_column_is_null(st, 0) ? NULL : db_column_text(st, 0));
        int hist = -1;
        for (int col = 1; col <= 2; col++)
            if (!db_column_is_null(st, col) && db_column_int64(st, col) > hist) hist = (int)db_column_int64(st, col);
        add_group(s, r, stage->noptions, opt, hist, db_column_int64(st, 3), db_split_sum(st, 4), db_split_sum(st, 6));
    }
    db_finalize(st);
    query_free(&q);
    return step < 0 ? err_set(e, 500, "db_error", "统计销售漏斗失败", "Funnel query failed") : 0;
}

/* "bands": the open stages in order, then the won band; each with the deals
 * that reached it, their amount, and the share of the band above. */
static void bands_json(strbuf *out, const field_def *stage, const funnel_ranks *r, const funnel_sums *s,
                       const char *lang)
{
    sb_append(out, ",\"bands\":[");
    int nbands = r->nopen + (r->won_option >= 0), n = 0;
    for (int b = 0; b < nbands; b++) {
        int opt = 0;
        while (opt < stage->noptions && r->rank[opt] != b) opt++;
        const picklist_option *o = &stage->options[opt];
        sb_append(out, n++ ? ",{\"stage\":" : "{\"stage\":");
        sb_json_string(out, o->value);
        sb_append(out, ",\"label\":");
        sb_json_string(out, option_label(o, lang));
        sb_printf(out, ",\"won\":%s,\"count\":%lld", b == r->nopen ? "true" : "false", (long long)s->reached[b]);
        sales_json_money(out, "amount", s->reached_amount[b]);
        sales_json_rate(out, "rate", s->reached[b], b ? s->reached[b - 1] : 0);
        sb_putc(out, '}');
    }
    sb_putc(out, ']');
    int64_t lost = 0;
    wide_sum lost_amount = 0;
    for (int i = 0; i < stage->noptions; i++)
        if (r->rank[i] < 0) lost += s->count[i], lost_amount += s->amount[i];
    sb_printf(out, ",\"lost\":{\"count\":%lld", (long long)lost);
    sales_json_money(out, "amount", lost_amount);
    sb_putc(out, '}');
    int64_t entered = r->nopen ? s->reached[0] : 0;
    sales_json_rate(out, "win_rate", r->won_option >= 0 ? s->reached[r->nopen] : 0, r->won_option >= 0 ? entered : 0);
}

int sales_funnel(entity_ctx *c, int64_t owner_id, const char *from, const char *to, strbuf *out, err *e)
{
    const entity_def *opp = meta_entity(c->m, "opportunities");
    if (!acl_can(c->user, opp, ACL_VIEW))
        return err_set(e, 403, "forbidden", "没有查看销售机会的权限", "No permission to view opportunities");
    const field_def *stage = meta_field(opp, "stage");
    /* A user who may not see amounts gets counts only: sums would leak them. */
    int amounts = acl_field_access(c->user, opp, meta_field(opp, "amount")) != ACL_HIDDEN;
    funnel_ranks r;
    rank_stages(stage, c->a, &r);
    int n = stage->noptions;
    funnel_sums s;
    sums_alloc(&s, n, r.nopen + 1, c->a);
    if (read_groups(c, opp, stage, &r, amounts, owner_id, from, to, &s, e)) return -1;
    int64_t tc = 0;
    wide_sum ta = 0, tw = 0;
    sb_append(out, "{\"items\":[");
    for (int i = 0; i < n; i++) {
        if (i) sb_putc(out, ',');
        stage_row(out, &stage->options[i], c->lang, s.count[i], s.amount[i], s.weighted[i]);
        tc += s.count[i], ta += s.amount[i], tw += s.weighted[i];
    }
    if (s.count[n]) {
        picklist_option other = {"", "其他阶段", "Other stages", 0, 0};
        sb_putc(out, ',');
        stage_row(out, &other, c->lang, s.count[n], s.amount[n], s.weighted[n]);
        tc += s.count[n], ta += s.amount[n], tw += s.weighted[n];
    }
    sb_printf(out, "],\"total\":{\"count\":%lld", (long long)tc);
    sales_json_money(out, "amount", ta);
    sales_json_money(out, "weighted_amount", tw);
    sb_putc(out, '}');
    bands_json(out, stage, &r, &s, c->lang);
    sb_printf(out, ",\"amount_hidden\":%s}", amounts ? "false" : "true");
    return 0;
}
