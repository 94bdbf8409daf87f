/* utf8.c - see utf8.h. */
#include "utf8.h"

/* Length of a sequence by its lead byte, with the smallest code point it may
 * encode (anything below is an overlong form). */
static int seq_len(unsigned char b, uint32_t *cp, uint32_t *min)
{
    if (b < 0x80) {
        *cp = b;
        *min = 0;
        return 1;
    }
    if ((b & 0xE0) == 0xC0) {
        *cp = b & 0x1F;
        *min = 0x80;
        return 2;
    }
    if ((b & 0xF0) == 0xE0) {
        *cp = b & 0x0F;
        *min = 0x800;
        return 3;
    }
    if ((b & 0xF8) == 0xF0) {
        *cp = b & 0x07;
        *min = 0x10000;
        return 4;
    }
    return -1;
}

int utf8_next(const char **p, const char *end, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)*p;
    uint32_t v, min;
    int n = seq_len(s[0], &v, &min);
    if (n < 0 || (const char *)s + n > end) return -1;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return -1;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return -1;
    *cp = v;
    *p += n;
    return 0;
}

long utf8_count(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    long count = 0;
    uint32_t cp;
    while (p < end) {
        if (utf8_next(&p, end, &cp)) return -1;
        count++;
    }
    return count;
}

int utf8_valid(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    uint32_t cp;
    while (p < end)
        if (*p == '\0' || utf8_next(&p, end, &cp)) return 0;
    return 1;
}

size_t utf8_length(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) count++;
    return count;
}
