/* total_cache.c - see total_cache.h. A small direct-mapped table under one
 * mutex: lookups are a hash and a string compare, far cheaper than any
 * COUNT, and a collision only costs a recount. The keys being counted
 * (util/single_flight.h), the refresher's short queue and the refresher
 * (one thread, one connection) live under the same mutex. */
#include "total_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../util/single_flight.h"

#define SLOTS 512
#define MAX_ENTITIES 128
#define MAX_KEY 2048

typedef struct slot {
    char *key;
    char entity[64];
    uint64_t generation;
    int64_t total, floor; /* floor: total_ask's */
    time_t at;
    int refreshing; /* a recount of it is queued or running */
} slot;

static slot slots[SLOTS];
static struct {
    char name[64];
    uint64_t generation;
} generations[MAX_ENTITIES];
static int ngenerations;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static single_flight flights = SINGLE_FLIGHT_INIT; /* keyed "entity\x1fkey" */
static int wait_ms = TOTAL_CACHE_WAIT_MS;

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Caller holds the lock. */
static uint64_t *generation_of(const char *entity)
{
    for (int i = 0; i < ngenerations; i++)
        if (strcmp(generations[i].name, entity) == 0) return &generations[i].generation;
    if (ngenerations == MAX_ENTITIES) return NULL;
    strncpy(generations[ngenerations].name, entity, sizeof generations[0].name - 1);
    return &generations[ngenerations++].generation;
}

void total_cache_invalidate(const char *entity)
{
    pthread_mutex_lock(&lock);
    uint64_t *g = generation_of(entity);
    if (g) (*g)++;
    pthread_mutex_unlock(&lock);
}

int total_cache_generation(const char *entity, uint64_t *out)
{
    pthread_mutex_lock(&lock);
    uint64_t *g = generation_of(entity);
    if (g) *out = *g;
    pthread_mutex_unlock(&lock);
    return g ? 0 : -1;
}

/* ---- the refresher: recounts of entries past TOTAL_CACHE_SECONDS ---- */

#define QUEUE 32

typedef struct job {
    char entity[64];
    char *key, *sql;
    sql_value *values;
    int nvalues;
    uint64_t generation; /* the entity's when queued, before the count (finish) */
} job;

static job queue[QUEUE];
static int queue_head, queue_len;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_t refresher;
static int running, stopping;
static char *refresh_db_url;

static void job_free(job *j)
{
    for (int i = 0; i < j->nvalues; i++)
        if (j->values[i].kind == SV_TEXT) free((char *)j->values[i].s);
    free(j->values);
    free(j->key);
    free(j->sql);
}

/* Caller holds the lock; 0 when queued (the job then owns the copies). */
static int enqueue(const char *entity, const char *key, const char *sql, const sql_value *values, int nvalues,
                   uint64_t generation)
{
    if (queue_len == QUEUE) return -1;
    job j = {.nvalues = nvalues, .generation = generation};
    strncpy(j.entity, entity, sizeof j.entity - 1);
    j.key = strdup(key);
    j.sql = strdup(sql);
    j.values = calloc((size_t)(nvalues ? nvalues : 1), sizeof *j.values);
    int ok = j.key && j.sql && j.values;
    for (int i = 0; ok && i < nvalues; i++) {
        j.values[i] = values[i];
        if (values[i].kind == SV_TEXT && !(j.values[i].s = strdup(values[i].s))) j.nvalues = i, ok = 0;
    }
    if (!ok) return job_free(&j), -1;
    queue[(queue_head + queue_len++) % QUEUE] = j;
    pthread_cond_signal(&wake);
    return 0;
}

int total_cache_set_wait(int ms)
{
    pthread_mutex_lock(&lock);
    int was = wait_ms;
    wait_ms = ms;
    pthread_mutex_unlock(&lock);
    return was;
}

/* "entity\x1fkey", the flight's name (the same WHERE text may be two
 * entities' keys). NULL when out of memory: then no flight. */
static char *flight_key(const total_ask *a)
{
    size_t ne = strlen(a->entity), nk = strlen(a->key);
    char *k = malloc(ne + nk + 2);
    if (k) memcpy(k, a->entity, ne), k[ne] = '\x1f', memcpy(k + ne + 1, a->key, nk + 1);
    return k;
}

/* 1 with *total when slot s can answer a; queues its recount when it is
 * served past its freshness. Under the lock; *g is the entity's generation. */
static int serve(slot *s, const total_ask *a, uint64_t g, int64_t *total)
{
    if (!s->key || strcmp(s->key, a->key) != 0 || strcmp(s->entity, a->entity) != 0 || s->generation > g) return 0;
    time_t age = time(NULL) - s->at;
    uint64_t writes = g - s->generation;
    /* < and not <=: time() counts whole seconds, so an entry put late in
     * a second would otherwise live almost a second longer than promised. */
    if (!writes && age < TOTAL_CACHE_SECONDS) return *total = s->total, 1;
    /* past a write: only a count that stays above its floor whatever the
     * writes did (each moved it by one at most) */
    int above = s->floor > 0 && writes < (uint64_t)INT64_MAX && s->total - (int64_t)writes > s->floor;
    if (writes && !above) return 0;
    if (running ? age >= TOTAL_CACHE_STALE_MAX : age >= TOTAL_CACHE_SECONDS) return 0;
    /* counted again when old, or (a capped one) once the writes since
     * have used half its margin: not after every write, or under a steady
     * stream of creates the refresher would count without pause, a core
     * of two taken from the requests (bench/RESULTS.md) */
    int capped = s->floor > 0 && s->total > s->floor;
    int due = capped ? age >= TOTAL_CAPPED_SECONDS || writes * 2 >= (uint64_t)(s->total - s->floor) : 1;
    if (due && running && !s->refreshing && a->sql &&
        enqueue(a->entity, a->key, a->sql, a->values, a->nvalues, g) == 0)
        s->refreshing = 1;
    *total = s->total;
    return 1;
}

/* KEHU_TEST_TOTAL_DELAY_MS: a claimed count starts that much later, so an
 * API test's concurrent requests surely arrive while it runs (on a small
 * test company the real count takes a fraction of a millisecond). */
static int test_delay_ms(void)
{
    static int ms = -1;
    if (ms < 0) {
        const char *env = getenv("KEHU_TEST_TOTAL_DELAY_MS");
        ms = env && atoi(env) > 0 ? atoi(env) : 0;
    }
    return ms;
}

int total_cache_get(total_ask *a, int64_t *total)
{
    a->claimed = 0;
    a->source = TOTAL_NONE;
    a->generation = 0;
    if (strlen(a->key) > MAX_KEY) return 0;
    char *fk = flight_key(a);
    struct timespec deadline;
    int hit = 0, waited = 0, timed_out = 0;
    pthread_mutex_lock(&lock);
    sf_deadline(&deadline, wait_ms);
    for (;;) {
        uint64_t *g = generation_of(a->entity);
        if (!g) break; /* not followed: never cached, counted by each */
        a->generation = *g;
        if ((hit = serve(&slots[hash(a->key) % SLOTS], a, *g, total))) {
            a->source = waited ? TOTAL_SHARED : TOTAL_KEPT;
            break;
        }
        if (!fk) break;
        /* nobody counts it (or the one who did failed, or a write came
         * since): this request does */
        if (!sf_flying(&flights, fk)) {
            a->claimed = sf_claim(&flights, fk);
            break;
        }
        if (timed_out) break; /* the count outlasts the bound: count beside it */
        waited = 1;
        timed_out = sf_wait(&flights, &lock, &deadline);
    }
    pthread_mutex_unlock(&lock);
    free(fk);
    if (a->claimed && test_delay_ms()) usleep((useconds_t)test_delay_ms() * 1000);
    return hit;
}

/* Ends a's flight when it claimed one. Under the lock. */
static void land(const total_ask *a)
{
    if (!a->claimed) return;
    char *fk = flight_key(a);
    if (fk) sf_land(&flights, fk);
    free(fk);
}

void total_cache_put(total_ask *a, int64_t total)
{
    char *copy = strlen(a->key) > MAX_KEY ? NULL : strdup(a->key);
    pthread_mutex_lock(&lock);
    slot *s = &slots[hash(a->key) % SLOTS];
    if (copy && generation_of(a->entity)) {
        /* under the generation taken before counting: a write since
         * makes the entry stale at once (its commit bumps it again) */
        free(s->key);
        s->key = copy;
        copy = NULL;
        strncpy(s->entity, a->entity, sizeof s->entity - 1);
        s->generation = a->generation;
        s->total = total;
        s->floor = a->floor;
        s->at = time(NULL);
        s->refreshing = 0;
    }
    land(a); /* with the slot filled, so the woken find it */
    a->claimed = 0;
    pthread_mutex_unlock(&lock);
    free(copy);
}

void total_cache_drop(total_ask *a)
{
    pthread_mutex_lock(&lock);
    land(a);
    a->claimed = 0;
    pthread_mutex_unlock(&lock);
}
/* Counts j on *db (opened on first use, reopened after an error). */
static int run_count(db_conn **db, const job *j, int64_t *total)
{
    err e;
    err_clear(&e);
    if (!*db && !(*db = db_open(refresh_db_url, &e))) return -1;
    db_stmt *st = db_prepare(*db, j->sql, &e);
    int rc = -1;
    if (st) {
        query q = {.values = j->values, .nvalues = j->nvalues};
        query_bind_all(&q, st);
        if (db_step(st) == DB_ROW) *total = db_column_int64(st, 0), rc = 0;
        db_finalize(st);
    }
    if (rc) db_close(*db), *db = NULL;
    return rc;
}

/* Caller holds the lock: the count becomes the entry's, under the
 * generation taken when it was queued (before counting): exact when no
 * write came since, and for a capped entry a bound that holds either way. */
static void finish(const job *j, int counted, int64_t total)
{
    slot *s = &slots[hash(j->key) % SLOTS];
    if (!s->key || strcmp(s->key, j->key) != 0 || strcmp(s->entity, j->entity) != 0) return;
    s->refreshing = 0;
    if (counted == 0 && s->generation <= j->generation) { /* never over a newer request's count */
        s->generation = j->generation;
        s->total = total;
        s->at = time(NULL);
    }
}

static void *refresh_loop(void *arg)
{
    (void)arg;
    db_conn *db = NULL;
    pthread_mutex_lock(&lock);
    while (!stopping) {
        if (!queue_len) {
            pthread_cond_wait(&wake, &lock);
            continue;
        }
        job j = queue[queue_head];
        queue_head = (queue_head + 1) % QUEUE;
        queue_len--;
        pthread_mutex_unlock(&lock);
        int64_t total = 0;
        int counted = run_count(&db, &j, &total);
        pthread_mutex_lock(&lock);
        finish(&j, counted, total);
        pthread_mutex_unlock(&lock);
        job_free(&j);
        pthread_mutex_lock(&lock);
    }
    while (queue_len) { /* what was queued at the stop is dropped */
        job_free(&queue[queue_head]);
        queue_head = (queue_head + 1) % QUEUE;
        queue_len--;
    }
    pthread_mutex_unlock(&lock);
    if (db) db_close(db);
    return NULL;
}

int total_cache_start(const char *db_url)
{
    if (running || !(refresh_db_url = strdup(db_url))) return -1;
    stopping = 0;
    if (pthread_create(&refresher, NULL, refresh_loop, NULL) != 0) {
        free(refresh_db_url);
        refresh_db_url = NULL;
        return -1;
    }
    pthread_mutex_lock(&lock);
    running = 1;
    pthread_mutex_unlock(&lock);
    return 0;
}

void total_cache_stop(void)
{
    pthread_mutex_lock(&lock);
    if (!running) return (void)pthread_mutex_unlock(&lock);
    running = 0;
    stopping = 1;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    pthread_join(refresher, NULL);
    free(refresh_db_url);
    refresh_db_url = NULL;
}
