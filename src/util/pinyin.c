/* pinyin.c - pinyin from ICU's Han-Latin transliterator, turned into a table
 * of one syllable per character (CJK Unified Ideographs and Extension A) the
 * first time it is needed, so later lookups cost a table read instead of a
 * transliteration.
 *
 * A table per character cannot know context, and some characters read
 * differently in common names: 长沙 is changsha, not zhangsha; 厦门 is
 * xiamen; 银行 is yinhang. Those words are matched first from WORDS. The
 * surname 曾 is read zeng (ceng is rare in names). */
#include "pinyin.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#define HAN_FIRST 0x3400
#define HAN_LAST 0x9FFF

static const struct {
    const char *word;
    const char *syllables[4];
} WORDS[] = {
    {"长沙", {"chang", "sha"}},   {"长春", {"chang", "chun"}},  {"长城", {"chang", "cheng"}},
    {"长江", {"chang", "jiang"}}, {"长安", {"chang", "an"}},    {"厦门", {"xia", "men"}},
    {"银行", {"yin", "hang"}},    {"行业", {"hang", "ye"}},     {"重庆", {"chong", "qing"}},
    {"曾", {"zeng"}},             {"招行", {"zhao", "hang"}},   {"华夏", {"hua", "xia"}},
    {"蚌埠", {"beng", "bu"}},     {"六安", {"lu", "an"}},       {"乐山", {"le", "shan"}},
};

static char *pool;            /* syllables, NUL-separated */
static uint32_t *offsets;     /* per code point: offset+1 in pool, 0 = none */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build_table(void)
{
    size_t n = HAN_LAST - HAN_FIRST + 1, cap = n * 7, used = 0;
    offsets = calloc(n, sizeof *offsets);
    pool = malloc(cap);
    UErrorCode st = U_ZERO_ERROR;
    UChar id[32];
    u_uastrcpy(id, "Han-Latin; Latin-ASCII");
    UTransliterator *t = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (!offsets || !pool || U_FAILURE(st)) return; /* no pinyin: keys keep ASCII only */
    for (uint32_t cp = HAN_FIRST; cp <= HAN_LAST; cp++) {
        UChar buf[32];
        int32_t len = 1, limit = 1;
        buf[0] = (UChar)cp;
        st = U_ZERO_ERROR;
        utrans_transUChars(t, buf, &len, 32, 0, &limit, &st);
        if (U_FAILURE(st) || used + 16 > cap) continue;
        size_t start = used;
        for (int32_t i = 0; i < len; i++)
            if (buf[i] >= 'a' && buf[i] <= 'z') pool[used++] = (char)buf[i];
            else if (buf[i] >= 'A' && buf[i] <= 'Z') pool[used++] = (char)(buf[i] - 'A' + 'a');
        if (used == start) continue; /* not transliterated */
        pool[used++] = '\0';
        offsets[cp - HAN_FIRST] = (uint32_t)start + 1;
    }
    utrans_close(t);
}

void pinyin_prepare(void)
{
    pthread_once(&once, build_table);
}

/* Decodes one UTF-8 code point; returns its length (1 for invalid bytes). */
static int next_code_point(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) return *cp = s[0], 1;
    if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80)
        return *cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F), 2;
    if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80)
        return *cp = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F), 3;
    if ((s[0] & 0xF8) == 0xF0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80)
        return *cp = 0, 4;
    return *cp = 0, 1;
}

static void emit(const char *syllable, strbuf *full, strbuf *initials)
{
    if (full) sb_append(full, syllable);
    if (initials) sb_putc(initials, syllable[0]);
}

static int match_word(const char *p, strbuf *full, strbuf *initials)
{
    for (size_t i = 0; i < sizeof WORDS / sizeof WORDS[0]; i++) {
        size_t n = strlen(WORDS[i].word);
        if (strncmp(p, WORDS[i].word, n) != 0) continue;
        for (int k = 0; k < 4 && WORDS[i].syllables[k]; k++) emit(WORDS[i].syllables[k], full, initials);
        return (int)n;
    }
    return 0;
}

void pinyin_keys(const char *text, strbuf *full, strbuf *initials)
{
    pthread_once(&once, build_table);
    if (full) sb_append(full, "");
    if (initials) sb_append(initials, "");
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    while (*p) {
        int used = match_word((const char *)p, full, initials);
        if (used) {
            p += used;
            continue;
        }
        uint32_t cp;
        int len = next_code_point(p, &cp);
        p += len;
        if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z')) {
            char c[2] = {(char)cp, 0};
            emit(c, full, initials);
        } else if (cp >= 'A' && cp <= 'Z') {
            char c[2] = {(char)(cp - 'A' + 'a'), 0};
            emit(c, full, initials);
        } else if (cp >= HAN_FIRST && cp <= HAN_LAST && offsets && offsets[cp - HAN_FIRST]) {
            emit(pool + offsets[cp - HAN_FIRST] - 1, full, initials);
        }
    }
}

#define SEARCH_INITIALS 6  /* characters whose initials make one word */
#define SEARCH_SYLLABLES 2 /* characters whose full pinyin makes one word */
#define SEARCH_MAX_CHARS 64

/* The pinyin of text[from..to) (byte offsets) as one word, if of 2+ letters. */
static void window_word(const char *text, size_t from, size_t to, int initials, strbuf *out)
{
    char buf[256];
    size_t n = to - from < sizeof buf - 1 ? to - from : sizeof buf - 1;
    memcpy(buf, text + from, n);
    buf[n] = '\0';
    strbuf w = STRBUF_INIT;
    pinyin_keys(buf, initials ? NULL : &w, initials ? &w : NULL);
    if (w.len >= 2) {
        if (out->len) sb_putc(out, ' ');
        sb_appendn(out, w.data, w.len);
    }
    sb_free(&w);
}

void pinyin_search_words(const char *text, strbuf *out)
{
    if (!text) return;
    size_t off[SEARCH_MAX_CHARS + 1];
    int han[SEARCH_MAX_CHARS];
    int n = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p && n < SEARCH_MAX_CHARS) {
        uint32_t cp;
        off[n] = (size_t)(p - (const unsigned char *)text);
        p += next_code_point(p, &cp);
        han[n++] = cp >= HAN_FIRST && cp <= HAN_LAST;
    }
    off[n] = (size_t)(p - (const unsigned char *)text);
    for (int i = 1; i < n; i++) {
        if (!han[i]) continue;
        window_word(text, off[i], off[i + SEARCH_INITIALS < n ? i + SEARCH_INITIALS : n], 1, out);
        if (i + 1 < n) window_word(text, off[i], off[i + SEARCH_SYLLABLES < n ? i + SEARCH_SYLLABLES : n], 0, out);
    }
}

char pinyin_initial(const char *text)
{
    strbuf s = STRBUF_INIT;
    pinyin_keys(text, NULL, &s);
    char c = s.len && s.data[0] >= 'a' && s.data[0] <= 'z' ? s.data[0] : '#';
    sb_free(&s);
    return c;
}
