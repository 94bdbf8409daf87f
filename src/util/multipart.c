/* multipart.c - see multipart.h. The body is searched with memmem (linear
 * time), so a hostile body of dashes costs no more than reading it. */
#define _GNU_SOURCE
#include "multipart.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define BOUNDARY_MAX 70      /* RFC 2046 */
#define PART_HEADERS_MAX 8192 /* a part's header block */

int multipart_is_form(const char *content_type)
{
    return content_type && strncasecmp(content_type, "multipart/form-data", 19) == 0 &&
           (content_type[19] == '\0' || content_type[19] == ';' || content_type[19] == ' ');
}

/* The value of parameter `key` in a header value ("a; key=v; b=\"w\""),
 * copied into out (unquoted); 0 when absent or too long. */
static int param(const char *value, size_t n, const char *key, char *out, size_t cap)
{
    size_t klen = strlen(key);
    const char *end = value + n;
    for (const char *p = value; p < end;) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *stop = semi ? semi : end;
        while (p < stop && isspace((unsigned char)*p)) p++;
        if ((size_t)(stop - p) > klen && strncasecmp(p, key, klen) == 0 && p[klen] == '=') {
            const char *v = p + klen + 1, *ve = stop;
            while (ve > v && isspace((unsigned char)ve[-1])) ve--;
            if (ve - v >= 2 && *v == '"' && ve[-1] == '"') v++, ve--;
            if ((size_t)(ve - v) >= cap) return 0;
            memcpy(out, v, (size_t)(ve - v));
            out[ve - v] = '\0';
            return 1;
        }
        p = stop + 1;
    }
    return 0;
}

/* In a part's header block: does Content-Disposition give a filename, or
 * name="file"? 2 for a filename, 1 for the name, 0 otherwise. */
static int file_part(const char *headers, size_t n)
{
    const char *end = headers + n;
    for (const char *line = headers; line < end;) {
        const char *eol = memmem(line, (size_t)(end - line), "\r\n", 2);
        if (!eol) eol = end;
        static const char NAME[] = "content-disposition:";
        if ((size_t)(eol - line) > sizeof NAME - 1 && strncasecmp(line, NAME, sizeof NAME - 1) == 0) {
            const char *v = line + sizeof NAME - 1;
            char buf[256];
            if (param(v, (size_t)(eol - v), "filename", buf, sizeof buf)) return 2;
            if (param(v, (size_t)(eol - v), "name", buf, sizeof buf) && strcmp(buf, "file") == 0) return 1;
        }
        line = eol + 2;
    }
    return 0;
}

int multipart_find_file(const char *content_type, const char *body, size_t n, multipart_file *out)
{
    char boundary[BOUNDARY_MAX + 1], delim[BOUNDARY_MAX + 5];
    const char *semi = content_type ? strchr(content_type, ';') : NULL;
    if (!multipart_is_form(content_type) || !semi || !param(semi + 1, strlen(semi + 1), "boundary", boundary, sizeof boundary) ||
        !*boundary || strpbrk(boundary, "\r\n"))
        return -1;
    /* Parts are separated by CRLF--boundary; the first may open the body. */
    int dlen = snprintf(delim, sizeof delim, "\r\n--%s", boundary);
    const char *end = body + n, *p;
    if (n >= (size_t)dlen - 2 && memcmp(body, delim + 2, (size_t)dlen - 2) == 0) p = body + dlen - 2;
    else if ((p = memmem(body, n, delim, (size_t)dlen))) p += dlen;
    else return -1;
    const char *named = NULL, *named_end = NULL;
    for (;;) {
        if (end - p >= 2 && p[0] == '-' && p[1] == '-') break; /* the closing delimiter */
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') return -1;
        p += 2;
        size_t room = (size_t)(end - p) < PART_HEADERS_MAX ? (size_t)(end - p) : PART_HEADERS_MAX;
        const char *blank = p + 2 <= end && p[0] == '\r' && p[1] == '\n' ? p - 2 : memmem(p, room, "\r\n\r\n", 4);
        if (!blank) return -1;
        const char *content = blank + 4;
        const char *next = memmem(content, (size_t)(end - content), delim, (size_t)dlen);
        if (!next) return -1;
        int kind = blank > p ? file_part(p, (size_t)(blank - p)) : 0;
        if (kind == 2) {
            out->data = content;
            out->len = (size_t)(next - content);
            return 0;
        }
        if (kind == 1 && !named) named = content, named_end = next;
        p = next + dlen;
    }
    if (!named) return -1;
    out->data = named;
    out->len = (size_t)(named_end - named);
    return 0;
}
