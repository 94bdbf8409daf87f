/* test_expr.c - the computed-field language: every case of
 * tests/expr-cases.json (which the web app's evaluator runs too, so the
 * two cannot drift), plus the static checks made at metadata load. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "meta/expr.h"

static const char *ERRNAMES[] = {"ok", "parse", "unknown", "type", "division_by_zero", "overflow"};

/* A JSON input as an expression value: number-looking text is a number. */
static int json_value(json_t *v, expr_value *out, expr_error *err)
{
    if (json_is_null(v) || !v) return out->kind = EV_NULL, 0;
    if (json_is_boolean(v)) return *out = (expr_value){.kind = EV_BOOL, .m = json_is_true(v)}, 0;
    const char *s = json_string_value(v);
    if (!s) return err->code = EXPR_E_TYPE, -1;
    if (expr_number(s, out) == 0) return 0;
    *out = (expr_value){.kind = EV_TEXT, .s = s};
    return 0;
}

static int field_of(void *ctx, const char *name, expr_value *out, expr_error *err)
{
    return json_value(json_object_get(ctx, name), out, err);
}

static int rows_of(void *ctx, const char *relation, const expr_node *agg, expr_row_visit visit, void *state,
                   expr_error *err)
{
    (void)agg;
    json_t *rows = json_object_get(ctx, relation), *row;
    size_t i;
    json_array_foreach(rows, i, row) {
        expr_env env = {row, field_of, NULL, NULL};
        if (visit(state, &env, err)) return -1;
    }
    return 0;
}

static void shared_cases(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s", __FILE__);
    char *slash = strrchr(path, '/');
    assert_non_null(slash);
    snprintf(slash, sizeof path - (size_t)(slash - path), "/../expr-cases.json");
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    assert_non_null(root);
    json_t *c;
    size_t i;
    int failed = 0;
    json_array_foreach(json_object_get(root, "cases"), i, c) {
        arena *a = arena_new();
        const char *text = json_string_value(json_object_get(c, "expr"));
        json_t *inputs = json_object_get(c, "inputs");
        json_t *scale = json_object_get(c, "scale");
        const char *want = json_string_value(json_object_get(c, "expected"));
        const char *want_err = json_string_value(json_object_get(c, "error"));
        expr_error err;
        expr_env env = {inputs ? inputs : json_object(), field_of, rows_of, a};
        char got[256] = "";
        int rc = -1;
        expr_node *n = expr_parse(a, text, &err);
        if (n && scale) {
            int64_t v = 0;
            int is_null = 0;
            rc = expr_eval_scaled(n, &env, (int)json_integer_value(scale), &v, &is_null, &err);
            expr_value ev = {.kind = is_null ? EV_NULL : EV_NUM, .m = v, .scale = (int)json_integer_value(scale)};
            if (rc == 0) expr_format(&ev, got, sizeof got);
        } else if (n) {
            expr_value ev;
            rc = expr_eval(n, &env, &ev, &err);
            if (rc == 0) expr_format(&ev, got, sizeof got);
        }
        const char *got_err = rc ? ERRNAMES[err.code] : NULL;
        int ok = want_err ? got_err && strcmp(got_err, want_err) == 0 : rc == 0 && strcmp(got, want) == 0;
        if (!ok) {
            printf("case %zu: %s: expected %s, got %s (%s)\n", i, text, want_err ? want_err : want,
                   got_err ? got_err : got, rc ? err.en : "");
            failed++;
        }
        if (rc) assert_true(err.zh[0] && err.en[0]); /* every error says why, in both languages */
        if (!inputs) json_decref(env.ctx);
        arena_free(a);
    }
    json_decref(root);
    assert_int_equal(failed, 0);
}

/* Fields: quantity, price (numbers), status (text), done (boolean);
 * relation lines with amount and status. */
static expr_type types_of(void *ctx, const char *relation, const char *field)
{
    (void)ctx;
    if (relation && strcmp(relation, "lines") != 0) return ET_UNKNOWN;
    if (relation && !field) return ET_ANY;
    if (relation) return strcmp(field, "amount") == 0 ? ET_NUM : strcmp(field, "status") == 0 ? ET_TEXT : ET_UNKNOWN;
    if (strcmp(field, "quantity") == 0 || strcmp(field, "price") == 0) return ET_NUM;
    if (strcmp(field, "status") == 0) return ET_TEXT;
    if (strcmp(field, "done") == 0) return ET_BOOL;
    return ET_UNKNOWN;
}

static expr_errcode check_code(const char *text, expr_type *t)
{
    arena *a = arena_new();
    expr_error err;
    expr_node *n = expr_parse(a, text, &err);
    assert_non_null(n);
    expr_errcode code = expr_check(n, types_of, NULL, t, &err) ? err.code : EXPR_OK;
    arena_free(a);
    return code;
}

static void static_checks(void **state)
{
    (void)state;
    expr_type t;
    assert_int_equal(check_code("round(quantity * price, 2)", &t), EXPR_OK);
    assert_int_equal(t, ET_NUM);
    assert_int_equal(check_code("sum(lines.amount where status != 'void')", &t), EXPR_OK);
    assert_int_equal(check_code("count(lines where amount > 0)", &t), EXPR_OK);
    assert_int_equal(check_code("if(done, price, 0)", &t), EXPR_OK);
    assert_int_equal(check_code("status = 'x'", &t), EXPR_OK);
    assert_int_equal(t, ET_BOOL);
    assert_int_equal(check_code("quantity * nothing", &t), EXPR_E_UNKNOWN);
    assert_int_equal(check_code("sum(orders.amount)", &t), EXPR_E_UNKNOWN);
    assert_int_equal(check_code("sum(lines.nothing)", &t), EXPR_E_UNKNOWN);
    assert_int_equal(check_code("count(lines where nothing = 1)", &t), EXPR_E_UNKNOWN);
    assert_int_equal(check_code("status + 1", &t), EXPR_E_TYPE);
    assert_int_equal(check_code("status = 1", &t), EXPR_E_TYPE);
    assert_int_equal(check_code("sum(lines.status)", &t), EXPR_E_TYPE);
    assert_int_equal(check_code("if(price, 1, 2)", &t), EXPR_E_TYPE);
    assert_int_equal(check_code("if(done, 'a', 2)", &t), EXPR_E_TYPE);
}

static void field_names(void *ctx, const char *name)
{
    strcat(ctx, name);
    strcat(ctx, " ");
}

static void relation_names(void *ctx, const char *relation, const expr_node *aggregate)
{
    (void)aggregate;
    field_names(ctx, relation);
}

static void dependencies(void **state)
{
    (void)state;
    arena *a = arena_new();
    expr_error err;
    char seen[200] = "";
    expr_node *n = expr_parse(a, "round(quantity * price, 2) + sum(lines.amount where status = 'ok')", &err);
    assert_non_null(n);
    expr_each_field(n, field_names, seen);
    assert_string_equal(seen, "quantity price ");
    seen[0] = '\0';
    expr_each_relation(n, relation_names, seen);
    assert_string_equal(seen, "lines ");
    arena_free(a);
}

static void parse_errors_point_at_the_place(void **state)
{
    (void)state;
    arena *a = arena_new();
    expr_error err;
    assert_null(expr_parse(a, "quantity * * price", &err));
    assert_int_equal(err.code, EXPR_E_PARSE);
    assert_int_equal(err.pos, 11);
    assert_non_null(strstr(err.en, "character 12"));
    char long_text[EXPR_MAX_LENGTH + 10];
    memset(long_text, '1', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    assert_null(expr_parse(a, long_text, &err));
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shared_cases),
        cmocka_unit_test(static_checks),
        cmocka_unit_test(dependencies),
        cmocka_unit_test(parse_errors_point_at_the_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
