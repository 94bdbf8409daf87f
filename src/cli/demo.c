/* demo.c - `kehu serve --demo`: a first look that feels like a working
 * sales team. Customers and contacts come from gen-data; leads,
 * opportunities in every stage and a few months of activities are created
 * through the records engine, so they carry history, stage probabilities,
 * pinyin and search words like any record a user makes. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../auth/session.h"
#include "../entity/entity.h"
#include "../entity/meta_load.h"
#include "../entity/entity_action.h"
#include "../modules/sales.h"
#include "../util/clock.h"
#include "data.h"

/* The demo team signs in with this password (README). */
#define DEMO_PASSWORD "Kehu#Demo2026"

/* Prospects' names: none is a name of the demo team (张伟, 李娜, 王强). */
static const char *const LEAD_NAMES[] = {"陈静", "刘洋", "黄晓明", "杨丽华", "王芳", "赵磊", "孙丽", "周杰",
                                         "吴敏", "郑浩", "冯晓东", "何雨桐", "高志强", "林海燕", "罗思远"};
static const char *const LEAD_COMPANIES[] = {"合肥智联软件有限公司", "青岛海纳电子有限公司", "成都蜀锦食品有限公司",
                                             "西安秦川机械有限公司", "厦门鹭岛物流有限公司", "武汉光谷信息技术有限公司",
                                             "长沙湘江医药有限公司", "大连星海贸易有限公司"};
static const char *const LEAD_SOURCES[] = {"website", "exhibition", "referral", "cold_call", "campaign"};
static const char *const LEAD_STATUS[] = {"new", "working", "working", "unqualified"};
/* A few hot prospects, more lukewarm and cold ones, as in any pipeline. */
static const char *const LEAD_RATINGS[] = {"warm", "cold", "hot", "warm", "cold", "cold", "warm"};
/* What a deal is about, as a salesperson would name it after the customer. */
static const char *const DEALS[] = {"CRM 系统一期", "办公设备年度采购", "设备维保续约", "销售团队培训", "数据平台建设",
                                    "智能终端批量采购", "门店管理系统升级"};
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
                              "status", LEAD_STATUS[i % N(LEAD_STATUS)], "rating", LEAD_RATINGS[i % N(LEAD_RATINGS)]);
        json_object_set_new(b, "mobile", json_sprintf("139%08zu", 12345678 + i * 1111));
        if (create(c, "leads", b, NULL, e)) return -1;
    }
    return 0;
}

/* A customer's short name for a deal's title: without the city in front
 * and the legal form behind (南京恒达机械制造有限公司 -> 恒达机械制造). */
static void short_name(const char *name, char *out, size_t n)
{
    static const char *const FORMS[] = {"股份有限公司", "集团有限公司", "科技有限公司", "有限公司"};
    snprintf(out, n, "%s", name);
    for (size_t i = 0; i < N(FORMS); i++) {
        char *at = strstr(out, FORMS[i]);
        if (at) {
            *at = '\0';
            break;
        }
    }
    char *branch = strstr(out, "第");
    if (branch) *branch = '\0';
    /* gen-data's names start with the city: two characters, but for these */
    static const char *const LONG_CITIES[] = {"哈尔滨", "石家庄", "呼和浩特", "乌鲁木齐"};
    size_t skip = strlen("南京");
    for (size_t i = 0; i < N(LONG_CITIES); i++)
        if (strncmp(out, LONG_CITIES[i], strlen(LONG_CITIES[i])) == 0) skip = strlen(LONG_CITIES[i]);
    if (strlen(out) > skip) memmove(out, out + skip, strlen(out + skip) + 1);
}

static int customer_name(entity_ctx *c, int64_t id, char *out, size_t n, err *e)
{
    db_stmt *s = db_prepare(c->db, "SELECT name FROM accounts WHERE id = ?", e);
    if (!s) return -1;
    db_bind_int64(s, 1, id);
    int rc = db_step(s);
    snprintf(out, n, "%s", rc == DB_ROW ? db_column_text(s, 0) : "");
    db_finalize(s);
    return rc < 0 ? err_set(e, 500, "db_error", "读取客户失败", "Cannot read the customer") : 0;
}

/* Open deals close ahead (one in ten is already late: the board flags
 * it); won and lost ones closed in the past months. */
static int demo_opportunities(entity_ctx *c, err *e)
{
    char date[16], customer[160], title[200];
    for (int i = 0; i < 42; i++) {
        const char *stage = STAGES[i % N(STAGES)];
        int closed = strcmp(stage, "won") == 0 || strcmp(stage, "lost") == 0;
        day_text(closed ? -5 - (i * 3) % 80 : i % 10 == 3 ? -6 : 10 + (i * 5) % 75, 0, date, sizeof date);
        json_int_t account = 1 + (i * 7) % 60;
        if (customer_name(c, account, customer, sizeof customer, e)) return -1;
        short_name(customer, title, sizeof title);
        json_t *b = json_pack("{s:I,s:s,s:s,s:I}", "account_id", account, "stage", stage, "expected_close_date", date,
                              "amount", (json_int_t)(20000 + (i * 37 % 50) * 10000));
        json_object_set_new(b, "name", json_sprintf("%s%s", title, DEALS[i % N(DEALS)]));
        if (strcmp(stage, "lost") == 0) json_object_set_new(b, "lost_reason", json_string(i % 2 ? "price" : "competitor"));
        if (create(c, "opportunities", b, NULL, e)) return -1;
    }
    return 0;
}

/* An hour later (half an hour for calls), for end_at. */
static void end_text(const char *start, const char *kind, char *out, size_t n)
{
    time_t t = 0;
    char iso[ISO_TIME_LEN];
    iso_parse(start, &t);
    iso_time(t + (strcmp(kind, "call") == 0 ? 1800 : 3600), iso);
    snprintf(out, n, "%s", iso);
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
        if (i % 3 == 0 && day + 7 >= -1) { /* follow-ups still to do, not months of overdue ones */
            day_text(day + 7, 1, next, sizeof next);
            json_object_set_new(b, "next_follow_up_at", json_string(next));
        }
        if (create(c, "activities", b, NULL, e)) return -1;
    }
    return 0;
}

/* ---- the sales team ---- */

static const char *const MODULES[] = {"accounts", "contacts",    "leads",    "opportunities", "activities",
                                      "quotes",   "sales_orders", "invoices", "receipts",      "tickets",
                                      "instalments", "documents", "doc_folders"};
static const struct {
    const char *username, *name, *mobile;
    int manager;
} TEAM[] = {{"zhangwei", "张伟", "13851000001", 1}, {"lina", "李娜", "13851000002", 0}, {"wangqiang", "王强", "13851000003", 0}};
#define NTEAM (int)N(TEAM)

static int64_t root_role(entity_ctx *c, err *e)
{
    int64_t id = 0;
    const char *params[] = {"管理员"};
    db_query_int64(c->db, "SELECT id FROM roles WHERE name = ? AND deleted_at IS NULL", &id, e, 1, params);
    return id;
}

/* 销售部 with a 销售经理 above two 销售代表 (a profile with the sales
 * modules), so the role tree, the public pool and sharing a schedule have
 * people to show. ids get the users' ids in TEAM order. */
static int demo_team(entity_ctx *c, int64_t ids[NTEAM], err *e)
{
    json_t *perms = json_object();
    for (size_t i = 0; i < N(MODULES); i++)
        json_object_set_new(perms, MODULES[i], json_pack("{s:b,s:b,s:b,s:b,s:b,s:b}", "view", 1, "create", 1, "edit", 1,
                                                         "delete", 1, "import", 1, "export", 1));
    json_object_set_new(perms, "products", json_pack("{s:b,s:b}", "view", 1, "export", 1)); /* the catalogue is read */
    json_object_set_new(perms, "campaigns", json_pack("{s:b,s:b}", "view", 1, "export", 1)); /* a lead names its campaign */
    /* 市场任务 are assigned to the team, who carry them out and track what they produced */
    json_object_set_new(perms, "campaign_tasks", json_pack("{s:b,s:b,s:b,s:b}", "view", 1, "create", 1, "edit", 1, "export", 1));
    json_object_set_new(perms, "campaign_tracks", json_pack("{s:b,s:b,s:b,s:b}", "view", 1, "create", 1, "edit", 1, "export", 1));
    json_object_set_new(perms, "announcements", json_pack("{s:b}", "view", 1)); /* the 公告栏 is read by all */
    json_object_set_new(perms, "kb_articles", json_pack("{s:b}", "view", 1)); /* so is the 知识库 */
    /* 通讯中心: the team writes its own 沟通模板 and sends; what was sent is the record */
    json_object_set_new(perms, "comm_templates", json_pack("{s:b,s:b,s:b}", "view", 1, "create", 1, "edit", 1));
    json_object_set_new(perms, "comm_messages", json_pack("{s:b,s:b,s:b}", "view", 1, "create", 1, "export", 1));
    /* 费用: each files their own (travel, entertainment) for approval */
    json_object_set_new(perms, "expenses", json_pack("{s:b,s:b,s:b,s:b}", "view", 1, "create", 1, "edit", 1, "export", 1));
    int64_t profile = 0, dept = 0, manager_role = 0, rep_role = 0, root = root_role(c, e);
    if (create(c, "profiles", json_pack("{s:s,s:o}", "name", "销售人员", "permissions", perms), &profile, e) ||
        create(c, "departments", json_pack("{s:s,s:s}", "name", "销售部", "code", "XS"), &dept, e) ||
        create(c, "roles", json_pack("{s:s,s:I,s:[I]}", "name", "销售经理", "parent_id", (json_int_t)root, "profile_ids",
                                     (json_int_t)profile), &manager_role, e) ||
        create(c, "roles", json_pack("{s:s,s:I,s:[I]}", "name", "销售代表", "parent_id", (json_int_t)manager_role,
                                     "profile_ids", (json_int_t)profile), &rep_role, e))
        return -1;
    for (int i = 0; i < NTEAM; i++) {
        json_t *u = json_pack("{s:s,s:s,s:s,s:I,s:I}", "username", TEAM[i].username, "name", TEAM[i].name, "mobile",
                              TEAM[i].mobile, "department_id", (json_int_t)dept, "role_id",
                              (json_int_t)(TEAM[i].manager ? manager_role : rep_role));
        json_object_set_new(u, "email", json_sprintf("%s@demo.kehu.cn", TEAM[i].username));
        if (create(c, "users", u, &ids[i], e) || user_set_password(c->db, ids[i], DEMO_PASSWORD, e)) return -1;
    }
    return 0;
}

/* Customers and their opportunities go to the team; every sixth customer
 * is left in the public pool (公海) to be claimed. */
static int demo_owners(entity_ctx *c, const int64_t team[NTEAM], err *e)
{
    const entity_def *acc = meta_entity(c->m, "accounts"), *opp = meta_entity(c->m, "opportunities");
    for (int64_t id = 1; id <= 60; id++) {
        int64_t owner = id % 6 == 0 ? 0 : team[id % NTEAM];
        if (entity_set_owner(c, acc, id, owner, -1, e)) return -1;
    }
    for (int64_t id = 1; id <= 42; id++)
        if (entity_set_owner(c, opp, id, team[id % NTEAM], -1, e)) return -1;
    return 0;
}

/* Contacts and activities belong to their customer's owner (those of pool
 * customers stay with the administrator); leads go round the team. */
static int follow_account_owner(entity_ctx *c, const char *entity, err *e)
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT t.id, a.owner_id FROM %s t JOIN accounts a ON a.id = t.account_id"
             " WHERE t.deleted_at IS NULL AND a.owner_id IS NOT NULL AND a.owner_id <> t.owner_id ORDER BY t.id",
             entity);
    db_stmt *s = db_prepare(c->db, sql, e);
    if (!s) return -1;
    json_t *moves = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(moves, json_pack("[I,I]", (json_int_t)db_column_int64(s, 0), (json_int_t)db_column_int64(s, 1)));
    db_finalize(s);
    const entity_def *ent = meta_entity(c->m, entity);
    size_t i;
    json_t *m;
    int rc = 0;
    json_array_foreach(moves, i, m) {
        if ((rc = entity_set_owner(c, ent, json_integer_value(json_array_get(m, 0)), json_integer_value(json_array_get(m, 1)),
                                   -1, e)))
            break;
    }
    json_decref(moves);
    return rc;
}

static int demo_team_records(entity_ctx *c, const int64_t team[NTEAM], err *e)
{
    if (follow_account_owner(c, "contacts", e) || follow_account_owner(c, "activities", e)) return -1;
    const entity_def *leads = meta_entity(c->m, "leads");
    for (int64_t id = 1; id <= (int64_t)N(LEAD_NAMES); id++)
        if (entity_set_owner(c, leads, id, team[id % NTEAM], -1, e)) return -1;
    return 0;
}

/* The helpers above, for the money half of the demo (demo_commerce.c). */
void demo_day(int offset_days, char *out, size_t n)
{
    day_text(offset_days, 0, out, n);
}

int demo_create(entity_ctx *c, const char *entity, json_t *body, int64_t *id, err *e)
{
    return create(c, entity, body, id, e);
}

/* A few leads already converted, as a student would after 实验四. */
static int demo_conversions(entity_ctx *c, err *e)
{
    const entity_def *leads = meta_entity(c->m, "leads");
    for (int64_t id = 2; id <= 4; id++) {
        json_t *body = json_pack("{s:b}", "create_opportunity", 1), *out = NULL;
        err ignored;
        err_clear(&ignored);
        /* a company name taken by gen-data: left unconverted */
        entity_action_run(c, leads, id, "convert", body, 0, &out, &ignored);
        json_decref(out);
        json_decref(body);
    }
    (void)e;
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
    if (gen_data(db, 60, 150, 0, admin_id, e)) return -1;
    arena *a = arena_new();
    auth_user admin = {.id = admin_id, .username = "admin", .name = "系统管理员", .is_admin = 1, .company_id = 1};
    entity_ctx c = {.db = db, .a = a, .m = meta_current(), .user = &admin, .lang = "zh"};
    int64_t team[NTEAM] = {0};
    int rc = demo_leads(&c, e) || demo_opportunities(&c, e) || demo_activities(&c, e) || demo_weekly_meeting(&c, e) ||
                     demo_team(&c, team, e) || demo_owners(&c, team, e) || demo_team_records(&c, team, e) ||
                     demo_conversions(&c, e) || demo_commerce(&c, e) || demo_receivables(&c, e) || demo_approvals(&c, e) ||
                     follow_account_owner(&c, "quotes", e) || follow_account_owner(&c, "sales_orders", e) ||
                     follow_account_owner(&c, "invoices", e) || follow_account_owner(&c, "instalments", e) || demo_marketing(&c, e) ||
                     demo_office(&c, e) || demo_documents(&c, e) || demo_service(&c, e) || demo_stock(&c, e) ||
                     demo_expense_approval(&c, e)
                 ? -1
                 : 0;
    if (!rc)
        printf("kehu: 演示账号 / demo users: zhangwei（销售经理）, lina, wangqiang（销售代表）, 密码 / password %s\n",
               DEMO_PASSWORD);
    arena_free(a);
    return rc;
}
