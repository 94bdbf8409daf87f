/* datasets.h - industry data sets (行业数据: 化妆品, 快速消费品, 汽车) a
 * teacher loads into a student's company when resetting it. Each is a
 * file datasets/<code>.json compiled into the binary like metadata, and
 * loaded record by record through the engine (entity_create), so every
 * record passes the same validation and rules as one typed in a form:
 *
 *   {"code": "cosmetics", "title": "化妆品", "description": "...",
 *    "sections": [
 *      {"entity": "products", "catalogue": true, "records": [{"$key": "p1", "name": "...", ...}]},
 *      {"entity": "contacts", "records": [{"account_id": "@a1", "name": "...", ...}]}]}
 *
 * "$key" names a record for later ones; a link field's "@key" is that
 * record's id. A date "today+N" (or "today-N") is that many days from the
 * day of loading. Records of "catalogue" sections (products, price rules)
 * are the company's and loaded once: one whose name is there already is
 * reused. Other records are owned by the student. In a class's shared
 * company the whole set is the class's one market, loaded once the same
 * way: a second student's reset adds only what is missing (names are
 * unique there, so the set cannot be loaded twice).
 * docs/teaching.md. */
#ifndef KEHU_DATASETS_H
#define KEHU_DATASETS_H

#include <jansson.h>

#include "../entity/entity.h"

/* Checks that every option of students.dataset has a file and every file
 * names known entities and fields; start-up refuses a bad build. */
int datasets_check(const metadata *m, err *e);
/* Loads data set `code` into company_id, its records owned by owner_id
 * (shared: a class's shared company), inside the caller's transaction;
 * adds {"entity": n created} to counts. 422 unknown_dataset for a code
 * without a file. */
int dataset_load(entity_ctx *c, const char *code, int64_t company_id, int64_t owner_id, int shared, json_t *counts,
                 err *e);

#endif
