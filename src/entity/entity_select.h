/* entity_select.h - the SELECT list and joins that produce a record's JSON,
 * shared by get, list and related lists. (Internal to src/entity.) */
#ifndef KEHU_ENTITY_SELECT_H
#define KEHU_ENTITY_SELECT_H

#include "entity.h"
#include "../meta/query.h"

typedef struct select_plan {
    strbuf columns; /* "t.id, t.version, ..., j2.name" */
    strbuf joins;   /* " LEFT JOIN users j2 ON j2.id = t.owner_id ..." */
    const field_def **fields; /* visible fields in output order */
    int nfields;
    const char *text_lang; /* entity_ctx.as_text: values as display text in this language */
} select_plan;

void select_plan_build(entity_ctx *c, const entity_def *ent, select_plan *p);
/* The same for the row aliased `alias`, its link joins aliased join0, join1... */
void select_plan_build_as(entity_ctx *c, const entity_def *ent, const char *alias, const char *join,
                          select_plan *p);
void select_plan_free(select_plan *p);
/* The result column of a field of the plan (a link's name column follows
 * its id); -1 when the plan does not select it. */
int select_plan_column(const select_plan *p, const char *field);
/* Appends the current row as a JSON object. */
void select_row_json(const select_plan *p, db_stmt *s, strbuf *out);
/* The WHERE (visibility, filter, search), ORDER BY and page-id query of a
 * list; `w` and `order` must be initialised, `ids` empty. */
/* The WHERE of a list (visibility, pool, link, q, initial, filter) on
 * alias t, without the leading WHERE. */
int entity_where(entity_ctx *c, const entity_def *ent, const list_params *p, query *w, err *e);
int entity_page_sql(entity_ctx *c, const entity_def *ent, const list_params *p, query *w,
                    query *order, strbuf *ids, err *e);
/* LIKE pattern with %, _ and \ escaped, wrapped as %text%. */
char *like_contains_pattern(arena *a, const char *text);

#endif
