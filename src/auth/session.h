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
    int is_admin;
    int64_t role_id;       /* 0 when none */
    int64_t department_id; /* 0 when none */
    int64_t session_id;    /* the sessions row that authenticated the request */
    const char *csrf_token; /* cookie sessions only */
} auth_user;

typedef enum session_kind { SESSION_COOKIE_KIND = 1, SESSION_TOKEN_KIND = 2 } session_kind;

/* Resolves a presented secret (cookie value or Bearer token) to a user.
 * Returns 0 and fills *out (strings in a), or -1 with e = 401 unauthorized
 * when unknown, expired, revoked or the user is inactive. Touches
 * last_seen_at at most once a minute (sliding expiry without a write per
 * request). */
int session_resolve(db_conn *c, session_kind kind, const char *secret, unsigned idle_hours,
                    arena *a, auth_user *out, err *e);

#endif
