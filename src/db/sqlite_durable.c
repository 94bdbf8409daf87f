/* sqlite_durable.c - see sqlite_durable.h. One group per database file,
 * shared by the process's connections to it. */
#include "sqlite_durable.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FILES 16
#define CHECKPOINT_FRAMES 1000 /* SQLite's default auto-checkpoint */
/* The checkpointer's own threshold, four times higher: a create writes ~30
 * frames, and the pages every create rewrites (the counters, the search
 * index's structure, the right edges of the tables) were copied into the
 * database and fsynced some 50 times a second at 1,000; the WAL (rewound
 * at four times this, ~70 MB, then reused) stays in the page cache. Not
 * higher: one checkpoint's fsync of the database then delays the WAL's
 * fsyncs, which the answers wait for. */
#define DEFERRED_CHECKPOINT_FRAMES 4000

/* KEHU_TEST_CHECKPOINT_FRAMES: the checkpointer's threshold, so a test's
 * few hundred creates go through many checkpoints and WAL restarts
 * (tests/api/group_commit). */
static int deferred_checkpoint_frames(void)
{
    static int frames = -1;
    if (frames < 0) {
        const char *env = getenv("KEHU_TEST_CHECKPOINT_FRAMES");
        frames = env && atoi(env) > 0 ? atoi(env) : DEFERRED_CHECKPOINT_FRAMES;
    }
    return frames;
}

typedef struct wal_group {
    char path[4096];            /* the -wal file */
    uint64_t committed, synced; /* commits counted; all up to `synced` are on disk */
    int syncing;
    int checkpoint; /* a deferred committer saw the WAL past CHECKPOINT_FRAMES */
    sqlite3 *ckpt_db; /* the checkpointer thread's own connection to the file */
    pthread_cond_t done;
} wal_group;

/* A deferred commit's waiter (sqlite_durable_notify). */
typedef struct waiter {
    int group;
    uint64_t ticket;
    void (*done)(void *arg, int ok);
    void *arg;
    int ok;
    struct waiter *next;
} waiter;

static wal_group groups[MAX_FILES];
static int ngroups;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t syncer_wake = PTHREAD_COND_INITIALIZER;
static waiter *waiters;
static int syncer_started;
static pthread_cond_t checkpoint_wake = PTHREAD_COND_INITIALIZER;
static int checkpointer_started;

/* The calling thread's deferral (sqlite_durable_defer) and the highest
 * ticket its commits left since. */
static _Thread_local int deferring;
static _Thread_local int pending_group = -1;
static _Thread_local uint64_t pending_ticket;

/* Caller holds the lock; NULL when the table is full. */
static wal_group *group_of(const char *wal)
{
    for (int i = 0; i < ngroups; i++)
        if (strcmp(groups[i].path, wal) == 0) return &groups[i];
    if (ngroups == MAX_FILES) return NULL;
    wal_group *g = &groups[ngroups++];
    snprintf(g->path, sizeof g->path, "%s", wal);
    pthread_cond_init(&g->done, NULL);
    return g;
}

/* KEHU_TEST_FSYNC_DELAY_MS: each fdatasync takes that much longer, so a
 * test can see who waits for it (tests/api/group_commit). */
static int test_delay_ms(void)
{
    static int ms = -1;
    if (ms < 0) {
        const char *env = getenv("KEHU_TEST_FSYNC_DELAY_MS");
        ms = env && atoi(env) > 0 ? atoi(env) : 0;
    }
    return ms;
}

/* fdatasync through a descriptor of our own: it flushes what any
 * descriptor of the file wrote. */
static int sync_file(const char *path)
{
    if (test_delay_ms()) usleep((useconds_t)test_delay_ms() * 1000);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fdatasync(fd);
    close(fd);
    return rc;
}

/* Caller holds the lock: one fdatasync of g covering every commit counted
 * so far (the lock is let go meanwhile). 0 or -1. */
static int sync_round(wal_group *g)
{
    g->syncing = 1;
    uint64_t upto = g->committed; /* these committed before the sync starts */
    pthread_mutex_unlock(&lock);
    int rc = sync_file(g->path);
    pthread_mutex_lock(&lock);
    g->syncing = 0;
    if (rc == 0 && upto > g->synced) g->synced = upto;
    pthread_cond_broadcast(&g->done);
    return rc;
}

/* Returns once every commit made before the call is on disk. */
static int wait_durable(wal_group *g, uint64_t mine)
{
    int rc = 0;
    while (g->synced < mine && rc == 0) {
        if (g->syncing) {
            pthread_cond_wait(&g->done, &lock);
            continue;
        }
        rc = sync_round(g);
    }
    return rc;
}

/* The deferred committers' thread: syncs while someone waits, and calls
 * each waiter back once its ticket is on disk (or the sync failed). */
static void *syncer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    for (;;) {
        if (!waiters) {
            pthread_cond_wait(&syncer_wake, &lock);
            continue;
        }
        /* the groups someone waits for */
        int failed[MAX_FILES] = {0};
        for (int i = 0; i < ngroups; i++) {
            wal_group *g = &groups[i];
            int wanted = 0;
            for (waiter *w = waiters; w; w = w->next)
                if (w->group == i && w->ticket > g->synced) wanted = 1;
            if (!wanted) continue;
            if (g->syncing) pthread_cond_wait(&g->done, &lock); /* a blocking committer syncs: share it */
            else failed[i] = sync_round(g) != 0;
        }
        /* answer those whose commits are on disk, or whose sync failed */
        waiter *ready = NULL, **at = &waiters;
        while (*at) {
            waiter *w = *at;
            wal_group *g = &groups[w->group];
            if (w->ticket <= g->synced || failed[w->group]) {
                w->ok = w->ticket <= g->synced;
                *at = w->next;
                w->next = ready;
                ready = w;
            } else {
                at = &w->next;
            }
        }
        pthread_mutex_unlock(&lock);
        while (ready) {
            waiter *w = ready;
            ready = w->next;
            w->done(w->arg, w->ok);
            free(w);
        }
        pthread_mutex_lock(&lock);
    }
    return NULL;
}

/* The connection's writers' turn (sqlite_durable_turns), or NULL. */
static void (*turn_take)(void), (*turn_give)(void);

/* The checkpoints the deferred committers did not run themselves, on a
 * connection of this thread's own per file (a passive checkpoint waits
 * for no one). Not the syncer's work: copying a thousand pages into the
 * database and syncing it takes long enough to hold every waiting answer
 * back (a p99 of 1.7 s when the syncer did it).
 *
 * A passive checkpoint alone never lets the WAL start over under a steady
 * write load: SQLite rewinds it only when a writer begins while every
 * frame is copied, and with writers taking turns one always begins right
 * after the last commit. The WAL then grew by ~100 MB/s of creates, every
 * frame written to a new block of the file (the kernel zeroes it: 16 % of
 * the server's time) and every page read looked up in a hash table per
 * 4,096 frames (sqlite3WalFindFrame 11 %). So the checkpointer copies the
 * bulk without stopping anyone, then takes the writers' turn for the last
 * few frames: the next writer finds the WAL all copied and rewinds it. */
enum { CATCH_UP_FRAMES = 256, CATCH_UP_ROUNDS = 8 };
static void checkpoint_file(sqlite3 *db)
{
    int log = 0, done = 0;
    /* each round copies what the writers added during the last one */
    for (int round = 0; round < CATCH_UP_ROUNDS; round++) {
        if (sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, &log, &done) != SQLITE_OK) return;
        if (log - done <= CATCH_UP_FRAMES) break;
    }
    /* The rewind stops every writer for the last frames and two fsyncs,
     * so only once the WAL is 4 checkpoints long (64 MB, reused after):
     * at 2,000 creates a second that is a few times a second, not 15. But
     * then even when the writers kept ahead: skipping it let the WAL grow
     * round after round. A reader holding an old snapshot stops the copy
     * where it reads whatever we do. */
    if (!turn_take || log < 4 * deferred_checkpoint_frames()) return;
    turn_take();
    sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    turn_give();
}

static void *checkpointer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    for (;;) {
        int want = -1;
        for (int i = 0; i < ngroups; i++)
            if (groups[i].checkpoint) want = i;
        if (want < 0) {
            pthread_cond_wait(&checkpoint_wake, &lock);
            continue;
        }
        wal_group *g = &groups[want];
        g->checkpoint = 0;
        char file[4096];
        snprintf(file, sizeof file, "%s", g->path);
        pthread_mutex_unlock(&lock);
        size_t n = strlen(file);
        if (n > 4) file[n - 4] = '\0'; /* the database beside its -wal */
        /* A read after the open: until its pager has read the file it does
         * not know the database is in WAL mode, and a checkpoint does
         * nothing (pnLog -1). Without it this thread never copied a page,
         * and under a steady write load the WAL grew by ~100 MB/s. */
        if (!g->ckpt_db && (sqlite3_open_v2(file, &g->ckpt_db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
                            sqlite3_exec(g->ckpt_db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK)) {
            sqlite3_close_v2(g->ckpt_db);
            g->ckpt_db = NULL;
        }
        if (g->ckpt_db) checkpoint_file(g->ckpt_db);
        pthread_mutex_lock(&lock);
    }
    return NULL;
}

/* Caller holds the lock. */
static void start_thread(int *started, void *(*fn)(void *))
{
    if (*started) return;
    pthread_t t;
    if (pthread_create(&t, NULL, fn, NULL) == 0) {
        pthread_detach(t);
        *started = 1;
    }
}

static void start_syncer(void)
{
    start_thread(&syncer_started, syncer);
}

static int wal_commit_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
    sqlite_durable_owner *h = arg;
    if (h && h->committed) h->committed(h->arg);
    const char *file = sqlite3_db_filename(db, name);
    int deferred = 0;
    if (file && *file) {
        char wal[4096];
        snprintf(wal, sizeof wal, "%s-wal", file);
        pthread_mutex_lock(&lock);
        wal_group *g = group_of(wal);
        int rc = 0;
        if (!g) {
            pthread_mutex_unlock(&lock);
            rc = sync_file(wal);
        } else {
            uint64_t mine = ++g->committed;
            if (deferring) {
                /* the thread answers once the syncer has this on disk */
                deferred = 1;
                pending_group = (int)(g - groups);
                if (mine > pending_ticket) pending_ticket = mine;
                if (frames >= deferred_checkpoint_frames() && !g->checkpoint) {
                    start_thread(&checkpointer_started, checkpointer);
                    if (checkpointer_started) { /* else the committer checkpoints, below */
                        g->checkpoint = 1;
                        pthread_cond_signal(&checkpoint_wake);
                    }
                }
            } else {
                rc = wait_durable(g, mine);
            }
            pthread_mutex_unlock(&lock);
        }
        if (rc != 0) return SQLITE_IOERR_FSYNC; /* the statement reports it */
    }
    /* what the default hook did: a passive checkpoint once the WAL grows */
    if ((!deferred || !checkpointer_started) && frames >= CHECKPOINT_FRAMES)
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return SQLITE_OK;
}

void sqlite_durable_turns(void (*take)(void), void (*give)(void))
{
    pthread_mutex_lock(&lock);
    turn_take = take;
    turn_give = give;
    pthread_mutex_unlock(&lock);
}

void sqlite_durable_install(sqlite3 *db, sqlite_durable_owner *owner)
{
    sqlite3_wal_hook(db, wal_commit_hook, owner);
}

int sqlite_durable_deferring(void)
{
    return deferring;
}

void sqlite_durable_defer(int on)
{
    deferring = on;
    if (on) pending_group = -1, pending_ticket = 0;
}

int sqlite_durable_pending(sqlite_durable_ticket *t)
{
    if (pending_group < 0) return 0;
    t->group = pending_group;
    t->n = pending_ticket;
    pending_group = -1;
    pending_ticket = 0;
    return 1;
}

int sqlite_durable_notify(const sqlite_durable_ticket *t, void (*done)(void *arg, int ok), void *arg)
{
    pthread_mutex_lock(&lock);
    wal_group *g = t->group >= 0 && t->group < ngroups ? &groups[t->group] : NULL;
    if (!g || g->synced >= t->n) {
        pthread_mutex_unlock(&lock);
        return 1;
    }
    start_syncer();
    waiter *w = syncer_started ? malloc(sizeof *w) : NULL;
    if (!w) { /* no syncer or no memory for a waiter: wait here instead */
        int rc = wait_durable(g, t->n);
        pthread_mutex_unlock(&lock);
        return rc == 0 ? 1 : -1;
    }
    *w = (waiter){t->group, t->n, done, arg, 0, waiters};
    waiters = w;
    pthread_cond_signal(&syncer_wake);
    pthread_mutex_unlock(&lock);
    return 0;
}
