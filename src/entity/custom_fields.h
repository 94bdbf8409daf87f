/* custom_fields.h - what an administrator adds to the metadata at run time:
 * custom fields and the options of picklists. A platform administrator's
 * field is the platform's (a real column cf_<name>, DESIGN "custom fields
 * are real columns"); a company administrator's is the company's alone,
 * stored in a slot column cx_<type>_<n> shared with other companies'
 * fields (meta_column names it). Each change is one transaction and is in
 * force in this process when the call returns. */
#ifndef KEHU_CUSTOM_FIELDS_H
#define KEHU_CUSTOM_FIELDS_H

#include <jansson.h>

#include "entity.h"

/* The keys a custom field definition may have (for the caller's check of
 * unknown keys): name, type, label_zh, label_en, required, max_length,
 * scale, options, link_entity, searchable, group. */
extern const char *const CUSTOM_FIELD_KEYS[];

/* Adds the field `body` defines to ent: 422 for a bad definition (adding to
 * the fields e already holds), 409 when the name exists (for a platform
 * field: in any company). *name gets the field's name (cf_<name>, from
 * c->a). */
int custom_field_add(entity_ctx *c, const entity_def *ent, json_t *body, char **name, err *e);

/* Deletes custom field `name` of ent with its options and data, in one
 * transaction: a company administrator their company's fields, a platform
 * administrator the platform's. 404 for a field the caller's scope did
 * not define (another company's included), 422 built_in for a field of
 * the entity files. Quick search forgets the field's words. */
int custom_field_delete(entity_ctx *c, const entity_def *ent, const char *name, err *e);
/* Whether u may delete f: an administrator, f made by their scope (a
 * company's field lives in a slot column, the platform's in its own). */
int custom_field_deletable(const auth_user *u, const field_def *f);

/* Replaces the options of picklist field f from {"options": [{"value",
 * "label_zh", "label_en"?, "active"?, "probability"?}, ...]} (1 to 500). */
int picklist_replace(entity_ctx *c, const entity_def *ent, const field_def *f, json_t *body, err *e);

#endif
