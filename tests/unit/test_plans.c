/* test_plans.c - the list queries' plans on SQLite, pinned. A schema change
 * that silently turns an index read into a full scan plus sort makes a list
 * page 100x slower at a million customers (DESIGN.md); this test fails
 * first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "acl/acl.h"
#include "cli/data.h"
#include "cli/prepare.h"
#include "entity/entity.h"
#include "entity/meta_load.h"
#include "modules/mail_sender.h"

static db_conn *DB;
static char path[64];
static auth_user ADMIN = {.id = 1, .username = "admin", .name = "admin", .is_admin = 1, .company_id = 1};
static auth_user SALES = {.id = 2, .username = "sales", .name = "sales", .company_id = 1};

static char *plan(const auth_user *u, const char *entity, list_params p)
{
    static char out[2048];
    arena *a = arena_new();
    entity_ctx c = {.db = DB, .a = a, .m = meta_current(), .user = u, .lang = "zh"};
    strbuf sb = STRBUF_INIT;
    err e;
    err_clear(&e);
    if (p.limit == 0) p.limit = 50;
    assert_int_equal(entity_list_plan(&c, meta_entity(c.m, entity), &p, &sb, &e), 0);
    snprintf(out, sizeof out, "%s", sb_str(&sb));
    sb_free(&sb);
    arena_free(a);
    return out;
}

static void page_uses(const char *plan_text, const char *index)
{
    const char *page = strstr(plan_text, "page:");
    const char *count = strstr(plan_text, "count:");
    assert_non_null(page);
    char line[1024];
    snprintf(line, sizeof line, "%.*s", (int)(count - page), page);
    if (!strstr(line, index) || strstr(line, "TEMP B-TREE")) fail_msg("plan: %s (wanted %s)", plan_text, index);
}

/* An index made again on a table with statistics (an upgrade that
 * renames one) gets its own figures at once: without them the planner
 * weighed it with made-up ones and chose full scans at a million rows.
 * Runs first, so the plans below are checked with the remade index. */
static void a_remade_index_gets_statistics(void **state)
{
    err e;
    err_clear(&e);
    assert_int_equal(db_exec(DB, "DROP INDEX accounts_c_sort_pinyin", &e), 0);
    int64_t n = -1;
    assert_int_equal(db_query_int64(DB, "SELECT COUNT(*) FROM sqlite_stat1 WHERE idx = 'accounts_c_sort_pinyin'", &n,
                                    &e, 0, NULL), 0);
    assert_int_equal(n, 0);
    assert_int_equal(schema_prepare(DB, &e), 0);
    assert_int_equal(db_query_int64(DB, "SELECT COUNT(*) FROM sqlite_stat1 WHERE idx = 'accounts_c_sort_pinyin'", &n,
                                    &e, 0, NULL), 0);
    assert_int_equal(n, 1);
}

static void default_list_reads_the_pinyin_index(void **state)
{
    page_uses(plan(&ADMIN, "accounts", (list_params){0}), "accounts_c_sort_pinyin");
    page_uses(plan(&ADMIN, "accounts", (list_params){.initial = 'n'}), "accounts_c_sort_pinyin");
    page_uses(plan(&ADMIN, "accounts", (list_params){.sort = "-name"}), "accounts_c_sort_pinyin");
}

static void owners_list_reads_the_owner_index(void **state)
{
    page_uses(plan(&SALES, "accounts", (list_params){0}), "accounts_c_owner");
    page_uses(plan(&SALES, "accounts", (list_params){.pool = 1}), "accounts_c_owner");
}

static void filtered_lists_read_the_field_index_in_name_order(void **state)
{
    page_uses(plan(&ADMIN, "accounts", (list_params){.filter = "{\"field\":\"grade\",\"op\":\"eq\",\"value\":\"A\"}"}), "accounts_c_grade");
    page_uses(plan(&ADMIN, "accounts", (list_params){.filter = "{\"field\":\"city\",\"op\":\"eq\",\"value\":\"南京\"}"}), "accounts_c_city");
    /* A customer has few contacts: sorting them is cheap, the index lookup is what matters. */
    assert_non_null(strstr(plan(&ADMIN, "contacts", (list_params){.link_field = "account_id", .link_id = 7}),
                           "contacts_c_account_id"));
    page_uses(plan(&ADMIN, "accounts", (list_params){.sort = "-updated_at"}), "accounts_c_sort_updated");
}

/* The indexes a list walks in order end with the owner, so a manager's
 * walk (a common word, a broad filter) skips other owners' rows on the
 * index entry without reading the row: ten times fewer rows read for one
 * who sees a tenth (bench/RESULTS.md). */
static void walked_orders_carry_the_owner(void **state)
{
    const char *indexes[] = {"accounts_c_sort_pinyin", "accounts_c_sort_updated"};
    for (size_t i = 0; i < sizeof indexes / sizeof *indexes; i++) {
        char sql[128], last[64] = "";
        snprintf(sql, sizeof sql, "SELECT name FROM pragma_index_info('%s') ORDER BY seqno", indexes[i]);
        err e;
        err_clear(&e);
        db_stmt *s = db_prepare(DB, sql, &e);
        assert_non_null(s);
        while (db_step(s) == DB_ROW) snprintf(last, sizeof last, "%s", db_column_text(s, 0));
        db_finalize(s);
        if (strcmp(last, "owner_id") != 0) fail_msg("%s ends with %s", indexes[i], last);
    }
}

static void counts_use_an_index(void **state)
{
    const char *p = plan(&SALES, "accounts", (list_params){0});
    assert_non_null(strstr(strstr(p, "count:"), "INDEX"));
    p = plan(&ADMIN, "accounts", (list_params){.filter = "{\"field\":\"city\",\"op\":\"eq\",\"value\":\"南京\"}"});
    assert_non_null(strstr(strstr(p, "count:"), "accounts_c_city"));
}

/* A quick search looks up its matches (index hits and pinyin prefixes, one
 * id set) instead of walking the whole table in name order testing each
 * row: seconds at a million customers when few or no rows match. */
static void search_looks_up_its_matches(void **state)
{
    const char *queries[] = {"bjab", "nj", "beijing", "恒兴", "13800138000"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        for (int who = 0; who < 2; who++) {
            const char *p = plan(who ? &SALES : &ADMIN, "accounts", (list_params){.q = queries[i]});
            if (!strstr(p, "INTEGER PRIMARY KEY") || strstr(p, "SCAN t ") || strstr(p, "SCAN t;"))
                fail_msg("q=%s: %s", queries[i], p);
        }
    }
}

/* EXPLAIN QUERY PLAN of a statement, its lines joined. */
static const char *raw_plan(const char *sql)
{
    static char out[2048];
    char q[2048];
    snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
    err e;
    err_clear(&e);
    db_stmt *s = db_prepare(DB, q, &e);
    assert_non_null(s);
    out[0] = '\0';
    while (db_step(s) == DB_ROW) {
        strncat(out, db_column_text(s, 3), sizeof out - strlen(out) - 2);
        strncat(out, "\n", sizeof out - strlen(out) - 1);
    }
    db_finalize(s);
    return out;
}

/* What the server reads across companies (no company to start an index
 * with): a mail link's token and the mail worker's poll, each only ranges
 * of comm_messages' lookup indexes, never a scan of the table. */
static void lookups_across_companies_use_their_indexes(void **state)
{
    const char *p = raw_plan("SELECT id FROM comm_messages m WHERE m.token = ? AND m.deleted_at IS NULL");
    if (!strstr(p, "comm_messages_lx_token")) fail_msg("token lookup: %s", p);
    p = raw_plan(MAIL_DUE_SQL);
    if (!strstr(p, "comm_messages_lx_status_next_attempt_at") || !strstr(p, "comm_messages_lx_status_claimed_until"))
        fail_msg("mail poll: %s", p);
    for (const char *l = p; (l = strstr(l, "SCAN comm_messages")); l++)
        if (!strstr(l, "USING") || strchr(l, '\n') < strstr(l, "USING")) fail_msg("mail poll scans: %s", p);
}

static int setup(void **state)
{
    snprintf(path, sizeof path, "/tmp/kehu-plans-%d.db", (int)getpid());
    err e;
    err_clear(&e);
    DB = db_open(path, &e);
    assert_non_null(DB);
    assert_int_equal(schema_prepare(DB, &e), 0);
    /* Enough rows, spread over two owners, for ANALYZE to see real shapes. */
    assert_int_equal(gen_data(DB, 3000, 3000, 0, 1, &e), 0);
    assert_int_equal(db_exec(DB, "UPDATE accounts SET owner_id = 2 WHERE id % 10 = 0; ANALYZE;", &e), 0);
    return 0;
}

static int teardown(void **state)
{
    db_close(DB);
    acl_shutdown();
    meta_shutdown();
    char wal[80];
    unlink(path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_remade_index_gets_statistics),
        cmocka_unit_test(default_list_reads_the_pinyin_index),
        cmocka_unit_test(owners_list_reads_the_owner_index),
        cmocka_unit_test(filtered_lists_read_the_field_index_in_name_order),
        cmocka_unit_test(walked_orders_carry_the_owner),
        cmocka_unit_test(counts_use_an_index),
        cmocka_unit_test(search_looks_up_its_matches),
        cmocka_unit_test(lookups_across_companies_use_their_indexes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
