/* test_record_filter.c - the filter language on one record (record_matches,
 * used by required_when / readonly_when / visible_when): every operator,
 * and/or nesting, the record as it will be stored (a write's values over
 * the stored ones), and the same meanings as the SQL filter (ne matches an
 * empty field, isnull treats '' as empty, eq on a multi-picklist). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "entity/entity_state.h"
#include "fixture_entity.h"

static arena *A;
static sql_value OLD[32];

static int idx(const char *name)
{
    return meta_field_index(&fixture_entity, name);
}

static void stored(void)
{
    memset(OLD, 0, sizeof OLD);
    OLD[idx("name")] = (sql_value){.kind = SV_TEXT, .s = "苏州明达"};
    OLD[idx("employees")] = (sql_value){.kind = SV_INT, .i = 120};
    OLD[idx("revenue")] = (sql_value){.kind = SV_INT, .i = 1234567}; /* 12345.67 */
    OLD[idx("grade")] = (sql_value){.kind = SV_TEXT, .s = "A"};
    OLD[idx("tags")] = (sql_value){.kind = SV_TEXT, .s = ",A,B,"};
    OLD[idx("founded")] = (sql_value){.kind = SV_TEXT, .s = "2020-05-01"};
    OLD[idx("email")] = (sql_value){.kind = SV_TEXT, .s = ""};
}

static int holds(const char *json, const sql_value *vals, const char *present)
{
    json_error_t je;
    json_t *f = json_loads(json, 0, &je);
    assert_non_null(f);
    int r = record_matches(&fixture_entity, f, vals, present, OLD, A);
    json_decref(f);
    return r;
}

static int on_stored(const char *json)
{
    return holds(json, NULL, NULL);
}

static void operators(void **state)
{
    (void)state;
    stored();
    assert_true(on_stored("{\"field\":\"grade\",\"op\":\"eq\",\"value\":\"A\"}"));
    assert_false(on_stored("{\"field\":\"grade\",\"op\":\"eq\",\"value\":\"B\"}"));
    assert_true(on_stored("{\"field\":\"grade\",\"op\":\"ne\",\"value\":\"B\"}"));
    assert_true(on_stored("{\"field\":\"phone\",\"op\":\"ne\",\"value\":\"110\"}")); /* empty: not 110 */
    assert_true(on_stored("{\"field\":\"employees\",\"op\":\"gte\",\"value\":120}"));
    assert_false(on_stored("{\"field\":\"employees\",\"op\":\"gt\",\"value\":120}"));
    assert_true(on_stored("{\"field\":\"employees\",\"op\":\"lt\",\"value\":121}"));
    assert_true(on_stored("{\"field\":\"revenue\",\"op\":\"gte\",\"value\":\"12345.67\"}"));
    assert_false(on_stored("{\"field\":\"revenue\",\"op\":\"gt\",\"value\":12345.67}"));
    assert_true(on_stored("{\"field\":\"founded\",\"op\":\"lt\",\"value\":\"2021-01-01\"}"));
    assert_true(on_stored("{\"field\":\"grade\",\"op\":\"in\",\"value\":[\"B\",\"A\"]}"));
    assert_false(on_stored("{\"field\":\"grade\",\"op\":\"nin\",\"value\":[\"B\",\"A\"]}"));
    assert_true(on_stored("{\"field\":\"name\",\"op\":\"contains\",\"value\":\"明达\"}"));
    assert_true(on_stored("{\"field\":\"name\",\"op\":\"starts\",\"value\":\"苏州\"}"));
    assert_false(on_stored("{\"field\":\"name\",\"op\":\"starts\",\"value\":\"明达\"}"));
    assert_true(on_stored("{\"field\":\"email\",\"op\":\"isnull\"}")); /* '' is empty */
    assert_true(on_stored("{\"field\":\"phone\",\"op\":\"isnull\"}"));
    assert_true(on_stored("{\"field\":\"name\",\"op\":\"notnull\"}"));
    assert_true(on_stored("{\"field\":\"tags\",\"op\":\"eq\",\"value\":\"B\"}")); /* has the option */
    assert_false(on_stored("{\"field\":\"tags\",\"op\":\"eq\",\"value\":\"old\"}"));
    /* unknown fields, ops and values never match */
    assert_false(on_stored("{\"field\":\"nope\",\"op\":\"isnull\"}"));
    assert_false(on_stored("{\"field\":\"grade\",\"op\":\"like\",\"value\":\"A\"}"));
    assert_false(on_stored("{\"field\":\"employees\",\"op\":\"gt\",\"value\":\"many\"}"));
}

static void nesting_and_writes(void **state)
{
    (void)state;
    stored();
    const char *big_a = "{\"and\":[{\"field\":\"grade\",\"op\":\"eq\",\"value\":\"A\"},"
                        "{\"or\":[{\"field\":\"employees\",\"op\":\"gte\",\"value\":1000},"
                        "{\"field\":\"revenue\",\"op\":\"gte\",\"value\":10000}]}]}";
    assert_true(on_stored(big_a));
    /* the record as it will be stored: the write's grade over the stored one */
    sql_value vals[32];
    char present[32] = {0};
    memset(vals, 0, sizeof vals);
    vals[idx("grade")] = (sql_value){.kind = SV_TEXT, .s = "B"};
    present[idx("grade")] = 1;
    assert_false(holds(big_a, vals, present));
    /* a field cleared by the write is empty */
    vals[idx("revenue")] = (sql_value){.kind = SV_NULL};
    present[idx("revenue")] = 1;
    assert_true(holds("{\"field\":\"revenue\",\"op\":\"isnull\"}", vals, present));
    assert_false(holds("{\"field\":\"revenue\",\"op\":\"lt\",\"value\":1}", vals, present));
    /* too deep: refused, not recursed without end */
    char deep[2048] = "";
    for (int i = 0; i < 20; i++) strcat(deep, "{\"and\":[");
    strcat(deep, "{\"field\":\"grade\",\"op\":\"eq\",\"value\":\"A\"}");
    for (int i = 0; i < 20; i++) strcat(deep, "]}");
    assert_false(on_stored(deep));
}

int main(void)
{
    A = arena_new();
    const struct CMUnitTest tests[] = {cmocka_unit_test(operators), cmocka_unit_test(nesting_and_writes)};
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    arena_free(A);
    return rc;
}
