/* sales.h - the sales rules that metadata alone cannot say: a stage sets
 * its default probability, a lead converts into a customer, a contact and
 * an opportunity at once, and the funnel sums the pipeline by stage. */
#ifndef KEHU_SALES_H
#define KEHU_SALES_H

#include <jansson.h>

#include "../entity/entity.h"
#include "../entity/value.h"

/* Registers the entity hooks; call once at start-up. */
void sales_init(void);

typedef struct lead_conversion {
    int64_t account_id, contact_id, opportunity_id; /* 0 when not made */
} lead_conversion;

/* Lead conversion is the action "convert" of leads (metadata/entities/
 * leads.json, POST /api/v1/leads/{id}/actions/convert): sales_init
 * registers its handler "lead_convert", which takes the body
 * {"account_id"?: link an existing customer instead of creating one,
 *  "account"?: {...}, "contact"?: {...} field overrides,
 *  "create_opportunity"?: bool, "opportunity"?: {...}}
 * and answers {lead_id, account_id, contact_id, opportunity_id}. */

/* The sales funnel (funnel.c) over the opportunities the user may see;
 * owner_id 0 = everyone visible; from/to bound the expected close date
 * (NULL = open):
 * {"items":[{stage,label,probability,count,amount,weighted_amount}] what is
 *   in each stage now, "total":{count,amount,weighted_amount},
 *  "bands":[{stage,label,won,count,amount,rate}] the funnel: the open stages
 *   in metadata order, then the won state; count = deals that reached the
 *   stage or went beyond (history included, so a lost deal counts up to
 *   where it dropped out), never more than the band above; rate = percent
 *   of the band above (one decimal, null for the first or an empty one),
 *  "lost":{count,amount}, "win_rate", "amount_hidden"}. */
/* amount * probability / 10000 per row of opportunities `t` without
 * passing int64 (probability is in hundredths of a percent), the same as
 * the plain product truncated: the weighted amount of the reports. */
#define SALES_WEIGHTED_SQL                                                                                   \
    "(t.amount / 10000) * COALESCE(t.probability, 0) + (t.amount % 10000) * COALESCE(t.probability, 0) / 10000"

/* Appends ,"key":<exact decimal of v in 分> to a JSON object being written. */
void sales_json_money(strbuf *out, const char *key, wide_sum v);
/* Appends ,"key":part / whole in percent with one decimal, rounded half
 * up; null when there is no whole. */
void sales_json_rate(strbuf *out, const char *key, int64_t part, int64_t whole);

int sales_funnel(entity_ctx *c, int64_t owner_id, const char *from, const char *to, strbuf *out,
                 err *e);

/* 业绩简报 (team_report.c): per salesperson whose records the user may
 * see, {"from","to" (UTC, [from, to) ), "items":[{owner_id,owner_name,
 * won_count,won_amount (won within the period), open_count,open_amount,
 * weighted_amount (the open pipeline now), activities_done (done within the
 * period)}], "total":{same, owner_id 0}, "amount_hidden"}. The period is the
 * China-time days from_day..to_day ("YYYY-MM-DD", inclusive), this month
 * when NULL. */
int sales_team_report(entity_ctx *c, const char *from_day, const char *to_day, strbuf *out, err *e);

/* {"items":[{kind:"follow_up"|"scheduled"|"contact"|"dunning",entity,id,title,due_at,overdue,
 * account_id,account_name,owner_id,owner_name}],"total"}: the user's planned activities whose
 * next follow-up (下次回访时间) or start falls within `days` from now,
 * overdue ones first, customers to contact, and instalments to collect
 * (催款, receivables.h). Subordinates' join when roles exist (issue 5). */
int sales_reminders(entity_ctx *c, int days, strbuf *out, err *e);

/* Appends the rows of a reminder query as items of `kind` (NULL: an
 * activity's follow_up or scheduled). Columns: id, title, due, account id,
 * account name, follow_up_of, owner id, owner name. Frees q. */
int sales_reminder_rows(entity_ctx *c, query *q, const char *kind, const char *entity, strbuf *out, int *n, err *e);

/* Once per database (settings follow_ups_planned): plans the follow-up of
 * each activity whose 下次回访时间 is set, not more than 30 days past, and
 * has none yet - activities written before follow-ups were planned keep
 * reminding. As the administrator `admin_id`. */
int sales_plan_pending_follow_ups(db_conn *db, int64_t admin_id, err *e);

/* The stages an opportunity went through, from its history:
 * {"items":[{stage,label,entered_at,left_at|null,seconds}] oldest first,
 *  "totals":[{stage,label,seconds}] in stage order} - time in stage
 * (停留时间). 404 when the user may not see the record. */
int sales_stage_history(entity_ctx *c, int64_t id, strbuf *out, err *e);

#endif
