/* test_hooks.c - module rules on the entity definition (hooks.h): order,
 * events, field access by name, no limit on how many. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "entity/hook_registry.h"
#include "entity/hooks.h"
#include "fixture_entity.h"

static char trace[512];

static void note(const char *what)
{
    strcat(trace, what);
}

static int first(entity_ctx *c, hook_change *ch, err *e)
{
    (void)c, (void)e;
    note(hook_is_after(ch) ? "a1" : "b1");
    return 0;
}

static int second(entity_ctx *c, hook_change *ch, err *e)
{
    (void)c, (void)e;
    note(hook_is_after(ch) ? "a2" : "b2");
    return 0;
}

static int update_only(entity_ctx *c, hook_change *ch, err *e)
{
    (void)c, (void)ch, (void)e;
    note("u");
    return 0;
}

/* Fills a field by name from another one. */
static int grade_from_name(entity_ctx *c, hook_change *ch, err *e)
{
    (void)c;
    const char *name = hook_text(ch, "name");
    if (!hook_changed(ch, "name") || !name || hook_changed(ch, "grade")) return 0;
    note("g");
    return hook_set_text(ch, "grade", strcmp(name, "大客户") == 0 ? "A" : "B", e);
}

static int refuse_old(entity_ctx *c, hook_change *ch, err *e)
{
    (void)c;
    const char *grade = hook_text(ch, "grade");
    if (!grade || strcmp(grade, "old") != 0) return 0;
    note("x");
    err_add_field(e, "grade", "not_allowed");
    return err_set(e, 422, "validation_failed", "旧等级不能再用", "The old grade is retired");
}

static int counted;

static int count_me(entity_ctx *c, hook_change *ch, err *e)
{
    (void)c, (void)ch, (void)e;
    counted++;
    return 0;
}

static int setup(void **state)
{
    (void)state;
    fixture_entity.hooks = entity_hooks_for("things");
    entity_before("things", ON_WRITE, first);
    entity_after("things", ON_CREATE, second);
    entity_before("things", ON_UPDATE, update_only);
    entity_before("things", ON_WRITE, grade_from_name);
    entity_after("things", ON_WRITE, first);
    entity_before("things", ON_WRITE, refuse_old);
    entity_before("things", ON_WRITE, second);
    for (int i = 0; i < 40; i++) entity_before("things", ON_DELETE, count_me);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    entity_hooks_shutdown();
    return 0;
}

typedef struct change_fixture {
    sql_value vals[32];
    char present[32];
    sql_value old[32];
} change_fixture;

static int field(const char *name)
{
    return meta_field_index(&fixture_entity, name);
}

static int run(hook_change *ch, err *e)
{
    entity_ctx c = {0};
    return hooks_run(&c, ch, e);
}

static void test_order_and_events(void **state)
{
    (void)state;
    static change_fixture f;
    memset(&f, 0, sizeof f);
    f.vals[field("name")] = (sql_value){.kind = SV_TEXT, .s = "大客户"};
    f.present[field("name")] = 1;
    hook_change ch = {&fixture_entity, ON_CREATE, 0, 0, NULL, f.vals, f.present, NULL};
    err e;
    err_clear(&e);
    trace[0] = '\0';
    assert_int_equal(run(&ch, &e), 0);
    assert_string_equal(trace, "b1gb2"); /* registration order; the update-only one skipped */
    /* The hook set a field by name: the write now sets it. */
    assert_true(hook_changed(&ch, "grade"));
    assert_string_equal(hook_text(&ch, "grade"), "A");
    assert_true(f.present[field("grade")]);

    trace[0] = '\0';
    ch.after = 1;
    ch.id = 7;
    assert_int_equal(run(&ch, &e), 0);
    assert_string_equal(trace, "a2a1");
    /* After the write nothing can be set any more. */
    assert_int_not_equal(hook_set_int(&ch, "employees", 3, &e), 0);
    assert_int_equal(e.status, 500);
}

static void test_update_sees_old_and_stops_at_failure(void **state)
{
    (void)state;
    static change_fixture f;
    memset(&f, 0, sizeof f);
    f.old[field("name")] = (sql_value){.kind = SV_TEXT, .s = "小客户"};
    f.old[field("employees")] = (sql_value){.kind = SV_INT, .i = 12};
    f.vals[field("grade")] = (sql_value){.kind = SV_TEXT, .s = "old"};
    f.present[field("grade")] = 1;
    hook_change ch = {&fixture_entity, ON_UPDATE, 0, 5, NULL, f.vals, f.present, f.old};
    /* Unchanged fields read the stored value; changed ones the new. */
    assert_string_equal(hook_text(&ch, "name"), "小客户");
    assert_false(hook_changed(&ch, "name"));
    assert_int_equal(hook_int(&ch, "employees", -1), 12);
    assert_int_equal(hook_int(&ch, "no_such_field", -1), -1);
    assert_int_equal(hook_value(&ch, "no_such_field")->kind, SV_NULL);
    assert_string_equal(hook_text(&ch, "grade"), "old");
    assert_null(hook_text(&ch, "notes"));
    err e;
    err_clear(&e);
    trace[0] = '\0';
    assert_int_not_equal(run(&ch, &e), 0);
    assert_string_equal(trace, "b1ux"); /* `second`, after the refusal, never ran */
    assert_int_equal(e.status, 422);
    assert_string_equal(e.fields[0].name, "grade");
}

static void test_no_fixed_limit(void **state)
{
    (void)state;
    hook_change ch = {&fixture_entity, ON_DELETE, 0, 9, NULL, NULL, NULL, NULL};
    err e;
    err_clear(&e);
    counted = 0;
    trace[0] = '\0';
    assert_int_equal(run(&ch, &e), 0);
    assert_int_equal(counted, 40); /* the old tables dropped the 33rd */
    assert_string_equal(trace, "");
    /* A delete sets nothing. */
    assert_int_not_equal(hook_set_int(&ch, "employees", 1, &e), 0);
}

static void test_registry_survives_rebuild(void **state)
{
    (void)state;
    /* A rebuilt metadata version finds the same lists by name. */
    assert_ptr_equal(entity_hooks_for("things"), fixture_entity.hooks);
    assert_ptr_not_equal(entity_hooks_for("others"), fixture_entity.hooks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_events),
        cmocka_unit_test(test_update_sees_old_and_stops_at_failure),
        cmocka_unit_test(test_no_fixed_limit),
        cmocka_unit_test(test_registry_survives_rebuild),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
