/* access.c - the parts of system settings (系统设置) that the generic records
 * API cannot do alone:
 *   GET  /api/v1/sharing                 default sharing per business module
 *   PUT  /api/v1/sharing                 {entity: mode, ...} (administrators)
 *   POST /api/v1/users                   a user with a password (administrators)
 *   PATCH /api/v1/users/{id}             fields and/or a new password (admin reset)
 *   POST /api/v1/users/{id}/copy         a new user with the same role, department, settings
 *   GET  /api/v1/users/{id}/logins       sign-in history (the user or an administrator)
 *   GET|PUT /api/v1/users/{id}/menu      the customised main menu (定制主菜单)
 * Departments, roles and profiles are plain records (/api/v1/roles, ...);
 * their consistency rules are in src/modules/access.c. */
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "../auth/password.h"
#include "../modules/access.h"
#include "../modules/user_settings.h"
#include "api.h"

static void get_sharing(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    access_sharing_json(c.m, c.user, &res->body);
    http_json(res, 200);
}

static int require_admin(http_request *req, http_response *res)
{
    if (req->user->is_admin) return 0;
    http_fail(req, res, 403, "forbidden", "只有系统管理员可以修改系统设置",
              "Only administrators can change system settings");
    return -1;
}

static void put_sharing(http_request *req, http_response *res)
{
    if (require_admin(req, res)) return;
    entity_ctx c;
    api_entity_ctx(req, &c);
    json_t *body = http_json_body(req, res);
    if (!body) return;
    err e;
    err_clear(&e);
    int rc = access_set_sharing(&c, body, &e);
    json_decref(body);
    if (rc) return http_error(req, res, &e);
    access_sharing_json(c.m, c.user, &res->body);
    http_json(res, 200);
}

/* ---- users ---- */

/* Takes "password" out of a user body: the engine never sees it (only its
 * hash is stored, by src/auth). *password is NULL when absent; -1 with e
 * when it is not text or fails the policy. */
static int take_password(json_t *body, int required, char **password, err *e)
{
    json_t *pw = json_object_get(body, "password");
    *password = NULL;
    if (!pw) {
        if (!required) return 0;
        err_add_field(e, "password", "required");
        return err_set(e, 422, "validation_failed", "请设置初始密码", "A password is required");
    }
    if (!json_is_string(pw)) {
        err_add_field(e, "password", "invalid_type");
        return err_set(e, 422, "validation_failed", "密码必须是文本", "The password must be text");
    }
    if (password_check_policy(json_string_value(pw), "password", e)) return -1;
    *password = strdup(json_string_value(pw));
    json_object_del(body, "password");
    return 0;
}

static void forget_password(char *password)
{
    if (password) {
        memset(password, 0, strlen(password));
        free(password);
    }
}

/* Creates the user (engine rules: unique username, links, the access
 * module's checks) and sets the password, in one transaction. */
static int create_user(entity_ctx *c, const entity_def *users, json_t *body, const char *password,
                       int64_t *id, err *e)
{
    if (db_begin(c->db, e)) return -1;
    if (entity_create(c, users, body, id, e) == 0 && user_set_password(c->db, *id, password, e) == 0 &&
        db_commit(c->db, e) == 0)
        return 0;
    db_rollback(c->db);
    return -1;
}

static const entity_def *users_entity(http_request *req, http_response *res, entity_ctx *c)
{
    api_entity_ctx(req, c);
    return api_entity(req, res, c, "users");
}

static void post_user(http_request *req, http_response *res)
{
    entity_ctx c;
    const entity_def *users = users_entity(req, res, &c);
    if (!users) return;
    err e;
    err_clear(&e);
    if (!acl_can(req->user, users, ACL_CREATE)) {
        err_set(&e, 403, "forbidden", "只有系统管理员可以新建用户", "Only administrators can add users");
        return http_error(req, res, &e);
    }
    json_t *body = http_json_body(req, res);
    if (!body) return;
    char *password = NULL;
    int64_t id = 0;
    int rc = take_password(body, 1, &password, &e) || create_user(&c, users, body, password, &id, &e);
    forget_password(password);
    json_decref(body);
    if (rc) return http_error(req, res, &e);
    http_set_header(res, "Location", arena_printf(req->a, "/api/v1/users/%lld", (long long)id));
    api_answer_record(req, res, &c, users, id, 201);
}

static void patch_user(http_request *req, http_response *res)
{
    entity_ctx c;
    const entity_def *users = users_entity(req, res, &c);
    if (!users) return;
    int64_t id = api_parse_id(req->params[0]);
    if (!id) return http_fail(req, res, 404, "not_found", "用户不存在", "No such user");
    json_t *body = http_json_body(req, res);
    if (!body) return;
    err e;
    err_clear(&e);
    char *password = NULL;
    int rc = -1;
    if (!acl_can(req->user, users, ACL_EDIT))
        err_set(&e, 403, "forbidden", "只有系统管理员可以修改用户", "Only administrators can change users");
    else if (take_password(body, 0, &password, &e) == 0 && db_begin(c.db, &e) == 0) {
        /* An administrator's reset ends the user's sessions (src/auth). */
        rc = entity_update(&c, users, id, body, api_if_match(req), &e) ||
             (password && user_set_password(c.db, id, password, &e)) || db_commit(c.db, &e);
        if (rc) db_rollback(c.db);
    }
    forget_password(password);
    json_decref(body);
    if (rc) return api_answer_write_error(req, res, &c, users, id, &e);
    api_answer_record(req, res, &c, users, id, 200);
}

/* The fields a copy takes from its model (复制用户). */
static const char *const COPIED_FIELDS[] = {"department_id", "role_id", NULL};

/* The model's record as JSON (through the engine, so it must be visible). */
static json_t *load_user_json(entity_ctx *c, const entity_def *users, int64_t id, err *e)
{
    strbuf sb = STRBUF_INIT;
    json_t *j = entity_get(c, users, id, 0, &sb, e) == 0 ? json_loads(sb_str(&sb), 0, NULL) : NULL;
    sb_free(&sb);
    return j;
}

static void copy_user(http_request *req, http_response *res)
{
    entity_ctx c;
    const entity_def *users = users_entity(req, res, &c);
    if (!users) return;
    int64_t model_id = api_parse_id(req->params[0]);
    err e;
    err_clear(&e);
    if (!acl_can(req->user, users, ACL_CREATE)) {
        err_set(&e, 403, "forbidden", "只有系统管理员可以复制用户", "Only administrators can copy users");
        return http_error(req, res, &e);
    }
    json_t *model = model_id ? load_user_json(&c, users, model_id, &e) : NULL;
    if (!model) {
        if (!e.status) err_set(&e, 404, "not_found", "用户不存在", "No such user");
        return http_error(req, res, &e);
    }
    json_t *body = http_json_body(req, res);
    if (!body) return (void)json_decref(model);
    for (int i = 0; COPIED_FIELDS[i]; i++)
        if (!json_object_get(body, COPIED_FIELDS[i]))
            json_object_set(body, COPIED_FIELDS[i], json_object_get(model, COPIED_FIELDS[i]));
    json_decref(model);
    char *password = NULL;
    int64_t id = 0;
    int rc = take_password(body, 1, &password, &e);
    if (!rc && db_begin(c.db, &e) == 0) {
        rc = entity_create(&c, users, body, &id, &e) || user_set_password(c.db, id, password, &e) ||
             user_settings_copy(c.db, model_id, id, &e) || db_commit(c.db, &e);
        if (rc) db_rollback(c.db);
    } else {
        rc = -1;
    }
    forget_password(password);
    json_decref(body);
    if (rc) return http_error(req, res, &e);
    http_set_header(res, "Location", arena_printf(req->a, "/api/v1/users/%lld", (long long)id));
    api_answer_record(req, res, &c, users, id, 201);
}

/* The user named by the URL, when it is the caller or the caller is an
 * administrator; answers 404 otherwise (and for unknown ids). */
static int64_t self_or_admin(http_request *req, http_response *res, entity_ctx *c)
{
    const entity_def *users = users_entity(req, res, c);
    if (!users) return 0;
    int64_t id = api_parse_id(req->params[0]);
    err e;
    err_clear(&e);
    if (id && (id == req->user->id || req->user->is_admin) && entity_version(c, users, id)) return id;
    http_fail(req, res, 404, "not_found", "用户不存在", "No such user");
    return 0;
}

static void user_logins(http_request *req, http_response *res)
{
    entity_ctx c;
    int64_t id = self_or_admin(req, res, &c), limit, offset;
    if (!id || api_int_param(req, res, "limit", 50, 200, &limit) ||
        api_int_param(req, res, "offset", 0, 1000000, &offset))
        return;
    err e;
    err_clear(&e);
    login_record *items = NULL;
    int n = 0;
    if (auth_login_history(req->db, id, (int)limit, (int)offset, req->a, &items, &n, &e))
        return http_error(req, res, &e);
    strbuf *b = &res->body;
    sb_append(b, "{\"items\":[");
    for (int i = 0; i < n; i++) {
        sb_printf(b, "%s{\"id\":%lld,\"at\":", i ? "," : "", (long long)items[i].id);
        sb_json_string(b, items[i].at);
        sb_append(b, ",\"address\":");
        sb_json_string(b, items[i].address);
        sb_append(b, ",\"user_agent\":");
        if (items[i].user_agent) sb_json_string(b, items[i].user_agent);
        else sb_append(b, "null");
        sb_printf(b, ",\"success\":%s}", items[i].success ? "true" : "false");
    }
    sb_append(b, "]}");
    http_json(res, 200);
}

/* ---- the customised main menu ---- */

static void answer_menu(http_response *res, json_t *pref)
{
    json_t *order = json_object_get(pref, "order"), *hidden = json_object_get(pref, "hidden");
    /* "o" takes the reference: a stored list gains one, a new empty one is handed over */
    json_t *out = json_pack("{s:o,s:o}", "order", order ? json_incref(order) : json_array(), "hidden",
                            hidden ? json_incref(hidden) : json_array());
    char *text = json_dumps(out, JSON_COMPACT);
    sb_append(&res->body, text);
    free(text);
    json_decref(out);
    http_json(res, 200);
}

static void get_menu(http_request *req, http_response *res)
{
    entity_ctx c;
    int64_t id = self_or_admin(req, res, &c);
    if (!id) return;
    json_t *pref = user_setting_get(req->db, id, "menu");
    answer_menu(res, pref);
    json_decref(pref);
}

static void put_menu(http_request *req, http_response *res)
{
    entity_ctx c;
    int64_t id = self_or_admin(req, res, &c);
    if (!id) return;
    json_t *body = http_json_body(req, res);
    if (!body) return;
    err e;
    err_clear(&e);
    int rc = user_menu_put(c.db, c.m, id, body, &e);
    if (rc) {
        json_decref(body);
        return http_error(req, res, &e);
    }
    answer_menu(res, body);
    json_decref(body);
}

const route api_access_routes[] = {
    {"GET", "/api/v1/sharing", get_sharing, 0,
     .doc = {.tag = "settings", .summary = "默认共享设置 / default sharing", .id = "get_sharing", .ok = "200",
             .reply = "Sharing"}},
    {"PUT", "/api/v1/sharing", put_sharing, 0,
     .doc = {.tag = "settings", .summary = "修改默认共享 / set default sharing", .id = "put_sharing",
             .body = "Sharing", .ok = "200", .reply = "Sharing", .errors = "403 422"}},
    {"POST", "/api/v1/users", post_user, 0,
     .doc = {.tag = "users", .summary = "新建用户（含密码）/ add a user (with password)", .id = "create_users",
             .body = "users_create", .ok = "201", .reply = "users", .errors = "403 409 422",
             .headers = API_RECORD_HEADERS}},
    {"PATCH", "/api/v1/users/:id", patch_user, 0,
     .doc = {.tag = "users", .summary = "修改用户（可重设密码）/ update a user (may reset the password)",
             .id = "update_users", .path = (const route_param[]){{"id", "integer", "user id", 1}, {0}},
             .body = "users_update", .ok = "200", .reply = "users", .errors = "403 404 409 422",
             .headers = API_RECORD_HEADERS}},
    {"POST", "/api/v1/users/:id/copy", copy_user, 0,
     .doc = {.tag = "users", .summary = "复制用户 / copy a user", .id = "copy_user",
             .path = (const route_param[]){{"id", "integer", "model user id", 1}, {0}}, .body = "users_create",
             .ok = "201", .reply = "users", .errors = "403 404 409 422",
             .headers = API_RECORD_HEADERS}},
    {"GET", "/api/v1/users/:id/logins", user_logins, 0,
     .doc = {.tag = "users", .summary = "登录历史 / sign-in history", .id = "user_logins",
             .path = (const route_param[]){{"id", "integer", "user id", 1}, {0}},
             .query = (const route_param[]){{"limit", "integer", "1..200, default 50", 0},
                                            {"offset", "integer", "rows to skip", 0},
                                            {0}},
             .ok = "200", .reply = "RecordList", .errors = "403 404"}},
    {"GET", "/api/v1/users/:id/menu", get_menu, 0,
     .doc = {.tag = "users", .summary = "主菜单设置 / main menu settings", .id = "get_menu",
             .path = (const route_param[]){{"id", "integer", "user id", 1}, {0}}, .ok = "200", .reply = "Menu",
             .errors = "403 404"}},
    {"PUT", "/api/v1/users/:id/menu", put_menu, 0,
     .doc = {.tag = "users", .summary = "定制主菜单 / customise the main menu", .id = "put_menu",
             .path = (const route_param[]){{"id", "integer", "user id", 1}, {0}}, .body = "Menu", .ok = "200",
             .reply = "Menu", .errors = "403 404 422"}},
    {0},
};
