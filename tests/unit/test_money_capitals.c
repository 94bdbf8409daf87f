/* test_money_capitals.c - amounts in Chinese capitals (util/money_capitals):
 * the People's Bank of China's own examples, zeros in every place, the
 * ends of int64. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/money_capitals.h"

static void expect(int64_t fen, const char *capitals)
{
    strbuf sb = STRBUF_INIT;
    money_capitals(fen, &sb);
    if (strcmp(sb_str(&sb), capitals) != 0) print_error("%lld 分: got %s\n", (long long)fen, sb_str(&sb));
    assert_string_equal(sb_str(&sb), capitals);
    sb_free(&sb);
}

static void the_central_banks_examples(void **state)
{
    expect(140950, "壹仟肆佰零玖元伍角");
    expect(168032, "壹仟陆佰捌拾元叁角贰分");
    expect(10700053, "壹拾万柒仟元伍角叁分");
    expect(1640902, "壹万陆仟肆佰零玖元零贰分");
    expect(32504, "叁佰贰拾伍元零肆分");
    expect(1234567, "壹万贰仟叁佰肆拾伍元陆角柒分"); /* the issue's */
}

static void jiao_and_fen(void **state)
{
    expect(0, "零元整");
    expect(5, "伍分");
    expect(50, "伍角");
    expect(55, "伍角伍分");
    expect(100, "壹元整");
    expect(1010, "壹拾元壹角");
    expect(100001, "壹仟元零壹分");
}

static void zeros_inside_and_at_the_end(void **state)
{
    expect(1000, "壹拾元整");
    expect(1500, "壹拾伍元整");
    expect(10000, "壹佰元整");
    expect(100100, "壹仟零壹元整");
    expect(101000, "壹仟零壹拾元整");
    expect(110000, "壹仟壹佰元整");
    expect(1000000, "壹万元整");
    expect(1000100, "壹万零壹元整");
    expect(2000000, "贰万元整");
    expect(10050000, "壹拾万零伍佰元整");
    expect(100000000, "壹佰万元整");
}

static void yi_and_beyond(void **state)
{
    expect(INT64_C(10000000000), "壹亿元整");
    expect(INT64_C(10000050000), "壹亿零伍佰元整");
    expect(INT64_C(10001000000), "壹亿零壹万元整");
    expect(INT64_C(10000500000), "壹亿零伍仟元整");
    expect(INT64_C(11000000000), "壹亿壹仟万元整");
    expect(INT64_C(100000000000000), "壹万亿元整");
    expect(INT64_C(123456789012300), "壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万零壹佰贰拾叁元整");
    expect(INT64_MAX, "玖亿贰仟贰佰叁拾叁万柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零柒分");
}

static void negative_amounts(void **state)
{
    expect(-1230, "负壹拾贰元叁角");
    expect(-5, "负伍分");
    expect(INT64_MIN, "负玖亿贰仟贰佰叁拾叁万柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零捌分");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_central_banks_examples),
        cmocka_unit_test(jiao_and_fen),
        cmocka_unit_test(zeros_inside_and_at_the_end),
        cmocka_unit_test(yi_and_beyond),
        cmocka_unit_test(negative_amounts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
