/* mail_parse.c - see mail_parse.h. */
#include "mail_parse.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/ucnv.h>

#include "../util/strbuf.h"
#include "../util/utf8.h"

#define DEPTH_MAX 8    /* multipart inside multipart */
#define PARTS_MAX 100  /* parts looked at in all */
#define REFS_MAX 20    /* ids kept of References */
#define ID_MAX 250

/* ---- text into valid UTF-8 ---- */

/* Appends s[0..n) as valid UTF-8: an invalid byte becomes U+FFFD, CR LF
 * and lone CR become LF, NUL and other controls (but tab) go. */
static void append_clean(strbuf *out, const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    while (p < end) {
        const char *at = p;
        uint32_t cp;
        if (utf8_next(&p, end, &cp)) {
            sb_append(out, "\xEF\xBF\xBD");
            p = at + 1;
            continue;
        }
        if (cp == '\r') {
            if (p < end && *p == '\n') p++;
            sb_putc(out, '\n');
        } else if (cp == '\n' || cp == '\t' || (cp >= 0x20 && cp != 0x7f && (cp < 0x80 || cp > 0x9f))) {
            sb_appendn(out, at, (size_t)(p - at));
        }
    }
}

/* s[0..n) in `charset` appended as UTF-8; a charset ICU does not know is
 * read as UTF-8 (cleaned like any other). */
static void append_charset(strbuf *out, const char *s, size_t n, const char *charset)
{
    if (!charset || !*charset || !strcasecmp(charset, "utf-8") || !strcasecmp(charset, "us-ascii") || !n) {
        append_clean(out, s, n);
        return;
    }
    UErrorCode status = U_ZERO_ERROR;
    size_t cap = n * 4 + 16;
    char *buf = malloc(cap);
    int32_t got = buf && n < 0x10000000 ? ucnv_convert("UTF-8", charset, buf, (int32_t)cap, s, (int32_t)n, &status) : -1;
    if (buf && got >= 0 && U_SUCCESS(status)) append_clean(out, buf, (size_t)got);
    else append_clean(out, s, n);
    free(buf);
}

/* ---- transfer encodings ---- */

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Base64, forgiving: anything not of the alphabet is skipped, padding
 * ends nothing early. */
static void base64_decode(strbuf *out, const char *s, size_t n)
{
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_value((unsigned char)s[i]);
        if (v < 0) continue;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            sb_putc(out, (char)((acc >> bits) & 0xff));
        }
    }
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = (char)toupper((unsigned char)c);
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Quoted-printable; in a header word (`header`) '_' is a space. */
static void qp_decode(strbuf *out, const char *s, size_t n, int header)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '=' && i + 2 < n && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            sb_putc(out, (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
            i += 2;
        } else if (s[i] == '=' && i + 1 < n && (s[i + 1] == '\n' || s[i + 1] == '\r')) {
            i += s[i + 1] == '\r' && i + 2 < n && s[i + 2] == '\n' ? 2 : 1; /* soft line break */
        } else if (s[i] == '_' && header) {
            sb_putc(out, ' ');
        } else {
            sb_putc(out, s[i]);
        }
    }
}

/* ---- headers ---- */

/* The end of the header block and the start of the body. */
static size_t header_end(const char *raw, size_t len, size_t *body)
{
    for (size_t i = 0; i < len; i++) {
        if (raw[i] != '\n') continue;
        size_t j = i + 1;
        if (j < len && raw[j] == '\r') j++;
        if (j < len && raw[j] == '\n') {
            *body = j + 1;
            return i + 1;
        }
        if (j >= len) break;
    }
    *body = len;
    return len;
}

/* The unfolded value of the first header `name` in h[0..n), or NULL.
 * Caller frees. */
static char *header_get(const char *h, size_t n, const char *name)
{
    size_t name_len = strlen(name);
    for (size_t at = 0; at < n;) {
        size_t eol = at;
        while (eol < n && h[eol] != '\n') eol++;
        if (eol - at > name_len && h[at + name_len] == ':' && !strncasecmp(h + at, name, name_len)) {
            strbuf v = STRBUF_INIT;
            size_t from = at + name_len + 1;
            for (;;) {
                size_t stop = eol > from && h[eol - 1] == '\r' ? eol - 1 : eol;
                sb_appendn(&v, h + from, stop - from);
                if (eol + 1 < n && (h[eol + 1] == ' ' || h[eol + 1] == '\t')) { /* a folded line */
                    from = eol + 1;
                    eol = from;
                    while (eol < n && h[eol] != '\n') eol++;
                    continue;
                }
                break;
            }
            char *s = sb_detach(&v);
            char *start = s;
            while (*start == ' ' || *start == '\t') start++;
            memmove(s, start, strlen(start) + 1);
            return s;
        }
        at = eol + 1;
    }
    return NULL;
}

/* A parameter of a header value (charset, boundary), unquoted; "" when
 * absent. Writes at most size-1 bytes. */
static void param_get(const char *value, const char *name, char *out, size_t size)
{
    out[0] = 0;
    size_t name_len = strlen(name);
    for (const char *p = value ? strchr(value, ';') : NULL; p; p = strchr(p + 1, ';')) {
        const char *k = p + 1;
        while (*k == ' ' || *k == '\t') k++;
        if (strncasecmp(k, name, name_len) || k[name_len] != '=') continue;
        const char *v = k + name_len + 1;
        size_t n = 0;
        if (*v == '"') {
            v++;
            while (v[n] && v[n] != '"') n++;
        } else {
            while (v[n] && v[n] != ';' && v[n] != ' ' && v[n] != '\t') n++;
        }
        if (n >= size) n = size - 1;
        memcpy(out, v, n);
        out[n] = 0;
        return;
    }
}

/* RFC 2047: =?charset?B|Q?text?= words decoded; the blanks between two
 * words go, other text is kept (cleaned). */
static void decode_words(strbuf *out, const char *s)
{
    const char *p = s;
    int after_word = 0;
    while (*p) {
        const char *w = strstr(p, "=?");
        const char *q1 = w ? strchr(w + 2, '?') : NULL;
        const char *q2 = q1 && q1[1] && q1[2] == '?' ? q1 + 2 : NULL;
        const char *end = q2 ? strstr(q2 + 1, "?=") : NULL;
        if (!end) {
            append_clean(out, p, strlen(p));
            return;
        }
        int blank = 1;
        for (const char *b = p; b < w; b++) blank &= *b == ' ' || *b == '\t' || *b == '\r' || *b == '\n';
        if (!(after_word && blank)) append_clean(out, p, (size_t)(w - p));
        char charset[64];
        size_t cs = (size_t)(q1 - (w + 2));
        if (cs >= sizeof charset) cs = sizeof charset - 1;
        memcpy(charset, w + 2, cs);
        charset[cs] = 0;
        char *star = strchr(charset, '*'); /* RFC 2231 language */
        if (star) *star = 0;
        strbuf raw = STRBUF_INIT;
        char enc = (char)toupper((unsigned char)q1[1]);
        if (enc == 'B') base64_decode(&raw, q2 + 1, (size_t)(end - (q2 + 1)));
        else qp_decode(&raw, q2 + 1, (size_t)(end - (q2 + 1)), 1);
        append_charset(out, raw.data ? raw.data : "", raw.len, charset);
        sb_free(&raw);
        p = end + 2;
        after_word = 1;
    }
}

static char *decoded_header(const char *h, size_t n, const char *name)
{
    char *v = header_get(h, n, name);
    strbuf out = STRBUF_INIT;
    if (v) decode_words(&out, v);
    free(v);
    char *s = sb_detach(&out);
    for (char *c = s; *c; c++)
        if (*c == '\n' || *c == '\t') *c = ' ';
    return s;
}

/* ---- HTML as text ---- */

static int tag_is(const char *p, const char *end, const char *name)
{
    size_t n = strlen(name);
    return (size_t)(end - p) > n && !strncasecmp(p, name, n) && !isalnum((unsigned char)p[n]);
}

static const char *skip_past(const char *p, const char *end, const char *closing)
{
    size_t n = strlen(closing);
    for (; p + n <= end; p++)
        if (!strncasecmp(p, closing, n)) return p + n;
    return end;
}

static void html_entity(strbuf *out, const char **pp, const char *end)
{
    static const struct { const char *name, *text; } NAMED[] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&apos;", "'"}, {"&nbsp;", " "}};
    const char *p = *pp;
    for (size_t i = 0; i < sizeof NAMED / sizeof *NAMED; i++) {
        size_t n = strlen(NAMED[i].name);
        if ((size_t)(end - p) >= n && !strncasecmp(p, NAMED[i].name, n)) {
            sb_append(out, NAMED[i].text);
            *pp = p + n;
            return;
        }
    }
    if (end - p > 3 && p[1] == '#') {
        int hex = p[2] == 'x' || p[2] == 'X';
        char *stop = NULL;
        unsigned long cp = strtoul(p + 2 + hex, &stop, hex ? 16 : 10);
        if (stop && stop < end && *stop == ';' && cp >= 0x20 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff)) {
            char u[4];
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (len == 1) u[0] = (char)cp;
            else {
                for (int i = len - 1; i > 0; i--) u[i] = (char)(0x80 | (cp & 0x3f)), cp >>= 6;
                u[0] = (char)((len == 2 ? 0xc0 : len == 3 ? 0xe0 : 0xf0) | cp);
            }
            sb_appendn(out, u, (size_t)len);
            *pp = stop + 1;
            return;
        }
    }
    sb_putc(out, '&');
    *pp = p + 1;
}

/* The text a reader sees: tags dropped (a line break for the blocks),
 * script and style with their content, comments, entities decoded. */
static void html_text(strbuf *out, const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    while (p < end) {
        if (*p == '&') {
            html_entity(out, &p, end);
            continue;
        }
        if (*p != '<') {
            sb_putc(out, *p++);
            continue;
        }
        const char *t = p + 1;
        int closing = t < end && *t == '/';
        if (closing) t++;
        if ((size_t)(end - p) >= 4 && !strncmp(p, "<!--", 4)) p = skip_past(p + 4, end, "-->");
        else if (!closing && tag_is(t, end, "script")) p = skip_past(t, end, "</script>");
        else if (!closing && tag_is(t, end, "style")) p = skip_past(t, end, "</style>");
        else {
            if (tag_is(t, end, "br") || tag_is(t, end, "p") || tag_is(t, end, "div") || tag_is(t, end, "li") ||
                tag_is(t, end, "tr") || tag_is(t, end, "h1") || tag_is(t, end, "h2") || tag_is(t, end, "h3"))
                sb_putc(out, '\n');
            while (p < end && *p != '>') p++;
            if (p < end) p++;
        }
    }
}

/* ---- the MIME tree ---- */

typedef struct texts {
    strbuf plain, html;
    int parts;
} texts;

static void walk(texts *t, const char *raw, size_t len, int depth);

static void walk_multipart(texts *t, const char *body, size_t len, const char *boundary, int depth)
{
    size_t blen = strlen(boundary);
    const char *end = body + len, *part = NULL;
    for (const char *p = body; p + 2 + blen <= end; p++) {
        int line_start = p == body || p[-1] == '\n';
        if (!line_start || p[0] != '-' || p[1] != '-' || memcmp(p + 2, boundary, blen)) continue;
        if (part) {
            const char *stop = p;
            if (stop > part && stop[-1] == '\n') stop--;
            if (stop > part && stop[-1] == '\r') stop--;
            walk(t, part, (size_t)(stop - part), depth + 1);
        }
        const char *after = p + 2 + blen;
        if (after + 1 < end && after[0] == '-' && after[1] == '-') return; /* the closing boundary */
        while (after < end && *after != '\n') after++;
        part = after < end ? after + 1 : end;
        p = part - 1;
        if (++t->parts > PARTS_MAX) return;
    }
}

static void walk(texts *t, const char *raw, size_t len, int depth)
{
    if (depth > DEPTH_MAX) return;
    size_t body_at, hlen = header_end(raw, len, &body_at);
    char *type = header_get(raw, hlen, "Content-Type");
    char *encoding = header_get(raw, hlen, "Content-Transfer-Encoding");
    char *disposition = header_get(raw, hlen, "Content-Disposition");
    char charset[64], boundary[128];
    param_get(type, "charset", charset, sizeof charset);
    param_get(type, "boundary", boundary, sizeof boundary);
    const char *body = raw + body_at;
    size_t blen = len - body_at;
    int attachment = disposition && !strncasecmp(disposition, "attachment", 10);
    if (type && !strncasecmp(type, "multipart/", 10)) {
        if (boundary[0]) walk_multipart(t, body, blen, boundary, depth);
    } else if (!attachment && (!type || !strncasecmp(type, "text/plain", 10) || !strncasecmp(type, "text/html", 9))) {
        int html = type && !strncasecmp(type, "text/html", 9);
        strbuf *into = html ? &t->html : &t->plain;
        if (!into->len) {
            strbuf decoded = STRBUF_INIT;
            if (encoding && !strncasecmp(encoding, "base64", 6)) base64_decode(&decoded, body, blen);
            else if (encoding && !strncasecmp(encoding, "quoted-printable", 16)) qp_decode(&decoded, body, blen, 0);
            else sb_appendn(&decoded, body, blen);
            strbuf utf8 = STRBUF_INIT;
            append_charset(&utf8, decoded.data ? decoded.data : "", decoded.len, charset);
            if (html) html_text(into, sb_str(&utf8), utf8.len);
            else sb_appendn(into, sb_str(&utf8), utf8.len);
            if (!into->len) sb_append(into, " "); /* taken, even when empty */
            sb_free(&utf8);
            sb_free(&decoded);
        }
    }
    free(type);
    free(encoding);
    free(disposition);
}

/* ---- addresses and ids ---- */

static void parse_from(const char *h, size_t n, inbound_message *m)
{
    char *from = decoded_header(h, n, "From");
    char *lt = strrchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    strbuf address = STRBUF_INIT, name = STRBUF_INIT;
    if (lt && gt) {
        sb_appendn(&address, lt + 1, (size_t)(gt - lt - 1));
        const char *a = from, *b = lt;
        while (a < b && (*a == ' ' || *a == '"')) a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '"')) b--;
        sb_appendn(&name, a, (size_t)(b - a));
    } else {
        const char *a = from;
        while (*a == ' ') a++;
        size_t k = strcspn(a, " (");
        sb_appendn(&address, a, k);
    }
    char *addr = sb_detach(&address);
    int ok = strlen(addr) <= 254 && strchr(addr, '@') && !strpbrk(addr, " \t\"<>,;()\\");
    for (char *c = addr; *c; c++) {
        if ((unsigned char)*c >= 0x80) ok = 0;
        *c = (char)tolower((unsigned char)*c);
    }
    if (!ok) addr[0] = 0;
    m->from_address = addr;
    m->from_name = sb_detach(&name);
    free(from);
}

/* Appends the <ids> of a header value, space separated, at most `max`. */
static int collect_ids(strbuf *out, const char *value, int max)
{
    int n = 0;
    for (const char *p = value ? strchr(value, '<') : NULL; p && n < max; p = strchr(p, '<')) {
        const char *gt = strchr(p, '>');
        if (!gt) break;
        size_t len = (size_t)(gt - p - 1);
        int clean = len > 0 && len <= ID_MAX;
        for (const char *c = p + 1; c < gt && clean; c++) clean = (unsigned char)*c > 0x20 && (unsigned char)*c < 0x7f && *c != '<';
        if (clean) {
            if (out->len) sb_putc(out, ' ');
            sb_appendn(out, p + 1, len);
            n++;
        }
        p = gt;
    }
    return n;
}

int mail_parse(const char *raw, size_t len, inbound_message *m)
{
    memset(m, 0, sizeof *m);
    size_t body_at, hlen = header_end(raw, len, &body_at);
    parse_from(raw, hlen, m);
    m->subject = decoded_header(raw, hlen, "Subject");
    strbuf ids = STRBUF_INIT;
    char *v = header_get(raw, hlen, "Message-ID");
    collect_ids(&ids, v, 1);
    free(v);
    m->message_id = sb_detach(&ids);
    v = header_get(raw, hlen, "In-Reply-To");
    int n = collect_ids(&ids, v, REFS_MAX);
    free(v);
    v = header_get(raw, hlen, "References");
    collect_ids(&ids, v, REFS_MAX - n);
    free(v);
    m->refs = sb_detach(&ids);
    texts t = {STRBUF_INIT, STRBUF_INIT, 0};
    walk(&t, raw, len, 0);
    strbuf text = STRBUF_INIT;
    const strbuf *chosen = t.plain.len ? &t.plain : &t.html;
    append_clean(&text, sb_str(chosen), chosen->len); /* html_text may have made entities into controls */
    m->text = sb_detach(&text);
    sb_free(&t.plain);
    sb_free(&t.html);
    return 0;
}

void mail_parse_free(inbound_message *m)
{
    free(m->message_id);
    free(m->refs);
    free(m->from_address);
    free(m->from_name);
    free(m->subject);
    free(m->text);
    memset(m, 0, sizeof *m);
}

char *mail_text_clip(const char *s, size_t max_chars)
{
    strbuf clean = STRBUF_INIT, out = STRBUF_INIT;
    append_clean(&clean, s, strlen(s));
    const char *p = sb_str(&clean);
    size_t chars = 0, i = 0;
    while (p[i] && chars < max_chars) {
        i++;
        while (((unsigned char)p[i] & 0xc0) == 0x80) i++;
        chars++;
    }
    if (p[i] && max_chars > 0) { /* cut: the last character gives way to the ellipsis */
        while (i > 0 && ((unsigned char)p[--i] & 0xc0) == 0x80) {}
        sb_appendn(&out, p, i);
        sb_append(&out, "…");
    } else {
        sb_appendn(&out, p, i);
    }
    sb_free(&clean);
    return sb_detach(&out);
}
