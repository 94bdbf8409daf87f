/* login.c - sign-in with username and password. The order of the checks is
 * the security: throttling first (a locked-out guesser learns nothing, not
 * even whether the password was right), then the password, verified against
 * a dummy hash when the user does not exist so both failures look and time
 * the same, and only a correct password learns that an account is disabled.
 * Every attempt lands in login_attempts, which is both the throttle's memory
 * and the user's sign-in history. */
#include <string.h>

#include "auth_internal.h"
#include "password.h"
#include "session.h"

typedef struct attempt {
    const char *username; /* clipped */
    const char *address;
    const char *user_agent; /* clipped, may be NULL */
    int64_t user_id;        /* 0 when unknown */
} attempt;

/* Failures of the username since its last success (within the window): a
 * user who finally remembers the password starts over. "Since" goes by id,
 * not by time, because a success and the failures after it can share a
 * second. Failures of the address never reset, or one good account would
 * unlock guessing at all the others from the same place. */
static const char *const USER_FAILURES_SQL =
    "SELECT COUNT(*) FROM login_attempts WHERE username = ? AND success = 0 AND at >= ?"
    " AND id > COALESCE((SELECT MAX(id) FROM login_attempts WHERE username = ?"
    " AND success = 1 AND at >= ?), 0)";
static const char *const ADDRESS_FAILURES_SQL =
    "SELECT COUNT(*) FROM login_attempts WHERE address = ? AND success = 0 AND at >= ?";

/* 1 when throttled, 0 when not, -1 on a database error. */
static int throttled(db_conn *c, const attempt *at, err *e)
{
    char since[ISO_TIME_LEN];
    auth_time_offset(-LOGIN_WINDOW_SECONDS, since);
    int64_t n = 0;
    const char *by_user[] = {at->username, since, at->username, since};
    if (db_query_int64(c, USER_FAILURES_SQL, &n, e, 4, by_user) < 0) return -1;
    if (n >= LOGIN_MAX_USER_FAILURES) return 1;
    const char *by_address[] = {at->address, since};
    if (db_query_int64(c, ADDRESS_FAILURES_SQL, &n, e, 2, by_address) < 0) return -1;
    return n >= LOGIN_MAX_ADDRESS_FAILURES;
}

static int record_attempt(db_conn *c, const attempt *at, int success, err *e)
{
    char now[ISO_TIME_LEN];
    iso_now(now);
    db_stmt *s = db_prepare(c,
                            "INSERT INTO login_attempts(username, user_id, address, user_agent,"
                            " success, at) VALUES (?, ?, ?, ?, ?, ?)",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, at->username);
    if (at->user_id)
        db_bind_int64(s, 2, at->user_id);
    else
        db_bind_null(s, 2);
    db_bind_text(s, 3, at->address);
    db_bind_text(s, 4, at->user_agent);
    db_bind_int64(s, 5, success);
    db_bind_text(s, 6, now);
    return auth_exec(s, e);
}

typedef struct user_row {
    int found;
    const char *password_hash;
    int active;
} user_row;

static int load_user(db_conn *c, const char *username, arena *a, auth_user *out, user_row *row,
                     err *e)
{
    db_stmt *s = db_prepare(c,
                            "SELECT u.id, u.username, u.name, u.password_hash, u.is_admin, u.role_id,"
                            " u.department_id, u.status, u.company_id, u.platform_admin, c.status,"
                            " u.is_teacher, u.must_change_password"
                            " FROM users u JOIN companies c ON c.id = u.company_id"
                            " WHERE u.username = ? AND u.deleted_at IS NULL",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, username);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        row->found = 1;
        out->id = db_column_int64(s, 0);
        out->username = auth_col_text(s, 1, a);
        out->name = auth_col_text(s, 2, a);
        row->password_hash = auth_col_text(s, 3, a);
        out->is_admin = db_column_int64(s, 4) != 0;
        out->role_id = db_column_int64(s, 5);
        out->department_id = db_column_int64(s, 6);
        out->company_id = db_column_int64(s, 8);
        out->platform_admin = db_column_int64(s, 9) != 0;
        out->is_teacher = db_column_int64(s, 11) != 0;
        out->must_change_password = db_column_int64(s, 12) != 0;
        /* a suspended company's users are stopped like deactivated ones */
        const char *status = db_column_text(s, 7), *company_status = db_column_text(s, 10);
        row->active = status && strcmp(status, "active") == 0 && company_status &&
                      strcmp(company_status, "active") == 0;
    }
    db_finalize(s);
    return rc == DB_ROW || rc == DB_DONE ? 0 : auth_db_fail(rc, e);
}

/* A hash made with an older cost is replaced while the password is at hand.
 * Best effort: the sign-in does not fail because of it. */
static void upgrade_hash(db_conn *c, int64_t user_id, const char *hash, const char *password)
{
    if (!password_needs_rehash(hash)) return;
    char fresh[PASSWORD_HASH_SIZE];
    err ignore;
    err_clear(&ignore);
    if (password_hash(password, fresh, &ignore)) return;
    db_stmt *s = db_prepare(c, "UPDATE users SET password_hash = ? WHERE id = ?", &ignore);
    if (!s) return;
    db_bind_text(s, 1, fresh);
    db_bind_int64(s, 2, user_id);
    (void)auth_exec(s, &ignore);
}

static int bad_credentials(err *e)
{
    return err_set(e, 401, "invalid_credentials", "用户名或密码错误", "Wrong username or password");
}

int auth_check_password(db_conn *c, const char *username, const char *password, const char *address,
                        const char *user_agent, int record_success, arena *a, auth_user *out,
                        err *e)
{
    memset(out, 0, sizeof *out);
    attempt at = {auth_clip(a, username ? username : "", LOGIN_USERNAME_MAX),
                  auth_clip(a, address && *address ? address : "unknown", 64),
                  auth_clip(a, user_agent, LOGIN_USER_AGENT_MAX), 0};
    int t = throttled(c, &at, e);
    if (t < 0) return -1;
    if (t) {
        if (record_attempt(c, &at, 0, e)) return -1;
        return err_set(e, 429, "too_many_attempts", "登录失败次数过多，请15分钟后再试",
                       "Too many failed sign-ins; please try again in 15 minutes");
    }
    user_row row = {0};
    if (load_user(c, username ? username : "", a, out, &row, e)) return -1;
    int ok;
    if (row.found) {
        at.user_id = out->id;
        ok = password_verify(row.password_hash, password ? password : "");
    } else {
        password_verify_dummy(password ? password : "");
        ok = 0;
    }
    int success = ok && row.active;
    if ((!success || record_success) && record_attempt(c, &at, success, e)) return -1;
    if (!ok) {
        memset(out, 0, sizeof *out);
        return bad_credentials(e);
    }
    if (!row.active) {
        memset(out, 0, sizeof *out);
        return err_set(e, 403, "account_disabled", "该账号已停用",
                       "This account has been disabled");
    }
    upgrade_hash(c, out->id, row.password_hash, password);
    return 0;
}

int auth_login(db_conn *c, const char *username, const char *password, const char *address,
               const char *user_agent, arena *a, auth_user *out, err *e)
{
    return auth_check_password(c, username, password, address, user_agent, 1, a, out, e);
}

/* Attempts are found by the user's current username, the key of the
 * (username, at) index, and by user_id, so a later user of a freed-up name
 * never sees the earlier one's history. */
int auth_login_history(db_conn *c, int64_t user_id, int limit, int offset, arena *a,
                       login_record **items, int *count, err *e)
{
    *items = NULL;
    *count = 0;
    if (limit < 1) limit = 1;
    if (limit > 200) limit = 200;
    if (offset < 0) offset = 0;
    db_stmt *s = db_prepare(c,
                            "SELECT la.id, la.at, la.address, la.user_agent, la.success"
                            " FROM login_attempts la JOIN users u ON u.username = la.username"
                            " WHERE u.id = ? AND la.user_id = ?"
                            " ORDER BY la.at DESC, la.id DESC LIMIT ? OFFSET ?",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, user_id);
    db_bind_int64(s, 2, user_id);
    db_bind_int64(s, 3, limit);
    db_bind_int64(s, 4, offset);
    login_record *list = arena_alloc(a, sizeof *list * (size_t)limit);
    int n = 0, rc;
    while ((rc = db_step(s)) == DB_ROW && n < limit) {
        login_record *r = &list[n++];
        r->id = db_column_int64(s, 0);
        r->at = auth_col_text(s, 1, a);
        r->address = auth_col_text(s, 2, a);
        r->user_agent = auth_col_text(s, 3, a);
        r->success = db_column_int64(s, 4) != 0;
    }
    db_finalize(s);
    if (rc < 0) return auth_db_fail(rc, e);
    *items = list;
    *count = n;
    return 0;
}
