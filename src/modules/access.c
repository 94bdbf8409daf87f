/* access.c - see access.h. */
#include "access.h"

#include <string.h>

#include "../acl/acl.h"
#include "../entity/hooks.h"
#include "../entity/meta_load.h"
#include "../entity/value.h"
#include "../util/utf8.h"

static const entity_def *business_entity(const metadata *m, const char *name)
{
    const entity_def *ent = meta_entity(m, name);
    return ent && !ent->is_system && !ent->personal ? ent : NULL;
}

static int invalid(err *e, const char *field, const char *zh, const char *en, const char *detail)
{
    err_add_field(e, field, "invalid");
    return err_setf(e, 422, "validation_failed", zh, en, detail);
}

/* ---- profiles ---- */

/* {"accounts": {"view": true, ...}, "*": {...}} */
static int check_permissions(const metadata *m, json_t *perm, err *e)
{
    const char *key;
    json_t *verbs;
    json_object_foreach(perm, key, verbs) {
        if (strcmp(key, "*") != 0 && !business_entity(m, key))
            return invalid(e, "permissions", "模块权限中的「%.64s」不是业务模块", "\"%.64s\" in permissions is not a business module", key);
        if (!json_is_object(verbs))
            return invalid(e, "permissions", "「%.64s」的权限必须是对象", "The rights of \"%.64s\" must be an object", key);
        const char *verb;
        json_t *on;
        json_object_foreach(verbs, verb, on) {
            int known = 0;
            for (int i = 0; i < ACL_NVERBS; i++) known |= strcmp(acl_verb_names[i], verb) == 0;
            if (!known || !json_is_boolean(on))
                return invalid(e, "permissions", "「%.64s」的权限只能是 view/create/edit/delete/import/export 的真假值",
                               "The rights of \"%.64s\" are view/create/edit/delete/import/export set to true or false", key);
        }
    }
    return 0;
}

/* {"accounts": {"phone": "hidden", "credit_limit": "read"}} */
static int check_field_access(const metadata *m, json_t *fa, err *e)
{
    const char *key;
    json_t *fields;
    json_object_foreach(fa, key, fields) {
        const entity_def *ent = business_entity(m, key);
        if (!ent) return invalid(e, "field_access", "字段权限中的「%.64s」不是业务模块", "\"%.64s\" in field_access is not a business module", key);
        if (!json_is_object(fields))
            return invalid(e, "field_access", "「%.64s」的字段权限必须是对象", "The field access of \"%.64s\" must be an object", key);
        const char *name;
        json_t *level;
        json_object_foreach(fields, name, level) {
            const field_def *f = meta_field(ent, name);
            const char *s = json_string_value(level);
            if (!f || f->system)
                return invalid(e, "field_access", "字段「%.64s」不存在或不能设置权限", "Field \"%.64s\" does not exist or has fixed access", name);
            if (!s || (strcmp(s, "hidden") && strcmp(s, "read") && strcmp(s, "write")))
                return invalid(e, "field_access", "「%.64s」的权限只能是 hidden、read 或 write", "The access of \"%.64s\" is hidden, read or write", name);
            /* A user who cannot fill a required field could create nothing. */
            int is_name = ent->name_field && strcmp(ent->name_field, name) == 0;
            if ((f->required || is_name) && strcmp(s, "write") != 0)
                return invalid(e, "field_access", "必填字段「%.64s」必须可写", "Required field \"%.64s\" must stay writable", f->label_zh);
        }
    }
    return 0;
}

static json_t *json_of(const sql_value *v)
{
    return v->kind == SV_TEXT ? json_loads(v->s, 0, NULL) : NULL;
}

static int profile_rules(entity_ctx *c, hook_change *ch, err *e)
{
    int rc = 0;
    if (hook_changed(ch, "permissions") && hook_value(ch, "permissions")->kind != SV_NULL) {
        json_t *perm = json_of(hook_value(ch, "permissions"));
        rc = json_is_object(perm) ? check_permissions(c->m, perm, e)
                                  : invalid(e, "permissions", "模块权限必须是对象%.0s", "Module rights must be an object%.0s", "");
        json_decref(perm);
    }
    if (!rc && hook_changed(ch, "field_access") && hook_value(ch, "field_access")->kind != SV_NULL) {
        json_t *fa = json_of(hook_value(ch, "field_access"));
        rc = json_is_object(fa) ? check_field_access(c->m, fa, e)
                                : invalid(e, "field_access", "字段权限必须是对象%.0s", "Field access must be an object%.0s", "");
        json_decref(fa);
    }
    return rc;
}

static int count_profiles(entity_ctx *c, json_t *ids, int64_t *n, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT COUNT(*) FROM profiles t WHERE t.deleted_at IS NULL AND ");
    acl_company_predicate(c->user, "t", &q); /* a role takes its own company's profiles */
    query_sql(&q, " AND t.id IN (");
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) {
        if (i) query_sql(&q, ", ");
        query_bind_int(&q, json_integer_value(id));
    }
    query_sql(&q, ")");
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    int rc = -1;
    if (s) {
        query_bind_all(&q, s);
        if (db_step(s) == DB_ROW) *n = db_column_int64(s, 0), rc = 0;
        else err_set(e, 500, "db_error", "读取权限配置失败", "Cannot read profiles");
        db_finalize(s);
    }
    query_free(&q);
    return rc;
}

#define ROLE_MAX_PROFILES 50

static int role_rules(entity_ctx *c, hook_change *ch, err *e)
{
    if (!hook_changed(ch, "profile_ids") || hook_value(ch, "profile_ids")->kind == SV_NULL) return 0;
    json_t *ids = json_of(hook_value(ch, "profile_ids"));
    int ok = json_is_array(ids) && json_array_size(ids) <= ROLE_MAX_PROFILES;
    size_t i, j;
    json_t *id;
    json_array_foreach(ids, i, id) {
        ok &= json_is_integer(id) && json_integer_value(id) > 0;
        for (j = 0; ok && j < i; j++) ok &= !json_equal(id, json_array_get(ids, j));
    }
    int64_t found = 0;
    int rc = 0;
    if (!ok) {
        err_add_field(e, "profile_ids", "invalid");
        rc = err_set(e, 422, "validation_failed", "权限配置必须是不重复的编号列表（最多 50 个）",
                     "profile_ids must be a list of distinct ids (at most 50)");
    } else if (json_array_size(ids) && (rc = count_profiles(c, ids, &found, e)) == 0 &&
               found != (int64_t)json_array_size(ids)) {
        err_add_field(e, "profile_ids", "not_found");
        rc = err_set(e, 422, "validation_failed", "所选的权限配置不存在", "A chosen profile does not exist");
    }
    json_decref(ids);
    return rc;
}

/* ---- users: there is always an active administrator ---- */

/* Each company keeps an administrator of its own. */
static int other_active_admins(entity_ctx *c, int64_t user_id, int64_t *n, err *e)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)user_id);
    const char *params[] = {id, id};
    return db_query_int64(c->db,
                          "SELECT COUNT(*) FROM users o WHERE o.deleted_at IS NULL AND o.is_admin = 1 "
                          "AND o.status = 'active' AND o.id <> CAST(? AS BIGINT) "
                          "AND o.company_id = (SELECT u.company_id FROM users u WHERE u.id = CAST(? AS BIGINT))",
                          n, e, 2, params) < 0 ? -1 : 0;
}

static int valid_username(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || !utf8_valid(s, n)) return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f) return 0;
    return 1;
}

static int user_rules(entity_ctx *c, hook_change *ch, err *e)
{
    const char *username = hook_text(ch, "username");
    if (hook_changed(ch, "username") && username && !valid_username(username)) {
        err_add_field(e, "username", "invalid_format");
        return err_set(e, 422, "validation_failed", "用户名至少 2 个字符，不能含空格",
                       "A username has at least 2 characters and no spaces");
    }
    if (hook_event(ch) != ON_UPDATE) return 0;
    const sql_value *old_admin = hook_old(ch, "is_admin"), *old_status = hook_old(ch, "status");
    int was_admin = old_admin->kind == SV_INT && old_admin->i && old_status->kind == SV_TEXT &&
                    strcmp(old_status->s, "active") == 0;
    const char *status = hook_text(ch, "status");
    int demoted = hook_changed(ch, "is_admin") && !hook_int(ch, "is_admin", 0);
    int deactivated = hook_changed(ch, "status") && !(status && strcmp(status, "active") == 0);
    if (!was_admin || !(demoted || deactivated)) return 0;
    if (hook_id(ch) == c->user->id) {
        err_add_field(e, deactivated ? "status" : "is_admin", "self");
        return err_set(e, 422, "validation_failed", "不能停用自己或取消自己的管理员身份",
                       "You cannot deactivate yourself or drop your own administrator right");
    }
    int64_t others = 0;
    if (other_active_admins(c, hook_id(ch), &others, e)) return -1;
    if (!others) {
        err_add_field(e, deactivated ? "status" : "is_admin", "last_admin");
        return err_set(e, 422, "validation_failed", "系统至少要保留一位启用的管理员",
                       "There must remain at least one active administrator");
    }
    return 0;
}

/* ---- deletes ---- */

static int in_use(err *e, const char *zh, const char *en)
{
    return err_set(e, 409, "in_use", zh, en);
}

static int count_where(entity_ctx *c, const char *sql, int64_t id, int64_t *n, err *e)
{
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)id);
    const char *params[] = {text, text};
    int nparams = 0;
    for (const char *p = sql; *p; p++) nparams += *p == '?';
    return db_query_int64(c->db, sql, n, e, nparams, params) < 0 ? -1 : 0;
}

static int role_delete_check(entity_ctx *c, hook_change *ch, err *e)
{
    int64_t id = hook_id(ch);
    int64_t n = 0;
    if (count_where(c,
                    "SELECT (SELECT COUNT(*) FROM users WHERE deleted_at IS NULL AND role_id = CAST(? AS BIGINT))"
                    " + (SELECT COUNT(*) FROM roles WHERE deleted_at IS NULL AND parent_id = CAST(? AS BIGINT))",
                    id, &n, e))
        return -1;
    return n ? in_use(e, "该角色下还有用户或下级角色，请先调整", "Users or roles still hang under this role") : 0;
}

static int department_delete_check(entity_ctx *c, hook_change *ch, err *e)
{
    int64_t id = hook_id(ch);
    int64_t n = 0;
    if (count_where(c,
                    "SELECT (SELECT COUNT(*) FROM users WHERE deleted_at IS NULL AND department_id = CAST(? AS BIGINT))"
                    " + (SELECT COUNT(*) FROM departments WHERE deleted_at IS NULL AND parent_id = CAST(? AS BIGINT))",
                    id, &n, e))
        return -1;
    return n ? in_use(e, "该部门下还有用户或下级部门，请先调整", "Users or departments still belong to this department") : 0;
}

static int profile_delete_check(entity_ctx *c, hook_change *ch, err *e)
{
    int64_t id = hook_id(ch);
    db_stmt *s = db_prepare(c->db, "SELECT profile_ids FROM roles WHERE deleted_at IS NULL", e);
    if (!s) return -1;
    int used = 0, rc;
    while (!used && (rc = db_step(s)) == DB_ROW) {
        json_t *ids = db_column_text(s, 0) ? json_loads(db_column_text(s, 0), 0, NULL) : NULL;
        size_t i;
        json_t *v;
        json_array_foreach(ids, i, v) used |= json_integer_value(v) == id;
        json_decref(ids);
    }
    db_finalize(s);
    if (used) return in_use(e, "仍有角色使用该权限配置", "A role still uses this profile");
    int64_t heirs = 0;
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    const char *params[] = {idtext};
    if (db_query_int64(c->db, "SELECT COUNT(*) FROM profiles WHERE deleted_at IS NULL AND parent_id = CAST(? AS BIGINT)",
                       &heirs, e, 1, params) < 0)
        return -1;
    return heirs ? in_use(e, "仍有权限配置继承该配置", "Another profile inherits from this one") : 0;
}

static int user_delete_check(entity_ctx *c, hook_change *ch, err *e)
{
    int64_t id = hook_id(ch);
    if (id == c->user->id)
        return err_set(e, 422, "validation_failed", "不能删除自己", "You cannot delete yourself");
    int64_t n = 0, others = 0;
    if (count_where(c, "SELECT COUNT(*) FROM users WHERE id = CAST(? AS BIGINT) AND is_admin = 1", id, &n, e) ||
        other_active_admins(c, id, &others, e))
        return -1;
    if (n && !others)
        return err_set(e, 422, "validation_failed", "系统至少要保留一位启用的管理员",
                       "There must remain at least one active administrator");
    return 0;
}

void access_init(void)
{
    entity_before("profiles", ON_WRITE, profile_rules);
    entity_before("roles", ON_WRITE, role_rules);
    entity_before("users", ON_WRITE, user_rules);
    entity_before("roles", ON_DELETE, role_delete_check);
    entity_before("departments", ON_DELETE, department_delete_check);
    entity_before("profiles", ON_DELETE, profile_delete_check);
    entity_before("users", ON_DELETE, user_delete_check);
}

/* ---- first run ---- */

static int seed_one(entity_ctx *c, const char *entity, const char *json, int64_t *id, err *e)
{
    json_t *body = json_loads(json, 0, NULL);
    int rc = entity_create(c, meta_entity(c->m, entity), body, id, e);
    json_decref(body);
    return rc;
}

/* The starting profiles, the root role 管理员 and the department 总公司 of
 * one company, inside the caller's transaction. */
int access_seed_company(db_conn *db, int64_t company_id, err *e)
{
    arena *a = arena_new();
    auth_user server = {.id = 0, .username = "system", .name = "系统", .is_admin = 1, .company_id = company_id};
    entity_ctx c = {.db = db, .a = a, .m = meta_current(), .user = &server, .lang = "zh", .trusted = 1};
    char role[200];
    int64_t admin_profile = 0, id = 0;
    int failed =
        seed_one(&c, "profiles",
                 "{\"name\":\"系统管理员\",\"description\":\"可进行所有操作\","
                 "\"permissions\":{\"*\":{\"view\":true,\"create\":true,\"edit\":true,\"delete\":true,\"import\":true,\"export\":true}}}",
                 &admin_profile, e) ||
        seed_one(&c, "profiles",
                 "{\"name\":\"标准用户\",\"is_default\":true,\"description\":\"业务模块的全部操作，用于未分配角色的用户\","
                 "\"permissions\":{\"*\":{\"view\":true,\"create\":true,\"edit\":true,\"delete\":true,\"import\":true,\"export\":true}}}",
                 &id, e) ||
        seed_one(&c, "profiles",
                 "{\"name\":\"只读用户\",\"description\":\"仅为可读：查看和导出\","
                 "\"permissions\":{\"*\":{\"view\":true,\"export\":true}}}",
                 &id, e);
    if (!failed) {
        snprintf(role, sizeof role, "{\"name\":\"管理员\",\"description\":\"角色树的根\",\"profile_ids\":[%lld]}",
                 (long long)admin_profile);
        failed = seed_one(&c, "roles", role, &id, e) ||
                 seed_one(&c, "departments", "{\"name\":\"总公司\",\"code\":\"HQ\"}", &id, e);
    }
    arena_free(a);
    if (failed && !e->status) err_set(e, 500, "db_error", "初始化权限失败", "Cannot seed access control");
    return failed ? -1 : 0;
}

int access_seed(db_conn *db, err *e)
{
    if (db_begin(db, e)) return -1;
    db_stmt *s = db_prepare(db, "INSERT INTO settings(key, value) VALUES ('acl_seeded', '1')", e);
    int rc = s ? db_step(s) : DB_ERROR;
    if (s) db_finalize(s);
    if (rc == DB_ERR_UNIQUE) { /* seeded before (or by another process just now) */
        db_rollback(db);
        return 0;
    }
    if (rc < 0 && !e->status) err_set(e, 500, "db_error", "初始化权限失败", "Cannot seed access control");
    if (rc < 0 || access_seed_company(db, 1, e) || db_commit(db, e)) {
        db_rollback(db);
        return -1;
    }
    return acl_reload(db, e);
}

int access_seed_admin_role(db_conn *c, err *e)
{
    return db_exec(c,
                   "UPDATE users SET role_id = (SELECT MIN(r.id) FROM roles r WHERE r.name = '管理员'"
                   "  AND r.deleted_at IS NULL AND r.company_id = users.company_id),"
                   " department_id = COALESCE(department_id,"
                   "  (SELECT MIN(d.id) FROM departments d WHERE d.name = '总公司' AND d.deleted_at IS NULL"
                   "   AND d.company_id = users.company_id))"
                   " WHERE is_admin = 1 AND role_id IS NULL",
                   e);
}

/* ---- sharing ---- */

void access_sharing_json(const metadata *m, const auth_user *u, strbuf *out)
{
    sb_putc(out, '{');
    int first = 1;
    for (int i = 0; i < m->nentities; i++) {
        const entity_def *ent = &m->entities[i];
        if (ent->is_system || ent->personal) continue;
        if (!first) sb_putc(out, ',');
        sb_json_string(out, ent->name);
        sb_putc(out, ':');
        sb_json_string(out, acl_sharing_name(acl_entity_sharing(u, ent)));
        first = 0;
    }
    sb_putc(out, '}');
}

/* Sharing is each company's own (company_settings). */
static int store_sharing(db_conn *db, int64_t company_id, const char *entity, const char *mode, err *e)
{
    char key[96];
    snprintf(key, sizeof key, "sharing.%s", entity);
    db_stmt *s = db_prepare(db,
                            "INSERT INTO company_settings(company_id, key, value) VALUES (?, ?, ?) "
                            "ON CONFLICT (company_id, key) DO UPDATE SET value = excluded.value",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, company_id);
    db_bind_text(s, 2, key);
    db_bind_text(s, 3, mode);
    int rc = db_step(s);
    db_finalize(s);
    return rc < 0 ? err_set(e, 500, "db_error", "保存共享设置失败", "Cannot save sharing") : 0;
}

int access_set_sharing(entity_ctx *c, json_t *body, err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (!business_entity(c->m, key)) err_add_field(e, key, "unknown");
        else if (acl_sharing_from_name(json_string_value(v)) < 0) err_add_field(e, key, "not_an_option");
    }
    if (e->nfields)
        return err_set(e, 422, "validation_failed", "共享设置有误：模块须为业务模块，取值为 private、public_read 或 public_read_write",
                       "Invalid sharing: business modules only, each private, public_read or public_read_write");
    if (db_begin(c->db, e)) return -1;
    json_object_foreach(body, key, v) if (store_sharing(c->db, c->user->company_id, key, json_string_value(v), e)) goto fail;
    if (acl_bump_version(c->db, e) || db_commit(c->db, e)) goto fail;
    return acl_reload(c->db, e);
fail:
    db_rollback(c->db);
    return -1;
}
