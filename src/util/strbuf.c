/* strbuf.c - see strbuf.h. */
#include "strbuf.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

void sb_reserve(strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap) return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need) cap *= 2;
    char *p = realloc(sb->data, cap);
    if (!p) abort();
    sb->data = p;
    sb->cap = cap;
}

void sb_appendn(strbuf *sb, const char *s, size_t n)
{
    sb_reserve(sb, n);
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void sb_append(strbuf *sb, const char *s)
{
    sb_appendn(sb, s, strlen(s));
}

void sb_putc(strbuf *sb, char c)
{
    sb_reserve(sb, 1);
    sb->data[sb->len++] = c;
    sb->data[sb->len] = '\0';
}

void sb_printf(strbuf *sb, const char *fmt, ...)
{
    /* One pass into the room there is; a second only when it is short
     * (formatting twice was a tenth of a detail read's time). */
    size_t room = sb->cap > sb->len ? sb->cap - sb->len : 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(room ? sb->data + sb->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n <= 0) {
        if (room) sb->data[sb->len] = '\0';
        return;
    }
    if ((size_t)n >= room) {
        sb_reserve(sb, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    sb->len += (size_t)n;
}

void sb_int64(strbuf *sb, int64_t v)
{
    /* by hand: snprintf was most of the cost of a record's numbers in JSON */
    char buf[24], *p = buf + sizeof buf;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) *--p = '-';
    sb_appendn(sb, p, (size_t)(buf + sizeof buf - p));
}

/* Length of the strict UTF-8 sequence s starts with (see utf8.h), 0 when
 * it is invalid. */
static size_t utf8_sequence_len(const char *s, size_t n)
{
    const char *p = s;
    uint32_t cp;
    return utf8_next(&p, s + n, &cp) == 0 ? (size_t)(p - s) : 0;
}

void sb_json_stringn(strbuf *sb, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    sb_reserve(sb, n + 2);
    /* Most strings (field names, codes, dates) are printable ASCII with
     * nothing to escape: one look at each byte, then one copy. */
    size_t plain = 0;
    while (plain < n) {
        unsigned char c = (unsigned char)s[plain];
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
        plain++;
    }
    if (plain == n) {
        sb->data[sb->len++] = '"';
        memcpy(sb->data + sb->len, s, n);
        sb->len += n;
        sb->data[sb->len++] = '"';
        sb->data[sb->len] = '\0';
        return;
    }
    sb_putc(sb, '"');
    size_t run = 0; /* start of the pending run of bytes that need no escape */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char ubuf[7];
        if (c == '"') esc = "\\\"";
        else if (c == '\\') esc = "\\\\";
        else if (c == '\n') esc = "\\n";
        else if (c == '\r') esc = "\\r";
        else if (c == '\t') esc = "\\t";
        else if (c < 0x20) {
            memcpy(ubuf, "\\u00", 4);
            ubuf[4] = hex[c >> 4];
            ubuf[5] = hex[c & 15];
            ubuf[6] = '\0';
            esc = ubuf;
        } else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                   ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
            /* U+2028/U+2029 break JavaScript string literals in old parsers. */
            esc = (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
            sb_appendn(sb, s + run, i - run);
            sb_append(sb, esc);
            i += 2;
            run = i + 1;
            continue;
        } else if (c >= 0x80) {
            size_t len = utf8_sequence_len(s + i, n - i);
            if (len) {
                i += len - 1;
                continue;
            }
            /* never invalid UTF-8 in an answer, whatever slipped into the
             * data: the byte becomes U+FFFD */
            esc = "\\ufffd";
        }
        if (esc) {
            sb_appendn(sb, s + run, i - run);
            sb_append(sb, esc);
            run = i + 1;
        }
    }
    sb_appendn(sb, s + run, n - run);
    sb_putc(sb, '"');
}

void sb_json_string(strbuf *sb, const char *s)
{
    if (!s) {
        sb_append(sb, "null");
        return;
    }
    sb_json_stringn(sb, s, strlen(s));
}

void sb_clear(strbuf *sb)
{
    sb->len = 0;
    if (sb->data) sb->data[0] = '\0';
}

void sb_free(strbuf *sb)
{
    free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
}

char *sb_detach(strbuf *sb)
{
    if (!sb->data) sb_reserve(sb, 0), sb->data[0] = '\0';
    char *p = sb->data;
    sb->data = NULL;
    sb->len = sb->cap = 0;
    return p;
}

const char *sb_str(const strbuf *sb)
{
    return sb->data ? sb->data : "";
}
