/* sqlite_durable.c - see sqlite_durable.h. One group per database file,
 * shared by the process's connections to it. */
#include "sqlite_durable.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_FILES 16
#define CHECKPOINT_FRAMES 1000 /* SQLite's default auto-checkpoint */

typedef struct wal_group {
    char path[4096];            /* the -wal file */
    uint64_t committed, synced; /* commits counted; all up to `synced` are on disk */
    int syncing;
    pthread_cond_t done;
} wal_group;

static wal_group groups[MAX_FILES];
static int ngroups;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

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

/* fdatasync through a descriptor of our own: it flushes what any
 * descriptor of the file wrote. */
static int sync_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fdatasync(fd);
    close(fd);
    return rc;
}

/* Returns once every commit made before the call is on disk. */
static int wait_durable(const char *wal)
{
    pthread_mutex_lock(&lock);
    wal_group *g = group_of(wal);
    if (!g) {
        pthread_mutex_unlock(&lock);
        return sync_file(wal);
    }
    uint64_t mine = ++g->committed;
    int rc = 0;
    while (g->synced < mine && rc == 0) {
        if (g->syncing) {
            pthread_cond_wait(&g->done, &lock);
            continue;
        }
        g->syncing = 1;
        uint64_t upto = g->committed; /* these committed before the sync starts */
        pthread_mutex_unlock(&lock);
        rc = sync_file(g->path);
        pthread_mutex_lock(&lock);
        g->syncing = 0;
        if (rc == 0 && upto > g->synced) g->synced = upto;
        pthread_cond_broadcast(&g->done);
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int wal_commit_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
    (void)arg;
    const char *file = sqlite3_db_filename(db, name);
    if (file && *file) {
        char wal[4096];
        snprintf(wal, sizeof wal, "%s-wal", file);
        if (wait_durable(wal) != 0) return SQLITE_IOERR_FSYNC; /* the statement reports it */
    }
    /* what the default hook did: a passive checkpoint once the WAL grows */
    if (frames >= CHECKPOINT_FRAMES) sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return SQLITE_OK;
}

void sqlite_durable_install(sqlite3 *db)
{
    sqlite3_wal_hook(db, wal_commit_hook, NULL);
}
