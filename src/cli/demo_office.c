/* demo_office.c - the 办公协作 part of `--demo`: the 公告栏 of a small
 * company (a holiday notice to everyone, the sales team's incentive plan
 * to 销售部, a draft), published through the declared action so the team
 * has read receipts to show; and a 知识库 of articles and 常见问题 about
 * what the company sells, most of them published. */
#include <stdio.h>
#include <string.h>

#include "../entity/entity.h"
#include "../entity/entity_action.h"
#include "data.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const char *title, *category, *importance, *body, *audience; /* audience NULL: stays a draft */
} NOTICES[] = {
    {"关于 2026 年国庆节、中秋节放假安排的通知", "notice", "important",
     "根据国务院办公厅通知，10 月 1 日至 8 日放假调休，共 8 天。9 月 27 日（星期日）、10 月 10 日（星期六）上班。"
     "假期前请各部门做好客户回访安排，值班表见附件。",
     "all"},
    {"销售部第三季度业绩激励方案", "policy", "normal",
     "第三季度回款超过目标 110% 的销售代表，按超额部分 3% 发放奖金；新签 A 类客户每家另奖 2000 元。",
     "departments"},
    {"客户答谢会筹备分工（草稿）", "event", "normal", "会务组、接待组、宣传组分工待定，请各组长补充。", NULL},
};

static const struct {
    const char *title, *kind, *category, *keywords, *summary, *body;
    int published;
} ARTICLES[] = {
    {"CRM 系统标准版功能介绍", "article", "product", "CRM 标准版 功能", "客户管理、销售机会、报价订单、统计分析四大模块一览",
     "标准版包含客户与联系人管理、公海池、销售线索与机会、报价单与业务订单、收款与发票、业绩统计。"
     "按用户数年付，10 用户起售，支持移动端。", 1},
    {"激光打印机卡纸处理方法", "article", "technical", "打印机 卡纸", "HP LaserJet 系列卡纸时的处理步骤",
     "先关闭电源并等待定影组件冷却，打开前盖，按进纸方向轻轻取出纸张，切勿用力拉扯；再检查纸盒是否装纸过满。", 1},
    {"笔记本电脑首次开机设置", "article", "installation", "笔记本 开机 激活", "ThinkPad 首次开机、系统激活与驱动更新",
     "接通电源后开机，按向导完成区域与账户设置；联网后系统自动激活；用联想电脑管家更新驱动与 BIOS。", 0},
    {"如何申请保修？", "faq", "after_sales", "保修 售后", NULL,
     "请携带购机发票到授权服务网点，或拨打 400-800-1234 预约上门；整机保修三年，电池保修一年。", 1},
    {"CRM 系统可以导入 Excel 客户资料吗？", "faq", "product", "导入 Excel", NULL,
     "可以。在客户列表点「导入」，上传 xlsx 或 csv 文件，按提示对应字段，重复客户可选择跳过或更新。", 1},
    {"发票开具后可以修改抬头吗？", "faq", "after_sales", "发票 抬头 红冲", NULL,
     "已开具的增值税发票不能直接修改，需要作废（当月）或开具红字发票后重新开具，请联系财务部办理。", 1},
};

static int demo_knowledge(entity_ctx *c, err *e)
{
    const entity_def *ent = meta_entity(c->m, "kb_articles");
    for (size_t k = 0; k < N(ARTICLES); k++) {
        json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s}", "title", ARTICLES[k].title, "kind", ARTICLES[k].kind, "category",
                              ARTICLES[k].category, "keywords", ARTICLES[k].keywords, "body", ARTICLES[k].body);
        if (ARTICLES[k].summary) json_object_set_new(b, "summary", json_string(ARTICLES[k].summary));
        int64_t id;
        if (demo_create(c, "kb_articles", b, &id, e)) return -1;
        if (!ARTICLES[k].published) continue;
        json_t *none = json_object(), *out = NULL;
        int rc = entity_action_run(c, ent, id, "publish", none, 0, &out, e);
        json_decref(none);
        json_decref(out);
        if (rc) return -1;
    }
    return 0;
}

int demo_office(entity_ctx *c, err *e)
{
    if (demo_knowledge(c, e)) return -1;
    const entity_def *ent = meta_entity(c->m, "announcements");
    int64_t sales = 0;
    const char *params[] = {"XS"};
    if (db_query_int64(c->db, "SELECT id FROM departments WHERE code = ? AND deleted_at IS NULL", &sales, e, 1, params) < 0)
        return -1;
    for (size_t k = 0; k < N(NOTICES); k++) {
        int64_t id;
        if (demo_create(c, "announcements",
                        json_pack("{s:s,s:s,s:s,s:s}", "title", NOTICES[k].title, "category", NOTICES[k].category,
                                  "importance", NOTICES[k].importance, "body", NOTICES[k].body),
                        &id, e))
            return -1;
        if (!NOTICES[k].audience) continue;
        json_t *body = strcmp(NOTICES[k].audience, "all") == 0
                           ? json_pack("{s:s}", "audience", "all")
                           : json_pack("{s:s,s:[I]}", "audience", "departments", "department_ids", (json_int_t)sales);
        json_t *out = NULL;
        int rc = entity_action_run(c, ent, id, "publish", body, 0, &out, e);
        json_decref(body);
        json_decref(out);
        if (rc) return -1;
    }
    return 0;
}
