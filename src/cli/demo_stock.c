/* demo_stock.c - the stock half of `--demo`: three warehouses with their
 * opening stock-take, services marked as such, 最低库存 on the goods, a
 * purchase cycle (two purchase orders from suppliers, a partial and a full
 * receipt, a return of faulty monitors, payments), a transfer to 上海, the
 * first batch of 营销中心's office computers shipped and one monitor back
 * from it. Runs after demo_commerce, whose products and orders it uses;
 * everything goes through the engine and the declared actions, as a
 * warehouse clerk and a buyer would click it. */
#include <stdio.h>
#include <string.h>

#include "../entity/entity.h"
#include "../entity/entity_action.h"
#include "data.h"

/* One id found by a statement with one text parameter (0: none). */
static int64_t id_of(entity_ctx *c, const char *sql, const char *param, err *e)
{
    const char *params[] = {param};
    int64_t id = 0;
    return db_query_int64(c->db, sql, &id, e, 1, params) < 0 ? -1 : id;
}

static int64_t product(entity_ctx *c, const char *name, err *e)
{
    return id_of(c, "SELECT MIN(id) FROM products WHERE name = ? AND deleted_at IS NULL", name, e);
}

/* Runs a declared action; *made gets the id its result names, if any. */
static int action(entity_ctx *c, const char *entity, int64_t id, const char *name, json_t *body, int64_t *made,
                  err *e)
{
    json_t *out = NULL;
    if (!body) body = json_object(); /* an action without asked fields: an empty body, freed below */
    int rc = entity_action_run(c, meta_entity(c->m, entity), id, name, body, 0, &out, e);
    json_decref(body);
    const char *key;
    json_t *v;
    json_object_foreach(json_object_get(out, "result"), key, v) if (made && json_is_integer(v)) *made = json_integer_value(v);
    json_decref(out);
    return rc;
}

static int update(entity_ctx *c, const char *entity, int64_t id, json_t *body, err *e)
{
    int rc = entity_update(c, meta_entity(c->m, entity), id, body, 0, e);
    json_decref(body);
    return rc;
}

/* Software licences, services and delivery have no stock; goods get the
 * minimum their buyer keeps. */
static int product_types(entity_ctx *c, err *e)
{
    static const struct {
        const char *name, *type, *min;
    } P[] = {{"CRM 系统标准版", "service", NULL}, {"年度维保服务", "service", NULL}, {"上门安装调试", "service", NULL},
             {"运输配送", "service", NULL},        {"商务笔记本电脑", "goods", "20"},  {"台式工作站", "goods", "5"},
             {"27英寸显示器", "goods", "20"},       {"黑白激光打印机", "goods", "5"}};
    for (size_t i = 0; i < sizeof P / sizeof *P; i++) {
        int64_t id = product(c, P[i].name, e);
        if (id < 0) return -1;
        if (!id) continue;
        json_t *b = json_pack("{s:s}", "product_type", P[i].type);
        if (P[i].min) json_object_set_new(b, "min_stock", json_string(P[i].min));
        if (update(c, "products", id, b, e)) return -1;
    }
    return 0;
}

static int adjust(entity_ctx *c, int64_t p, int64_t w, const char *quantity, int day, const char *note, err *e)
{
    char date[16];
    demo_day(day, date, sizeof date);
    return demo_create(c, "stock_moves",
                       json_pack("{s:s,s:I,s:I,s:s,s:s,s:s}", "kind", "adjustment", "product_id", (json_int_t)p,
                                 "warehouse_id", (json_int_t)w, "quantity", quantity, "move_date", date, "note", note),
                       NULL, e);
}

/* Confirms document `id` (确认入库 / 确认发货 / 确认退货) from warehouse w on day. */
static int confirm(entity_ctx *c, const char *entity, const char *date_field, int64_t id, int64_t w, int day, err *e)
{
    char date[16];
    demo_day(day, date, sizeof date);
    return action(c, entity, id, "confirm", json_pack("{s:I,s:s}", "warehouse_id", (json_int_t)w, date_field, date),
                  NULL, e);
}

static int payment(entity_ctx *c, int64_t po, const char *amount, int day, const char *note, err *e)
{
    char date[16];
    demo_day(day, date, sizeof date);
    return demo_create(c, "payments",
                       json_pack("{s:I,s:s,s:s,s:s,s:s}", "purchase_order_id", (json_int_t)po, "amount", amount,
                                 "paid_on", date, "method", "transfer", "note", note),
                       NULL, e);
}

static int64_t first_line(entity_ctx *c, const char *sql, int64_t doc, err *e)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)doc);
    return id_of(c, sql, id, e);
}

/* 联想 delivers 15 of 20 laptops, half paid; 冠捷 delivers all 30 monitors,
 * two go back for light bleed, paid in full less those. */
static int purchasing(entity_ctx *c, int64_t beijing, int64_t laptop, int64_t monitor, err *e)
{
    int64_t lenovo = 0, aoc = 0, po = 0, doc = 0;
    char ordered[16], expected[16];
    demo_day(-24, ordered, sizeof ordered);
    demo_day(-10, expected, sizeof expected);
    if (demo_create(c, "accounts",
                    json_pack("{s:s,s:s,s:s}", "name", "联想（北京）信息技术有限公司", "type", "supplier", "phone",
                              "010-58868888"),
                    &lenovo, e) ||
        demo_create(c, "accounts",
                    json_pack("{s:s,s:s,s:s}", "name", "冠捷显示科技（武汉）有限公司", "type", "supplier", "phone",
                              "027-84562000"),
                    &aoc, e))
        return -1;
    /* laptops: a partial receipt, a deposit */
    if (demo_create(c, "purchase_orders",
                    json_pack("{s:s,s:I,s:s,s:s,s:[{s:I,s:s,s:s,s:i,s:i}]}", "subject", "第四季度笔记本电脑备货",
                              "account_id", (json_int_t)lenovo, "order_date", ordered, "expected_date", expected,
                              "lines", "product_id", (json_int_t)laptop, "quantity", "20", "unit", "台", "price",
                              8200, "tax_rate", 13),
                    &po, e) ||
        action(c, "purchase_orders", po, "place", NULL, NULL, e) ||
        action(c, "purchase_orders", po, "make_receipt", NULL, &doc, e))
        return -1;
    int64_t line = first_line(c, "SELECT MIN(id) FROM purchase_receipt_lines WHERE purchase_receipt_id = CAST(? AS BIGINT)", doc, e);
    if (line < 0 ||
        update(c, "purchase_receipts", doc,
               json_pack("{s:s,s:[{s:I,s:s}]}", "description", "首批到货 15 台，余 5 台下周到", "lines", "id",
                         (json_int_t)line, "quantity", "15"),
               e) ||
        confirm(c, "purchase_receipts", "receipt_date", doc, beijing, -14, e) ||
        payment(c, po, "92660", -20, "预付 50% 货款", e))
        return -1;
    /* monitors: all in, two returned, paid for what was kept */
    int64_t ret = 0;
    if (demo_create(c, "purchase_orders",
                    json_pack("{s:s,s:I,s:s,s:[{s:I,s:s,s:s,s:i,s:i}]}", "subject", "27英寸显示器集中采购",
                              "account_id", (json_int_t)aoc, "order_date", ordered, "lines", "product_id",
                              (json_int_t)monitor, "quantity", "30", "unit", "台", "price", 1700, "tax_rate", 13),
                    &po, e) ||
        action(c, "purchase_orders", po, "place", NULL, NULL, e) ||
        action(c, "purchase_orders", po, "make_receipt", NULL, &doc, e) ||
        confirm(c, "purchase_receipts", "receipt_date", doc, beijing, -16, e) ||
        action(c, "purchase_orders", po, "make_return", NULL, &ret, e))
        return -1;
    line = first_line(c, "SELECT MIN(id) FROM purchase_return_lines WHERE purchase_return_id = CAST(? AS BIGINT)", ret, e);
    return line < 0 ||
                   update(c, "purchase_returns", ret,
                          json_pack("{s:s,s:[{s:I,s:s}]}", "description", "两台屏幕漏光，退回厂家", "lines", "id",
                                    (json_int_t)line, "quantity", "2"),
                          e) ||
                   confirm(c, "purchase_returns", "return_date", ret, beijing, -12, e) ||
                   payment(c, po, "53788", -9, "货款（已扣除退货两台）", e)
               ? -1
               : 0;
}

/* 营销中心办公电脑采购 (in progress): the first 10 computers and 10
 * monitors go out of 北京总仓, one monitor comes back with dead pixels. */
static int shipping(entity_ctx *c, int64_t beijing, err *e)
{
    int64_t order = id_of(c, "SELECT MIN(id) FROM sales_orders WHERE subject = ? AND deleted_at IS NULL",
                          "营销中心办公电脑采购", e);
    if (order <= 0) return (int)order;
    int64_t ship = 0, back = 0;
    if (action(c, "sales_orders", order, "make_shipment", NULL, &ship, e)) return -1;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)ship);
    const char *params[] = {id};
    db_stmt *s = db_prepare(c->db, "SELECT id, order_line_id FROM shipment_lines WHERE shipment_id = CAST(? AS BIGINT)"
                                   " ORDER BY position", e);
    if (!s) return -1;
    db_bind_text(s, 1, params[0]);
    json_t *lines = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(lines, json_pack("{s:I,s:I,s:s}", "id", (json_int_t)db_column_int64(s, 0), "order_line_id",
                                               (json_int_t)db_column_int64(s, 1), "quantity", "10"));
    db_finalize(s);
    if (update(c, "shipments", ship,
               json_pack("{s:s,s:s,s:s,s:o}", "carrier", "顺丰速运", "tracking_no", "SF1402837765521", "address",
                         "北京市朝阳区望京SOHO T3 营销中心 12 层", "lines", lines),
               e) ||
        confirm(c, "shipments", "ship_date", ship, beijing, -7, e) ||
        action(c, "sales_orders", order, "make_return", NULL, &back, e))
        return -1;
    int64_t monitor_line = first_line(c,
                                      "SELECT MAX(r.id) FROM sales_return_lines r JOIN products p ON p.id = r.product_id"
                                      " WHERE r.sales_return_id = CAST(? AS BIGINT) AND p.name = '27英寸显示器'",
                                      back, e);
    if (monitor_line <= 0) return (int)monitor_line;
    return update(c, "sales_returns", back,
                  json_pack("{s:s,s:[{s:I,s:s}]}", "reason", "一台显示器有坏点，客户退回", "lines", "id",
                            (json_int_t)monitor_line, "quantity", "1"),
                  e) ||
                   confirm(c, "sales_returns", "return_date", back, beijing, -3, e)
               ? -1
               : 0;
}

int demo_stock(entity_ctx *c, err *e)
{
    int64_t bj = 0, sh = 0, gz = 0;
    if (product_types(c, e) ||
        demo_create(c, "warehouses",
                    json_pack("{s:s,s:s,s:b}", "name", "北京总仓", "address", "北京市大兴区亦庄经济开发区科创十三街 18 号",
                              "is_default", 1),
                    &bj, e) ||
        demo_create(c, "warehouses", json_pack("{s:s,s:s}", "name", "上海分仓", "address", "上海市嘉定区马陆镇宝安公路 2999 号"),
                    &sh, e) ||
        demo_create(c, "warehouses", json_pack("{s:s,s:s}", "name", "广州分仓", "address", "广州市白云区太和镇广从七路 88 号"),
                    &gz, e))
        return -1;
    int64_t laptop = product(c, "商务笔记本电脑", e), station = product(c, "台式工作站", e),
            monitor = product(c, "27英寸显示器", e), printer = product(c, "黑白激光打印机", e);
    if (laptop <= 0 || station <= 0 || monitor <= 0 || printer <= 0) return laptop < 0 || station < 0 || monitor < 0 || printer < 0 ? -1 : 0;
    const char *opening = "期初盘点";
    char moved[16];
    demo_day(-10, moved, sizeof moved);
    return adjust(c, laptop, bj, "12", -60, opening, e) || adjust(c, laptop, sh, "6", -60, opening, e) ||
                   adjust(c, station, bj, "8", -60, opening, e) || adjust(c, monitor, bj, "4", -60, opening, e) ||
                   adjust(c, printer, gz, "3", -60, opening, e) ||
                   adjust(c, printer, gz, "-1", -30, "盘亏：样机损坏报废", e) ||
                   purchasing(c, bj, laptop, monitor, e) ||
                   demo_create(c, "stock_transfers",
                               json_pack("{s:I,s:s,s:I,s:I,s:s,s:s}", "product_id", (json_int_t)laptop, "quantity", "5",
                                         "from_warehouse_id", (json_int_t)bj, "to_warehouse_id", (json_int_t)sh,
                                         "transfer_date", moved, "note", "华东区备货"),
                               NULL, e) ||
                   shipping(c, bj, e)
               ? -1
               : 0;
}
