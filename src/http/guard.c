/* guard.c - see guard.h. One list under one mutex: connections come and
 * go a few times per request, and the watchman walks the list twice a
 * second (3,000 connections: microseconds). A connection is forgotten in
 * MHD's "closed" notification, which comes before MHD closes the socket, so
 * the watchman never shuts down a descriptor already given to another. */
#include "guard.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../util/clock.h"

typedef struct guarded {
    int fd;
    guard_phase phase;
    int cut;    /* shut down already: once is enough */
    int served; /* a request was answered: keep-alive may idle first */
    int64_t since_us;
    struct guarded *prev, *next;
} guarded;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static guarded *head;
static int64_t header_us, body_us, keepalive_us;
static int running;
static pthread_t watchman;
static atomic_ulong cuts;

static int overdue(const guarded *g, int64_t now)
{
    if (g->cut) return 0;
    if (g->phase == GUARD_WAITING)
        return header_us && now - g->since_us > (g->served ? keepalive_us : header_us);
    if (g->phase == GUARD_BODY) return body_us && now - g->since_us > body_us;
    return 0;
}

static void *watch(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (running) {
        int64_t now = clock_us();
        for (guarded *g = head; g; g = g->next)
            if (overdue(g, now)) {
                shutdown(g->fd, SHUT_RDWR); /* MHD reads the end and closes it */
                g->cut = 1;
                atomic_fetch_add(&cuts, 1);
            }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 500 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&wake, &lock, &until);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

int guard_start(unsigned header_s, unsigned body_s, unsigned idle_s)
{
    header_us = (int64_t)header_s * 1000000;
    body_us = (int64_t)body_s * 1000000;
    keepalive_us = header_us + (int64_t)idle_s * 1000000;
    if (!header_us && !body_us) return 0;
    running = 1;
    if (pthread_create(&watchman, NULL, watch, NULL) != 0) {
        running = 0;
        return -1;
    }
    return 0;
}

void guard_stop(void)
{
    pthread_mutex_lock(&lock);
    int was = running;
    running = 0;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    if (was) pthread_join(watchman, NULL);
}

void guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                  enum MHD_ConnectionNotificationCode toe)
{
    (void)cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        guarded *g = ci ? calloc(1, sizeof *g) : NULL;
        if (!g) return; /* unguarded: MHD's own timeout still applies */
        g->fd = ci->connect_fd;
        g->phase = GUARD_WAITING;
        g->since_us = clock_us();
        pthread_mutex_lock(&lock);
        g->next = head;
        if (head) head->prev = g;
        head = g;
        pthread_mutex_unlock(&lock);
        *socket_context = g;
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        guarded *g = *socket_context;
        pthread_mutex_lock(&lock);
        if (g->prev) g->prev->next = g->next;
        else head = g->next;
        if (g->next) g->next->prev = g->prev;
        pthread_mutex_unlock(&lock);
        free(g);
        *socket_context = NULL;
    }
}

void guard_phase_set(struct MHD_Connection *c, guard_phase phase)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    guarded *g = ci ? ci->socket_context : NULL;
    if (!g) return;
    int64_t now = clock_us();
    pthread_mutex_lock(&lock);
    if (g->phase == GUARD_HANDLING && phase == GUARD_WAITING) g->served = 1;
    g->phase = phase;
    g->since_us = now;
    pthread_mutex_unlock(&lock);
}

unsigned long guard_cut_count(void)
{
    return atomic_load(&cuts);
}
