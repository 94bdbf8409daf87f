/* session.h - who is asking. Sign-in with username and password (argon2id),
 * cookie sessions and personal API tokens. Only a SHA-256 of each secret is
 * stored, so a copy of the database does not let anyone sign in. Sessions
 * expire when idle, die on sign-out, and all die on a password change or
 * when the user is deactivated. Failed sign-ins are counted per username and
 * per address and throttled. */
#ifndef KEHU_SESSION_H
#define KEHU_SESSION_H

#include <stdint.h>

#include "../db/db.h"
#include "../util/arena.h"
#include "../util/err.h"

#define SESSION_COOKIE "kehu_session"

typedef struct auth_user {
    int64_t id;
    const char *username;
    const char *name;
    int is_admin;          /* administers the user's company */
    int platform_admin;    /* creates companies (/api/v1/companies) */
    int64_t company_id;    /* the tenant; 0 only for the server's own jobs, which see every company */
    int is_teacher;        /* may create classes (teaching); set by a platform administrator */
    int must_change_password; /* signed in with a generated first password: only the session
                               * routes answer until it is changed */
    int64_t role_id;       /* 0 when none */
    int64_t department_id; /* 0 when none */
    int64_t session_id;    /* the sessions row that authenticated the request */
    const char *csrf_token; /* cookie sessions only */
    int64_t home_company_id; /* while reading another company (X-Kehu-Company, read-only):
                              * the user's own; 0 otherwise */
    /* settings metadata_version and acl_version as this request began (read
     * with the session; -1 when unknown): the metadata and access rules in
     * memory are reloaded when another process has moved them */
    int64_t metadata_version, acl_version;
} auth_user;

/* Cookie sessions, personal API tokens, and calendar feed secrets (a
 * read-only subscription URL; it dies with a password change like the rest). */
typedef enum session_kind { SESSION_COOKIE_KIND = 1, SESSION_TOKEN_KIND = 2, SESSION_FEED_KIND = 3 } session_kind;

/* Resolves a presented secret (cookie value or Bearer token) to a user.
 * Returns 0 and fills *out (strings in a), or -1 with e = 401 unauthorized
 * when unknown, expired, revoked or the user is inactive. Touches
 * last_seen_at at most once a minute (sliding expiry without a write per
 * request). A session this thread resolved before is answered from
 * session_cache.h while the sign-in epoch says nothing it depends on
 * changed: one read of one row instead of the join. */
int session_resolve(db_conn *c, session_kind kind, const char *secret, unsigned idle_hours,
                    arena *a, auth_user *out, err *e);

/* ---- sign-in ---- */

/* Throttling: failed sign-ins counted over the last 15 minutes. A username is
 * refused once it has 5 failures since its last success in the window (the
 * 6th try gets 429); an address once it has 20, whatever the usernames. */
#define LOGIN_WINDOW_SECONDS (15 * 60)
#define LOGIN_MAX_USER_FAILURES 5
#define LOGIN_MAX_ADDRESS_FAILURES 20
#define LOGIN_USERNAME_MAX 64 /* code points kept in login_attempts */
#define LOGIN_USER_AGENT_MAX 256

/* Checks username and password. Throttling is decided before the password
 * is looked at (429 too_many_attempts). Unknown user and wrong password both
 * give 401 invalid_credentials and take the same time; a right password of a
 * deactivated user gives 403 account_disabled. Every attempt is recorded in
 * login_attempts. On success fills *out (strings in a; session_id and
 * csrf_token left 0/NULL: session_create comes next) and upgrades the stored
 * hash when its cost is outdated. address may be NULL ("unknown"). */
int auth_login(db_conn *c, const char *username, const char *password, const char *address,
               const char *user_agent, arena *a, auth_user *out, err *e);

/* One row of a user's sign-in history, newest first. */
typedef struct login_record {
    int64_t id;
    const char *at; /* ISO UTC */
    const char *address;
    const char *user_agent; /* may be NULL */
    int success;
} login_record;

/* Sign-in history of a user (attempts under the user's current username),
 * newest first; limit is clamped to 1..200. *items in a. */
int auth_login_history(db_conn *c, int64_t user_id, int limit, int offset, arena *a,
                       login_record **items, int *count, err *e);

/* ---- sessions and API tokens ---- */

/* Starts a session with a new random secret (only its SHA-256 is stored).
 * Cookie sessions get a CSRF token and expire idle_hours after the last
 * request (sliding; 0 means 12). API tokens have no CSRF token and never
 * expire unless idle_hours > 0 (then a fixed lifetime). label and
 * user_agent are optional. *secret_out (and *csrf_out for cookies, else
 * NULL) are in a; either out pointer may be NULL when not wanted. */
int session_create(db_conn *c, int64_t user_id, session_kind kind, const char *label,
                   const char *address, const char *user_agent, unsigned idle_hours, arena *a,
                   char **secret_out, char **csrf_out, int64_t *id_out, err *e);

/* Ends every calendar feed secret of a user (a new feed URL replaces them). */
int session_revoke_feeds(db_conn *c, int64_t user_id, err *e);
/* Ends one session or token (sign-out). Revoking twice is not an error. */
int session_revoke(db_conn *c, int64_t session_id, err *e);
/* Ends every session and token of a user but except_session_id (0: all). */
int session_revoke_all_for_user(db_conn *c, int64_t user_id, int64_t except_session_id, err *e);

/* A personal API token as its owner may see it: never the secret. */
typedef struct token_info {
    int64_t id;
    const char *label;        /* may be NULL */
    const char *created_at;   /* ISO UTC */
    const char *last_seen_at; /* ISO UTC */
    const char *expires_at;   /* NULL: no expiry */
} token_info;

/* The user's live (not revoked, not expired) API tokens, newest first. */
int session_list_tokens(db_conn *c, int64_t user_id, arena *a, token_info **items, int *count,
                        err *e);
/* Revokes one of the user's own live API tokens; 404 not_found for any other
 * id (someone else's token, a cookie session, already revoked). */
int session_revoke_token(db_conn *c, int64_t user_id, int64_t token_id, err *e);

/* ---- users ---- */

/* Usernames: 2..64 characters of UTF-8 without spaces or control characters
 * (Chinese allowed); unique (409 duplicate, field username "duplicate").
 * name NULL or empty means the username; the password must pass the policy
 * (422, field "password"). */
int user_create(db_conn *c, const char *username, const char *name, const char *password,
                int is_admin, int64_t *id_out, err *e);
/* 0 and *id_out, or -1 with 404 not_found. */
int user_find(db_conn *c, const char *username, int64_t *id_out, err *e);
/* 1 when user id exists, is active and not deleted (someone records or
 * messages may go to); 0 otherwise, a database error included. */
int user_is_active(db_conn *c, int64_t id);
/* Sets a new password (policy checked, field "password"), records
 * password_changed_at and ends every session and token of the user. */
int user_set_password(db_conn *c, int64_t user_id, const char *new_password, err *e);
/* The user must choose their own password at the next sign-in (after a
 * generated first password, handed out on paper); any new password clears it. */
int user_require_password_change(db_conn *c, int64_t user_id, err *e);
/* n random characters without look-alikes (0/O, 1/l/I) and a NUL into out
 * (n + 1 bytes): passwords people type from paper. Needs sodium_init. */
void auth_random_password(char *out, int n);
/* A signed-in user changes their own password: old_password must match
 * (422, field old_password "invalid"; failures count toward sign-in
 * throttling), new_password must pass the policy (field new_password). Every
 * other session and token dies; keep_session_id (the current one) lives. */
int user_change_password(db_conn *c, int64_t user_id, const char *old_password,
                         const char *new_password, const char *address, int64_t keep_session_id,
                         err *e);
/* The active user id (not deleted, company active) as a request would see
 * them, for acting as that user (a teacher's check of a student's work);
 * strings in a. -1 with 404 not_found otherwise. */
int user_load(db_conn *c, int64_t user_id, arena *a, auth_user *out, err *e);
/* user_load for n ids at once (a class of students: one query, not n):
 * out[i] is ids[i]'s user and found[i] 1, or found[i] 0 when that user
 * is not active. At most USERS_LOAD_MAX ids a call. */
#define USERS_LOAD_MAX 1000
int users_load(db_conn *c, const int64_t *ids, int n, arena *a, auth_user *out, int *found, err *e);
/* Number of users (deleted ones too), or -1 with e. */
int64_t user_count(db_conn *c, err *e);

/* First start: when there are no users at all, creates `admin` (系统管理员,
 * administrator) with password_or_null, or with a random 16-character
 * password returned in *generated_out (malloc'd: the caller prints it once
 * and frees it). Otherwise does nothing; *generated_out is NULL unless a
 * password was generated. Safe when several processes start at once. */
int auth_bootstrap_admin(db_conn *c, const char *password_or_null, char **generated_out, err *e);

#endif
