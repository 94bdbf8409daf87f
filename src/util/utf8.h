/* utf8.h - strict UTF-8: text a browser would not round-trip must not
 * become a password, a username, a URL parameter or a stored value.
 * Overlong forms, surrogates and code points beyond U+10FFFF are invalid. */
#ifndef KEHU_UTF8_H
#define KEHU_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at *p (before end) and advances *p. Returns 0, or -1
 * on invalid UTF-8. */
int utf8_next(const char **p, const char *end, uint32_t *cp);

/* Number of code points in s[0..n), or -1 when it is not valid UTF-8. */
long utf8_count(const char *s, size_t n);

/* Validates UTF-8 and refuses NUL; 1 if valid. */
int utf8_valid(const char *s, size_t n);

/* Number of code points of text already valid (for max_length in
 * characters): counts the bytes that start one. */
size_t utf8_length(const char *s, size_t n);

#endif
