/* money_capitals.c - amounts in Chinese capital numerals; the rules are in
 * money_capitals.h. */
#include "money_capitals.h"

static const char *const DIGITS[] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};
static const char *const UNITS[] = {"", "拾", "佰", "仟"}; /* inside a four-digit section */

/* 1..9999: its digits with their units, a run of inner zeros as one 零,
 * none at either end (the caller says the zeros that lead). */
static void section(unsigned n, strbuf *out)
{
    int zeros = 0, started = 0;
    for (int pos = 3; pos >= 0; pos--) {
        unsigned divisor = pos == 3 ? 1000 : pos == 2 ? 100 : pos == 1 ? 10 : 1;
        unsigned d = n / divisor % 10;
        if (d == 0) {
            zeros = started;
            continue;
        }
        if (zeros) sb_append(out, DIGITS[0]);
        sb_append(out, DIGITS[d]);
        sb_append(out, UNITS[pos]);
        zeros = 0;
        started = 1;
    }
}

/* n > 0 whole 元: sections of four digits under 万 and 亿; a lower part
 * that does not fill its highest place after a higher one starts with 零. */
static void whole(uint64_t n, strbuf *out)
{
    if (n >= 100000000) {
        whole(n / 100000000, out);
        sb_append(out, "亿");
        uint64_t rest = n % 100000000;
        if (rest) {
            if (rest < 10000000) sb_append(out, DIGITS[0]);
            whole(rest, out);
        }
    } else if (n >= 10000) {
        section((unsigned)(n / 10000), out);
        sb_append(out, "万");
        unsigned rest = (unsigned)(n % 10000);
        if (rest) {
            if (rest < 1000) sb_append(out, DIGITS[0]);
            section(rest, out);
        }
    } else {
        section((unsigned)n, out);
    }
}

void money_capitals(int64_t fen, strbuf *out)
{
    /* The magnitude as unsigned, so INT64_MIN has one too. */
    uint64_t m = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    if (fen < 0) sb_append(out, "负");
    uint64_t yuan = m / 100;
    unsigned jiao = (unsigned)(m / 10 % 10), cents = (unsigned)(m % 10);
    if (m == 0) {
        sb_append(out, "零元整");
        return;
    }
    if (yuan) {
        whole(yuan, out);
        sb_append(out, "元");
        if (!jiao && !cents) {
            sb_append(out, "整");
            return;
        }
        if (!jiao) sb_append(out, DIGITS[0]);
    }
    if (jiao) {
        sb_append(out, DIGITS[jiao]);
        sb_append(out, "角");
    }
    if (cents) {
        sb_append(out, DIGITS[cents]);
        sb_append(out, "分");
    }
}
