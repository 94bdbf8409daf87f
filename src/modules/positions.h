/* positions.h - a class run as one shared company (classes.mode
 * "shared_company", 智欣联创): the class gets a company of its own, made
 * when first needed, whose administrator is the teacher. The teacher does
 * not sign in to it: these functions administer it for them, after
 * checking that the class is theirs. The position tree (岗位树) is the
 * company's roles (教师 → 班级 → 部门经理 → 业务员); a student placed in a
 * position is their user in that company given the role, so the engine's
 * role hierarchy lets a manager-student see the records of the students
 * below, and a salesperson-student only their own. docs/teaching.md. */
#ifndef KEHU_POSITIONS_H
#define KEHU_POSITIONS_H

#include <jansson.h>

#include "../entity/entity.h"
#include "../util/strbuf.h"

/* The shared company of class_id (a class the teacher c->user sees),
 * made now when the class has none yet. 422 not_shared when the class
 * gives each student a company. */
int positions_company(entity_ctx *c, int64_t class_id, int64_t *company_id, err *e);

/* {"company_id","positions":[{id,name,parent_id}],"students":[{id,student_no,
 * name,group_name,user_id,role_id}]}: the tree and where each student is. */
int positions_tree(entity_ctx *c, int64_t class_id, strbuf *out, err *e);
/* The one-click tree: 教师 → the class → 销售一部经理 → 销售一部业务员 and
 * 销售二部经理 → 销售二部业务员. 409 positions_exist when the company has
 * positions already. Answers the tree. */
int positions_default(entity_ctx *c, int64_t class_id, strbuf *out, err *e);
/* body {"name", "parent_id"?}: one more position; answers {"id"}. */
int positions_add(entity_ctx *c, int64_t class_id, json_t *body, strbuf *out, err *e);
/* Removes a position nobody holds (the engine refuses one in use). */
int positions_remove(entity_ctx *c, int64_t class_id, int64_t role_id, err *e);
/* body {"role_id": id | null}: places the student (a students record of
 * the class) in a position, or takes them out of the tree. */
int positions_assign(entity_ctx *c, int64_t class_id, int64_t student_id, json_t *body, err *e);

/* A student's sign-in in the shared company: an ordinary user (no
 * administrator, no position yet) with this first password. */
int positions_add_member(entity_ctx *c, int64_t company_id, const char *username, const char *name,
                         const char *password, int64_t *user_id, err *e);

/* c as the administrator of company_id (the server, trusted for nothing
 * more): that company's metadata, every right in it. u is filled. */
entity_ctx positions_company_ctx(const entity_ctx *c, int64_t company_id, auth_user *u);

/* Registers the rule that a class keeps its mode once it has students. */
void positions_init(void);

#endif
