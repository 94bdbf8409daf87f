/* rmb.c - see rmb.h. */
#include "rmb.h"

#include <string.h>

static const char *const DIGIT[] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};
static const char *const PLACE[] = {"", "拾", "佰", "仟"}; /* within a group of four */

#define YUAN_DIGITS 16 /* four groups: ones, 万, 亿, 万亿 */

typedef struct writer {
    char *out;
    size_t size, len;
} writer;

static void put(writer *w, const char *s)
{
    size_t n = strlen(s);
    if (w->len + n >= w->size) return; /* cannot happen with RMB_UPPER_MAX */
    memcpy(w->out + w->len, s, n + 1);
    w->len += n;
}

/* The group unit after group k (0 ones, 1 万, 2 亿, 3 万 of 亿): 亿 is
 * written when its own group or the 万亿 group above it has digits, so
 * 1,0000,0000,0000 is 壹万亿 and 1,0001,0000,0000 壹万零壹亿. */
static const char *group_unit(int k, const int groups[4])
{
    switch (k) {
    case 1: return groups[1] ? "万" : "";
    case 2: return groups[2] || groups[3] ? "亿" : "";
    case 3: return groups[3] ? "万" : "";
    default: return "";
    }
}

/* The 元 part, digit by digit from the top: a zero after a written digit
 * leaves one pending 零, written only if another digit follows. */
static void write_yuan(writer *w, int64_t yuan)
{
    int d[YUAN_DIGITS], groups[4] = {0, 0, 0, 0}, top = 0;
    for (int p = 0; p < YUAN_DIGITS; p++) {
        d[p] = (int)(yuan % 10);
        yuan /= 10;
        if (d[p]) top = p, groups[p / 4] = 1;
    }
    int started = 0, pending_zero = 0;
    for (int p = top; p >= 0; p--) {
        if (d[p] == 0) {
            pending_zero = started;
        } else {
            if (pending_zero) put(w, DIGIT[0]);
            pending_zero = 0;
            put(w, DIGIT[d[p]]);
            put(w, PLACE[p % 4]);
            started = 1;
        }
        if (p % 4 == 0) put(w, group_unit(p / 4, groups));
    }
}

int rmb_upper(int64_t fen, char *out, size_t size)
{
    writer w = {out, size, 0};
    if (size) out[0] = 0;
    /* -INT64_MIN does not exist; it is past the limit anyway */
    uint64_t abs_fen = fen < 0 ? (uint64_t)(-(fen + 1)) + 1 : (uint64_t)fen;
    if (size < RMB_UPPER_MAX || abs_fen / 100 >= 10000000000000000ULL) return -1;
    int64_t yuan = (int64_t)(abs_fen / 100);
    int jiao = (int)(abs_fen / 10 % 10), fen_digit = (int)(abs_fen % 10);
    if (fen < 0) put(&w, "负");
    if (yuan) {
        write_yuan(&w, yuan);
        put(&w, "元");
    }
    if (!jiao && !fen_digit) {
        put(&w, yuan ? "整" : "零元整");
        return 0;
    }
    if (jiao) {
        put(&w, DIGIT[jiao]);
        put(&w, "角");
    } else if (yuan) {
        put(&w, DIGIT[0]);
    }
    if (fen_digit) {
        put(&w, DIGIT[fen_digit]);
        put(&w, "分");
    }
    return 0;
}
