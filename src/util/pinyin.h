/* pinyin.h - pinyin keys of Chinese text, for what Chinese users expect of
 * names: sorting by pinyin (拼音排序), the A-Z initial bar, and searching
 * "njap" or "nanjing" to find 南京奥派. */
#ifndef KEHU_PINYIN_H
#define KEHU_PINYIN_H

#include "strbuf.h"

/* The characters with a pinyin table (CJK Unified Ideographs and Extension
 * A); tools/pinyin-table.c writes the table at build time. */
#define HAN_FIRST 0x3400
#define HAN_LAST 0x9FFF

/* Appends the full pinyin ("nanjingaopai") and the initials ("njap") of a
 * UTF-8 text. ASCII letters and digits are kept (lower-cased) in both; other
 * characters are skipped. Either output may be NULL. Thread-safe. */
void pinyin_keys(const char *text, strbuf *full, strbuf *initials);

/* Appends search words that find a name by the pinyin of a part that does
 * not start it (the start is served by the keys above): from each Chinese
 * character after the first, the initials of it and the next five and the
 * full pinyin of it and the next - 杭州云帆电子 gives "zyfdz yfdz ... zhouyun
 * yunfan fandian ...", so "yf", "yfdz" and "yunfan" all find it. */
void pinyin_search_words(const char *text, strbuf *out);

/* The A-Z bucket of a text: 'a'..'z', or '#' for anything else. */
char pinyin_initial(const char *text);

#endif
