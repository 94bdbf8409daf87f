/* test_pinyin.c - pinyin keys for sorting, the initial bar and search. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/pinyin.h"

static void check(const char *text, const char *full, const char *initials)
{
    strbuf f = STRBUF_INIT, i = STRBUF_INIT;
    pinyin_keys(text, &f, &i);
    assert_string_equal(sb_str(&f), full);
    assert_string_equal(sb_str(&i), initials);
    sb_free(&f);
    sb_free(&i);
}

static void company_names(void **state)
{
    check("南京奥派信息技术有限公司", "nanjingaopaixinxijishuyouxiangongsi", "njapxxjsyxgs");
    check("IBM中国", "ibmzhongguo", "ibmzg");
    check("3M 公司（上海）", "3mgongsishanghai", "3mgssh");
    check("", "", "");
}

static void polyphones_in_names(void **state)
{
    check("长沙银行", "changshayinhang", "csyh");
    check("厦门建发", "xiamenjianfa", "xmjf");
    check("重庆长安汽车", "chongqingchanganqiche", "cqcaqc");
    check("曾国藩", "zengguofan", "zgf");
}

static void initial_bucket(void **state)
{
    assert_int_equal(pinyin_initial("阿里巴巴"), 'a');
    assert_int_equal(pinyin_initial("Zoom"), 'z');
    assert_int_equal(pinyin_initial("（）——"), '#');
    assert_int_equal(pinyin_initial("123"), '#');
    assert_int_equal(pinyin_initial("\xff\xfe"), '#'); /* invalid UTF-8 is skipped, not a crash */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(company_names),
        cmocka_unit_test(polyphones_in_names),
        cmocka_unit_test(initial_bucket),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
