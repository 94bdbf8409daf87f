/* test_report_cache.c - kept reports computed once per burst (single
 * flight, src/entity/report_cache.h): concurrent misses of one key wait
 * for the first and share its table; a failed computation hands the key
 * to a waiter; the wait is bounded; other keys never wait. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "entity/report_cache.h"
#include "util/arena.h"

static const rt_column COLS[] = {{"label", "客户", "Account", RT_TEXT}, {"total", "应收合计", "Receivable", RT_MONEY}};

static void table(report_table *t, arena *a)
{
    report_table_init(t, a, COLS, 2);
}

/* The table a computation of key finds: one row naming the key. */
static void compute(report_table *t, const char *key)
{
    rt_cell *row = report_table_add(t, 7);
    row[0].s = arena_strdup(t->a, key);
    row[1].n = 123456;
    report_table_sum(t, "zh");
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

#define BURST 8

typedef struct burst {
    const char *key;
    pthread_mutex_t m;
    int arrived, claims, hits, shared;
    int ok; /* hits whose table is the computed one */
} burst;

static void *one_request(void *arg)
{
    burst *b = arg;
    pthread_mutex_lock(&b->m);
    b->arrived++;
    pthread_mutex_unlock(&b->m);
    arena *a = arena_new();
    report_table t;
    table(&t, a);
    int claimed;
    int hit = report_cache_get(b->key, &t, &claimed);
    if (!hit && claimed) {
        /* the slow computation: long enough for every other request to
         * have asked for the key and be waiting */
        for (;;) {
            pthread_mutex_lock(&b->m);
            int all = b->arrived == BURST;
            pthread_mutex_unlock(&b->m);
            if (all) break;
            usleep(1000);
        }
        usleep(200 * 1000);
        compute(&t, b->key);
        report_cache_put(b->key, "zh", &t, claimed);
    }
    pthread_mutex_lock(&b->m);
    b->claims += claimed;
    b->hits += hit;
    b->shared += hit && t.source == RT_SHARED;
    b->ok += hit && t.nrows == 1 && strcmp(t.rows[0][0].s, b->key) == 0 && t.rows[0][1].n == 123456 && t.total &&
             t.total[1].n == 123456 && t.json && strstr(t.json, b->key);
    pthread_mutex_unlock(&b->m);
    arena_free(a);
    return NULL;
}

static void a_burst_computes_once(void **state)
{
    (void)state;
    burst b = {.key = "test|burst|1", .m = PTHREAD_MUTEX_INITIALIZER};
    pthread_t th[BURST];
    for (int i = 0; i < BURST; i++) assert_int_equal(pthread_create(&th[i], NULL, one_request, &b), 0);
    for (int i = 0; i < BURST; i++) pthread_join(th[i], NULL);
    assert_int_equal(b.claims, 1);            /* one computation ... */
    assert_int_equal(b.hits, BURST - 1);      /* ... the others served its table */
    assert_int_equal(b.ok, BURST - 1);
    assert_int_equal(b.shared, BURST - 1);    /* having waited for it */

    /* afterwards the key is simply kept */
    arena *a = arena_new();
    report_table t;
    table(&t, a);
    int claimed;
    assert_int_equal(report_cache_get(b.key, &t, &claimed), 1);
    assert_int_equal(claimed, 0);
    assert_int_equal(t.source, RT_KEPT);
    arena_free(a);
}

typedef struct waiter {
    const char *key;
    int hit, claimed;
    double ms;
} waiter;

static void *wait_for(void *arg)
{
    waiter *w = arg;
    arena *a = arena_new();
    report_table t;
    table(&t, a);
    double t0 = now_ms();
    w->hit = report_cache_get(w->key, &t, &w->claimed);
    w->ms = now_ms() - t0;
    arena_free(a);
    return NULL;
}

static void a_failed_computation_hands_the_key_over(void **state)
{
    (void)state;
    const char *key = "test|dropped|1";
    arena *a = arena_new();
    report_table t;
    table(&t, a);
    int claimed;
    assert_int_equal(report_cache_get(key, &t, &claimed), 0);
    assert_int_equal(claimed, 1);
    waiter w = {.key = key};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, wait_for, &w), 0);
    usleep(100 * 1000);
    report_cache_drop(key, claimed); /* the computation failed */
    pthread_join(th, NULL);
    assert_int_equal(w.hit, 0);
    assert_int_equal(w.claimed, 1); /* the waiter computes in turn */
    assert_true(w.ms >= 90);
    report_cache_drop(key, w.claimed);
    arena_free(a);
}

static void the_wait_is_bounded(void **state)
{
    (void)state;
    const char *key = "test|slow|1";
    int was = report_cache_set_wait(150);
    arena *a = arena_new();
    report_table t;
    table(&t, a);
    int claimed;
    assert_int_equal(report_cache_get(key, &t, &claimed), 0);
    assert_int_equal(claimed, 1);
    waiter w = {.key = key};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, wait_for, &w), 0);
    pthread_join(th, NULL); /* the computation never ends while it waits */
    assert_int_equal(w.hit, 0);
    assert_int_equal(w.claimed, 0); /* computes beside the first, unclaimed */
    assert_true(w.ms >= 140 && w.ms < 5000);
    compute(&t, key);
    report_cache_put(key, "zh", &t, claimed);
    report_table u;
    table(&u, a);
    assert_int_equal(report_cache_get(key, &u, &claimed), 1);
    assert_int_equal(u.source, RT_KEPT);
    report_cache_set_wait(was);
    arena_free(a);
}

static void another_key_does_not_wait(void **state)
{
    (void)state;
    arena *a = arena_new();
    report_table t, u;
    table(&t, a);
    table(&u, a);
    int c1, c2;
    assert_int_equal(report_cache_get("test|one|1", &t, &c1), 0);
    double t0 = now_ms();
    assert_int_equal(report_cache_get("test|two|1", &u, &c2), 0); /* same thread: waiting would hang the bound */
    assert_true(now_ms() - t0 < 1000);
    assert_int_equal(c1, 1);
    assert_int_equal(c2, 1);
    report_cache_drop("test|one|1", c1);
    report_cache_drop("test|two|1", c2);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_burst_computes_once),
        cmocka_unit_test(a_failed_computation_hands_the_key_over),
        cmocka_unit_test(the_wait_is_bounded),
        cmocka_unit_test(another_key_does_not_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
