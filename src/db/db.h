/* db.h - the one database API of Kehu, with two backends: SQLite (embedded,
 * the default) and PostgreSQL (libpq). Everything above src/db talks to the
 * database only through this file, so a feature works on both or on neither.
 *
 * SQL is written once with `?` placeholders; the PostgreSQL backend rewrites
 * them to $1, $2, ... (outside quoted literals). Values are always bound,
 * never pasted into SQL text. Where the dialects really differ (DDL types,
 * upsert, case-insensitive match) callers ask db_dialect_of() and pick.
 *
 * Threads: a db_pool is shared; each thread takes its own connection with
 * db_pool_conn() (opened on first use, kept for the thread's life, closed by
 * db_pool_close()). A connection and its statements are never shared between
 * threads. */
#ifndef KEHU_DB_H
#define KEHU_DB_H

#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"

typedef enum db_dialect { DB_SQLITE = 1, DB_POSTGRES = 2 } db_dialect;

/* db_step results; errors are negative. */
enum {
    DB_ROW = 1,
    DB_DONE = 0,
    DB_ERROR = -1,      /* anything else: the message is in db_errmsg() */
    DB_ERR_UNIQUE = -2, /* unique constraint violated */
    DB_ERR_FOREIGN = -3,
    DB_ERR_BUSY = -4, /* lock timeout / serialization failure: retry the transaction */
};

/* Column types as seen in a result row. */
typedef enum db_type { DB_NULL = 0, DB_INT, DB_REAL, DB_TEXT } db_type;

typedef struct db_pool db_pool;
typedef struct db_conn db_conn;
typedef struct db_stmt db_stmt;

/* url: a file path (SQLite; created if missing) or postgresql://... / postgres://...
 * Fails (and fills e) when the database cannot be opened. */
db_pool *db_pool_open(const char *url, err *e);
void db_pool_close(db_pool *p);
db_dialect db_pool_dialect(const db_pool *p);
/* The calling thread's connection; NULL with e filled when it cannot connect. */
db_conn *db_pool_conn(db_pool *p, err *e);

/* A connection of one's own, outside any pool (command-line tools, tests). */
db_conn *db_open(const char *url, err *e);
void db_close(db_conn *c);
/* SQLite only (PostgreSQL has pg_dump; 422 not_sqlite): the database of c
 * as it is at one moment, copied into a new file at path while others may
 * go on writing; and the other way, the backup at path copied over c's
 * database (every server on it stopped first). */
int db_backup(db_conn *c, const char *path, err *e);
int db_restore(db_conn *c, const char *path, err *e);
db_dialect db_dialect_of(const db_conn *c);
const char *db_errmsg(const db_conn *c);
/* The generation of the schema the caller's statements are written for
 * (the metadata version, which grows whenever a custom field adds or drops
 * a column). A PostgreSQL connection that kept prepared statements under
 * another generation drops them first: a column dropped and made again
 * with another type would otherwise break a kept plan. */
void db_schema_epoch(db_conn *c, int64_t epoch);

/* One read snapshot for a stretch of reads (a GET request): with
 * DB_SNAPSHOT_ON, the queries (SELECT, WITH) run outside a transaction
 * share one read transaction on SQLite, begun by the first of them,
 * instead of one each: one set of WAL read locks per request, and every
 * query of it sees the same moment. Anything else that runs (a write,
 * db_begin, db_exec) ends the snapshot first, and the next query begins a
 * new one, so a request still sees its own writes. DB_SNAPSHOT_FRESH ends
 * it without turning it off: the next query sees the latest commits (do
 * so before computing what is cached under this process's count of
 * writes, total_cache.h, or the snapshot may predate a write whose
 * invalidation it would then outlive). DB_SNAPSHOT_OFF ends it and turns
 * it off. Nothing on PostgreSQL, where each statement outside a
 * transaction is its own snapshot and costs no lock. */
enum { DB_SNAPSHOT_OFF = 0, DB_SNAPSHOT_ON = 1, DB_SNAPSHOT_FRESH = 2 };
void db_read_snapshot(db_conn *c, int mode);

/* Answering writes once they are durable, without a thread waiting for the
 * disk meanwhile (SQLite's group commit, sqlite_durable.h; PostgreSQL
 * commits are durable when COMMIT returns, so nothing waits there). While
 * on for the calling thread, its SQLite commits return before their
 * fdatasync; db_durable_pending then says whether some wait, and
 * db_durable_notify calls done(arg, ok) from another thread once they are
 * on disk (ok 1) or could not be (ok 0): 0. It returns 1 (done not called)
 * when they are on disk already, -1 when they could not be. */
typedef struct db_durable_ticket {
    int group;
    uint64_t n;
} db_durable_ticket;
void db_durable_defer(int on);
/* While on for the calling thread (a request that writes, with its
 * commits deferred), its SQLite statements run on one handle of the file
 * shared by such requests, each statement or transaction in the writers'
 * turn (db_sqlite.c): the handle's cache and mapping then outlive the
 * commits. No effect on PostgreSQL. */
void db_prefer_writer(int on);
int db_durable_pending(db_durable_ticket *t);
int db_durable_notify(const db_durable_ticket *t, void (*done)(void *arg, int ok), void *arg);

/* One attempt at a unit of work on the calling thread, for retrying it
 * whole when another transaction made it fail (a PostgreSQL deadlock or
 * serialization failure, which PostgreSQL asks the client to retry; not
 * a lock wait that timed out). db_attempt_start begins watching;
 * db_attempt_retriable is 1 when such a conflict was met since and
 * nothing was committed (no outermost COMMIT, no write outside a
 * transaction): running the attempt again then repeats no write. */
void db_attempt_start(void);
int db_attempt_retriable(void);
/* Backends: a statement failed for such a conflict. */
void db_note_conflict(void);
/* Tests: KEHU_TEST_CONFLICTS=N makes the next N outermost commits of
 * threads that armed it fail as such a conflict (rolled back). */
void db_test_conflicts_arm(int on);
void db_test_conflicts_reset(void); /* reads KEHU_TEST_CONFLICTS again */

/* Statements. SQLite statements are cached per connection by SQL text, so
 * preparing the same SQL again is cheap; db_finalize returns it to the cache. */
db_stmt *db_prepare(db_conn *c, const char *sql, err *e);
void db_finalize(db_stmt *s);
/* Parameters are 1-based, as in SQLite. Text is copied at bind time. */
void db_bind_null(db_stmt *s, int i);
void db_bind_int64(db_stmt *s, int i, int64_t v);
void db_bind_double(db_stmt *s, int i, double v);
void db_bind_text(db_stmt *s, int i, const char *v); /* NULL binds NULL */
void db_bind_textn(db_stmt *s, int i, const char *v, size_t n);
int db_step(db_stmt *s); /* DB_ROW, DB_DONE or a negative DB_ERR* */
int db_column_count(db_stmt *s);
const char *db_column_name(db_stmt *s, int i); /* 0-based */
db_type db_column_type(db_stmt *s, int i);
int db_column_is_null(db_stmt *s, int i);
int64_t db_column_int64(db_stmt *s, int i);
double db_column_double(db_stmt *s, int i);
/* Valid until the next db_step or db_finalize; NULL for SQL NULL. */
const char *db_column_text(db_stmt *s, int i);
size_t db_column_bytes(db_stmt *s, int i);
/* Rows changed by the last INSERT/UPDATE/DELETE run by this statement. */
int64_t db_changes(db_stmt *s);

/* One-shot helpers. db_exec runs SQL without parameters (may hold several
 * statements separated by ';' - used for migrations). */
int db_exec(db_conn *c, const char *sql, err *e);
/* Refreshes the planner's statistics of a table that grew fast (a bulk
 * import). PostgreSQL plans from them: a table it believes empty makes
 * every index that starts with company_id look alike, and a lookup by
 * name may walk the whole company. SQLite's plans do not depend on them
 * here (tests/unit/test_plans.c): nothing to do. */
int db_refresh_statistics(db_conn *c, const char *table, err *e);
/* Runs a statement whose first column of the first row is an integer (e.g.
 * SELECT COUNT(*) or INSERT ... RETURNING id) with text parameters (NULL
 * entries bind NULL). Returns 0 and sets *out, or -1 with e filled.
 * No row: *out = 0 and returns 1. */
int db_query_int64(db_conn *c, const char *sql, int64_t *out, err *e, int nparams,
                   const char *const *params);

/* Transactions nest: db_begin inside a transaction opens an inner level
 * (only a depth count), and only the outermost db_commit commits. Every
 * db_begin is ended by exactly one db_commit or db_rollback. An inner
 * db_rollback cannot undo its part alone, so it dooms the whole
 * transaction: inner commits still succeed, and the outermost db_commit
 * rolls everything back and fails (500 transaction_aborted). A failed
 * outermost commit has already rolled back; a db_rollback after it is a
 * harmless no-op. db_begin on SQLite takes the write lock at once (BEGIN
 * IMMEDIATE) so two writers never deadlock on upgrade. */
int db_begin(db_conn *c, err *e);
int db_commit(db_conn *c, err *e);
void db_rollback(db_conn *c); /* safe to call when no transaction is open */
int db_in_transaction(const db_conn *c);
int db_tx_depth(const db_conn *c); /* 0 outside a transaction */
/* An inner level that can fail alone (a SAVEPOINT): its db_rollback undoes
 * only what was done since, without dooming the outer levels (one bad row
 * of an import). Outside a transaction it is a plain db_begin. */
int db_savepoint(db_conn *c, err *e);
/* Ends every open level at once, rolling back (a request handler that
 * left one open). */
void db_rollback_all(db_conn *c);

/* Callbacks run after the outermost level ends: on-commit ones after a
 * commit, on-rollback ones after a rollback (or a failed commit), each
 * list in registration order, then forgotten. A savepoint rolled back
 * drops the on-commit callbacks registered inside it and runs its
 * on-rollback ones. Registering the same (fn, arg) twice in one
 * transaction runs it once, so a write may register its cache
 * invalidation every time. Outside a transaction an on-commit callback
 * runs at once and an on-rollback one is ignored. Callbacks run outside
 * any transaction and may use the connection. -1 (e filled) when out of
 * memory. */
typedef void (*db_tx_callback)(db_conn *c, void *arg);
int db_on_commit(db_conn *c, db_tx_callback fn, void *arg, err *e);
int db_on_rollback(db_conn *c, db_tx_callback fn, void *arg, err *e);

/* Versioned schema migrations: each is applied once, in order, inside one
 * transaction, and recorded in schema_migrations. Safe when several
 * processes start at once (the first migrates, the others wait). */
typedef struct db_migration {
    int version;
    const char *name;
    const char *sqlite_sql;
    const char *postgres_sql; /* NULL: same as sqlite_sql */
} db_migration;
int db_migrate(db_conn *c, const db_migration *list, size_t n, err *e);

#endif
