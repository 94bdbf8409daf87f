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
#include "order_money.h"

#define LINES_READ_MAX 1000 /* a document's lines: the engine's LINES_MAX */

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

/* (A product not found is the engine's link check to answer.) */
int stock_product_is_service(entity_ctx *c, int64_t product_id, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT product_type FROM products t WHERE t.id = ");
    query_bind_int(&q, product_id);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    db_stmt *s = query_prepare(c->db, &q, e);
    if (!s) return -1;
    int step = db_step(s);
    int service = step == DB_ROW && !db_column_is_null(s, 0) && strcmp(db_column_text(s, 0), "service") == 0;
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取产品失败", "Cannot read the product") : service;
}

static int refuse_service(err *e, const char *field)
{
    return err_invalid(e, field, "service", "服务类产品没有库存，不能出入库",
                        "A service has no stock and cannot be moved in or out");
}

/* ---- the stock ledger ---- */

/* A move names goods and a quantity that is not zero (its date is today
 * when none is given: the metadata's default). (By hand only a 盘点调整: the other kinds are the
 * field's server_values, written by their documents.) */
static int move_sane(entity_ctx *c, hook_change *ch, err *e)
{
    const sql_value *q = hook_value(ch, "quantity");
    if (q && q->kind == SV_INT && q->i == 0)
        return err_invalid(e, "quantity", "zero", "数量不能为零", "The quantity cannot be zero");
    int64_t product = hook_int(ch, "product_id", 0);
    int service = product ? stock_product_is_service(c, product, e) : 0;
    return service ? (service < 0 ? -1 : refuse_service(e, "product_id")) : 0;
}

/* A stock move written by a document, as the server: `kind`, signed
 * `quantity`, and the link back to the document. */
static int write_move(entity_ctx *c, const char *kind, int64_t product, int64_t warehouse, int64_t quantity,
                      const char *date, const char *link_field, int64_t link_id, const char *line_field,
                      int64_t line_id, const char *note, err *e)
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
    if (line_field) json_object_set_new(body, line_field, json_integer(line_id));
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
        return err_invalid(e, "quantity", "not_positive", "调拨数量必须大于零", "The quantity must be above zero");
    int64_t from = hook_int(ch, "from_warehouse_id", 0), to = hook_int(ch, "to_warehouse_id", 0);
    if (from && from == to)
        return err_invalid(e, "to_warehouse_id", "same_warehouse", "调入仓库不能与调出仓库相同",
                            "The transfer must go to another warehouse");
    int64_t product = hook_int(ch, "product_id", 0);
    int service = product ? stock_product_is_service(c, product, e) : 0;
    return service ? (service < 0 ? -1 : refuse_service(e, "product_id")) : 0;
}

/* Out of one warehouse, into the other, in the transfer's transaction:
 * the outgoing move may not take the warehouse below zero. */
static int transfer_moves(entity_ctx *c, hook_change *ch, err *e)
{
    int64_t id = hook_id(ch), product = hook_int(ch, "product_id", 0), q = hook_int(ch, "quantity", 0);
    const char *date = hook_text(ch, "transfer_date"), *note = hook_text(ch, "note");
    return write_move(c, "transfer", product, hook_int(ch, "from_warehouse_id", 0), -q, date, "transfer_id", id, NULL,
                      0, note, e) ||
                   write_move(c, "transfer", product, hook_int(ch, "to_warehouse_id", 0), q, date, "transfer_id", id,
                              NULL, 0, note, e)
               ? -1
               : 0;
}

/* ---- documents that move stock against an order's lines ---- */

/* 发货单, 采购入库单, 采购退货单 (and 销售退货单) are one shape: a
 * document of an order, whose lines name lines of that order and take
 * at most what is left of them (`cap`, over the order line `l`); 确认
 * writes one move per line, of `kind`, out of (-1) or into (+1) the
 * warehouse; and the order may follow (its first document moves it from
 * `start_from` to `start_to`, the one that leaves nothing to `all_done`).
 * A stock move names the document by the field `parent` and the order
 * line by `line_ref`, as the document's lines do. */
typedef struct stock_doc {
    const char *entity, *lines, *parent;
    const char *orders, *order_field, *order_lines, *line_ref, *line_text;
    const char *cap, *kind;
    int sign;
    const char *date_field;
    const char *states; /* the order states it is made in, each between spaces */
    const char *draft_action; /* the order's action that drafts one */
    const char *start_from, *start_to, *all_done;
    const char *reason, *state_zh, *state_en, *over_zh, *over_en;
    /* what else confirming does, in its transaction (a return's refund) */
    int (*after)(entity_ctx *c, const struct stock_doc *d, int64_t id, int64_t order_id, const char *code,
                 const char *date, json_t *changes, json_t *result, err *e);
} stock_doc;

static int refund_return(entity_ctx *c, const stock_doc *d, int64_t id, int64_t order_id, const char *code,
                         const char *date, json_t *changes, json_t *result, err *e);

static const stock_doc DOCS[] = {
    {"shipments", "shipment_lines", "shipment_id", "sales_orders", "sales_order_id", "sales_order_lines",
     "order_line_id", "l.description", "l.quantity - COALESCE(l.shipped_quantity, 0)", "shipment", -1, "ship_date",
     " approved executing ", "make_shipment", "approved", "executing", "shipped", "not_shippable",
     "只有已审批或执行中的订单才能发货", "Only an approved order or one in progress can be shipped",
     "发货数量超过订单未发货数量 %s", "More than the %s still to ship on the order", NULL},
    {"purchase_receipts", "purchase_receipt_lines", "purchase_receipt_id", "purchase_orders", "purchase_order_id",
     "purchase_order_lines", "purchase_line_id", "NULL", "l.quantity - COALESCE(l.received_quantity, 0)",
     "purchase_in", 1, "receipt_date", " ordered ", "make_receipt", NULL, NULL, "received", "not_receivable",
     "只有已下单的采购订单才能入库", "Only a placed purchase order is received",
     "入库数量超过采购订单未入库数量 %s", "More than the %s still to receive on the purchase order", NULL},
    {"purchase_returns", "purchase_return_lines", "purchase_return_id", "purchase_orders", "purchase_order_id",
     "purchase_order_lines", "purchase_line_id", "NULL",
     "COALESCE(l.received_quantity, 0) - COALESCE(l.returned_quantity, 0)", "purchase_return", -1, "return_date",
     " ordered received closed ", "make_return", NULL, NULL, NULL, "not_returnable",
     "只有已下单的采购订单才能退货", "Only a placed purchase order has returns",
     "退货数量超过已入库未退货数量 %s", "More than the %s received and not returned", NULL},
    {"sales_returns", "sales_return_lines", "sales_return_id", "sales_orders", "sales_order_id", "sales_order_lines",
     "order_line_id", "l.description", "COALESCE(l.shipped_quantity, 0) - COALESCE(l.returned_quantity, 0)",
     "sales_return", 1, "return_date", " executing shipped completed ", "make_return", NULL, NULL, NULL,
     "not_returnable", "只有已发货的订单才能退货", "Only an order that was shipped has returns",
     "退货数量超过已发货未退货数量 %s", "More than the %s shipped and not returned", refund_return},
};
#define NDOCS (sizeof DOCS / sizeof *DOCS)

static const stock_doc *doc_of(const char *entity)
{
    for (size_t i = 0; i < NDOCS; i++)
        if (strcmp(DOCS[i].entity, entity) == 0) return &DOCS[i];
    return NULL;
}

static const stock_doc *doc_of_lines(const char *lines)
{
    for (size_t i = 0; i < NDOCS; i++)
        if (strcmp(DOCS[i].lines, lines) == 0) return &DOCS[i];
    return NULL;
}

typedef struct order_state {
    char status[32];
    int64_t account_id;
} order_state;

/* A live order of the user's company, its row locked on PostgreSQL when
 * `lock`: 1 found, 0 not, -1 error. */
static int order_state_of(entity_ctx *c, const stock_doc *d, int64_t order_id, int lock, order_state *out, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sqlf(&q, "SELECT status, account_id FROM %s t WHERE t.id = ", d->orders);
    query_bind_int(&q, order_id);
    query_sql(&q, " AND t.deleted_at IS NULL AND ");
    acl_company_predicate(c->user, "t", &q);
    if (lock && db_dialect_of(c->db) == DB_POSTGRES) query_sql(&q, " FOR UPDATE");
    db_stmt *s = query_prepare(c->db, &q, e);
    if (!s) return -1;
    int step = db_step(s), found = step == DB_ROW;
    if (found) {
        snprintf(out->status, sizeof out->status, "%s", db_column_is_null(s, 0) ? "" : db_column_text(s, 0));
        out->account_id = db_column_int64(s, 1);
    }
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取订单失败", "Cannot read the order") : found;
}

static int order_state_fits(const stock_doc *d, const order_state *o, err *e)
{
    if (strcmp(o->status, "cancelled") == 0)
        return err_invalid(e, d->order_field, "cancelled", "已取消的订单不能再出入库",
                            "A cancelled order has no more stock movements");
    char word[40];
    snprintf(word, sizeof word, " %s ", o->status);
    return strstr(d->states, word) ? 0 : err_invalid(e, d->order_field, d->reason, d->state_zh, d->state_en);
}

/* A document belongs to an order in the right state and to its customer
 * or supplier; its order never changes. */
static int doc_follows_order(entity_ctx *c, hook_change *ch, err *e)
{
    const stock_doc *d = doc_of(hook_entity(ch)->name);
    if (hook_event(ch) == ON_UPDATE) {
        if (hook_changed(ch, d->order_field))
            return err_invalid(e, d->order_field, "read_only", "单据所属的订单不能更改",
                                "A document cannot move to another order");
        return 0;
    }
    int64_t order_id = hook_int(ch, d->order_field, 0);
    if (!order_id) return 0; /* required: the engine says so */
    order_state o;
    int found = order_state_of(c, d, order_id, 0, &o, e);
    if (found <= 0) return found; /* not found: the engine's link check answers */
    return order_state_fits(d, &o, e) || hook_set_int(ch, "account_id", o.account_id, e) ? -1 : 0;
}

typedef struct order_line {
    int64_t id, left, product_id, price, tax_rate;
    int service;
    const char *unit, *description;
} order_line;

/* Line `line_id` of order `order_id` with what is left of it for this
 * kind of document: 1 found, 0 not a line of that order, -1 error. */
static int order_line_of(entity_ctx *c, const stock_doc *d, int64_t order_id, int64_t line_id, order_line *out,
                         err *e)
{
    char sql[600];
    snprintf(sql, sizeof sql,
             "SELECT %s, l.product_id, l.unit, %s, p.product_type, l.price, l.tax_rate FROM %s l"
             " LEFT JOIN products p ON p.id = l.product_id"
             " WHERE l.id = ? AND l.%s = ? AND l.deleted_at IS NULL",
             d->cap, d->line_text, d->order_lines, d->order_field);
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    db_bind_int64(s, 1, line_id);
    db_bind_int64(s, 2, order_id);
    int step = db_step(s), found = step == DB_ROW;
    if (found) {
        out->id = line_id;
        out->left = db_column_int64(s, 0);
        out->product_id = db_column_is_null(s, 1) ? 0 : db_column_int64(s, 1);
        out->unit = db_column_is_null(s, 2) ? NULL : arena_strdup(c->a, db_column_text(s, 2));
        out->description = db_column_is_null(s, 3) ? NULL : arena_strdup(c->a, db_column_text(s, 3));
        out->service = !out->product_id || (!db_column_is_null(s, 4) && strcmp(db_column_text(s, 4), "service") == 0);
        out->price = db_column_is_null(s, 5) ? 0 : db_column_int64(s, 5);
        out->tax_rate = db_column_is_null(s, 6) ? 0 : db_column_int64(s, 6);
    }
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取订单明细失败", "Cannot read the order line") : found;
}

static int64_t order_of_doc(entity_ctx *c, const stock_doc *d, int64_t doc_id, err *e)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE id = ?", d->order_field, d->entity);
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    db_bind_int64(s, 1, doc_id);
    int step = db_step(s);
    int64_t id = step == DB_ROW ? db_column_int64(s, 0) : 0;
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取单据失败", "Cannot read the document") : id;
}

static int within_left(const stock_doc *d, const order_line *ol, int64_t quantity, err *e)
{
    if (quantity <= ol->left) return 0;
    strbuf left = STRBUF_INIT;
    quantity_text(ol->left, &left);
    err_add_field(e, "quantity", "exceeds_ordered");
    err_setf(e, 422, "validation_failed", d->over_zh, d->over_en, sb_str(&left), sb_str(&left));
    sb_free(&left);
    return -1;
}

/* A document line is a goods line of the document's order, above zero
 * and within what is left; product, unit (and description) come from the
 * order line. */
static int doc_line_from_order(entity_ctx *c, hook_change *ch, err *e)
{
    const stock_doc *d = doc_of_lines(hook_entity(ch)->name);
    int64_t quantity = hook_int(ch, "quantity", 0);
    if (hook_value(ch, "quantity") && quantity <= 0)
        return err_invalid(e, "quantity", "not_positive", "数量必须大于零", "The quantity must be above zero");
    int64_t order_id = order_of_doc(c, d, hook_int(ch, d->parent, 0), e);
    if (order_id < 0) return -1;
    order_line ol = {0};
    int found = order_id ? order_line_of(c, d, order_id, hook_int(ch, d->line_ref, 0), &ol, e) : 0;
    if (found < 0) return -1;
    if (!found)
        return err_invalid(e, d->line_ref, "not_in_order", "明细必须是本单据所属订单的明细行",
                            "A line must be a line of the document's order");
    if (ol.service) return refuse_service(e, d->line_ref);
    if (within_left(d, &ol, quantity, e)) return -1;
    if (hook_event(ch) == ON_CREATE && meta_field(hook_entity(ch), "description") &&
        !hook_changed(ch, "description") && ol.description && hook_set_text(ch, "description", ol.description, e))
        return -1;
    /* a line that carries a price (a sales return's) is valued at the order's */
    if (meta_field(hook_entity(ch), "price") &&
        (hook_set_int(ch, "price", ol.price, e) || hook_set_int(ch, "tax_rate", ol.tax_rate, e)))
        return -1;
    return hook_set_int(ch, "product_id", ol.product_id, e) || (ol.unit && hook_set_text(ch, "unit", ol.unit, e)) ? -1
                                                                                                                   : 0;
}

/* The goods lines of an order with something left for this kind of
 * document (-1 error). */
static int64_t lines_left(entity_ctx *c, const stock_doc *d, int64_t order_id, err *e)
{
    char sql[600];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM %s l JOIN products p ON p.id = l.product_id WHERE l.%s = ?"
             " AND l.deleted_at IS NULL AND COALESCE(p.product_type, 'goods') <> 'service' AND %s > 0",
             d->order_lines, d->order_field, d->cap);
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    db_bind_int64(s, 1, order_id);
    int step = db_step(s);
    int64_t n = step == DB_ROW ? db_column_int64(s, 0) : 0;
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取订单明细失败", "Cannot read the order lines") : n;
}

static int set_order_status(entity_ctx *c, const stock_doc *d, int64_t order_id, const char *status, err *e)
{
    entity_ctx server = *c;
    server.trusted = 1; /* the state follows the stock: the server's to set */
    json_t *body = json_pack("{s:s}", "status", status);
    int rc = entity_update(&server, meta_entity(c->m, d->orders), order_id, body, 0, e);
    json_decref(body);
    return rc;
}

/* The order after a document is confirmed. */
static int order_follows(entity_ctx *c, const stock_doc *d, int64_t order_id, const char *status, err *e)
{
    if (d->start_from && strcmp(status, d->start_from) == 0) {
        if (set_order_status(c, d, order_id, d->start_to, e)) return -1;
        status = d->start_to;
    }
    if (!d->all_done || strcmp(status, d->all_done) == 0) return 0;
    int64_t open_lines = lines_left(c, d, order_id, e);
    if (open_lines < 0) return -1;
    return open_lines ? 0 : set_order_status(c, d, order_id, d->all_done, e);
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

typedef struct doc_line {
    int64_t ref, quantity;
} doc_line;

/* The lines of a document in order: their count, -1 error. */
static int doc_lines(entity_ctx *c, const stock_doc *d, int64_t id, doc_line *out, err *e)
{
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT %s, quantity FROM %s WHERE %s = ? AND deleted_at IS NULL ORDER BY position",
             d->line_ref, d->lines, d->parent);
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    db_bind_int64(s, 1, id);
    int n = 0, step;
    while ((step = db_step(s)) == DB_ROW && n < LINES_READ_MAX) {
        out[n].ref = db_column_int64(s, 0);
        out[n].quantity = db_column_int64(s, 1);
        n++;
    }
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取单据明细失败", "Cannot read the document lines") : n;
}

/* 确认 (发货, 入库, 退货): one move per line, within what is left (checked
 * again here, under the order's lock: two drafts of one order may each
 * fit alone), then the order's state. */
static int confirm_doc(entity_ctx *c, const entity_def *ent, const action_def *act, int64_t id, json_t *record,
                       json_t *body, json_t *changes, json_t *result, err *e)
{
    (void)act;
    (void)result;
    const stock_doc *d = doc_of(ent->name);
    if (!d) return err_set(e, 500, "bad_metadata", "该单据不出入库", "This document does not move stock");
    int64_t order_id = json_integer_value(json_object_get(record, d->order_field));
    json_t *wh = json_object_get(body, "warehouse_id");
    int64_t warehouse = json_is_integer(wh) ? json_integer_value(wh)
                                            : json_integer_value(json_object_get(record, "warehouse_id"));
    const char *date = json_string_value(json_object_get(body, d->date_field));
    if (!date) date = json_string_value(json_object_get(record, d->date_field));
    char day[11];
    if (!date) {
        china_today(day);
        date = day;
        json_object_set_new(changes, d->date_field, json_string(day));
    }
    order_state o;
    int found = order_state_of(c, d, order_id, 1, &o, e);
    if (found <= 0) return found < 0 ? -1 : err_invalid(e, d->order_field, "not_found", "订单不存在", "No such order");
    if (order_state_fits(d, &o, e)) return -1;
    doc_line *lines = arena_alloc(c->a, sizeof *lines * LINES_READ_MAX);
    int n = doc_lines(c, d, id, lines, e);
    if (n < 0) return -1;
    if (!n) return err_invalid(e, "lines", "required", "单据没有明细", "The document has no lines");
    const char *code = json_string_value(json_object_get(record, "code"));
    for (int k = 0; k < n; k++) {
        order_line ol = {0};
        int ok = order_line_of(c, d, order_id, lines[k].ref, &ol, e);
        if (ok < 0) return -1;
        if (!ok) {
            err_invalid(e, d->line_ref, "not_in_order", "订单明细行已不存在", "The order line is gone");
            return at_line(e, k);
        }
        if (within_left(d, &ol, lines[k].quantity, e) ||
            write_move(c, d->kind, ol.product_id, warehouse, d->sign * lines[k].quantity, date, d->parent, id, d->line_ref,
                       ol.id, code, e))
            return at_line(e, k);
    }
    if (order_follows(c, d, order_id, o.status, e)) return -1;
    return d->after ? d->after(c, d, id, order_id, code, date, changes, result, e) : 0;
}

/* ---- the refund of a sales return ---- */

/* Scaled integers read by one statement with one id parameter. */
static int read_ints(entity_ctx *c, const char *sql, int64_t id, int64_t *out, int n, err *e)
{
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    db_bind_int64(s, 1, id);
    int step = db_step(s);
    for (int i = 0; i < n; i++) out[i] = step == DB_ROW && !db_column_is_null(s, i) ? db_column_int64(s, i) : 0;
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取金额失败", "Cannot read the amounts") : 0;
}

/* A confirmed return lowers what the customer owes by its value (the
 * order's 退货金额, in 未收款). What the customer has paid beyond what they
 * now owe goes back to them: a receipt of the negative amount (退款) in
 * the receipts ledger, in the return's transaction, so 已收款 and 未收款
 * follow at once. The return itself is not 已退货 yet while this runs,
 * so its value is added by hand. */
static int refund_return(entity_ctx *c, const stock_doc *d, int64_t id, int64_t order_id, const char *code,
                         const char *date, json_t *changes, json_t *result, err *e)
{
    (void)d;
    int64_t value = 0;
    order_money o;
    if (read_ints(c, "SELECT total FROM sales_returns WHERE id = ?", id, &value, 1, e)) return -1;
    int found = order_money_read(c, order_id, 0, &o, e); /* its row is locked already (order_state_of) */
    if (found <= 0) return found < 0 ? -1 : err_invalid(e, "sales_order_id", "not_found", "订单不存在", "No such order");
    int64_t refund = order_money_refund(&o, value);
    if (!refund) return 0;
    const entity_def *receipts = meta_entity(c->m, "receipts");
    strbuf amount = STRBUF_INIT, note = STRBUF_INIT;
    decimal_format(-refund, 2, &amount);
    sb_printf(&note, "销售退货 %s 退款", code ? code : "");
    json_t *body = json_pack("{s:I,s:I,s:s,s:s,s:s}", "account_id", (json_int_t)o.account_id, "sales_order_id",
                             (json_int_t)order_id, "amount", sb_str(&amount), "received_on", date, "note",
                             sb_str(&note));
    sb_free(&amount);
    sb_free(&note);
    entity_ctx server = *c;
    server.trusted = 1; /* a negative receipt only the server writes (commerce.c lets it pass) */
    int64_t receipt_id = 0;
    int rc = entity_create(&server, receipts, body, &receipt_id, e);
    json_decref(body);
    if (rc) return -1;
    json_object_set_new(changes, "refund_receipt_id", json_integer(receipt_id));
    json_object_set_new(result, "refund_receipt_id", json_integer(receipt_id));
    return 0;
}

/* The default warehouse of the company (0: none). */
static int64_t default_warehouse(entity_ctx *c, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT id FROM warehouses t WHERE t.deleted_at IS NULL AND t.is_default = ");
    query_bind_int(&q, 1);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    query_sql(&q, " ORDER BY t.id LIMIT 1");
    db_stmt *s = query_prepare(c->db, &q, e);
    if (!s) return -1;
    int step = db_step(s);
    int64_t id = step == DB_ROW ? db_column_int64(s, 0) : 0;
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取仓库失败", "Cannot read the warehouses") : id;
}

/* 发货 / 采购入库 / 采购退货 on an order: a draft document of every goods
 * line with something left, from the default warehouse when there is
 * one; the quantities are changed on the draft for a partial one. */
static int draft_doc(entity_ctx *c, const entity_def *ent, const action_def *act, int64_t id, json_t *record,
                     json_t *body, json_t *changes, json_t *result, err *e)
{
    (void)body;
    (void)changes;
    (void)record;
    const stock_doc *d = NULL;
    for (size_t i = 0; i < NDOCS; i++)
        if (strcmp(DOCS[i].orders, ent->name) == 0 && strcmp(DOCS[i].draft_action, act->name) == 0) d = &DOCS[i];
    if (!d) return err_set(e, 500, "bad_metadata", "该操作不生成出入库单据", "This action drafts no document");
    char sql[700];
    snprintf(sql, sizeof sql,
             "SELECT l.id, %s FROM %s l JOIN products p ON p.id = l.product_id WHERE l.%s = ? AND l.deleted_at IS NULL"
             " AND COALESCE(p.product_type, 'goods') <> 'service' AND %s > 0 ORDER BY l.position",
             d->cap, d->order_lines, d->order_field, d->cap);
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    db_bind_int64(s, 1, id);
    json_t *lines = json_array();
    int step;
    while ((step = db_step(s)) == DB_ROW) {
        json_t *line = json_object();
        json_object_set_new(line, d->line_ref, json_integer(db_column_int64(s, 0)));
        json_object_set_new(line, "quantity", quantity_json(db_column_int64(s, 1)));
        json_array_append_new(lines, line);
    }
    db_finalize(s);
    int rc = -1;
    int64_t warehouse = step < 0 ? -1 : default_warehouse(c, e);
    if (step < 0) err_set(e, 500, "db_error", "读取订单明细失败", "Cannot read the order lines");
    else if (warehouse < 0) {
    } else if (!json_array_size(lines)) {
        err_set(e, 422, "nothing_left", "订单没有可出入库的商品（服务类产品没有库存）",
                "Nothing of the order is left to move (services have no stock)");
    } else {
        json_t *doc = json_object();
        json_object_set_new(doc, d->order_field, json_integer(id));
        if (warehouse) json_object_set_new(doc, "warehouse_id", json_integer(warehouse));
        json_object_set(doc, "lines", lines);
        int64_t doc_id = 0;
        rc = entity_create(c, meta_entity(c->m, d->entity), doc, &doc_id, e); /* the customer follows the order */
        json_decref(doc);
        if (!rc) json_object_set_new(result, d->parent, json_integer(doc_id));
    }
    json_decref(lines);
    return rc;
}

/* ---- 库存台账 ---- */

static int month_parse(const char *s, int *year, int *month)
{
    char tail;
    if (!s || strlen(s) != 7 || sscanf(s, "%4d-%2d%c", year, month, &tail) != 2 || s[4] != '-') return -1;
    return *year >= 1900 && *year <= 9999 && *month >= 1 && *month <= 12 ? 0 : -1;
}

/* The moves of the report: the product, the warehouse or all of them
 * (without transfers, which move nothing between all warehouses), the
 * company's. */
static void ledger_where(entity_ctx *c, query *q, int64_t product, int64_t warehouse)
{
    query_sql(q, " FROM stock_moves t WHERE t.deleted_at IS NULL AND t.product_id = ");
    query_bind_int(q, product);
    if (warehouse) {
        query_sql(q, " AND t.warehouse_id = ");
        query_bind_int(q, warehouse);
    } else {
        query_sql(q, " AND t.kind <> 'transfer'");
    }
    query_sql(q, " AND ");
    acl_company_predicate(c->user, "t", q);
}

int stock_ledger(entity_ctx *c, int64_t product, int64_t warehouse, const char *from, const char *to,
                 stock_ledger_row *rows, err *e)
{
    int fy, fm, ty, tm;
    if (month_parse(from, &fy, &fm) || month_parse(to, &ty, &tm)) {
        err_add_field(e, month_parse(from, &fy, &fm) ? "from" : "to", "invalid");
        return err_set(e, 422, "validation_failed", "期间应写成 YYYY-MM，例如 2026-11", "A period is YYYY-MM, e.g. 2026-11");
    }
    int n = (ty * 12 + tm) - (fy * 12 + fm) + 1;
    if (n < 1 || n > STOCK_LEDGER_MONTHS) {
        err_add_field(e, "to", "out_of_range");
        return err_setf(e, 422, "validation_failed", "期间应从早到晚，最多 %d 个月", "The period runs forward, %d months at most",
                        STOCK_LEDGER_MONTHS, STOCK_LEDGER_MONTHS);
    }
    char start[16], end[16]; /* years 1900-9999: "YYYY-MM-01" */
    snprintf(start, sizeof start, "%04d-%02d-01", fy, fm);
    snprintf(end, sizeof end, "%04d-%02d-01", ty + tm / 12, tm % 12 + 1); /* the day after the last month */
    for (int k = 0; k < n; k++) {
        unsigned m = (unsigned)(fm - 1 + k);
        snprintf(rows[k].period, sizeof rows[k].period, "%04u-%02u", ((unsigned)fy + m / 12) % 10000, m % 12 + 1);
        rows[k].in = rows[k].out = 0;
    }
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT COALESCE(SUM(t.quantity), 0)");
    ledger_where(c, &q, product, warehouse);
    query_sql(&q, " AND t.move_date < ");
    query_bind_text(&q, start);
    db_stmt *s = query_prepare(c->db, &q, e);
    if (!s) return -1;
    int step = db_step(s);
    int64_t stock = step == DB_ROW ? db_column_int64(s, 0) : 0;
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "读取库存流水失败", "Cannot read the stock moves");
    query_init(&q, c->a);
    query_sql(&q, "SELECT substr(t.move_date, 1, 7), SUM(CASE WHEN t.quantity > 0 THEN t.quantity ELSE 0 END),"
                  " SUM(CASE WHEN t.quantity < 0 THEN -t.quantity ELSE 0 END)");
    ledger_where(c, &q, product, warehouse);
    query_sql(&q, " AND t.move_date >= ");
    query_bind_text(&q, start);
    query_sql(&q, " AND t.move_date < ");
    query_bind_text(&q, end);
    query_sql(&q, " GROUP BY substr(t.move_date, 1, 7)");
    if (!(s = query_prepare(c->db, &q, e))) return -1;
    while ((step = db_step(s)) == DB_ROW)
        for (int k = 0; k < n; k++)
            if (strcmp(rows[k].period, db_column_text(s, 0)) == 0) {
                rows[k].in = db_column_int64(s, 1);
                rows[k].out = db_column_int64(s, 2);
            }
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "读取库存流水失败", "Cannot read the stock moves");
    for (int k = 0; k < n; k++) {
        rows[k].opening = stock;
        stock += rows[k].in - rows[k].out;
        rows[k].closing = stock;
    }
    return n;
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
    for (size_t i = 0; i < NDOCS; i++) {
        entity_before(DOCS[i].entity, ON_WRITE, doc_follows_order);
        entity_before(DOCS[i].lines, ON_WRITE, doc_line_from_order);
    }
    entity_register_action("stock_doc_confirm", confirm_doc);
    entity_register_action("stock_doc_draft", draft_doc);
}
