/* marketing.c - the 市场管理 rules that metadata cannot say; see
 * marketing.h. */
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "../entity/entity_state.h"
#include "../entity/value.h"
#include "marketing.h"
#include "sales.h"

typedef struct rival_row {
    int64_t id;
    const char *name;
    int64_t won, lost;
    wide_sum won_amount, lost_amount;
} rival_row;

/* The outcome ("won", "lost") of a stored stage, NULL while open. */
static const char *outcome_of(const field_def *stage, const char *value)
{
    const state_def *st = value && stage->states ? state_find(stage->states, value) : NULL;
    return st ? st->outcome : NULL;
}

/* " AND t.stage IN (<every closed won or lost stage>)"; 0 when the
 * machine has none (then nothing is counted). */
static int closed_stages_sql(const field_def *stage, query *q)
{
    int n = 0;
    for (int i = 0; stage->states && i < stage->states->nstates; i++) {
        const char *o = stage->states->states[i].outcome;
        if (!o || (strcmp(o, "won") != 0 && strcmp(o, "lost") != 0)) continue;
        query_sql(q, n++ ? ", " : " AND t.stage IN (");
        query_bind_text(q, stage->states->states[i].value);
    }
    if (n) query_sql(q, ")");
    return n;
}

static void row_json(strbuf *out, const rival_row *r)
{
    sb_printf(out, "{\"competitor_id\":%lld,\"competitor_name\":", (long long)r->id);
    sb_json_string(out, r->name ? r->name : "");
    sb_printf(out, ",\"won_count\":%lld", (long long)r->won);
    sales_json_money(out, "won_amount", r->won_amount);
    sb_printf(out, ",\"lost_count\":%lld", (long long)r->lost);
    sales_json_money(out, "lost_amount", r->lost_amount);
    int64_t all = r->won + r->lost; /* percent, one decimal, half up */
    if (all) {
        int64_t tenths = (r->won * 2000 + all) / (2 * all);
        sb_printf(out, ",\"win_rate\":%lld.%lld}", (long long)(tenths / 10), (long long)(tenths % 10));
    } else {
        sb_append(out, ",\"win_rate\":null}");
    }
}

static int by_deals_faced(const void *a, const void *b)
{
    const rival_row *x = a, *y = b;
    int64_t nx = x->won + x->lost, ny = y->won + y->lost;
    if (nx != ny) return nx > ny ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

int marketing_competitor_report(entity_ctx *c, const char *from, const char *to, strbuf *out, err *e)
{
    const entity_def *opp = meta_entity(c->m, "opportunities");
    if (!acl_can(c->user, opp, ACL_VIEW))
        return err_set(e, 403, "forbidden", "没有查看销售机会的权限", "No permission to view opportunities");
    const field_def *stage = meta_field(opp, "stage");
    /* A user who may not see amounts gets counts only: sums would leak them. */
    int amounts = acl_field_access(c->user, opp, meta_field(opp, "amount")) != ACL_HIDDEN;
    query q;
    query_init(&q, c->a);
    /* one row per (competitor, deal): a deal naming a rival twice counts once */
    query_sql(&q, "SELECT d.competitor_id, a.name, d.stage, COUNT(*), ");
    sql_split_sum(&q.sql, "d.amount");
    query_sql(&q, " FROM (SELECT DISTINCT l.competitor_id, t.id, t.stage, t.amount"
                  " FROM opportunity_competitors l JOIN opportunities t ON t.id = l.opportunity_id"
                  " WHERE l.deleted_at IS NULL AND t.deleted_at IS NULL AND ");
    acl_visible_predicate(c->user, opp, "t", &q);
    int any = closed_stages_sql(stage, &q);
    if (from) query_sql(&q, " AND t.expected_close_date >= "), query_bind_text(&q, from);
    if (to) query_sql(&q, " AND t.expected_close_date <= "), query_bind_text(&q, to);
    query_sql(&q, ") d JOIN accounts a ON a.id = d.competitor_id GROUP BY d.competitor_id, a.name, d.stage"
                  " ORDER BY d.competitor_id");
    rival_row *rows = NULL;
    int n = 0, cap = 0, step = DB_DONE;
    db_stmt *st = any ? db_prepare(c->db, sb_str(&q.sql), e) : NULL;
    if (any && !st) return query_free(&q), -1;
    if (st) {
        query_bind_all(&q, st);
        while ((step = db_step(st)) == DB_ROW) {
            int64_t id = db_column_int64(st, 0);
            if (!n || rows[n - 1].id != id) {
                if (n == cap) {
                    cap = cap ? cap * 2 : 16;
                    rival_row *grown = arena_alloc(c->a, sizeof *rows * (size_t)cap);
                    if (n) memcpy(grown, rows, sizeof *rows * (size_t)n);
                    rows = grown;
                }
                memset(&rows[n], 0, sizeof *rows);
                rows[n].id = id;
                rows[n++].name = arena_strdup(c->a, db_column_is_null(st, 1) ? "" : db_column_text(st, 1));
            }
            rival_row *r = &rows[n - 1];
            const char *outcome = outcome_of(stage, db_column_is_null(st, 2) ? NULL : db_column_text(st, 2));
            int64_t count = db_column_int64(st, 3);
            wide_sum amount = amounts ? db_split_sum(st, 4) : 0;
            if (outcome && strcmp(outcome, "won") == 0) r->won += count, r->won_amount += amount;
            else r->lost += count, r->lost_amount += amount;
        }
        db_finalize(st);
    }
    query_free(&q);
    if (step < 0) return err_set(e, 500, "db_error", "统计竞争对手失败", "Competitor report failed");
    if (n) qsort(rows, (size_t)n, sizeof *rows, by_deals_faced);
    rival_row total = {0};
    sb_append(out, "{\"items\":[");
    for (int i = 0; i < n; i++) {
        if (i) sb_putc(out, ',');
        row_json(out, &rows[i]);
        total.won += rows[i].won, total.lost += rows[i].lost;
        total.won_amount += rows[i].won_amount, total.lost_amount += rows[i].lost_amount;
    }
    sb_printf(out, "],\"total\":{\"won_count\":%lld", (long long)total.won);
    sales_json_money(out, "won_amount", total.won_amount);
    sb_printf(out, ",\"lost_count\":%lld", (long long)total.lost);
    sales_json_money(out, "lost_amount", total.lost_amount);
    sb_printf(out, "},\"amount_hidden\":%s}", amounts ? "false" : "true");
    return 0;
}
