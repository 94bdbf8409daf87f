/* money_capitals.h - an amount of money in Chinese capital numerals (大写金额),
 * as invoices, quotes and cheques print it beside the figures:
 * 1234567 分 -> 壹万贰仟叁佰肆拾伍元陆角柒分. Exact: from integer 分, never a
 * double. Written to the rules of the People's Bank of China for filling in
 * amounts (正确填写票据和结算凭证的基本规定); where they leave a choice, the
 * shorter form:
 *   - a run of zeros between digits is one 零 (1409.50 -> 壹仟肆佰零玖元伍角),
 *     also across an empty 万 section (100000500 -> 壹亿零伍佰元整), and none
 *     at the end of a section (1680.32 -> 壹仟陆佰捌拾元叁角贰分);
 *   - 整 after 元 when there are no 角 and 分, nothing after 角 or 分;
 *   - 零 after 元 when 角 is zero and 分 is not (325.04 -> 叁佰贰拾伍元零肆分);
 *   - tens are 壹拾 (10 -> 壹拾元整), zero is 零元整, less than a 元 has no 元
 *     (0.05 -> 伍分), a negative amount starts with 负;
 *   - above 9999 亿 the count of 亿 is read the same way (壹万亿元整).
 * The currency name (人民币) is the caller's. */
#ifndef KEHU_MONEY_CAPITALS_H
#define KEHU_MONEY_CAPITALS_H

#include <stdint.h>

#include "strbuf.h"

/* Appends the capitals of `fen` (an amount in 分) to out. Every int64 works. */
void money_capitals(int64_t fen, strbuf *out);

#endif
