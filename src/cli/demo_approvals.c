/* demo_approvals.c - 折扣规则 and 业务审批 of `--demo`: a rule of each
 * discount kind, three approval flows (a large order, a price beyond the
 * 职位折扣, an order beyond the 资信额度: each to the submitter's
 * superior), and a large order 李娜 (销售代表) has submitted, waiting in
 * 张伟's (销售经理) 待我审批. Runs after demo_commerce, so its orders were
 * approved at once, as they were before the flows existed. */
#include <string.h>

#include "../entity/entity.h"
#include "../entity/entity_action.h"
#include "data.h"

static int64_t id_by_name(entity_ctx *c, const char *sql, const char *name, err *e)
{
    int64_t id = 0;
    const char *params[] = {name};
    return db_query_int64(c->db, sql, &id, e, 1, params) < 0 ? -1 : id;
}

static int rules_and_flows(entity_ctx *c, int64_t rep_role, int64_t manager_role, err *e)
{
    json_t *superior = json_pack("[{s:s}]", "kind", "superior");
    int64_t computers = id_by_name(c, "SELECT MIN(id) FROM product_categories WHERE name = ? AND deleted_at IS NULL", "电脑整机", e);
    if (computers < 0) return -1;
    int rc = demo_create(c, "price_rules", json_pack("{s:s,s:s,s:I,s:i,s:i}", "name", "电脑整机满10台", "kind", "volume",
                                                     "category_id", (json_int_t)computers, "min_quantity", 10, "discount", 3), NULL, e) ||
             demo_create(c, "price_rules", json_pack("{s:s,s:s,s:s,s:i}", "name", "A类客户九五折", "kind", "customer",
                                                     "grade", "A", "discount", 5), NULL, e) ||
             demo_create(c, "price_rules", json_pack("{s:s,s:s,s:i}", "name", "渠道代理价", "kind", "agent", "discount", 15),
                         NULL, e) ||
             demo_create(c, "price_rules", json_pack("{s:s,s:s,s:I,s:i}", "name", "销售代表可让利", "kind", "position",
                                                     "role_id", (json_int_t)rep_role, "discount", 8), NULL, e) ||
             demo_create(c, "price_rules", json_pack("{s:s,s:s,s:I,s:i}", "name", "销售经理可让利", "kind", "position",
                                                     "role_id", (json_int_t)manager_role, "discount", 15), NULL, e) ||
             demo_create(c, "approval_flows",
                         json_pack("{s:s,s:s,s:{s:s,s:s,s:i},s:O}", "name", "大额订单审批", "entity", "sales_orders",
                                   "condition", "field", "total", "op", "gt", "value", 100000, "steps", superior),
                         NULL, e) ||
             demo_create(c, "approval_flows",
                         json_pack("{s:s,s:s,s:{s:s,s:s,s:i},s:O}", "name", "超职位折扣审批", "entity", "sales_orders",
                                   "condition", "field", "lines_over_discount", "op", "gt", "value", 0, "steps", superior),
                         NULL, e) ||
             demo_create(c, "approval_flows",
                         json_pack("{s:s,s:s,s:{s:s,s:s,s:b},s:O}", "name", "超资信额度审批", "entity", "sales_orders",
                                   "condition", "field", "credit_exceeded", "op", "eq", "value", 1, "steps", superior),
                         NULL, e);
    json_decref(superior);
    return rc;
}

/* 李娜 (销售代表) creates `record` of `entity` and submits it for
 * approval with `comment`; the caller's data when she or `account` (her
 * first customer, set into the record) is missing. */
static int lina_submits(entity_ctx *admin, const char *entity, json_t *record, const char *comment, err *e)
{
    const char *sql = "SELECT id FROM roles WHERE name = ? AND deleted_at IS NULL";
    int64_t lina = id_by_name(admin, "SELECT id FROM users WHERE username = ?", "lina", e),
            role = id_by_name(admin, sql, "销售代表", e),
            account = id_by_name(admin, "SELECT MIN(id) FROM accounts WHERE owner_id = (SELECT id FROM users WHERE username = ?)",
                                 "lina", e);
    if (lina <= 0 || role <= 0 || account <= 0) {
        json_decref(record);
        return lina < 0 || role < 0 || account < 0 ? -1 : 0;
    }
    auth_user rep = {.id = lina, .username = "lina", .name = "李娜", .company_id = 1, .role_id = role};
    entity_ctx c = *admin;
    c.user = &rep;
    json_object_set_new(record, "account_id", json_integer(account));
    int64_t id = 0;
    if (demo_create(&c, entity, record, &id, e)) return -1;
    json_t *body = json_pack("{s:s}", "comment", comment), *out = NULL;
    int rc = entity_action_run(&c, meta_entity(c.m, entity), id, "submit", body, 0, &out, e);
    json_decref(body);
    json_decref(out);
    return rc;
}

/* 李娜 orders 15 notebooks at the rule price and submits: over 100,000. */
static int pending_order(entity_ctx *admin, err *e)
{
    int64_t notebook = id_by_name(admin, "SELECT id FROM products WHERE name = ? AND deleted_at IS NULL", "商务笔记本电脑", e);
    if (notebook <= 0) return notebook < 0 ? -1 : 0;
    return lina_submits(admin, "sales_orders",
                        json_pack("{s:s,s:[{s:I,s:s,s:i,s:i}]}", "subject", "华东区域办公电脑集采", "lines", "product_id",
                                  (json_int_t)notebook, "unit", "台", "quantity", 15, "tax_rate", 13),
                        "客户月底前要货，请尽快审批", e);
}

int demo_approvals(entity_ctx *c, err *e)
{
    const char *sql = "SELECT id FROM roles WHERE name = ? AND deleted_at IS NULL";
    int64_t rep_role = id_by_name(c, sql, "销售代表", e), manager_role = id_by_name(c, sql, "销售经理", e);
    if (rep_role <= 0 || manager_role <= 0) return rep_role < 0 || manager_role < 0 ? -1 : 0;
    return rules_and_flows(c, rep_role, manager_role, e) || pending_order(c, e) ? -1 : 0;
}

int demo_expense_approval(entity_ctx *c, err *e)
{
    char day[16];
    demo_day(-3, day, sizeof day);
    json_t *superior = json_pack("[{s:s}]", "kind", "superior");
    int rc = demo_create(c, "approval_flows",
                         json_pack("{s:s,s:s,s:{s:s,s:s,s:i},s:O}", "name", "费用报销审批（3000元以上）", "entity", "expenses",
                                   "condition", "field", "amount", "op", "gt", "value", 3000, "steps", superior),
                         NULL, e) ||
             lina_submits(c, "expenses",
                          json_pack("{s:s,s:s,s:i,s:s,s:s}", "subject", "华东客户拜访差旅费（上海、苏州三天）", "expense_type",
                                    "travel", "amount", 4860, "incurred_on", day, "description",
                                    "高铁往返 2 人 1,240 元，住宿 2 间 3 晚 2,820 元，市内交通及餐补 800 元"),
                          "拜访华东区三家重点客户，票据已交财务", e);
    json_decref(superior);
    return rc;
}
