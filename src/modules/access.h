/* access.h - the rules of the access-control records themselves (roles,
 * profiles, departments, users), the out-of-the-box set-up, and the default
 * sharing settings. What the rules mean for every other record is decided
 * in src/acl; this module keeps the records that feed it consistent:
 * well-formed permissions, trees without cycles, no role or profile removed
 * while in use, always one active administrator. */
#ifndef KEHU_ACCESS_H
#define KEHU_ACCESS_H

#include "../entity/entity.h"

/* Registers the write and delete rules; call once at start-up. */
void access_init(void);

/* First run of a database: profiles 系统管理员 (everything), 标准用户 (every
 * business module, for users without a role) and 只读用户 (view and export),
 * the root role 管理员 and the root department 总公司. Runs once per
 * database (settings.acl_seeded), for the default company. */
int access_seed(db_conn *c, err *e);
/* The same set-up for one (new) company, inside the caller's transaction. */
int access_seed_company(db_conn *c, int64_t company_id, err *e);
/* Gives administrators without a role the root role 管理员 (and, when they
 * have none, the department 总公司). */
int access_seed_admin_role(db_conn *c, err *e);

/* {"accounts":"private",...} for every business entity. */
void access_sharing_json(const metadata *m, const auth_user *u, strbuf *out);
/* body: {entity: "private"|"public_read"|"public_read_write", ...}; all
 * validated first (422 naming the bad keys), then stored in one
 * transaction; the rules are reloaded. */
int access_set_sharing(entity_ctx *c, json_t *body, err *e);

#endif
