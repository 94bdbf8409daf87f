/* entity_count.c - how many records match a filter, as the context's user
 * sees them: the same WHERE as a list (recycle bin excluded, visibility,
 * field access on the filter's fields), so module code that asks "is
 * there such a record" never forgets either. */
#include "../acl/acl.h"
#include "entity_select.h"

/* Runs `SELECT <what> FROM <table> t WHERE <list where>`; 1 with a row, 0
 * without, -1 with e filled. *first gets the row's first column. A user
 * without the view right sees no record: 0. */
static int run(entity_ctx *c, const entity_def *ent, const char *what, const char *tail, const char *filter_json,
               int64_t *first, err *e)
{
    *first = 0;
    if (!acl_can(c->user, ent, ACL_VIEW)) return 0;
    list_params p = {.filter = filter_json};
    query w;
    query_init(&w, c->a);
    int rc = -1;
    if (entity_where(c, ent, &p, &w, e) == 0) {
        strbuf sql = STRBUF_INIT;
        sb_printf(&sql, "SELECT %s FROM %s t WHERE %s%s", what, ent->table, sb_str(&w.sql), tail);
        db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
        sb_free(&sql);
        if (s) {
            query_bind_all(&w, s);
            int step = db_step(s);
            if (step == DB_ROW) *first = db_column_int64(s, 0), rc = 1;
            else if (step == DB_DONE) rc = 0;
            else err_set(e, 500, "db_error", "统计记录数失败", "Counting failed");
            db_finalize(s);
        }
    }
    query_free(&w);
    return rc;
}

int entity_count(entity_ctx *c, const entity_def *ent, const char *filter_json, int64_t *n, err *e)
{
    return run(c, ent, "COUNT(*)", "", filter_json, n, e) < 0 ? -1 : 0;
}

int entity_exists(entity_ctx *c, const entity_def *ent, const char *filter_json, err *e)
{
    int64_t ignored;
    return run(c, ent, "t.id", " LIMIT 1", filter_json, &ignored, e);
}

int entity_list_ids(entity_ctx *c, const entity_def *ent, const list_params *p, int max, int64_t **ids, int *n,
                    err *e)
{
    *ids = NULL, *n = 0;
    if (!acl_can(c->user, ent, ACL_VIEW)) return 0;
    query w;
    query_init(&w, c->a);
    int rc = -1;
    if (entity_where(c, ent, p, &w, e) == 0) {
        strbuf sql = STRBUF_INIT;
        /* one more than max, so the caller can tell "too many" from "exactly max" */
        sb_printf(&sql, "SELECT t.id FROM %s t WHERE %s ORDER BY t.id LIMIT %d", ent->table, sb_str(&w.sql), max + 1);
        db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
        sb_free(&sql);
        if (s) {
            query_bind_all(&w, s);
            *ids = arena_alloc(c->a, sizeof **ids * (size_t)(max + 1));
            int step;
            while ((step = db_step(s)) == DB_ROW) (*ids)[(*n)++] = db_column_int64(s, 0);
            if (step == DB_DONE) rc = 0;
            else err_set(e, 500, "db_error", "读取记录失败", "Reading records failed");
            db_finalize(s);
        }
    }
    query_free(&w);
    return rc;
}
