/* sqlite_durable.h - group commit for the SQLite backend (issue 14).
 *
 * With synchronous=FULL every COMMIT fsyncs the WAL while it holds
 * SQLite's single write lock, so writers queue behind each other's fsync.
 * Instead connections run synchronous=NORMAL (a commit only writes the
 * WAL) and SQLite calls wal_commit_hook after each commit, once the write
 * lock is released: the committing thread waits there until an fdatasync
 * of the WAL that began after its commit has finished. One fdatasync
 * covers every transaction committed before it began, so while one runs
 * the next writers commit and share the following one. A request is
 * still answered only after its write is on disk (power cut included);
 * tests/api/lifecycle.test.mjs kills the server under write load. */
#ifndef KEHU_SQLITE_DURABLE_H
#define KEHU_SQLITE_DURABLE_H

#include <sqlite3.h>
#include <stdint.h>

/* Installs the hook on db (in place of SQLite's auto-checkpoint hook,
 * whose work it also does). owner (kept by the caller for the
 * connection's life, or NULL): owner->committed(owner->arg) is called
 * first in the hook, once the transaction is over and before any wait. */
typedef struct sqlite_durable_owner {
    void (*committed)(void *arg);
    void *arg;
} sqlite_durable_owner;
void sqlite_durable_install(sqlite3 *db, sqlite_durable_owner *owner);

/* The process's writers' turn: take() returns once no transaction of
 * this process begun with BEGIN IMMEDIATE is open, and none begins until
 * give(). The checkpointer takes it for the last frames of a checkpoint,
 * so the WAL is all copied when the next writer begins and starts over
 * (a lone statement outside a transaction may still add a frame: then the
 * WAL starts over at a later round). */
void sqlite_durable_turns(void (*take)(void), void (*give)(void));

/* Deferred waiting, for the server's request threads: waiting in the hook
 * keeps a thread from serving anyone until the fdatasync ends, and with
 * two threads that wait, not the disk, bounded creates per second. While
 * deferral is on for the calling thread, a commit only takes a ticket; the
 * thread collects it (sqlite_durable_pending) and asks to be called back
 * once it is on disk (sqlite_durable_notify), answering only then. A
 * syncer thread runs the fdatasyncs for deferred commits (still one per
 * group of commits) and their checkpoints, on a connection of its own. */
typedef struct sqlite_durable_ticket {
    int group;
    uint64_t n;
} sqlite_durable_ticket;
/* On (1) or off (0) for the calling thread; on forgets any ticket. */
void sqlite_durable_defer(int on);
/* 1 while the calling thread's commits are deferred. */
int sqlite_durable_deferring(void);
/* 1 and *t set when the thread's commits since deferral began wait for
 * the disk (and forgets them); 0 when nothing waits. */
int sqlite_durable_pending(sqlite_durable_ticket *t);
/* done(arg, ok) once every commit up to t is on disk (ok 1) or its
 * fdatasync failed (ok 0), from the syncer thread: returns 0. Returns 1
 * without calling done when t is on disk already, -1 when the wait it
 * then did itself failed. */
int sqlite_durable_notify(const sqlite_durable_ticket *t, void (*done)(void *arg, int ok), void *arg);

#endif
