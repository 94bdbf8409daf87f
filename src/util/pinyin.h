/* pinyin.h - pinyin keys of Chinese text, for what Chinese users expect of
 * names: sorting by pinyin (拼音排序), the A-Z initial bar, and searching
 * "njap" or "nanjing" to find 南京奥派. */
#ifndef KEHU_PINYIN_H
#define KEHU_PINYIN_H

#include "strbuf.h"

/* Appends the full pinyin ("nanjingaopai") and the initials ("njap") of a
 * UTF-8 text. ASCII letters and digits are kept (lower-cased) in both; other
 * characters are skipped. Either output may be NULL. Thread-safe; the first
 * call builds the table (about 0.1 s). */
void pinyin_keys(const char *text, strbuf *full, strbuf *initials);

/* The A-Z bucket of a text: 'a'..'z', or '#' for anything else. */
char pinyin_initial(const char *text);

#endif
