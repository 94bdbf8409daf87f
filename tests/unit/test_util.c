/* test_util.c - unit tests of the small pieces everything stands on: the
 * arena, the string builder's JSON escaping, errors, route matching, the
 * query builder and migrations' dialect handling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "meta/query.h"
#include "http/server.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/strbuf.h"

static void arena_allocates_zeroed_aligned_memory(void **state)
{
    arena *a = arena_new();
    for (int i = 0; i < 1000; i++) {
        char *p = arena_alloc(a, (size_t)(i % 97) + 1);
        assert_int_equal((uintptr_t)p % 16, 0);
        for (int k = 0; k < i % 97 + 1; k++) assert_int_equal(p[k], 0);
        memset(p, 0xAB, (size_t)(i % 97) + 1);
    }
    char *big = arena_alloc(a, 1 << 20); /* larger than a block */
    big[(1 << 20) - 1] = 1;
    assert_string_equal(arena_printf(a, "%s-%d", "客户", 42), "客户-42");
    assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
    assert_null(arena_strdup(a, NULL));
    arena_free(a);
}

static void json_strings_are_escaped(void **state)
{
    strbuf sb = STRBUF_INIT;
    sb_json_string(&sb, "南京\"\\\n\t\x01</script>\xe2\x80\xa8");
    assert_string_equal(sb_str(&sb), "\"南京\\\"\\\\\\n\\t\\u0001</script>\\u2028\"");
    sb_clear(&sb);
    /* a surrogate (ED B0 80), an overlong '/', a cut sequence: each bad
     * byte becomes U+FFFD, never invalid UTF-8 in an answer */
    sb_json_string(&sb, "a\xed\xb0\x80" "b\xc0\xaf" "c\xe4\xb8");
    assert_string_equal(sb_str(&sb), "\"a\\ufffd\\ufffd\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\"");
    sb_clear(&sb);
    sb_json_string(&sb, NULL);
    assert_string_equal(sb_str(&sb), "null");
    sb_clear(&sb);
    sb_int64(&sb, INT64_MIN);
    assert_string_equal(sb_str(&sb), "-9223372036854775808");
    sb_free(&sb);
}

static void errors_keep_both_languages_and_fields_once(void **state)
{
    err e;
    err_clear(&e);
    assert_int_equal(err_setf(&e, 422, "validation_failed", "「%s」不能为空%.0s", "%.0s%s is required",
                              "客户名称", "Account name"),
                     -1);
    assert_string_equal(err_message(&e, "zh"), "「客户名称」不能为空");
    assert_string_equal(err_message(&e, "en"), "Account name is required");
    err_add_field(&e, "name", "required");
    err_add_field(&e, "name", "too_long");
    assert_int_equal(e.nfields, 1);
    assert_string_equal(e.fields[0].reason, "required");
    for (int i = 0; i < 100; i++) {
        char n[16];
        snprintf(n, sizeof n, "f%d", i);
        err_add_field(&e, n, "x");
    }
    assert_int_equal(e.nfields, ERR_MAX_FIELDS);
}

static void routes_match_literals_and_captures(void **state)
{
    arena *a = arena_new();
    const char *p[HTTP_MAX_PARAMS];
    int n;
    assert_true(route_match("/api/v1/:entity/:id", "/api/v1/accounts/12", a, p, &n));
    assert_int_equal(n, 2);
    assert_string_equal(p[0], "accounts");
    assert_string_equal(p[1], "12");
    assert_true(route_match("/api/v1/session", "/api/v1/session/", a, p, &n));
    assert_false(route_match("/api/v1/:entity", "/api/v1/accounts/12", a, p, &n));
    assert_false(route_match("/api/v1/:entity/:id", "/api/v1/accounts/", a, p, &n));
    assert_false(route_match("/api/v1/:entity/:id", "/api/v1//12", a, p, &n));
    assert_false(route_match("/api/v1/session", "/api/v1/sessionx", a, p, &n));
    assert_false(route_match("/api/v1/session", "/api/v1", a, p, &n));
    arena_free(a);
}

static void query_keeps_placeholders_and_values_together(void **state)
{
    arena *a = arena_new();
    query q;
    query_init(&q, a);
    query_sql(&q, "SELECT 1 WHERE a = ");
    query_bind_int(&q, 7);
    query_sqlf(&q, " AND %s = ", "city");
    char text[] = "南京";
    query_bind_text(&q, text);
    text[0] = 'X'; /* the query keeps its own copy */
    query_sql(&q, " AND b IS NOT ");
    query_bind_null(&q);
    assert_string_equal(sb_str(&q.sql), "SELECT 1 WHERE a = ? AND city = ? AND b IS NOT ?");
    assert_int_equal(q.nvalues, 3);
    assert_int_equal(q.values[0].i, 7);
    assert_string_equal(q.values[1].s, "南京");
    assert_int_equal(q.values[2].kind, SV_NULL);
    query_free(&q);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_allocates_zeroed_aligned_memory),
        cmocka_unit_test(json_strings_are_escaped),
        cmocka_unit_test(errors_keep_both_languages_and_fields_once),
        cmocka_unit_test(routes_match_literals_and_captures),
        cmocka_unit_test(query_keeps_placeholders_and_values_together),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
