/* grams.c - see grams.h. */
#include "grams.h"

#include <stdint.h>
#include <string.h>

static int is_han(uint32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x20000 && cp <= 0x2FA1F);
}

static int is_word_char(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

/* Decodes one code point; invalid bytes come back as U+FFFD, length 1. */
static int decode(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) return *cp = s[0], 1;
    int len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (!len) return *cp = 0xFFFD, 1;
    uint32_t v = s[0] & (0x3F >> (len - 1));
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return *cp = 0xFFFD, 1;
        v = (v << 6) | (s[i] & 0x3F);
    }
    return *cp = v, len;
}

/* Walks text as runs: a run of Han characters or a run of word characters.
 * Calls emit(kind, start, byte_len, chars) for each. */
typedef void (*run_fn)(int han, const char *start, size_t bytes, int chars, void *ctx);

static void runs(const char *text, run_fn emit, void *ctx)
{
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        uint32_t cp;
        int len = decode(p, &cp);
        int han = is_han(cp);
        if (!han && !is_word_char(cp)) {
            p += len;
            continue;
        }
        const unsigned char *start = p;
        int chars = 0;
        while (*p) {
            int l = decode(p, &cp);
            if (han ? !is_han(cp) : !is_word_char(cp)) break;
            p += l;
            chars++;
        }
        emit(han, (const char *)start, (size_t)(p - start), chars, ctx);
    }
}

static void append_lower(strbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        sb_putc(out, c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
    }
}

/* Pairs of a Han run; a run of one character is its own word. */
static void pairs(const char *s, size_t bytes, int chars, const char *sep, strbuf *out)
{
    if (chars == 1) {
        sb_appendn(out, s, bytes);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    uint32_t cp;
    for (int i = 0; i + 1 < chars; i++) {
        int a = decode(p, &cp), b = decode(p + a, &cp);
        if (i) sb_append(out, sep);
        sb_appendn(out, (const char *)p, (size_t)(a + b));
        p += a;
    }
}

static void emit_index(int han, const char *start, size_t bytes, int chars, void *ctx)
{
    strbuf *out = ctx;
    if (out->len) sb_putc(out, ' ');
    if (han) pairs(start, bytes, chars, " ", out);
    else append_lower(out, start, bytes);
}

void grams_of_text(const char *text, strbuf *out)
{
    if (text) runs(text, emit_index, out);
}

typedef struct query_build {
    strbuf *fts5, *tsquery;
    int terms, unusable;
} query_build;

static void emit_query(int han, const char *start, size_t bytes, int chars, void *ctx)
{
    query_build *b = ctx;
    if (han && chars == 1) { /* a pair index cannot find one character inside a word */
        b->unusable = 1;
        return;
    }
    if (b->fts5) {
        if (b->terms) sb_putc(b->fts5, ' ');
        sb_putc(b->fts5, '"');
        if (han) pairs(start, bytes, chars, " ", b->fts5);
        else append_lower(b->fts5, start, bytes);
        sb_append(b->fts5, han ? "\"" : "\"*");
    }
    if (b->tsquery) {
        if (b->terms) sb_append(b->tsquery, " & ");
        if (han) {
            sb_putc(b->tsquery, '(');
            pairs(start, bytes, chars, " <-> ", b->tsquery);
            sb_putc(b->tsquery, ')');
        } else {
            append_lower(b->tsquery, start, bytes);
            sb_append(b->tsquery, ":*");
        }
    }
    b->terms++;
}

int grams_query(const char *q, strbuf *fts5, strbuf *tsquery)
{
    /* Anything but Han, letters, digits and spaces means the user typed
     * punctuation that matters (100%, a-b): leave it to LIKE. */
    const unsigned char *p = (const unsigned char *)q;
    while (*p) {
        uint32_t cp;
        int len = decode(p, &cp);
        if (!is_han(cp) && !is_word_char(cp) && cp != ' ') return 0;
        p += len;
    }
    query_build b = {fts5, tsquery, 0, 0};
    runs(q, emit_query, &b);
    return b.terms > 0 && !b.unusable;
}

typedef struct han_build {
    strbuf *out;
    int n, unusable;
} han_build;

static void emit_han_pattern(int han, const char *start, size_t bytes, int chars, void *ctx)
{
    han_build *b = ctx;
    if (!han || chars == 1) {
        b->unusable = 1;
        return;
    }
    sb_append(b->out, "% ");
    pairs(start, bytes, chars, " ", b->out);
    sb_append(b->out, " %\n");
    b->n++;
}

int grams_han_patterns(const char *q, strbuf *out)
{
    const unsigned char *p = (const unsigned char *)q;
    while (*p) {
        uint32_t cp;
        int len = decode(p, &cp);
        if (!is_han(cp) && cp != ' ') return 0;
        p += len;
    }
    han_build b = {out, 0, 0};
    runs(q, emit_han_pattern, &b);
    return b.unusable ? 0 : b.n;
}
