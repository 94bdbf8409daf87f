/* marketing.h - what metadata alone cannot say in 市场管理 (issue 16).
 * Competitors are accounts of type 竞争对手 (accounts.json: 优势, 劣势,
 * 竞争产品, 价格策略); an opportunity names them in its owned lines
 * `competitors` (opportunity_competitors.json, a link limited to
 * competitors by link_filter). This module adds the report. */
#ifndef KEHU_MARKETING_H
#define KEHU_MARKETING_H

#include "../entity/entity.h"

/* 竞争对手胜负分析: per competitor named on a closed opportunity the user
 * may see, the won and lost deals and their amounts:
 * {"items":[{competitor_id, competitor_name, won_count, won_amount,
 *   lost_count, lost_amount, win_rate}], "total":{won_count, won_amount,
 *   lost_count, lost_amount}, "amount_hidden"}; items by deals faced,
 * most first. Won and lost are the stage machine's outcomes (states.closed),
 * never stage names. A deal naming a competitor twice counts once;
 * from/to ("YYYY-MM-DD", NULL = open) bound the expected close date. */
int marketing_competitor_report(entity_ctx *c, const char *from, const char *to, strbuf *out, err *e);

#endif
