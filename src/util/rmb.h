/* rmb.h - an amount of money in Chinese capitals (人民币大写), as written
 * on quotes, contracts, invoices and cheques: 12345.67 元 is
 * 壹万贰仟叁佰肆拾伍元陆角柒分. The rules of the 支付结算办法:
 * - 整 after 元 when there are no 角 and 分 (壹佰元整, 零元整);
 * - one 零 for any run of zeros between digits (壹万零伍元, 壹仟零伍拾元),
 *   none for zeros at the end (壹拾万元), and 零 before the 分 when the 角
 *   is zero (壹元零伍分); an amount below one 元 starts with its 角 or 分;
 * - 拾 keeps its 壹 (壹拾元);
 * - groups of four digits: 万, 亿, 万亿 (壹万零壹亿);
 * - a negative amount (a reversal) starts with 负.
 * Exact: the amount is an integer number of 分, never a double. */
#ifndef KEHU_RMB_H
#define KEHU_RMB_H

#include <stddef.h>
#include <stdint.h>

/* The longest text rmb_upper writes, with its NUL (16 digits of 元 with
 * their units, 角, 分, 负 and 整, 3 bytes a character). */
#define RMB_UPPER_MAX 160

/* Writes the capitals of `fen` 分 into out (at least RMB_UPPER_MAX
 * bytes). Returns 0, or -1 for 10^16 元 or more (no written form). */
int rmb_upper(int64_t fen, char *out, size_t size);

#endif
