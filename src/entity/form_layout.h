/* form_layout.h - a company's own arrangement of an entity's form (窗体布局,
 * the CRMS lab's task): which groups there are, in which order, with which
 * labels, and which fields each holds in which order, custom fields in any
 * group. Kept in company_settings as layout.<entity>, put into the
 * company's metadata version (meta_for_company), so the form, the record
 * page and GET /api/v1/metadata all follow it. */
#ifndef KEHU_FORM_LAYOUT_H
#define KEHU_FORM_LAYOUT_H

#include <jansson.h>

#include "../util/arena.h"
#include "entity.h"

#define FORM_LAYOUT_MAX_GROUPS 30

/* Applies the company's stored layout of ent (if any) to ent's groups and
 * its fields' groups, while its metadata version is built. Fields named in
 * the layout that no longer exist are passed over; groups of the metadata
 * the layout does not name follow its own. */
int form_layout_apply(db_conn *c, arena *a, entity_def *ent, int64_t company, err *e);

/* Stores {"groups":[{"key","label_zh","label_en"?,"fields":[name...]}]} as
 * the user's company's layout of ent: 422 for an unknown field, a system
 * field, a field twice, a bad key or label, or no group; in force when the
 * call returns. */
int form_layout_save(entity_ctx *c, const entity_def *ent, json_t *body, err *e);

/* Back to the metadata's layout. */
int form_layout_reset(entity_ctx *c, const entity_def *ent, err *e);

#endif
