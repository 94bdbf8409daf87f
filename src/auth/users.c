/* users.c - the accounts sign-in works on: creating them (also the first
 * administrator on a fresh database) and setting passwords. A new password
 * always ends the user's other sessions, so a stolen cookie or token dies
 * with the password it was obtained under. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/grams.h"
#include "../util/pinyin.h"
#include "../util/utf8.h"
#include "auth_internal.h"
#include "password.h"
#include "session.h"

#define USERNAME_MIN_CHARS 2
#define USERNAME_MAX_CHARS 64
#define NAME_MAX_CHARS 100

/* Spaces of every kind and invisible formatting characters: two usernames
 * that look the same must not be two accounts. */
static int blank_or_control(uint32_t cp)
{
    return cp <= 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
           (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF;
}

static int check_username(const char *username, err *e)
{
    const char *p = username ? username : "", *end = p + strlen(p);
    long chars = 0;
    uint32_t cp;
    while (p < end) {
        if (utf8_next(&p, end, &cp) || blank_or_control(cp)) {
            err_set(e, 422, "validation_failed", "用户名不能包含空格或控制字符",
                    "The username cannot contain spaces or control characters");
            err_add_field(e, "username", "invalid");
            return -1;
        }
        chars++;
    }
    if (chars < USERNAME_MIN_CHARS || chars > USERNAME_MAX_CHARS) {
        err_set(e, 422, "validation_failed", "用户名需要 2 到 64 个字符",
                "The username must have 2 to 64 characters");
        err_add_field(e, "username", chars < USERNAME_MIN_CHARS ? "too_short" : "too_long");
        return -1;
    }
    return 0;
}

static int check_name(const char *name, err *e)
{
    long chars = utf8_count(name, strlen(name));
    if (chars < 0 || chars > NAME_MAX_CHARS) {
        err_set(e, 422, "validation_failed", "姓名最多 100 个字符",
                "The name can have at most 100 characters");
        err_add_field(e, "name", chars < 0 ? "invalid" : "too_long");
        return -1;
    }
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20) {
            err_set(e, 422, "validation_failed", "姓名不能包含控制字符",
                    "The name cannot contain control characters");
            err_add_field(e, "name", "invalid");
            return -1;
        }
    return 0;
}

int user_create(db_conn *c, const char *username, const char *name, const char *password,
                int is_admin, int64_t *id_out, err *e)
{
    if (!name || !*name) name = username;
    if (check_username(username, e) || check_name(name, e) ||
        password_check_policy(password, "password", e))
        return -1;
    char hash[PASSWORD_HASH_SIZE], now[ISO_TIME_LEN];
    if (password_hash(password, hash, e)) return -1;
    iso_now(now);
    db_stmt *s = db_prepare(c,
                            "INSERT INTO users(username, name, password_hash, is_admin, platform_admin, status,"
                            " password_changed_at, created_at, updated_at, py_full, py_initials,"
                            " search_grams) VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?) RETURNING id",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, username);
    db_bind_text(s, 2, name);
    db_bind_text(s, 3, hash);
    db_bind_int64(s, 4, is_admin ? 1 : 0);
    /* made from the command line: the machine's owner runs the platform */
    db_bind_int64(s, 5, is_admin ? 1 : 0);
    db_bind_text(s, 6, now);
    db_bind_text(s, 7, now);
    db_bind_text(s, 8, now);
    /* The keys the records engine keeps for every entity with a name:
     * pinyin for sorting and the A-Z bar, words for quick search. */
    strbuf py_full = STRBUF_INIT, py_initials = STRBUF_INIT, words = STRBUF_INIT;
    pinyin_keys(name, &py_full, &py_initials);
    grams_of_text(username, &words);
    grams_of_text(name, &words);
    db_bind_text(s, 9, sb_str(&py_full));
    db_bind_text(s, 10, sb_str(&py_initials));
    db_bind_text(s, 11, sb_str(&words));
    sb_free(&py_full);
    sb_free(&py_initials);
    sb_free(&words);
    int rc = db_step(s);
    int64_t id = rc == DB_ROW ? db_column_int64(s, 0) : 0;
    db_finalize(s);
    sodium_memzero(hash, sizeof hash);
    if (rc == DB_ERR_UNIQUE) {
        err_set(e, 409, "duplicate", "用户名已被使用", "This username is already taken");
        err_add_field(e, "username", "duplicate");
        return -1;
    }
    if (rc != DB_ROW) return auth_db_fail(rc, e);
    if (id_out) *id_out = id;
    return 0;
}

int user_find(db_conn *c, const char *username, int64_t *id_out, err *e)
{
    const char *params[] = {username ? username : ""};
    int rc = db_query_int64(c, "SELECT id FROM users WHERE username = ? AND deleted_at IS NULL",
                            id_out, e, 1, params);
    if (rc < 0) return -1;
    if (rc == 1) return err_set(e, 404, "not_found", "用户不存在", "No such user");
    return 0;
}

/* Stores the hash and ends the sessions, both or neither. Runs its own
 * transaction unless the caller already has one open. */
static int store_password(db_conn *c, int64_t user_id, const char *password,
                          int64_t keep_session_id, err *e)
{
    char hash[PASSWORD_HASH_SIZE], now[ISO_TIME_LEN];
    if (password_hash(password, hash, e)) return -1;
    iso_now(now);
    int own_tx = !db_in_transaction(c);
    if (own_tx && db_begin(c, e)) return -1;
    db_stmt *s = db_prepare(c,
                            "UPDATE users SET password_hash = ?, password_changed_at = ?,"
                            " must_change_password = 0, updated_at = ?, version = version + 1"
                            " WHERE id = ? AND deleted_at IS NULL",
                            e);
    int rc = -1;
    if (s) {
        db_bind_text(s, 1, hash);
        db_bind_text(s, 2, now);
        db_bind_text(s, 3, now);
        db_bind_int64(s, 4, user_id);
        int step = db_step(s);
        int64_t changed = step == DB_DONE ? db_changes(s) : 0;
        db_finalize(s);
        if (step != DB_DONE)
            auth_db_fail(step, e);
        else if (changed == 0)
            err_set(e, 404, "not_found", "用户不存在", "No such user");
        else
            rc = session_revoke_all_for_user(c, user_id, keep_session_id, e);
    }
    sodium_memzero(hash, sizeof hash);
    if (!own_tx) return rc;
    if (rc) {
        db_rollback(c);
        return -1;
    }
    return db_commit(c, e);
}

int user_set_password(db_conn *c, int64_t user_id, const char *new_password, err *e)
{
    if (password_check_policy(new_password, "password", e)) return -1;
    return store_password(c, user_id, new_password, 0, e);
}

int user_require_password_change(db_conn *c, int64_t user_id, err *e)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)user_id);
    const char *params[] = {id};
    int64_t ignored;
    return db_query_int64(c, "UPDATE users SET must_change_password = 1 WHERE id = CAST(? AS BIGINT) RETURNING id",
                          &ignored, e, 1, params) < 0
               ? -1
               : 0;
}

static int old_password_wrong(err *e)
{
    err_set(e, 422, "validation_failed", "原密码不正确", "The current password is wrong");
    err_add_field(e, "old_password", "invalid");
    return -1;
}

/* A wrong current password is a failed sign-in of this user: it counts
 * toward the same throttle, so a stolen session cannot be used to guess the
 * password at argon2 speed without limit. A right one is not a sign-in and
 * stays out of the history. */
static int check_old_password(db_conn *c, int64_t user_id, const char *old_password,
                              const char *address, err *e)
{
    arena *a = arena_new();
    const char *username = NULL;
    db_stmt *s = db_prepare(c, "SELECT username FROM users WHERE id = ?", e);
    int rc = -1;
    if (s) {
        db_bind_int64(s, 1, user_id);
        int step = db_step(s);
        if (step == DB_ROW) username = auth_col_text(s, 0, a);
        db_finalize(s);
        if (step == DB_DONE)
            err_set(e, 404, "not_found", "用户不存在", "No such user");
        else if (step != DB_ROW)
            auth_db_fail(step, e);
        else
            rc = 0;
    }
    if (rc == 0) {
        auth_user ignored;
        err le;
        err_clear(&le);
        rc = auth_check_password(c, username, old_password, address, NULL, 0, a, &ignored, &le);
        if (rc && le.status == 401)
            old_password_wrong(e);
        else if (rc)
            *e = le;
    }
    arena_free(a);
    return rc;
}

int user_change_password(db_conn *c, int64_t user_id, const char *old_password,
                         const char *new_password, const char *address, int64_t keep_session_id,
                         err *e)
{
    if (!old_password || !*old_password) {
        err_set(e, 422, "validation_failed", "请输入原密码", "The current password is required");
        err_add_field(e, "old_password", "required");
        return -1;
    }
    if (password_check_policy(new_password, "new_password", e)) return -1;
    if (check_old_password(c, user_id, old_password, address, e)) return -1;
    return store_password(c, user_id, new_password, keep_session_id, e);
}

int64_t user_count(db_conn *c, err *e)
{
    int64_t n = 0;
    if (db_query_int64(c, "SELECT COUNT(*) FROM users", &n, e, 0, NULL) < 0) return -1;
    return n;
}

void auth_random_password(char *out, int n)
{
    static const char ALPHABET[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    for (int i = 0; i < n; i++) out[i] = ALPHABET[randombytes_uniform((uint32_t)(sizeof ALPHABET - 1))];
    out[n] = '\0';
}

/* 16 characters without look-alikes (0/O, 1/l/I): read off a terminal and
 * typed by hand once. About 93 bits. */
static char *generate_password(void)
{
    char *pw = malloc(17);
    if (pw) auth_random_password(pw, 16);
    return pw;
}

int auth_bootstrap_admin(db_conn *c, const char *password_or_null, char **generated_out, err *e)
{
    *generated_out = NULL;
    int64_t n = user_count(c, e);
    if (n < 0) return -1;
    if (n > 0) return 0;
    if (sodium_init() < 0)
        return err_set(e, 500, "internal_error", "无法生成随机数", "No random numbers available");
    char *generated = NULL;
    const char *pw = password_or_null;
    if (!pw || !*pw) {
        generated = generate_password();
        if (!generated) return err_set(e, 500, "internal_error", "内存不足", "Out of memory");
        pw = generated;
    }
    int rc = user_create(c, "admin", "系统管理员", pw, 1, NULL, e);
    if (rc && e->status == 409) {
        /* Another process starting at the same moment created it first. */
        err_clear(e);
        free(generated);
        return 0;
    }
    if (rc) {
        free(generated);
        return -1;
    }
    *generated_out = generated;
    return 0;
}

int user_load(db_conn *c, int64_t user_id, arena *a, auth_user *out, err *e)
{
    memset(out, 0, sizeof *out);
    db_stmt *s = db_prepare(c,
                            "SELECT u.id, u.username, u.name, u.is_admin, u.role_id, u.department_id,"
                            " u.company_id, u.platform_admin, u.is_teacher"
                            " FROM users u JOIN companies c ON c.id = u.company_id"
                            " WHERE u.id = ? AND u.deleted_at IS NULL AND u.status = 'active' AND c.status = 'active'",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, user_id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        out->id = db_column_int64(s, 0);
        out->username = auth_col_text(s, 1, a);
        out->name = auth_col_text(s, 2, a);
        out->is_admin = db_column_int64(s, 3) != 0;
        out->role_id = db_column_int64(s, 4);
        out->department_id = db_column_int64(s, 5);
        out->company_id = db_column_int64(s, 6);
        out->platform_admin = db_column_int64(s, 7) != 0;
        out->is_teacher = db_column_int64(s, 8) != 0;
    }
    db_finalize(s);
    if (rc == DB_ROW) return 0;
    return rc == DB_DONE ? err_set(e, 404, "not_found", "用户不存在或已停用", "No such active user") : auth_db_fail(rc, e);
}

int users_load(db_conn *c, const int64_t *ids, int n, arena *a, auth_user *out, int *found, err *e)
{
    if (n < 0 || n > USERS_LOAD_MAX) return err_set(e, 500, "internal_error", "一次读取的用户过多", "Too many users at once");
    for (int i = 0; i < n; i++) memset(&out[i], 0, sizeof out[i]), found[i] = 0;
    if (n == 0) return 0;
    strbuf sql = STRBUF_INIT;
    sb_append(&sql, "SELECT u.id, u.username, u.name, u.is_admin, u.role_id, u.department_id,"
                    " u.company_id, u.platform_admin, u.is_teacher"
                    " FROM users u JOIN companies c ON c.id = u.company_id"
                    " WHERE u.deleted_at IS NULL AND u.status = 'active' AND c.status = 'active' AND u.id IN (");
    for (int i = 0; i < n; i++) sb_append(&sql, i ? ", ?" : "?");
    sb_putc(&sql, ')');
    db_stmt *s = db_prepare(c, sb_str(&sql), e);
    sb_free(&sql);
    if (!s) return -1;
    for (int i = 0; i < n; i++) db_bind_int64(s, i + 1, ids[i]);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t id = db_column_int64(s, 0);
        for (int i = 0; i < n; i++) {
            if (ids[i] != id) continue;
            auth_user *u = &out[i];
            u->id = id;
            u->username = auth_col_text(s, 1, a);
            u->name = auth_col_text(s, 2, a);
            u->is_admin = db_column_int64(s, 3) != 0;
            u->role_id = db_column_int64(s, 4);
            u->department_id = db_column_int64(s, 5);
            u->company_id = db_column_int64(s, 6);
            u->platform_admin = db_column_int64(s, 7) != 0;
            u->is_teacher = db_column_int64(s, 8) != 0;
            found[i] = 1;
        }
    }
    db_finalize(s);
    return rc == DB_DONE ? 0 : auth_db_fail(rc, e);
}
