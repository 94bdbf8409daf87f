/* text.h - the little UTF-8 decoding sign-in needs: password policy counts
 * characters and usernames are checked character by character. Kept inside
 * src/auth so authentication does not depend on the records engine. */
#ifndef KEHU_AUTH_TEXT_H
#define KEHU_AUTH_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at *p (before end) and advances *p. Returns 0, or -1
 * on invalid UTF-8 (overlong forms, surrogates, beyond U+10FFFF). */
int auth_utf8_next(const char **p, const char *end, uint32_t *cp);

/* Number of code points in s[0..n), or -1 when it is not valid UTF-8. */
long auth_utf8_count(const char *s, size_t n);

#endif
