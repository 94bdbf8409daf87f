/* prices.h - the four discount kinds (博星 实验四) resolved into a line's
 * price, in one place (issue 12, item 2). The rules are records
 * (metadata/entities/price_rules.json):
 *   销量折扣 volume   - from a quantity on, per product or product category
 *                      (a category covers the categories below it);
 *   客户折扣 customer - per customer, else per customer grade;
 *   代理折扣 agent    - for accounts of type 代理商 (channel), optionally
 *                      per product or category;
 *   职位折扣 position - the deepest discount a role may grant by hand below
 *                      the rule price; a line beyond it is flagged, and an
 *                      approval flow asks for the flag.
 * How they combine (docs/commerce.md "Discounts"): the customer side is
 * the 代理折扣 for a 代理商, else the 客户折扣 (the customer's own rule
 * before its grade's); the 销量折扣 applies on top of it; of several
 * rules of one kind that apply, the deepest. */
#ifndef KEHU_PRICES_H
#define KEHU_PRICES_H

#include "../entity/entity.h"

typedef struct price_resolution {
    int64_t list_price;        /* 分 */
    int64_t discount;          /* the combined discount, percent × 100 */
    int64_t price;             /* 分, list_price less the discount, rounded half up */
    int64_t position_discount; /* the user's role's 职位折扣, percent × 100 (0 without a rule) */
    const char *rule;          /* 客户折扣「A类客户」5% + 销量折扣「满100台」3%; NULL when none applied */
} price_resolution;

/* Resolves the price of `quantity` (× 100) of product_id for account_id
 * (0: none) as the context's user sells it; list_price < 0 takes the
 * product's 标准价. 0, or -1 with e (404 product not found). */
int price_resolve(entity_ctx *c, int64_t account_id, int64_t product_id, int64_t quantity, int64_t list_price,
                  price_resolution *out, err *e);

/* Registers the line and rule hooks; called by commerce_init after the
 * line checks. */
void prices_init(void);

#endif
