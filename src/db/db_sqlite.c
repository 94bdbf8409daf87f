/* db_sqlite.c - the SQLite backend of db.h, the default database.
 *
 * One connection per thread (db.h's rule), so connections are opened
 * NOMUTEX: SQLite's own locking would only cost time. Settings chosen for a
 * CRM's data: WAL so readers never block the writer, every commit on disk
 * before it returns so an acknowledged write survives a power cut (fsyncs
 * shared by concurrent writers: sqlite_durable.h), foreign keys enforced, and a busy
 * timeout so concurrent writers queue instead of failing at once.
 *
 * Statements are cached per connection by SQL text: db_finalize resets the
 * statement and parks it; db_prepare of the same text takes it back, so the
 * hot queries of the request handlers are compiled once per thread. */
#include "db_internal.h"
#include "sqlite_durable.h"

#include <ctype.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SQ_CACHE_MAX = 64, SQ_BUSY_MS = 5000 };

/* Finalized statements of one SQLite handle, waiting for reuse, and how
 * many of that handle's statements are out (prepared, not yet finalized). */
typedef struct sq_cache {
    struct sq_stmt *idle[SQ_CACHE_MAX];
    int nidle;
    uint64_t tick; /* LRU clock */
    int live;
} sq_cache;

typedef struct sq_stmt {
    db_stmt base;
    sqlite3_stmt *st;
    sqlite3 *db;    /* the handle it was prepared on */
    sq_cache *home; /* that handle's cache */
    char *sql; /* the cache key */
    uint64_t hash;
    uint64_t last_used;
    int64_t changes;
    int stepped; /* stepped since the last reset: binding must reset first */
    int plain_read; /* a SELECT (or WITH) that writes nothing: may share a read snapshot */
} sq_stmt;

struct sq_writer;

typedef struct sq_conn {
    db_conn base;
    sqlite3 *db;     /* the handle statements run on now: own, or the writer's */
    sq_cache *cache; /* and its statements */
    sqlite3 *own;    /* this connection's own handle */
    sq_cache own_cache;
    struct sq_writer *writer; /* while this connection runs on it, holding the turn */
    char *path;               /* the file, for its writer; NULL when none */
    /* db_read_snapshot: while `snapshot` is on, plain reads outside a
     * transaction run inside one read transaction of ours (`reading`),
     * begun by the first of them and ended before anything else runs. */
    int snapshot, reading;
    sqlite3_stmt *begin_st, *commit_st; /* BEGIN and COMMIT, kept */
    int has_turn; /* holds the process's write turn (take_turn) */
    sqlite_durable_owner owner; /* the WAL hook's way back to this connection */
} sq_conn;

static const db_ops SQ_OPS;

static sq_conn *conn_of(db_conn *c)
{
    return (sq_conn *)c;
}

static sq_stmt *stmt_of(db_stmt *s)
{
    return (sq_stmt *)s;
}

/* The statement cache's key hash, eight bytes a step: a byte at a time it
 * cost a detail read some 10,000 instructions over its 3 KB of SQL. A
 * collision only costs the strcmp that follows it. */
static uint64_t sql_hash(const char *s)
{
    size_t n = strlen(s), i = 0;
    uint64_t h = 1469598103934665603ULL ^ n, w;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
        h ^= h >> 29;
    }
    w = 0;
    memcpy(&w, s + i, n - i);
    h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 32);
}

/* Extended result code -> db.h code; the message is kept for db_errmsg. */
static int sq_error(sq_conn *c, int rc)
{
    int ext = sqlite3_extended_errcode(c->db);
    if (ext == 0 || (ext & 0xff) != (rc & 0xff)) ext = rc;
    db_set_errmsg(&c->base, sqlite3_errmsg(c->db));
    switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
        return DB_ERR_UNIQUE;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return DB_ERR_FOREIGN;
    }
    switch (ext & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return DB_ERR_BUSY;
    }
    return DB_ERROR;
}

/* ---- statement cache ------------------------------------------------- */

static void stmt_destroy(sq_stmt *s)
{
    sqlite3_finalize(s->st);
    free(s->sql);
    free(s);
}

static sq_stmt *cache_take(sq_cache *c, const char *sql, uint64_t hash)
{
    for (int i = 0; i < c->nidle; i++) {
        sq_stmt *s = c->idle[i];
        if (s->hash == hash && strcmp(s->sql, sql) == 0) {
            c->idle[i] = c->idle[--c->nidle];
            return s;
        }
    }
    return NULL;
}

static void cache_clear(sq_cache *c)
{
    for (int i = 0; i < c->nidle; i++)
        stmt_destroy(c->idle[i]);
    c->nidle = 0;
}

static void cache_put(sq_cache *c, sq_stmt *s)
{
    if (c->nidle == SQ_CACHE_MAX) {
        int lru = 0;
        for (int i = 1; i < c->nidle; i++)
            if (c->idle[i]->last_used < c->idle[lru]->last_used) lru = i;
        stmt_destroy(c->idle[lru]);
        c->idle[lru] = c->idle[--c->nidle];
    }
    s->last_used = ++c->tick;
    c->idle[c->nidle++] = s;
}

/* 1 when sql begins (after blanks) with `word`, in any case. */
static int starts_with_word(const char *sql, const char *word)
{
    while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r') sql++;
    size_t n = strlen(word);
    return sqlite3_strnicmp(sql, word, (int)n) == 0 && !isalnum((unsigned char)sql[n]) && sql[n] != '_';
}

static void writer_take(sq_conn *c);
static void end_turn(sq_conn *c);

static db_stmt *sq_prepare(db_conn *dc, const char *sql, err *e)
{
    sq_conn *c = conn_of(dc);
    writer_take(c);
    uint64_t hash = sql_hash(sql);
    sq_stmt *s = cache_take(c->cache, sql, hash);
    if (s) {
        s->base.conn = dc; /* a writer's statements serve every connection in turn */
        c->cache->live++;
        return &s->base;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK || !st) {
        if (rc == SQLITE_OK)
            db_set_errmsg(dc, "empty SQL statement");
        else
            sq_error(c, rc);
        sqlite3_finalize(st);
        db_fail(dc, DB_ERROR, e, "SQL 准备失败", "Could not prepare SQL");
        end_turn(c); /* taken for this statement alone */
        return NULL;
    }
    s = calloc(1, sizeof *s);
    if (!s || !(s->sql = strdup(sql))) {
        free(s);
        sqlite3_finalize(st);
        err_set(e, 500, "db_error", "内存不足", "Out of memory");
        end_turn(c);
        return NULL;
    }
    s->base.conn = dc;
    s->st = st;
    s->db = c->db;
    s->home = c->cache;
    s->hash = hash;
    c->cache->live++;
    /* Transaction control and pragmas count as read-only to SQLite too:
     * only a query may join the snapshot. */
    s->plain_read = (starts_with_word(sql, "SELECT") || starts_with_word(sql, "WITH")) && sqlite3_stmt_readonly(st);
    return &s->base;
}

static void sq_finalize(db_stmt *ds)
{
    sq_stmt *s = stmt_of(ds);
    /* Reset ends the statement's read or write, so a parked statement never
     * pins a WAL snapshot or holds a lock. */
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    s->stepped = 0;
    s->changes = 0;
    s->home->live--;
    cache_put(s->home, s);
    /* the writer's last statement out, its transaction over: the turn
     * (and the writer) go to the next */
    sq_conn *c = conn_of(ds->conn);
    if (c->writer) end_turn(c);
}

/* ---- binding and stepping -------------------------------------------- */

/* Lets callers bind the next row's values right after stepping the last
 * one (a loop of inserts) without an explicit reset in the API. */
static sqlite3_stmt *for_binding(db_stmt *ds)
{
    sq_stmt *s = stmt_of(ds);
    if (s->stepped) {
        sqlite3_reset(s->st);
        s->stepped = 0;
    }
    return s->st;
}

static void sq_bind_null(db_stmt *s, int i)
{
    sqlite3_bind_null(for_binding(s), i);
}

static void sq_bind_int64(db_stmt *s, int i, int64_t v)
{
    sqlite3_bind_int64(for_binding(s), i, v);
}

static void sq_bind_double(db_stmt *s, int i, double v)
{
    sqlite3_bind_double(for_binding(s), i, v);
}

static void sq_bind_textn(db_stmt *s, int i, const char *v, size_t n)
{
    sqlite3_bind_text64(for_binding(s), i, v, n, SQLITE_TRANSIENT, SQLITE_UTF8);
}

/* Ends our read transaction, so that what runs next sees the latest
 * commits or writes. Statements still reading go on: SQLite keeps their
 * snapshot until they are reset. */
static void end_read(sq_conn *c)
{
    if (!c->reading) return;
    c->reading = 0;
    sqlite3_step(c->commit_st);
    sqlite3_reset(c->commit_st);
    /* a read transaction cannot fail to commit; if it ever did, the
     * caller's next db_begin must not find it open */
    if (!sqlite3_get_autocommit(c->own)) sqlite3_exec(c->own, "ROLLBACK", NULL, NULL, NULL);
}

/* Before a plain read's first step with the snapshot on: begins our read
 * transaction unless one (ours or the caller's) is open. */
static void begin_read(sq_conn *c)
{
    /* not on the writer: it is held for single statements or a transaction */
    if (c->reading || c->writer || !sqlite3_get_autocommit(c->own)) return;
    if (!c->begin_st &&
        (sqlite3_prepare_v3(c->own, "BEGIN", -1, SQLITE_PREPARE_PERSISTENT, &c->begin_st, NULL) != SQLITE_OK ||
         sqlite3_prepare_v3(c->own, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT, &c->commit_st, NULL) != SQLITE_OK)) {
        sqlite3_finalize(c->begin_st);
        c->begin_st = NULL;
        c->snapshot = 0; /* not worth failing a read for */
        return;
    }
    int rc = sqlite3_step(c->begin_st);
    sqlite3_reset(c->begin_st);
    c->reading = rc == SQLITE_DONE;
}

static int sq_step(db_stmt *ds)
{
    sq_stmt *s = stmt_of(ds);
    sq_conn *c = conn_of(ds->conn);
    if (!s->plain_read) end_read(c); /* a write or transaction control: never inside our snapshot */
    else if (c->snapshot && !s->stepped) begin_read(c);
    s->stepped = 1;
    int rc = sqlite3_step(s->st);
    if (c->has_turn && rc != SQLITE_ROW) end_turn(c); /* a COMMIT or ROLLBACK run as a statement */
    if (rc == SQLITE_ROW) return DB_ROW;
    if (rc == SQLITE_DONE) {
        s->changes = sqlite3_stmt_readonly(s->st) ? 0 : sqlite3_changes64(s->db);
        return DB_DONE;
    }
    int mapped = sq_error(c, rc);
    sqlite3_reset(s->st); /* the next step starts over, as on PostgreSQL */
    s->stepped = 0;
    return mapped;
}

/* ---- columns --------------------------------------------------------- */

static int sq_column_count(db_stmt *s)
{
    return sqlite3_column_count(stmt_of(s)->st);
}

static const char *sq_column_name(db_stmt *s, int i)
{
    return sqlite3_column_name(stmt_of(s)->st, i);
}

static db_type sq_column_type(db_stmt *s, int i)
{
    switch (sqlite3_column_type(stmt_of(s)->st, i)) {
    case SQLITE_INTEGER:
        return DB_INT;
    case SQLITE_FLOAT:
        return DB_REAL;
    case SQLITE_NULL:
        return DB_NULL;
    default:
        return DB_TEXT; /* BLOBs are not used by Kehu; read them as bytes */
    }
}

static int64_t sq_column_int64(db_stmt *s, int i)
{
    return sqlite3_column_int64(stmt_of(s)->st, i);
}

static double sq_column_double(db_stmt *s, int i)
{
    return sqlite3_column_double(stmt_of(s)->st, i);
}

static const char *sq_column_text(db_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(stmt_of(s)->st, i);
}

static size_t sq_column_bytes(db_stmt *s, int i)
{
    return (size_t)sqlite3_column_bytes(stmt_of(s)->st, i);
}

static int64_t sq_changes(db_stmt *s)
{
    return stmt_of(s)->changes;
}

/* ---- connection ------------------------------------------------------ */

/* The process's writers take turns on a mutex before SQLite's write lock:
 * SQLite's busy handler sleeps 1, 2, 5 ... 100 ms between tries, so with
 * every connection writing (group commit no longer holds threads in
 * fsync) a writer that lost a few tries slept for hundreds of ms (a p99
 * of 470 ms on POST /accounts). Waiting on the mutex wakes it as soon as
 * the previous transaction ends. Other processes still meet the busy
 * timeout. A thread that already holds the turn (a second connection of
 * its own writing) does not wait for itself. */
static pthread_mutex_t write_turn = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local int thread_has_turn;

/* The writer: one more handle per database file, on which a request that
 * writes (db_prefer_writer) runs all its statements, each taken with the
 * turn. A handle finding at the start of a read that another handle has
 * committed since its last one drops its page cache and its whole mmap of
 * the file (the other core's TLB flushed, each page then faulted in again,
 * those in the WAL read again): with a handle per thread, nearly every
 * statement of a stream of creates began so, 715 µs of CPU a create on two
 * threads against 447 µs on one (bench/RESULTS.md). The writer's own
 * commits leave its cache and mapping in place. Reads of other requests
 * stay on each thread's handle, in parallel. Only threads whose commits
 * are deferred (sqlite_durable_defer: a commit never waits in the WAL hook
 * holding the writer) use it. */
#define MAX_WRITERS 8
typedef struct sq_writer {
    char path[4096];
    sqlite3 *db; /* NULL when it could not be opened (not tried again) */
    sq_cache cache;
} sq_writer;
static sq_writer writers[MAX_WRITERS]; /* under write_turn */
static int nwriters;
static _Thread_local int prefer_writer;

static int sq_configure_handle(sqlite3 *db, sqlite_durable_owner *owner);

/* The writer of c's file, opened on first use; NULL when there is none.
 * Under the turn. */
static sq_writer *writer_of(sq_conn *c)
{
    if (!c->path) return NULL;
    for (int i = 0; i < nwriters; i++)
        if (strcmp(writers[i].path, c->path) == 0) return writers[i].db ? &writers[i] : NULL;
    if (nwriters == MAX_WRITERS || strlen(c->path) >= sizeof writers[0].path) return NULL;
    sq_writer *w = &writers[nwriters++];
    snprintf(w->path, sizeof w->path, "%s", c->path);
    if (sqlite3_open_v2(c->path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        sq_configure_handle(w->db, NULL) != SQLITE_OK) {
        sqlite3_close_v2(w->db);
        w->db = NULL;
    }
    return w->db ? w : NULL;
}

static void take_turn(sq_conn *c)
{
    if (c->has_turn || thread_has_turn) return;
    pthread_mutex_lock(&write_turn);
    thread_has_turn = 1;
    c->has_turn = 1;
}

/* Before a statement or a BEGIN IMMEDIATE of c: moves c onto the writer,
 * with the turn, when its thread prefers it and c is free to move: no
 * statement of its own handle out (it would go on outside what runs on
 * the writer), no transaction or read snapshot of its own open, and the
 * turn not held by the thread already (another of its connections). */
static void writer_take(sq_conn *c)
{
    if (c->writer || !prefer_writer || !c->path || c->has_turn || thread_has_turn || c->own_cache.live ||
        c->reading || !sqlite3_get_autocommit(c->own) || !sqlite_durable_deferring())
        return;
    take_turn(c);
    sq_writer *w = writer_of(c);
    if (!w) { /* no writer (it could not be opened): c's own handle, as before */
        end_turn(c);
        return;
    }
    c->writer = w;
    c->db = w->db;
    c->cache = &w->cache;
}

/* Gives the turn back once c's transaction has ended (also from the WAL
 * hook, before a commit waits for its fsync: the next writer may commit
 * meanwhile and share it). On the writer only with no transaction open
 * and none of its statements out, the next thread using the same handle. */
static void end_turn(sq_conn *c)
{
    if (!c->has_turn || !sqlite3_get_autocommit(c->db)) return;
    if (c->writer) {
        if (c->writer->cache.live) return;
        c->writer = NULL;
        c->db = c->own;
        c->cache = &c->own_cache;
    }
    c->has_turn = 0;
    thread_has_turn = 0;
    pthread_mutex_unlock(&write_turn);
}

static void turn_over(void *arg)
{
    end_turn(arg);
}

/* The checkpointer's turn (sqlite_durable_turns): it holds no connection
 * of ours, only the mutex. */
static void turn_lock(void)
{
    pthread_mutex_lock(&write_turn);
}

static void turn_unlock(void)
{
    pthread_mutex_unlock(&write_turn);
}

static int sq_exec(db_conn *dc, const char *sql)
{
    sq_conn *c = conn_of(dc);
    end_read(c); /* BEGIN IMMEDIATE, pragmas, migrations: never inside our snapshot */
    if (sql == SQ_OPS.begin_sql) {
        writer_take(c);
        take_turn(c);
    }
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    int mapped = rc == SQLITE_OK ? DB_DONE : sq_error(c, rc); /* before the writer goes */
    end_turn(c);
    return mapped;
}

static int sq_commit(db_conn *dc)
{
    return sq_exec(dc, "COMMIT");
}

/* Our read snapshot is no transaction of the caller's. */
static int sq_in_transaction(const db_conn *dc)
{
    const sq_conn *c = (const sq_conn *)dc;
    return !sqlite3_get_autocommit(c->db) && !c->reading;
}

static void sq_read_snapshot(db_conn *dc, int mode)
{
    sq_conn *c = conn_of(dc);
    if (mode != DB_SNAPSHOT_FRESH) c->snapshot = mode == DB_SNAPSHOT_ON;
    end_read(c);
}

static int sq_revive(db_conn *dc)
{
    return 0; /* a file does not hang up */
}

static void sq_close(db_conn *dc)
{
    sq_conn *c = conn_of(dc);
    end_read(c);
    if (c->has_turn) {
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        if (c->writer) c->writer->cache.live = 0; /* statements still out are never finalized now */
        end_turn(c);
    }
    cache_clear(&c->own_cache);
    sqlite3_finalize(c->begin_st);
    sqlite3_finalize(c->commit_st);
    /* _v2: statements a caller still holds keep the handle alive until
     * they are finalized, instead of making close fail. */
    sqlite3_close_v2(c->own);
    free(c->path);
    free(c);
}

static int sq_is_wal(sqlite3 *db)
{
    sqlite3_stmt *s = NULL;
    int wal = sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL) == SQLITE_OK &&
              sqlite3_step(s) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(s, 0), "wal") == 0;
    sqlite3_finalize(s);
    return wal;
}

/* The profile hook of KEHU_SLOW_SQL_MS (db_log_slow). */
static int log_slow_statement(unsigned kind, void *ctx, void *stmt, void *ns)
{
    (void)ctx;
    if (kind == SQLITE_TRACE_PROFILE) db_log_slow(*(long long *)ns / 1000000, sqlite3_sql((sqlite3_stmt *)stmt));
    return 0;
}

/* The settings of every handle, a connection's own or a writer; SQLite's
 * code. owner: the WAL hook's way back (NULL for a writer, whose turn
 * ends when its statement is finalized). */
static int sq_configure_handle(sqlite3 *db, sqlite_durable_owner *owner)
{
    sqlite3_extended_result_codes(db, 1);
    /* Before journal_mode: switching to WAL takes a lock that another
     * process opening the same new file may hold for a moment. */
    sqlite3_busy_timeout(db, SQ_BUSY_MS);
    if (db_slow_sql_ms() >= 0) sqlite3_trace_v2(db, SQLITE_TRACE_PROFILE, log_slow_statement, NULL);
    /* NORMAL: the commit hook makes each commit durable in groups.
     * mmap_size: pages are read straight from the kernel's page cache
     * instead of copied by one pread each; a search touching thousands of
     * index pages at 1M customers served 2.3x the requests (bench/RESULTS.md,
     * 2026-12-04). The mapping shows as file-backed RSS, not private memory.
     * 2 GiB less 64 KiB is the most SQLite maps on Linux by default. */
    int rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
                              "PRAGMA synchronous=NORMAL;"
                              "PRAGMA foreign_keys=ON;"
                              "PRAGMA mmap_size=2147418112;",
                          NULL, NULL, NULL);
    if (rc != SQLITE_OK) return rc;
    if (!sq_is_wal(db)) return sqlite3_exec(db, "PRAGMA synchronous=FULL;", NULL, NULL, NULL); /* no WAL, no hook */
    sqlite_durable_turns(turn_lock, turn_unlock);
    sqlite_durable_install(db, owner);
    return SQLITE_OK;
}

static int sq_configure(sq_conn *c)
{
    c->owner = (sqlite_durable_owner){turn_over, c};
    int rc = sq_configure_handle(c->own, &c->owner);
    return rc == SQLITE_OK ? DB_DONE : sq_error(c, rc);
}

/* Before SQLite's first use, settings of the library:
 * - no memory statistics. Kept, they take a global mutex around every
 *   allocation and free of every connection (this SQLite is built without
 *   lookaside, so a row's text columns each cost one: 22 of them a detail
 *   read), and Kehu never asks for them;
 * - statement journals in memory up to 128 KiB (SQLite's default: 64 KiB).
 *   Inside a transaction every statement keeps the pages it changes so it
 *   can be undone alone, and FTS5's flush of the search words writes its
 *   segment and merges through nested statements: past 64 KiB SQLite moved
 *   that journal into a temporary file, made and unlinked on every create
 *   (8 system calls, under the write lock); at 128 KiB 9 creates in 350
 *   still make one. Not more: with any limit from 132 KiB up, SQLite
 *   3.40 answers "database or disk is full" to a DROP INDEX of a large
 *   index inside a transaction, as a schema upgrade does (test_db.c). */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 128 << 10);
}

db_conn *db_sqlite_open(const char *path, err *e)
{
    pthread_once(&sqlite_once, sqlite_setup);
    sq_conn *c = calloc(1, sizeof *c);
    if (!c) {
        err_set(e, 500, "db_error", "内存不足", "Out of memory");
        return NULL;
    }
    c->base.ops = &SQ_OPS;
    c->base.dialect = DB_SQLITE;
    c->cache = &c->own_cache;
    int rc = sqlite3_open_v2(
        path, &c->own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    c->db = c->own;
    /* a writer opens the file by its name: none for a database in memory
     * or a temporary one, each a database of its own */
    const char *file = rc == SQLITE_OK ? sqlite3_db_filename(c->own, "main") : NULL;
    if (file && *file) c->path = strdup(file);
    if (rc != SQLITE_OK || sq_configure(c) < 0) {
        db_set_errmsg(&c->base, c->own ? sqlite3_errmsg(c->own) : sqlite3_errstr(rc));
        err_setf(e, 500, "db_error", "无法打开数据库 %s：%s", "Cannot open database %s: %s", path,
                 c->base.errmsg);
        sqlite3_close_v2(c->own);
        free(c->path);
        free(c);
        return NULL;
    }
    return &c->base;
}

/* Copies the whole database `from` into `to` with SQLite's online backup
 * API in one step: one read transaction, so the copy is one consistent
 * moment even while others write (WAL readers do not block writers). */
static int sq_copy(sqlite3 *from, sqlite3 *to, const char **why)
{
    sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
    if (!b) {
        *why = sqlite3_errmsg(to);
        return -1;
    }
    int rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) *why = sqlite3_errstr(rc);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* A whole, readable Kehu database: SQLite's integrity check passes and
 * the migrations table is there. */
static int sq_verify(sqlite3 *db, const char **why)
{
    sqlite3_stmt *s = NULL;
    int ok = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL) == SQLITE_OK &&
             sqlite3_step(s) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(s, 0), "ok") == 0;
    sqlite3_finalize(s);
    if (!ok) {
        *why = "integrity check failed";
        return -1;
    }
    s = NULL;
    ok = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'", -1, &s, NULL) ==
             SQLITE_OK &&
         sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    if (!ok) *why = "not a Kehu database";
    return ok ? 0 : -1;
}

int db_sqlite_backup(db_conn *c, const char *path, err *e)
{
    sqlite3 *to = NULL;
    const char *why = NULL;
    int rc = sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) why = to ? sqlite3_errmsg(to) : sqlite3_errstr(rc);
    else rc = sq_copy(((sq_conn *)c)->own, to, &why);
    /* one self-contained file: no -wal beside it to lose in a copy */
    if (rc == 0 && sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
        why = sqlite3_errmsg(to);
        rc = -1;
    }
    if (rc == 0) rc = sq_verify(to, &why);
    if (rc) err_setf(e, 500, "db_error", "备份失败：%s", "Backup failed: %s", why ? why : "?");
    sqlite3_close_v2(to);
    return rc ? -1 : 0;
}

int db_sqlite_restore(db_conn *c, const char *path, err *e)
{
    sqlite3 *from = NULL;
    const char *why = NULL;
    int rc = sqlite3_open_v2(path, &from, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) why = from ? sqlite3_errmsg(from) : sqlite3_errstr(rc);
    else rc = sq_verify(from, &why); /* never over a good database with a bad file */
    if (rc == 0) rc = sq_copy(from, ((sq_conn *)c)->own, &why);
    if (rc) err_setf(e, 500, "db_error", "恢复失败：%s", "Restore failed: %s", why ? why : "?");
    sqlite3_close_v2(from);
    return rc ? -1 : 0;
}

void db_durable_defer(int on)
{
    sqlite_durable_defer(on);
}

void db_prefer_writer(int on)
{
    prefer_writer = on;
}

int db_durable_pending(db_durable_ticket *t)
{
    sqlite_durable_ticket st;
    if (!sqlite_durable_pending(&st)) return 0;
    t->group = st.group;
    t->n = st.n;
    return 1;
}

int db_durable_notify(const db_durable_ticket *t, void (*done)(void *arg, int ok), void *arg)
{
    sqlite_durable_ticket st = {t->group, t->n};
    return sqlite_durable_notify(&st, done, arg);
}

static const db_ops SQ_OPS = {
    .close = sq_close,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .bind_null = sq_bind_null,
    .bind_int64 = sq_bind_int64,
    .bind_double = sq_bind_double,
    .bind_textn = sq_bind_textn,
    .step = sq_step,
    .column_count = sq_column_count,
    .column_name = sq_column_name,
    .column_type = sq_column_type,
    .column_int64 = sq_column_int64,
    .column_double = sq_column_double,
    .column_text = sq_column_text,
    .column_bytes = sq_column_bytes,
    .changes = sq_changes,
    .exec = sq_exec,
    .commit = sq_commit,
    .in_transaction = sq_in_transaction,
    .revive = sq_revive,
    .read_snapshot = sq_read_snapshot,
    .begin_sql = "BEGIN IMMEDIATE",
    .migration_lock_sql = NULL,
};
