/* test_total_cache.c - list totals (src/entity/total_cache.h): a burst of
 * misses of one key counts once (single flight) and the others share the
 * count; the wait is bounded; a failed count hands the key over; an exact
 * total dies with the first write after the generation its count was
 * taken at, while a capped total (a floor) is served across as many
 * writes as keep it above its floor, and not one more. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "entity/total_cache.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

#define BURST 8

typedef struct burst {
    const char *entity, *key;
    pthread_mutex_t m;
    int arrived, claims, hits, shared, right;
} burst;

static void *one_request(void *arg)
{
    burst *b = arg;
    pthread_mutex_lock(&b->m);
    b->arrived++;
    pthread_mutex_unlock(&b->m);
    total_ask a = {.entity = b->entity, .key = b->key};
    int64_t total = 0;
    int hit = total_cache_get(&a, &total);
    if (!hit && a.claimed) {
        /* the slow count: every other request has asked meanwhile */
        for (;;) {
            pthread_mutex_lock(&b->m);
            int all = b->arrived == BURST;
            pthread_mutex_unlock(&b->m);
            if (all) break;
            usleep(1000);
        }
        usleep(200 * 1000);
        total = 290000;
        total_cache_put(&a, total);
    }
    pthread_mutex_lock(&b->m);
    b->claims += !hit; /* put cleared a.claimed */
    b->hits += hit;
    b->shared += hit && a.source == TOTAL_SHARED;
    b->right += total == 290000;
    pthread_mutex_unlock(&b->m);
    return NULL;
}

static void a_burst_counts_once(void **state)
{
    (void)state;
    burst b = {.entity = "accounts", .key = "burst|1", .m = PTHREAD_MUTEX_INITIALIZER};
    pthread_t th[BURST];
    for (int i = 0; i < BURST; i++) assert_int_equal(pthread_create(&th[i], NULL, one_request, &b), 0);
    for (int i = 0; i < BURST; i++) pthread_join(th[i], NULL);
    assert_int_equal(b.claims, 1);         /* one count ... */
    assert_int_equal(b.hits, BURST - 1);   /* ... the others got it */
    assert_int_equal(b.shared, BURST - 1); /* having waited for it */
    assert_int_equal(b.right, BURST);
    total_ask a = {.entity = "accounts", .key = "burst|1"};
    int64_t total;
    assert_int_equal(total_cache_get(&a, &total), 1);
    assert_int_equal(a.source, TOTAL_KEPT);
    assert_int_equal(a.claimed, 0);
}

typedef struct waiter {
    total_ask a;
    int hit;
    double ms;
} waiter;

static void *wait_for(void *arg)
{
    waiter *w = arg;
    int64_t total;
    double t0 = now_ms();
    w->hit = total_cache_get(&w->a, &total);
    w->ms = now_ms() - t0;
    return NULL;
}

static void a_failed_count_hands_the_key_over_and_the_wait_is_bounded(void **state)
{
    (void)state;
    total_ask a = {.entity = "accounts", .key = "dropped|1"};
    int64_t total;
    assert_int_equal(total_cache_get(&a, &total), 0);
    assert_int_equal(a.claimed, 1);
    waiter w = {.a = {.entity = "accounts", .key = "dropped|1"}};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, wait_for, &w), 0);
    usleep(100 * 1000);
    total_cache_drop(&a); /* the count failed */
    pthread_join(th, NULL);
    assert_int_equal(w.hit, 0);
    assert_int_equal(w.a.claimed, 1); /* the waiter counts in turn */
    assert_true(w.ms >= 90);

    int was = total_cache_set_wait(150);
    waiter v = {.a = {.entity = "accounts", .key = "dropped|1"}};
    assert_int_equal(pthread_create(&th, NULL, wait_for, &v), 0);
    pthread_join(th, NULL); /* w's count never ends while v waits */
    assert_int_equal(v.hit, 0);
    assert_int_equal(v.a.claimed, 0); /* counts beside it, unclaimed */
    assert_true(v.ms >= 140 && v.ms < 5000);
    total_cache_set_wait(was);
    total_cache_put(&w.a, 7);

    /* the same key of another entity is another count: no wait */
    total_ask x = {.entity = "accounts", .key = "same|1"}, y = {.entity = "contacts", .key = "same|1"};
    assert_int_equal(total_cache_get(&x, &total), 0);
    double t0 = now_ms();
    assert_int_equal(total_cache_get(&y, &total), 0); /* same thread: a wait would last the bound */
    assert_true(now_ms() - t0 < 1000);
    assert_int_equal(x.claimed + y.claimed, 2);
    total_cache_drop(&x);
    total_cache_drop(&y);
}

static int64_t get(const char *entity, const char *key, int *source)
{
    total_ask a = {.entity = entity, .key = key};
    int64_t total = -1;
    int hit = total_cache_get(&a, &total);
    if (source) *source = a.source;
    if (!hit) total_cache_drop(&a);
    return hit ? total : -1;
}

static void exact_totals_die_with_a_write_capped_ones_outlive_their_margin(void **state)
{
    (void)state;
    /* an exact total */
    total_ask a = {.entity = "leads", .key = "exact|1"};
    int64_t total;
    assert_int_equal(total_cache_get(&a, &total), 0);
    total_cache_put(&a, 4);
    assert_int_equal(get("leads", "exact|1", NULL), 4);
    total_cache_invalidate("leads");
    assert_int_equal(get("leads", "exact|1", NULL), -1);

    /* a capped count: 15 counted, only "more than 10" matters */
    total_ask c = {.entity = "leads", .key = "capped|1", .floor = 10};
    assert_int_equal(total_cache_get(&c, &total), 0);
    total_cache_put(&c, 15);
    /* and one at or under its floor is exact: it dies like any */
    total_ask s = {.entity = "leads", .key = "small|1", .floor = 10};
    assert_int_equal(total_cache_get(&s, &total), 0);
    total_cache_put(&s, 9);
    total_cache_invalidate("leads");
    assert_int_equal(get("leads", "small|1", NULL), -1);
    for (int w = 1; w < 5; w++) {
        if (w > 1) total_cache_invalidate("leads");
        int source;
        assert_int_equal(get("leads", "capped|1", &source), 15); /* 15 - w > 10 */
        assert_int_equal(source, TOTAL_KEPT);
    }
    total_cache_invalidate("leads"); /* the fifth: it might be 10 now */
    assert_int_equal(get("leads", "capped|1", NULL), -1);
}

static void a_write_during_the_count_makes_it_stale(void **state)
{
    (void)state;
    total_ask a = {.entity = "deals", .key = "raced|1"};
    int64_t total;
    assert_int_equal(total_cache_get(&a, &total), 0); /* the generation is taken here */
    total_cache_invalidate("deals");                  /* a write commits while it counts */
    total_cache_put(&a, 3);
    assert_int_equal(get("deals", "raced|1", NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_burst_counts_once),
        cmocka_unit_test(a_failed_count_hands_the_key_over_and_the_wait_is_bounded),
        cmocka_unit_test(exact_totals_die_with_a_write_capped_ones_outlive_their_margin),
        cmocka_unit_test(a_write_during_the_count_makes_it_stale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
