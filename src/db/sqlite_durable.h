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

/* Installs the hook on db (in place of SQLite's auto-checkpoint hook,
 * whose work it also does). */
void sqlite_durable_install(sqlite3 *db);

#endif
