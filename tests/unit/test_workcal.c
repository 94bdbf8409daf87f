/* test_workcal.c - the working calendar's clock (util/workcal.h): service
 * deadlines that skip nights, weekends and Chinese public holidays and run
 * on 调休 make-up Saturdays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "util/clock.h"
#include "util/workcal.h"

static workcal_day national[128];

/* 09:00-18:00, Saturday and Sunday off, with the seeded national days. */
static workcal china(void)
{
    size_t n;
    const workcal_national *cn = workcal_cn_days(&n);
    assert_true(n <= sizeof national / sizeof national[0]);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(workcal_parse_date(cn[i].date, &national[i].day), 0);
        national[i].working = cn[i].working;
    }
    return (workcal){.start_min = 9 * 60, .end_min = 18 * 60, .saturday_off = 1, .sunday_off = 1,
                     .days = national, .ndays = workcal_sort_days(national, n)};
}

/* Beijing "YYYY-MM-DD HH:MM" as the UTC text Kehu stores. */
static void expect(const workcal *w, const char *from_utc, int64_t minutes, const char *due_utc)
{
    time_t from;
    assert_int_equal(iso_parse(from_utc, &from), 0);
    int64_t due = workcal_add(w, from, minutes);
    char got[ISO_TIME_LEN];
    iso_time((time_t)due, got);
    assert_string_equal(got, due_utc);
}

static void across_a_weekend(void **state)
{
    (void)state;
    workcal w = china();
    /* Friday 2026-03-06 17:00 + 2 working hours: one on Friday, one on Monday */
    expect(&w, "2026-03-06T09:00:00Z", 120, "2026-03-09T02:00:00Z");
    /* a Saturday start waits for Monday 09:00 */
    expect(&w, "2026-03-07T03:00:00Z", 60, "2026-03-09T02:00:00Z");
}

static void across_national_day(void **state)
{
    (void)state;
    workcal w = china();
    /* Wednesday 2026-09-30 16:00 + 4 h: two before 国庆, two on Thursday 10-08 */
    expect(&w, "2026-09-30T08:00:00Z", 240, "2026-10-08T03:00:00Z");
    /* created during the holiday: the clock starts on 10-08 at 09:00 */
    expect(&w, "2026-10-03T02:00:00Z", 60, "2026-10-08T02:00:00Z");
}

static void on_a_make_up_saturday(void **state)
{
    (void)state;
    workcal w = china();
    /* Friday 2026-10-09 17:00 + 2 h: Saturday 10-10 is 调休上班 */
    expect(&w, "2026-10-09T09:00:00Z", 120, "2026-10-10T02:00:00Z");
    /* the same without the national days waits for Monday */
    workcal plain = w;
    plain.ndays = 0;
    expect(&plain, "2026-10-09T09:00:00Z", 120, "2026-10-12T02:00:00Z");
    assert_int_equal(workcal_is_working_day(&w, national[0].day + 3), 1); /* 2026-01-04, a Sunday at work */
}

static void within_the_working_day(void **state)
{
    (void)state;
    workcal w = china();
    /* nine hours from the opening end at the closing, not the next morning */
    expect(&w, "2026-03-06T01:00:00Z", 540, "2026-03-06T10:00:00Z");
    /* before opening counts from 09:00; after closing from the next day */
    expect(&w, "2026-03-04T23:00:00Z", 60, "2026-03-05T02:00:00Z");
    expect(&w, "2026-03-05T11:00:00Z", 30, "2026-03-06T01:30:00Z");
    /* zero minutes is now */
    expect(&w, "2026-03-07T03:00:00Z", 0, "2026-03-07T03:00:00Z");
}

static void no_working_day_at_all(void **state)
{
    (void)state;
    workcal w = {.start_min = 600, .end_min = 540, .saturday_off = 1, .sunday_off = 1};
    assert_int_equal(workcal_add(&w, 1767225600, 60), -1);
}

static void national_days_are_consistent(void **state)
{
    (void)state;
    size_t n;
    const workcal_national *cn = workcal_cn_days(&n);
    workcal plain = {.start_min = 540, .end_min = 1080, .saturday_off = 1, .sunday_off = 1};
    for (size_t i = 0; i < n; i++) {
        int32_t day;
        assert_int_equal(workcal_parse_date(cn[i].date, &day), 0);
        /* a make-up working day falls on a weekend */
        if (cn[i].working) assert_int_equal(workcal_is_working_day(&plain, day), 0);
    }
}

static void parsing(void **state)
{
    (void)state;
    int32_t d;
    int m;
    assert_int_equal(workcal_parse_date("1970-01-01", &d), 0);
    assert_int_equal(d, 0);
    assert_int_equal(workcal_parse_date("2028-02-29", &d), 0);
    assert_int_equal(workcal_parse_date("2027-02-29", &d), -1);
    assert_int_equal(workcal_parse_date("2026-13-01", &d), -1);
    assert_int_equal(workcal_parse_date("2026-1-01", &d), -1);
    assert_int_equal(workcal_parse_hhmm("08:30", &m), 0);
    assert_int_equal(m, 510);
    assert_int_equal(workcal_parse_hhmm("24:00", &m), 0);
    assert_int_equal(workcal_parse_hhmm("24:01", &m), -1);
    assert_int_equal(workcal_parse_hhmm("9:00", &m), -1);
    assert_int_equal(workcal_parse_hhmm("<b>", &m), -1);
}

static void repeated_days_keep_the_later(void **state)
{
    (void)state;
    workcal_day days[] = {{20, 0}, {10, 0}, {20, 1}, {5, 1}};
    size_t n = workcal_sort_days(days, 4);
    assert_int_equal(n, 3);
    assert_int_equal(days[0].day, 5);
    assert_int_equal(days[2].day, 20);
    assert_int_equal(days[2].working, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(across_a_weekend),         cmocka_unit_test(across_national_day),
        cmocka_unit_test(on_a_make_up_saturday),    cmocka_unit_test(within_the_working_day),
        cmocka_unit_test(no_working_day_at_all),    cmocka_unit_test(national_days_are_consistent),
        cmocka_unit_test(parsing),                  cmocka_unit_test(repeated_days_keep_the_later),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
