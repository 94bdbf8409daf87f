/* auth_internal.h - what the files of src/auth share and nobody else needs:
 * text that is safe to store, time offsets, and database failures turned
 * into errors that say nothing about the SQL or the data. */
#ifndef KEHU_AUTH_INTERNAL_H
#define KEHU_AUTH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../db/db.h"
#include "../util/arena.h"
#include "../util/clock.h"
#include "../util/err.h"

/* A copy of s (NULL stays NULL) of at most max_chars code points, with every
 * byte that is not part of valid UTF-8 replaced by '?': request headers are
 * arbitrary bytes and PostgreSQL refuses invalid UTF-8 text. */
char *auth_clip(arena *a, const char *s, size_t max_chars);

/* ISO UTC time of now + seconds (negative: in the past). */
void auth_time_offset(long seconds, char out[ISO_TIME_LEN]);

/* Fills e for a failed db_step result and returns -1. */
int auth_db_fail(int rc, err *e);

/* Steps a statement that returns no rows and finalizes it. 0 or -1 with e. */
int auth_exec(db_stmt *s, err *e);

/* Columns that may be NULL, copied into a. */
const char *auth_col_text(db_stmt *s, int i, arena *a);

struct auth_user;
/* auth_login with a choice: record_success 0 leaves a successful check out
 * of login_attempts (confirming the current password is not a sign-in);
 * failures and throttling are always recorded and applied. */
int auth_check_password(db_conn *c, const char *username, const char *password, const char *address,
                        const char *user_agent, int record_success, arena *a, struct auth_user *out,
                        err *e);

#endif
