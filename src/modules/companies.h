/* companies.h - companies (tenants, 公司). Every record belongs to one
 * company and every statement keeps to the user's (src/acl); this module
 * keeps the list of companies. A platform administrator creates a company
 * together with its first administrator, who then configures only that
 * company (users, roles, profiles, sharing); its starting roles and
 * profiles are those of a new database (access_seed_company). A suspended
 * company's users cannot sign in. The first company, id 1, holds what
 * existed before companies. */
#ifndef KEHU_COMPANIES_H
#define KEHU_COMPANIES_H

#include <jansson.h>

#include "../entity/entity.h"
#include "../util/strbuf.h"

/* The companies c->user may see as a JSON list {"items":[...],"total":N}:
 * all of them for a platform administrator, otherwise the user's own. */
int companies_list(entity_ctx *c, strbuf *out, err *e);
/* One company as JSON; 404 unless it is the user's own or the user is a
 * platform administrator. */
int companies_get(entity_ctx *c, int64_t id, strbuf *out, err *e);
/* body: {"name", "code"?, "admin": {"username", "name", "password"}}.
 * Creates the company, its roles, profiles and department, and its
 * administrator, in one transaction. Platform administrators only (403). */
int companies_create(entity_ctx *c, json_t *body, int64_t *id, err *e);
/* companies_create without asking who c->user is: for module code that
 * decided itself who may (a teacher's class gives each student a company). */
int companies_create_for(entity_ctx *c, json_t *body, int64_t *id, err *e);
/* A company with its starting roles, profiles and department but no
 * administrator of its own: module code administers it for someone who
 * signs in elsewhere (a class's shared company, run by the teacher through
 * the class's routes). Its code is generated. */
int companies_create_unadministered(entity_ctx *c, const char *name, int64_t *id, err *e);
/* body: {"name"?, "status"?: "active" | "suspended"}. Platform
 * administrators only; the default company is never suspended. */
int companies_update(entity_ctx *c, int64_t id, json_t *body, err *e);

#endif
