/* pinyin.c - pinyin from a table of one syllable per character (CJK Unified
 * Ideographs and Extension A) that ICU's Han-Latin transliterator wrote at
 * build time (tools/pinyin-table.c), so a lookup is a table read and a
 * starting server transliterates nothing.
 *
 * A table per character cannot know context, and some characters read
 * differently in common names: 长沙 is changsha, not zhangsha; 厦门 is
 * xiamen; 银行 is yinhang. Those words are matched first from WORDS. The
 * surname 曾 is read zeng (ceng is rare in names). */
#include "pinyin.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* gen/pinyin_table.c, made by tools/pinyin-table.c from ICU's Han-Latin
 * transliterator at build time */
extern const char pinyin_syllables[];
extern const uint16_t pinyin_of[HAN_LAST - HAN_FIRST + 1];

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
        } else if (cp >= HAN_FIRST && cp <= HAN_LAST && pinyin_of[cp - HAN_FIRST]) {
            emit(pinyin_syllables + pinyin_of[cp - HAN_FIRST] - 1, full, initials);
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
