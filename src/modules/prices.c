/* prices.c - see prices.h. */
#include "prices.h"

#include <stdio.h>
#include <string.h>

#include "../acl/acl.h"
#include "../entity/hooks.h"
#include "../entity/value.h"

#define WHOLE 10000 /* 100 % in percent × 100 */
#define CATEGORY_DEPTH 32 /* deeper catalogues stop matching above this */

/* A rule of each kind that applies, the deepest of its kind. */
typedef struct rule_pick {
    int64_t discount; /* percent × 100; -1: none applies */
    const char *name;
} rule_pick;

typedef struct sale {
    int64_t account_id, product_id, quantity, role_id;
    const char *account_type, *grade;
    /* The product's category and every category above it: a rule for
     * 电脑 covers a product filed under 电脑 > 笔记本 (entity tree). */
    int64_t categories[CATEGORY_DEPTH];
    int ncategories;
} sale;

typedef struct picks {
    rule_pick volume, own_customer, grade, agent, position;
} picks;

static void keep_deeper(rule_pick *p, int64_t discount, const char *name)
{
    if (discount > p->discount) *p = (rule_pick){discount, name};
}

static const char *column_text(entity_ctx *c, db_stmt *s, int i)
{
    return db_column_is_null(s, i) ? NULL : arena_strdup(c->a, db_column_text(s, i));
}

static int64_t column_int(db_stmt *s, int i)
{
    return db_column_is_null(s, i) ? 0 : db_column_int64(s, i);
}

static int same_text(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static int in_category(const sale *s, int64_t category)
{
    for (int i = 0; i < s->ncategories; i++)
        if (s->categories[i] == category) return 1;
    return 0;
}

/* One row of `sql` ... WHERE t.id = id AND <the user's company>: 1 found, 0 not, -1 error. */
static db_stmt *company_row(entity_ctx *c, const char *sql, int64_t id, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, sql);
    query_sql(&q, " WHERE t.id = ");
    query_bind_int(&q, id);
    query_sql(&q, " AND t.deleted_at IS NULL AND ");
    acl_company_predicate(c->user, "t", &q);
    return query_prepare(c->db, &q, e);
}

/* The category's ancestors, nearest first, into s->categories. */
static int read_categories(entity_ctx *c, sale *s, int64_t category, err *e)
{
    while (category && s->ncategories < CATEGORY_DEPTH && !in_category(s, category)) {
        s->categories[s->ncategories++] = category;
        db_stmt *st = company_row(c, "SELECT t.parent_id FROM product_categories t", category, e);
        if (!st) return -1;
        int step = db_step(st);
        category = step == DB_ROW ? column_int(st, 0) : 0;
        db_finalize(st);
        if (step < 0) return err_set(e, 500, "db_error", "读取产品分类失败", "Cannot read the product category");
    }
    return 0;
}

static int read_sale(entity_ctx *c, sale *s, int64_t *list_price, err *e)
{
    db_stmt *st = company_row(c, "SELECT t.category_id, t.price FROM products t", s->product_id, e);
    if (!st) return -1;
    int step = db_step(st);
    int64_t category = 0;
    if (step == DB_ROW) {
        category = column_int(st, 0);
        if (*list_price < 0) *list_price = column_int(st, 1);
    }
    db_finalize(st);
    if (step == DB_ROW && read_categories(c, s, category, e)) return -1;
    if (step < 0) return err_set(e, 500, "db_error", "读取产品失败", "Cannot read the product");
    if (step != DB_ROW) {
        err_add_field(e, "product_id", "not_found");
        return err_set(e, 404, "not_found", "产品不存在", "No such product");
    }
    if (!s->account_id) return 0;
    st = company_row(c, "SELECT t.type, t.grade FROM accounts t", s->account_id, e);
    if (!st) return -1;
    step = db_step(st);
    if (step == DB_ROW) {
        s->account_type = column_text(c, st, 0);
        s->grade = column_text(c, st, 1);
    }
    db_finalize(st);
    return step < 0 ? err_set(e, 500, "db_error", "读取客户失败", "Cannot read the account") : 0;
}

/* Keeps the rule of this row where it applies to the sale. */
static void consider(const sale *s, picks *p, const char *kind, const char *name, int64_t discount, int64_t product,
                     int64_t category, int64_t min_quantity, int64_t account, const char *grade, int64_t role)
{
    int product_fits = product ? product == s->product_id : !category || in_category(s, category);
    if (strcmp(kind, "volume") == 0 && (product || category) && product_fits && s->quantity >= min_quantity)
        keep_deeper(&p->volume, discount, name);
    else if (strcmp(kind, "agent") == 0 && product_fits && (!category || in_category(s, category)))
        keep_deeper(&p->agent, discount, name);
    else if (strcmp(kind, "customer") == 0 && account && account == s->account_id)
        keep_deeper(&p->own_customer, discount, name);
    else if (strcmp(kind, "customer") == 0 && !account && same_text(grade, s->grade))
        keep_deeper(&p->grade, discount, name);
    else if (strcmp(kind, "position") == 0 && role && role == s->role_id)
        keep_deeper(&p->position, discount, name);
}

static int pick_rules(entity_ctx *c, const sale *s, picks *p, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.kind, t.name, t.discount, t.product_id, t.category_id, t.min_quantity, t.account_id, t.grade,"
                  " t.role_id FROM price_rules t WHERE t.deleted_at IS NULL AND t.active = 1 AND ");
    acl_company_predicate(c->user, "t", &q);
    db_stmt *st = query_prepare(c->db, &q, e);
    if (!st) return -1;
    int step;
    while ((step = db_step(st)) == DB_ROW)
        if (!db_column_is_null(st, 0))
            consider(s, p, db_column_text(st, 0), column_text(c, st, 1), column_int(st, 2), column_int(st, 3),
                     column_int(st, 4), column_int(st, 5), column_int(st, 6), column_text(c, st, 7), column_int(st, 8));
    db_finalize(st);
    return step < 0 ? err_set(e, 500, "db_error", "读取折扣规则失败", "Cannot read the price rules") : 0;
}

/* 5.5 % as "5.5%". */
static const char *percent_text(arena *a, int64_t v)
{
    strbuf sb = STRBUF_INIT;
    decimal_format(v, 2, &sb);
    char *t = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    char *end = t + strlen(t);
    while (end > t && end[-1] == '0') *--end = 0;
    if (end > t && end[-1] == '.') *--end = 0;
    return arena_printf(a, "%s%%", t);
}

static const char *rule_text(arena *a, const char *kind_zh, const rule_pick *r, const char *before)
{
    if (r->discount < 0) return before;
    const char *self = arena_printf(a, "%s「%s」%s", kind_zh, r->name ? r->name : "", percent_text(a, r->discount));
    return before ? arena_printf(a, "%s + %s", before, self) : self;
}

int price_resolve(entity_ctx *c, int64_t account_id, int64_t product_id, int64_t quantity, int64_t list_price,
                  price_resolution *out, err *e)
{
    sale s = {.account_id = account_id, .product_id = product_id, .quantity = quantity, .role_id = c->user->role_id};
    if (read_sale(c, &s, &list_price, e)) return -1;
    picks p = {{-1, NULL}, {-1, NULL}, {-1, NULL}, {-1, NULL}, {-1, NULL}};
    if (pick_rules(c, &s, &p, e)) return -1;
    /* the customer side: a 代理商's agent discount, else the customer's own, else its grade's */
    const rule_pick *side = same_text(s.account_type, "channel") ? &p.agent
                            : p.own_customer.discount >= 0      ? &p.own_customer
                                                                : &p.grade;
    const char *side_zh = side == &p.agent ? "代理折扣" : "客户折扣";
    int64_t a = side->discount < 0 ? 0 : side->discount, v = p.volume.discount < 0 ? 0 : p.volume.discount;
    __int128 keep = (__int128)(WHOLE - a) * (WHOLE - v); /* of 10^8 */
    out->list_price = list_price;
    out->price = (int64_t)(((__int128)list_price * keep + 50000000) / 100000000);
    out->discount = (int64_t)(((__int128)WHOLE * WHOLE - keep + WHOLE / 2) / WHOLE);
    out->position_discount = p.position.discount < 0 ? 0 : p.position.discount;
    out->rule = rule_text(c->a, "销量折扣", &p.volume, rule_text(c->a, side_zh, side, NULL));
    return 0;
}

/* ---- lines of quotes and orders ---- */

static int set_null(hook_change *ch, const char *field, err *e)
{
    return hook_set(ch, field, (sql_value){.kind = SV_NULL}, e);
}

/* The customer of the line's document (its header), 0 when none yet. */
static int64_t document_account(entity_ctx *c, hook_change *ch, err *e)
{
    const entity_def *le = hook_entity(ch), *doc = le->owner;
    if (!doc || !le->owner_relation) return 0;
    db_stmt *st = company_row(c, arena_printf(c->a, "SELECT t.account_id FROM %s t", doc->table),
                              hook_int(ch, le->owner_relation->field, 0), e);
    if (!st) return -1;
    int step = db_step(st);
    int64_t account = step == DB_ROW ? column_int(st, 0) : 0;
    db_finalize(st);
    return step < 0 ? err_set(e, 500, "db_error", "读取单据失败", "Cannot read the document") : account;
}

/* A line of a product is priced by the rules when it is written: its 规则价
 * and 适用折扣 are stamped; a line sent without a price takes the rule
 * price and its discount; a price below the rule price by more than the
 * writer's 职位折扣 is flagged 超出职位折扣. */
static int line_priced(entity_ctx *c, hook_change *ch, err *e)
{
    static const char *const INPUTS[] = {"product_id", "quantity", "list_price", "price"};
    int changed = hook_event(ch) == ON_CREATE;
    for (size_t i = 0; i < sizeof INPUTS / sizeof *INPUTS; i++) changed |= hook_changed(ch, INPUTS[i]);
    if (!changed) return 0;
    int64_t product = hook_int(ch, "product_id", 0);
    if (!product)
        return set_null(ch, "rule_price", e) || set_null(ch, "price_rule", e) || hook_set_int(ch, "over_position_discount", 0, e);
    int64_t account = document_account(c, ch, e);
    if (account < 0) return -1;
    const sql_value *list = hook_value(ch, "list_price"), *price = hook_value(ch, "price");
    price_resolution r;
    err ignore;
    err_clear(&ignore);
    if (price_resolve(c, account, product, hook_int(ch, "quantity", 100), list->kind == SV_INT ? list->i : -1, &r, &ignore))
        return 0; /* an unknown product: the engine's link check answers */
    if (list->kind != SV_INT && hook_set_int(ch, "list_price", r.list_price, e)) return -1;
    int64_t sold = price->kind == SV_INT ? price->i : r.price;
    if (price->kind != SV_INT && (hook_set_int(ch, "price", r.price, e) || hook_set_int(ch, "discount", r.discount, e)))
        return -1;
    int over = (__int128)sold * WHOLE < (__int128)r.price * (WHOLE - r.position_discount);
    return hook_set_int(ch, "rule_price", r.price, e) ||
           (r.rule ? hook_set_text(ch, "price_rule", r.rule, e) : set_null(ch, "price_rule", e)) ||
           hook_set_int(ch, "over_position_discount", over, e);
}

/* ---- the rules themselves ---- */

static int refuse(err *e, const char *field, const char *reason, const char *zh, const char *en)
{
    err_add_field(e, field, reason);
    return err_set(e, 422, "validation_failed", zh, en);
}

/* A rule says what it applies to: a discount of 0-100 %, a volume break
 * for a product or a category, a customer discount for a customer or a
 * grade. */
static int rule_sane(entity_ctx *c, hook_change *ch, err *e)
{
    (void)c;
    const sql_value *d = hook_value(ch, "discount");
    if (d->kind == SV_INT && (d->i < 0 || d->i > WHOLE))
        return refuse(e, "discount", "out_of_range", "折扣率应在 0% 到 100% 之间", "The discount must be between 0 % and 100 %");
    const char *kind = hook_text(ch, "kind");
    if (same_text(kind, "volume") && !hook_int(ch, "product_id", 0) && !hook_int(ch, "category_id", 0))
        return refuse(e, "product_id", "required", "销量折扣需指定产品或产品分类", "A volume discount names a product or a category");
    if (same_text(kind, "customer") && !hook_int(ch, "account_id", 0) && !hook_text(ch, "grade"))
        return refuse(e, "account_id", "required", "客户折扣需指定客户或客户等级", "A customer discount names an account or a grade");
    return 0;
}

void prices_init(void)
{
    entity_before("quote_lines", ON_WRITE, line_priced);
    entity_before("sales_order_lines", ON_WRITE, line_priced);
    entity_before("price_rules", ON_WRITE, rule_sane);
}
