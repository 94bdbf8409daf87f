/* mutf7.c - see mutf7.h. */
#include "mutf7.h"

#include <stdint.h>
#include <string.h>

#include "utf8.h"

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

typedef struct out {
    char *p;
    size_t left; /* room before the NUL */
} out;

static int put(out *o, char c)
{
    if (!o->left) return -1;
    *o->p++ = c;
    o->left--;
    return 0;
}

/* The bits of a base64 run not yet written: the run's UTF-16 units go in
 * 16 bits at a time and come out 6 at a time. */
typedef struct run {
    uint32_t bits;
    int nbits, open;
} run;

static int run_unit(out *o, run *r, uint32_t unit)
{
    if (!r->open && put(o, '&')) return -1;
    r->open = 1;
    r->bits = (r->bits << 16) | unit;
    r->nbits += 16;
    while (r->nbits >= 6) {
        r->nbits -= 6;
        if (put(o, B64[(r->bits >> r->nbits) & 0x3f])) return -1;
    }
    return 0;
}

/* Ends a run: the last bits padded with zeros, then "-". */
static int run_close(out *o, run *r)
{
    if (!r->open) return 0;
    if (r->nbits && put(o, B64[(r->bits << (6 - r->nbits)) & 0x3f])) return -1;
    r->bits = 0, r->nbits = 0, r->open = 0;
    return put(o, '-');
}

int mutf7_encode(const char *utf8, char *buf, size_t size)
{
    if (!size) return -1;
    out o = {buf, size - 1};
    run r = {0, 0, 0};
    const char *p = utf8, *end = utf8 + strlen(utf8);
    int rc = 0;
    while (!rc && p < end) {
        uint32_t cp;
        if (utf8_next(&p, end, &cp) || cp < 0x20 || cp == 0x7f) {
            rc = -1;
            break;
        }
        if (cp < 0x7f) { /* printable ASCII: itself, "&" as "&-" */
            rc = run_close(&o, &r) || put(&o, (char)cp) || (cp == '&' && put(&o, '-'));
        } else if (cp < 0x10000) {
            rc = run_unit(&o, &r, cp);
        } else { /* beyond the BMP: a surrogate pair */
            cp -= 0x10000;
            rc = run_unit(&o, &r, 0xd800 | (cp >> 10)) || run_unit(&o, &r, 0xdc00 | (cp & 0x3ff));
        }
    }
    if (!rc) rc = run_close(&o, &r);
    *o.p = '\0';
    if (rc) buf[0] = '\0';
    return rc ? -1 : 0;
}
