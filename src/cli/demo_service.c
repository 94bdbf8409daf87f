/* demo_service.c - the 客户服务 part of `--demo`: 服务时限规则 per priority
 * (and a stricter one for quality complaints, with a care call three days
 * after closing), two 服务队列 of the team, and tickets in every state along
 * the declared actions: one long breached and escalated to 张伟, some
 * assigned by the queues, a complaint closed with its 满意度. The company's
 * 工作日历 is seeded by the first ticket. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../entity/entity.h"
#include "../entity/entity_action.h"
#include "../util/clock.h"
#include "data.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const char *name, *priority, *category;
    int response, resolution, follow_up;
} RULES[] = {
    {"紧急工单", "urgent", NULL, 2, 8, 0},
    {"高优先级工单", "high", NULL, 4, 16, 0},
    {"普通工单", "normal", NULL, 8, 24, 0},
    {"低优先级工单", "low", NULL, 16, 40, 0},
    {"产品质量投诉", "high", "quality", 2, 8, 3},
};

/* where: the last state reached by the actions; hours_ago: 受理时间;
 * agent: index in the team (-1: assigned by the queues). */
static const struct {
    const char *subject, *kind, *channel, *category, *priority, *description, *where;
    int hours_ago, account, agent;
} TICKETS[] = {
    {"财务部打印机无法联网", "request", "phone", "repair", "high",
     "客户来电：财务部 HP 打印机更换路由器后无法联网打印，急需打印月末报表。", "in_progress", 240, 1, 1},
    {"新购笔记本电脑安装调试", "request", "email", "installation", "normal",
     "客户采购的 5 台 ThinkPad 已到货，请安排工程师上门安装系统和办公软件。", "new", 3, 2, -1},
    {"报价单金额与合同不一致", "complaint", "phone", "billing", "high",
     "客户投诉：10 月报价单的折扣与签订的合同不符，要求重新核对并出具说明。", "waiting_customer", 30, 3, 2},
    {"硒鼓漏粉导致打印发黑", "complaint", "wechat", "quality", "high",
     "客户反映新换的硒鼓漏粉，打印件整页发黑，影响对外文件。", "closed", 96, 4, 1},
    {"CRM 系统导入客户资料失败", "consultation", "web", "usage", "normal",
     "导入 Excel 客户资料时提示「第 3 行：手机号格式不正确」，询问如何处理。", "resolved", 20, 5, 2},
    {"投影仪开机无信号", "request", "phone", "repair", "urgent",
     "会议室投影仪开机后显示无信号，下午有重要客户来访。", "new", 1, 6, -1},
    {"希望增加微信下单渠道", "feedback", "wechat", "other", "low",
     "客户建议开通微信下单和订单状态通知。", "in_progress", 50, 7, -1},
};

static const char *const STEPS[] = {"new", "in_progress", "waiting_customer", "resolved", "closed"};

static int64_t user_id(entity_ctx *c, const char *username, err *e)
{
    int64_t id = 0;
    const char *params[] = {username};
    if (db_query_int64(c->db, "SELECT id FROM users WHERE username = ? AND deleted_at IS NULL", &id, e, 1, params) < 0)
        return -1;
    return id;
}

static int run(entity_ctx *c, const entity_def *ent, int64_t id, const char *action, json_t *body, err *e)
{
    json_t *out = NULL;
    int rc = entity_action_run(c, ent, id, action, body, 0, &out, e);
    json_decref(body);
    json_decref(out);
    return rc;
}

/* Moves a new ticket along the actions up to `where`. */
static int walk(entity_ctx *c, const entity_def *ent, int64_t id, const char *where, err *e)
{
    int last = 0;
    while (last < (int)N(STEPS) && strcmp(STEPS[last], where) != 0) last++;
    if (last >= 1 && run(c, ent, id, "start", json_object(), e)) return -1;
    if (last == 2 && run(c, ent, id, "ask_customer", json_object(), e)) return -1;
    if (last >= 3 && run(c, ent, id, "resolve", json_pack("{s:s}", "resolution", "已远程指导客户处理，问题解决。"), e))
        return -1;
    if (last >= 4 &&
        run(c, ent, id, "close", json_pack("{s:s,s:s}", "satisfaction", "4", "satisfaction_note", "响应及时，处理专业。"), e))
        return -1;
    return 0;
}

int demo_service(entity_ctx *c, err *e)
{
    const entity_def *tickets = meta_entity(c->m, "tickets");
    if (!tickets) return 0;
    int64_t team[3];
    static const char *const NAMES[] = {"zhangwei", "lina", "wangqiang"};
    for (int i = 0; i < 3; i++)
        if ((team[i] = user_id(c, NAMES[i], e)) < 0) return -1;
    for (size_t k = 0; k < N(RULES); k++) {
        json_t *b = json_pack("{s:s,s:s,s:i,s:i,s:i}", "name", RULES[k].name, "priority", RULES[k].priority,
                              "first_response_hours", RULES[k].response, "resolution_hours", RULES[k].resolution,
                              "follow_up_days", RULES[k].follow_up);
        if (RULES[k].category) json_object_set_new(b, "category", json_string(RULES[k].category));
        int64_t id;
        if (demo_create(c, "sla_rules", b, &id, e)) return -1;
    }
    int64_t id;
    if (demo_create(c, "service_queues",
                    json_pack("{s:s,s:s,s:s,s:[{s:I},{s:I}]}", "name", "售后维修组", "category", "repair", "description",
                              "故障维修工单由李娜、王强轮流受理", "members", "user_id", (json_int_t)team[1], "user_id",
                              (json_int_t)team[2]),
                    &id, e) ||
        demo_create(c, "service_queues",
                    json_pack("{s:s,s:s,s:[{s:I}]}", "name", "客服热线", "description", "其他类别的工单", "members", "user_id",
                              (json_int_t)team[1]),
                    &id, e))
        return -1;
    for (size_t k = 0; k < N(TICKETS); k++) {
        char received[ISO_TIME_LEN];
        iso_time(time(NULL) - (time_t)TICKETS[k].hours_ago * 3600, received);
        json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "subject", TICKETS[k].subject, "kind", TICKETS[k].kind,
                              "channel", TICKETS[k].channel, "category", TICKETS[k].category, "priority",
                              TICKETS[k].priority, "description", TICKETS[k].description, "received_at", received,
                              "account_id", (json_int_t)TICKETS[k].account);
        if (TICKETS[k].agent >= 0) json_object_set_new(b, "owner_id", json_integer(team[TICKETS[k].agent]));
        if (demo_create(c, "tickets", b, &id, e) || walk(c, tickets, id, TICKETS[k].where, e)) return -1;
    }
    return 0;
}
