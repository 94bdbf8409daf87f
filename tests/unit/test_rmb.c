/* test_rmb.c - amounts in Chinese capitals (人民币大写, util/rmb.h), as a
 * quote, an order or an invoice prints them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/rmb.h"

static void expect(int64_t fen, const char *words)
{
    char out[RMB_UPPER_MAX];
    assert_int_equal(rmb_upper(fen, out, sizeof out), 0);
    assert_string_equal(out, words);
}

static void whole_amounts_end_in_zheng(void **state)
{
    (void)state;
    expect(0, "零元整");
    expect(100, "壹元整");
    expect(1000, "壹拾元整"); /* 拾 keeps its 壹 */
    expect(2000000, "贰万元整");
    expect(10000000, "壹拾万元整");
}

static void jiao_and_fen(void **state)
{
    (void)state;
    expect(1234567, "壹万贰仟叁佰肆拾伍元陆角柒分");
    expect(7, "柒分");         /* 分 only */
    expect(50, "伍角");         /* 角 only */
    expect(56, "伍角陆分");
    expect(105, "壹元零伍分"); /* no 角: 零 before the 分 */
    expect(150, "壹元伍角");
    expect(1050, "壹拾元伍角");
    expect(11299, "壹佰壹拾贰元玖角玖分");
}

static void one_zero_for_a_run_of_zeros(void **state)
{
    (void)state;
    expect(1000500, "壹万零伍元整");
    expect(1005000, "壹万零伍拾元整");
    expect(10001000, "壹拾万零壹拾元整");
    expect(100500, "壹仟零伍元整");
    expect(101000, "壹仟零壹拾元整");
    expect(100100000, "壹佰万零壹仟元整");
    expect(10000000100, "壹亿零壹元整");
    expect(11000000000, "壹亿壹仟万元整");
    expect(10001000000, "壹亿零壹万元整");
    expect(10000100000, "壹亿零壹仟元整");
}

static void large_amounts(void **state)
{
    (void)state;
    expect(100000000000000, "壹万亿元整");
    expect(100010000000000, "壹万零壹亿元整");
    expect(999999999999999999, "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分");
    char out[RMB_UPPER_MAX];
    assert_int_equal(rmb_upper(1000000000000000000, out, sizeof out), -1); /* 10^16 元 */
    assert_int_equal(rmb_upper(INT64_MAX, out, sizeof out), -1);
    assert_int_equal(rmb_upper(INT64_MIN, out, sizeof out), -1);
    assert_int_equal(rmb_upper(100, out, 10), -1); /* too small a buffer */
}

static void negative_amounts_say_fu(void **state)
{
    (void)state;
    expect(-1234567, "负壹万贰仟叁佰肆拾伍元陆角柒分");
    expect(-7, "负柒分");
    expect(-100, "负壹元整");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_amounts_end_in_zheng),  cmocka_unit_test(jiao_and_fen),
        cmocka_unit_test(one_zero_for_a_run_of_zeros), cmocka_unit_test(large_amounts),
        cmocka_unit_test(negative_amounts_say_fu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
