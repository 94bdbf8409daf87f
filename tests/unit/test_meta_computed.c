/* test_meta_computed.c - computed fields at metadata load: the order in
 * which they are computed, who is told that its rows are summed, and the
 * refusals (unknown names, wrong types, cycles) that stop the start with
 * a message naming the entity and field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "meta/meta_computed.h"

/* quotes(id, quantity, price, status, amount?, total?, tax?) with lines
 * quote_lines(id, quote_id, amount) */
static field_def quote_fields[8];
static field_def line_fields[3];
static relation_def quote_relations[] = {{.name = "lines", .entity = "quote_lines", .field = "quote_id"}};
static entity_def entities[2];
static metadata m = {.entities = entities, .nentities = 2, .version = 1};

static void reset(const char *amount, const char *total, const char *tax)
{
    memset(quote_fields, 0, sizeof quote_fields);
    memset(line_fields, 0, sizeof line_fields);
    memset(entities, 0, sizeof entities);
    quote_fields[0] = (field_def){.name = "id", .type = FT_ID};
    quote_fields[1] = (field_def){.name = "quantity", .type = FT_INTEGER};
    quote_fields[2] = (field_def){.name = "price", .type = FT_MONEY, .scale = 2};
    quote_fields[3] = (field_def){.name = "status", .type = FT_PICKLIST};
    quote_fields[4] = (field_def){.name = "total", .type = FT_MONEY, .scale = 2, .computed = total};
    quote_fields[5] = (field_def){.name = "amount", .type = FT_MONEY, .scale = 2, .computed = amount};
    quote_fields[6] = (field_def){.name = "tax", .type = FT_MONEY, .scale = 2, .computed = tax};
    quote_fields[7] = (field_def){.name = "title", .type = FT_TEXT};
    line_fields[0] = (field_def){.name = "id", .type = FT_ID};
    line_fields[1] = (field_def){.name = "quote_id", .type = FT_LINK, .link_entity = "quotes"};
    line_fields[2] = (field_def){.name = "amount", .type = FT_MONEY, .scale = 2};
    entities[0] = (entity_def){.name = "quotes", .table = "quotes", .fields = quote_fields, .nfields = 8,
                               .relations = quote_relations, .nrelations = 1};
    entities[1] = (entity_def){.name = "quote_lines", .table = "quote_lines", .fields = line_fields, .nfields = 3};
}

static arena *A; /* the trees live in it, as in the metadata arena; one per prepare */

static int prepare(err *e)
{
    if (A) arena_free(A);
    A = arena_new();
    err_clear(e);
    return meta_prepare_computed(&m, A, e);
}

static void inputs_come_first_and_children_know_their_parents(void **state)
{
    (void)state;
    reset("round(quantity * price, 2)", "amount + tax + sum(lines.amount)", "round(amount * 0.13, 2)");
    err e;
    assert_int_equal(prepare(&e), 0);
    entity_computed *qc = entities[0].computed;
    assert_non_null(qc);
    assert_int_equal(qc->norder, 3);
    /* amount (5) before tax (6) before total (4) */
    assert_int_equal(qc->order[0], 5);
    assert_int_equal(qc->order[1], 6);
    assert_int_equal(qc->order[2], 4);
    assert_true(quote_fields[4].readonly);
    entity_computed *lc = entities[1].computed;
    assert_non_null(lc);
    assert_int_equal(lc->norder, 0);
    assert_int_equal(lc->ndependents, 1);
    assert_string_equal(lc->dependents[0].parent, "quotes");
    assert_string_equal(lc->dependents[0].link_field, "quote_id");
}

static void refuses(const char *amount, const char *total, const char *tax, const char *field, const char *words)
{
    reset(amount, total, tax);
    err e;
    assert_int_equal(prepare(&e), -1);
    assert_string_equal(e.code, "bad_metadata");
    char named[64];
    snprintf(named, sizeof named, "quotes.%s", field);
    assert_non_null(strstr(e.en, named));
    assert_non_null(strstr(e.zh, field));
    assert_non_null(strstr(e.en, words));
}

static void bad_definitions_refuse_the_start(void **state)
{
    (void)state;
    refuses("quantity * nothing", NULL, NULL, "amount", "Unknown field nothing");
    refuses("sum(orders.amount)", NULL, NULL, "amount", "Unknown relation orders");
    refuses("sum(lines.nothing)", NULL, NULL, "amount", "Unknown field lines.nothing");
    refuses("status + 1", NULL, NULL, "amount", "number is expected");
    refuses("quantity *", NULL, NULL, "amount", "character");
    refuses("status = 'x'", NULL, NULL, "amount", "must be a number");
    refuses("tax + 1", NULL, "amount * 2", "amount", "cycle");
    refuses("amount + 1", NULL, NULL, "amount", "cycle");
    reset(NULL, NULL, NULL);
    quote_fields[7].computed = "price"; /* a text field computes text (rmb_upper), not a number */
    err e;
    assert_int_equal(prepare(&e), -1);
    assert_non_null(strstr(e.en, "quotes.title"));
    assert_non_null(strstr(e.en, "must be text"));
    reset(NULL, NULL, NULL);
    quote_fields[7].computed = "rmb_upper(price)"; /* 大写金额 */
    assert_int_equal(prepare(&e), 0);
    reset(NULL, NULL, NULL);
    quote_fields[5].computed = "rmb_upper(price)"; /* text into a money field */
    assert_int_equal(prepare(&e), -1);
    assert_non_null(strstr(e.en, "must be a number"));
    reset(NULL, NULL, NULL);
    quote_fields[3].computed = "rmb_upper(price)"; /* a picklist is never computed */
    assert_int_equal(prepare(&e), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(inputs_come_first_and_children_know_their_parents),
        cmocka_unit_test(bad_definitions_refuse_the_start),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    if (A) arena_free(A);
    return failed;
}
