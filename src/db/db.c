/* db.c - the dialect-independent half of db.h: dispatch to a backend's
 * db_ops, the per-thread connection pool, transactions, one-shot helpers and
 * versioned migrations. Anything written here works the same on SQLite and
 * PostgreSQL because it only speaks through the ops table. */
#include "db_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/clock.h"
#include "../util/strbuf.h"

/* ---- errors ---------------------------------------------------------- */

void db_set_errmsg(db_conn *c, const char *msg)
{
    if (!c) return;
    snprintf(c->errmsg, sizeof c->errmsg, "%s", msg ? msg : "unknown error");
    /* libpq messages end in a newline; messages are embedded in others. */
    size_t n = strlen(c->errmsg);
    while (n && (c->errmsg[n - 1] == '\n' || c->errmsg[n - 1] == ' '))
        c->errmsg[--n] = '\0';
}

int db_fail(db_conn *c, int rc, err *e, const char *zh_what, const char *en_what)
{
    if (!e) return -1;
    const char *msg = c && c->errmsg[0] ? c->errmsg : "unknown error";
    /* A duplicate is the caller's data, not a server fault. */
    if (rc == DB_ERR_UNIQUE)
        return err_setf(e, 409, "duplicate", "%s：数据重复（%.0s%s）",
                        "%.0s%s: duplicate value (%s)", zh_what, en_what, msg);
    /* another transaction's lock or a conflict with it: nothing was kept,
     * and the same request may well pass a moment later */
    if (rc == DB_ERR_BUSY) return err_set(e, 503, "busy", "系统繁忙，请稍后重试", "The database is busy; please retry");
    return err_setf(e, 500, "db_error", "%s：%.0s%s", "%.0s%s: %s", zh_what, en_what, msg);
}

/* Keeps scheme, user, host and database visible (they help) and hides the
 * password, whether it sits in the userinfo or in a password= parameter. */
void db_redact_url(const char *url, char *out, size_t n)
{
    strbuf sb = STRBUF_INIT;
    const char *p = url ? url : "";
    const char *auth = strstr(p, "://");
    if (auth) {
        auth += 3;
        const char *end = auth + strcspn(auth, "/?"), *at = NULL;
        for (const char *q = auth; q < end; q++)
            if (*q == '@') at = q;
        const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
        if (colon) {
            sb_appendn(&sb, p, (size_t)(colon + 1 - p));
            sb_append(&sb, "***");
            p = at;
        }
    }
    for (const char *pw; (pw = strstr(p, "password=")); p = pw + 9 + strcspn(pw + 9, "& ")) {
        sb_appendn(&sb, p, (size_t)(pw + 9 - p));
        sb_append(&sb, "***");
    }
    sb_append(&sb, p);
    if (n) snprintf(out, n, "%s", sb_str(&sb));
    sb_free(&sb);
}

/* ---- connections ----------------------------------------------------- */

static int is_pg_url(const char *url)
{
    return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

db_conn *db_open(const char *url, err *e)
{
    if (!url || !*url) {
        err_set(e, 500, "db_error", "未指定数据库", "No database given");
        return NULL;
    }
    return is_pg_url(url) ? db_pg_open(url, e) : db_sqlite_open(url, e);
}

static int sqlite_only(db_conn *c, err *e)
{
    if (c->dialect == DB_SQLITE) return 0;
    return err_set(e, 422, "not_sqlite", "PostgreSQL 数据库请用 pg_dump / pg_restore 备份和恢复",
                   "Back up and restore PostgreSQL with pg_dump / pg_restore");
}

int db_backup(db_conn *c, const char *path, err *e)
{
    return sqlite_only(c, e) ? -1 : db_sqlite_backup(c, path, e);
}

int db_restore(db_conn *c, const char *path, err *e)
{
    return sqlite_only(c, e) ? -1 : db_sqlite_restore(c, path, e);
}

static void tx_free(db_conn *c);

void db_close(db_conn *c)
{
    if (!c) return;
    tx_free(c);
    c->ops->close(c);
}

db_dialect db_dialect_of(const db_conn *c)
{
    return c->dialect;
}

const char *db_errmsg(const db_conn *c)
{
    return c ? c->errmsg : "no connection";
}

/* ---- pool ------------------------------------------------------------ */

struct db_pool {
    char *url;
    db_dialect dialect;
    pthread_key_t key; /* the calling thread's connection */
    pthread_mutex_t mu;
    db_conn *conns; /* every open connection, so db_pool_close closes them all */
};

static void pool_link(db_pool *p, db_conn *c)
{
    pthread_mutex_lock(&p->mu);
    c->pool = p;
    c->pool_prev = NULL;
    c->pool_next = p->conns;
    if (p->conns) p->conns->pool_prev = c;
    p->conns = c;
    pthread_mutex_unlock(&p->mu);
}

static void pool_unlink(db_pool *p, db_conn *c)
{
    pthread_mutex_lock(&p->mu);
    if (c->pool_prev)
        c->pool_prev->pool_next = c->pool_next;
    else
        p->conns = c->pool_next;
    if (c->pool_next) c->pool_next->pool_prev = c->pool_prev;
    c->pool = NULL;
    pthread_mutex_unlock(&p->mu);
}

/* Thread exit: a server that replaces worker threads must not leak one
 * connection per thread it ever had. */
static void conn_thread_exit(void *v)
{
    db_conn *c = v;
    if (c->pool) pool_unlink(c->pool, c);
    db_close(c);
}

static db_conn *pool_new_conn(db_pool *p, err *e)
{
    db_conn *c = db_open(p->url, e);
    if (!c) return NULL;
    pool_link(p, c);
    pthread_setspecific(p->key, c);
    return c;
}

db_pool *db_pool_open(const char *url, err *e)
{
    if (!url || !*url) {
        err_set(e, 500, "db_error", "未指定数据库", "No database given");
        return NULL;
    }
    db_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->url = strdup(url)) || pthread_key_create(&p->key, conn_thread_exit) != 0) {
        if (p) free(p->url);
        free(p);
        err_set(e, 500, "db_error", "内存不足", "Out of memory");
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    /* Opening the first connection now reports a bad URL at start-up rather
     * than on the first request; it becomes the opening thread's. */
    db_conn *c = pool_new_conn(p, e);
    if (!c) {
        pthread_key_delete(p->key);
        pthread_mutex_destroy(&p->mu);
        free(p->url);
        free(p);
        return NULL;
    }
    p->dialect = c->dialect;
    return p;
}

void db_pool_close(db_pool *p)
{
    if (!p) return;
    /* After this no thread-exit destructor can run against the pool. */
    pthread_key_delete(p->key);
    pthread_mutex_lock(&p->mu);
    db_conn *c = p->conns;
    p->conns = NULL;
    pthread_mutex_unlock(&p->mu);
    while (c) {
        db_conn *next = c->pool_next;
        c->pool = NULL;
        db_close(c);
        c = next;
    }
    pthread_mutex_destroy(&p->mu);
    free(p->url);
    free(p);
}

db_dialect db_pool_dialect(const db_pool *p)
{
    return p->dialect;
}

void db_schema_epoch(db_conn *c, int64_t epoch)
{
    if (c && c->ops->schema_epoch) c->ops->schema_epoch(c, epoch);
}

db_conn *db_pool_conn(db_pool *p, err *e)
{
    db_conn *c = pthread_getspecific(p->key);
    if (!c) return pool_new_conn(p, e);
    if (c->ops->revive(c) != 0) {
        db_fail(c, DB_ERROR, e, "数据库连接已断开", "Lost the database connection");
        return NULL;
    }
    return c;
}

/* ---- statements: thin dispatch --------------------------------------- */

void db_read_snapshot(db_conn *c, int mode)
{
    if (c && c->ops->read_snapshot) c->ops->read_snapshot(c, mode);
}

db_stmt *db_prepare(db_conn *c, const char *sql, err *e)
{
    if (!c || !sql) {
        err_set(e, 500, "db_error", "没有数据库连接", "No database connection");
        return NULL;
    }
    return c->ops->prepare(c, sql, e);
}

void db_finalize(db_stmt *s)
{
    if (s) s->conn->ops->finalize(s);
}

void db_bind_null(db_stmt *s, int i)
{
    s->conn->ops->bind_null(s, i);
}

void db_bind_int64(db_stmt *s, int i, int64_t v)
{
    s->conn->ops->bind_int64(s, i, v);
}

void db_bind_double(db_stmt *s, int i, double v)
{
    s->conn->ops->bind_double(s, i, v);
}

void db_bind_text(db_stmt *s, int i, const char *v)
{
    if (v)
        s->conn->ops->bind_textn(s, i, v, strlen(v));
    else
        s->conn->ops->bind_null(s, i);
}

void db_bind_textn(db_stmt *s, int i, const char *v, size_t n)
{
    if (v)
        s->conn->ops->bind_textn(s, i, v, n);
    else
        s->conn->ops->bind_null(s, i);
}

/* ---- attempts (db_attempt_start) ---- */

static __thread int attempt_conflict, attempt_wrote, test_conflicts_armed;
static atomic_long test_conflicts_left = -1; /* -1: KEHU_TEST_CONFLICTS not read yet */

void db_attempt_start(void)
{
    attempt_conflict = attempt_wrote = 0;
}

int db_attempt_retriable(void)
{
    return attempt_conflict && !attempt_wrote;
}

void db_note_conflict(void)
{
    attempt_conflict = 1;
}

void db_test_conflicts_arm(int on)
{
    test_conflicts_armed = on;
}

void db_test_conflicts_reset(void)
{
    atomic_store(&test_conflicts_left, -1);
}

/* 1 when this commit is to fail as a conflict (KEHU_TEST_CONFLICTS). */
static int test_conflict_due(void)
{
    if (!test_conflicts_armed) return 0;
    long left = atomic_load(&test_conflicts_left);
    if (left == -1) {
        const char *env = getenv("KEHU_TEST_CONFLICTS");
        long n = env && *env ? atol(env) : 0;
        atomic_compare_exchange_strong(&test_conflicts_left, &left, n);
    }
    while ((left = atomic_load(&test_conflicts_left)) > 0)
        if (atomic_compare_exchange_weak(&test_conflicts_left, &left, left - 1)) return 1;
    return 0;
}

int db_step(db_stmt *s)
{
    int rc = s->conn->ops->step(s);
    /* a write outside a transaction is committed by itself */
    if (rc == DB_DONE && !s->conn->tx_depth && s->conn->ops->changes(s) > 0) attempt_wrote = 1;
    return rc;
}

int db_column_count(db_stmt *s)
{
    return s->conn->ops->column_count(s);
}

const char *db_column_name(db_stmt *s, int i)
{
    return s->conn->ops->column_name(s, i);
}

db_type db_column_type(db_stmt *s, int i)
{
    return s->conn->ops->column_type(s, i);
}

int db_column_is_null(db_stmt *s, int i)
{
    return s->conn->ops->column_type(s, i) == DB_NULL;
}

int64_t db_column_int64(db_stmt *s, int i)
{
    return s->conn->ops->column_int64(s, i);
}

double db_column_double(db_stmt *s, int i)
{
    return s->conn->ops->column_double(s, i);
}

const char *db_column_text(db_stmt *s, int i)
{
    return s->conn->ops->column_text(s, i);
}

size_t db_column_bytes(db_stmt *s, int i)
{
    return s->conn->ops->column_bytes(s, i);
}

int64_t db_changes(db_stmt *s)
{
    return s->conn->ops->changes(s);
}

/* ---- one-shot helpers ------------------------------------------------ */

int db_refresh_statistics(db_conn *c, const char *table, err *e)
{
    if (c->dialect != DB_POSTGRES) return 0;
    char sql[160];
    snprintf(sql, sizeof sql, "ANALYZE %s", table);
    return db_exec(c, sql, e);
}

int db_exec(db_conn *c, const char *sql, err *e)
{
    if (!c || !sql) return err_set(e, 500, "db_error", "没有数据库连接", "No database connection");
    int rc = c->ops->exec(c, sql);
    if (rc >= 0 && !c->tx_depth) attempt_wrote = 1; /* raw SQL outside a transaction may have written */
    return rc < 0 ? db_fail(c, rc, e, "执行 SQL 失败", "SQL failed") : 0;
}

int db_query_int64(db_conn *c, const char *sql, int64_t *out, err *e, int nparams,
                   const char *const *params)
{
    *out = 0;
    db_stmt *s = db_prepare(c, sql, e);
    if (!s) return -1;
    for (int i = 0; i < nparams; i++)
        db_bind_text(s, i + 1, params[i]);
    int rc = db_step(s);
    if (rc == DB_ROW) *out = db_column_int64(s, 0);
    /* Finalizing completes the statement; SQLite applies all changes of a
     * DML ... RETURNING in the first step, so none are lost. */
    db_finalize(s);
    if (rc < 0) return db_fail(c, rc, e, "查询失败", "Query failed");
    return rc == DB_ROW ? 0 : 1;
}

/* ---- transactions ---------------------------------------------------- */

/* What a level must restore when it is a savepoint rolled back alone. */
typedef struct db_tx_level {
    int savepoint;
    int doomed_before;
    size_t ncallbacks_before;
} db_tx_level;

typedef struct db_tx_entry {
    db_tx_callback fn;
    void *arg;
    int on_commit; /* 1: after a commit, 0: after a rollback */
} db_tx_entry;

int db_in_transaction(const db_conn *c)
{
    return c && c->ops->in_transaction(c);
}

int db_tx_depth(const db_conn *c)
{
    return c ? c->tx_depth : 0;
}

static void tx_free(db_conn *c)
{
    free(c->tx_levels);
    free(c->tx_callbacks);
    c->tx_levels = NULL;
    c->tx_callbacks = NULL;
    c->tx_levels_cap = 0;
    c->tx_ncallbacks = c->tx_callbacks_cap = 0;
}

/* Pushes one level; -1 when out of memory. */
static int push_level(db_conn *c, int savepoint)
{
    if (c->tx_depth == c->tx_levels_cap) {
        int cap = c->tx_levels_cap ? c->tx_levels_cap * 2 : 8;
        db_tx_level *l = realloc(c->tx_levels, sizeof *l * (size_t)cap);
        if (!l) {
            db_set_errmsg(c, "out of memory");
            return DB_ERROR;
        }
        c->tx_levels = l;
        c->tx_levels_cap = cap;
    }
    c->tx_levels[c->tx_depth++] =
        (db_tx_level){savepoint, c->tx_doomed, c->tx_ncallbacks};
    return 0;
}

/* The outermost level ended: forget the transaction's state first, so a
 * callback may begin a new one, then run the callbacks of the outcome. */
static void finish(db_conn *c, int committed)
{
    db_tx_entry *list = c->tx_callbacks;
    size_t n = c->tx_ncallbacks;
    c->tx_callbacks = NULL;
    c->tx_ncallbacks = c->tx_callbacks_cap = 0;
    c->tx_depth = 0;
    c->tx_doomed = 0;
    for (size_t i = 0; i < n; i++)
        if (list[i].on_commit == committed) list[i].fn(c, list[i].arg);
    free(list);
}

static int begin_raw(db_conn *c)
{
    if (c->ops->in_transaction(c)) {
        db_set_errmsg(c, "a transaction was opened outside db_begin");
        return DB_ERROR;
    }
    if (push_level(c, 0) < 0) return DB_ERROR;
    int rc = c->ops->exec(c, c->ops->begin_sql);
    if (rc < 0) c->tx_depth = 0;
    return rc;
}

int db_begin(db_conn *c, err *e)
{
    if (!c) return err_set(e, 500, "db_error", "没有数据库连接", "No database connection");
    int rc = c->tx_depth ? push_level(c, 0) : begin_raw(c);
    return rc < 0 ? db_fail(c, rc, e, "开始事务失败", "Could not begin a transaction") : 0;
}

static void savepoint_sql(char *sql, size_t n, const char *verb, int depth)
{
    snprintf(sql, n, "%s kehu_sp%d", verb, depth);
}

int db_savepoint(db_conn *c, err *e)
{
    if (!c || !c->tx_depth) return db_begin(c, e);
    if (push_level(c, 1) < 0) return db_fail(c, DB_ERROR, e, "开始事务失败", "Could not begin a transaction");
    char sql[48];
    savepoint_sql(sql, sizeof sql, "SAVEPOINT", c->tx_depth);
    int rc = c->ops->exec(c, sql);
    if (rc < 0) {
        c->tx_depth--;
        return db_fail(c, rc, e, "开始事务失败", "Could not begin a transaction");
    }
    return 0;
}

static int commit_outermost(db_conn *c, err *e)
{
    if (c->tx_doomed) {
        c->ops->exec(c, "ROLLBACK");
        finish(c, 0);
        return err_set(e, 500, "transaction_aborted", "事务中的一步已失败，整个事务已回滚",
                       "A step inside the transaction failed; the whole transaction was rolled back");
    }
    int rc;
    if (test_conflict_due()) {
        db_set_errmsg(c, "test conflict (KEHU_TEST_CONFLICTS)");
        db_note_conflict();
        rc = DB_ERR_BUSY;
    } else {
        rc = c->ops->commit(c);
    }
    if (rc < 0) {
        /* Callers treat a failed commit as the end of the transaction; make
         * it so, rather than leave a write lock behind. */
        char keep[sizeof c->errmsg];
        memcpy(keep, c->errmsg, sizeof keep);
        if (c->ops->in_transaction(c)) c->ops->exec(c, "ROLLBACK");
        finish(c, 0);
        memcpy(c->errmsg, keep, sizeof keep);
        return db_fail(c, rc, e, "提交事务失败", "Commit failed");
    }
    attempt_wrote = 1;
    finish(c, 1);
    return 0;
}

int db_commit(db_conn *c, err *e)
{
    if (!c) return err_set(e, 500, "db_error", "没有数据库连接", "No database connection");
    if (!c->tx_depth) {
        db_set_errmsg(c, "no transaction is open");
        return db_fail(c, DB_ERROR, e, "提交事务失败", "Commit failed");
    }
    if (c->tx_depth == 1) return commit_outermost(c, e);
    const db_tx_level *l = &c->tx_levels[c->tx_depth - 1];
    if (l->savepoint) {
        char sql[48];
        savepoint_sql(sql, sizeof sql, "RELEASE SAVEPOINT", c->tx_depth);
        if (c->ops->exec(c, sql) < 0) c->tx_doomed = 1; /* the outer commit will say so */
    }
    c->tx_depth--;
    return 0;
}

/* Undoes a savepoint level alone: the outer levels go on as they were
 * when it began. */
static void rollback_savepoint(db_conn *c)
{
    const db_tx_level l = c->tx_levels[c->tx_depth - 1];
    char sql[64];
    savepoint_sql(sql, sizeof sql, "ROLLBACK TO SAVEPOINT", c->tx_depth);
    int rc = c->ops->exec(c, sql);
    savepoint_sql(sql, sizeof sql, "RELEASE SAVEPOINT", c->tx_depth);
    if (rc >= 0) rc = c->ops->exec(c, sql);
    c->tx_depth--;
    c->tx_doomed = rc < 0 ? 1 : l.doomed_before;
    /* What the savepoint did is gone: its on-commit callbacks would announce
     * nothing, its on-rollback ones are due now. */
    db_tx_entry *list = c->tx_callbacks;
    size_t keep = l.ncallbacks_before, n = c->tx_ncallbacks;
    c->tx_ncallbacks = keep;
    for (size_t i = keep; i < n; i++)
        if (!list[i].on_commit) list[i].fn(c, list[i].arg);
}

void db_rollback(db_conn *c)
{
    if (!c) return;
    if (c->tx_depth > 1) {
        if (c->tx_levels[c->tx_depth - 1].savepoint) return rollback_savepoint(c);
        c->tx_doomed = 1; /* an inner level cannot undo its part alone */
        c->tx_depth--;
        return;
    }
    if (c->ops->in_transaction(c)) c->ops->exec(c, "ROLLBACK");
    if (c->tx_depth) finish(c, 0);
}

void db_rollback_all(db_conn *c)
{
    if (!c) return;
    if (c->ops->in_transaction(c)) c->ops->exec(c, "ROLLBACK");
    if (c->tx_depth) finish(c, 0);
}

static int add_callback(db_conn *c, db_tx_callback fn, void *arg, int on_commit, err *e)
{
    if (!c->tx_depth) {
        if (on_commit) fn(c, arg);
        return 0;
    }
    db_tx_entry *list = c->tx_callbacks;
    for (size_t i = 0; i < c->tx_ncallbacks; i++)
        if (list[i].fn == fn && list[i].arg == arg && list[i].on_commit == on_commit) return 0;
    if (c->tx_ncallbacks == c->tx_callbacks_cap) {
        size_t cap = c->tx_callbacks_cap ? c->tx_callbacks_cap * 2 : 8;
        list = realloc(list, sizeof *list * cap);
        if (!list) return err_set(e, 500, "db_error", "内存不足", "Out of memory");
        c->tx_callbacks = list;
        c->tx_callbacks_cap = cap;
    }
    list[c->tx_ncallbacks++] = (db_tx_entry){fn, arg, on_commit};
    return 0;
}

int db_on_commit(db_conn *c, db_tx_callback fn, void *arg, err *e)
{
    return add_callback(c, fn, arg, 1, e);
}

int db_on_rollback(db_conn *c, db_tx_callback fn, void *arg, err *e)
{
    return add_callback(c, fn, arg, 0, e);
}

/* ---- migrations ------------------------------------------------------ */

static const char MIGRATIONS_TABLE[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                       "version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)";

/* 1 applied, 0 not, -1 error (e filled). */
static int migration_applied(db_conn *c, int version, err *e)
{
    char v[16];
    snprintf(v, sizeof v, "%d", version);
    const char *params[] = {v};
    int64_t n = 0;
    if (db_query_int64(c,
                       "SELECT COUNT(*) FROM schema_migrations WHERE version = CAST(? AS INTEGER)",
                       &n, e, 1, params) < 0)
        return -1;
    return n > 0;
}

/* The read-only fast path of every start after the first: no write lock
 * taken when there is nothing to do. 1 when all are applied. */
static int all_applied(db_conn *c, const db_migration *list, size_t n)
{
    const char *exists =
        c->dialect == DB_POSTGRES
            ? "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 ELSE 1 END"
            : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
              "'schema_migrations'";
    err e;
    err_clear(&e);
    int64_t found = 0;
    if (db_query_int64(c, exists, &found, &e, 0, NULL) < 0 || !found) return 0;
    for (size_t i = 0; i < n; i++)
        if (migration_applied(c, list[i].version, &e) != 1) return 0;
    return 1;
}

/* Another process may hold the write lock for longer than the busy
 * timeout while it migrates; waiting is what the contract promises. */
static int begin_for_migration(db_conn *c)
{
    int rc = DB_ERR_BUSY;
    for (int attempt = 0; attempt < 24 && rc == DB_ERR_BUSY; attempt++) {
        rc = begin_raw(c);
        if (rc == DB_ERR_BUSY) nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
    }
    return rc;
}

static int apply_one(db_conn *c, const db_migration *m, err *e)
{
    const char *sql =
        c->dialect == DB_POSTGRES && m->postgres_sql ? m->postgres_sql : m->sqlite_sql;
    int rc = c->ops->exec(c, sql);
    if (rc < 0)
        return err_setf(e, 500, "db_error", "数据库迁移 %d（%s）失败：%s",
                        "Migration %d (%s) failed: %s", m->version, m->name, c->errmsg);
    char v[16], now[ISO_TIME_LEN];
    snprintf(v, sizeof v, "%d", m->version);
    iso_now(now);
    const char *params[] = {v, m->name, now};
    int64_t ignored;
    if (db_query_int64(c,
                       "INSERT INTO schema_migrations(version, name, applied_at) "
                       "VALUES (CAST(? AS INTEGER), ?, ?) RETURNING version",
                       &ignored, e, 3, params) < 0)
        return -1;
    return 0;
}

/* Under the lock, the applied set is read again: whoever waited sees what
 * the winner did and applies nothing twice. */
static int migrate_locked(db_conn *c, const db_migration *list, size_t n, err *e)
{
    if (c->ops->migration_lock_sql && c->ops->exec(c, c->ops->migration_lock_sql) < 0)
        return db_fail(c, DB_ERROR, e, "获取迁移锁失败", "Could not take the migration lock");
    if (c->ops->exec(c, MIGRATIONS_TABLE) < 0)
        return db_fail(c, DB_ERROR, e, "创建迁移表失败", "Could not create schema_migrations");
    for (size_t i = 0; i < n; i++) {
        int applied = migration_applied(c, list[i].version, e);
        if (applied < 0) return -1;
        if (!applied && apply_one(c, &list[i], e)) return -1;
    }
    return 0;
}

int db_migrate(db_conn *c, const db_migration *list, size_t n, err *e)
{
    if (!c) return err_set(e, 500, "db_error", "没有数据库连接", "No database connection");
    if (all_applied(c, list, n)) return 0;
    int rc = begin_for_migration(c);
    if (rc < 0) return db_fail(c, rc, e, "开始迁移事务失败", "Could not begin the migration");
    if (migrate_locked(c, list, n, e)) {
        db_rollback(c);
        return -1;
    }
    return db_commit(c, e);
}

long db_slow_sql_ms(void)
{
    static atomic_long ms = -2; /* read once; every thread reads the same */
    long now = atomic_load_explicit(&ms, memory_order_relaxed);
    if (now == -2) {
        const char *env = getenv("KEHU_SLOW_SQL_MS");
        now = env && *env ? atol(env) : -1;
        atomic_store_explicit(&ms, now, memory_order_relaxed);
    }
    return now;
}

void db_log_slow(long long ms, const char *sql)
{
    long limit = db_slow_sql_ms();
    if (limit >= 0 && ms >= limit) fprintf(stderr, "kehu: slow statement %lld ms: %s\n", ms, sql ? sql : "");
}
