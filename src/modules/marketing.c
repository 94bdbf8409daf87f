/* marketing.c - the 市场管理 rules that metadata cannot say; see
 * marketing.h. */
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "../entity/hooks.h"
#include "../entity/entity_state.h"
#include "../entity/value.h"
#include "../util/clock.h"
#include "marketing.h"
#include "sales.h"

typedef struct rival_row {
    int64_t id;
    const char *name;
    int64_t won, lost;
    wide_sum won_amount, lost_amount;
} rival_row;

/* The outcome ("won", "lost") of a stored stage, NULL while open. */
static const char *outcome_of(const field_def *stage, const char *value)
{
    const state_def *st = value && stage->states ? state_find(stage->states, value) : NULL;
    return st ? st->outcome : NULL;
}

/* " AND t.stage IN (<every closed won or lost stage>)"; 0 when the
 * machine has none (then nothing is counted). */
static int closed_stages_sql(const field_def *stage, query *q)
{
    int n = 0;
    for (int i = 0; stage->states && i < stage->states->nstates; i++) {
        const char *o = stage->states->states[i].outcome;
        if (!o || (strcmp(o, "won") != 0 && strcmp(o, "lost") != 0)) continue;
        query_sql(q, n++ ? ", " : " AND t.stage IN (");
        query_bind_text(q, stage->states->states[i].value);
    }
    if (n) query_sql(q, ")");
    return n;
}

static void row_json(strbuf *out, const rival_row *r)
{
    sb_printf(out, "{\"competitor_id\":%lld,\"competitor_name\":", (long long)r->id);
    sb_json_string(out, r->name ? r->name : "");
    sb_printf(out, ",\"won_count\":%lld", (long long)r->won);
    sales_json_money(out, "won_amount", r->won_amount);
    sb_printf(out, ",\"lost_count\":%lld", (long long)r->lost);
    sales_json_money(out, "lost_amount", r->lost_amount);
    sales_json_rate(out, "win_rate", r->won, r->won + r->lost);
    sb_putc(out, '}');
}

static int by_deals_faced(const void *a, const void *b)
{
    const rival_row *x = a, *y = b;
    int64_t nx = x->won + x->lost, ny = y->won + y->lost;
    if (nx != ny) return nx > ny ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

int marketing_competitor_report(entity_ctx *c, const char *from, const char *to, strbuf *out, err *e)
{
    const entity_def *opp = meta_entity(c->m, "opportunities");
    if (!acl_can(c->user, opp, ACL_VIEW))
        return err_set(e, 403, "forbidden", "没有查看销售机会的权限", "No permission to view opportunities");
    const field_def *stage = meta_field(opp, "stage");
    /* A user who may not see amounts gets counts only: sums would leak them. */
    int amounts = acl_field_access(c->user, opp, meta_field(opp, "amount")) != ACL_HIDDEN;
    query q;
    query_init(&q, c->a);
    /* one row per (competitor, deal): a deal naming a rival twice counts once */
    query_sql(&q, "SELECT d.competitor_id, a.name, d.stage, COUNT(*), ");
    sql_split_sum(&q.sql, "d.amount");
    query_sql(&q, " FROM (SELECT DISTINCT l.competitor_id, t.id, t.stage, t.amount"
                  " FROM opportunity_competitors l JOIN opportunities t ON t.id = l.opportunity_id"
                  " WHERE l.deleted_at IS NULL AND t.deleted_at IS NULL AND ");
    acl_visible_predicate(c->user, opp, "t", &q);
    int any = closed_stages_sql(stage, &q);
    if (from) query_sql(&q, " AND t.expected_close_date >= "), query_bind_text(&q, from);
    if (to) query_sql(&q, " AND t.expected_close_date <= "), query_bind_text(&q, to);
    query_sql(&q, ") d JOIN accounts a ON a.id = d.competitor_id GROUP BY d.competitor_id, a.name, d.stage"
                  " ORDER BY d.competitor_id");
    rival_row *rows = NULL;
    int n = 0, cap = 0, step = DB_DONE;
    db_stmt *st = any ? db_prepare(c->db, sb_str(&q.sql), e) : NULL;
    if (any && !st) return query_free(&q), -1;
    if (st) {
        query_bind_all(&q, st);
        while ((step = db_step(st)) == DB_ROW) {
            int64_t id = db_column_int64(st, 0);
            if (!n || rows[n - 1].id != id) {
                if (n == cap) {
                    cap = cap ? cap * 2 : 16;
                    rival_row *grown = arena_alloc(c->a, sizeof *rows * (size_t)cap);
                    if (n) memcpy(grown, rows, sizeof *rows * (size_t)n);
                    rows = grown;
                }
                memset(&rows[n], 0, sizeof *rows);
                rows[n].id = id;
                rows[n++].name = arena_strdup(c->a, db_column_is_null(st, 1) ? "" : db_column_text(st, 1));
            }
            rival_row *r = &rows[n - 1];
            const char *outcome = outcome_of(stage, db_column_is_null(st, 2) ? NULL : db_column_text(st, 2));
            int64_t count = db_column_int64(st, 3);
            wide_sum amount = amounts ? db_split_sum(st, 4) : 0;
            if (outcome && strcmp(outcome, "won") == 0) r->won += count, r->won_amount += amount;
            else r->lost += count, r->lost_amount += amount;
        }
        db_finalize(st);
    }
    query_free(&q);
    if (step < 0) return err_set(e, 500, "db_error", "统计竞争对手失败", "Competitor report failed");
    if (n) qsort(rows, (size_t)n, sizeof *rows, by_deals_faced);
    rival_row total = {0};
    sb_append(out, "{\"items\":[");
    for (int i = 0; i < n; i++) {
        if (i) sb_putc(out, ',');
        row_json(out, &rows[i]);
        total.won += rows[i].won, total.lost += rows[i].lost;
        total.won_amount += rows[i].won_amount, total.lost_amount += rows[i].lost_amount;
    }
    sb_printf(out, "],\"total\":{\"won_count\":%lld", (long long)total.won);
    sales_json_money(out, "won_amount", total.won_amount);
    sb_printf(out, ",\"lost_count\":%lld", (long long)total.lost);
    sales_json_money(out, "lost_amount", total.lost_amount);
    sb_printf(out, "},\"amount_hidden\":%s}", amounts ? "false" : "true");
    return 0;
}

/* ---- campaign members (活动成员) ---- */

/* The link field of a member type ("contact" -> "contact_id"), NULL for an
 * unknown type; the types are the member_type options of
 * campaign_members.json and the entities they name. */
static const struct {
    const char *type, *entity, *field;
} MEMBER_KINDS[] = {{"account", "accounts", "account_id"}, {"contact", "contacts", "contact_id"}, {"lead", "leads", "lead_id"}};

static int member_kind(const char *type_or_entity)
{
    for (int k = 0; k < 3; k++)
        if (type_or_entity && (strcmp(MEMBER_KINDS[k].type, type_or_entity) == 0 ||
                               strcmp(MEMBER_KINDS[k].entity, type_or_entity) == 0))
            return k;
    return -1;
}

/* 1 when the record is already a live member of the campaign (other than
 * member `self`), 0 when not, -1 on error. An integrity rule: it sees every
 * member of the company, whoever asks. */
static int member_exists(entity_ctx *c, int64_t campaign, int kind, int64_t record, int64_t self, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT COUNT(*) FROM campaign_members t WHERE t.deleted_at IS NULL AND t.campaign_id = ");
    query_bind_int(&q, campaign);
    query_sqlf(&q, " AND t.%s = ", MEMBER_KINDS[kind].field);
    query_bind_int(&q, record);
    query_sql(&q, " AND t.id <> ");
    query_bind_int(&q, self);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    int64_t n;
    if (query_int64(c->db, &q, &n, e) < 0) return -1;
    return n > 0;
}

/* 1 when the user may change the campaign (its owner, their superiors, an
 * administrator...), else 403 and -1. The whole company reads campaigns
 * (sharing public_read), so seeing one is not enough to change who takes
 * part in it. */
static int campaign_writable(entity_ctx *c, int64_t campaign, err *e)
{
    const entity_def *campaigns = meta_entity(c->m, "campaigns");
    if (!campaigns) return 1;
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT COUNT(*) FROM campaigns t WHERE t.deleted_at IS NULL AND t.id = ");
    query_bind_int(&q, campaign);
    query_sql(&q, " AND ");
    acl_write_predicate(c->user, campaigns, "t", 0, &q);
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    if (!s) return query_free(&q), -1;
    query_bind_all(&q, s);
    int step = db_step(s), found = step == DB_ROW && db_column_int64(s, 0) > 0;
    db_finalize(s);
    query_free(&q);
    if (step < 0) return err_set(e, 500, "db_error", "读取市场活动失败", "Cannot read the campaign");
    if (found) return 1;
    err_add_field(e, "campaign_id", "not_writable");
    err_set(e, 403, "forbidden", "只有能修改这个市场活动的人才能增减它的成员",
            "Only those who may change the campaign change its members");
    return -1;
}

/* A member is one account, contact or lead, as its type says: the other two
 * links are cleared, and the same record is not a member twice (409
 * already_member). */
static int member_is_one_record(entity_ctx *c, hook_change *ch, err *e)
{
    int kind = member_kind(hook_text(ch, "member_type"));
    if (kind < 0) return 0; /* the engine refuses the missing or unknown type */
    for (int k = 0; k < 3; k++)
        if (k != kind && hook_value(ch, MEMBER_KINDS[k].field)->kind != SV_NULL &&
            hook_set(ch, MEMBER_KINDS[k].field, (sql_value){.kind = SV_NULL}, e))
            return -1;
    int64_t campaign = hook_int(ch, "campaign_id", 0), record = hook_int(ch, MEMBER_KINDS[kind].field, 0);
    if (!campaign || !record) return 0; /* required, refused by the engine */
    if (campaign_writable(c, campaign, e) <= 0) return -1;
    int found = member_exists(c, campaign, kind, record, hook_id(ch), e);
    if (found < 0) return -1;
    if (!found) return 0;
    err_add_field(e, MEMBER_KINDS[kind].field, "already_member");
    return err_set(e, 409, "already_member", "该记录已是本活动的成员", "The record is already a member of the campaign");
}

int marketing_add_members(entity_ctx *c, int64_t campaign_id, const char *entity, const list_params *p,
                          const char *status, strbuf *out, err *e)
{
    int kind = member_kind(entity);
    if (kind < 0 || strcmp(MEMBER_KINDS[kind].entity, entity) != 0) {
        err_add_field(e, "entity", "invalid");
        return err_set(e, 422, "validation_failed", "成员只能是客户、联系人或销售线索（accounts、contacts、leads）",
                       "Members are accounts, contacts or leads");
    }
    const entity_def *campaigns = meta_entity(c->m, "campaigns"), *members = meta_entity(c->m, "campaign_members");
    const entity_def *source = meta_entity(c->m, entity);
    strbuf ignored = STRBUF_INIT;
    int rc = entity_get(c, campaigns, campaign_id, 0, &ignored, e); /* 404 when not visible */
    sb_free(&ignored);
    if (rc) return -1;
    int64_t *ids;
    int n;
    if (entity_list_ids(c, source, p, MARKETING_MEMBERS_MAX, &ids, &n, e)) return -1;
    if (n > MARKETING_MEMBERS_MAX)
        return err_setf(e, 422, "too_many", "一次最多添加 %d 名成员，请缩小筛选范围",
                        "At most %d members at once: narrow the filter", MARKETING_MEMBERS_MAX);
    int added = 0, skipped = 0;
    if (db_begin(c->db, e)) return -1;
    rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        int found = member_exists(c, campaign_id, kind, ids[i], 0, e);
        if (found) {
            rc = found < 0;
            skipped += found > 0;
            continue;
        }
        json_t *body = json_pack("{s:I,s:s,s:I}", "campaign_id", (json_int_t)campaign_id, "member_type",
                                 MEMBER_KINDS[kind].type, MEMBER_KINDS[kind].field, (json_int_t)ids[i]);
        if (status) json_object_set_new(body, "status", json_string(status));
        int64_t id;
        rc = entity_create(c, members, body, &id, e);
        json_decref(body);
        added += !rc;
    }
    if (rc == 0) rc = db_commit(c->db, e);
    if (rc) return db_rollback(c->db), -1;
    sb_printf(out, "{\"added\":%d,\"skipped\":%d}", added, skipped);
    return 0;
}

/* 市场任务: 完成日期 is the day (Beijing) the task became 已完成, and
 * goes again when it is reopened; the engine's actions move the state. */
static int task_completed_on(entity_ctx *c, hook_change *ch, err *e)
{
    if (!hook_changed(ch, "status")) return 0;
    const char *status = hook_text(ch, "status");
    if (status && strcmp(status, "done") == 0) {
        char today[DAY_LEN];
        china_today(today);
        return hook_set_text(ch, "completed_on", arena_strdup(c->a, today), e); /* kept until the write */
    }
    if (hook_value(ch, "completed_on")->kind == SV_NULL) return 0;
    return hook_set(ch, "completed_on", (sql_value){.kind = SV_NULL}, e);
}

/* 市场跟踪 of a 市场任务 is tracking of that task's campaign: without a
 * campaign it takes the task's, with another one it is refused (422
 * task_id: other_campaign). An integrity rule over the company's tasks;
 * whether the user may see the task is the engine's link check. */
static int track_follows_task(entity_ctx *c, hook_change *ch, err *e)
{
    int64_t task = hook_int(ch, "task_id", 0);
    if (!task) return 0;
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.campaign_id FROM campaign_tasks t WHERE t.deleted_at IS NULL AND t.id = ");
    query_bind_int(&q, task);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    int64_t of;
    if (query_int64(c->db, &q, &of, e) < 0) return -1;
    if (!of) return 0; /* no such task: the engine's link check says not_found */
    int64_t campaign = hook_int(ch, "campaign_id", 0);
    if (!campaign) return hook_set_int(ch, "campaign_id", of, e);
    if (campaign == of) return 0;
    err_add_field(e, "task_id", "other_campaign");
    return err_set(e, 422, "validation_failed", "所选市场任务不属于这个市场活动",
                   "The task belongs to another campaign");
}

int marketing_reminders(entity_ctx *c, const char *until, strbuf *out, int *n, err *e)
{
    const entity_def *tasks = meta_entity(c->m, "campaign_tasks");
    if (!tasks || !acl_can(c->user, tasks, ACL_VIEW)) return 0;
    query q;
    query_init(&q, c->a);
    /* due at the end of the due day in Beijing, as 催款 and 订单执行 */
    query_sql(&q, "SELECT t.id, t.subject || '（' || COALESCE(m.name, '') || '）', t.due_date || 'T15:59:59Z', NULL, NULL,"
                  " NULL, t.owner_id, u.name FROM campaign_tasks t LEFT JOIN campaigns m ON m.id = t.campaign_id"
                  " LEFT JOIN users u ON u.id = t.owner_id"
                  " WHERE t.deleted_at IS NULL AND t.status IN ('not_started', 'in_progress') AND t.due_date <= ");
    query_bind_text(&q, until);
    query_sql(&q, " AND ");
    acl_own_predicate(c->user, tasks, "t", &q); /* the caller's and their team's, not shared ones */
    query_sql(&q, " ORDER BY t.due_date, t.id LIMIT 100");
    return sales_reminder_rows(c, &q, "campaign_task", "campaign_tasks", out, n, e);
}

void marketing_init(void)
{
    entity_before("campaign_members", ON_WRITE, member_is_one_record);
    entity_before("campaign_tasks", ON_WRITE, task_completed_on);
    entity_before("campaign_tracks", ON_WRITE, track_follows_task);
}

int marketing_campaign_contacts(entity_ctx *c, const json_t *campaign, int max, json_t *ids, err *e)
{
    strbuf sb = STRBUF_INIT;
    int seen = json_is_integer(campaign) &&
               entity_get(c, meta_entity(c->m, "campaigns"), json_integer_value(campaign), 0, &sb, e) == 0;
    sb_free(&sb);
    if (!seen) {
        err_clear(e);
        err_add_field(e, "campaign_id", "not_found");
        return err_set(e, 422, "validation_failed", "市场活动不存在或无权访问", "The campaign does not exist or is not yours to see");
    }
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT DISTINCT t.contact_id FROM campaign_members t WHERE t.deleted_at IS NULL"
                  " AND t.contact_id IS NOT NULL AND t.campaign_id = ");
    query_bind_int(&q, json_integer_value(campaign));
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    query_sqlf(&q, " ORDER BY t.contact_id LIMIT %d", max + 1);
    return query_ids(c->db, &q, ids, e);
}
