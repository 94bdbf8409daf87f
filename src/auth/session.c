/* session.c - cookie sessions and personal API tokens, one table for both.
 * The client holds a random secret; the database holds its SHA-256, so
 * neither a database copy nor a backup signs anyone in. A session is good
 * while it is not revoked, not expired and its user is active and not
 * deleted; the user is read in the same query, so deactivating a user ends
 * all their sessions at once without touching them. */
#include <stdio.h>
#include <string.h>

#include "auth_internal.h"
#include "session.h"
#include "session_cache.h"
#include "token.h"

#define DEFAULT_IDLE_HOURS 12
/* last_seen_at is written at most this often per session. */
#define TOUCH_INTERVAL_SECONDS 60
#define LABEL_MAX_CHARS 100

static const char *kind_name(session_kind kind)
{
    return kind == SESSION_TOKEN_KIND ? "token" : kind == SESSION_FEED_KIND ? "feed" : "cookie";
}

static int unauthorized(err *e)
{
    return err_set(e, 401, "unauthorized", "登录已失效，请重新登录",
                   "You are not signed in or your session has ended; please sign in again");
}

/* Secrets are exactly what token_random makes; anything else is refused
 * before it costs a hash and a query. */
static int well_formed_secret(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char ch = s[n];
        int ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                 ch == '-' || ch == '_';
        if (!ok || n >= TOKEN_TEXT_SIZE) return 0;
    }
    return n == TOKEN_TEXT_SIZE - 1;
}

int session_create(db_conn *c, int64_t user_id, session_kind kind, const char *label,
                   const char *address, const char *user_agent, unsigned idle_hours, arena *a,
                   char **secret_out, char **csrf_out, int64_t *id_out, err *e)
{
    char secret[TOKEN_TEXT_SIZE], csrf[TOKEN_TEXT_SIZE], hash[TOKEN_HASH_SIZE];
    int cookie = kind == SESSION_COOKIE_KIND;
    if (token_random(secret) || (cookie && token_random(csrf)))
        return err_set(e, 500, "internal_error", "无法生成随机数", "No random numbers available");
    token_hash(secret, hash);
    char now[ISO_TIME_LEN], expires[ISO_TIME_LEN];
    iso_now(now);
    if (cookie && idle_hours == 0) idle_hours = DEFAULT_IDLE_HOURS;
    auth_time_offset((long)idle_hours * 3600, expires);

    db_stmt *s = db_prepare(c,
                            "INSERT INTO sessions(user_id, kind, token_hash, csrf_token, label,"
                            " created_at, last_seen_at, expires_at, address, user_agent)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, user_id);
    db_bind_text(s, 2, kind_name(kind));
    db_bind_text(s, 3, hash);
    db_bind_text(s, 4, cookie ? csrf : NULL);
    db_bind_text(s, 5, auth_clip(a, label && *label ? label : NULL, LABEL_MAX_CHARS));
    db_bind_text(s, 6, now);
    db_bind_text(s, 7, now);
    db_bind_text(s, 8, idle_hours ? expires : NULL);
    db_bind_text(s, 9, auth_clip(a, address, 64));
    db_bind_text(s, 10, auth_clip(a, user_agent, LOGIN_USER_AGENT_MAX));
    int rc = db_step(s);
    int64_t id = rc == DB_ROW ? db_column_int64(s, 0) : 0;
    db_finalize(s);
    if (rc != DB_ROW) return auth_db_fail(rc, e);
    if (id_out) *id_out = id;
    if (secret_out) *secret_out = arena_strdup(a, secret);
    if (csrf_out) *csrf_out = cookie ? arena_strdup(a, csrf) : NULL;
    return 0;
}

/* 1 when a session last seen then is to be touched now. */
static int touch_due(const char *last_seen)
{
    char stale[ISO_TIME_LEN];
    auth_time_offset(-TOUCH_INTERVAL_SECONDS, stale);
    return !last_seen || strcmp(last_seen, stale) <= 0;
}

/* Slides the expiry of a cookie session and records activity, at most once
 * a minute so a busy client does not turn every read into a write. A failed
 * touch (say, the database is busy) does not fail the request. Tells the
 * session cache what it wrote (a failed touch is tried again next time). */
static void touch(db_conn *c, const unsigned char *tag, int64_t id, session_kind kind, const char *last_seen,
                  unsigned idle_hours)
{
    char now[ISO_TIME_LEN], expires[ISO_TIME_LEN];
    if (!touch_due(last_seen)) return;
    iso_now(now);
    err ignore;
    err_clear(&ignore);
    db_stmt *s;
    int cookie = kind == SESSION_COOKIE_KIND;
    if (cookie) {
        auth_time_offset((long)(idle_hours ? idle_hours : DEFAULT_IDLE_HOURS) * 3600, expires);
        s = db_prepare(c, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?",
                       &ignore);
        if (!s) return;
        db_bind_text(s, 1, now);
        db_bind_text(s, 2, expires);
        db_bind_int64(s, 3, id);
    } else {
        s = db_prepare(c, "UPDATE sessions SET last_seen_at = ? WHERE id = ?", &ignore);
        if (!s) return;
        db_bind_text(s, 1, now);
        db_bind_int64(s, 2, id);
    }
    if (auth_exec(s, &ignore) == 0) session_cache_touched(tag, now, cookie ? expires : NULL);
}

int session_resolve(db_conn *c, session_kind kind, const char *secret, unsigned idle_hours,
                    arena *a, auth_user *out, err *e)
{
    memset(out, 0, sizeof *out);
    if (!secret || !well_formed_secret(secret)) return unauthorized(e);
    char hash[TOKEN_HASH_SIZE], now[ISO_TIME_LEN], seen[ISO_TIME_LEN];
    unsigned char tag[SESSION_TAG_BYTES];
    session_cache_tag(secret, tag);
    iso_now(now);
    /* The epoch first, then the session it tags (session_cache.h). */
    int64_t epoch = session_epoch(c);
    if (session_cache_get(tag, kind, epoch, now, a, out, seen)) {
        if (!touch_due(seen)) return 0;
        /* A minute since the touch this thread knows of: the database
         * says whether another thread or process touched it since, so a
         * session is still written at most once a minute, not once per
         * thread. */
        memset(out, 0, sizeof *out);
    }
    token_hash(secret, hash);
    db_stmt *s = db_prepare(c,
                            "SELECT s.id, s.token_hash, s.csrf_token, s.last_seen_at,"
                            " s.expires_at, s.revoked_at, u.id, u.username, u.name,"
                            " u.is_admin, u.role_id, u.department_id, u.status, u.deleted_at,"
                            " u.company_id, u.platform_admin, c.status, u.is_teacher, u.must_change_password,"
                            /* the configuration's versions, so another process's change to
                             * metadata or access rules is seen by this very request,
                             * without a query of its own (auth_user.config_version);
                             * their changes move the epoch, so a kept session keeps them */
                            " (SELECT CAST(value AS BIGINT) FROM settings WHERE key = 'metadata_version'),"
                            " (SELECT CAST(value AS BIGINT) FROM settings WHERE key = 'acl_version')"
                            " FROM sessions s JOIN users u ON u.id = s.user_id"
                            " JOIN companies c ON c.id = u.company_id"
                            " WHERE s.token_hash = ? AND s.kind = ?",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, hash);
    db_bind_text(s, 2, kind_name(kind));
    int rc = db_step(s);
    if (rc != DB_ROW) {
        db_finalize(s);
        return rc == DB_DONE ? unauthorized(e) : auth_db_fail(rc, e);
    }
    const char *expires = db_column_text(s, 4);
    const char *status = db_column_text(s, 12);
    int live = token_equal(db_column_text(s, 1), hash) && (!expires || strcmp(expires, now) > 0) &&
               db_column_is_null(s, 5) && status && strcmp(status, "active") == 0 &&
               db_column_is_null(s, 13) && strcmp(db_column_text(s, 16), "active") == 0;
    if (live) {
        out->session_id = db_column_int64(s, 0);
        out->csrf_token = kind == SESSION_COOKIE_KIND ? auth_col_text(s, 2, a) : NULL;
        out->id = db_column_int64(s, 6);
        out->username = auth_col_text(s, 7, a);
        out->name = auth_col_text(s, 8, a);
        out->is_admin = db_column_int64(s, 9) != 0;
        out->role_id = db_column_int64(s, 10);
        out->department_id = db_column_int64(s, 11);
        out->company_id = db_column_int64(s, 14);
        out->platform_admin = db_column_int64(s, 15) != 0;
        out->is_teacher = db_column_int64(s, 17) != 0;
        out->must_change_password = db_column_int64(s, 18) != 0;
        out->metadata_version = db_column_is_null(s, 19) ? -1 : db_column_int64(s, 19);
        out->acl_version = db_column_is_null(s, 20) ? -1 : db_column_int64(s, 20);
        session_cache_put(tag, kind, epoch, expires, db_column_text(s, 3), out);
    }
    const char *last_seen = live ? auth_col_text(s, 3, a) : NULL;
    db_finalize(s);
    if (!live) return unauthorized(e);
    touch(c, tag, out->session_id, kind, last_seen, idle_hours);
    return 0;
}

int user_is_active(db_conn *c, int64_t id)
{
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)id);
    const char *params[] = {text};
    int64_t n = 0;
    err ignore;
    err_clear(&ignore);
    db_query_int64(c,
                   "SELECT COUNT(*) FROM users WHERE id = CAST(? AS BIGINT) AND status = 'active' AND deleted_at IS NULL",
                   &n, &ignore, 1, params);
    return n > 0;
}

int session_revoke_feeds(db_conn *c, int64_t user_id, err *e)
{
    char now[ISO_TIME_LEN];
    iso_now(now);
    db_stmt *s = db_prepare(c,
                            "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND kind = 'feed' AND revoked_at IS NULL",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, now);
    db_bind_int64(s, 2, user_id);
    int rc = db_step(s);
    db_finalize(s);
    return rc < 0 ? auth_db_fail(rc, e) : 0;
}

int session_revoke(db_conn *c, int64_t session_id, err *e)
{
    char now[ISO_TIME_LEN];
    iso_now(now);
    db_stmt *s =
        db_prepare(c, "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", e);
    if (!s) return -1;
    db_bind_text(s, 1, now);
    db_bind_int64(s, 2, session_id);
    return auth_exec(s, e);
}

int session_revoke_all_for_user(db_conn *c, int64_t user_id, int64_t except_session_id, err *e)
{
    char now[ISO_TIME_LEN];
    iso_now(now);
    db_stmt *s = db_prepare(c,
                            "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id <> ?"
                            " AND revoked_at IS NULL",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, now);
    db_bind_int64(s, 2, user_id);
    db_bind_int64(s, 3, except_session_id);
    return auth_exec(s, e);
}

int session_list_tokens(db_conn *c, int64_t user_id, arena *a, token_info **items, int *count,
                        err *e)
{
    *items = NULL;
    *count = 0;
    char now[ISO_TIME_LEN];
    iso_now(now);
    db_stmt *s = db_prepare(c,
                            "SELECT id, label, created_at, last_seen_at, expires_at FROM sessions"
                            " WHERE user_id = ? AND kind = 'token' AND revoked_at IS NULL"
                            " AND (expires_at IS NULL OR expires_at > ?) ORDER BY id DESC",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, user_id);
    db_bind_text(s, 2, now);
    int cap = 16, n = 0, rc;
    token_info *list = arena_alloc(a, sizeof *list * (size_t)cap);
    while ((rc = db_step(s)) == DB_ROW) {
        if (n == cap) { /* arena memory is not resized: copy into a bigger block */
            token_info *bigger = arena_alloc(a, sizeof *list * (size_t)cap * 2);
            memcpy(bigger, list, sizeof *list * (size_t)cap);
            list = bigger;
            cap *= 2;
        }
        token_info *t = &list[n++];
        t->id = db_column_int64(s, 0);
        t->label = auth_col_text(s, 1, a);
        t->created_at = auth_col_text(s, 2, a);
        t->last_seen_at = auth_col_text(s, 3, a);
        t->expires_at = auth_col_text(s, 4, a);
    }
    db_finalize(s);
    if (rc < 0) return auth_db_fail(rc, e);
    *items = list;
    *count = n;
    return 0;
}

int session_revoke_token(db_conn *c, int64_t user_id, int64_t token_id, err *e)
{
    char now[ISO_TIME_LEN];
    iso_now(now);
    db_stmt *s = db_prepare(c,
                            "UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ?"
                            " AND kind = 'token' AND revoked_at IS NULL",
                            e);
    if (!s) return -1;
    db_bind_text(s, 1, now);
    db_bind_int64(s, 2, token_id);
    db_bind_int64(s, 3, user_id);
    int rc = db_step(s);
    int64_t changed = rc == DB_DONE ? db_changes(s) : 0;
    db_finalize(s);
    if (rc != DB_DONE) return auth_db_fail(rc, e);
    if (changed == 0)
        return err_set(e, 404, "not_found", "API 令牌不存在或已撤销",
                       "No such API token, or it was already revoked");
    return 0;
}
