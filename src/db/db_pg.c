/* db_pg.c - the PostgreSQL backend of db.h, over libpq.
 *
 * Callers write SQLite-style `?` placeholders; they are rewritten to $n
 * here. A statement runs on its first db_step (text parameters, types left
 * to the server), and its rows are then read from the PGresult.
 *
 * Each connection keeps the statements it ran as server-side prepared
 * statements (STMT_CACHE of them, the oldest given up first), so the
 * planner does not plan the same SELECT again on every request: planning
 * a record read with its joins over a table of many indexes costs several
 * times its execution. Only plain DML is kept (SELECT, INSERT, UPDATE,
 * DELETE, WITH), and Kehu names its columns, so a column a custom field
 * adds replans a kept statement instead of changing its result type.
 *
 * Values come back as text; they are typed from the column's type OID so
 * that callers see DB_INT/DB_REAL/DB_TEXT as on SQLite (booleans read as
 * 1/0, integral NUMERIC such as SUM(bigint) as an integer). */
#include "db_internal.h"

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/clock.h"
#include "../util/strbuf.h"

/* Built-in type OIDs (catalog/pg_type.h is a server header). */
enum {
    PG_BOOL = 16,
    PG_INT8 = 20,
    PG_INT2 = 21,
    PG_INT4 = 23,
    PG_OID = 26,
    PG_FLOAT4 = 700,
    PG_FLOAT8 = 701,
    PG_NUMERIC = 1700,
};

#define STMT_CACHE 256

/* One kept statement: prepared on the server as "k<id>". */
typedef struct kept_stmt {
    uint64_t hash; /* of sql; 0: a free slot */
    char *sql;
    unsigned id;
} kept_stmt;

typedef struct pg_conn {
    db_conn base;
    PGconn *pg;
    kept_stmt kept[STMT_CACHE];
    unsigned next_id;   /* names are never reused on one session */
    unsigned next_evict; /* round robin over a full cache */
    int64_t epoch;       /* db_schema_epoch the kept statements were made under */
} pg_conn;

typedef struct pg_stmt {
    db_stmt base;
    char *sql; /* with $n placeholders */
    int nparams;
    char **values; /* owned copies; NULL binds SQL NULL */
    int *lengths;
    PGresult *res; /* NULL until executed; cleared by binding */
    int row;       /* current row; -1 before the first */
    int done;      /* DB_DONE was returned: the next step runs it again */
    int64_t changes;
} pg_stmt;

static const db_ops PG_OPS;

static pg_conn *conn_of(db_conn *c)
{
    return (pg_conn *)c;
}

static pg_stmt *stmt_of(db_stmt *s)
{
    return (pg_stmt *)s;
}

/* ---- placeholder rewrite --------------------------------------------- */

static int ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (unsigned char)c >= 0x80;
}

/* Length of a '...' literal starting at p; E'...' strings also honour
 * backslash escapes. Unterminated literals run to the end. */
static size_t quoted_len(const char *p, char quote, int backslash)
{
    size_t i = 1;
    for (; p[i]; i++) {
        if (backslash && p[i] == '\\' && p[i + 1])
            i++;
        else if (p[i] == quote && p[i + 1] == quote)
            i++; /* doubled quote */
        else if (p[i] == quote)
            return i + 1;
    }
    return i;
}

/* PostgreSQL block comments nest. */
static size_t block_comment_len(const char *p)
{
    size_t i = 2;
    int depth = 1;
    while (p[i] && depth) {
        if (p[i] == '/' && p[i + 1] == '*')
            depth++, i += 2;
        else if (p[i] == '*' && p[i + 1] == '/')
            depth--, i += 2;
        else
            i++;
    }
    return i;
}

/* $tag$...$tag$; 0 when p does not open a dollar quote ($1 is a parameter). */
static size_t dollar_quote_len(const char *p)
{
    size_t t = 1;
    if (p[t] >= '0' && p[t] <= '9') return 0;
    while (p[t] && p[t] != '$' && ident_char(p[t]))
        t++;
    if (p[t] != '$') return 0;
    t++; /* the tag, dollars included, is p[0..t) */
    for (const char *q = p + t; (q = strchr(q, '$')); q++)
        if (strncmp(q, p, t) == 0) return (size_t)(q - p) + t;
    return strlen(p);
}

/* Length of the quoted or commented span at p (0 if none): such text is
 * copied unchanged, so a `?` inside it is not a placeholder. */
static size_t skip_len(const char *sql, const char *p)
{
    int after_ident = p > sql && ident_char(p[-1]);
    if (*p == '\'') {
        int e_string =
            p > sql && (p[-1] == 'E' || p[-1] == 'e') && !(p - 1 > sql && ident_char(p[-2]));
        return quoted_len(p, '\'', e_string);
    }
    if (*p == '"') return quoted_len(p, '"', 0);
    if (p[0] == '-' && p[1] == '-') return strcspn(p, "\n");
    if (p[0] == '/' && p[1] == '*') return block_comment_len(p);
    if (*p == '$' && !after_ident) return dollar_quote_len(p);
    return 0;
}

char *db_pg_rewrite(const char *sql, int *nparams)
{
    strbuf out = STRBUF_INIT;
    int n = 0;
    sb_reserve(&out, strlen(sql) + 16);
    for (const char *p = sql; *p;) {
        size_t skip = skip_len(sql, p);
        if (skip) {
            sb_appendn(&out, p, skip);
            p += skip;
        } else if (*p == '?') {
            sb_printf(&out, "$%d", ++n);
            p++;
        } else {
            sb_putc(&out, *p++);
        }
    }
    *nparams = n;
    return sb_detach(&out);
}

/* ---- errors ---------------------------------------------------------- */

static int sqlstate_code(const char *state)
{
    if (!state) return DB_ERROR;
    if (strcmp(state, "23505") == 0) return DB_ERR_UNIQUE;
    if (strcmp(state, "23503") == 0) return DB_ERR_FOREIGN;
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) {
        db_note_conflict(); /* PostgreSQL asks for the transaction again */
        return DB_ERR_BUSY;
    }
    if (strcmp(state, "55P03") == 0) return DB_ERR_BUSY; /* a lock wait timed out: retrying waits again */
    return DB_ERROR;
}

/* Keeps the primary message only: DETAIL lines can quote row values. A NULL
 * result means the connection itself failed. */
static int pg_error(pg_conn *c, const PGresult *res)
{
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!msg) msg = res ? PQresultErrorMessage(res) : NULL;
    if (!msg || !*msg) msg = PQerrorMessage(c->pg);
    db_set_errmsg(&c->base, msg);
    return res ? sqlstate_code(PQresultErrorField(res, PG_DIAG_SQLSTATE)) : DB_ERROR;
}

/* ---- statements ------------------------------------------------------ */

static db_stmt *pg_prepare(db_conn *dc, const char *sql, err *e)
{
    pg_stmt *s = calloc(1, sizeof *s);
    if (!s) {
        err_set(e, 500, "db_error", "内存不足", "Out of memory");
        return NULL;
    }
    s->base.conn = dc;
    s->sql = db_pg_rewrite(sql, &s->nparams);
    s->row = -1;
    if (s->nparams) {
        s->values = calloc((size_t)s->nparams, sizeof *s->values);
        s->lengths = calloc((size_t)s->nparams, sizeof *s->lengths);
        if (!s->values || !s->lengths) {
            free(s->values);
            free(s->lengths);
            free(s->sql);
            free(s);
            err_set(e, 500, "db_error", "内存不足", "Out of memory");
            return NULL;
        }
    }
    return &s->base;
}

static void clear_result(pg_stmt *s)
{
    PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    s->done = 0;
}

static void pg_finalize(db_stmt *ds)
{
    pg_stmt *s = stmt_of(ds);
    clear_result(s);
    for (int i = 0; i < s->nparams; i++)
        free(s->values[i]);
    free(s->values);
    free(s->lengths);
    free(s->sql);
    free(s);
}

/* Binding after a run starts a new one, as sqlite3_reset would. */
static void set_param(db_stmt *ds, int i, char *owned, int len)
{
    pg_stmt *s = stmt_of(ds);
    if (s->res || s->done) clear_result(s);
    if (i < 1 || i > s->nparams) {
        free(owned);
        return;
    }
    free(s->values[i - 1]);
    s->values[i - 1] = owned;
    s->lengths[i - 1] = len;
}

static char *copy_text(const char *v, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) abort(); /* as strbuf does: no way to report it from a bind */
    memcpy(p, v, n);
    p[n] = '\0';
    return p;
}

static void pg_bind_null(db_stmt *s, int i)
{
    set_param(s, i, NULL, 0);
}

static void pg_bind_int64(db_stmt *s, int i, int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    set_param(s, i, copy_text(buf, (size_t)n), n);
}

static void pg_bind_double(db_stmt *s, int i, double v)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%.17g", v); /* round-trips exactly */
    set_param(s, i, copy_text(buf, (size_t)n), n);
}

static void pg_bind_textn(db_stmt *s, int i, const char *v, size_t n)
{
    set_param(s, i, copy_text(v, n), (int)n);
}

/* PQcmdTuples also counts the rows of a SELECT; db.h means rows changed. */
static int64_t rows_changed(PGresult *res)
{
    const char *cmd = PQcmdStatus(res);
    static const char *const dml[] = {"INSERT ", "UPDATE ", "DELETE ", "MERGE "};
    for (size_t i = 0; i < sizeof dml / sizeof dml[0]; i++)
        if (strncmp(cmd, dml[i], strlen(dml[i])) == 0) return strtoll(PQcmdTuples(res), NULL, 10);
    return 0;
}

/* ---- kept statements -------------------------------------------------- */

static uint64_t sql_hash(const char *sql)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++) h = (h ^ *p) * 1099511628211ull;
    return h ? h : 1;
}

/* Plain DML only: utility statements (DDL, SET, LOCK) cannot all be
 * prepared, and run once anyway. */
static int keepable(const char *sql)
{
    while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(') sql++;
    static const char *const verbs[] = {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"};
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        size_t n = strlen(verbs[i]);
        if (strncasecmp(sql, verbs[i], n) == 0 && !ident_char(sql[n])) return 1;
    }
    return 0;
}

static void forget_kept(pg_conn *c)
{
    for (int i = 0; i < STMT_CACHE; i++) {
        free(c->kept[i].sql);
        c->kept[i] = (kept_stmt){0};
    }
}

/* A plan kept from before a column changed type: the server refuses it
 * ("cached plan must not change result type") until it is prepared again. */
static int stale_plan(const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return state && strcmp(state, "0A000") == 0;
}

static void pg_schema_epoch(db_conn *dc, int64_t epoch)
{
    pg_conn *c = conn_of(dc);
    if (epoch == c->epoch || PQtransactionStatus(c->pg) != PQTRANS_IDLE) return; /* next time */
    c->epoch = epoch;
    if (!c->next_id) return; /* never kept one */
    PQclear(PQexec(c->pg, "DEALLOCATE ALL"));
    forget_kept(c);
}

/* Gives up one kept statement: its slot is free after this. The server's
 * copy goes too, except inside a failed transaction, which refuses every
 * command (a stale plan's error leaves one): there the name, never reused,
 * stays until DEALLOCATE ALL or the connection's end. */
static void drop_kept(pg_conn *c, kept_stmt *k)
{
    if (PQtransactionStatus(c->pg) != PQTRANS_INERROR) {
        char drop[32];
        snprintf(drop, sizeof drop, "DEALLOCATE k%u", k->id);
        PQclear(PQexec(c->pg, drop));
    }
    free(k->sql);
    *k = (kept_stmt){0};
}

/* The kept statement for sql, prepared now if new; NULL: run it unprepared
 * (not keepable), or, with *failed set, the prepare's error result (a
 * statement the server cannot parse: running it again would only hide
 * the reason behind "transaction aborted"). */
static const kept_stmt *kept_for(pg_conn *c, const char *sql, int nparams, PGresult **failed)
{
    if (!keepable(sql)) return NULL;
    uint64_t h = sql_hash(sql);
    int free_slot = -1;
    for (int i = 0; i < STMT_CACHE; i++) {
        if (c->kept[i].hash == h && strcmp(c->kept[i].sql, sql) == 0) return &c->kept[i];
        if (!c->kept[i].hash && free_slot < 0) free_slot = i;
    }
    if (free_slot < 0) { /* full: give up the next in turn */
        free_slot = (int)(c->next_evict++ % STMT_CACHE);
        drop_kept(c, &c->kept[free_slot]);
    }
    kept_stmt *k = &c->kept[free_slot];
    char name[16];
    unsigned id = c->next_id++;
    snprintf(name, sizeof name, "k%u", id);
    PGresult *res = PQprepare(c->pg, name, sql, nparams, NULL);
    if (!res) return NULL; /* the connection failed: the unprepared run says so */
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        *failed = res;
        return NULL;
    }
    PQclear(res);
    char *copy = strdup(sql);
    if (!copy) abort(); /* as strbuf does */
    *k = (kept_stmt){.hash = h, .sql = copy, .id = id};
    return k;
}

static int execute(pg_stmt *s)
{
    pg_conn *c = conn_of(s->base.conn);
    PGresult *failed = NULL;
    int64_t started = db_slow_sql_ms() >= 0 ? clock_us() : 0;
    const kept_stmt *k =
        PQtransactionStatus(c->pg) == PQTRANS_INERROR ? NULL : kept_for(c, s->sql, s->nparams, &failed);
    if (failed) {
        s->res = failed;
    } else if (k) {
        char name[16];
        snprintf(name, sizeof name, "k%u", k->id);
        s->res = PQexecPrepared(c->pg, name, s->nparams, (const char *const *)s->values, s->lengths, NULL, 0);
    } else {
        s->res = PQexecParams(c->pg, s->sql, s->nparams, NULL, (const char *const *)s->values, s->lengths, NULL, 0);
    }
    if (started) db_log_slow((clock_us() - started) / 1000, s->sql);
    ExecStatusType st = s->res ? PQresultStatus(s->res) : PGRES_FATAL_ERROR;
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK || st == PGRES_EMPTY_QUERY) {
        s->changes = rows_changed(s->res);
        s->row = -1;
        return 0;
    }
    if (k && stale_plan(s->res)) drop_kept(c, (kept_stmt *)k); /* made again under a new name next time */
    int rc = pg_error(c, s->res);
    clear_result(s);
    return rc;
}

static int pg_step(db_stmt *ds)
{
    pg_stmt *s = stmt_of(ds);
    if (s->done) clear_result(s); /* stepping after DONE runs it again, as SQLite does */
    if (!s->res) {
        int rc = execute(s);
        if (rc < 0) return rc;
    }
    if (s->row + 1 < PQntuples(s->res)) {
        s->row++;
        return DB_ROW;
    }
    s->done = 1;
    return DB_DONE;
}

/* ---- columns --------------------------------------------------------- */

static int has_value(pg_stmt *s, int i)
{
    return s->res && s->row >= 0 && s->row < PQntuples(s->res) && i >= 0 && i < PQnfields(s->res) &&
           !PQgetisnull(s->res, s->row, i);
}

static int pg_column_count(db_stmt *s)
{
    return stmt_of(s)->res ? PQnfields(stmt_of(s)->res) : 0;
}

static const char *pg_column_name(db_stmt *ds, int i)
{
    pg_stmt *s = stmt_of(ds);
    return s->res && i >= 0 && i < PQnfields(s->res) ? PQfname(s->res, i) : NULL;
}

/* SUM(bigint) and friends are NUMERIC; without a fraction they are whole
 * numbers, which SQLite would report as integers too. */
static int integral(const char *v)
{
    if (*v == '-') v++;
    size_t digits = strspn(v, "0123456789");
    return digits > 0 && digits <= 18 && v[digits] == '\0';
}

static db_type pg_column_type(db_stmt *ds, int i)
{
    pg_stmt *s = stmt_of(ds);
    if (!has_value(s, i)) return DB_NULL;
    switch (PQftype(s->res, i)) {
    case PG_BOOL:
    case PG_INT2:
    case PG_INT4:
    case PG_INT8:
    case PG_OID:
        return DB_INT;
    case PG_FLOAT4:
    case PG_FLOAT8:
        return DB_REAL;
    case PG_NUMERIC:
        return integral(PQgetvalue(s->res, s->row, i)) ? DB_INT : DB_REAL;
    default:
        return DB_TEXT;
    }
}

static const char *pg_column_text(db_stmt *ds, int i)
{
    pg_stmt *s = stmt_of(ds);
    if (!has_value(s, i)) return NULL;
    const char *v = PQgetvalue(s->res, s->row, i);
    if (PQftype(s->res, i) == PG_BOOL) return *v == 't' ? "1" : "0";
    return v;
}

static size_t pg_column_bytes(db_stmt *ds, int i)
{
    pg_stmt *s = stmt_of(ds);
    if (!has_value(s, i)) return 0;
    if (PQftype(s->res, i) == PG_BOOL) return 1;
    return (size_t)PQgetlength(s->res, s->row, i);
}

static int64_t pg_column_int64(db_stmt *ds, int i)
{
    const char *v = pg_column_text(ds, i);
    if (!v) return 0;
    db_type t = pg_column_type(ds, i);
    return t == DB_REAL ? (int64_t)strtod(v, NULL) : strtoll(v, NULL, 10);
}

static double pg_column_double(db_stmt *ds, int i)
{
    const char *v = pg_column_text(ds, i);
    return v ? strtod(v, NULL) : 0.0;
}

static int64_t pg_changes(db_stmt *s)
{
    return stmt_of(s)->changes;
}

/* ---- connection ------------------------------------------------------ */

static int pg_exec(db_conn *dc, const char *sql)
{
    pg_conn *c = conn_of(dc);
    PGresult *res = PQexec(c->pg, sql);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    int rc = DB_DONE;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)
        rc = pg_error(c, res);
    PQclear(res);
    return rc;
}

static int pg_in_transaction(const db_conn *dc)
{
    PGTransactionStatusType t = PQtransactionStatus(((const pg_conn *)dc)->pg);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

/* COMMIT of a transaction that already failed quietly rolls back and
 * reports success; say what really happened. */
static int pg_commit(db_conn *dc)
{
    pg_conn *c = conn_of(dc);
    if (PQtransactionStatus(c->pg) == PQTRANS_INERROR) {
        char msg[sizeof dc->errmsg];
        snprintf(msg, sizeof msg, "transaction rolled back after an earlier error: %.400s",
                 dc->errmsg);
        pg_exec(dc, "ROLLBACK");
        db_set_errmsg(dc, msg);
        return DB_ERROR;
    }
    return pg_exec(dc, "COMMIT");
}

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* "relation already exists, skipping" is not news */
}

/* Session settings, also needed again after a reconnect. */
static int pg_session_setup(pg_conn *c)
{
    PQsetNoticeProcessor(c->pg, ignore_notice, NULL);
    if (PQsetClientEncoding(c->pg, "UTF8") != 0) {
        db_set_errmsg(&c->base, PQerrorMessage(c->pg));
        return -1;
    }
    return pg_exec(&c->base, "SET TIME ZONE 'UTC'") < 0 ? -1 : 0;
}

static int pg_revive(db_conn *dc)
{
    pg_conn *c = conn_of(dc);
    if (PQstatus(c->pg) == CONNECTION_OK) return 0;
    PQreset(c->pg);
    forget_kept(c); /* a new session has none of them */
    if (PQstatus(c->pg) != CONNECTION_OK) {
        db_set_errmsg(dc, PQerrorMessage(c->pg));
        return -1;
    }
    return pg_session_setup(c);
}

static void pg_close(db_conn *dc)
{
    forget_kept(conn_of(dc));
    PQfinish(conn_of(dc)->pg);
    free(dc);
}

db_conn *db_pg_open(const char *url, err *e)
{
    pg_conn *c = calloc(1, sizeof *c);
    if (!c) {
        err_set(e, 500, "db_error", "内存不足", "Out of memory");
        return NULL;
    }
    c->base.ops = &PG_OPS;
    c->base.dialect = DB_POSTGRES;
    /* Defaults first: the URL, expanded last, overrides them. */
    const char *const keys[] = {"connect_timeout", "fallback_application_name", "dbname", NULL};
    const char *const vals[] = {"10", "kehu", url, NULL};
    c->pg = PQconnectdbParams(keys, vals, 1);
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK || pg_session_setup(c) != 0) {
        char shown[256];
        db_redact_url(url, shown, sizeof shown);
        if (c->pg && PQstatus(c->pg) != CONNECTION_OK)
            db_set_errmsg(&c->base, PQerrorMessage(c->pg));
        else if (!c->pg)
            db_set_errmsg(&c->base, "out of memory");
        err_setf(e, 500, "db_error", "无法连接数据库 %s：%s", "Cannot connect to %s: %s", shown,
                 c->base.errmsg);
        PQfinish(c->pg);
        free(c);
        return NULL;
    }
    return &c->base;
}

static const db_ops PG_OPS = {
    .close = pg_close,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .bind_null = pg_bind_null,
    .bind_int64 = pg_bind_int64,
    .bind_double = pg_bind_double,
    .bind_textn = pg_bind_textn,
    .step = pg_step,
    .column_count = pg_column_count,
    .column_name = pg_column_name,
    .column_type = pg_column_type,
    .column_int64 = pg_column_int64,
    .column_double = pg_column_double,
    .column_text = pg_column_text,
    .column_bytes = pg_column_bytes,
    .changes = pg_changes,
    .exec = pg_exec,
    .commit = pg_commit,
    .in_transaction = pg_in_transaction,
    .revive = pg_revive,
    .schema_epoch = pg_schema_epoch,
    .begin_sql = "BEGIN",
    /* Any constant works; this one spells "kehu" in ASCII. */
    .migration_lock_sql = "SELECT pg_advisory_xact_lock(1801807989)",
};
