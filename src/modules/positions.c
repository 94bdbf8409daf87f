/* positions.c - see positions.h. */
#include "positions.h"

#include <stdio.h>
#include <string.h>

#include "../auth/session.h"
#include "../entity/hooks.h"
#include "../entity/meta_load.h"
#include "companies.h"
#include "experiments.h"

#define TREE_MAX 500 /* positions and students a class's tree shows */
#define ROOT_ROLE "管理员" /* the seeded root of every company: the teacher's, not a position */

static int teaches(const auth_user *u)
{
    return u && (u->is_teacher || u->platform_admin);
}

entity_ctx positions_company_ctx(const entity_ctx *c, int64_t company_id, auth_user *u)
{
    *u = (auth_user){.id = 0, .username = "system", .name = "系统", .is_admin = 1, .company_id = company_id};
    entity_ctx in = *c;
    in.user = u;
    in.m = meta_for_company(c->db, company_id);
    in.trusted = 0;
    return in;
}

/* The items of a list as JSON (owned by the caller), NULL on error. */
static json_t *list_items(entity_ctx *c, const char *entity, const char *filter, const char *sort, err *e)
{
    return teaching_list(c, entity, filter, sort, TREE_MAX, e);
}

static json_t *get_record(entity_ctx *c, const char *entity, int64_t id, err *e)
{
    strbuf text = STRBUF_INIT;
    int rc = entity_get(c, meta_entity(c->m, entity), id, 0, &text, e);
    json_t *j = rc ? NULL : json_loads(sb_str(&text), 0, NULL);
    sb_free(&text);
    if (!rc && !j) err_set(e, 500, "internal_error", "读取记录失败", "Cannot read the record");
    return j;
}

/* The company and the class's mark in one transaction. The mark is set
 * only where there is none yet, so of two first requests at once the
 * second (waiting on the class row on PostgreSQL, on the write lock on
 * SQLite) finds it set, drops its own company and takes the first's. */
static int make_company(entity_ctx *c, int64_t class_id, const char *class_name, int64_t *company_id, err *e)
{
    char name[300], sql[200], ids[3][24];
    snprintf(name, sizeof name, "%.200s·共享实验公司（班级 %lld）", class_name, (long long)class_id);
    if (db_begin(c->db, e)) return -1;
    int rc = companies_create_unadministered(c, name, company_id, e);
    int64_t marked = 0;
    if (rc == 0) {
        snprintf(sql, sizeof sql,
                 "UPDATE %s SET shared_company_id = CAST(? AS BIGINT) WHERE id = CAST(? AS BIGINT)"
                 " AND company_id = CAST(? AS BIGINT) AND shared_company_id IS NULL RETURNING id",
                 meta_entity(c->m, "classes")->table);
        snprintf(ids[0], sizeof ids[0], "%lld", (long long)*company_id);
        snprintf(ids[1], sizeof ids[1], "%lld", (long long)class_id);
        snprintf(ids[2], sizeof ids[2], "%lld", (long long)c->user->company_id);
        const char *params[] = {ids[0], ids[1], ids[2]};
        rc = db_query_int64(c->db, sql, &marked, e, 3, params) < 0 ? -1 : 0;
    }
    if (rc == 0 && marked) return db_commit(c->db, e);
    db_rollback(c->db);
    if (rc) return -1;
    json_t *k = get_record(c, "classes", class_id, e); /* another request made it first */
    *company_id = json_integer_value(json_object_get(k, "shared_company_id"));
    json_decref(k);
    return k && *company_id ? 0 : err_set(e, 409, "conflict", "班级正在被修改，请重试", "The class is changing: try again");
}

int positions_company(entity_ctx *c, int64_t class_id, int64_t *company_id, err *e)
{
    if (!teaches(c->user)) return err_set(e, 403, "forbidden", "只有教师可以管理岗位树", "Only teachers manage positions");
    json_t *k = get_record(c, "classes", class_id, e);
    if (!k) return -1;
    int rc = 0;
    const char *mode = json_string_value(json_object_get(k, "mode"));
    *company_id = json_integer_value(json_object_get(k, "shared_company_id"));
    if (!mode || strcmp(mode, "shared_company") != 0)
        rc = err_set(e, 422, "not_shared", "该班级是「每位学生一个公司」方式，没有共享实验公司和岗位树",
                     "The class gives each student a company: it has no shared company or positions");
    else if (!*company_id)
        rc = make_company(c, class_id, json_string_value(json_object_get(k, "name")), company_id, e);
    json_decref(k);
    return rc;
}

int positions_add_member(entity_ctx *c, int64_t company_id, const char *username, const char *name,
                         const char *password, int64_t *user_id, err *e)
{
    auth_user admin;
    entity_ctx in = positions_company_ctx(c, company_id, &admin);
    json_t *body = json_pack("{s:s, s:s, s:b}", "username", username, "name", name, "is_admin", 0);
    int rc = entity_create(&in, meta_entity(in.m, "users"), body, user_id, e);
    json_decref(body);
    return rc || user_set_password(c->db, *user_id, password, e) || user_require_password_change(c->db, *user_id, e);
}

/* ---- the tree ---- */

static void append_json(strbuf *out, const json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    sb_append(out, text ? text : "null");
    free(text);
}

static int is_root_role(const json_t *role)
{
    const char *name = json_string_value(json_object_get(role, "name"));
    return name && strcmp(name, ROOT_ROLE) == 0 && json_is_null(json_object_get(role, "parent_id"));
}

/* The company's positions (its roles but the seeded root). */
static json_t *positions_of(entity_ctx *in, err *e)
{
    json_t *roles = list_items(in, "roles", NULL, "id", e);
    if (!roles) return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(roles, i, r) {
        if (is_root_role(r)) continue;
        json_array_append_new(out, json_pack("{s:O,s:O,s:O}", "id", json_object_get(r, "id"), "name",
                                             json_object_get(r, "name"), "parent_id", json_object_get(r, "parent_id")));
    }
    json_decref(roles);
    return out;
}

/* The class's students, each with the position their user holds. */
static json_t *placed_students(entity_ctx *c, entity_ctx *in, int64_t class_id, err *e)
{
    char filter[96];
    snprintf(filter, sizeof filter, "{\"field\":\"class_id\",\"op\":\"eq\",\"value\":%lld}", (long long)class_id);
    json_t *students = list_items(c, "students", filter, "student_no", e);
    json_t *users = students ? list_items(in, "users", NULL, "id", e) : NULL;
    if (!users) {
        json_decref(students);
        return NULL;
    }
    json_t *out = json_array();
    size_t i, k;
    json_t *s, *u;
    json_array_foreach(students, i, s) {
        json_t *role = json_null();
        json_array_foreach(users, k, u)
            if (json_equal(json_object_get(u, "id"), json_object_get(s, "user_id"))) role = json_object_get(u, "role_id");
        json_array_append_new(out, json_pack("{s:O,s:O,s:O,s:O,s:O,s:O}", "id", json_object_get(s, "id"), "student_no",
                                             json_object_get(s, "student_no"), "name", json_object_get(s, "name"),
                                             "group_name", json_object_get(s, "group_name"), "user_id",
                                             json_object_get(s, "user_id"), "role_id", role ? role : json_null()));
    }
    json_decref(students);
    json_decref(users);
    return out;
}

int positions_tree(entity_ctx *c, int64_t class_id, strbuf *out, err *e)
{
    int64_t company_id;
    if (positions_company(c, class_id, &company_id, e)) return -1;
    auth_user admin;
    entity_ctx in = positions_company_ctx(c, company_id, &admin);
    json_t *positions = positions_of(&in, e);
    json_t *students = positions ? placed_students(c, &in, class_id, e) : NULL;
    if (students) {
        sb_printf(out, "{\"company_id\":%lld,\"positions\":", (long long)company_id);
        append_json(out, positions);
        sb_append(out, ",\"students\":");
        append_json(out, students);
        sb_putc(out, '}');
    }
    int rc = students ? 0 : -1;
    json_decref(positions);
    json_decref(students);
    return rc;
}

/* The profile a position gives: the company's 标准用户 (every business
 * module; what records one sees is the tree's and sharing's business). */
static int standard_profile(entity_ctx *in, int64_t *id, err *e)
{
    json_t *p = list_items(in, "profiles", "{\"field\":\"name\",\"op\":\"eq\",\"value\":\"标准用户\"}", "id", e);
    *id = json_integer_value(json_object_get(json_array_get(p, 0), "id"));
    json_decref(p);
    if (!p) return -1;
    return *id ? 0 : err_set(e, 500, "no_profile", "共享实验公司缺少「标准用户」权限配置", "The company has no 标准用户 profile");
}

static int create_position(entity_ctx *in, const char *name, int64_t parent_id, int64_t profile_id, int64_t *id,
                           err *e)
{
    json_t *body = json_pack("{s:s, s:[I]}", "name", name, "profile_ids", (json_int_t)profile_id);
    if (parent_id) json_object_set_new(body, "parent_id", json_integer(parent_id));
    int rc = entity_create(in, meta_entity(in->m, "roles"), body, id, e);
    json_decref(body);
    return rc;
}

int positions_default(entity_ctx *c, int64_t class_id, strbuf *out, err *e)
{
    int64_t company_id, profile = 0;
    if (positions_company(c, class_id, &company_id, e)) return -1;
    auth_user admin;
    entity_ctx in = positions_company_ctx(c, company_id, &admin);
    json_t *existing = positions_of(&in, e);
    size_t n = json_array_size(existing);
    json_decref(existing);
    if (!existing) return -1;
    if (n) return err_set(e, 409, "positions_exist", "岗位树已经建好：请在现有岗位上修改", "The class has positions already");
    json_t *k = get_record(c, "classes", class_id, e);
    if (!k) return -1;
    char class_position[80];
    snprintf(class_position, sizeof class_position, "%.40s", json_string_value(json_object_get(k, "name")));
    json_decref(k);
    int64_t teacher, klass, m1, m2, s;
    if (db_begin(c->db, e)) return -1;
    int rc = standard_profile(&in, &profile, e) || create_position(&in, "教师", 0, profile, &teacher, e) ||
             create_position(&in, class_position, teacher, profile, &klass, e) ||
             create_position(&in, "销售一部经理", klass, profile, &m1, e) ||
             create_position(&in, "销售一部业务员", m1, profile, &s, e) ||
             create_position(&in, "销售二部经理", klass, profile, &m2, e) ||
             create_position(&in, "销售二部业务员", m2, profile, &s, e) || db_commit(c->db, e);
    if (rc) {
        db_rollback(c->db);
        return -1;
    }
    return positions_tree(c, class_id, out, e);
}

int positions_add(entity_ctx *c, int64_t class_id, json_t *body, strbuf *out, err *e)
{
    int64_t company_id, profile = 0, id = 0;
    if (positions_company(c, class_id, &company_id, e)) return -1;
    auth_user admin;
    entity_ctx in = positions_company_ctx(c, company_id, &admin);
    json_t *name = json_object_get(body, "name"), *parent = json_object_get(body, "parent_id");
    if (!json_is_string(name)) err_add_field(e, "name", name ? "invalid_type" : "required");
    if (parent && !json_is_null(parent) && !json_is_integer(parent)) err_add_field(e, "parent_id", "invalid_type");
    if (e->nfields) return err_set(e, 422, "validation_failed", "岗位须有名称", "A position needs a name");
    if (standard_profile(&in, &profile, e) ||
        create_position(&in, json_string_value(name), json_integer_value(parent), profile, &id, e))
        return -1;
    sb_printf(out, "{\"id\":%lld}", (long long)id);
    return 0;
}

int positions_remove(entity_ctx *c, int64_t class_id, int64_t role_id, err *e)
{
    int64_t company_id;
    if (positions_company(c, class_id, &company_id, e)) return -1;
    auth_user admin;
    entity_ctx in = positions_company_ctx(c, company_id, &admin);
    json_t *role = get_record(&in, "roles", role_id, e);
    if (!role) return -1;
    int root = is_root_role(role);
    json_decref(role);
    if (root) return err_set(e, 404, "not_found", "岗位不存在", "No such position");
    return entity_delete(&in, meta_entity(in.m, "roles"), role_id, 0, e);
}

int positions_assign(entity_ctx *c, int64_t class_id, int64_t student_id, json_t *body, err *e)
{
    int64_t company_id;
    if (positions_company(c, class_id, &company_id, e)) return -1;
    json_t *student = get_record(c, "students", student_id, e);
    if (!student) return -1;
    int64_t user_id = json_integer_value(json_object_get(student, "user_id"));
    int ours = json_integer_value(json_object_get(student, "class_id")) == class_id &&
               json_integer_value(json_object_get(student, "sandbox_company_id")) == company_id;
    json_decref(student);
    if (!ours) return err_set(e, 404, "not_found", "该学生不在这个班级的共享实验公司中", "No such student in the class's company");
    json_t *role = json_object_get(body, "role_id");
    if (!role || (!json_is_null(role) && !json_is_integer(role))) {
        err_add_field(e, "role_id", role ? "invalid_type" : "required");
        return err_set(e, 422, "validation_failed", "请选择岗位", "Choose a position");
    }
    auth_user admin;
    entity_ctx in = positions_company_ctx(c, company_id, &admin);
    if (json_is_integer(role)) {
        json_t *r = get_record(&in, "roles", json_integer_value(role), e);
        int root = r && is_root_role(r);
        json_decref(r);
        if (!r || root) {
            err_clear(e);
            err_add_field(e, "role_id", "not_found");
            return err_set(e, 422, "validation_failed", "岗位不存在", "No such position");
        }
    }
    json_t *change = json_pack("{s:O}", "role_id", role);
    int rc = entity_update(&in, meta_entity(in.m, "users"), user_id, change, 0, e);
    json_decref(change);
    return rc;
}

/* ---- the class's mode ---- */

/* A class keeps its mode once it has students: their sign-ins and
 * companies were made for it (a company each, or users in the shared
 * one), and moving them would lose or mix their records. */
static int mode_kept(entity_ctx *c, hook_change *ch, err *e)
{
    const sql_value *was = hook_old(ch, "mode");
    const char *now = hook_text(ch, "mode");
    if (!hook_changed(ch, "mode") || !now || was->kind != SV_TEXT || strcmp(was->s, now) == 0) return 0;
    char filter[96];
    snprintf(filter, sizeof filter, "{\"field\":\"class_id\",\"op\":\"eq\",\"value\":%lld}", (long long)hook_id(ch));
    entity_ctx trusted = *c;
    trusted.trusted = 1;
    int has = entity_exists(&trusted, meta_entity(c->m, "students"), filter, e);
    if (has < 0) return -1;
    if (!has) return 0;
    err_add_field(e, "mode", "locked");
    return err_set(e, 422, "mode_locked",
                   "班级已有学生，不能再更改实验方式：学生的登录账号和实验公司已按原方式建好。如需换方式，请新建班级再导入名单",
                   "The class has students, so its mode stays: their sign-ins and companies were made for it. "
                   "Make a new class for the other mode");
}

void positions_init(void)
{
    entity_before("classes", ON_UPDATE, mode_kept);
}
