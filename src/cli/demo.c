/* demo.c - `kehu serve --demo`: a first look that feels like a working
 * sales team. Customers and contacts come from gen-data; leads,
 * opportunities in every stage and a few months of activities are created
 * through the records engine, so they carry history, stage probabilities,
 * pinyin and search words like any record a user makes. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../entity/entity.h"
#include "../entity/meta_load.h"
#include "../util/clock.h"
#include "data.h"

static const char *const LEAD_NAMES[] = {"陈静", "刘洋", "张伟", "李娜", "王芳", "赵磊", "孙丽", "周杰",
                                         "吴敏", "郑浩", "冯晓东", "何雨桐", "高志强", "林海燕", "罗思远"};
static const char *const LEAD_COMPANIES[] = {"合肥智联软件有限公司", "青岛海纳电子有限公司", "成都蜀锦食品有限公司",
                                             "西安秦川机械有限公司", "厦门鹭岛物流有限公司", "武汉光谷信息技术有限公司",
                                             "长沙湘江医药有限公司", "大连星海贸易有限公司"};
static const char *const LEAD_SOURCES[] = {"website", "exhibition", "referral", "cold_call", "campaign"};
static const char *const LEAD_STATUS[] = {"new", "working", "working", "unqualified"};
static const char *const PRODUCTS[] = {"CRM 系统", "办公设备", "年度维保服务", "培训服务", "数据平台", "智能终端"};
static const char *const STAGES[] = {"prospecting", "qualification", "proposal", "negotiation", "commit", "won", "lost"};
/* What a salesperson does, and what kind of activity it is. */
static const struct {
    const char *kind, *subject;
} ACTIONS[] = {{"call", "电话沟通采购需求"}, {"visit", "上门拜访演示产品"}, {"meeting", "商务谈判会议"},
               {"email", "发送报价邮件"},   {"task", "整理方案材料"},       {"call", "回访使用情况"}};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void day_text(int offset_days, int with_time, char *out, size_t n)
{
    time_t t = time(NULL) + (time_t)offset_days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    if (with_time) {
        tm.tm_hour = 1 + (offset_days % 8 + 8) % 8; /* 09:00-16:00 China time */
        tm.tm_min = 0;
        tm.tm_sec = 0;
        strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
    } else {
        strftime(out, n, "%Y-%m-%d", &tm);
    }
}

static int create(entity_ctx *c, const char *entity, json_t *body, int64_t *id, err *e)
{
    int64_t ignored;
    int rc = entity_create(c, meta_entity(c->m, entity), body, id ? id : &ignored, e);
    json_decref(body);
    return rc;
}

static int demo_leads(entity_ctx *c, err *e)
{
    for (size_t i = 0; i < N(LEAD_NAMES); i++) {
        json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", LEAD_NAMES[i], "company",
                              LEAD_COMPANIES[i % N(LEAD_COMPANIES)], "source", LEAD_SOURCES[i % N(LEAD_SOURCES)],
                              "status", LEAD_STATUS[i % N(LEAD_STATUS)], "rating", i % 3 ? "warm" : "hot");
        json_object_set_new(b, "mobile", json_sprintf("139%08zu", 12345678 + i * 1111));
        if (create(c, "leads", b, NULL, e)) return -1;
    }
    return 0;
}

static int demo_opportunities(entity_ctx *c, err *e)
{
    char date[16];
    for (int i = 0; i < 42; i++) {
        day_text(-30 + i * 4, 0, date, sizeof date);
        json_t *b = json_pack("{s:s,s:I,s:s,s:s,s:I}", "name", PRODUCTS[i % N(PRODUCTS)], "account_id",
                              (json_int_t)(1 + (i * 7) % 60), "stage", STAGES[i % N(STAGES)],
                              "expected_close_date", date, "amount", (json_int_t)(20000 + (i * 37 % 50) * 10000));
        json_object_set_new(b, "name", json_sprintf("%s采购项目 %02d", PRODUCTS[i % N(PRODUCTS)], i + 1));
        if (strcmp(STAGES[i % N(STAGES)], "lost") == 0) json_object_set_new(b, "lost_reason", json_string("price"));
        if (create(c, "opportunities", b, NULL, e)) return -1;
    }
    return 0;
}

/* An hour later (half an hour for calls), for end_at. */
static void end_text(const char *start, const char *kind, char *out, size_t n)
{
    struct tm tm = {0};
    sscanf(start, "%4d-%2d-%2dT%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour);
    tm.tm_year -= 1900, tm.tm_mon -= 1;
    time_t t = timegm(&tm) + (strcmp(kind, "call") == 0 ? 1800 : 3600);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
}

/* The team's weekly meeting, Mondays 09:00 for two months: a repeating
 * activity, so the calendar shows a series. */
static int demo_weekly_meeting(entity_ctx *c, err *e)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    int to_monday = (8 - tm.tm_wday) % 7; /* the coming Monday (today if it is one) */
    char start[24], until[16];
    day_text(to_monday, 0, start, sizeof start);
    strcat(start, "T01:00:00Z");
    day_text(to_monday + 56, 0, until, sizeof until);
    json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "subject", "销售部周例会", "kind", "meeting", "status",
                          "planned", "start_at", start, "location", "总部 3 楼会议室", "repeat", "weekly",
                          "repeat_until", until);
    char end[24];
    end_text(start, "meeting", end, sizeof end);
    json_object_set_new(b, "end_at", json_string(end));
    return create(c, "activities", b, NULL, e);
}

static int demo_activities(entity_ctx *c, err *e)
{
    char start[24], end[24], next[24];
    for (int i = 0; i < 100; i++) {
        int day = -85 + i; /* the last three months and two weeks ahead */
        day_text(day, 1, start, sizeof start);
        const char *kind = ACTIONS[i % N(ACTIONS)].kind;
        end_text(start, kind, end, sizeof end);
        json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I}", "subject", ACTIONS[i % N(ACTIONS)].subject, "kind", kind,
                              "status", day < 0 ? "done" : "planned", "start_at", start, "end_at", end,
                              "account_id", (json_int_t)(1 + (i * 11) % 60));
        if (strcmp(kind, "visit") == 0) json_object_set_new(b, "location", json_string("客户公司"));
        if (day < 0) json_object_set_new(b, "result", json_string("客户有意向，约定下次详谈"));
        if (i % 3 == 0) {
            day_text(day + 7, 1, next, sizeof next);
            json_object_set_new(b, "next_follow_up_at", json_string(next));
        }
        if (create(c, "activities", b, NULL, e)) return -1;
    }
    return 0;
}

int cli_demo_data(db_conn *db, err *e)
{
    int64_t existing = 0;
    if (db_query_int64(db, "SELECT COUNT(*) FROM accounts", &existing, e, 0, NULL) < 0) return -1;
    if (existing) return 0;
    int64_t admin_id = 0;
    if (db_query_int64(db, "SELECT MIN(id) FROM users WHERE is_admin = 1", &admin_id, e, 0, NULL) < 0)
        return -1;
    if (gen_data(db, 60, 150, admin_id, e)) return -1;
    arena *a = arena_new();
    auth_user admin = {.id = admin_id, .username = "admin", .name = "系统管理员", .is_admin = 1};
    entity_ctx c = {db, a, meta_current(), &admin, "zh", 0};
    int rc = demo_leads(&c, e) || demo_opportunities(&c, e) || demo_activities(&c, e) ||
                     demo_weekly_meeting(&c, e)
                 ? -1
                 : 0;
    arena_free(a);
    return rc;
}
