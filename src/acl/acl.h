/* acl.h - who may see and change what. The only place that decides it: the
 * entity engine asks here for every read and write, and appends the
 * visibility predicate to every query, so no handler builds its own.
 *
 * Today: administrators may do everything; other users may use every
 * business entity and see the records they own. Roles, profiles, sharing
 * rules and field access (issue 5) refine these same functions. */
#ifndef KEHU_ACL_H
#define KEHU_ACL_H

#include "../auth/session.h"
#include "../entity/metadata.h"
#include "../entity/query.h"

typedef enum acl_verb {
    ACL_VIEW = 0,
    ACL_CREATE,
    ACL_EDIT,
    ACL_DELETE,
    ACL_IMPORT,
    ACL_EXPORT,
} acl_verb;

/* Module right: may this user use `verb` on this entity at all? */
int acl_can(const auth_user *u, const entity_def *ent, acl_verb verb);
/* May this user give records to another owner (assign / transfer)? */
int acl_can_assign(const auth_user *u, const entity_def *ent);
/* Appends one parenthesised SQL condition to q selecting the rows of `ent`
 * (column qualifier `alias`) that this user may see. */
void acl_visible_predicate(const auth_user *u, const entity_def *ent, const char *alias, query *q);
/* The same for lists, searches, counts and exports, which leave out the
 * public pool (it is listed on its own, see list_params.pool): a list's
 * predicate must stay an index range on the owner, or a user with few
 * records would scan the whole table. */
void acl_list_predicate(const auth_user *u, const entity_def *ent, const char *alias, query *q);
/* Field access: 0 hidden, 1 read, 2 write. */
int acl_field_access(const auth_user *u, const entity_def *ent, const field_def *f);

#endif
