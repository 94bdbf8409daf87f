/* companies.c - see companies.h. */
#include "companies.h"

#include <stdio.h>
#include <string.h>

#include "../auth/password.h"
#include "../auth/session.h"
#include "../util/clock.h"
#include "../util/utf8.h"
#include "access.h"

#define COMPANY_NAME_MAX 100 /* characters */
#define COMPANY_CODE_MAX 32

static const char COLUMNS[] = "SELECT id, name, code, status, created_at FROM companies";

static int forbidden(err *e)
{
    return err_set(e, 403, "forbidden", "只有平台管理员可以管理公司", "Only platform administrators manage companies");
}

static void row_json(db_stmt *s, strbuf *out)
{
    sb_append(out, "{\"id\":");
    sb_int64(out, db_column_int64(s, 0));
    static const char *const keys[] = {"name", "code", "status", "created_at"};
    for (int k = 0; k < 4; k++) {
        sb_printf(out, ",\"%s\":", keys[k]);
        if (db_column_is_null(s, k + 1)) sb_append(out, "null");
        else sb_json_string(out, db_column_text(s, k + 1));
    }
    sb_putc(out, '}');
}

int companies_list(entity_ctx *c, strbuf *out, err *e)
{
    char sql[160];
    snprintf(sql, sizeof sql, "%s%s ORDER BY id", COLUMNS, c->user->platform_admin ? "" : " WHERE id = ?");
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    if (!c->user->platform_admin) db_bind_int64(s, 1, c->user->company_id);
    sb_append(out, "{\"items\":[");
    int n = 0, rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (n++) sb_putc(out, ',');
        row_json(s, out);
    }
    db_finalize(s);
    sb_printf(out, "],\"total\":%d}", n);
    return rc < 0 ? err_set(e, 500, "db_error", "读取公司失败", "Cannot read companies") : 0;
}

int companies_get(entity_ctx *c, int64_t id, strbuf *out, err *e)
{
    /* another company is as unknown as a missing one to its outsiders */
    if (!c->user->platform_admin && id != c->user->company_id)
        return err_set(e, 404, "not_found", "公司不存在", "No such company");
    char sql[160];
    snprintf(sql, sizeof sql, "%s WHERE id = ?", COLUMNS);
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    db_bind_int64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW) row_json(s, out);
    db_finalize(s);
    if (rc == DB_ROW) return 0;
    return rc == DB_DONE ? err_set(e, 404, "not_found", "公司不存在", "No such company")
                         : err_set(e, 500, "db_error", "读取公司失败", "Cannot read companies");
}

/* ---- validation ---- */

static const char *text_member(json_t *body, const char *key, err *e)
{
    json_t *v = json_object_get(body, key);
    if (v && !json_is_string(v)) err_add_field(e, key, "invalid_type");
    return json_string_value(v);
}

static void check_name(const char *name, int required, err *e)
{
    if (!name) {
        if (required) err_add_field(e, "name", "required");
        return;
    }
    size_t n = strlen(name);
    while (n && name[n - 1] == ' ') n--;
    if (n == 0 || *name == ' ') err_add_field(e, "name", n ? "invalid_format" : "required");
    else if (utf8_length(name, strlen(name)) > COMPANY_NAME_MAX) err_add_field(e, "name", "too_long");
}

/* Codes go into addresses and file names: lower-case letters, digits, - and _. */
static int code_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > COMPANY_CODE_MAX) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_')) return 0;
    return 1;
}

static int unknown_keys(json_t *body, const char *const *known, const char *prefix, err *e)
{
    const char *key;
    json_t *v;
    int n = 0;
    json_object_foreach(body, key, v) {
        int ok = 0;
        for (int i = 0; known[i]; i++) ok |= strcmp(key, known[i]) == 0;
        if (ok) continue;
        char name[96];
        snprintf(name, sizeof name, "%s%.64s", prefix, key);
        err_add_field(e, name, "unknown");
        n++;
    }
    return n;
}

static int invalid(err *e)
{
    return err_set(e, 422, "validation_failed", "公司资料有误", "The company's details are invalid");
}

static int validate_create(json_t *body, err *e)
{
    static const char *const known[] = {"name", "code", "admin", NULL};
    static const char *const admin_known[] = {"username", "name", "password", NULL};
    unknown_keys(body, known, "", e);
    check_name(text_member(body, "name", e), 1, e);
    const char *code = text_member(body, "code", e);
    if (code && !code_ok(code)) err_add_field(e, "code", "invalid_format");
    json_t *admin = json_object_get(body, "admin");
    if (!json_is_object(admin)) {
        err_add_field(e, "admin", admin ? "invalid_type" : "required");
        return e->nfields ? invalid(e) : 0;
    }
    unknown_keys(admin, admin_known, "admin.", e);
    static const char *const required[] = {"username", "name", "password"};
    for (int i = 0; i < 3; i++) {
        json_t *v = json_object_get(admin, required[i]);
        char field[32];
        snprintf(field, sizeof field, "admin.%s", required[i]);
        if (!json_is_string(v)) err_add_field(e, field, v ? "invalid_type" : "required");
    }
    if (e->nfields) return invalid(e);
    return password_check_policy(json_string_value(json_object_get(admin, "password")), "admin.password", e);
}

/* ---- writing ---- */

static int insert_company(entity_ctx *c, const char *name, const char *code, int64_t *id, err *e)
{
    char now[ISO_TIME_LEN], by[24];
    iso_now(now);
    snprintf(by, sizeof by, "%lld", (long long)c->user->id);
    /* without a code the company is named by its id: the name holds the
     * place a moment (both are unique) */
    const char *params[] = {name, code ? code : name, now, by};
    int rc = db_query_int64(c->db,
                            "INSERT INTO companies(name, code, status, created_at, created_by)"
                            " VALUES (?, ?, 'active', ?, CAST(? AS BIGINT)) RETURNING id",
                            id, e, 4, params);
    if (rc < 0 && e->status == 409) { /* the unique name or code */
        err_clear(e);
        err_add_field(e, "name", "duplicate");
        return err_set(e, 409, "duplicate", "已有同名或同代码的公司", "A company with this name or code exists");
    }
    if (rc < 0) return -1;
    if (code) return 0;
    char generated[32], idtext[24];
    snprintf(generated, sizeof generated, "c%lld", (long long)*id);
    snprintf(idtext, sizeof idtext, "%lld", (long long)*id);
    const char *upd[] = {generated, idtext};
    int64_t ignored;
    return db_query_int64(c->db, "UPDATE companies SET code = ? WHERE id = CAST(? AS BIGINT) RETURNING id", &ignored, e,
                          2, upd) < 0
               ? -1
               : 0;
}

/* The first administrator, written by the engine as the new company's. */
static int create_admin(entity_ctx *c, int64_t company_id, json_t *admin, err *e)
{
    /* written by the server (no owner, no author from another company):
     * companies.created_by says who asked */
    auth_user founder = {.id = 0, .username = "system", .name = "系统", .is_admin = 1, .company_id = company_id};
    entity_ctx in_company = *c;
    in_company.user = &founder;
    const entity_def *users = meta_entity(c->m, "users");
    json_t *body = json_pack("{s:O, s:O, s:b}", "username", json_object_get(admin, "username"), "name",
                             json_object_get(admin, "name"), "is_admin", 1);
    int64_t id = 0;
    int rc = entity_create(&in_company, users, body, &id, e);
    json_decref(body);
    if (rc) {
        /* name the fields as the request did */
        for (int i = 0; i < e->nfields; i++)
            if (strncmp(e->fields[i].name, "admin.", 6) != 0) {
                char name[sizeof e->fields[i].name];
                snprintf(name, sizeof name, "admin.%.*s", (int)(sizeof name - 7), e->fields[i].name);
                memcpy(e->fields[i].name, name, sizeof name);
            }
        return -1;
    }
    return user_set_password(c->db, id, json_string_value(json_object_get(admin, "password")), e);
}

int companies_create(entity_ctx *c, json_t *body, int64_t *id, err *e)
{
    if (!c->user->platform_admin) return forbidden(e);
    return companies_create_for(c, body, id, e);
}

int companies_create_for(entity_ctx *c, json_t *body, int64_t *id, err *e)
{
    if (validate_create(body, e)) return -1;
    if (db_begin(c->db, e)) return -1;
    int rc = insert_company(c, json_string_value(json_object_get(body, "name")),
                            json_string_value(json_object_get(body, "code")), id, e) ||
             access_seed_company(c->db, *id, e) || create_admin(c, *id, json_object_get(body, "admin"), e) ||
             access_seed_admin_role(c->db, e) || db_commit(c->db, e);
    if (rc) db_rollback(c->db);
    return rc ? -1 : 0;
}

int companies_create_unadministered(entity_ctx *c, const char *name, int64_t *id, err *e)
{
    check_name(name, 1, e);
    if (e->nfields) return invalid(e);
    if (db_begin(c->db, e)) return -1;
    int rc = insert_company(c, name, NULL, id, e) || access_seed_company(c->db, *id, e) || db_commit(c->db, e);
    if (rc) db_rollback(c->db);
    return rc ? -1 : 0;
}

/* Suspending signs the company's users out for good: their sign-ins and
 * API tokens end, so reactivating asks them to sign in again. */
static int end_sessions(entity_ctx *c, int64_t company_id, err *e)
{
    char now[ISO_TIME_LEN], id[24];
    iso_now(now);
    snprintf(id, sizeof id, "%lld", (long long)company_id);
    const char *params[] = {now, id};
    int64_t ignored;
    return db_query_int64(c->db,
                          "UPDATE sessions SET revoked_at = ? WHERE revoked_at IS NULL AND user_id IN"
                          " (SELECT u.id FROM users u WHERE u.company_id = CAST(? AS BIGINT)) RETURNING 1",
                          &ignored, e, 2, params) < 0
               ? -1
               : 0;
}

int companies_update(entity_ctx *c, int64_t id, json_t *body, err *e)
{
    if (!c->user->platform_admin) return forbidden(e);
    static const char *const known[] = {"name", "status", NULL};
    unknown_keys(body, known, "", e);
    const char *name = text_member(body, "name", e), *status = text_member(body, "status", e);
    check_name(name, 0, e);
    if (status && strcmp(status, "active") != 0 && strcmp(status, "suspended") != 0)
        err_add_field(e, "status", "not_an_option");
    if (status && strcmp(status, "suspended") == 0 && (id == 1 || id == c->user->company_id))
        err_add_field(e, "status", "own_company");
    if (e->nfields) return invalid(e);
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    const char *params[] = {name, status, idtext};
    int64_t found = 0;
    int rc = db_query_int64(c->db,
                            "UPDATE companies SET name = COALESCE(?, name), status = COALESCE(?, status)"
                            " WHERE id = CAST(? AS BIGINT) RETURNING id",
                            &found, e, 3, params);
    if (rc < 0 && e->status == 409) { /* the unique name or code */
        err_clear(e);
        err_add_field(e, "name", "duplicate");
        return err_set(e, 409, "duplicate", "已有同名的公司", "A company with this name exists");
    }
    if (rc < 0) return -1;
    if (rc == 1) return err_set(e, 404, "not_found", "公司不存在", "No such company");
    return status && strcmp(status, "suspended") == 0 ? end_sessions(c, id, e) : 0;
}
