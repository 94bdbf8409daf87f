/* db_internal.h - what db.c shares with the two backends and nobody else.
 * db.c owns everything the dialects have in common (pool, transactions,
 * migrations, one-shot helpers); a backend only fills a db_ops table, so a
 * third dialect would be one more file and no change above src/db. Tests may
 * include it to reach the pieces worth testing on their own (the placeholder
 * rewrite). */
#ifndef KEHU_DB_INTERNAL_H
#define KEHU_DB_INTERNAL_H

#include "db.h"

typedef struct db_ops {
    void (*close)(db_conn *c);
    db_stmt *(*prepare)(db_conn *c, const char *sql, err *e);
    void (*finalize)(db_stmt *s);
    void (*bind_null)(db_stmt *s, int i);
    void (*bind_int64)(db_stmt *s, int i, int64_t v);
    void (*bind_double)(db_stmt *s, int i, double v);
    void (*bind_textn)(db_stmt *s, int i, const char *v, size_t n);
    int (*step)(db_stmt *s);
    int (*column_count)(db_stmt *s);
    const char *(*column_name)(db_stmt *s, int i);
    db_type (*column_type)(db_stmt *s, int i);
    int64_t (*column_int64)(db_stmt *s, int i);
    double (*column_double)(db_stmt *s, int i);
    const char *(*column_text)(db_stmt *s, int i);
    size_t (*column_bytes)(db_stmt *s, int i);
    int64_t (*changes)(db_stmt *s);
    /* Runs SQL without parameters, possibly several statements. Returns
     * DB_DONE or a negative DB_ERR*, with the message in c->errmsg. */
    int (*exec)(db_conn *c, const char *sql);
    /* COMMIT; a backend whose transaction is already doomed rolls back and
     * reports an error instead of pretending to have committed. */
    int (*commit)(db_conn *c);
    int (*in_transaction)(const db_conn *c);
    /* Called when a pooled connection is handed out again: reconnects a
     * connection the server dropped. 0 when usable. */
    int (*revive)(db_conn *c);
    /* db_schema_epoch; NULL when the backend needs nothing (SQLite
     * re-prepares a statement whose tables changed by itself). */
    void (*schema_epoch)(db_conn *c, int64_t epoch);
    /* db_read_snapshot; NULL when the backend gains nothing by it. */
    void (*read_snapshot)(db_conn *c, int mode);
    const char *begin_sql;
    /* Taken inside the migration transaction so concurrent starters queue
     * up; NULL when begin_sql already serialises writers. */
    const char *migration_lock_sql;
} db_ops;

/* Every backend connection starts with this; backends cast to their own. */
struct db_conn {
    const db_ops *ops;
    db_dialect dialect;
    db_pool *pool; /* NULL when opened with db_open */
    db_conn *pool_prev, *pool_next;
    char errmsg[512];
    /* Nested transactions, kept by db.c alone: how many db_begin are open,
     * whether an inner level rolled back (the outermost commit then fails),
     * what each level must restore if it is a savepoint, and the callbacks
     * to run once the outermost level ends. */
    int tx_depth;
    int tx_doomed;
    struct db_tx_level *tx_levels;
    int tx_levels_cap;
    struct db_tx_entry *tx_callbacks;
    size_t tx_ncallbacks, tx_callbacks_cap;
};

struct db_stmt {
    db_conn *conn;
};

/* Backend constructors; both fill e on failure. */
db_conn *db_sqlite_open(const char *path, err *e);
db_conn *db_pg_open(const char *url, err *e);
int db_sqlite_backup(db_conn *c, const char *path, err *e);
int db_sqlite_restore(db_conn *c, const char *path, err *e);

/* Rewrites `?` placeholders to $1..$n outside quotes and comments. Returns
 * a malloc'ed string and sets *nparams. */
char *db_pg_rewrite(const char *sql, int *nparams);

/* Shared error reporting: fills e with status 500, code "db_error" and the
 * connection's message (or 409 "duplicate" for a unique violation). */
int db_fail(db_conn *c, int rc, err *e, const char *zh_what, const char *en_what);
void db_set_errmsg(db_conn *c, const char *msg);
/* The URL with any password replaced by ***, for messages. */
void db_redact_url(const char *url, char *out, size_t n);

/* KEHU_SLOW_SQL_MS=N: each statement that ran N ms or longer is written
 * to stderr with its time, for finding what makes an answer slow
 * (docs/deploy.md). -1 when unset. db_log_slow writes the SQL text only:
 * bound values may be secrets (a session's token, a search's words). */
long db_slow_sql_ms(void);
void db_log_slow(long long ms, const char *sql);

#endif
