/* total_cache.c - see total_cache.h. A small direct-mapped table under one
 * mutex: lookups are a hash and a string compare, far cheaper than any
 * COUNT, and a collision only costs a recount. The refresher is one
 * thread with one connection and a short queue under the same mutex. */
#include "total_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SLOTS 512
#define MAX_ENTITIES 128
#define MAX_KEY 2048

typedef struct slot {
    char *key;
    char entity[64];
    uint64_t generation;
    int64_t total;
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

int total_cache_get(const char *entity, const char *key, int64_t *total)
{
    if (strlen(key) > MAX_KEY) return 0;
    int hit = 0;
    pthread_mutex_lock(&lock);
    slot *s = &slots[hash(key) % SLOTS];
    uint64_t *g = generation_of(entity);
    if (g && s->key && strcmp(s->key, key) == 0 && strcmp(s->entity, entity) == 0 &&
        s->generation == *g && time(NULL) - s->at < TOTAL_CACHE_SECONDS) {
        /* < and not <=: time() counts whole seconds, so an entry put late in
         * a second would otherwise live almost a second longer than promised. */
        *total = s->total;
        hit = 1;
    }
    pthread_mutex_unlock(&lock);
    return hit;
}

void total_cache_put(const char *entity, const char *key, int64_t total)
{
    if (strlen(key) > MAX_KEY) return;
    char *copy = strdup(key);
    if (!copy) return;
    pthread_mutex_lock(&lock);
    slot *s = &slots[hash(key) % SLOTS];
    uint64_t *g = generation_of(entity);
    if (g) {
        free(s->key);
        s->key = copy;
        copy = NULL;
        strncpy(s->entity, entity, sizeof s->entity - 1);
        s->generation = *g;
        s->total = total;
        s->at = time(NULL);
        s->refreshing = 0;
    }
    pthread_mutex_unlock(&lock);
    free(copy);
}

/* ---- the refresher: recounts of entries past TOTAL_CACHE_SECONDS ---- */

#define QUEUE 32

typedef struct job {
    char entity[64];
    char *key, *sql;
    sql_value *values;
    int nvalues;
    uint64_t generation; /* the entity's when queued: a write since makes the count useless */
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

int total_cache_get_or_refresh(const char *entity, const char *key, const char *count_sql,
                               const sql_value *values, int nvalues, int64_t *total)
{
    if (strlen(key) > MAX_KEY) return 0;
    int hit = 0;
    pthread_mutex_lock(&lock);
    slot *s = &slots[hash(key) % SLOTS];
    uint64_t *g = generation_of(entity);
    if (g && s->key && strcmp(s->key, key) == 0 && strcmp(s->entity, entity) == 0 && s->generation == *g) {
        time_t age = time(NULL) - s->at;
        if (age < TOTAL_CACHE_SECONDS) {
            hit = 1;
        } else if (running && age < TOTAL_CACHE_STALE_MAX) {
            hit = 1;
            if (!s->refreshing && enqueue(entity, key, count_sql, values, nvalues, *g) == 0) s->refreshing = 1;
        }
        if (hit) *total = s->total;
    }
    pthread_mutex_unlock(&lock);
    return hit;
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

/* Caller holds the lock: the count becomes the entry's if nothing was
 * written since the job was queued. */
static void finish(const job *j, int counted, int64_t total)
{
    slot *s = &slots[hash(j->key) % SLOTS];
    if (!s->key || strcmp(s->key, j->key) != 0 || strcmp(s->entity, j->entity) != 0) return;
    s->refreshing = 0;
    uint64_t *g = generation_of(j->entity);
    if (counted == 0 && g && *g == j->generation) {
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
