/* json_numbers.h - numbers in JSON text that a double cannot hold. jansson
 * refuses a number too large (1e400) but reads one too small (1e-400) as
 * 0 without a word, so an integer field would store 0 for 1e-400. The text
 * is looked at before it is parsed. */
#ifndef KEHU_JSON_NUMBERS_H
#define KEHU_JSON_NUMBERS_H

#include <stddef.h>

/* Finds, outside strings, the first number that is not zero but smaller in
 * magnitude than the smallest normal double (about 2.2e-308): it would
 * arrive as 0 or with its digits lost. Returns its offset in s[0..n) and its
 * length in *len, or -1 when there is none. */
long json_tiny_number(const char *s, size_t n, size_t *len);

#endif
