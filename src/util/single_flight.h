/* single_flight.h - one computation per key at a time. When many requests
 * miss the same cached answer at once (a cold cache, or right after a
 * write dropped it), the first claims the key and computes; the others
 * wait for it, bounded, and then find its answer in the cache. Used by the
 * kept reports (entity/report_cache.h) and the list totals
 * (entity/total_cache.h). The flights live under the caller's cache
 * mutex: a waiter re-reads the cache under the same lock it was woken
 * with, so an answer put before the flight lands is always found.
 *
 *     pthread_mutex_lock(&lock);
 *     for (;;) {
 *         if (cached(key)) break;                            // hit
 *         if (!sf_flying(&f, key)) { claimed = sf_claim(&f, key); break; }
 *         if (timed_out) break;                              // compute beside it
 *         timed_out = sf_wait(&f, &lock, &deadline);
 *     }
 *     pthread_mutex_unlock(&lock);
 *     ... compute, then under the lock: keep the answer, sf_land(&f, key) ...
 *
 * A failed computation lands too, and one of the woken claims the key in
 * turn. When every place is taken a miss computes without a claim: never
 * worse than no single flight. */
#ifndef KEHU_SINGLE_FLIGHT_H
#define KEHU_SINGLE_FLIGHT_H

#include <pthread.h>
#include <time.h>

#define SF_PLACES 32

typedef struct single_flight {
    char *keys[SF_PLACES]; /* the keys being computed; NULL: a free place */
    pthread_cond_t landed; /* a flight ended */
} single_flight;

#define SINGLE_FLIGHT_INIT {{0}, PTHREAD_COND_INITIALIZER}

/* All under the caller's lock. */
int sf_flying(const single_flight *f, const char *key);
/* Claims key: 1 when a place was free. */
int sf_claim(single_flight *f, const char *key);
/* Ends key's flight (if any) and wakes every waiter. */
void sf_land(single_flight *f, const char *key);
/* Sleeps until some flight lands or `deadline` (CLOCK_REALTIME) passes;
 * 1 when it passed. */
int sf_wait(single_flight *f, pthread_mutex_t *lock, const struct timespec *deadline);

/* The CLOCK_REALTIME time ms from now, for sf_wait. */
void sf_deadline(struct timespec *deadline, int ms);

#endif
