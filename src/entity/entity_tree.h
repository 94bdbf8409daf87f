/* entity_tree.h - trees as metadata. An entity declares
 *
 *   "tree": "parent_id"
 *
 * (a link field to itself) and the engine then
 *   - refuses a write that would make a record its own ancestor (422
 *     validation_failed, the field `cycle`), whatever client writes it;
 *   - offers the list filter op `under` on the tree's id and on every link
 *     to it: {"field":"category_id","op":"under","value":7} matches
 *     category 7 and every category below it;
 *   - serves `tree` in GET /api/v1/metadata, so the web app shows a tree
 *     whose nodes can be dragged onto another (re-parenting is an ordinary
 *     update of the parent field).
 * Product categories, departments, roles and profiles are trees. */
#ifndef KEHU_ENTITY_TREE_H
#define KEHU_ENTITY_TREE_H

#include "../db/db.h"
#include "../util/err.h"
#include "entity.h"
#include "../meta/metadata.h"
#include "../meta/query.h"
#include "value.h"

/* After every entity is loaded: checks each `tree` names a link to its own
 * entity and marks the fields `under` works on. */
int meta_link_trees(metadata *m, err *e);

/* Before an update is written: when the parent changes to a record at or
 * below `id`, refuses with 422 (field parent: cycle). vals/present are the
 * write's change set (entity fields order). */
int entity_tree_check(entity_ctx *c, const entity_def *ent, int64_t id, const sql_value *vals, const char *present,
                      err *e);

/* Appends "(col IN (<root and its descendants>))" for the `under` op on a
 * field marked by meta_link_trees; `col` is already qualified. */
void entity_tree_under_sql(query *q, const field_def *f, const char *col, int64_t root);

#endif
