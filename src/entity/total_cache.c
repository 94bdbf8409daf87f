/* total_cache.c - see total_cache.h. A small direct-mapped table under one
 * mutex: lookups are a hash and a string compare, far cheaper than any
 * COUNT, and a collision only costs a recount. */
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
    }
    pthread_mutex_unlock(&lock);
    free(copy);
}
