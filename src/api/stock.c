/* stock.c - the stock routes beyond the records engine (docs/stock.md):
 *   GET/PUT /api/v1/stock/settings   {"allow_negative": bool}, the company's
 *                                    permission for stock below zero;
 *   GET /api/v1/purchasing/suggestions  采购建议: goods below their 最低库存;
 *   GET /api/v1/reports/stock_ledger    库存台账 of a product per month, JSON
 *                                       or (format=xlsx) a workbook. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../entity/report_table.h"
#include "../entity/value.h"
#include "../util/clock.h"
#include "../modules/purchasing.h"
#include "../modules/stock.h"
#include "../acl/acl.h"
#include "api.h"

static void get_settings(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    err e;
    err_clear(&e);
    if (stock_settings_json(&c, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

static void put_settings(http_request *req, http_response *res)
{
    if (!req->user->is_admin)
        return http_fail(req, res, 403, "forbidden", "只有系统管理员可以修改库存设置",
                         "Only administrators can change the stock settings");
    json_t *body = http_json_body(req, res);
    if (!body) return;
    json_t *v = json_object_get(body, "allow_negative");
    err e;
    err_clear(&e);
    if (!json_is_boolean(v) || json_object_size(body) != 1) {
        json_decref(body);
        err_add_field(&e, "allow_negative", "invalid_type");
        err_set(&e, 422, "validation_failed", "请求体应为 {\"allow_negative\": true 或 false}",
                "The body must be {\"allow_negative\": true or false}");
        return http_error(req, res, &e);
    }
    entity_ctx c;
    api_entity_ctx(req, &c);
    int allow = json_is_true(v);
    json_decref(body);
    if (stock_settings_set(&c, allow, &e) || stock_settings_json(&c, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

static void get_suggestions(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *products = meta_entity(c.m, "products");
    if (!products || !acl_can(req->user, products, ACL_VIEW))
        return http_fail(req, res, 403, "forbidden", "没有查看产品的权限", "No permission to view products");
    err e;
    err_clear(&e);
    if (purchasing_suggestions(&c, &res->body, &e)) return http_error(req, res, &e);
    http_json(res, 200);
}

/* The name of a record the user may see (NULL with a 404 answered). */
static const char *visible_name(http_request *req, http_response *res, entity_ctx *c, const char *entity, int64_t id)
{
    const entity_def *ent = meta_entity(c->m, entity);
    strbuf sb = STRBUF_INIT;
    err e;
    err_clear(&e);
    const char *name = NULL;
    if (ent && entity_get(c, ent, id, 0, &sb, &e) == 0) {
        json_t *rec = json_loads(sb_str(&sb), 0, NULL);
        const char *n = json_string_value(json_object_get(rec, ent->name_field));
        name = arena_strdup(req->a, n ? n : "");
        json_decref(rec);
    } else {
        http_error(req, res, &e);
    }
    sb_free(&sb);
    return name;
}

static void this_month(char out[8], int back)
{
    time_t now = time(NULL) + CHINA_OFFSET_SECONDS;
    struct tm tm;
    gmtime_r(&now, &tm);
    unsigned m = (unsigned)(tm.tm_year * 12 + tm.tm_mon - back); /* since 1900: never negative now */
    snprintf(out, 8, "%04u-%02u", (m / 12 + 1900) % 10000, m % 12 + 1);
}

static void quantity(strbuf *b, const char *key, int64_t v)
{
    sb_printf(b, ",\"%s\":", key);
    decimal_format(v, 2, b);
}

/* The ledger as a workbook, through the one report table every report
 * exports with (report_table.h): quantities stay exact until the cell. */
static void ledger_xlsx(http_request *req, http_response *res, entity_ctx *c, const char *product_name,
                        const char *warehouse_name, const stock_ledger_row *rows, int n)
{
    static const rt_column COLS[] = {
        {"product", "产品", "Product", RT_TEXT},          {"warehouse", "仓库", "Warehouse", RT_TEXT},
        {"period", "期间", "Period", RT_TEXT},            {"opening", "期初数量", "Opening", RT_DECIMAL2},
        {"in", "入库数量", "In", RT_DECIMAL2},            {"out", "出库数量", "Out", RT_DECIMAL2},
        {"closing", "期末数量", "Closing", RT_DECIMAL2},
    };
    report_table t;
    report_table_init(&t, req->a, COLS, (int)(sizeof COLS / sizeof COLS[0]));
    for (int k = 0; k < n; k++) {
        rt_cell *r = report_table_add(&t, 0);
        r[0].s = product_name;
        r[1].s = warehouse_name;
        r[2].s = rows[k].period;
        r[3].n = rows[k].opening;
        r[4].n = rows[k].in;
        r[5].n = rows[k].out;
        r[6].n = rows[k].closing;
    }
    err e;
    err_clear(&e);
    if (report_table_export(c, &t, "库存台账", "xlsx", &res->body, &e)) {
        sb_clear(&res->body);
        return http_error(req, res, &e);
    }
    res->status = 200;
    res->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    api_attachment(req, res, "stock-ledger.xlsx", arena_printf(req->a, "库存台账-%s.xlsx", product_name));
}

static void stock_ledger_report(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    const entity_def *moves = meta_entity(c.m, "stock_moves");
    if (!moves || !acl_can(req->user, moves, ACL_VIEW))
        return http_fail(req, res, 403, "forbidden", "没有查看库存流水的权限", "No permission to view the stock moves");
    int64_t product, warehouse;
    if (api_int_param(req, res, "product_id", 0, INT64_MAX, &product) ||
        api_int_param(req, res, "warehouse_id", 0, INT64_MAX, &warehouse))
        return;
    if (!product) {
        err e;
        err_clear(&e);
        err_add_field(&e, "product_id", "required");
        err_set(&e, 422, "validation_failed", "请选择产品", "Choose a product");
        return http_error(req, res, &e);
    }
    const char *product_name = visible_name(req, res, &c, "products", product);
    const char *warehouse_name = warehouse ? visible_name(req, res, &c, "warehouses", warehouse) : "全部仓库";
    if (!product_name || !warehouse_name) return;
    char from[8], to[8];
    this_month(to, 0);
    this_month(from, 5);
    const char *f = http_query(req, "from"), *t = http_query(req, "to");
    stock_ledger_row *rows = arena_alloc(req->a, sizeof *rows * STOCK_LEDGER_MONTHS);
    err e;
    err_clear(&e);
    int n = stock_ledger(&c, product, warehouse, f ? f : from, t ? t : to, rows, &e);
    if (n < 0) return http_error(req, res, &e);
    const char *format = http_query(req, "format");
    if (format && strcmp(format, "xlsx") == 0) return ledger_xlsx(req, res, &c, product_name, warehouse_name, rows, n);
    strbuf *b = &res->body;
    sb_printf(b, "{\"product_id\":%lld,\"product_name\":", (long long)product);
    sb_json_string(b, product_name);
    if (warehouse) sb_printf(b, ",\"warehouse_id\":%lld", (long long)warehouse);
    else sb_append(b, ",\"warehouse_id\":null");
    sb_append(b, ",\"warehouse_name\":");
    sb_json_string(b, warehouse_name);
    sb_append(b, ",\"items\":[");
    int64_t in = 0, out = 0;
    for (int k = 0; k < n; k++) {
        sb_printf(b, "%s{\"period\":\"%s\"", k ? "," : "", rows[k].period);
        quantity(b, "opening", rows[k].opening);
        quantity(b, "in", rows[k].in);
        quantity(b, "out", rows[k].out);
        quantity(b, "closing", rows[k].closing);
        sb_putc(b, '}');
        in += rows[k].in;
        out += rows[k].out;
    }
    sb_append(b, "],\"totals\":{\"period\":null");
    quantity(b, "opening", rows[0].opening);
    quantity(b, "in", in);
    quantity(b, "out", out);
    quantity(b, "closing", rows[n - 1].closing);
    sb_append(b, "}}");
    http_json(res, 200);
}

#define SETTINGS_SCHEMA "{\"type\":\"object\",\"properties\":{\"allow_negative\":{\"type\":\"boolean\"}}}"

const route api_stock_routes[] = {
    {"GET", "/api/v1/stock/settings", get_settings, 0,
     .doc = {.tag = "stock", .summary = "库存设置 / stock settings", .id = "get_stock_settings", .ok = "200",
             .reply = SETTINGS_SCHEMA}},
    {"PUT", "/api/v1/stock/settings", put_settings, 0,
     .doc = {.tag = "stock", .summary = "修改库存设置（是否允许负库存） / change the stock settings",
             .id = "put_stock_settings", .body = SETTINGS_SCHEMA, .ok = "200", .reply = SETTINGS_SCHEMA,
             .errors = "422"}},
    {"GET", "/api/v1/reports/stock_ledger", stock_ledger_report, 0,
     .doc = {.tag = "reports", .summary = "库存台账（期初、入库、出库、期末） / stock ledger", .id = "stock_ledger_report",
             .query = (const route_param[]){{"product_id", "integer", "product", 1},
                                            {"warehouse_id", "integer", "one warehouse (none: all, transfers left out)", 0},
                                            {"from", "string", "first month, YYYY-MM (default: five months ago)", 0},
                                            {"to", "string", "last month, YYYY-MM (default: this month; 36 months at most)", 0},
                                            {"format", "string", "xlsx for a workbook", 0},
                                            {0}},
             .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"product_id\":{\"type\":\"integer\"},"
                      "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},\"totals\":{\"type\":\"object\"}}}",
             .reply_types = "application/json application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             .errors = "403 404 422"}},
    {"GET", "/api/v1/purchasing/suggestions", get_suggestions, 0,
     .doc = {.tag = "purchasing", .summary = "采购建议（低于最低库存的商品） / purchase suggestion", .id = "purchase_suggestions",
             .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
                      "\"total\":{\"type\":\"integer\"}}}",
             .errors = "403"}},
    {0},
};
