/* test_value.c - every field type from JSON and from text, good and bad,
 * and back out: exact money, real calendar dates, zones, options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "entity/value.h"
#include "util/utf8.h"
#include "fixture_entity.h"

static arena *A;

static const field_def *F(const char *name)
{
    return meta_field(&fixture_entity, name);
}

/* Converts JSON text for a field; returns the reason on failure or NULL. */
static const char *from_json(const char *field, const char *json, sql_value *out)
{
    static char reason[32];
    err e;
    err_clear(&e);
    json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
    assert_non_null(v);
    int rc = value_from_json(F(field), v, A, out, &e);
    json_decref(v);
    if (rc == 0) return NULL;
    assert_int_equal(e.status, 422);
    assert_string_equal(e.code, "validation_failed");
    assert_int_equal(e.nfields, 1);
    snprintf(reason, sizeof reason, "%s", e.fields[0].reason);
    return reason;
}

static int64_t json_int(const char *field, const char *json)
{
    sql_value v;
    assert_null(from_json(field, json, &v));
    assert_int_equal(v.kind, SV_INT);
    return v.i;
}

static const char *json_text(const char *field, const char *json)
{
    sql_value v;
    assert_null(from_json(field, json, &v));
    if (v.kind == SV_NULL) return NULL;
    assert_int_equal(v.kind, SV_TEXT);
    return v.s;
}

static void money_is_exact(void **state)
{
    assert_int_equal(json_int("revenue", "12345.67"), 1234567);
    assert_int_equal(json_int("revenue", "\"12345.67\""), 1234567);
    assert_int_equal(json_int("revenue", "0.3"), 30);
    assert_int_equal(json_int("revenue", "1e3"), 100000);
    assert_int_equal(json_int("revenue", "-0.5"), -50);
    assert_int_equal(json_int("revenue", "\"1,234.50\""), 123450);
    assert_int_equal(json_int("revenue", "100"), 10000);
    assert_int_equal(json_int("rate", "0.1234"), 1234);
    assert_int_equal(json_int("share", "\"12.5%\""), 1250);
    sql_value v;
    assert_string_equal(from_json("revenue", "12.345", &v), "too_many_decimals");
    assert_int_equal(json_int("revenue", "\"12.340\""), 1234);
    assert_string_equal(from_json("revenue", "\"1234567890123456\"", &v), "invalid_format");
    assert_string_equal(from_json("revenue", "\"abc\"", &v), "invalid_format");
    assert_string_equal(from_json("revenue", "true", &v), "invalid_type");
}

static void decimals_parse_and_format(void **state)
{
    int64_t v;
    assert_int_equal(decimal_parse("12.340", 2, &v), 0);
    assert_int_equal(v, 1234);
    assert_int_equal(decimal_parse("12.345", 2, &v), -2);
    assert_int_equal(decimal_parse("", 2, &v), -1);
    assert_int_equal(decimal_parse(".", 2, &v), -1);
    assert_int_equal(decimal_parse("1.2.3", 2, &v), -1);
    assert_int_equal(decimal_parse("0000000000000000012", 0, &v), 0);
    assert_int_equal(v, 12);
    strbuf sb = STRBUF_INIT;
    decimal_format(-5, 2, &sb);
    assert_string_equal(sb_str(&sb), "-0.05");
    sb_clear(&sb);
    decimal_format(INT64_MIN + 1, 2, &sb);
    assert_string_equal(sb_str(&sb), "-92233720368547758.07");
    sb_free(&sb);
}

static void integers(void **state)
{
    sql_value v;
    assert_int_equal(json_int("employees", "42"), 42);
    assert_int_equal(json_int("employees", "42.0"), 42);
    assert_string_equal(from_json("employees", "42.5", &v), "invalid_format");
    assert_string_equal(from_json("employees", "\"42\"", &v), "invalid_type");
}

static void dates_are_real_calendar_dates(void **state)
{
    sql_value v;
    assert_string_equal(json_text("founded", "\"2024-02-29\""), "2024-02-29");
    assert_string_equal(from_json("founded", "\"2023-02-29\"", &v), "invalid_format");
    assert_string_equal(from_json("founded", "\"2026-13-01\"", &v), "invalid_format");
    assert_string_equal(from_json("founded", "\"2026-1-1\"", &v), "invalid_format");
    assert_string_equal(from_json("founded", "\"2026-01-01x\"", &v), "invalid_format");
    assert_string_equal(json_text("next_at", "\"2026-12-01T09:30:00+08:00\""), "2026-12-01T01:30:00Z");
    assert_string_equal(json_text("next_at", "\"2026-12-01T09:30:00.123Z\""), "2026-12-01T09:30:00Z");
    assert_string_equal(json_text("next_at", "\"2026-12-01 09:30\""), "2026-12-01T01:30:00Z");
    assert_string_equal(json_text("next_at", "\"2026-01-01\""), "2025-12-31T16:00:00Z");
    assert_string_equal(json_text("next_at", "\"2026-03-01T01:00:00-05:00\""), "2026-03-01T06:00:00Z");
    assert_string_equal(from_json("next_at", "\"2026-12-01T25:00:00Z\"", &v), "invalid_format");
    assert_string_equal(from_json("next_at", "\"yesterday\"", &v), "invalid_format");
}

static void texts_are_trimmed_checked_and_bounded(void **state)
{
    sql_value v;
    assert_string_equal(json_text("name", "\"  南京奥派  \""), "南京奥派");
    assert_null(json_text("name", "\"   \""));
    assert_string_equal(json_text("name", "\"一二三四五六七八九十\""), "一二三四五六七八九十");
    assert_string_equal(from_json("name", "\"一二三四五六七八九十一\"", &v), "too_long");
    assert_string_equal(from_json("name", "12", &v), "invalid_type");
    assert_string_equal(json_text("email", "\"li@example.cn\""), "li@example.cn");
    assert_string_equal(from_json("email", "\"li@@example\"", &v), "invalid_format");
    assert_string_equal(from_json("email", "\"a b@example.cn\"", &v), "invalid_format");
    assert_string_equal(json_text("phone", "\"025-8333 3333 转 8001\""), "025-8333 3333 转 8001");
    assert_string_equal(from_json("phone", "\"call me\"", &v), "invalid_format");
    assert_string_equal(json_text("website", "\"www.allpass.cn\""), "http://www.allpass.cn");
    assert_string_equal(from_json("website", "\"javascript:alert(1)\"", &v), "invalid_format");
    assert_string_equal(from_json("website", "\"data:text/html,x\"", &v), "invalid_format");
}

static void options_and_booleans(void **state)
{
    sql_value v;
    assert_string_equal(json_text("grade", "\"A\""), "A");
    assert_string_equal(from_json("grade", "\"old\"", &v), "not_an_option");
    assert_string_equal(from_json("grade", "\"Z\"", &v), "not_an_option");
    assert_string_equal(json_text("tags", "[\"B\",\"A\",\"B\"]"), ",B,A,");
    assert_null(json_text("tags", "[]"));
    assert_string_equal(from_json("tags", "\"A\"", &v), "invalid_type");
    assert_int_equal(json_int("hot", "true"), 1);
    assert_string_equal(from_json("hot", "1", &v), "invalid_type");
    assert_int_equal(json_int("account_id", "7"), 7);
    assert_string_equal(from_json("account_id", "-7", &v), "invalid_format");
    assert_string_equal(from_json("code", "\"KH-1\"", &v), "read_only");
    assert_string_equal(from_json("id", "1", &v), "read_only");
}

static void text_input_for_imports(void **state)
{
    sql_value v;
    err e;
    err_clear(&e);
    assert_int_equal(value_from_text(F("grade"), "A 类", A, &v, &e), 0);
    assert_string_equal(v.s, "A");
    assert_int_equal(value_from_text(F("tags"), "A 类、B", A, &v, &e), 0);
    assert_string_equal(v.s, ",A,B,");
    assert_int_equal(value_from_text(F("hot"), "是", A, &v, &e), 0);
    assert_int_equal(v.i, 1);
    assert_int_equal(value_from_text(F("hot"), "否", A, &v, &e), 0);
    assert_int_equal(v.i, 0);
    assert_int_equal(value_from_text(F("employees"), "1,200", A, &v, &e), 0);
    assert_int_equal(v.i, 1200);
    assert_int_equal(value_from_text(F("name"), "", A, &v, &e), 0);
    assert_int_equal(v.kind, SV_NULL);
    assert_int_equal(value_from_text(F("name"), "\xff\xfe", A, &v, &e), -1);
    assert_string_equal(e.fields[0].reason, "invalid_format");
}

static void utf8_validation(void **state)
{
    assert_true(utf8_valid("南京", strlen("南京")));
    assert_false(utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
    assert_false(utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(utf8_valid("\xf4\x90\x80\x80", 4)); /* beyond U+10FFFF */
    assert_false(utf8_valid("\xe5\x8d", 2));         /* truncated */
    assert_false(utf8_valid("a\0b", 3));
    assert_int_equal(utf8_length("南京ab", strlen("南京ab")), 4);
}

static int setup(void **state)
{
    A = arena_new();
    return 0;
}

static int teardown(void **state)
{
    arena_free(A);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(money_is_exact),
        cmocka_unit_test(decimals_parse_and_format),
        cmocka_unit_test(integers),
        cmocka_unit_test(dates_are_real_calendar_dates),
        cmocka_unit_test(texts_are_trimmed_checked_and_bounded),
        cmocka_unit_test(options_and_booleans),
        cmocka_unit_test(text_input_for_imports),
        cmocka_unit_test(utf8_validation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
