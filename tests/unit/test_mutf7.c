/* test_mutf7.c - IMAP modified UTF-7 (util/mutf7.h), the mailbox names a
 * 接收邮箱 asks the server for: RFC 3501's own example, Chinese folders, a
 * character beyond the BMP (a surrogate pair), "&" escaped, and the
 * refusals (invalid UTF-8, a control character, too small a buffer). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/mutf7.h"

static void expect(const char *utf8, const char *wire)
{
    char out[200];
    assert_int_equal(mutf7_encode(utf8, out, sizeof out), 0);
    assert_string_equal(out, wire);
}

static void ascii_stands_for_itself(void **state)
{
    (void)state;
    expect("INBOX", "INBOX");
    expect("Sent Items", "Sent Items");
    expect("a.b_c-d/e~", "a.b_c-d/e~");
    expect("", "");
}

static void ampersand_is_escaped(void **state)
{
    (void)state;
    expect("&", "&-");
    expect("A&B", "A&-B");
    expect("R&D/客服", "R&-D/&W6JnDQ-");
}

static void rfc3501_example(void **state)
{
    (void)state;
    /* RFC 3501 §5.1.3: "~peter/mail/台北/日本語" */
    expect("~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
}

static void chinese_and_latin(void **state)
{
    (void)state;
    expect("客服", "&W6JnDQ-");
    expect("售后服务", "&VS5UDmcNUqE-");
    expect("INBOX/客服 2026", "INBOX/&W6JnDQ- 2026");
    expect("Entwürfe", "Entw&APw-rfe");
    expect("Ärger&Ö", "&AMQ-rger&-&ANY-"); /* a run closes before "&-" */
}

static void beyond_the_bmp_is_a_surrogate_pair(void **state)
{
    (void)state;
    expect("\xf0\x9f\x98\x80", "&2D3eAA-"); /* U+1F600: D83D DE00 */
    expect("客\xf0\x9f\x98\x80", "&W6LYPd4A-");
}

static void refusals(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(mutf7_encode("bad\xff", out, sizeof out), -1);
    assert_string_equal(out, "");
    assert_int_equal(mutf7_encode("\xe5\xae", out, sizeof out), -1); /* cut in a character */
    assert_int_equal(mutf7_encode("tab\there", out, sizeof out), -1);
    assert_int_equal(mutf7_encode("del\x7f", out, sizeof out), -1);
    assert_int_equal(mutf7_encode("售后服务", out, 13), -1); /* 13 characters need 14 bytes with the NUL */
    assert_string_equal(out, "");
    assert_int_equal(mutf7_encode("售后服务", out, 14), 0);
    assert_string_equal(out, "&VS5UDmcNUqE-");
    assert_int_equal(mutf7_encode("x", out, 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ascii_stands_for_itself),
        cmocka_unit_test(ampersand_is_escaped),
        cmocka_unit_test(rfc3501_example),
        cmocka_unit_test(chinese_and_latin),
        cmocka_unit_test(beyond_the_bmp_is_a_surrogate_pair),
        cmocka_unit_test(refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
