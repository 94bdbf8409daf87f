/* acl.c - see acl.h. */
#include "acl.h"

int acl_can(const auth_user *u, const entity_def *ent, acl_verb verb)
{
    if (!u) return 0;
    if (ent->is_system) {
        /* System entities (users) are a directory everyone may read and
         * administrators may edit; they are created and removed by their own
         * commands (kehu user add), which set what the generic engine cannot
         * (password hashes). */
        if (verb == ACL_VIEW || verb == ACL_EXPORT) return 1;
        return verb == ACL_EDIT && u->is_admin;
    }
    return 1; /* every business module, for now; profiles refine it (issue 5) */
}

int acl_can_assign(const auth_user *u, const entity_def *ent)
{
    return u && u->is_admin;
    (void)ent;
}

static void owner_predicate(const auth_user *u, const entity_def *ent, const char *alias, int with_pool,
                            query *q)
{
    if ((u && u->is_admin) || ent->is_system) {
        query_sql(q, "(1=1)");
        return;
    }
    const char *a = alias ? alias : "", *dot = alias ? "." : "";
    query_sqlf(q, "(%s%sowner_id = ", a, dot);
    query_bind_int(q, u ? u->id : -1);
    if (ent->pool && with_pool) query_sqlf(q, " OR %s%sowner_id IS NULL", a, dot); /* the public pool */
    query_sql(q, ")");
}

void acl_visible_predicate(const auth_user *u, const entity_def *ent, const char *alias, query *q)
{
    owner_predicate(u, ent, alias, 1, q);
}

void acl_list_predicate(const auth_user *u, const entity_def *ent, const char *alias, query *q)
{
    owner_predicate(u, ent, alias, 0, q);
}

int acl_field_access(const auth_user *u, const entity_def *ent, const field_def *f)
{
    (void)u;
    (void)ent;
    return f->readonly ? 1 : 2;
}
