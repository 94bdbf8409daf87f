/* test_grams.c - the words of the quick-search index and of its queries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/grams.h"

static void check_index(const char *text, const char *want)
{
    strbuf sb = STRBUF_INIT;
    grams_of_text(text, &sb);
    assert_string_equal(sb_str(&sb), want);
    sb_free(&sb);
}

static void check_query(const char *q, int usable, const char *fts5, const char *tsq)
{
    strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    assert_int_equal(grams_query(q, &a, &b), usable);
    if (usable) {
        assert_string_equal(sb_str(&a), fts5);
        assert_string_equal(sb_str(&b), tsq);
    }
    sb_free(&a);
    sb_free(&b);
}

static void index_words(void **state)
{
    check_index("南京奥派", "南京 京奥 奥派");
    check_index("IBM中国有限公司", "ibm 中国 国有 有限 限公 公司");
    check_index("025-8333 3333", "025 8333 3333");
    check_index("王", "王");
    check_index("（北京）科技", "北京 科技");
    check_index("", "");
    check_index("\xff\xfe南京", "南京");
}

static void query_words(void **state)
{
    check_query("奥派", 1, "\"奥派\"", "(奥派)");
    check_query("南京奥派", 1, "\"南京 京奥 奥派\"", "(南京 <-> 京奥 <-> 奥派)");
    check_query("Kehu 南京", 1, "\"kehu\"* \"南京\"", "kehu:* & (南京)");
    check_query("王", 0, "", "");
    check_query("100%", 0, "", "");
    check_query("' OR 1=1 --", 0, "", "");
    check_query("   ", 0, "", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(index_words),
        cmocka_unit_test(query_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
