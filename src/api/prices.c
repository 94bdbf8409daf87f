/* prices.c - the price the rules give, for the line editor:
 *   GET /api/v1/prices?product_id=&account_id=&quantity=
 * answers {"list_price","discount","price","rule","position_discount"}
 * from price_resolve (src/modules/prices.c), the same function that
 * prices a line when it is saved, so the form shows what the server
 * will store. */
#include <stdlib.h>

#include "../entity/value.h"
#include "../modules/prices.h"
#include "api.h"

static void money(strbuf *b, const char *key, int64_t v)
{
    sb_printf(b, "\"%s\":", key);
    decimal_format(v, 2, b);
}

static void resolve(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t product, account, quantity = 100;
    const char *q = http_query(req, "quantity");
    if (api_int_param(req, res, "product_id", 0, INT64_MAX, &product) ||
        api_int_param(req, res, "account_id", 0, INT64_MAX, &account))
        return;
    err e;
    err_clear(&e);
    int bad_quantity = q && (decimal_parse(q, 2, &quantity) || quantity <= 0);
    if (!product) err_add_field(&e, "product_id", "required");
    if (bad_quantity) err_add_field(&e, "quantity", "not_positive");
    if (!product || bad_quantity) {
        err_set(&e, 422, "validation_failed", "需要产品和大于零的数量", "A product and a quantity above zero are needed");
        return http_error(req, res, &e);
    }
    price_resolution r;
    if (price_resolve(&c, account, product, quantity, -1, &r, &e)) return http_error(req, res, &e);
    strbuf *b = &res->body;
    sb_putc(b, '{');
    money(b, "list_price", r.list_price);
    sb_putc(b, ',');
    money(b, "discount", r.discount);
    sb_putc(b, ',');
    money(b, "price", r.price);
    sb_putc(b, ',');
    money(b, "position_discount", r.position_discount);
    sb_append(b, ",\"rule\":");
    if (r.rule) {
        json_t *t = json_string(r.rule);
        char *text = json_dumps(t, JSON_ENCODE_ANY);
        sb_append(b, text);
        free(text);
        json_decref(t);
    } else {
        sb_append(b, "null");
    }
    sb_putc(b, '}');
    http_json(res, 200);
}

const route api_price_routes[] = {
    {"GET", "/api/v1/prices", resolve, 0,
     .doc = {.tag = "products", .summary = "按折扣规则定价 / the price the rules give", .id = "resolve_price",
             .query = (const route_param[]){{"product_id", "integer", "product", 1},
                                            {"account_id", "integer", "customer (none: no customer or agent discount)", 0},
                                            {"quantity", "number", "quantity, two decimals (default 1)", 0},
                                            {0}},
             .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"list_price\":{\"type\":\"number\"},\"discount\":{\"type\":\"number\"},"
                      "\"price\":{\"type\":\"number\"},\"position_discount\":{\"type\":\"number\"},"
                      "\"rule\":{\"type\":\"string\",\"nullable\":true}}}",
             .errors = "404 422"}},
    {0},
};
