/* report_cache.c - see report_cache.h. A few direct-mapped slots under one
 * mutex, each holding a malloc'd copy of a table (a collision only costs
 * a recomputation), and the keys being computed (util/single_flight.h)
 * under the same mutex. */
#include "report_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../util/arena.h"
#include "../util/single_flight.h"
#include "entity_schema.h"
#include "../meta/metadata.h"
#include "total_cache.h"

#define SLOTS 16

typedef struct cached_row {
    int64_t id;
    rt_cell *cells; /* text cells point into `text` */
} cached_row;

typedef struct slot {
    char *key;
    time_t at;
    int ncols, nrows, has_total;
    cached_row *rows; /* nrows, then the total row when has_total */
    char *text;       /* every text cell, NUL-separated */
    char *json;       /* report_table_json of the table, in the key's language */
} slot;

static slot slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static single_flight flights = SINGLE_FLIGHT_INIT;
static int wait_ms = REPORT_CACHE_WAIT_MS;

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

int report_cache_key(entity_ctx *c, const char *tag, const char *const *reads, const query *q, strbuf *key)
{
    sb_printf(key, "%s|%s|%lld", tag, c->lang, (long long)c->m->version);
    /* the report is computed after this, and must not read a snapshot of
     * the request older than the counts of writes taken here */
    db_read_snapshot(c->db, DB_SNAPSHOT_FRESH);
    for (int i = 0; reads[i]; i++) {
        const entity_def *ent = meta_entity(c->m, reads[i]);
        uint64_t g;
        if (!ent || total_cache_generation(ent->name, &g)) return -1;
        int64_t stamp = entity_changes_stamp(c->db, ent);
        if (stamp < 0) return -1;
        sb_printf(key, "|%s:%llu:%lld", ent->name, (unsigned long long)g, (long long)stamp);
    }
    sb_append(key, "|");
    query_key(q, key);
    return 0;
}

static void slot_clear(slot *s)
{
    free(s->key);
    if (s->rows)
        for (int i = 0; i < s->nrows + s->has_total; i++) free(s->rows[i].cells);
    free(s->rows);
    free(s->text);
    free(s->json);
    memset(s, 0, sizeof *s);
}

static void copy_cells(report_table *t, rt_cell *row, const rt_cell *from)
{
    for (int k = 0; k < t->ncols; k++)
        row[k] = (rt_cell){from[k].s ? arena_strdup(t->a, from[k].s) : NULL, from[k].n, from[k].empty};
}

int report_cache_set_wait(int ms)
{
    pthread_mutex_lock(&lock);
    int was = wait_ms;
    wait_ms = ms;
    pthread_mutex_unlock(&lock);
    return was;
}

/* Fills t from s when it holds key, fresh. Under the lock. */
static int fill(const slot *s, const char *key, report_table *t)
{
    if (!s->key || strcmp(s->key, key) != 0 || s->ncols != t->ncols || time(NULL) - s->at >= REPORT_CACHE_SECONDS)
        return 0;
    for (int i = 0; i < s->nrows; i++) copy_cells(t, report_table_add(t, s->rows[i].id), s->rows[i].cells);
    t->total = NULL;
    if (s->has_total) {
        t->total = arena_alloc(t->a, sizeof *t->total * (size_t)t->ncols);
        copy_cells(t, t->total, s->rows[s->nrows].cells);
    }
    t->json = arena_strdup(t->a, s->json);
    return 1;
}

/* KEHU_TEST_REPORT_DELAY_MS: a claimed computation starts that much later,
 * so an API test's concurrent requests surely arrive while it runs (on a
 * small test company the real computation takes a millisecond). */
static int test_delay_ms(void)
{
    static int ms = -1;
    if (ms < 0) {
        const char *env = getenv("KEHU_TEST_REPORT_DELAY_MS");
        ms = env && atoi(env) > 0 ? atoi(env) : 0;
    }
    return ms;
}

int report_cache_get(const char *key, report_table *t, int *claimed)
{
    struct timespec deadline;
    int hit = 0, waited = 0, timed_out = 0;
    *claimed = 0;
    pthread_mutex_lock(&lock);
    sf_deadline(&deadline, wait_ms);
    for (;;) {
        if ((hit = fill(&slots[hash(key) % SLOTS], key, t))) {
            t->source = waited ? RT_SHARED : RT_KEPT;
            break;
        }
        /* nobody computes it (or the one who did failed): this request does */
        if (!sf_flying(&flights, key)) {
            *claimed = sf_claim(&flights, key);
            break;
        }
        if (timed_out) break; /* the computation outlasts the bound: compute beside it */
        waited = 1;
        timed_out = sf_wait(&flights, &lock, &deadline);
    }
    pthread_mutex_unlock(&lock);
    if (*claimed && test_delay_ms()) usleep((useconds_t)test_delay_ms() * 1000);
    return hit;
}

void report_cache_drop(const char *key, int claimed)
{
    if (!claimed) return;
    pthread_mutex_lock(&lock);
    sf_land(&flights, key);
    pthread_mutex_unlock(&lock);
}

/* A malloc'd copy of a row; its text cells are copied into `text`. */
static int keep_row(slot *s, int i, int64_t id, const rt_cell *cells, strbuf *text, size_t *offsets)
{
    s->rows[i].id = id;
    s->rows[i].cells = malloc(sizeof(rt_cell) * (size_t)s->ncols);
    if (!s->rows[i].cells) return -1;
    for (int k = 0; k < s->ncols; k++) {
        s->rows[i].cells[k] = (rt_cell){NULL, cells[k].n, cells[k].empty};
        offsets[(size_t)i * (size_t)s->ncols + (size_t)k] = cells[k].s ? text->len + 1 : 0; /* 0: NULL */
        if (cells[k].s) sb_appendn(text, cells[k].s, strlen(cells[k].s) + 1);
    }
    return 0;
}

void report_cache_put(const char *key, const char *lang, const report_table *t, int claimed)
{
    strbuf json = STRBUF_INIT;
    report_table_json(t, lang, &json);
    slot n = {0};
    int rows = t->nrows + (t->total ? 1 : 0);
    strbuf text = STRBUF_INIT;
    size_t *offsets = calloc((size_t)rows * (size_t)t->ncols + 1, sizeof *offsets);
    n.key = strdup(key);
    n.rows = calloc((size_t)rows + 1, sizeof *n.rows);
    n.ncols = t->ncols;
    n.at = time(NULL);
    int ok = offsets && n.key && n.rows;
    for (int i = 0; ok && i < t->nrows; i++, n.nrows++) ok = keep_row(&n, i, t->ids[i], t->rows[i], &text, offsets) == 0;
    if (ok && t->total) ok = keep_row(&n, t->nrows, 0, t->total, &text, offsets) == 0, n.has_total = ok;
    n.text = ok ? malloc(text.len + 1) : NULL;
    if (n.text) {
        memcpy(n.text, text.len ? sb_str(&text) : "", text.len + 1);
        for (int i = 0; i < rows; i++)
            for (int k = 0; k < n.ncols; k++) {
                size_t o = offsets[(size_t)i * (size_t)n.ncols + (size_t)k];
                if (o) n.rows[i].cells[k].s = n.text + o - 1;
            }
    }
    free(offsets);
    sb_free(&text);
    n.json = n.text ? strdup(sb_str(&json)) : NULL;
    sb_free(&json);
    if (!n.json) {
        slot_clear(&n);
        return report_cache_drop(key, claimed); /* out of memory: the waiters compute */
    }
    pthread_mutex_lock(&lock);
    slot *s = &slots[hash(key) % SLOTS];
    slot old = *s;
    *s = n;
    if (claimed) sf_land(&flights, key); /* with the slot filled, so the woken find it */
    pthread_mutex_unlock(&lock);
    slot_clear(&old);
}
