/* demo_marketing.c - the 市场管理 part of `--demo`: the competitors a
 * software and hardware reseller in Jiangsu meets, with what sales knows
 * about them, named on the demo's opportunities so 竞争对手胜负分析 has
 * won and lost deals to show; three campaigns (a trade show that is over,
 * a seminar under way, a mailing being planned) with members, the leads
 * they brought and the deals won from them, so ROI and cost per lead have
 * figures; each campaign's 市场任务 (assigned to the team, some due this
 * week) and 市场跟踪. Through the records engine, as the administrator. */
#include <stdio.h>
#include <string.h>

#include "../entity/entity.h"
#include "../entity/entity_action.h"
#include "../modules/marketing.h"
#include "data.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const char *name, *short_name, *city, *strengths, *weaknesses, *products, *prices;
} RIVALS[] = {
    {"用友网络科技股份有限公司", "用友", "北京", "品牌知名度高，财务软件客户基础大，实施伙伴遍布全国",
     "CRM 与 ERP 捆绑销售，单独采购 CRM 时价格偏高；实施周期长", "用友 YonSuite 客户云、U8 CRM",
     "标准版每用户每年约 1500 元，实施费另计，常以 ERP 打包折扣争单"},
    {"金蝶软件（中国）有限公司", "金蝶", "深圳", "云产品迭代快，中小企业口碑好，华东有直销团队",
     "大客户定制能力一般，二次开发依赖原厂", "金蝶云·星空 CRM、精斗云", "按年订阅，每用户每年 1000～1300 元，首年常送 3 个月"},
    {"北京神州云动科技股份有限公司", "销售易", "北京", "移动端体验好，销售过程管理功能全，外企背景客户认可",
     "本地化服务网点少，江苏项目多由合作伙伴交付", "销售易 CRM 企业版、服务云", "企业版每用户每月约 200 元，三年合同有折扣"},
    {"南京本地软件工作室", "本地工作室", "南京", "报价低，响应快，愿意按需定制", "团队小，缺少产品化和售后保障，项目易延期",
     "定制开发的客户管理系统", "项目制，一次性 3～8 万元"},
};

/* Which rivals the demo's opportunity i (1-based, made by demo.c in stage
 * order i % 7) met: most deals one or two, some none. */
static int rivals_of(int i, int out[2])
{
    if (i % 5 == 0) return 0;
    out[0] = i % (int)N(RIVALS);
    if (i % 3 != 0) return 1;
    out[1] = (i + 1) % (int)N(RIVALS);
    return 2;
}

static const struct {
    const char *name, *type, *status, *location, *audience, *description;
    int start, days;                    /* from today */
    int budget, expected, actual;       /* 元; actual 0: not yet known */
    const char *member_city;            /* customers of this city are invited */
} CAMPAIGNS[] = {
    {"2026 中国（南京）国际智能制造博览会", "exhibition", "completed", "南京国际博览中心 5 号馆 A12 展位",
     "华东制造业企业的信息化负责人", "展出 CRM 标准版与维保服务，现场演示移动销售与客户全景；收集名片并登记为销售线索。", -60, 3,
     120000, 100000, 96000, "南京"},
    {"制造业数字化转型研讨会", "seminar", "in_progress", "苏州金鸡湖国际会议中心 2 号厅", "苏州、无锡的重点客户与潜在客户",
     "邀请客户 CIO 分享客户管理实践，会后安排一对一交流。", -2, 5, 30000, 28000, 12000, "苏州"},
    {"618 年中促销邮件", "email", "planned", "线上", "全部联系人", "年中采购优惠：软件年费八五折，维保服务买一年送三个月。",
     20, 10, 5000, 5000, 0, NULL},
};

/* The campaign's members (its city's customers), the demo's unconverted
 * leads for the trade show, and deals sourced by it (won ones too). */
static int campaign_results(entity_ctx *c, int k, int64_t id, err *e)
{
    char filter[160];
    strbuf ignored = STRBUF_INIT;
    int rc = 0;
    if (CAMPAIGNS[k].member_city) {
        snprintf(filter, sizeof filter, "{\"field\":\"city\",\"op\":\"eq\",\"value\":\"%s\"}", CAMPAIGNS[k].member_city);
        list_params p = {.filter = filter};
        rc = marketing_add_members(c, id, "accounts", &p, k == 0 ? "attended" : "invited", &ignored, e);
    }
    sb_free(&ignored);
    if (rc || k != 0) return rc;
    const entity_def *leads = meta_entity(c->m, "leads");
    for (int64_t lead = 5; lead <= 12 && !rc; lead++) {
        json_t *b = json_pack("{s:I,s:s}", "campaign_id", (json_int_t)id, "source", "exhibition");
        rc = entity_update(c, leads, lead, b, 0, e);
        json_decref(b);
    }
    static const struct {
        const char *name, *stage;
        int account, amount;
    } DEALS[] = {{"展会客户 CRM 标准版（50 用户）", "won", 7, 180000},
                 {"展会客户 维保服务三年", "won", 19, 72000},
                 {"展会客户 销售管理系统升级", "negotiation", 33, 260000}};
    char date[16];
    for (size_t i = 0; i < N(DEALS) && !rc; i++) {
        demo_day(-40 + (int)i * 10, date, sizeof date);
        rc = demo_create(c, "opportunities",
                         json_pack("{s:s,s:I,s:s,s:I,s:s,s:s,s:I}", "name", DEALS[i].name, "account_id",
                                   (json_int_t)DEALS[i].account, "stage", DEALS[i].stage, "amount",
                                   (json_int_t)DEALS[i].amount, "expected_close_date", date, "source", "campaign",
                                   "campaign_id", (json_int_t)id),
                         NULL, e);
    }
    return rc;
}

/* 实际费用 is what the campaign's approved expenses add up to: the bill
 * of the venue (70 %) and of the advertising, each submitted (no flow asks
 * for the demo's amounts: approved at once). */
static int campaign_expenses(entity_ctx *c, int64_t campaign, int actual, const char *day, err *e)
{
    static const struct {
        const char *subject, *type;
    } BILLS[] = {{"场地租赁及展位搭建", "conference"}, {"广告宣传及物料印制", "advertising"}};
    const entity_def *ent = meta_entity(c->m, "expenses");
    int amounts[2] = {actual / 10 * 7, actual - actual / 10 * 7};
    for (int i = 0; i < 2; i++) {
        int64_t id;
        json_t *b = json_pack("{s:s,s:s,s:i,s:s,s:I}", "subject", BILLS[i].subject, "expense_type", BILLS[i].type,
                              "amount", amounts[i], "incurred_on", day, "campaign_id", (json_int_t)campaign);
        if (demo_create(c, "expenses", b, &id, e)) return -1;
        json_t *body = json_object(), *out = NULL;
        int rc = entity_action_run(c, ent, id, "submit", body, 0, &out, e);
        json_decref(body);
        json_decref(out);
        if (rc) return -1;
    }
    return 0;
}

/* 市场任务 and 市场跟踪 of each campaign: who does what by when (the
 * trade show's all done, the seminar's under way with two due this week,
 * so the bell has them, the mailing's still to start), and what the
 * campaign produced, day by day. */
static const struct {
    int campaign;
    const char *subject, *kind, *status, *owner, *description, *result;
    int start, due; /* from the campaign's start */
} TASKS[] = {
    {0, "展位设计与搭建", "preparation", "done", "wangqiang", "36 平方米标准展位，两台演示大屏，一张洽谈桌；开展前一天完成验收。",
     "按期完成，展台位置靠近主通道，人流较好。", -20, -1},
    {0, "邀约南京重点客户参展", "invitation", "done", "lina", "电话邀约南京地区的 A、B 级客户到展位参观，发送电子门票。",
     "邀约 30 家，到场 18 家。", -15, -1},
    {0, "展会效果评估", "evaluation", "done", "zhangwei", "统计到访、线索与成交，计算投资回报率，写出活动总结。",
     "线索 8 条，已签约 2 单，投资回报率约 2.6 倍。", 3, 10},
    {1, "确认分享嘉宾与议程", "planning", "done", "zhangwei", "邀请两位制造业客户的信息化负责人分享客户管理实践。",
     "嘉宾已确认，议程已发给全部报名客户。", -10, -3},
    {1, "邀约苏州、无锡客户 CIO", "invitation", "in_progress", "lina", "电话和邮件邀约，目标到场 40 人。", NULL, -8, 3},
    {1, "会后一对一交流安排", "follow_up", "not_started", "wangqiang", "按客户意向安排售前顾问上门交流，三天内完成。", NULL, 2, 5},
    {2, "撰写促销邮件文案", "materials", "not_started", "lina", "年中采购优惠的邮件正文与主题，附产品报价单链接。", NULL, -10, -8},
    {2, "筛选收件联系人", "planning", "not_started", "wangqiang", "从客户联系人中筛选未拒收邮件的采购与信息化负责人。", NULL, -8, -3},
};
static const struct {
    int campaign, task; /* task: index into TASKS, -1 none */
    const char *subject, *method, *effect, *content, *next_step;
    int day, visitors, responses, leads;
} TRACKS[] = {
    {0, 1, "展会第一天现场统计", "onsite", "good", "展位接待 160 人次，重点客户到访 9 家，现场登记名片 45 张。", "当晚整理名片，按意向分级", 0, 160, 45, 3},
    {0, 1, "展会第三天现场统计", "onsite", "fair", "周末观众以学生和同行为主，有效接触较少。", "展会结束后一周内电话回访", 2, 120, 20, 1},
    {0, 2, "展会后电话回访", "phone", "good", "回访登记的 45 位观众，8 位确认有采购计划，已转为销售线索。", "线索分配给李娜和王强跟进", 9, 45, 12, 4},
    {1, 4, "研讨会报名统计", "online", "good", "报名 36 人，其中苏州 22 人、无锡 14 人，CIO 及信息部经理 15 人。", "会前一天短信提醒", -1, 60, 36, 0},
};

static int64_t team_user(entity_ctx *c, const char *username, err *e)
{
    int64_t id = 0;
    const char *params[] = {username};
    if (db_query_int64(c->db, "SELECT id FROM users WHERE username = ? AND deleted_at IS NULL", &id, e, 1, params) < 0)
        return -1;
    return id;
}

static int campaign_work(entity_ctx *c, const int64_t campaigns[], err *e)
{
    int64_t task_ids[N(TASKS)];
    char start[16], due[16];
    for (size_t i = 0; i < N(TASKS); i++) {
        int64_t owner = team_user(c, TASKS[i].owner, e);
        if (owner < 0) return -1;
        int base = CAMPAIGNS[TASKS[i].campaign].start;
        demo_day(base + TASKS[i].start, start, sizeof start);
        demo_day(base + TASKS[i].due, due, sizeof due);
        json_t *b = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s}", "subject", TASKS[i].subject, "campaign_id",
                              (json_int_t)campaigns[TASKS[i].campaign], "kind", TASKS[i].kind, "status", TASKS[i].status,
                              "start_date", start, "due_date", due, "description", TASKS[i].description);
        if (owner) json_object_set_new(b, "owner_id", json_integer(owner));
        if (TASKS[i].result) json_object_set_new(b, "result", json_string(TASKS[i].result));
        json_object_set_new(b, "progress", json_integer(strcmp(TASKS[i].status, "done") == 0 ? 100
                                                        : strcmp(TASKS[i].status, "in_progress") == 0 ? 60 : 0));
        if (demo_create(c, "campaign_tasks", b, &task_ids[i], e)) return -1;
    }
    for (size_t i = 0; i < N(TRACKS); i++) {
        demo_day(CAMPAIGNS[TRACKS[i].campaign].start + TRACKS[i].day, start, sizeof start);
        json_t *b = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:i}", "subject", TRACKS[i].subject, "campaign_id",
                              (json_int_t)campaigns[TRACKS[i].campaign], "method", TRACKS[i].method, "effect",
                              TRACKS[i].effect, "content", TRACKS[i].content, "next_step", TRACKS[i].next_step,
                              "track_date", start, "visitors", TRACKS[i].visitors, "responses", TRACKS[i].responses,
                              "leads_gained", TRACKS[i].leads);
        if (TRACKS[i].task >= 0) json_object_set_new(b, "task_id", json_integer(task_ids[TRACKS[i].task]));
        if (demo_create(c, "campaign_tracks", b, NULL, e)) return -1;
    }
    return 0;
}

static int demo_campaigns(entity_ctx *c, err *e)
{
    int64_t ids[N(CAMPAIGNS)];
    char start[16], end[16];
    for (size_t k = 0; k < N(CAMPAIGNS); k++) {
        demo_day(CAMPAIGNS[k].start, start, sizeof start);
        demo_day(CAMPAIGNS[k].start + CAMPAIGNS[k].days - 1, end, sizeof end);
        json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I}", "name", CAMPAIGNS[k].name, "type",
                              CAMPAIGNS[k].type, "status", CAMPAIGNS[k].status, "location", CAMPAIGNS[k].location,
                              "target_audience", CAMPAIGNS[k].audience, "description", CAMPAIGNS[k].description,
                              "start_date", start, "end_date", end, "budget", (json_int_t)CAMPAIGNS[k].budget,
                              "expected_cost", (json_int_t)CAMPAIGNS[k].expected);
        if (k == 0) json_object_set_new(b, "summary", json_string("三天接待来访 420 人次，登记线索 8 条，已签约 2 单。"));
        int64_t id;
        if (demo_create(c, "campaigns", b, &id, e) || campaign_results(c, (int)k, id, e)) return -1;
        if (CAMPAIGNS[k].actual && campaign_expenses(c, id, CAMPAIGNS[k].actual, start, e)) return -1;
        ids[k] = id;
    }
    return campaign_work(c, ids, e);
}

int demo_marketing(entity_ctx *c, err *e)
{
    if (demo_campaigns(c, e)) return -1;
    const entity_def *opp = meta_entity(c->m, "opportunities");
    int64_t ids[N(RIVALS)];
    for (size_t k = 0; k < N(RIVALS); k++) {
        json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "name", RIVALS[k].name, "short_name",
                              RIVALS[k].short_name, "type", "competitor", "city", RIVALS[k].city, "strengths",
                              RIVALS[k].strengths, "weaknesses", RIVALS[k].weaknesses, "competing_products",
                              RIVALS[k].products, "price_policy", RIVALS[k].prices);
        if (demo_create(c, "accounts", b, &ids[k], e)) return -1;
    }
    static const char *const THREAT[] = {"high", "medium", "low"};
    for (int i = 1; i <= 42; i++) {
        int who[2], n = rivals_of(i, who);
        if (!n) continue;
        json_t *lines = json_array();
        for (int k = 0; k < n; k++)
            json_array_append_new(lines, json_pack("{s:I,s:s,s:s}", "competitor_id", (json_int_t)ids[who[k]], "threat",
                                                   THREAT[(i + k) % 3], "note",
                                                   k ? "客户同时邀请报价" : "客户已看过对方演示"));
        json_t *body = json_pack("{s:o}", "competitors", lines);
        int rc = entity_update(c, opp, i, body, 0, e);
        json_decref(body);
        if (rc) return -1;
    }
    return 0;
}
