/* session_cache.c - see session_cache.h. */
#include "session_cache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Direct-mapped by the tag's first byte: a thread serves a few
 * hundred people at most between changes; a collision only costs the
 * query this cache saves. About 60 KB a thread when full. */
#define SLOTS 256

typedef struct entry {
    unsigned char tag[SESSION_TAG_BYTES];
    int used;
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

static entry *slot(cache *ca, const unsigned char *tag)
{
    return &ca->slots[tag[0] & (SLOTS - 1)];
}

static entry *find(cache *ca, const unsigned char *tag)
{
    entry *en = slot(ca, tag);
    return en->used && sodium_memcmp(en->tag, tag, SESSION_TAG_BYTES) == 0 ? en : NULL;
}

_Static_assert(SESSION_TAG_BYTES == crypto_shorthash_siphashx24_BYTES, "a SipHash-128 tag");
static unsigned char tag_key[crypto_shorthash_siphashx24_KEYBYTES];
static pthread_once_t tag_once = PTHREAD_ONCE_INIT;

static void tag_key_make(void)
{
    if (sodium_init() < 0) abort(); /* randombytes must work: the server cannot make sessions either */
    randombytes_buf(tag_key, sizeof tag_key);
}

void session_cache_tag(const char *secret, unsigned char tag[SESSION_TAG_BYTES])
{
    pthread_once(&tag_once, tag_key_make);
    crypto_shorthash_siphashx24(tag, (const unsigned char *)secret, strlen(secret), tag_key);
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

int session_cache_get(const unsigned char tag[SESSION_TAG_BYTES], session_kind kind, int64_t epoch, const char *now,
                      arena *a, auth_user *out, char last_seen[ISO_TIME_LEN])
{
    cache *ca = thread_cache(0);
    if (!ca || epoch < 0) return 0;
    entry *en = find(ca, tag);
    if (!en || en->epoch != epoch || en->kind != kind) return 0;
    /* Past its end here: the database says whether another process slid it. */
    if (en->expires_set && strcmp(en->expires, now) <= 0) return 0;
    *out = en->u;
    out->username = en->u.username ? arena_strdup(a, en->u.username) : NULL;
    out->name = en->u.name ? arena_strdup(a, en->u.name) : NULL;
    out->csrf_token = en->u.csrf_token ? arena_strdup(a, en->u.csrf_token) : NULL;
    memcpy(last_seen, en->last_seen, ISO_TIME_LEN);
    return 1;
}

void session_cache_put(const unsigned char tag[SESSION_TAG_BYTES], session_kind kind, int64_t epoch, const char *expires,
                       const char *last_seen, const auth_user *u)
{
    cache *ca = epoch >= 0 ? thread_cache(1) : NULL;
    if (!ca) return;
    entry *en = slot(ca, tag);
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
    memcpy(en->tag, tag, SESSION_TAG_BYTES);
    en->used = 1;
}

void session_cache_touched(const unsigned char tag[SESSION_TAG_BYTES], const char *last_seen, const char *expires)
{
    cache *ca = thread_cache(0);
    entry *en = ca ? find(ca, tag) : NULL;
    if (!en) return;
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
