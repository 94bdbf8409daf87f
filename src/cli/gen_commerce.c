/* gen_commerce.c - benchmark data for the money half (see gen.h): sales
 * orders with a line, a two-instalment 回款计划 and the receipts of what is
 * paid, every computed figure stored as the engine would compute it (so a
 * later write recomputes the same); and a stock ledger whose balances are
 * rebuilt from its rows. */
#include "gen.h"

#include <stdio.h>
#include <string.h>

#include "../util/rmb.h"

static const char *const GOODS[] = {"工业机器人", "数控机床", "伺服电机", "变频器", "空气压缩机", "激光切割机",
                                    "精密减速机", "液压泵站", "PLC控制柜", "传感器模组"};

/* 2026-MM-DD for the i-th day of the year (0..359; 30-day months keep it
 * simple and every day real). */
static void day_of(int64_t i, char out[16])
{
    snprintf(out, 16, "2026-%02d-%02d", (int)(1 + (i / 30) % 12), (int)(1 + i % 28));
}

static int insert_order(db_stmt *s, int64_t id, int64_t account, int64_t total, int64_t received, int64_t owner,
                        const char *now, err *e)
{
    char code[32], subject[64], day[16], words[RMB_UPPER_MAX];
    rmb_upper(total, words, sizeof words);
    snprintf(code, sizeof code, "DD-%07lld", (long long)id);
    snprintf(subject, sizeof subject, "%s采购项目%lld", GOODS[id % N(GOODS)], (long long)id);
    day_of(id % 360, day);
    int k = gen_bind_stamps(s, id, owner, now);
    db_bind_text(s, k++, code);
    db_bind_text(s, k++, subject);
    db_bind_int64(s, k++, account);
    db_bind_text(s, k++, day);
    db_bind_int64(s, k++, total); /* subtotal */
    db_bind_int64(s, k++, total); /* total: no tax */
    db_bind_text(s, k++, words);
    db_bind_int64(s, k++, received);
    db_bind_int64(s, k++, total); /* planned_total */
    db_bind_int64(s, k++, total - received);
    gen_bind_pinyin(s, k, subject);
    return gen_step_ok(s, e);
}

static int insert_line(db_stmt *s, int64_t id, int64_t total, int64_t owner, const char *now, err *e)
{
    int k = gen_bind_stamps(s, id, owner, now);
    db_bind_int64(s, k++, id); /* its order */
    db_bind_text(s, k++, GOODS[id % N(GOODS)]);
    db_bind_int64(s, k++, total); /* price */
    db_bind_int64(s, k++, total); /* amount */
    return gen_step_ok(s, e);
}

static int insert_instalment(db_stmt *s, int64_t id, int64_t order, int period, int64_t account, const char *due,
                             int64_t amount, int64_t received, int64_t owner, const char *now, err *e)
{
    char name[48];
    snprintf(name, sizeof name, "DD-%07lld 第%d期", (long long)order, period);
    int k = gen_bind_stamps(s, id, owner, now);
    db_bind_text(s, k++, name);
    db_bind_int64(s, k++, order);
    db_bind_int64(s, k++, account);
    db_bind_int64(s, k++, period);
    db_bind_text(s, k++, due);
    db_bind_int64(s, k++, amount);
    db_bind_int64(s, k++, received);
    db_bind_int64(s, k++, amount - received);
    gen_bind_pinyin(s, k, name);
    return gen_step_ok(s, e);
}

static int insert_receipt(db_stmt *s, int64_t id, int64_t order, int64_t instalment, int64_t account, int64_t amount,
                          const char *day, int64_t owner, const char *now, err *e)
{
    char code[32];
    snprintf(code, sizeof code, "SK-%07lld", (long long)id);
    int k = gen_bind_stamps(s, id, owner, now);
    db_bind_text(s, k++, code);
    db_bind_int64(s, k++, account);
    db_bind_int64(s, k++, order);
    db_bind_int64(s, k++, instalment);
    db_bind_int64(s, k++, amount);
    db_bind_text(s, k++, day);
    db_bind_text(s, k++, code);
    return gen_step_ok(s, e);
}

int gen_orders(db_conn *c, int64_t orders, int64_t accounts, int64_t first_receipt, int64_t owner, const char *now,
               err *e)
{
    if (!orders) return 0;
    if (accounts <= 0) return err_set(e, 422, "bad_param", "没有客户", "No customers");
    db_stmt *o = db_prepare(c,
        "INSERT INTO sales_orders (id, version, owner_id, created_at, updated_at, created_by, updated_by, code, subject,"
        " account_id, order_date, status, subtotal, tax_total, total, total_in_words, lines_over_discount, invoiced_total,"
        " received_total, planned_total, returned_total, allowance_total, outstanding, py_full, py_initials)"
        " VALUES (?,1,?,?,?,?,?,?,?,?,?,'executing',?,0,?,?,0,0,?,?,0,0,?,?,?)", e);
    db_stmt *l = o ? db_prepare(c,
        "INSERT INTO sales_order_lines (id, version, owner_id, created_at, updated_at, created_by, updated_by,"
        " sales_order_id, position, description, quantity, discount, price, tax_rate, amount, tax)"
        " VALUES (?,1,?,?,?,?,?,?,1,?,100,0,?,0,?,0)", e) : NULL;
    db_stmt *i = l ? db_prepare(c,
        "INSERT INTO instalments (id, version, owner_id, created_at, updated_at, created_by, updated_by, name,"
        " sales_order_id, account_id, period_no, due_date, amount, received, order_share, outstanding, py_full, py_initials)"
        " VALUES (?,1,?,?,?,?,?,?,?,?,?,?,?,?,0,?,?,?)", e) : NULL;
    db_stmt *r = i ? db_prepare(c,
        "INSERT INTO receipts (id, version, owner_id, created_at, updated_at, created_by, updated_by,"
        " code, account_id, sales_order_id, instalment_id, amount, received_on, method, py_full, py_initials)"
        " VALUES (?,1,?,?,?,?,?,?,?,?,?,?,?,'transfer',?,'')", e) : NULL;
    int rc = r ? 0 : -1;
    int64_t receipt = first_receipt;
    char due1[16], due2[16];
    for (int64_t id = 1; id <= orders && !rc; id++) {
        int64_t account = 1 + (int64_t)(gen_rnd() % (uint64_t)accounts);
        int64_t half = 50000 + (int64_t)(gen_rnd() % 5000000); /* 分: 500 to 50,500 yuan an instalment */
        /* the first instalment paid on most orders, the second on some */
        int64_t paid1 = gen_rnd() % 10 < 6 ? half : 0, paid2 = paid1 && gen_rnd() % 10 < 3 ? half : 0;
        day_of((id + 30) % 360, due1);
        day_of((id + 120) % 360, due2);
        rc = insert_order(o, id, account, 2 * half, paid1 + paid2, owner, now, e) ||
             insert_line(l, id, 2 * half, owner, now, e) ||
             insert_instalment(i, 2 * id - 1, id, 1, account, due1, half, paid1, owner, now, e) ||
             insert_instalment(i, 2 * id, id, 2, account, due2, half, paid2, owner, now, e) ||
             (paid1 && insert_receipt(r, receipt++, id, 2 * id - 1, account, paid1, due1, owner, now, e)) ||
             (paid2 && insert_receipt(r, receipt++, id, 2 * id, account, paid2, due2, owner, now, e));
    }
    db_finalize(o);
    db_finalize(l);
    db_finalize(i);
    db_finalize(r);
    if (rc) return -1;
    return gen_ids_used(c, "sales_orders", "code", orders, e) || gen_ids_used(c, "sales_order_lines", NULL, 0, e) ||
                   gen_ids_used(c, "instalments", NULL, 0, e) || gen_ids_used(c, "receipts", "code", receipt - 1, e)
               ? -1
               : 0;
}

#define WAREHOUSES 5

static int insert_products_and_warehouses(db_conn *c, int64_t products, int64_t owner, const char *now, err *e)
{
    db_stmt *p = db_prepare(c,
        "INSERT INTO products (id, version, owner_id, created_at, updated_at, created_by, updated_by, code, name, unit,"
        " product_type, status, price, cost, tax_rate, py_full, py_initials)"
        " VALUES (?,1,?,?,?,?,?,?,?,'台','goods','on_sale',?,?,1300,?,?)", e);
    if (!p) return -1;
    char code[32], name[64];
    int rc = 0;
    for (int64_t id = 1; id <= products && !rc; id++) {
        snprintf(code, sizeof code, "CP-%06lld", (long long)id);
        snprintf(name, sizeof name, "%s %c%lld型", GOODS[id % N(GOODS)], 'A' + (int)(id % 26), (long long)id);
        int k = gen_bind_stamps(p, id, owner, now);
        db_bind_text(p, k++, code);
        db_bind_text(p, k++, name);
        int64_t price = 100000 + (int64_t)(gen_rnd() % 10000000);
        db_bind_int64(p, k++, price);
        db_bind_int64(p, k++, price * 6 / 10);
        gen_bind_pinyin(p, k, name);
        rc = gen_step_ok(p, e);
    }
    db_finalize(p);
    if (rc) return -1;
    static const char *const PLACES[WAREHOUSES] = {"上海总仓", "北京仓", "广州仓", "成都仓", "武汉仓"};
    db_stmt *w = db_prepare(c,
        "INSERT INTO warehouses (id, version, owner_id, created_at, updated_at, created_by, updated_by, code, name,"
        " is_default, py_full, py_initials) VALUES (?,1,?,?,?,?,?,?,?,?,?,?)", e);
    if (!w) return -1;
    for (int64_t id = 1; id <= WAREHOUSES && !rc; id++) {
        snprintf(code, sizeof code, "CK-%03lld", (long long)id);
        int k = gen_bind_stamps(w, id, owner, now);
        db_bind_text(w, k++, code);
        db_bind_text(w, k++, PLACES[id - 1]);
        db_bind_int64(w, k++, id == 1);
        gen_bind_pinyin(w, k, PLACES[id - 1]);
        rc = gen_step_ok(w, e);
    }
    db_finalize(w);
    return rc || gen_ids_used(c, "products", "code", products, e) || gen_ids_used(c, "warehouses", "code", WAREHOUSES, e)
               ? -1
               : 0;
}

/* One product per thousand moves (10 to 1,000) in 5 warehouses; each
 * product and warehouse gets stock in (盘点调整 +50) twice as often as it
 * goes out (-20 as a shipment without a document), so no balance is ever
 * below zero, as the engine would insist. */
int gen_stock_moves(db_conn *c, int64_t moves, int64_t owner, const char *now, err *e)
{
    if (!moves) return 0;
    int64_t products = moves / 1000 < 10 ? 10 : moves / 1000 > 1000 ? 1000 : moves / 1000;
    if (insert_products_and_warehouses(c, products, owner, now, e)) return -1;
    db_stmt *s = db_prepare(c,
        "INSERT INTO stock_moves (id, version, owner_id, created_at, updated_at, created_by, updated_by, code, move_date,"
        " kind, product_id, warehouse_id, quantity, note, py_full, py_initials) VALUES (?,1,?,?,?,?,?,?,?,?,?,?,?,?,?,'')",
        e);
    if (!s) return -1;
    char code[32], day[16];
    int rc = 0;
    for (int64_t id = 1; id <= moves && !rc; id++) {
        int64_t slot = (id - 1) % (products * WAREHOUSES), round = (id - 1) / (products * WAREHOUSES);
        int out = round % 3 == 2;
        snprintf(code, sizeof code, "LS-%08lld", (long long)id);
        day_of(round % 360, day);
        int k = gen_bind_stamps(s, id, owner, now);
        db_bind_text(s, k++, code);
        db_bind_text(s, k++, day);
        db_bind_text(s, k++, out ? "shipment" : "adjustment");
        db_bind_int64(s, k++, 1 + slot % products);
        db_bind_int64(s, k++, 1 + slot / products);
        db_bind_int64(s, k++, out ? -2000 : 5000); /* scale 2 */
        db_bind_text(s, k++, out ? "销售出库" : "盘点入库");
        db_bind_text(s, k++, code);
        rc = gen_step_ok(s, e);
    }
    db_finalize(s);
    return rc || gen_ids_used(c, "stock_moves", "code", moves, e) || gen_rebuild_balances(c, "stock_moves", e) ? -1 : 0;
}
