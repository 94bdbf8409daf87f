/* entity_tree.c - see entity_tree.h. */
#include "entity_tree.h"

#include <stdio.h>
#include <string.h>

#include "../util/arena.h"

/* Deeper than any real organisation or catalogue; a longer walk means the
 * data already holds a cycle, which must not hang a write. */
#define TREE_MAX_DEPTH 1000

static void mark(field_def *f, const entity_def *tree)
{
    const field_def *parent = meta_field(tree, tree->tree_parent);
    f->tree_table = tree->table;
    f->tree_parent_column = meta_column(parent);
}

int meta_link_trees(metadata *m, err *e)
{
    for (int i = 0; i < m->nentities; i++) {
        entity_def *ent = &m->entities[i];
        if (!ent->tree_parent) continue;
        const field_def *parent = meta_field(ent, ent->tree_parent);
        if (!parent || parent->type != FT_LINK || strcmp(parent->link_entity, ent->name) != 0)
            return err_setf(e, 500, "bad_metadata", "%s 的 tree 必须是指向自身的关联字段",
                            "%s: tree must name a link field to the entity itself", ent->name);
    }
    for (int i = 0; i < m->nentities; i++) {
        entity_def *ent = &m->entities[i];
        for (int k = 0; k < ent->nfields; k++) {
            field_def *f = &ent->fields[k];
            const entity_def *target = f->type == FT_LINK ? meta_entity(m, f->link_entity)
                                       : f->type == FT_ID && strcmp(f->name, "id") == 0 ? ent
                                                                                        : NULL;
            if (target && target->tree_parent) mark(f, target);
        }
    }
    return 0;
}

/* The parent of `id`, 0 when it has none (or is gone); -1 on error. */
static int64_t parent_of(entity_ctx *c, const char *sql, int64_t id, err *e)
{
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    db_bind_int64(s, 1, id);
    int step = db_step(s);
    int64_t parent = step == DB_ROW && !db_column_is_null(s, 0) ? db_column_int64(s, 0) : 0;
    db_finalize(s);
    if (step < 0) return err_set(e, 500, "db_error", "读取上级失败", "Cannot read the parent");
    return parent;
}

int entity_tree_check(entity_ctx *c, const entity_def *ent, int64_t id, const sql_value *vals, const char *present,
                      err *e)
{
    if (!ent->tree_parent) return 0;
    int idx = meta_field_index(ent, ent->tree_parent);
    if (idx < 0 || !present[idx] || vals[idx].kind != SV_INT) return 0;
    const field_def *f = &ent->fields[idx];
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE id = ? AND deleted_at IS NULL", meta_column(f), ent->table);
    /* Walks up from the new parent: reaching the record itself is a cycle. */
    int64_t node = vals[idx].i;
    for (int steps = 0; node > 0 && steps < TREE_MAX_DEPTH; steps++) {
        if (node == id) {
            err_add_field(e, f->name, "cycle");
            return err_setf(e, 422, "validation_failed", "「%s」不能是它自己或它的下级%.0s",
                            "%.0sThe %s cannot be the record itself or one below it", f->label_zh, f->label_en);
        }
        node = parent_of(c, sql, node, e);
    }
    return node < 0 ? -1 : 0;
}

void entity_tree_under_sql(query *q, const field_def *f, const char *col, int64_t root)
{
    /* UNION (not UNION ALL) stops at a record seen before, so even a cycle
     * already in the data ends the recursion. */
    query_sqlf(q, "(%s IN (WITH RECURSIVE tree_below(id) AS (SELECT CAST(", col);
    query_bind_int(q, root);
    query_sqlf(q, " AS BIGINT) UNION SELECT k.id FROM %s k JOIN tree_below ON k.%s = tree_below.id"
                  " WHERE k.deleted_at IS NULL) SELECT id FROM tree_below))",
               f->tree_table, f->tree_parent_column);
}
