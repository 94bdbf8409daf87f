/* acl.h - who may see and change what. The only place that decides it: the
 * entity engine asks here for every read and write, and appends the
 * visibility predicate to every query, so no handler builds its own.
 *
 * The rules (issue 5, SPEC "System settings"):
 * - Administrators may do everything.
 * - Module rights come from profiles (权限配置): {entity: {view, create,
 *   edit, delete, import, export, view_all, modify_all}}. A user's rights
 *   are the union of the profiles of the user's role; a user without a role
 *   gets the profiles marked is_default. A profile inherits the rights of
 *   its parent profile (parent_id, ALLPASS AP-S4): verbs add up, and its
 *   own field access wins over the parent's.
 * - view_all (查看全部) reads every record of the module and modify_all
 *   (修改全部, which includes view_all) changes every record, whatever the
 *   owners and the sharing: a read-only after-sales role reads every
 *   customer without customers being public to everyone.
 * - Field access comes from the same profiles: {entity: {field: "hidden" |
 *   "read" | "write"}}, unnamed fields are "write"; the most open value among
 *   the role's profiles that may view the entity wins.
 * - Records: the owner sees and edits them, and so does everyone whose role
 *   is above the owner's role (上级岗位可读写下级岗位的记录); users in the same
 *   role do not see each other's records. Per-entity default sharing widens
 *   that: "public_read" lets everyone read, "public_read_write" lets everyone
 *   edit. Customers without an owner (the public pool) are readable by all.
 * - System entities (users, departments, roles, profiles) are a directory
 *   that everyone may read (profiles: administrators only) and only
 *   administrators change.
 *
 * - Companies (tenants): every predicate below keeps to the user's company,
 *   and rights, roles, profiles and sharing are each company's own. An
 *   administrator (is_admin) administers one company.
 *
 * The rules live in a snapshot loaded from the database (roles, profiles,
 * users' roles, sharing), replaced as a whole when they change: at once in
 * the process that changed them, within a second in other processes
 * (settings.acl_version). */
#ifndef KEHU_ACL_H
#define KEHU_ACL_H

#include "../auth/session.h"
#include "../db/db.h"
#include "../meta/metadata.h"
#include "../meta/query.h"

typedef enum acl_verb {
    ACL_VIEW = 0,
    ACL_CREATE,
    ACL_EDIT,
    ACL_DELETE,
    ACL_IMPORT,
    ACL_EXPORT,
    ACL_VIEW_ALL,   /* every record, not only one's own and one's subordinates' */
    ACL_MODIFY_ALL, /* change every record (implies ACL_VIEW_ALL) */
    ACL_NVERBS
} acl_verb;

/* Verb names as in profiles.permissions: "view", "create", ... */
extern const char *const acl_verb_names[ACL_NVERBS];
/* The verbs (bits 1 << verb) that the given ones imply: every right needs
 * view, view_all is viewing, modify_all is view_all, edit and delete. The
 * metadata API serves this so the profile editor ticks the same. */
unsigned acl_verb_closure(unsigned verbs);

typedef enum acl_sharing {
    ACL_PRIVATE = 0,
    ACL_PUBLIC_READ,
    ACL_PUBLIC_READ_WRITE,
} acl_sharing;

/* Field access levels, as acl_field_access answers them. */
enum { ACL_HIDDEN = 0, ACL_READ = 1, ACL_WRITE = 2 };

/* ---- the rules in force ---- */

/* Loads the rules now (after a change this process committed). */
int acl_reload(db_conn *c, err *e);
/* Reloads when another process changed the rules; looks at the database at
 * most once a second. Call at the start of every request. */
void acl_refresh_if_stale(db_conn *c);
/* As meta_refresh_to, for the access rules (auth_user.acl_version); call
 * after meta_refresh_to, as the rules follow the metadata in force. */
void acl_refresh_to(db_conn *c, int64_t version);
/* Marks the rules changed for every process: call inside the transaction
 * that changes roles, profiles, users, departments or sharing. */
int acl_bump_version(db_conn *c, err *e);
void acl_shutdown(void);

/* ---- questions ---- */

/* Module right: may this user use `verb` on this entity at all? */
int acl_can(const auth_user *u, const entity_def *ent, acl_verb verb);
/* 1 when the user's list of ent is the whole of their company's (an
 * administrator, the 查看全部 right, sharing other than private): their
 * visibility predicate is the company alone. */
int acl_sees_all(const auth_user *u, const entity_def *ent);
/* May this user give records to other owners (assign / transfer)?
 * Administrators, and managers: users whose role has roles under it. */
int acl_can_assign(const auth_user *u, const entity_def *ent);
/* May records be given to `owner_id` by this user? Administrators: anyone;
 * others: themselves and the users below them in the role tree. */
int acl_can_assign_to(const auth_user *u, const entity_def *ent, int64_t owner_id);
/* Appends one parenthesised SQL condition to q selecting the rows of the
 * user's company (every company for the server's own jobs, company_id 0).
 * Every predicate below starts with it. */
void acl_company_predicate(const auth_user *u, const char *alias, query *q);
/* Appends one parenthesised SQL condition to q selecting the rows of `ent`
 * (column qualifier `alias`) that this user may see, the public pool
 * included. */
void acl_visible_predicate(const auth_user *u, const entity_def *ent, const char *alias, query *q);
/* The same for lists, searches, counts and exports, which leave out the
 * public pool (it is listed on its own, see list_params.pool): a list's
 * predicate must stay an index range on the owner, or a user with few
 * records would scan the whole table. */
void acl_list_predicate(const auth_user *u, const entity_def *ent, const char *alias, query *q);
/* When the list predicate is exactly "the company's rows owned by one of
 * a few users" (a manager over a team), those owners into `owners` (at
 * most max): their count, 2 or more; else 0. A page sorted by an index
 * that starts with the owner is then read per owner and merged
 * (entity_read.c). */
int acl_list_owners(const auth_user *u, const entity_def *ent, int64_t *owners, int max);
/* The list predicate as a set of owners, for totals kept per owner
 * (entity/owner_counts.h): 0 when the user's list is every row of the
 * company (the public pool included); else the owners (u and the users
 * below u's role) into `owners` and their number; -1 when the list is not
 * a set of owners (records shared through a share list) or has more than
 * max. */
int acl_list_owner_set(const auth_user *u, const entity_def *ent, int64_t *owners, int max);
/* The public pool of the user's company: rows without an owner. */
void acl_pool_predicate(const auth_user *u, const char *alias, query *q);
/* The rows of the user and of the users below them in the role tree, for
 * everyone alike (administrators too), whatever the sharing: what is theirs
 * to act on, such as reminders. A subset of the list predicate. */
void acl_own_predicate(const auth_user *u, const entity_def *ent, const char *alias, query *q);
/* The rows this user may change (edit, delete, restore, reassign); with_pool
 * adds the public pool (claiming takes a record from there). */
/* Over the users table: the users whose records of ent u may see by
 * ownership (the owners a calendar or a filter may offer): everyone of the
 * company when u sees all of ent, else u and the users below u's role. */
void acl_owner_users_predicate(const auth_user *u, const entity_def *ent, const char *alias, query *q);
void acl_write_predicate(const auth_user *u, const entity_def *ent, const char *alias,
                         int with_pool, query *q);
/* acl_write_predicate asked of one row already read through the visibility
 * predicate (so of u's company), by its owner (0: the public pool): 1 when
 * the write predicate would select it. No query: the owner set is the one
 * the predicate binds. The record page asks it to offer only the changes
 * the write paths accept (entity_allowed). */
int acl_row_writable(const auth_user *u, const entity_def *ent, int64_t owner_id, int with_pool);
/* Field access: ACL_HIDDEN, ACL_READ or ACL_WRITE. Server-owned fields are
 * never more than ACL_READ. */
int acl_field_access(const auth_user *u, const entity_def *ent, const field_def *f);
/* 1 when the field is read-only for this user because of a profile (not
 * because it is server-owned): writing it is refused with 403. */
int acl_field_restricted(const auth_user *u, const entity_def *ent, const field_def *f);

/* Default sharing of a business entity in the user's company. */
acl_sharing acl_entity_sharing(const auth_user *u, const entity_def *ent);
const char *acl_sharing_name(acl_sharing s);
int acl_sharing_from_name(const char *name); /* -1 when unknown */

#endif
