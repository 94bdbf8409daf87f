/* query.h - SQL text plus the values bound to its `?` placeholders, built
 * together so a fragment and its values can never get out of step. Filter,
 * sort, search and the access-control predicate all append to one query. */
#ifndef KEHU_QUERY_H
#define KEHU_QUERY_H

#include <stdint.h>

#include "../db/db.h"
#include "../util/arena.h"
#include "../util/strbuf.h"

typedef enum sql_kind { SV_NULL = 0, SV_INT, SV_TEXT, SV_DOUBLE } sql_kind;

typedef struct sql_value {
    sql_kind kind;
    int64_t i;
    double d;
    const char *s; /* SV_TEXT: NUL-terminated, owned by the query's arena */
} sql_value;

typedef struct query {
    strbuf sql;
    sql_value *values;
    int nvalues, cap;
    arena *a; /* where bound text lives; not owned */
} query;

void query_init(query *q, arena *a);
void query_free(query *q); /* frees the SQL text and the value array */
void query_sql(query *q, const char *sql);
void query_sqlf(query *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append a placeholder and its value in one call. */
void query_bind_value(query *q, sql_value v);
void query_bind_int(query *q, int64_t v);
void query_bind_text(query *q, const char *s); /* copied into the arena */
void query_bind_null(query *q);
/* Appends q's SQL text and every bound value to key, so two queries with
 * the same key read the same rows (a cache key: the visibility
 * predicate's values are in it, so users never share what they may not). */
void query_key(const query *q, strbuf *key);
/* Binds every collected value to a prepared statement, starting at index 1. */
void query_bind_all(const query *q, db_stmt *s);
/* Runs q as one statement that returns no rows (UPDATE, DELETE); a
 * failure is 500 db_error with the message given. The caller frees q. */
int query_exec(db_conn *c, const query *q, const char *zh, const char *en, err *e);
/* The statement of q, prepared with its values bound (NULL with e filled);
 * q is freed either way. */
db_stmt *query_prepare(db_conn *c, query *q, err *e);
/* Runs q and sets *out to the first column of its first row (0 when
 * there is no row or it is NULL); q is freed either way. 1 with a row, 0
 * without, -1 with e filled (500 db_error). */
int query_int64(db_conn *c, query *q, int64_t *out, err *e);
/* Runs q and appends its rows' first column (an id) to the JSON array
 * `ids`; q is freed either way. */
struct json_t;
int query_ids(db_conn *c, query *q, struct json_t *ids, err *e);

#endif
