/* json_numbers.c - see json_numbers.h. */
#include "json_numbers.h"

#include <ctype.h>

/* The smallest normal double is about 2.2e-308: a first significant digit
 * at 10^-308 or below may be lost. */
#define TINY_MAGNITUDE (-308)

/* Scans the number at s[i..n) and returns its end. *nonzero tells whether
 * a digit is not 0; *magnitude is the decimal exponent of the first
 * significant digit (1.5 -> 0, 250 -> 2, 0.01 -> -2, 3e-400 -> -400),
 * clamped far beyond what a double holds. */
static size_t scan_number(const char *s, size_t i, size_t n, int *nonzero, long *magnitude)
{
    long int_digits = 0, first_int = -1, first_frac = 0, frac = 0, exp = 0;
    if (i < n && s[i] == '-') i++;
    for (; i < n && isdigit((unsigned char)s[i]); i++) {
        if (first_int < 0 && s[i] != '0') first_int = int_digits;
        if (int_digits < 100000) int_digits++;
    }
    if (i < n && s[i] == '.')
        for (i++; i < n && isdigit((unsigned char)s[i]); i++) {
            if (frac < 100000) frac++;
            if (!first_frac && s[i] != '0') first_frac = frac;
        }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        int neg = 0;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
        for (; i < n && isdigit((unsigned char)s[i]); i++)
            if (exp < 100000) exp = exp * 10 + (s[i] - '0');
        if (neg) exp = -exp;
    }
    *nonzero = first_int >= 0 || first_frac > 0;
    *magnitude = (first_int >= 0 ? int_digits - 1 - first_int : -first_frac) + exp;
    return i;
}

long json_tiny_number(const char *s, size_t n, size_t *len)
{
    for (size_t i = 0; i < n;) {
        if (s[i] == '"') { /* a string: skip it, escapes included */
            for (i++; i < n && s[i] != '"'; i++)
                if (s[i] == '\\') i++;
            i++;
        } else if (s[i] == '-' || isdigit((unsigned char)s[i])) {
            int nonzero;
            long magnitude;
            size_t end = scan_number(s, i, n, &nonzero, &magnitude);
            if (nonzero && magnitude <= TINY_MAGNITUDE) {
                *len = end - i;
                return (long)i;
            }
            i = end > i ? end : i + 1;
        } else {
            i++;
        }
    }
    return -1;
}
