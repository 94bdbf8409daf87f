/* catalogue.h - the product catalogue's own rules beside the engine's:
 * product categories (产品分类) are a tree (metadata "tree", entity_tree.h:
 * no cycles, the `under` filter); here what is special to them. */
#ifndef KEHU_CATALOGUE_H
#define KEHU_CATALOGUE_H

#include "../db/db.h"
#include "../util/err.h"

/* A category with subcategories or products cannot go to the recycle bin. */
void catalogue_init(void);

/* Upgrade of a database from before categories were records: every text
 * in the retired column products.category (and price_rules.category)
 * becomes a top-level category of its company (one per distinct name,
 * reusing one of that name), the rows link to it and the text is cleared,
 * so it runs once and no product loses its category. Inside the schema
 * transaction, after the entity tables are in place. */
int catalogue_upgrade(db_conn *c, err *e);

#endif
