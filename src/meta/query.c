/* query.c - see query.h. */
#include "query.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void query_init(query *q, arena *a)
{
    q->sql = (strbuf)STRBUF_INIT;
    q->values = NULL;
    q->nvalues = q->cap = 0;
    q->a = a;
}

void query_free(query *q)
{
    sb_free(&q->sql);
    free(q->values);
    q->values = NULL;
    q->nvalues = q->cap = 0;
}

void query_sql(query *q, const char *sql)
{
    sb_append(&q->sql, sql);
}

void query_sqlf(query *q, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < (int)sizeof buf) {
        sb_append(&q->sql, buf);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) abort();
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_append(&q->sql, big);
    free(big);
}

static void push_value(query *q, sql_value v)
{
    if (q->nvalues == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 8;
        q->values = realloc(q->values, (size_t)q->cap * sizeof *q->values);
        if (!q->values) abort();
    }
    q->values[q->nvalues++] = v;
}

void query_bind_value(query *q, sql_value v)
{
    if (v.kind == SV_TEXT && v.s) v.s = arena_strdup(q->a, v.s);
    sb_putc(&q->sql, '?');
    push_value(q, v);
}

void query_bind_int(query *q, int64_t v)
{
    query_bind_value(q, (sql_value){.kind = SV_INT, .i = v});
}

void query_bind_text(query *q, const char *s)
{
    query_bind_value(q, s ? (sql_value){.kind = SV_TEXT, .s = s} : (sql_value){.kind = SV_NULL});
}

void query_bind_null(query *q)
{
    query_bind_value(q, (sql_value){.kind = SV_NULL});
}

int query_exec(db_conn *c, const query *q, const char *zh, const char *en, err *e)
{
    db_stmt *s = db_prepare(c, sb_str(&q->sql), e);
    if (!s) return -1;
    query_bind_all(q, s);
    int rc = db_step(s);
    db_finalize(s);
    return rc < 0 ? err_set(e, 500, "db_error", zh, en) : 0;
}

db_stmt *query_prepare(db_conn *c, query *q, err *e)
{
    db_stmt *s = db_prepare(c, sb_str(&q->sql), e);
    if (s) query_bind_all(q, s);
    query_free(q);
    return s;
}

int query_int64(db_conn *c, query *q, int64_t *out, err *e)
{
    *out = 0;
    db_stmt *s = query_prepare(c, q, e);
    if (!s) return -1;
    int step = db_step(s);
    if (step == DB_ROW && !db_column_is_null(s, 0)) *out = db_column_int64(s, 0);
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取记录失败", "Cannot read the records") : step == DB_ROW;
}

int query_ids(db_conn *c, query *q, json_t *ids, err *e)
{
    db_stmt *s = query_prepare(c, q, e);
    if (!s) return -1;
    int step;
    while ((step = db_step(s)) == DB_ROW) json_array_append_new(ids, json_integer(db_column_int64(s, 0)));
    db_finalize(s);
    return step < 0 ? err_set(e, 500, "db_error", "读取记录失败", "Cannot read the records") : 0;
}

void query_key(const query *q, strbuf *key)
{
    sb_append(key, sb_str(&q->sql));
    for (int i = 0; i < q->nvalues; i++) {
        const sql_value *v = &q->values[i];
        if (v->kind == SV_INT) sb_printf(key, "|i%lld", (long long)v->i);
        else if (v->kind == SV_TEXT) sb_printf(key, "|t%zu:%s", strlen(v->s), v->s);
        else if (v->kind == SV_DOUBLE) sb_printf(key, "|d%.17g", v->d);
        else sb_append(key, "|n");
    }
}

void query_bind_all(const query *q, db_stmt *s)
{
    for (int i = 0; i < q->nvalues; i++) {
        const sql_value *v = &q->values[i];
        switch (v->kind) {
        case SV_NULL: db_bind_null(s, i + 1); break;
        case SV_INT: db_bind_int64(s, i + 1, v->i); break;
        case SV_DOUBLE: db_bind_double(s, i + 1, v->d); break;
        case SV_TEXT: db_bind_text(s, i + 1, v->s); break;
        }
    }
}
