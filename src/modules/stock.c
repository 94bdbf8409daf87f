/* stock.c - see stock.h. */
#include "stock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../acl/acl.h"
#include "../entity/entity_action.h"
#include "../entity/hooks.h"
#include "../entity/value.h"
#include "../util/clock.h"

#define LINES_READ_MAX 1000 /* a document's lines: the engine's LINES_MAX */

static int refuse_field(err *e, const char *field, const char *reason, const char *zh, const char *en)
{
    err_add_field(e, field, reason);
    return err_set(e, 422, "validation_failed", zh, en);
}

static db_stmt *prepared(entity_ctx *c, query *q, err *e)
{
    db_stmt *s = db_prepare(c->db, sb_str(&q->sql), e);
    if (s) query_bind_all(q, s);
    query_free(q);
    return s;
}

/* Today in Beijing, "YYYY-MM-DD": the date a move or shipment takes when
 * none is given. */
static void today(char out[11])
{
    time_t t = time(NULL) + CHINA_OFFSET_SECONDS;
    struct tm tm;
    strftime(out, 11, "%Y-%m-%d", gmtime_r(&t, &tm));
}

static void quantity_text(int64_t q, strbuf *sb)
{
    decimal_format(q, 2, sb);
}

static json_t *quantity_json(int64_t q)
{
    strbuf sb = STRBUF_INIT;
    quantity_text(q, &sb);
    json_t *v = json_string(sb_str(&sb));
    sb_free(&sb);
    return v;
}

/* A product of the user's company: 1 a service (服务, no stock), 0 goods
 * (also a product from before types, or one not found: the engine's link
 * check answers that), -1 error. */
static int product_is_service(entity_ctx *c, int64_t product_id, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT product_type FROM products t WHERE t.id = ");
    query_bind_int(&q, product_id);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    db_stmt *s = prepared(c, &q, e);
    if (!s) return -1;
    int step = db_step(s);
    int service = step == DB_ROW && !db_column_is_null(s, 0) && strcmp(db_column_text(s, 0), "service") == 0;
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取产品失败", "Cannot read the product") : service;
}

static int refuse_service(err *e, const char *field)
{
    return refuse_field(e, field, "service", "服务类产品没有库存，不能出入库",
                        "A service has no stock and cannot be moved in or out");
}

/* ---- the stock ledger ---- */

/* A move names goods, a quantity that is not zero, and a date (today when
 * none is given). (By hand only a 盘点调整: the other kinds are the
 * field's server_values, written by their documents.) */
static int move_sane(entity_ctx *c, hook_change *ch, err *e)
{
    const sql_value *q = hook_value(ch, "quantity");
    if (q && q->kind == SV_INT && q->i == 0)
        return refuse_field(e, "quantity", "zero", "数量不能为零", "The quantity cannot be zero");
    int64_t product = hook_int(ch, "product_id", 0);
    int service = product ? product_is_service(c, product, e) : 0;
    if (service) return service < 0 ? -1 : refuse_service(e, "product_id");
    if (!hook_text(ch, "move_date")) {
        char day[11];
        today(day);
        return hook_set_text(ch, "move_date", day, e);
    }
    return 0;
}

/* A stock move written by a document, as the server: `kind`, signed
 * `quantity`, and the link back to the document. */
static int write_move(entity_ctx *c, const char *kind, int64_t product, int64_t warehouse, int64_t quantity,
                      const char *date, const char *link_field, int64_t link_id, int64_t order_line, const char *note,
                      err *e)
{
    const entity_def *moves = meta_entity(c->m, "stock_moves");
    if (!moves) return err_set(e, 500, "bad_metadata", "缺少库存流水定义", "stock_moves is not declared");
    json_t *body = json_object();
    json_object_set_new(body, "kind", json_string(kind));
    json_object_set_new(body, "product_id", json_integer(product));
    json_object_set_new(body, "warehouse_id", json_integer(warehouse));
    json_object_set_new(body, "quantity", quantity_json(quantity));
    if (date) json_object_set_new(body, "move_date", json_string(date));
    if (link_field) json_object_set_new(body, link_field, json_integer(link_id));
    if (order_line) json_object_set_new(body, "order_line_id", json_integer(order_line));
    if (note) json_object_set_new(body, "note", json_string(note));
    entity_ctx server = *c;
    server.trusted = 1;
    server.as_line = 0;
    int64_t id;
    int rc = entity_create(&server, moves, body, &id, e);
    json_decref(body);
    return rc;
}

/* ---- transfers (调拨单) ---- */

static int transfer_sane(entity_ctx *c, hook_change *ch, err *e)
{
    const sql_value *q = hook_value(ch, "quantity");
    if (q && q->kind == SV_INT && q->i <= 0)
        return refuse_field(e, "quantity", "not_positive", "调拨数量必须大于零", "The quantity must be above zero");
    int64_t from = hook_int(ch, "from_warehouse_id", 0), to = hook_int(ch, "to_warehouse_id", 0);
    if (from && from == to)
        return refuse_field(e, "to_warehouse_id", "same_warehouse", "调入仓库不能与调出仓库相同",
                            "The transfer must go to another warehouse");
    int64_t product = hook_int(ch, "product_id", 0);
    int service = product ? product_is_service(c, product, e) : 0;
    if (service) return service < 0 ? -1 : refuse_service(e, "product_id");
    if (!hook_text(ch, "transfer_date")) {
        char day[11];
        today(day);
        return hook_set_text(ch, "transfer_date", day, e);
    }
    return 0;
}

/* Out of one warehouse, into the other, in the transfer's transaction:
 * the outgoing move may not take the warehouse below zero. */
static int transfer_moves(entity_ctx *c, hook_change *ch, err *e)
{
    int64_t id = hook_id(ch), product = hook_int(ch, "product_id", 0), q = hook_int(ch, "quantity", 0);
    const char *date = hook_text(ch, "transfer_date"), *note = hook_text(ch, "note");
    return write_move(c, "transfer", product, hook_int(ch, "from_warehouse_id", 0), -q, date, "transfer_id", id, 0,
                      note, e) ||
                   write_move(c, "transfer", product, hook_int(ch, "to_warehouse_id", 0), q, date, "transfer_id", id,
                              0, note, e)
               ? -1
               : 0;
}

/* ---- shipments (发货单) ---- */

typedef struct order_state {
    char status[32];
    int64_t account_id;
} order_state;

/* A live order of the user's company, its row locked on PostgreSQL when
 * `lock`: 1 found, 0 not, -1 error. */
static int order_state_of(entity_ctx *c, int64_t order_id, int lock, order_state *out, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT status, account_id FROM sales_orders t WHERE t.id = ");
    query_bind_int(&q, order_id);
    query_sql(&q, " AND t.deleted_at IS NULL AND ");
    acl_company_predicate(c->user, "t", &q);
    if (lock && db_dialect_of(c->db) == DB_POSTGRES) query_sql(&q, " FOR UPDATE");
    db_stmt *s = prepared(c, &q, e);
    if (!s) return -1;
    int step = db_step(s), found = step == DB_ROW;
    if (found) {
        snprintf(out->status, sizeof out->status, "%s", db_column_is_null(s, 0) ? "" : db_column_text(s, 0));
        out->account_id = db_column_int64(s, 1);
    }
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取订单失败", "Cannot read the order") : found;
}

static int order_shippable(const order_state *o, err *e)
{
    if (strcmp(o->status, "cancelled") == 0)
        return refuse_field(e, "sales_order_id", "cancelled", "已取消的订单不能发货", "A cancelled order is not shipped");
    if (strcmp(o->status, "approved") != 0 && strcmp(o->status, "executing") != 0)
        return refuse_field(e, "sales_order_id", "not_shippable", "只有已审批或执行中的订单才能发货",
                            "Only an approved order or one in progress can be shipped");
    return 0;
}

/* A shipment belongs to a shippable order and its customer; its order
 * never changes. */
static int shipment_follows_order(entity_ctx *c, hook_change *ch, err *e)
{
    if (hook_event(ch) == ON_UPDATE) {
        if (hook_changed(ch, "sales_order_id"))
            return refuse_field(e, "sales_order_id", "read_only", "发货单所属的订单不能更改",
                                "A shipment cannot move to another order");
        return 0;
    }
    int64_t order_id = hook_int(ch, "sales_order_id", 0);
    if (!order_id) return 0; /* required: the engine says so */
    order_state o;
    int found = order_state_of(c, order_id, 0, &o, e);
    if (found <= 0) return found; /* not found: the engine's link check answers */
    return order_shippable(&o, e) || hook_set_int(ch, "account_id", o.account_id, e) ? -1 : 0;
}

typedef struct order_line {
    int64_t id, quantity, shipped, product_id;
    int service;
    const char *unit, *description;
} order_line;

/* Line `line_id` of order `order_id` with what is shipped of it: 1
 * found, 0 not a line of that order, -1 error. */
static int order_line_of(entity_ctx *c, int64_t order_id, int64_t line_id, order_line *out, err *e)
{
    db_stmt *s = db_prepare(c->db,
                            "SELECT l.quantity, COALESCE(l.shipped_quantity, 0), l.product_id, l.unit, l.description,"
                            " p.product_type FROM sales_order_lines l LEFT JOIN products p ON p.id = l.product_id"
                            " WHERE l.id = ? AND l.sales_order_id = ? AND l.deleted_at IS NULL",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, line_id);
    db_bind_int64(s, 2, order_id);
    int step = db_step(s), found = step == DB_ROW;
    if (found) {
        out->id = line_id;
        out->quantity = db_column_int64(s, 0);
        out->shipped = db_column_int64(s, 1);
        out->product_id = db_column_is_null(s, 2) ? 0 : db_column_int64(s, 2);
        out->unit = db_column_is_null(s, 3) ? NULL : arena_strdup(c->a, db_column_text(s, 3));
        out->description = db_column_is_null(s, 4) ? NULL : arena_strdup(c->a, db_column_text(s, 4));
        out->service = !out->product_id || (!db_column_is_null(s, 5) && strcmp(db_column_text(s, 5), "service") == 0);
    }
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取订单明细失败", "Cannot read the order line") : found;
}

static int64_t order_of_shipment(entity_ctx *c, int64_t shipment_id, err *e)
{
    db_stmt *s = db_prepare(c->db, "SELECT sales_order_id FROM shipments WHERE id = ?", e);
    if (!s) return -1;
    db_bind_int64(s, 1, shipment_id);
    int step = db_step(s);
    int64_t id = step == DB_ROW ? db_column_int64(s, 0) : 0;
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取发货单失败", "Cannot read the shipment") : id;
}

/* Never more than ordered less what is already shipped. */
static int within_unshipped(const order_line *ol, int64_t quantity, err *e)
{
    if (quantity <= ol->quantity - ol->shipped) return 0;
    strbuf left = STRBUF_INIT;
    quantity_text(ol->quantity - ol->shipped, &left);
    err_add_field(e, "quantity", "exceeds_ordered");
    err_setf(e, 422, "validation_failed", "发货数量超过订单未发货数量 %s", "More than the %s still to ship on the order",
             sb_str(&left), sb_str(&left));
    sb_free(&left);
    return -1;
}

/* A shipment line is a goods line of the shipment's order, above zero and
 * within what is still to ship; product, unit and description come from
 * the order line. */
static int shipment_line_from_order(entity_ctx *c, hook_change *ch, err *e)
{
    int64_t quantity = hook_int(ch, "quantity", 0);
    if (hook_value(ch, "quantity") && quantity <= 0)
        return refuse_field(e, "quantity", "not_positive", "发货数量必须大于零", "The quantity must be above zero");
    int64_t order_id = order_of_shipment(c, hook_int(ch, "shipment_id", 0), e);
    if (order_id < 0) return -1;
    order_line ol = {0};
    int found = order_id ? order_line_of(c, order_id, hook_int(ch, "order_line_id", 0), &ol, e) : 0;
    if (found < 0) return -1;
    if (!found)
        return refuse_field(e, "order_line_id", "not_in_order", "发货明细必须是本发货单所属订单的明细行",
                            "A shipment line must be a line of the shipment's order");
    if (ol.service) return refuse_service(e, "order_line_id");
    if (within_unshipped(&ol, quantity, e)) return -1;
    if (hook_event(ch) == ON_CREATE && !hook_changed(ch, "description") && ol.description &&
        hook_set_text(ch, "description", ol.description, e))
        return -1;
    return hook_set_int(ch, "product_id", ol.product_id, e) || (ol.unit && hook_set_text(ch, "unit", ol.unit, e)) ? -1
                                                                                                                   : 0;
}

/* The order after a shipment: 执行中 once something left, 已发货 when no
 * goods line has anything left to ship. */
static int order_follows_shipment(entity_ctx *c, int64_t order_id, const char *status, err *e)
{
    db_stmt *s = db_prepare(c->db,
                            "SELECT COUNT(*) FROM sales_order_lines l JOIN products p ON p.id = l.product_id"
                            " WHERE l.sales_order_id = ? AND l.deleted_at IS NULL"
                            " AND COALESCE(p.product_type, 'goods') <> 'service'"
                            " AND l.quantity > COALESCE(l.shipped_quantity, 0)",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, order_id);
    int step = db_step(s);
    int64_t open_lines = step == DB_ROW ? db_column_int64(s, 0) : 0;
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "读取订单明细失败", "Cannot read the order lines");
    const entity_def *orders = meta_entity(c->m, "sales_orders");
    entity_ctx server = *c;
    server.trusted = 1;
    json_t *body = json_object();
    int rc = 0;
    if (strcmp(status, "approved") == 0) {
        json_object_set_new(body, "status", json_string("executing"));
        rc = entity_update(&server, orders, order_id, body, 0, e);
    }
    if (!rc && open_lines == 0) {
        json_object_set_new(body, "status", json_string("shipped"));
        rc = entity_update(&server, orders, order_id, body, 0, e);
    }
    json_decref(body);
    return rc;
}

/* An error of line k's move, named at the line: lines[k].quantity. */
static int at_line(err *e, int k)
{
    char msg_zh[sizeof e->zh + 32];
    snprintf(msg_zh, sizeof msg_zh, "第 %d 行：%s", k + 1, e->zh);
    memcpy(e->zh, msg_zh, sizeof e->zh - 1); /* cut like any message, at the buffer's end */
    e->zh[sizeof e->zh - 1] = 0;
    for (int i = 0; i < e->nfields; i++) {
        char name[64];
        snprintf(name, sizeof name, "lines[%d].%.40s", k, e->fields[i].name);
        snprintf(e->fields[i].name, sizeof e->fields[i].name, "%s", name);
    }
    return -1;
}

/* 确认发货: one move out of the warehouse per line, within what is still
 * to ship (checked again here, under the order's lock: two drafts of one
 * order may each fit alone), then the order's state. */
static int confirm_shipment(entity_ctx *c, const entity_def *ent, const action_def *act, int64_t id, json_t *record,
                            json_t *body, json_t *changes, json_t *result, err *e)
{
    (void)ent;
    (void)act;
    (void)result;
    int64_t order_id = json_integer_value(json_object_get(record, "sales_order_id"));
    json_t *wh = json_object_get(body, "warehouse_id");
    int64_t warehouse = json_is_integer(wh) ? json_integer_value(wh)
                                            : json_integer_value(json_object_get(record, "warehouse_id"));
    const char *date = json_string_value(json_object_get(body, "ship_date"));
    if (!date) date = json_string_value(json_object_get(record, "ship_date"));
    char day[11];
    if (!date) {
        today(day);
        date = day;
        json_object_set_new(changes, "ship_date", json_string(day));
    }
    order_state o;
    int found = order_state_of(c, order_id, 1, &o, e);
    if (found <= 0) return found < 0 ? -1 : refuse_field(e, "sales_order_id", "not_found", "订单不存在", "No such order");
    if (order_shippable(&o, e)) return -1;
    db_stmt *s = db_prepare(c->db,
                            "SELECT order_line_id, quantity FROM shipment_lines WHERE shipment_id = ?"
                            " AND deleted_at IS NULL ORDER BY position",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, id);
    int64_t lines[LINES_READ_MAX][2];
    int n = 0, step;
    while ((step = db_step(s)) == DB_ROW && n < LINES_READ_MAX) {
        lines[n][0] = db_column_int64(s, 0);
        lines[n][1] = db_column_int64(s, 1);
        n++;
    }
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "读取发货明细失败", "Cannot read the shipment lines");
    if (!n) return refuse_field(e, "lines", "required", "发货单没有明细，不能发货", "The shipment has no lines to ship");
    const char *code = json_string_value(json_object_get(record, "code"));
    for (int k = 0; k < n; k++) {
        order_line ol = {0};
        int ok = order_line_of(c, order_id, lines[k][0], &ol, e);
        if (ok < 0) return -1;
        if (!ok) {
            refuse_field(e, "order_line_id", "not_in_order", "订单明细行已不存在", "The order line is gone");
            return at_line(e, k);
        }
        if (within_unshipped(&ol, lines[k][1], e) ||
            write_move(c, "shipment", ol.product_id, warehouse, -lines[k][1], date, "shipment_id", id, ol.id, code, e))
            return at_line(e, k);
    }
    return order_follows_shipment(c, order_id, o.status, e);
}

/* 发货 on an order: a draft shipment of every goods line with something
 * left to ship, from the default warehouse when there is one. */
static int64_t default_warehouse(entity_ctx *c, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT id FROM warehouses t WHERE t.deleted_at IS NULL AND t.is_default = ");
    query_bind_int(&q, 1);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    query_sql(&q, " ORDER BY t.id LIMIT 1");
    db_stmt *s = prepared(c, &q, e);
    if (!s) return -1;
    int step = db_step(s);
    int64_t id = step == DB_ROW ? db_column_int64(s, 0) : 0;
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取仓库失败", "Cannot read the warehouses") : id;
}

static int make_shipment(entity_ctx *c, const entity_def *ent, const action_def *act, int64_t id, json_t *record,
                         json_t *body, json_t *changes, json_t *result, err *e)
{
    (void)ent;
    (void)act;
    (void)body;
    (void)changes;
    (void)record;
    db_stmt *s = db_prepare(c->db,
                            "SELECT l.id, l.quantity - COALESCE(l.shipped_quantity, 0) FROM sales_order_lines l"
                            " JOIN products p ON p.id = l.product_id WHERE l.sales_order_id = ? AND l.deleted_at IS NULL"
                            " AND COALESCE(p.product_type, 'goods') <> 'service'"
                            " AND l.quantity > COALESCE(l.shipped_quantity, 0) ORDER BY l.position",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, id);
    json_t *lines = json_array();
    int step;
    while ((step = db_step(s)) == DB_ROW) {
        json_t *line = json_object();
        json_object_set_new(line, "order_line_id", json_integer(db_column_int64(s, 0)));
        json_object_set_new(line, "quantity", quantity_json(db_column_int64(s, 1)));
        json_array_append_new(lines, line);
    }
    db_finalize(s);
    int rc = -1;
    int64_t warehouse = step < 0 ? -1 : default_warehouse(c, e);
    if (step < 0) err_set(e, 500, "db_error", "读取订单明细失败", "Cannot read the order lines");
    else if (warehouse < 0) {
    } else if (!json_array_size(lines)) {
        err_set(e, 422, "nothing_to_ship", "订单的商品都已发货（服务类产品不发货）",
                "Every goods line of the order is shipped (services are not shipped)");
    } else {
        json_t *ship = json_object();
        json_object_set_new(ship, "sales_order_id", json_integer(id));
        if (warehouse) json_object_set_new(ship, "warehouse_id", json_integer(warehouse));
        json_object_set(ship, "lines", lines);
        int64_t ship_id = 0;
        const entity_def *shipments = meta_entity(c->m, "shipments");
        rc = entity_create(c, shipments, ship, &ship_id, e); /* the customer follows the order */
        json_decref(ship);
        if (!rc) json_object_set_new(result, "shipment_id", json_integer(ship_id));
    }
    json_decref(lines);
    return rc;
}

/* ---- settings ---- */

#define ALLOW_NEGATIVE_KEY "stock.allow_negative" /* stock_moves.json, balance on_hand */

int stock_settings_json(entity_ctx *c, strbuf *out, err *e)
{
    db_stmt *s = db_prepare(c->db, "SELECT value FROM company_settings WHERE company_id = ? AND key = ?", e);
    if (!s) return -1;
    db_bind_int64(s, 1, c->user->company_id);
    db_bind_text(s, 2, ALLOW_NEGATIVE_KEY);
    int step = db_step(s);
    int on = step == DB_ROW && !db_column_is_null(s, 0) && strcmp(db_column_text(s, 0), "true") == 0;
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "读取公司设置失败", "Cannot read the company settings");
    sb_printf(out, "{\"allow_negative\":%s}", on ? "true" : "false");
    return 0;
}

int stock_settings_set(entity_ctx *c, int allow_negative, err *e)
{
    db_stmt *s = db_prepare(c->db,
                            "INSERT INTO company_settings(company_id, key, value) VALUES (?, ?, ?) "
                            "ON CONFLICT (company_id, key) DO UPDATE SET value = excluded.value",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, c->user->company_id);
    db_bind_text(s, 2, ALLOW_NEGATIVE_KEY);
    db_bind_text(s, 3, allow_negative ? "true" : "false");
    int step = db_step(s);
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "保存公司设置失败", "Cannot save the company settings") : 0;
}

void stock_init(void)
{
    entity_before("stock_moves", ON_CREATE, move_sane);
    entity_before("stock_transfers", ON_CREATE, transfer_sane);
    entity_after("stock_transfers", ON_CREATE, transfer_moves);
    entity_before("shipments", ON_WRITE, shipment_follows_order);
    entity_before("shipment_lines", ON_WRITE, shipment_line_from_order);
    entity_register_action("shipment_confirm", confirm_shipment);
    entity_register_action("order_make_shipment", make_shipment);
}
