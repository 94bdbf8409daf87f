/* session_cache.c - see session_cache.h. */
#include "session_cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Direct-mapped by the hash's first two hex digits: a thread serves a few
 * hundred people at most between changes; a collision only costs the
 * query this cache saves. About 60 KB a thread when full. */
#define SLOTS 256

typedef struct entry {
    char hash[TOKEN_HASH_SIZE]; /* "" when free */
    session_kind kind;
    int64_t epoch;
    int expires_set;
    char expires[ISO_TIME_LEN];
    char last_seen[ISO_TIME_LEN];
    auth_user u; /* username, name and csrf_token malloc'd */
} entry;

typedef struct cache {
    entry slots[SLOTS];
} cache;

static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void forget(entry *en)
{
    free((char *)en->u.username);
    free((char *)en->u.name);
    free((char *)en->u.csrf_token);
    memset(en, 0, sizeof *en);
}

static void cache_free(void *v)
{
    cache *ca = v;
    for (int i = 0; i < SLOTS; i++) forget(&ca->slots[i]);
    free(ca);
}

static void key_make(void)
{
    pthread_key_create(&key, cache_free);
}

static cache *thread_cache(int make)
{
    pthread_once(&key_once, key_make);
    cache *ca = pthread_getspecific(key);
    if (!ca && make && (ca = calloc(1, sizeof *ca)) && pthread_setspecific(key, ca) != 0) {
        free(ca);
        ca = NULL;
    }
    return ca;
}

static int hex(char ch)
{
    return ch >= 'a' ? ch - 'a' + 10 : ch - '0';
}

static entry *slot(cache *ca, const char *hash)
{
    return &ca->slots[(hex(hash[0]) << 4 | hex(hash[1])) & (SLOTS - 1)];
}

int64_t session_epoch(db_conn *c)
{
    err e;
    err_clear(&e);
    db_stmt *s = db_prepare(c, "SELECT n FROM auth_epoch WHERE id = 1", &e);
    if (!s) return -1;
    int64_t n = db_step(s) == DB_ROW ? db_column_int64(s, 0) : -1;
    db_finalize(s);
    return n;
}

static char *copy(const char *s)
{
    return s ? strdup(s) : NULL;
}

int session_cache_get(const char hash[TOKEN_HASH_SIZE], session_kind kind, int64_t epoch, const char *now,
                      arena *a, auth_user *out, char last_seen[ISO_TIME_LEN])
{
    cache *ca = thread_cache(0);
    if (!ca || epoch < 0) return 0;
    entry *en = slot(ca, hash);
    if (!en->hash[0] || en->epoch != epoch || en->kind != kind || !token_equal(en->hash, hash)) return 0;
    /* Past its end here: the database says whether another process slid it. */
    if (en->expires_set && strcmp(en->expires, now) <= 0) return 0;
    *out = en->u;
    out->username = en->u.username ? arena_strdup(a, en->u.username) : NULL;
    out->name = en->u.name ? arena_strdup(a, en->u.name) : NULL;
    out->csrf_token = en->u.csrf_token ? arena_strdup(a, en->u.csrf_token) : NULL;
    memcpy(last_seen, en->last_seen, ISO_TIME_LEN);
    return 1;
}

void session_cache_put(const char hash[TOKEN_HASH_SIZE], session_kind kind, int64_t epoch, const char *expires,
                       const char *last_seen, const auth_user *u)
{
    cache *ca = epoch >= 0 ? thread_cache(1) : NULL;
    if (!ca) return;
    entry *en = slot(ca, hash);
    forget(en);
    en->u = *u;
    en->u.username = copy(u->username);
    en->u.name = copy(u->name);
    en->u.csrf_token = copy(u->csrf_token);
    if ((u->username && !en->u.username) || (u->name && !en->u.name) || (u->csrf_token && !en->u.csrf_token))
        return forget(en); /* out of memory: not kept */
    en->u.home_company_id = 0; /* per request (company_view.c), never the session's */
    en->kind = kind;
    en->epoch = epoch;
    en->expires_set = expires != NULL;
    if (expires) snprintf(en->expires, sizeof en->expires, "%s", expires);
    snprintf(en->last_seen, sizeof en->last_seen, "%s", last_seen ? last_seen : "");
    memcpy(en->hash, hash, TOKEN_HASH_SIZE);
}

void session_cache_touched(const char hash[TOKEN_HASH_SIZE], const char *last_seen, const char *expires)
{
    cache *ca = thread_cache(0);
    if (!ca) return;
    entry *en = slot(ca, hash);
    if (!en->hash[0] || !token_equal(en->hash, hash)) return;
    snprintf(en->last_seen, sizeof en->last_seen, "%s", last_seen);
    if (expires) {
        en->expires_set = 1;
        snprintf(en->expires, sizeof en->expires, "%s", expires);
    }
}

void session_cache_clear(void)
{
    cache *ca = thread_cache(0);
    if (!ca) return;
    for (int i = 0; i < SLOTS; i++) forget(&ca->slots[i]);
}
