/* catalogue.c - see catalogue.h. */
#include "catalogue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../entity/entity_schema.h"
#include "../entity/hooks.h"
#include "../entity/meta_load.h"
#include "../util/clock.h"
#include "../util/pinyin.h"

static int category_in_use(entity_ctx *c, hook_change *ch, err *e)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)hook_id(ch));
    const char *params[] = {id, id};
    int64_t n = 0;
    if (db_query_int64(c->db,
                       "SELECT (SELECT COUNT(*) FROM product_categories WHERE deleted_at IS NULL AND parent_id = CAST(? AS BIGINT))"
                       " + (SELECT COUNT(*) FROM products WHERE deleted_at IS NULL AND category_id = CAST(? AS BIGINT))",
                       &n, e, 2, params) < 0)
        return -1;
    return n ? err_set(e, 409, "in_use", "该分类下还有下级分类或产品，请先移走",
                       "Subcategories or products still belong to this category")
             : 0;
}

void catalogue_init(void)
{
    entity_before("product_categories", ON_DELETE, category_in_use);
}

/* ---- upgrade from text categories ---- */

typedef struct old_category {
    int64_t company;
    char *name;
} old_category;

/* The distinct (company, text) pairs still waiting in `table`; *n of them. */
static old_category *read_old(db_conn *c, const char *table, int *n, err *e)
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT DISTINCT company_id, category FROM %s WHERE category IS NOT NULL AND category <> ''"
             " AND category_id IS NULL ORDER BY company_id, category", table);
    db_stmt *s = db_prepare(c, sql, e);
    if (!s) return NULL;
    old_category *list = NULL;
    int cap = 0, step;
    *n = 0;
    while ((step = db_step(s)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            old_category *more = realloc(list, sizeof *list * (size_t)cap);
            if (!more) break;
            list = more;
        }
        list[*n].company = db_column_int64(s, 0);
        list[*n].name = strdup(db_column_text(s, 1));
        if (!list[*n].name) break;
        (*n)++;
    }
    db_finalize(s);
    if (step != DB_DONE) {
        for (int i = 0; i < *n; i++) free(list[i].name);
        free(list);
        err_set(e, 500, "db_error", "读取原产品分类失败", "Cannot read the old product categories");
        return NULL;
    }
    return list ? list : calloc(1, sizeof *list);
}

/* The company's category of this name, made when there is none. */
static int64_t category_named(db_conn *c, const old_category *o, err *e)
{
    char company[24], now[ISO_TIME_LEN];
    snprintf(company, sizeof company, "%lld", (long long)o->company);
    iso_now(now);
    const char *find[] = {company, o->name};
    int64_t id = 0;
    int rc = db_query_int64(c,
                            "SELECT id FROM product_categories WHERE company_id = CAST(? AS BIGINT) AND name = ?"
                            " AND deleted_at IS NULL ORDER BY id LIMIT 1",
                            &id, e, 2, find);
    if (rc < 0) return -1;
    if (rc == 0 && id) return id;
    strbuf full = STRBUF_INIT, initials = STRBUF_INIT; /* pinyin order, as the engine keeps it */
    pinyin_keys(o->name, &full, &initials);
    const char *make[] = {company, o->name, now, now, sb_str(&full), sb_str(&initials)};
    rc = db_query_int64(c,
                        "INSERT INTO product_categories (company_id, name, sort_order, version, created_at, updated_at,"
                        " py_full, py_initials) VALUES (CAST(? AS BIGINT), ?, 0, 1, ?, ?, ?, ?) RETURNING id",
                        &id, e, 6, make);
    sb_free(&full);
    sb_free(&initials);
    return rc < 0 ? -1 : id;
}

static int link_rows(db_conn *c, const char *table, const old_category *o, int64_t category, err *e)
{
    char sql[200], company[24], id[24];
    snprintf(sql, sizeof sql,
             "UPDATE %s SET category_id = CAST(? AS BIGINT), category = NULL"
             " WHERE company_id = CAST(? AS BIGINT) AND category = ? AND category_id IS NULL", table);
    snprintf(company, sizeof company, "%lld", (long long)o->company);
    snprintf(id, sizeof id, "%lld", (long long)category);
    const char *params[] = {id, company, o->name};
    int64_t ignored;
    return db_query_int64(c, sql, &ignored, e, 3, params) < 0 ? -1 : 0;
}

static int upgrade_table(db_conn *c, const char *table, int *made, err *e)
{
    if (!entity_has_column(c, table, "category")) return 0; /* a database made after the change */
    int n = 0, rc = 0;
    old_category *list = read_old(c, table, &n, e);
    if (!list) return -1;
    for (int i = 0; i < n && rc == 0; i++) {
        int64_t category = category_named(c, &list[i], e);
        rc = category < 0 || link_rows(c, table, &list[i], category, e) ? -1 : 0;
    }
    for (int i = 0; i < n; i++) free(list[i].name);
    free(list);
    *made += n;
    return rc;
}

int catalogue_upgrade(db_conn *c, err *e)
{
    int made = 0;
    if (upgrade_table(c, "products", &made, e) || upgrade_table(c, "price_rules", &made, e)) return -1;
    /* the new categories' search words (全局搜索 finds them at once) */
    const entity_def *categories = meta_entity(meta_current(), "product_categories");
    if (made && categories && entity_reindex_all(c, categories, e)) return -1;
    if (made) fprintf(stderr, "kehu: 产品分类已转为分类记录 / product categories became records (%d)\n", made);
    return 0;
}
