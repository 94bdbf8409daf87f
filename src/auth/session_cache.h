/* session_cache.h - the sessions each server thread resolved lately, so a
 * request whose session nothing has changed since does not read it again
 * (issue 14: the join of sessions, users and companies was a fifth of a
 * detail read).
 *
 * Kept per thread (no lock; each thread has its own database connection
 * too), keyed by a tag of the secret: SipHash-128 under a random key the
 * process draws at start. The SHA-256 the sessions table is keyed by costs
 * some 4,800 instructions a request, and a hit does not need it; without
 * the key nobody can make a secret whose tag is another's, and the tag
 * never leaves the process.
 * Every entry carries the sign-in epoch it was read under: auth_epoch.n,
 * one row that triggers move whenever anything a resolved session depends
 * on changes, whoever writes it (migration 26, src/schema/migrations.c):
 * a session revoked, deleted or cut short, any change of a user or a
 * company, the metadata or access rules version. Each request reads the
 * epoch (one row, by key) before anything else; an entry of another epoch
 * is not used, so a revoked token, a deactivated user or a changed role is
 * seen at the very next request, by every process on the database. The
 * epoch is read before the session it tags, so an entry may be older than
 * its epoch says (then it is read again once more) but never newer.
 *
 * Time is the one thing the epoch does not follow: an entry past its
 * expires_at is not used (the database decides: another process may have
 * slid it), and last_seen_at is kept in the entry, so the touch of
 * session.c is still written at most once a minute per session. */
#ifndef KEHU_SESSION_CACHE_H
#define KEHU_SESSION_CACHE_H

#include <stdint.h>

#include "../db/db.h"
#include "../util/arena.h"
#include "../util/clock.h"
#include "session.h"

#define SESSION_TAG_BYTES 16

/* The tag of a secret (the cache's key). */
void session_cache_tag(const char *secret, unsigned char tag[SESSION_TAG_BYTES]);

/* The sign-in epoch now, or -1 when it cannot be read (a database older
 * than migration 26): then nothing is cached or used. */
int64_t session_epoch(db_conn *c);

/* 1 and *out (strings copied into a) and last_seen when this thread holds
 * tag's session of this kind, read under epoch and not expired at now;
 * 0 otherwise. */
int session_cache_get(const unsigned char tag[SESSION_TAG_BYTES], session_kind kind, int64_t epoch, const char *now,
                      arena *a, auth_user *out, char last_seen[ISO_TIME_LEN]);

/* Keeps a live session as read under epoch (read before it). expires may
 * be NULL (no expiry). */
void session_cache_put(const unsigned char tag[SESSION_TAG_BYTES], session_kind kind, int64_t epoch, const char *expires,
                       const char *last_seen, const auth_user *u);

/* The session was touched: its new last_seen_at and (when not NULL) expires_at. */
void session_cache_touched(const unsigned char tag[SESSION_TAG_BYTES], const char *last_seen, const char *expires);

/* Forgets this thread's entries (tests). */
void session_cache_clear(void);

#endif
