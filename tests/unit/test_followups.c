/* test_followups.c - a database written before 下次回访时间 planned
 * follow-ups gets them once at start (sales_plan_pending_follow_ups): for
 * recent or coming follow-up times, owned by the activity's owner, and not
 * twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "acl/acl.h"
#include "cli/prepare.h"
#include "entity/meta_load.h"
#include "modules/sales.h"
#include "util/clock.h"

static db_conn *DB;
static char path[64];

static int64_t count(const char *sql)
{
    int64_t n = -1;
    err e;
    err_clear(&e);
    assert_true(db_query_int64(DB, sql, &n, &e, 0, NULL) >= 0);
    return n;
}

/* An activity as an older version wrote it: a follow-up time, nothing planned. */
static void old_activity(int64_t id, const char *subject, long follow_up_in_days, const char *status)
{
    char when[ISO_TIME_LEN], now[ISO_TIME_LEN], sql[512];
    iso_time(time(NULL) + follow_up_in_days * 86400, when);
    iso_now(now);
    snprintf(sql, sizeof sql,
             "INSERT INTO activities(id, version, created_at, updated_at, owner_id, subject, kind, status,"
             " next_follow_up_at, repeat) VALUES (%lld, 1, '%s', '%s', 2, '%s', 'call', '%s', '%s', 'none')",
             (long long)id, now, now, subject, status, when);
    err e;
    err_clear(&e);
    if (db_exec(DB, sql, &e)) fail_msg("%s: %s", sql, e.en);
}

static void plans_once_for_recent_follow_ups(void **state)
{
    old_activity(101, "上周电话", 3, "done");
    old_activity(102, "很久以前", -90, "done");
    old_activity(103, "已取消的", 2, "cancelled");
    old_activity(104, "负责人已删除", 1, "done");
    old_activity(105, "联系人对不上", 1, "done");
    err x;
    err_clear(&x);
    assert_int_equal(db_exec(DB, "UPDATE activities SET owner_id = 99 WHERE id = 104;" /* no such user */
                                 "INSERT INTO accounts(id, version, created_at, updated_at, name) VALUES"
                                 " (1, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '甲公司'),"
                                 " (2, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '乙公司');"
                                 "INSERT INTO contacts(id, version, created_at, updated_at, name, account_id) VALUES"
                                 " (1, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '乙的联系人', 2);"
                                 "UPDATE activities SET account_id = 1, contact_id = 1 WHERE id = 105;", /* they disagree */
                             &x),
                     0);
    err e;
    err_clear(&e);
    if (sales_plan_pending_follow_ups(DB, 1, &e)) fail_msg("%s", e.en);
    assert_int_equal(count("SELECT COUNT(*) FROM activities WHERE follow_up_of = 101 AND status = 'planned'"
                           " AND subject = '回访：上周电话' AND owner_id = 2"),
                     1);
    assert_int_equal(count("SELECT COUNT(*) FROM activities WHERE follow_up_of IN (102, 103)"), 0);
    /* a gone owner's follow-up goes to the administrator; one that cannot
     * be planned is skipped and the rest go through */
    assert_int_equal(count("SELECT COUNT(*) FROM activities WHERE follow_up_of = 104 AND owner_id = 1"), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM activities WHERE follow_up_of = 105"), 0);
    /* once: a second start plans nothing again */
    assert_int_equal(db_exec(DB, "DELETE FROM activities WHERE follow_up_of = 101", &e), 0);
    assert_int_equal(sales_plan_pending_follow_ups(DB, 1, &e), 0);
    assert_int_equal(count("SELECT COUNT(*) FROM activities WHERE follow_up_of = 101"), 0);
}

static int setup(void **state)
{
    snprintf(path, sizeof path, "/tmp/kehu-followups-%d.db", (int)getpid());
    err e;
    err_clear(&e);
    DB = db_open(path, &e);
    assert_non_null(DB);
    assert_int_equal(schema_prepare(DB, &e), 0);
    assert_int_equal(db_exec(DB, "INSERT INTO users(id, username, name, is_admin, status, created_at, updated_at, version)"
                                 " VALUES (1, 'admin', '管理员', 1, 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1),"
                                 " (2, 'sales', '销售', 0, 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1)",
                             &e),
                     0);
    sales_init();
    return 0;
}

static int teardown(void **state)
{
    db_close(DB);
    acl_shutdown();
    meta_shutdown();
    char other[80];
    unlink(path);
    snprintf(other, sizeof other, "%s-wal", path);
    unlink(other);
    snprintf(other, sizeof other, "%s-shm", path);
    unlink(other);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(plans_once_for_recent_follow_ups)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
