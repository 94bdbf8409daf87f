/* single_flight.c - see single_flight.h. A few places and one condition
 * variable: computations worth a flight are rare and few at a time, so a
 * broadcast to all waiters costs nothing worth a finer scheme. */
#include "single_flight.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int place_of(const single_flight *f, const char *key)
{
    for (int i = 0; i < SF_PLACES; i++)
        if (f->keys[i] && strcmp(f->keys[i], key) == 0) return i;
    return -1;
}

int sf_flying(const single_flight *f, const char *key)
{
    return place_of(f, key) >= 0;
}

int sf_claim(single_flight *f, const char *key)
{
    for (int i = 0; i < SF_PLACES; i++)
        if (!f->keys[i]) return (f->keys[i] = strdup(key)) != NULL;
    return 0;
}

void sf_land(single_flight *f, const char *key)
{
    int i = place_of(f, key);
    if (i < 0) return;
    free(f->keys[i]);
    f->keys[i] = NULL;
    pthread_cond_broadcast(&f->landed);
}

int sf_wait(single_flight *f, pthread_mutex_t *lock, const struct timespec *deadline)
{
    return pthread_cond_timedwait(&f->landed, lock, deadline) == ETIMEDOUT;
}

void sf_deadline(struct timespec *deadline, int ms)
{
    clock_gettime(CLOCK_REALTIME, deadline); /* the clock a default condition variable waits on */
    deadline->tv_sec += ms / 1000;
    deadline->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (deadline->tv_nsec >= 1000000000L) deadline->tv_sec++, deadline->tv_nsec -= 1000000000L;
}
