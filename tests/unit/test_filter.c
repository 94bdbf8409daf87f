/* test_filter.c - filter JSON and sort text to SQL: the shape of the SQL
 * (only placeholders and known column names), every operator's rows on a
 * real SQLite table, and the bounds on hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "entity/filter.h"
#include "fixture_entity.h"

static arena *A;
static db_conn *DB;

static filter_ctx ctx(db_dialect d)
{
    return (filter_ctx){&fixture_entity, d, "t", NULL, NULL};
}

/* Compiles; returns the error code (NULL on success) and the SQL in *sql. */
static const char *compile(const char *json, db_dialect d, char *sql, size_t n, int *nvalues)
{
    static char code[32];
    query q;
    query_init(&q, A);
    err e;
    err_clear(&e);
    filter_ctx c = ctx(d);
    int rc = filter_compile(&c, json, strlen(json), &q, &e);
    snprintf(sql, n, "%s", sb_str(&q.sql));
    if (nvalues) *nvalues = q.nvalues;
    query_free(&q);
    if (rc == 0) return NULL;
    assert_int_equal(e.status, 400);
    snprintf(code, sizeof code, "%s", e.code);
    return code;
}

/* Runs a filter on the fixture table and returns the ids as "1,3". */
static const char *ids(const char *json)
{
    static char out[128];
    query q;
    query_init(&q, A);
    err e;
    err_clear(&e);
    filter_ctx c = ctx(DB_SQLITE);
    query_sql(&q, "SELECT t.id FROM things t WHERE ");
    assert_int_equal(filter_compile(&c, json, strlen(json), &q, &e), 0);
    query_sql(&q, " ORDER BY t.id");
    db_stmt *s = db_prepare(DB, sb_str(&q.sql), &e);
    assert_non_null(s);
    query_bind_all(&q, s);
    out[0] = '\0';
    while (db_step(s) == DB_ROW)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%lld", out[0] ? "," : "",
                 (long long)db_column_int64(s, 0));
    db_finalize(s);
    query_free(&q);
    return out;
}

static void values_are_bound_never_pasted(void **state)
{
    char sql[512];
    int n;
    assert_null(compile("{\"field\":\"name\",\"op\":\"eq\",\"value\":\"x'); DROP TABLE things;--\"}", DB_SQLITE, sql, sizeof sql, &n));
    assert_string_equal(sql, "(t.name = ?)");
    assert_int_equal(n, 1);
    assert_null(compile("{\"and\":[{\"field\":\"employees\",\"op\":\"gte\",\"value\":10},{\"or\":[{\"field\":\"grade\",\"op\":\"in\",\"value\":[\"A\",\"B\"]},{\"field\":\"name\",\"op\":\"contains\",\"value\":\"50%_\"}]}]}",
                        DB_SQLITE, sql, sizeof sql, &n));
    assert_string_equal(sql, "((t.employees >= ?) AND ((t.grade IN (?, ?)) OR (t.name LIKE ? ESCAPE '\\')))");
    assert_int_equal(n, 4);
    assert_null(compile("{\"field\":\"name\",\"op\":\"starts\",\"value\":\"南\"}", DB_POSTGRES, sql, sizeof sql, &n));
    assert_string_equal(sql, "(t.name ILIKE ? ESCAPE '\\')");
    assert_null(compile("", DB_SQLITE, sql, sizeof sql, &n));
    assert_string_equal(sql, "1=1");
    assert_null(compile("{}", DB_SQLITE, sql, sizeof sql, &n));
    assert_string_equal(sql, "1=1");
}

/* "few": a planner hint on SQLite only; the rows selected are the same. */
static void few_is_a_hint_for_sqlite(void **state)
{
    (void)state;
    char sql[512];
    int n = 0;
    const char *json = "{\"field\":\"grade\",\"op\":\"in\",\"value\":[\"A\",\"B\"],\"few\":true}";
    assert_null(compile(json, DB_SQLITE, sql, sizeof sql, &n));
    assert_string_equal(sql, "likelihood((t.grade IN (?, ?)), 0.05)");
    assert_int_equal(n, 2);
    assert_null(compile(json, DB_POSTGRES, sql, sizeof sql, &n));
    assert_string_equal(sql, "(t.grade IN (?, ?))");
    assert_null(compile("{\"field\":\"grade\",\"op\":\"eq\",\"value\":\"A\",\"few\":false}", DB_SQLITE, sql, sizeof sql, &n));
    assert_string_equal(sql, "(t.grade = ?)");
    assert_string_equal(compile("{\"field\":\"grade\",\"op\":\"eq\",\"value\":\"A\",\"few\":1}", DB_SQLITE, sql, sizeof sql, NULL), "bad_filter");
    assert_string_equal(ids("{\"field\":\"grade\",\"op\":\"in\",\"value\":[\"A\"],\"few\":true}"), "1");
}

static void bad_filters_are_400(void **state)
{
    char sql[256];
    const char *bad[] = {
        "{", "[1]", "\"x\"", "{\"field\":\"nope\",\"op\":\"eq\",\"value\":1}",
        "{\"field\":\"name\",\"op\":\"like\",\"value\":\"x\"}", "{\"field\":\"name\"}",
        "{\"field\":\"employees\",\"op\":\"eq\",\"value\":\"many\"}",
        "{\"field\":\"grade\",\"op\":\"gt\",\"value\":\"A\"}",
        "{\"field\":\"employees\",\"op\":\"contains\",\"value\":\"1\"}",
        "{\"field\":\"name\",\"op\":\"in\",\"value\":[]}", "{\"and\":[]}", "{\"and\":{}}",
        "{\"and\":[],\"or\":[]}", "{\"field\":\"name\",\"op\":\"eq\",\"value\":\"x\",\"extra\":1}",
        "{\"field\":\"name\",\"op\":\"eq\",\"value\":\"a\",\"field\":\"id\"}",
        "{\"field\":\"name\",\"op\":\"eq\"}", "{\"field\":\"name\",\"op\":\"contains\",\"value\":\"\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *code = compile(bad[i], DB_SQLITE, sql, sizeof sql, NULL);
        if (!code) fail_msg("accepted: %s", bad[i]);
        assert_string_equal(code, "bad_filter");
        assert_string_equal(sql, ""); /* nothing was left in the query */
    }
}

static void depth_nodes_and_in_lists_are_bounded(void **state)
{
    char json[8192], sql[4096];
    /* depth 8 passes, 9 fails */
    for (int depth = 8; depth <= 9; depth++) {
        json[0] = '\0';
        for (int i = 1; i < depth; i++) strcat(json, "{\"and\":[");
        strcat(json, "{\"field\":\"name\",\"op\":\"eq\",\"value\":\"x\"}");
        for (int i = 1; i < depth; i++) strcat(json, "]}");
        const char *code = compile(json, DB_SQLITE, sql, sizeof sql, NULL);
        if (depth == 8) assert_null(code);
        else assert_string_equal(code, "bad_filter");
    }
    strcpy(json, "{\"or\":[");
    for (int i = 0; i < 101; i++) strcat(json, i ? ",{\"field\":\"id\",\"op\":\"eq\",\"value\":1}" : "{\"field\":\"id\",\"op\":\"eq\",\"value\":1}");
    strcat(json, "]}");
    assert_string_equal(compile(json, DB_SQLITE, sql, sizeof sql, NULL), "bad_filter"); /* 101 conditions (groups do not count) */
    strcpy(json, "{\"field\":\"id\",\"op\":\"in\",\"value\":[");
    for (int i = 0; i < 501; i++) strcat(json, i ? ",1" : "1");
    strcat(json, "]}");
    assert_string_equal(compile(json, DB_SQLITE, sql, sizeof sql, NULL), "bad_filter");
}

static void operators_select_the_right_rows(void **state)
{
    assert_string_equal(ids("{\"field\":\"grade\",\"op\":\"eq\",\"value\":\"A\"}"), "1");
    assert_string_equal(ids("{\"field\":\"grade\",\"op\":\"ne\",\"value\":\"A\"}"), "2,3,4"); /* 4: no grade */
    assert_string_equal(ids("{\"field\":\"grade\",\"op\":\"eq\",\"value\":null}"), "4");
    assert_string_equal(ids("{\"field\":\"employees\",\"op\":\"lt\",\"value\":100}"), "1");
    assert_string_equal(ids("{\"field\":\"employees\",\"op\":\"lte\",\"value\":100}"), "1,2");
    assert_string_equal(ids("{\"field\":\"employees\",\"op\":\"gt\",\"value\":100}"), "3");
    assert_string_equal(ids("{\"field\":\"employees\",\"op\":\"gte\",\"value\":100}"), "2,3");
    assert_string_equal(ids("{\"field\":\"revenue\",\"op\":\"gte\",\"value\":\"0.3\"}"), "2");
    assert_string_equal(ids("{\"field\":\"grade\",\"op\":\"in\",\"value\":[\"A\",\"old\"]}"), "1,3");
    assert_string_equal(ids("{\"field\":\"grade\",\"op\":\"nin\",\"value\":[\"A\"]}"), "2,3,4");
    assert_string_equal(ids("{\"field\":\"name\",\"op\":\"contains\",\"value\":\"京\"}"), "1,2");
    assert_string_equal(ids("{\"field\":\"name\",\"op\":\"contains\",\"value\":\"%\"}"), "3");
    assert_string_equal(ids("{\"field\":\"name\",\"op\":\"contains\",\"value\":\"_\"}"), "3");
    assert_string_equal(ids("{\"field\":\"name\",\"op\":\"starts\",\"value\":\"南\"}"), "1");
    assert_string_equal(ids("{\"field\":\"email\",\"op\":\"isnull\"}"), "3,4"); /* '' counts as empty */
    assert_string_equal(ids("{\"field\":\"email\",\"op\":\"notnull\"}"), "1,2");
    assert_string_equal(ids("{\"field\":\"tags\",\"op\":\"contains\",\"value\":\"A\"}"), "1,3");
    assert_string_equal(ids("{\"field\":\"tags\",\"op\":\"in\",\"value\":[\"B\"]}"), "2,3");
    assert_string_equal(ids("{\"field\":\"hot\",\"op\":\"eq\",\"value\":true}"), "2");
    assert_string_equal(ids("{\"field\":\"founded\",\"op\":\"gte\",\"value\":\"2020-01-01\"}"), "2,3");
    assert_string_equal(ids("{\"field\":\"next_at\",\"op\":\"lt\",\"value\":\"2026-01-01\"}"), "1");
    assert_string_equal(ids("[{\"field\":\"grade\",\"op\":\"in\",\"value\":[\"A\",\"old\"]},{\"field\":\"employees\",\"op\":\"gt\",\"value\":100}]"), "3");
}

static const char *sort_sql(const char *text, db_dialect d, char *buf, size_t n)
{
    static char code[32];
    query q;
    query_init(&q, A);
    err e;
    err_clear(&e);
    filter_ctx c = ctx(d);
    int rc = sort_compile(&c, text, "name", &q, &e);
    snprintf(buf, n, "%s", sb_str(&q.sql));
    query_free(&q);
    if (!rc) return NULL;
    assert_int_equal(e.status, 400);
    snprintf(code, sizeof code, "%s", e.code);
    return code;
}

static void sorts(void **state)
{
    char sql[256];
    assert_null(sort_sql(NULL, DB_SQLITE, sql, sizeof sql));
    assert_string_equal(sql, "ORDER BY t.py_full, t.id");
    assert_null(sort_sql(" -employees , grade", DB_SQLITE, sql, sizeof sql));
    assert_string_equal(sql, "ORDER BY t.employees DESC, t.grade, t.id");
    assert_null(sort_sql("-revenue", DB_SQLITE, sql, sizeof sql));
    assert_string_equal(sql, "ORDER BY t.revenue DESC, t.id DESC");
    assert_null(sort_sql("id", DB_SQLITE, sql, sizeof sql));
    assert_string_equal(sql, "ORDER BY t.id");
    const char *bad[] = {"nope", "notes", "tags", "name,name", "a,b,c,d,e", ",", "-", "name;DROP"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *code = sort_sql(bad[i], DB_SQLITE, sql, sizeof sql);
        if (!code) fail_msg("accepted sort: %s", bad[i]);
        assert_string_equal(code, "bad_sort");
    }
}

static int hide_revenue(const field_def *f, void *unused)
{
    return strcmp(f->name, "revenue") != 0;
}

static void field_access_applies(void **state)
{
    filter_ctx c = ctx(DB_SQLITE);
    c.allowed = hide_revenue;
    query q;
    query_init(&q, A);
    err e, e2;
    err_clear(&e);
    err_clear(&e2);
    const char *hidden = "{\"field\":\"revenue\",\"op\":\"gt\",\"value\":1}";
    const char *unknown = "{\"field\":\"nosuch\",\"op\":\"gt\",\"value\":1}";
    assert_int_equal(filter_compile(&c, hidden, strlen(hidden), &q, &e), -1);
    assert_int_equal(filter_compile(&c, unknown, strlen(unknown), &q, &e2), -1);
    /* the same answer, except for the name the caller sent */
    assert_string_equal(e.code, e2.code);
    assert_int_equal(sort_compile(&c, "revenue", "name", &q, &e), -1);
    assert_string_equal(e.code, "bad_sort");
    query_free(&q);
}

static int setup(void **state)
{
    A = arena_new();
    err e;
    err_clear(&e);
    DB = db_open(":memory:", &e);
    assert_non_null(DB);
    assert_int_equal(db_exec(DB,
        "CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT, employees BIGINT, revenue BIGINT,"
        " grade TEXT, tags TEXT, email TEXT, hot INTEGER, founded TEXT, next_at TEXT, py_full TEXT);"
        "INSERT INTO things VALUES (1, '南京奥派', 10, 10, 'A', ',A,', 'a@x.cn', 0, '2010-05-01', '2025-06-01T00:00:00Z', 'nanjingaopai');"
        "INSERT INTO things VALUES (2, '北京百度', 100, 30, 'B', ',B,', 'b@x.cn', 1, '2020-01-01', '2026-06-01T00:00:00Z', 'beijingbaidu');"
        "INSERT INTO things VALUES (3, '100%_公司', 1000, NULL, 'old', ',A,B,', '', 0, '2024-02-29', NULL, '100gongsi');"
        "INSERT INTO things VALUES (4, '无等级', NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, 'wudengji');",
        &e), 0);
    return 0;
}

static int teardown(void **state)
{
    db_close(DB);
    arena_free(A);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(values_are_bound_never_pasted),
        cmocka_unit_test(few_is_a_hint_for_sqlite),
        cmocka_unit_test(bad_filters_are_400),
        cmocka_unit_test(depth_nodes_and_in_lists_are_bounded),
        cmocka_unit_test(operators_select_the_right_rows),
        cmocka_unit_test(sorts),
        cmocka_unit_test(field_access_applies),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
