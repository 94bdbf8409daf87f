/* cost_report.c - see cost_report.h. */
#include "cost_report.h"

#include <string.h>

#include "../acl/acl.h"
#include "../entity/hooks.h"
#include "../util/arena.h"

#define ROWS_MAX 5000
#define TYPES_MAX 64 /* options of 费用类型 */
#define ORDER_DAY "COALESCE(o.order_date, SUBSTR(o.created_at, 1, 10))"

/* ---- the expense's own rules ---- */

static int refuse(err *e, const char *field, const char *reason, const char *zh, const char *en)
{
    err_add_field(e, field, reason);
    return err_set(e, 422, "validation_failed", zh, en);
}

/* The 客户 of what the expense is charged to, when it names none. */
static int fill_account(entity_ctx *c, hook_change *ch, err *e)
{
    static const struct {
        const char *field, *table;
    } FROM[] = {{"sales_order_id", "sales_orders"}, {"opportunity_id", "opportunities"}, {"ticket_id", "tickets"}};
    if (hook_int(ch, "account_id", 0)) return 0;
    for (size_t i = 0; i < sizeof FROM / sizeof FROM[0]; i++) {
        int64_t id = hook_int(ch, FROM[i].field, 0);
        if (!id) continue;
        query q;
        query_init(&q, c->a);
        query_sqlf(&q, "SELECT t.account_id FROM %s t WHERE t.id = ", FROM[i].table);
        query_bind_int(&q, id);
        query_sql(&q, " AND ");
        acl_company_predicate(c->user, "t", &q);
        db_stmt *s = query_prepare(c->db, &q, e);
        if (!s) return -1;
        int step = db_step(s);
        int64_t account = step == DB_ROW && !db_column_is_null(s, 0) ? db_column_int64(s, 0) : 0;
        db_finalize(s);
        if (step < 0) return err_set(e, 500, "db_error", "读取关联记录失败", "Cannot read the linked record");
        if (account) return hook_set_int(ch, "account_id", account, e);
    }
    return 0;
}

static int expense_sane(entity_ctx *c, hook_change *ch, err *e)
{
    const sql_value *amount = hook_value(ch, "amount");
    if (amount->kind == SV_INT && amount->i <= 0)
        return refuse(e, "amount", "not_positive", "费用金额必须大于零", "The amount must be above zero");
    return fill_account(c, ch, e);
}

void expenses_init(void)
{
    entity_before("expenses", ON_WRITE, expense_sane);
}

/* ---- 成本分析 ---- */

enum { C_LABEL, C_COUNT, C_WON, C_REVENUE, C_PRODUCT_COST, C_EXPENSES, C_NET, C_MARGIN_RATE, C_N };

static const rt_column ALL[C_N] = {
    [C_LABEL] = {"label", "", "", RT_TEXT},
    [C_COUNT] = {"count", "笔数", "Count", RT_INTEGER},
    [C_WON] = {"won_amount", "赢单金额", "Won amount", RT_MONEY},
    [C_REVENUE] = {"revenue", "订单收入(不含税)", "Revenue (excl. tax)", RT_MONEY},
    [C_PRODUCT_COST] = {"product_cost", "产品成本", "Product cost", RT_MONEY},
    [C_EXPENSES] = {"expenses", "费用", "Expenses", RT_MONEY},
    [C_NET] = {"net", "扣除费用后", "Net of expenses", RT_MONEY},
    [C_MARGIN_RATE] = {"margin_rate", "毛利率(%)", "Gross margin (%)", RT_DECIMAL2},
};

typedef struct grouping {
    const char *by, *label_zh, *label_en;
    const char *expense_key, *expense_label_join, *expense_label; /* over expenses x */
    int margin;                                                   /* revenue, product cost, margin */
    int won;                                                      /* a 赢单金额 per row */
} grouping;

static const grouping GROUPINGS[] = {
    {"type", "费用类型", "Type", "x.expense_type", "", "x.expense_type", 0, 0},
    {"opportunity", "销售机会", "Opportunity", "x.opportunity_id", " LEFT JOIN opportunities g ON g.id = x.opportunity_id",
     "g.name", 0, 1},
    {"campaign", "市场活动", "Campaign", "x.campaign_id", " LEFT JOIN campaigns g ON g.id = x.campaign_id", "g.name", 0, 1},
    {"customer", "客户", "Customer", "x.account_id", " LEFT JOIN accounts g ON g.id = x.account_id", "g.name", 1, 0},
    {"owner", "销售员", "Salesperson", "x.owner_id", " LEFT JOIN users g ON g.id = x.owner_id", "g.name", 1, 0},
};

typedef struct cost_ctx {
    entity_ctx *c;
    const grouping *g;
    report_table *t;
    int col[C_N]; /* the table's column of each figure, -1 when not shown */
    const char **type_keys; /* by type: the option value of each row */
} cost_ctx;

static rt_cell *row_for(cost_ctx *x, int64_t id, const char *type_key, const char *label)
{
    report_table *t = x->t;
    for (int i = 0; i < t->nrows; i++)
        if (type_key ? strcmp(x->type_keys[i], type_key) == 0 : t->ids[i] == id) return t->rows[i];
    if (t->nrows >= (type_key ? TYPES_MAX : ROWS_MAX)) return NULL;
    if (type_key) x->type_keys[t->nrows] = arena_strdup(t->a, type_key);
    rt_cell *row = report_table_add(t, id);
    row[0].s = label ? arena_strdup(t->a, label) : NULL;
    return row;
}

static void add(cost_ctx *x, rt_cell *row, int figure, int64_t v)
{
    if (row && x->col[figure] >= 0) row[x->col[figure]].n += v;
}

static void period(query *q, const char *column, const char *from, const char *to)
{
    if (from) {
        query_sqlf(q, " AND %s >= ", column);
        query_bind_text(q, from);
    }
    if (to) {
        query_sqlf(q, " AND %s <= ", column);
        query_bind_text(q, to);
    }
}

static db_stmt *run(entity_ctx *c, query *q, err *e)
{
    db_stmt *s = db_prepare(c->db, sb_str(&q->sql), e);
    if (s) query_bind_all(q, s);
    query_free(q);
    return s;
}

static int64_t num(db_stmt *s, int i)
{
    return db_column_is_null(s, i) ? 0 : db_column_int64(s, i);
}

static const char *no_group_label(const cost_ctx *x)
{
    return strcmp(x->c->lang, "en") == 0 ? "(not charged to one)" : "（未归属）";
}

static const char *type_label(cost_ctx *x, const char *value)
{
    const entity_def *ent = meta_entity(x->c->m, "expenses");
    const picklist_option *o = ent ? meta_option(meta_field(ent, "expense_type"), value) : NULL;
    if (!o) return value;
    return strcmp(x->c->lang, "en") == 0 ? o->label_en : o->label_zh;
}

/* Approved expenses of the period the user's expense list shows, per group. */
static int expenses_by(cost_ctx *x, const entity_def *expenses, const char *from, const char *to, err *e)
{
    const grouping *g = x->g;
    query q;
    query_init(&q, x->c->a);
    query_sqlf(&q, "SELECT %s, MAX(%s), SUM(x.amount), COUNT(*) FROM expenses x%s WHERE x.deleted_at IS NULL"
                   " AND x.status = 'approved' AND ",
               g->expense_key, g->expense_label, g->expense_label_join);
    acl_list_predicate(x->c->user, expenses, "x", &q);
    period(&q, "x.incurred_on", from, to);
    query_sqlf(&q, " GROUP BY %s", g->expense_key);
    db_stmt *s = run(x->c, &q, e);
    if (!s) return -1;
    int step, by_type = strcmp(g->by, "type") == 0;
    while ((step = db_step(s)) == DB_ROW) {
        const char *label = db_column_is_null(s, 1) ? no_group_label(x) : db_column_text(s, 1);
        const char *type = db_column_is_null(s, 0) ? "" : db_column_text(s, 0);
        rt_cell *row = by_type ? row_for(x, 0, type, type_label(x, type))
                               : row_for(x, num(s, 0), NULL, label);
        add(x, row, C_EXPENSES, num(s, 2));
        add(x, row, C_COUNT, num(s, 3));
    }
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取费用失败", "Cannot read the expenses") : 0;
}

/* 赢单金额 of the opportunities (their amount when won) or of the campaigns
 * (the deals they sourced) that have expenses in the report. */
static int won_amounts(cost_ctx *x, err *e)
{
    int campaign = strcmp(x->g->by, "campaign") == 0;
    for (int i = 0; i < x->t->nrows; i++) {
        if (!x->t->ids[i]) continue;
        query q;
        query_init(&q, x->c->a);
        query_sql(&q, campaign ? "SELECT t.won_amount FROM campaigns t WHERE t.id = "
                               : "SELECT CASE WHEN t.stage = 'won' THEN t.amount ELSE 0 END FROM opportunities t WHERE t.id = ");
        query_bind_int(&q, x->t->ids[i]);
        query_sql(&q, " AND ");
        acl_company_predicate(x->c->user, "t", &q);
        db_stmt *s = run(x->c, &q, e);
        if (!s) return -1;
        int step = db_step(s);
        if (step == DB_ROW) add(x, x->t->rows[i], C_WON, num(s, 0));
        db_finalize(s);
        if (step < 0) return err_set(e, 500, "db_error", "读取赢单金额失败", "Cannot read the won amounts");
    }
    return 0;
}

/* 订单收入 and 产品成本 of the orders of the period, per customer or salesperson. */
static int order_figures(cost_ctx *x, const entity_def *orders, const char *from, const char *to, err *e)
{
    int by_owner = strcmp(x->g->by, "owner") == 0;
    const char *key = by_owner ? "o.owner_id" : "o.account_id";
    const char *join = by_owner ? " LEFT JOIN users g ON g.id = o.owner_id" : " LEFT JOIN accounts g ON g.id = o.account_id";
    for (int pass = 0; pass < 2; pass++) {
        query q;
        query_init(&q, x->c->a);
        if (pass == 0)
            query_sqlf(&q, "SELECT %s, MAX(g.name), SUM(o.subtotal) FROM sales_orders o%s WHERE", key, join);
        else /* quantity (×100) × cost (分): divided by 100 once, rounded half up, in C */
            query_sqlf(&q, "SELECT %s, MAX(g.name), SUM(l.quantity * p.cost) FROM sales_order_lines l"
                           " JOIN sales_orders o ON o.id = l.sales_order_id JOIN products p ON p.id = l.product_id%s"
                           " WHERE l.deleted_at IS NULL AND",
                       key, join);
        query_sql(&q, " o.deleted_at IS NULL AND o.status IN ('approved', 'executing', 'shipped', 'completed') AND ");
        acl_list_predicate(x->c->user, orders, "o", &q);
        period(&q, ORDER_DAY, from, to);
        query_sqlf(&q, " GROUP BY %s", key);
        db_stmt *s = run(x->c, &q, e);
        if (!s) return -1;
        int step;
        while ((step = db_step(s)) == DB_ROW) {
            rt_cell *row = row_for(x, num(s, 0), NULL, db_column_is_null(s, 1) ? no_group_label(x) : db_column_text(s, 1));
            int64_t v = num(s, 2);
            add(x, row, pass == 0 ? C_REVENUE : C_PRODUCT_COST, pass == 0 ? v : (v >= 0 ? v + 50 : v - 50) / 100);
        }
        db_finalize(s);
        if (step < 0) return err_set(e, 500, "db_error", "读取订单失败", "Cannot read the orders");
    }
    return 0;
}

/* 扣除费用后 / 毛利 and 毛利率 of every row and of the total. */
static void results(cost_ctx *x, rt_cell *row)
{
    int64_t income = x->g->margin ? row[x->col[C_REVENUE]].n : row[x->col[C_WON]].n;
    int64_t cost = x->g->margin ? row[x->col[C_PRODUCT_COST]].n : 0;
    row[x->col[C_NET]].n = income - cost - row[x->col[C_EXPENSES]].n;
    if (!x->g->margin) return;
    /* percent with 2 decimals (×100), rounded half away from zero */
    int64_t net = row[x->col[C_NET]].n;
    row[x->col[C_MARGIN_RATE]].n = income ? (net * 20000 + (net >= 0 ? income : -income)) / (2 * income) : 0;
}

int report_cost(entity_ctx *c, const char *by, const char *from, const char *to, report_table *t, err *e)
{
    const grouping *g = NULL;
    for (size_t i = 0; i < sizeof GROUPINGS / sizeof GROUPINGS[0]; i++)
        if (by && strcmp(by, GROUPINGS[i].by) == 0) g = &GROUPINGS[i];
    if (!g)
        return err_set(e, 400, "bad_param", "by 只能是 type、opportunity、campaign、customer 或 owner",
                       "by must be type, opportunity, campaign, customer or owner");
    const entity_def *expenses = meta_entity(c->m, "expenses"), *orders = meta_entity(c->m, "sales_orders");
    if (!expenses || !acl_can(c->user, expenses, ACL_VIEW) || (g->margin && !acl_can(c->user, orders, ACL_VIEW)))
        return err_set(e, 403, "forbidden", "没有查看费用或订单的权限", "No permission to view expenses or orders");
    /* the columns of this grouping */
    int want[C_N] = {[C_LABEL] = 1, [C_COUNT] = !g->margin && !g->won, [C_WON] = g->won, [C_REVENUE] = g->margin,
                     [C_PRODUCT_COST] = g->margin, [C_EXPENSES] = 1, [C_NET] = g->won || g->margin,
                     [C_MARGIN_RATE] = g->margin};
    rt_column *cols = arena_alloc(c->a, sizeof *cols * C_N);
    cost_ctx x = {.c = c, .g = g, .t = t, .type_keys = arena_alloc(c->a, sizeof(const char *) * TYPES_MAX)};
    int n = 0;
    for (int i = 0; i < C_N; i++) {
        x.col[i] = want[i] ? n : -1;
        if (!want[i]) continue;
        cols[n] = ALL[i];
        if (i == C_LABEL) cols[n].label_zh = g->label_zh, cols[n].label_en = g->label_en;
        if (i == C_NET && g->margin) cols[n].label_zh = "毛利", cols[n].label_en = "Gross margin";
        n++;
    }
    report_table_init(t, c->a, cols, n);
    if (expenses_by(&x, expenses, from, to, e)) return -1;
    if (g->won && won_amounts(&x, e)) return -1;
    if (g->margin && order_figures(&x, orders, from, to, e)) return -1;
    if (x.col[C_NET] >= 0)
        for (int i = 0; i < t->nrows; i++) results(&x, t->rows[i]);
    report_table_sort(t, x.col[C_NET] >= 0 ? x.col[C_NET] : x.col[C_EXPENSES]);
    report_table_sum(t, c->lang);
    if (x.col[C_NET] >= 0 && t->total) results(&x, t->total);
    return 0;
}
