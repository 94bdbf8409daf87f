/* stock.c - the stock routes beyond the records engine (docs/stock.md):
 *   GET/PUT /api/v1/stock/settings   {"allow_negative": bool}, the company's
 *                                    permission for stock below zero;
 *   GET /api/v1/purchasing/suggestions  采购建议: goods below their 最低库存. */
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

#define SETTINGS_SCHEMA "{\"type\":\"object\",\"properties\":{\"allow_negative\":{\"type\":\"boolean\"}}}"

const route api_stock_routes[] = {
    {"GET", "/api/v1/stock/settings", get_settings, 0,
     .doc = {.tag = "stock", .summary = "库存设置 / stock settings", .id = "get_stock_settings", .ok = "200",
             .reply = SETTINGS_SCHEMA}},
    {"PUT", "/api/v1/stock/settings", put_settings, 0,
     .doc = {.tag = "stock", .summary = "修改库存设置（是否允许负库存） / change the stock settings",
             .id = "put_stock_settings", .body = SETTINGS_SCHEMA, .ok = "200", .reply = SETTINGS_SCHEMA,
             .errors = "422"}},
    {"GET", "/api/v1/purchasing/suggestions", get_suggestions, 0,
     .doc = {.tag = "purchasing", .summary = "采购建议（低于最低库存的商品） / purchase suggestion", .id = "purchase_suggestions",
             .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
                      "\"total\":{\"type\":\"integer\"}}}",
             .errors = "403"}},
    {0},
};
