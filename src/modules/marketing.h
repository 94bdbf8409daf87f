/* marketing.h - what metadata alone cannot say in 市场管理 (issue 16).
 * Competitors are accounts of type 竞争对手 (accounts.json: 优势, 劣势,
 * 竞争产品, 价格策略); an opportunity names them in its owned lines
 * `competitors` (opportunity_competitors.json, a link limited to
 * competitors by link_filter). This module adds the report, and the
 * campaign members' rules and adding members from a filter. */
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

/* Registers the entity hooks; call once at start-up. A campaign member
 * (campaign_members) is one account, contact or lead as its member_type
 * says (the other links are cleared) and is not a member twice (409
 * already_member). */
void marketing_init(void);

/* The bell's 市场任务 (kind campaign_task, entity campaign_tasks): the
 * open tasks (未开始, 进行中) of the caller and the people below them due
 * on or before `until` (YYYY-MM-DD), due at the end of that day in
 * Beijing; items of GET /api/v1/reminders. A 市场任务 also stamps its
 * 完成日期 when it is done, and a 市场跟踪 naming a task belongs to the
 * task's campaign (taken from it when not given; another is 422
 * task_id: other_campaign). */
int marketing_reminders(entity_ctx *c, const char *until, strbuf *out, int *n, err *e);

/* At most this many members are added by one request. */
#define MARKETING_MEMBERS_MAX 5000

/* The contacts among a campaign's members (市场活动参与者), ids into the
 * JSON array `ids`, at most max + 1 so the caller can refuse more than
 * max; 422 campaign_id not_found when the user cannot see the campaign. */
int marketing_campaign_contacts(entity_ctx *c, const json_t *campaign, int max, json_t *ids, err *e);
/* Adds to the campaign every record of `entity` (accounts, contacts or
 * leads) the list p selects (q, filter; visibility applied), with member
 * status `status` (NULL: the default), skipping those already members, in
 * one transaction: {"added","skipped"}. 404 when the campaign is not
 * visible, 422 too_many above MARKETING_MEMBERS_MAX, and each member is
 * an engine create (rights, links, the campaign's counts recomputed). */
int marketing_add_members(entity_ctx *c, int64_t campaign_id, const char *entity, const list_params *p,
                          const char *status, strbuf *out, err *e);

#endif
