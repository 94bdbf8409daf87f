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

/* 沟通模板 of a sales team (通讯中心): the merge fields name the contact,
 * their customer and the sender. */
static const struct {
    const char *name, *channel, *subject, *body, *description;
} TEMPLATES[] = {
    {"新品推介会邀请函", "email", "诚邀{{account.name}}参加 2026 秋季新品推介会",
     "尊敬的{{contact.name}}{{contact.title}}：\n\n您好！行健动力将于 11 月 18 日在苏州国际博览中心举办 2026 秋季新品推介会，"
     "届时将发布新一代工业动力总成及远程运维平台，并安排现场演示和技术交流。\n\n诚挚邀请{{account.name}}莅临指导。"
     "报名及日程请见 https://www.xingjian.example/expo2026 。\n\n如有任何问题，欢迎随时与我联系。\n\n{{user.name}}\n"
     "行健动力 销售部\n手机：{{user.mobile}}",
     "市场活动邀请，配合「秋季新品推介会」批量发送"},
    {"节日问候", "email", "{{contact.name}}，行健动力恭祝您新春快乐",
     "{{contact.name}}您好：\n\n感谢{{account.name}}一年来对行健动力的信任与支持。值此新春佳节，谨代表公司全体同仁向您和家人致以诚挚的祝福！\n\n"
     "{{user.name}} 敬上",
     "春节、中秋等节日批量问候客户"},
    {"报价跟进提醒", "sms", NULL,
     "【行健动力】{{contact.name}}您好，我们上周发送的报价单已为您保留优惠至月底，如有疑问请致电 {{user.mobile}}（{{user.name}}）。",
     "报价发出一周后的短信跟进"},
    {"发货通知", "sms", NULL, "【行健动力】{{contact.name}}您好，{{account.name}}订购的设备已发货，预计 3 个工作日内送达，请注意查收。",
     "订单发货后通知收货联系人"},
    {"合作感谢信", "letter", "致{{account.name}}的感谢信",
     "{{account.name}}：\n\n承蒙贵公司长期以来的信任与合作，行健动力全体员工深表感谢。我们将一如既往地提供优质的产品和服务。\n\n此致\n敬礼！\n\n"
     "行健动力 {{user.name}}",
     "年终寄送给重点客户的纸质信函"},
};

static int demo_templates(entity_ctx *c, err *e)
{
    for (size_t k = 0; k < N(TEMPLATES); k++) {
        json_t *b = json_pack("{s:s,s:s,s:s,s:s}", "name", TEMPLATES[k].name, "channel", TEMPLATES[k].channel, "body",
                              TEMPLATES[k].body, "description", TEMPLATES[k].description);
        if (TEMPLATES[k].subject) json_object_set_new(b, "subject", json_string(TEMPLATES[k].subject));
        int64_t id;
        if (demo_create(c, "comm_templates", b, &id, e)) return -1;
    }
    return 0;
}

int demo_office(entity_ctx *c, err *e)
{
    if (demo_knowledge(c, e) || demo_templates(c, e)) return -1;
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
