/* test_auth.c - sign-in, sessions, API tokens and passwords (src/auth) on a
 * temporary SQLite file and, when KEHU_TEST_PG_URL is set, again on a fresh
 * PostgreSQL database created for the run and dropped after it. Each test
 * uses its own usernames and client addresses, because throttling counts
 * per username and per address. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "acl/acl.h"
#include "auth/password.h"
#include "auth/session.h"
#include "auth/token.h"
#include "cli/prepare.h"
#include "db/db.h"
#include "entity/meta_load.h"
#include "util/clock.h"

#define PW "correct horse battery"

typedef struct fixture {
    db_conn *c;
    arena *a;
    char sqlite_path[64];
    char pg_db[64]; /* the database created for this run */
    char *pg_admin; /* KEHU_TEST_PG_URL, to drop it afterwards */
} fixture;

static fixture sqlite_fx, pg_fx;

/* ---- helpers ---- */

static db_conn *conn(void **state)
{
    return ((fixture *)*state)->c;
}

static arena *ar(void **state)
{
    return ((fixture *)*state)->a;
}

/* Runs SQL with text parameters; any result is ignored. */
static void sql(db_conn *c, const char *text, int n, const char *const *params)
{
    err e;
    err_clear(&e);
    int64_t ignored;
    int rc = db_query_int64(c, text, &ignored, &e, n, params);
    if (rc < 0) fail_msg("%s: %s", text, e.en);
}

static int64_t count(db_conn *c, const char *text, const char *param)
{
    err e;
    err_clear(&e);
    int64_t n = -1;
    const char *params[] = {param};
    if (db_query_int64(c, text, &n, &e, param ? 1 : 0, params) < 0) fail_msg("%s: %s", text, e.en);
    return n;
}

static int64_t make_user(db_conn *c, const char *username)
{
    err e;
    err_clear(&e);
    int64_t id = 0;
    if (user_create(c, username, NULL, PW, 0, &id, &e))
        fail_msg("user_create %s: %s", username, e.en);
    return id;
}

/* Signs in and returns the error status (0 on success). */
static int login(void **state, const char *username, const char *pw, const char *address,
                 auth_user *u, err *e)
{
    err_clear(e);
    return auth_login(conn(state), username, pw, address, "cmocka", ar(state), u, e) ? e->status
                                                                                     : 0;
}

static int resolve(void **state, session_kind kind, const char *secret, auth_user *u)
{
    err e;
    err_clear(&e);
    return session_resolve(conn(state), kind, secret, 12, ar(state), u, &e) ? e.status : 0;
}

static char *new_session(void **state, int64_t user_id, session_kind kind, int64_t *id, char **csrf)
{
    err e;
    err_clear(&e);
    char *secret = NULL;
    if (session_create(conn(state), user_id, kind, NULL, "10.0.0.1", "cmocka", 12, ar(state),
                       &secret, csrf, id, &e))
        fail_msg("session_create: %s", e.en);
    return secret;
}

/* ---- password and token primitives ---- */

static void test_password_hash_verify(void **state)
{
    (void)state;
    char hash[PASSWORD_HASH_SIZE];
    err e;
    err_clear(&e);
    assert_int_equal(password_hash(PW, hash, &e), 0);
    assert_non_null(strstr(hash, "$argon2id$"));
    assert_true(password_verify(hash, PW));
    assert_false(password_verify(hash, "correct horse battery!"));
    assert_false(password_verify(NULL, PW));
    assert_false(password_verify("not a hash", PW));
    char again[PASSWORD_HASH_SIZE];
    assert_int_equal(password_hash(PW, again, &e), 0);
    assert_string_not_equal(hash, again); /* salted */
    /* Fast (test) cost is current here; the server cost is not. */
    assert_false(password_needs_rehash(hash));
    unsetenv("KEHU_PWHASH_FAST");
    assert_true(password_needs_rehash(hash));
    setenv("KEHU_PWHASH_FAST", "1", 1);
}

static void expect_policy(const char *pw, const char *reason)
{
    err e;
    err_clear(&e);
    int rc = password_check_policy(pw, "password", &e);
    if (!reason) {
        assert_int_equal(rc, 0);
        return;
    }
    assert_int_equal(rc, -1);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.code, "validation_failed");
    assert_int_equal(e.nfields, 1);
    assert_string_equal(e.fields[0].name, "password");
    assert_string_equal(e.fields[0].reason, reason);
    assert_true(e.zh[0] && e.en[0]);
}

static void test_password_policy(void **state)
{
    (void)state;
    char long_pw[130];
    memset(long_pw, 'x', 129);
    long_pw[0] = 'y';
    long_pw[129] = '\0';
    expect_policy("", "too_short");
    expect_policy("1234567", "too_short");
    expect_policy(long_pw, "too_long");
    long_pw[128] = '\0'; /* exactly 128 characters */
    expect_policy(long_pw, NULL);
    /* characters, not bytes: 128 Chinese characters (384 bytes) pass, 129 do not */
    char cjk[3 * 129 + 1] = "";
    for (int i = 0; i < 129; i++) strcat(cjk, i % 2 ? "客" : "户");
    expect_policy(cjk, "too_long");
    cjk[3 * 128] = '\0';
    expect_policy(cjk, NULL);
    expect_policy("aaaaaaaa", "weak");
    expect_policy("１１１１１１１１", "weak"); /* one full-width character repeated */
    expect_policy("abc\xff\xfe"
                  "defgh",
                  "invalid");
    expect_policy("12345678", NULL);
    expect_policy("客户关系管理", "too_short"); /* six characters, though 18 bytes */
    expect_policy("客户关系管理系统", NULL);      /* eight */
    expect_policy(PW, NULL);
}

static int base64url_only(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_'))
            return 0;
    return 1;
}

static void test_tokens(void **state)
{
    (void)state;
    char a[TOKEN_TEXT_SIZE], b[TOKEN_TEXT_SIZE], h[TOKEN_HASH_SIZE];
    assert_int_equal(token_random(a), 0);
    assert_int_equal(token_random(b), 0);
    assert_int_equal(strlen(a), 43);
    assert_true(base64url_only(a));
    assert_string_not_equal(a, b);
    token_hash("abc", h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    token_hash(a, h);
    assert_int_equal(strlen(h), 64);
    for (const char *p = h; *p; p++)
        assert_true((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'));
    assert_true(token_equal(a, a));
    assert_false(token_equal(a, b));
    assert_false(token_equal("abc", "abcd"));
    assert_false(token_equal(NULL, "x"));
}

/* ---- first start ---- */

/* Runs first in each group: the database has no users yet. */
static void test_bootstrap_admin(void **state)
{
    db_conn *c = conn(state);
    err e;
    err_clear(&e);
    char *generated = NULL;
    assert_int_equal(user_count(c, &e), 0);
    assert_int_equal(auth_bootstrap_admin(c, NULL, &generated, &e), 0);
    assert_non_null(generated);
    assert_int_equal(strlen(generated), 16);
    assert_int_equal(user_count(c, &e), 1);
    auth_user u;
    assert_int_equal(login(state, "admin", generated, "10.1.0.1", &u, &e), 0);
    assert_string_equal(u.name, "系统管理员");
    assert_true(u.is_admin);
    free(generated);

    /* Users exist: nothing happens, nothing is generated. */
    generated = (char *)"untouched";
    assert_int_equal(auth_bootstrap_admin(c, NULL, &generated, &e), 0);
    assert_null(generated);
    assert_int_equal(auth_bootstrap_admin(c, "Another-pass-1", &generated, &e), 0);
    assert_null(generated);
    assert_int_equal(user_count(c, &e), 1);

    /* A given password is used as is and nothing is generated. */
    sql(c, "DELETE FROM users", 0, NULL);
    assert_int_equal(auth_bootstrap_admin(c, "Given-pass-123", &generated, &e), 0);
    assert_null(generated);
    assert_int_equal(login(state, "admin", "Given-pass-123", "10.1.0.2", &u, &e), 0);

    /* A given password still has to pass the policy. */
    sql(c, "DELETE FROM users", 0, NULL);
    assert_int_equal(auth_bootstrap_admin(c, "short", &generated, &e), -1);
    assert_int_equal(e.status, 422);
    assert_null(generated);
    err_clear(&e);
    assert_int_equal(auth_bootstrap_admin(c, "Given-pass-123", &generated, &e), 0);
}

/* ---- users ---- */

static void test_user_create_validation(void **state)
{
    db_conn *c = conn(state);
    err e;
    err_clear(&e);
    int64_t id = 0;
    assert_int_equal(user_create(c, "张三", "张三丰", PW, 0, &id, &e), 0);
    assert_true(id > 0);
    int64_t found = 0;
    assert_int_equal(user_find(c, "张三", &found, &e), 0);
    assert_int_equal(found, id);
    assert_int_equal(user_find(c, "nobody-here", &found, &e), -1);
    assert_int_equal(e.status, 404);

    static const struct {
        const char *username, *reason;
    } bad[] = {
        {"a", "too_short"},       {"has space", "invalid"}, {"全角\xe3\x80\x80空格", "invalid"},
        {"tab\there", "invalid"}, {"bad\xff", "invalid"},   {"", "too_short"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err_clear(&e);
        assert_int_equal(user_create(c, bad[i].username, NULL, PW, 0, NULL, &e), -1);
        assert_int_equal(e.status, 422);
        assert_string_equal(e.fields[0].name, "username");
        assert_string_equal(e.fields[0].reason, bad[i].reason);
    }
    char long_name[70];
    memset(long_name, 'n', 65);
    long_name[65] = '\0';
    err_clear(&e);
    assert_int_equal(user_create(c, long_name, NULL, PW, 0, NULL, &e), -1);
    assert_string_equal(e.fields[0].reason, "too_long");

    err_clear(&e);
    assert_int_equal(user_create(c, "张三", NULL, PW, 0, NULL, &e), -1);
    assert_int_equal(e.status, 409);
    assert_string_equal(e.code, "duplicate");
    assert_string_equal(e.fields[0].name, "username");

    err_clear(&e);
    assert_int_equal(user_create(c, "weakling", NULL, "aaaaaaaaaa", 0, NULL, &e), -1);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.fields[0].name, "password");
    assert_string_equal(e.fields[0].reason, "weak");
}

/* ---- sign-in ---- */

static void test_login_success_and_failure(void **state)
{
    db_conn *c = conn(state);
    int64_t id = make_user(c, "alice");
    auth_user u;
    err e, unknown;
    assert_int_equal(login(state, "alice", PW, "10.2.0.1", &u, &e), 0);
    assert_int_equal(u.id, id);
    assert_string_equal(u.username, "alice");
    assert_string_equal(u.name, "alice");
    assert_false(u.is_admin);
    assert_int_equal(u.role_id, 0);

    assert_int_equal(login(state, "alice", "wrong password", "10.2.0.1", &u, &e), 401);
    assert_string_equal(e.code, "invalid_credentials");
    assert_string_equal(e.zh, "用户名或密码错误");
    assert_int_equal(login(state, "nobody", PW, "10.2.0.1", &u, &unknown), 401);
    /* The same answer, so it tells nothing about which usernames exist. */
    assert_string_equal(unknown.code, e.code);
    assert_string_equal(unknown.zh, e.zh);
    assert_string_equal(unknown.en, e.en);
    assert_int_equal(login(state, NULL, NULL, NULL, &u, &e), 401);

    assert_int_equal(count(c, "SELECT COUNT(*) FROM login_attempts WHERE address = ?", "10.2.0.1"),
                     3);
    assert_int_equal(count(c,
                           "SELECT COUNT(*) FROM login_attempts WHERE username = ?"
                           " AND success = 1",
                           "alice"),
                     1);
    assert_int_equal(count(c,
                           "SELECT COUNT(*) FROM login_attempts WHERE username = ?"
                           " AND user_id IS NULL",
                           "nobody"),
                     1);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM login_attempts WHERE address = ?", "unknown"),
                     1);
}

static void test_unknown_user_takes_as_long(void **state)
{
    make_user(conn(state), "timed");
    auth_user u;
    err e;
    /* Counted, not timed: a wall clock on a busy machine cannot tell. A wrong
     * password, an unknown user and a right password each cost exactly one
     * argon2 verification (the unknown user's against the dummy hash, made
     * with the same cost), so none answers sooner than the others. */
    struct { const char *user, *pw, *addr; } tries[] = {
        {"timed", "wrong password", "10.3.0.2"},
        {"nobody-timed", "wrong password", "10.3.0.3"},
        {"nobody-timed", PW, "10.3.0.4"},
        {"timed", PW, "10.3.0.5"},
    };
    for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
        long before = password_verifications();
        login(state, tries[i].user, tries[i].pw, tries[i].addr, &u, &e);
        assert_int_equal(password_verifications() - before, 1);
    }
}

static void test_throttle_by_username(void **state)
{
    make_user(conn(state), "bob");
    auth_user u;
    err e;
    for (int i = 0; i < LOGIN_MAX_USER_FAILURES; i++)
        assert_int_equal(login(state, "bob", "wrong password", "10.4.0.1", &u, &e), 401);
    /* Refused before the password is looked at: the right one too. */
    assert_int_equal(login(state, "bob", PW, "10.4.0.2", &u, &e), 429);
    assert_string_equal(e.code, "too_many_attempts");
    assert_string_equal(e.zh, "登录失败次数过多，请15分钟后再试");
    /* Failures older than the window no longer count. */
    char old[ISO_TIME_LEN];
    iso_time(time(NULL) - LOGIN_WINDOW_SECONDS - 60, old);
    const char *params[] = {old, "bob"};
    sql(conn(state), "UPDATE login_attempts SET at = ? WHERE username = ?", 2, params);
    assert_int_equal(login(state, "bob", PW, "10.4.0.2", &u, &e), 0);
}

static void test_success_resets_username_count(void **state)
{
    make_user(conn(state), "carol");
    auth_user u;
    err e;
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < LOGIN_MAX_USER_FAILURES - 1; i++)
            assert_int_equal(login(state, "carol", "wrong password", "10.5.0.1", &u, &e), 401);
        assert_int_equal(login(state, "carol", PW, "10.5.0.1", &u, &e), 0);
    }
    /* Failures in the same second as the success still count. */
    for (int i = 0; i < LOGIN_MAX_USER_FAILURES; i++)
        assert_int_equal(login(state, "carol", "wrong password", "10.5.0.1", &u, &e), 401);
    assert_int_equal(login(state, "carol", PW, "10.5.0.1", &u, &e), 429);
}

static void test_throttle_by_address(void **state)
{
    make_user(conn(state), "dave");
    auth_user u;
    err e;
    char name[32];
    for (int i = 0; i < LOGIN_MAX_ADDRESS_FAILURES; i++) {
        snprintf(name, sizeof name, "guess%d", i);
        assert_int_equal(login(state, name, "wrong password", "10.6.0.1", &u, &e), 401);
    }
    assert_int_equal(login(state, "dave", PW, "10.6.0.1", &u, &e), 429);
    assert_string_equal(e.code, "too_many_attempts");
    assert_int_equal(login(state, "dave", PW, "10.6.0.2", &u, &e), 0);
}

static void test_inactive_user(void **state)
{
    db_conn *c = conn(state);
    int64_t id = make_user(c, "erin");
    auth_user u;
    err e;
    char *secret = new_session(state, id, SESSION_COOKIE_KIND, NULL, NULL);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret, &u), 0);
    sql(c, "UPDATE users SET status = 'disabled' WHERE username = 'erin'", 0, NULL);
    assert_int_equal(login(state, "erin", PW, "10.7.0.1", &u, &e), 403);
    assert_string_equal(e.code, "account_disabled");
    assert_string_equal(e.zh, "该账号已停用");
    /* Without the right password a disabled account looks like any other. */
    assert_int_equal(login(state, "erin", "wrong password", "10.7.0.1", &u, &e), 401);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret, &u), 401);
    /* A deleted user is unknown. */
    sql(c,
        "UPDATE users SET status = 'active', deleted_at = '2020-01-01T00:00:00Z'"
        " WHERE username = 'erin'",
        0, NULL);
    assert_int_equal(login(state, "erin", PW, "10.7.0.1", &u, &e), 401);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret, &u), 401);
}

static void test_attempt_text_is_clipped(void **state)
{
    db_conn *c = conn(state);
    char username[120], agent[400];
    memset(username, 'u', 100);
    username[100] = '\0';
    memset(agent, 'A', 300);
    memcpy(agent + 10, "\xff\xfe", 2); /* not UTF-8: PostgreSQL would refuse it as is */
    agent[300] = '\0';
    auth_user u;
    err e;
    err_clear(&e);
    assert_int_equal(
        auth_login(c, username, "wrong password", "10.8.0.1", agent, ar(state), &u, &e), -1);
    assert_int_equal(e.status, 401);
    assert_int_equal(
        count(c, "SELECT LENGTH(username) FROM login_attempts WHERE address = ?", "10.8.0.1"),
        LOGIN_USERNAME_MAX);
    assert_int_equal(
        count(c, "SELECT LENGTH(user_agent) FROM login_attempts WHERE address = ?", "10.8.0.1"),
        LOGIN_USER_AGENT_MAX);
}

static void test_login_history(void **state)
{
    db_conn *c = conn(state);
    int64_t id = make_user(c, "frank");
    auth_user u;
    err e;
    login(state, "frank", "wrong password", "10.9.0.1", &u, &e);
    login(state, "frank", PW, "10.9.0.2", &u, &e);
    login_record *items;
    int n;
    err_clear(&e);
    assert_int_equal(auth_login_history(c, id, 50, 0, ar(state), &items, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_true(items[0].success); /* newest first */
    assert_string_equal(items[0].address, "10.9.0.2");
    assert_string_equal(items[0].user_agent, "cmocka");
    assert_false(items[1].success);
    assert_int_equal(strlen(items[0].at), ISO_TIME_LEN - 1);
    assert_int_equal(auth_login_history(c, id, 1, 1, ar(state), &items, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_false(items[0].success);
}

static void test_rehash_on_login(void **state)
{
    db_conn *c = conn(state);
    make_user(c, "grace"); /* hashed at the fast test cost */
    unsetenv("KEHU_PWHASH_FAST");
    auth_user u;
    err e;
    assert_int_equal(login(state, "grace", PW, "10.10.0.1", &u, &e), 0);
    db_stmt *s = db_prepare(c, "SELECT password_hash FROM users WHERE username = 'grace'", &e);
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_ROW);
    assert_false(password_needs_rehash(db_column_text(s, 0)));
    assert_non_null(strstr(db_column_text(s, 0), "m=19456,t=2,p=1"));
    db_finalize(s);
    setenv("KEHU_PWHASH_FAST", "1", 1);
    assert_int_equal(login(state, "grace", PW, "10.10.0.1", &u, &e), 0); /* still verifies */
}

/* ---- sessions ---- */

static void test_session_resolve_expiry_revoke(void **state)
{
    db_conn *c = conn(state);
    int64_t uid = make_user(c, "heidi");
    int64_t sid = 0;
    char *csrf = NULL;
    char *secret = new_session(state, uid, SESSION_COOKIE_KIND, &sid, &csrf);
    assert_non_null(csrf);
    assert_string_not_equal(secret, csrf);
    auth_user u;
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret, &u), 0);
    assert_int_equal(u.id, uid);
    assert_int_equal(u.session_id, sid);
    assert_string_equal(u.csrf_token, csrf);
    assert_string_equal(u.username, "heidi");

    /* Only the hash is stored. */
    assert_int_equal(count(c, "SELECT COUNT(*) FROM sessions WHERE token_hash = ?", secret), 0);
    char hash[TOKEN_HASH_SIZE];
    token_hash(secret, hash);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM sessions WHERE token_hash = ?", hash), 1);

    /* Wrong kind, wrong or malformed secrets. */
    assert_int_equal(resolve(state, SESSION_TOKEN_KIND, secret, &u), 401);
    char other[TOKEN_TEXT_SIZE];
    token_random(other);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, other, &u), 401);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, "", &u), 401);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, "x' OR '1'='1", &u), 401);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, NULL, &u), 401);

    /* Sliding expiry: an active session moves its end forward. */
    char soon[ISO_TIME_LEN], ago[ISO_TIME_LEN], later[ISO_TIME_LEN];
    iso_time(time(NULL) + 30, soon);
    iso_time(time(NULL) - 120, ago);
    iso_time(time(NULL) + 11 * 3600, later);
    const char *p1[] = {soon, ago, hash};
    sql(c, "UPDATE sessions SET expires_at = ?, last_seen_at = ? WHERE token_hash = ?", 3, p1);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret, &u), 0);
    const char *p2[] = {hash, later};
    err e;
    err_clear(&e);
    int64_t moved = 0;
    assert_int_equal(db_query_int64(c,
                                    "SELECT COUNT(*) FROM sessions WHERE token_hash = ?"
                                    " AND expires_at > ?",
                                    &moved, &e, 2, p2),
                     0);
    assert_int_equal(moved, 1);

    /* Expired. */
    const char *p3[] = {ago, hash};
    sql(c, "UPDATE sessions SET expires_at = ? WHERE token_hash = ?", 2, p3);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret, &u), 401);

    /* Revoked. */
    int64_t sid2 = 0;
    char *secret2 = new_session(state, uid, SESSION_COOKIE_KIND, &sid2, NULL);
    assert_int_not_equal(sid2, sid);
    assert_string_not_equal(secret2, secret); /* new secret every sign-in */
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret2, &u), 0);
    assert_int_equal(session_revoke(c, sid2, &e), 0);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret2, &u), 401);
    assert_int_equal(session_revoke(c, sid2, &e), 0); /* twice is fine */
}

static void test_password_change_revokes_sessions(void **state)
{
    db_conn *c = conn(state);
    int64_t uid = make_user(c, "ivan");
    int64_t other_uid = make_user(c, "judy");
    int64_t keep = 0;
    char *s1 = new_session(state, uid, SESSION_COOKIE_KIND, &keep, NULL);
    char *s2 = new_session(state, uid, SESSION_COOKIE_KIND, NULL, NULL);
    char *t1 = new_session(state, uid, SESSION_TOKEN_KIND, NULL, NULL);
    char *judy = new_session(state, other_uid, SESSION_COOKIE_KIND, NULL, NULL);
    auth_user u;
    err e;

    /* Changing one's own password: the current session lives on. */
    err_clear(&e);
    assert_int_equal(
        user_change_password(c, uid, "wrong password", "New password 1", "10.11.0.1", keep, &e),
        -1);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.fields[0].name, "old_password");
    assert_string_equal(e.fields[0].reason, "invalid");
    err_clear(&e);
    assert_int_equal(user_change_password(c, uid, PW, "short", "10.11.0.1", keep, &e), -1);
    assert_string_equal(e.fields[0].name, "new_password");
    assert_string_equal(e.fields[0].reason, "too_short");
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, s2, &u), 0); /* nothing changed yet */

    err_clear(&e);
    assert_int_equal(user_change_password(c, uid, PW, "New password 1", "10.11.0.1", keep, &e), 0);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, s1, &u), 0);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, s2, &u), 401);
    assert_int_equal(resolve(state, SESSION_TOKEN_KIND, t1, &u), 401);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, judy, &u), 0);
    assert_int_equal(login(state, "ivan", PW, "10.11.0.2", &u, &e), 401);
    assert_int_equal(login(state, "ivan", "New password 1", "10.11.0.2", &u, &e), 0);
    assert_int_equal(count(c,
                           "SELECT COUNT(*) FROM users WHERE username = ?"
                           " AND password_changed_at IS NOT NULL",
                           "ivan"),
                     1);

    /* An administrator's reset (kehu user passwd): every session dies. */
    err_clear(&e);
    assert_int_equal(user_set_password(c, uid, "aaaaaaaaa", &e), -1);
    assert_string_equal(e.fields[0].reason, "weak");
    err_clear(&e);
    assert_int_equal(user_set_password(c, uid, "Reset password 2", &e), 0);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, s1, &u), 401);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, judy, &u), 0);
    assert_int_equal(login(state, "ivan", "Reset password 2", "10.11.0.3", &u, &e), 0);
    err_clear(&e);
    assert_int_equal(user_set_password(c, 999999, "Reset password 2", &e), -1);
    assert_int_equal(e.status, 404);
}

/* The sessions each thread keeps (session_cache.h): a second resolve is
 * answered from the entry, and whatever the entry depends on moves the
 * sign-in epoch, whoever writes it; a touch does not. */
static int64_t epoch_now(db_conn *c)
{
    return count(c, "SELECT n FROM auth_epoch WHERE id = 1", NULL);
}

static void test_session_cache_epoch(void **state)
{
    db_conn *c = conn(state);
    int64_t uid = make_user(c, "kate");
    int64_t sid = 0;
    char *secret = new_session(state, uid, SESSION_COOKIE_KIND, &sid, NULL);
    auth_user u;
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret, &u), 0);
    int64_t e0 = epoch_now(c);
    assert_true(e0 > 0);
    /* kept: the same answer, the strings the request's own */
    auth_user again;
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret, &again), 0);
    assert_int_equal(again.id, uid);
    assert_int_equal(again.session_id, sid);
    assert_string_equal(again.username, "kate");
    assert_ptr_not_equal(again.username, u.username);
    assert_int_equal(resolve(state, SESSION_TOKEN_KIND, secret, &again), 401); /* the kind is part of the key */

    /* A touch (last_seen_at and the end moved later, as touch() writes
     * them) leaves the epoch: kept sessions stay kept. */
    char hash[TOKEN_HASH_SIZE], ago[ISO_TIME_LEN], now[ISO_TIME_LEN], later[ISO_TIME_LEN];
    token_hash(secret, hash);
    iso_time(time(NULL) - 120, ago);
    iso_time(time(NULL), now);
    iso_time(time(NULL) + 13 * 3600, later);
    const char *p1[] = {now, later, hash};
    sql(c, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?", 3, p1);
    int64_t e1 = epoch_now(c);
    assert_int_equal(e1, e0);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret, &u), 0);

    /* Each of these moves it, and the kept session follows at once. */
    char uid_text[24];
    snprintf(uid_text, sizeof uid_text, "%lld", (long long)uid);
    const char *pu[] = {uid_text};
    sql(c, "UPDATE users SET status = 'inactive' WHERE id = CAST(? AS BIGINT)", 1, pu);
    assert_true(epoch_now(c) > e1);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret, &u), 401);
    sql(c, "UPDATE users SET status = 'active' WHERE id = CAST(? AS BIGINT)", 1, pu);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret, &u), 0);
    sql(c, "UPDATE users SET role_id = 77 WHERE id = CAST(? AS BIGINT)", 1, pu);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret, &u), 0);
    assert_int_equal(u.role_id, 77);
    int64_t e2 = epoch_now(c);
    sql(c, "UPDATE settings SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'acl_version'", 0, NULL);
    assert_true(epoch_now(c) > e2);
    int64_t acl = u.acl_version;
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret, &u), 0);
    assert_int_equal(u.acl_version, acl + 1);
    sql(c, "UPDATE companies SET status = 'suspended' WHERE id = 1", 0, NULL);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret, &u), 401);
    sql(c, "UPDATE companies SET status = 'active' WHERE id = 1", 0, NULL);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret, &u), 0);
    /* cut short, then gone */
    const char *p2[] = {ago, hash};
    sql(c, "UPDATE sessions SET expires_at = ? WHERE token_hash = ?", 2, p2);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret, &u), 401);
    char *other = new_session(state, uid, SESSION_TOKEN_KIND, NULL, NULL);
    assert_int_equal(resolve(state, SESSION_TOKEN_KIND, other, &u), 0);
    char ohash[TOKEN_HASH_SIZE];
    token_hash(other, ohash);
    const char *p3[] = {ohash};
    sql(c, "DELETE FROM sessions WHERE token_hash = ?", 1, p3);
    assert_int_equal(resolve(state, SESSION_TOKEN_KIND, other, &u), 401);
}

static void test_old_password_guesses_are_throttled(void **state)
{
    db_conn *c = conn(state);
    int64_t uid = make_user(c, "mallory");
    err e;
    for (int i = 0; i < LOGIN_MAX_USER_FAILURES; i++) {
        err_clear(&e);
        assert_int_equal(
            user_change_password(c, uid, "guess password", "New password 1", "10.12.0.1", 0, &e),
            -1);
        assert_int_equal(e.status, 422);
    }
    err_clear(&e);
    assert_int_equal(user_change_password(c, uid, PW, "New password 1", "10.12.0.1", 0, &e), -1);
    assert_int_equal(e.status, 429);
}

static void test_api_tokens(void **state)
{
    db_conn *c = conn(state);
    int64_t uid = make_user(c, "kim");
    int64_t other = make_user(c, "leo");
    err e;
    err_clear(&e);
    char *secret = NULL, *csrf = (char *)"unset";
    int64_t tid = 0;
    assert_int_equal(session_create(c, uid, SESSION_TOKEN_KIND, "报表脚本", "10.13.0.1", NULL, 0,
                                    ar(state), &secret, &csrf, &tid, &e),
                     0);
    assert_null(csrf);
    auth_user u;
    assert_int_equal(resolve(state, SESSION_TOKEN_KIND, secret, &u), 0);
    assert_int_equal(u.id, uid);
    assert_int_equal(u.session_id, tid);
    assert_null(u.csrf_token);
    assert_int_equal(resolve(state, SESSION_COOKIE_KIND, secret, &u), 401);
    assert_int_equal(count(c,
                           "SELECT COUNT(*) FROM sessions WHERE kind = 'token'"
                           " AND expires_at IS NULL AND label = ?",
                           "报表脚本"),
                     1);

    /* A cookie session is not a token in the list. */
    new_session(state, uid, SESSION_COOKIE_KIND, NULL, NULL);
    token_info *items;
    int n;
    assert_int_equal(session_list_tokens(c, uid, ar(state), &items, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, tid);
    assert_string_equal(items[0].label, "报表脚本");
    assert_non_null(items[0].created_at);
    assert_null(items[0].expires_at);

    /* Someone else's token, or no token: 404, and it stays alive. */
    assert_int_equal(session_revoke_token(c, other, tid, &e), -1);
    assert_int_equal(e.status, 404);
    assert_int_equal(resolve(state, SESSION_TOKEN_KIND, secret, &u), 0);
    err_clear(&e);
    assert_int_equal(session_revoke_token(c, uid, tid, &e), 0);
    assert_int_equal(resolve(state, SESSION_TOKEN_KIND, secret, &u), 401);
    assert_int_equal(session_revoke_token(c, uid, tid, &e), -1);
    assert_int_equal(e.status, 404);
    assert_int_equal(session_list_tokens(c, uid, ar(state), &items, &n, &e), 0);
    assert_int_equal(n, 0);
}

/* ---- fixtures ---- */

static int migrate(fixture *fx)
{
    err e;
    err_clear(&e);
    if (schema_prepare(fx->c, &e)) { /* users carry the entity columns too */
        fprintf(stderr, "migrate: %s\n", e.en);
        return -1;
    }
    fx->a = arena_new();
    return 0;
}

static int setup_sqlite(void **state)
{
    fixture *fx = &sqlite_fx;
    snprintf(fx->sqlite_path, sizeof fx->sqlite_path, "/tmp/kehu-test-auth-%d.db", (int)getpid());
    unlink(fx->sqlite_path);
    err e;
    err_clear(&e);
    fx->c = db_open(fx->sqlite_path, &e);
    if (!fx->c) {
        fprintf(stderr, "sqlite: %s\n", e.en);
        return -1;
    }
    *state = fx;
    return migrate(fx);
}

static int teardown_sqlite(void **state)
{
    fixture *fx = *state;
    db_close(fx->c);
    arena_free(fx->a);
    acl_shutdown();
    meta_shutdown();
    char path[80];
    unlink(fx->sqlite_path);
    snprintf(path, sizeof path, "%s-wal", fx->sqlite_path);
    unlink(path);
    snprintf(path, sizeof path, "%s-shm", fx->sqlite_path);
    unlink(path);
    return 0;
}

/* The URL of another database on the same server: the path is replaced,
 * user, host, port and parameters stay. */
static char *url_with_database(const char *url, const char *dbname)
{
    const char *scheme = strstr(url, "://");
    const char *auth = scheme ? scheme + 3 : url;
    const char *slash = strchr(auth, '/');
    const char *params_at = strchr(auth, '?');
    if (!slash || (params_at && slash > params_at)) slash = params_at ? params_at : auth + strlen(auth);
    const char *rest = params_at ? params_at : "";
    size_t n = (size_t)(slash - url) + strlen(dbname) + strlen(rest) + 2;
    char *out = malloc(n);
    snprintf(out, n, "%.*s/%s%s", (int)(slash - url), url, dbname, rest);
    return out;
}

static int admin_exec(const char *admin_url, const char *text)
{
    err e;
    err_clear(&e);
    db_conn *c = db_open(admin_url, &e);
    int rc = c ? db_exec(c, text, &e) : -1;
    if (rc) fprintf(stderr, "postgres: %s\n", e.en);
    if (c) db_close(c);
    return rc;
}

static int setup_pg(void **state)
{
    fixture *fx = &pg_fx;
    fx->pg_admin = getenv("KEHU_TEST_PG_URL");
    snprintf(fx->pg_db, sizeof fx->pg_db, "kehu_test_auth_%u_%u", (unsigned)getpid(),
             (unsigned)randombytes_random());
    char create[128];
    snprintf(create, sizeof create, "CREATE DATABASE %s", fx->pg_db);
    if (admin_exec(fx->pg_admin, create)) return -1;
    char *url = url_with_database(fx->pg_admin, fx->pg_db);
    err e;
    err_clear(&e);
    fx->c = db_open(url, &e);
    free(url);
    if (!fx->c) {
        fprintf(stderr, "postgres: %s\n", e.en);
        return -1;
    }
    *state = fx;
    return migrate(fx);
}

static int teardown_pg(void **state)
{
    fixture *fx = *state;
    db_close(fx->c);
    arena_free(fx->a);
    acl_shutdown();
    meta_shutdown();
    char drop[128];
    snprintf(drop, sizeof drop, "DROP DATABASE IF EXISTS %s", fx->pg_db);
    return admin_exec(fx->pg_admin, drop);
}

int main(void)
{
    setenv("KEHU_PWHASH_FAST", "1", 1); /* test cost: see password.h */
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bootstrap_admin), /* first: needs an empty users table */
        cmocka_unit_test(test_password_hash_verify),
        cmocka_unit_test(test_password_policy),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_user_create_validation),
        cmocka_unit_test(test_login_success_and_failure),
        cmocka_unit_test(test_unknown_user_takes_as_long),
        cmocka_unit_test(test_throttle_by_username),
        cmocka_unit_test(test_success_resets_username_count),
        cmocka_unit_test(test_throttle_by_address),
        cmocka_unit_test(test_inactive_user),
        cmocka_unit_test(test_attempt_text_is_clipped),
        cmocka_unit_test(test_login_history),
        cmocka_unit_test(test_rehash_on_login),
        cmocka_unit_test(test_session_resolve_expiry_revoke),
        cmocka_unit_test(test_password_change_revokes_sessions),
        cmocka_unit_test(test_session_cache_epoch),
        cmocka_unit_test(test_old_password_guesses_are_throttled),
        cmocka_unit_test(test_api_tokens),
    };
    int failed = cmocka_run_group_tests_name("auth_sqlite", tests, setup_sqlite, teardown_sqlite);
    if (getenv("KEHU_TEST_PG_URL") && *getenv("KEHU_TEST_PG_URL"))
        failed += cmocka_run_group_tests_name("auth_postgres", tests, setup_pg, teardown_pg);
    else
        printf("auth_postgres: skipped (KEHU_TEST_PG_URL is not set)\n");
    return failed ? 1 : 0;
}
