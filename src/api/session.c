/* session.c - /api/v1/session and /api/v1/tokens: signing in and out,
 * the current user, changing one's password, and personal API tokens.
 * The work is in src/auth; this file reads strictly checked bodies and
 * writes the documented JSON, cookies included. Secrets appear only in the
 * one response that hands them to the client, never in logs. */
#include <jansson.h>
#include <string.h>
#include <strings.h>

#include "../auth/session.h"
#include "../util/utf8.h"
#include "api.h"

#define LABEL_MAX_CHARS 100

/* ---- request bodies ---- */

typedef struct body_field {
    const char *name;
    int required;
    const char **out; /* NULL when absent (or JSON null for optional fields) */
} body_field;

static const body_field *find_field(const body_field *fields, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (strcmp(fields[i].name, key) == 0) return &fields[i];
    return NULL;
}

/* Reads string fields, copied into the request arena. Unknown keys, values
 * that are not strings and missing required ones are all reported at once
 * (422 with fields), as the records API does. */
static int read_strings(http_request *req, json_t *body, const body_field *fields, int n, err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        const body_field *f = find_field(fields, n, key);
        if (!f) {
            err_add_field(e, key, "unknown");
            err_setf(e, 422, "validation_failed", "未知字段「%.64s」", "Unknown field \"%.64s\"",
                     key);
        } else if (json_is_null(v) && !f->required) {
            continue;
        } else if (!json_is_string(v)) {
            err_add_field(e, key, "invalid_type");
            err_setf(e, 422, "validation_failed", "字段「%.64s」必须是文本",
                     "Field \"%.64s\" must be a string", key);
        } else if (strlen(json_string_value(v)) != json_string_length(v)) {
            err_add_field(e, key, "invalid"); /* an embedded \u0000 */
            err_setf(e, 422, "validation_failed", "字段「%.64s」包含无效字符",
                     "Field \"%.64s\" contains an invalid character", key);
        } else {
            *f->out = arena_strdup(req->a, json_string_value(v));
        }
    }
    for (int i = 0; i < n; i++) {
        if (!fields[i].required || (*fields[i].out && **fields[i].out)) continue;
        err_add_field(e, fields[i].name, "required");
        err_setf(e, 422, "validation_failed", "「%s」不能为空", "\"%s\" is required",
                 fields[i].name);
    }
    if (e->nfields > 1)
        err_setf(e, 422, "validation_failed", "有 %d 个字段填写有误，请检查后重试",
                 "%d fields are invalid; please check them", e->nfields);
    return e->nfields ? -1 : 0;
}

/* Parses the body and reads the fields; on failure the response is written
 * and -1 returned. An empty body counts as {} when allow_empty. */
static int parse_body(http_request *req, http_response *res, const body_field *fields, int n,
                      int allow_empty)
{
    for (int i = 0; i < n; i++)
        *fields[i].out = NULL;
    if (allow_empty && (!req->body || req->body_len == 0)) return 0;
    json_t *body = http_json_body(req, res);
    if (!body) return -1;
    err e;
    err_clear(&e);
    int rc = read_strings(req, body, fields, n, &e);
    json_decref(body);
    if (rc) http_error(req, res, &e);
    return rc;
}

/* ---- responses ---- */

static void json_id_or_null(strbuf *sb, int64_t id)
{
    if (id)
        sb_int64(sb, id);
    else
        sb_append(sb, "null");
}

static void write_user(strbuf *sb, const auth_user *u)
{
    sb_append(sb, "{\"id\":");
    sb_int64(sb, u->id);
    sb_append(sb, ",\"username\":");
    sb_json_string(sb, u->username ? u->username : "");
    sb_append(sb, ",\"name\":");
    sb_json_string(sb, u->name ? u->name : "");
    sb_append(sb, u->is_admin ? ",\"is_admin\":true" : ",\"is_admin\":false");
    sb_append(sb, u->platform_admin ? ",\"platform_admin\":true" : ",\"platform_admin\":false");
    sb_append(sb, u->is_teacher ? ",\"is_teacher\":true" : ",\"is_teacher\":false");
    sb_append(sb, u->must_change_password ? ",\"must_change_password\":true" : ",\"must_change_password\":false");
    sb_append(sb, ",\"company_id\":");
    sb_int64(sb, u->company_id);
    sb_append(sb, ",\"role_id\":");
    json_id_or_null(sb, u->role_id);
    sb_append(sb, ",\"department_id\":");
    json_id_or_null(sb, u->department_id);
    sb_append(sb, ",\"home_company_id\":"); /* set while reading another company */
    json_id_or_null(sb, u->home_company_id);
    sb_putc(sb, '}');
}

static void write_session(http_response *res, const auth_user *u, const char *csrf)
{
    sb_append(&res->body, "{\"user\":");
    write_user(&res->body, u);
    sb_append(&res->body, ",\"csrf_token\":");
    if (csrf)
        sb_json_string(&res->body, csrf);
    else
        sb_append(&res->body, "null");
    sb_putc(&res->body, '}');
    http_json(res, 200);
}

static unsigned idle_hours(http_request *req)
{
    unsigned h = req->app ? req->app->cfg.session_hours : 0;
    return h ? h : 12;
}

/* The session cookie: HttpOnly so scripts never see it, SameSite=Lax so
 * other sites cannot send it with their forms, Max-Age as the idle limit
 * (the server slides the real expiry). max_age 0 clears it. */
static void set_cookie(http_request *req, http_response *res, const char *value, long max_age)
{
    int secure = req->app && req->app->cfg.secure_cookies;
    http_set_header(res, "Set-Cookie",
                    arena_printf(req->a, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
                                 SESSION_COOKIE, value, max_age, secure ? "; Secure" : ""));
}

static int has_db(http_request *req, http_response *res)
{
    if (req->db) return 1;
    http_fail(req, res, 503, "unavailable", "数据库暂时不可用", "Database unavailable");
    return 0;
}

/* ---- handlers ---- */

/* A sign-in form on another site cannot send application/json without the
 * browser asking first (CORS), so requiring it stops login CSRF (being
 * signed in to someone else's account). */
static int json_content_type(http_request *req)
{
    const char *ct = http_header(req, "Content-Type");
    return ct && strncasecmp(ct, "application/json", 16) == 0 &&
           (ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ');
}

static void sign_in(http_request *req, http_response *res)
{
    if (!json_content_type(req))
        return http_fail(req, res, 415, "unsupported_media_type",
                         "请求内容类型必须是 application/json",
                         "The request must have Content-Type: application/json");
    const char *username, *password;
    const body_field fields[] = {{"username", 1, &username}, {"password", 1, &password}};
    if (parse_body(req, res, fields, 2, 0) || !has_db(req, res)) return;
    err e;
    err_clear(&e);
    const char *agent = http_header(req, "User-Agent");
    auth_user u;
    char *secret = NULL, *csrf = NULL;
    if (auth_login(req->db, username, password, req->client_ip, agent, req->a, &u, &e) ||
        session_create(req->db, u.id, SESSION_COOKIE_KIND, NULL, req->client_ip, agent,
                       idle_hours(req), req->a, &secret, &csrf, &u.session_id, &e))
        return http_error(req, res, &e);
    /* A browser that was signed in (maybe as someone else) leaves that
     * session behind for good rather than orphaned. */
    if (req->user && req->via_cookie) {
        err ignore;
        err_clear(&ignore);
        (void)session_revoke(req->db, req->user->session_id, &ignore);
    }
    set_cookie(req, res, secret, (long)idle_hours(req) * 3600);
    write_session(res, &u, csrf);
}

static void get_session(http_request *req, http_response *res)
{
    write_session(res, req->user, req->user->csrf_token);
}

static void sign_out(http_request *req, http_response *res)
{
    err e;
    err_clear(&e);
    if (!has_db(req, res)) return;
    if (session_revoke(req->db, req->user->session_id, &e)) return http_error(req, res, &e);
    set_cookie(req, res, "", 0);
    res->status = 204;
}

static void change_password(http_request *req, http_response *res)
{
    const char *old_pw, *new_pw;
    const body_field fields[] = {{"old_password", 1, &old_pw}, {"new_password", 1, &new_pw}};
    if (parse_body(req, res, fields, 2, 0) || !has_db(req, res)) return;
    err e;
    err_clear(&e);
    if (user_change_password(req->db, req->user->id, old_pw, new_pw, req->client_ip,
                             req->user->session_id, &e))
        return http_error(req, res, &e);
    res->status = 204;
}

static void create_token(http_request *req, http_response *res)
{
    const char *label;
    const body_field fields[] = {{"label", 0, &label}};
    if (parse_body(req, res, fields, 1, 1) || !has_db(req, res)) return;
    if (label && utf8_count(label, strlen(label)) > LABEL_MAX_CHARS) {
        err e;
        err_clear(&e);
        err_set(&e, 422, "validation_failed", "名称最多 100 个字符",
                "The label can have at most 100 characters");
        err_add_field(&e, "label", "too_long");
        return http_error(req, res, &e);
    }
    err e;
    err_clear(&e);
    char *secret = NULL;
    int64_t id = 0;
    if (session_create(req->db, req->user->id, SESSION_TOKEN_KIND, label, req->client_ip,
                       http_header(req, "User-Agent"), 0, req->a, &secret, NULL, &id, &e))
        return http_error(req, res, &e);
    sb_append(&res->body, "{\"token\":");
    sb_json_string(&res->body, secret);
    sb_append(&res->body, ",\"id\":");
    sb_int64(&res->body, id);
    sb_putc(&res->body, '}');
    http_json(res, 201);
}

static void json_text_or_null(strbuf *sb, const char *s)
{
    if (s)
        sb_json_string(sb, s);
    else
        sb_append(sb, "null");
}

static void list_tokens(http_request *req, http_response *res)
{
    if (!has_db(req, res)) return;
    err e;
    err_clear(&e);
    token_info *items;
    int n;
    if (session_list_tokens(req->db, req->user->id, req->a, &items, &n, &e))
        return http_error(req, res, &e);
    sb_append(&res->body, "{\"items\":[");
    for (int i = 0; i < n; i++) {
        sb_append(&res->body, i ? ",{\"id\":" : "{\"id\":");
        sb_int64(&res->body, items[i].id);
        sb_append(&res->body, ",\"label\":");
        json_text_or_null(&res->body, items[i].label);
        sb_append(&res->body, ",\"created_at\":");
        json_text_or_null(&res->body, items[i].created_at);
        sb_append(&res->body, ",\"last_seen_at\":");
        json_text_or_null(&res->body, items[i].last_seen_at);
        sb_append(&res->body, ",\"expires_at\":");
        json_text_or_null(&res->body, items[i].expires_at);
        sb_putc(&res->body, '}');
    }
    sb_append(&res->body, "],\"total\":");
    sb_int64(&res->body, n);
    sb_putc(&res->body, '}');
    http_json(res, 200);
}

static void revoke_token(http_request *req, http_response *res)
{
    int64_t id = api_parse_id(req->params[0]);
    if (!id) return http_fail(req, res, 404, "not_found", "API 令牌不存在", "No such API token");
    if (!has_db(req, res)) return;
    err e;
    err_clear(&e);
    if (session_revoke_token(req->db, req->user->id, id, &e)) return http_error(req, res, &e);
    res->status = 204;
}

const route api_session_routes[] = {
    {"POST", "/api/v1/session", sign_in, ROUTE_PUBLIC | ROUTE_NO_CSRF,
     .doc = {.tag = "session", .summary = "登录 / sign in", .id = "sign_in", .body = "SignIn", .ok = "200",
             .errors = "401 403 415 422 429"}},
    {"GET", "/api/v1/session", get_session, ROUTE_FIRST_PASSWORD,
     .doc = {.tag = "session", .summary = "当前用户 / current user", .id = "get_session", .ok = "200"}},
    {"DELETE", "/api/v1/session", sign_out, ROUTE_FIRST_PASSWORD,
     .doc = {.tag = "session", .summary = "退出 / sign out", .id = "sign_out", .ok = "204"}},
    {"POST", "/api/v1/session/password", change_password, ROUTE_FIRST_PASSWORD,
     .doc = {.tag = "session", .summary = "修改密码 / change password", .id = "change_password",
             .body = "PasswordChange", .ok = "204", .errors = "403 422 429"}},
    {"POST", "/api/v1/tokens", create_token, 0,
     .doc = {.tag = "session", .summary = "创建 API 令牌 / create API token", .id = "create_token",
             .body = "{\"type\":\"object\",\"properties\":{\"label\":{\"type\":\"string\",\"maxLength\":100}}}",
             .body_optional = 1, .ok = "201",
             .reply = "{\"type\":\"object\",\"properties\":{\"token\":{\"type\":\"string\"},"
                      "\"id\":{\"type\":\"integer\"}}}",
             .errors = "422"}},
    {"GET", "/api/v1/tokens", list_tokens, 0,
     .doc = {.tag = "session", .summary = "我的 API 令牌 / my API tokens", .id = "list_tokens", .ok = "200",
             .reply = "RecordList"}},
    {"DELETE", "/api/v1/tokens/:id", revoke_token, 0,
     .doc = {.tag = "session", .summary = "吊销 API 令牌 / revoke API token", .id = "revoke_token",
             .path = (const route_param[]){{"id", "integer", "token id", 1}, {0}}, .ok = "204", .errors = "404"}},
    {0},
};
