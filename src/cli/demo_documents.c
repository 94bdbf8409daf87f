/* demo_documents.c - the 文档中心 part of `--demo`: each of the sales team
 * keeps folders of their own (李娜's 客户拜访记录 with her work records, shared
 * with 销售部; 张伟's 销售管理制度, shared with everyone; 王强's private 投标资料),
 * and 投稿: one document of 李娜's already published into 公共文档 by 张伟, one
 * waiting in his inbox. Everything is written as its author through the
 * engine, so owners, sharing and the approvals are what a user would make. */
#include <stdio.h>
#include <string.h>

#include "../auth/session.h"
#include "../entity/entity.h"
#include "../entity/entity_action.h"
#include "data.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const char *owner, *name, *share, *description; /* share: "department" 销售部, "all", NULL private */
} FOLDERS[] = {
    {"lina", "客户拜访记录", "department", "拜访纪要和每日工作记录"},
    {"zhangwei", "销售管理制度", "all", "销售部的制度、流程和模板，全体同事可查看"},
    {"wangqiang", "投标资料", NULL, "招标文件、投标书和报价底稿"},
};

static const struct {
    int folder; /* index in FOLDERS, -1: none */
    const char *title, *kind, *work_date, *keywords, *content, *submit; /* submit: NULL, "pending", "published" */
} DOCS[] = {
    {0, "南京华信电子拜访纪要", "text", NULL, "拜访 华信 打印机",
     "与采购部刘经理会谈，对方计划下季度更换 40 台办公打印机，关注售后响应速度。下周提交初步方案。", NULL},
    {0, "工作记录 2026-06-02", "work_record", "2026-06-02", "工作记录",
     "上午电话回访 3 家老客户；下午拜访苏州明达机械，演示 CRM 标准版；整理报价单 BJ-000012。", NULL},
    {0, "大客户拜访经验总结", "text", NULL, "大客户 拜访 经验",
     "一、先约采购，再见技术；二、第一次拜访只听不推；三、会后 24 小时内发纪要并约下次时间。", "published"},
    {0, "华东区季度市场分析", "text", NULL, "华东 市场 分析",
     "华东区本季度新增线索 126 条，转化率 18%；制造业客户占比上升，需加强行业方案。", "pending"},
    {1, "销售合同审批流程说明", "text", NULL, "合同 审批 流程",
     "合同金额 10 万元以下由销售经理审批，10 万元以上报总经理审批；特殊折扣需附申请说明。", NULL},
    {1, "客户拜访纪要模板", "text", NULL, "模板 拜访纪要",
     "客户名称：\n拜访时间：\n参加人员：\n会谈要点：\n客户需求：\n下一步计划：", NULL},
    {2, "市政府办公设备采购项目招标文件解读", "text", NULL, "招标 政府采购",
     "投标截止 7 月 15 日；资格要求：注册资本 500 万元以上，近三年同类业绩不少于 3 项；评分办法为综合评分法。", NULL},
};

/* The demo user's context (their role and department decide the sharing and the superior). */
static int as_user(entity_ctx *admin, const char *username, auth_user *u, entity_ctx *c, err *e)
{
    int64_t id = 0;
    const char *params[] = {username};
    if (db_query_int64(admin->db, "SELECT id FROM users WHERE username = ? AND deleted_at IS NULL", &id, e, 1, params) < 0 ||
        user_load(admin->db, id, admin->a, u, e))
        return -1;
    *c = *admin;
    c->user = u;
    return 0;
}

static int run_action(entity_ctx *c, int64_t id, const char *name, err *e)
{
    json_t *none = json_object(), *out = NULL;
    int rc = entity_action_run(c, meta_entity(c->m, "documents"), id, name, none, 0, &out, e);
    json_decref(none);
    json_decref(out);
    return rc;
}

static json_t *shares_of(entity_ctx *admin, const char *share, err *e)
{
    if (!share) return json_array();
    if (strcmp(share, "all") == 0) return json_pack("[{s:s}]", "share_with", "all");
    int64_t sales = 0;
    const char *params[] = {"XS"};
    if (db_query_int64(admin->db, "SELECT id FROM departments WHERE code = ? AND deleted_at IS NULL", &sales, e, 1, params) < 0)
        return NULL;
    return json_pack("[{s:s,s:I}]", "share_with", "department", "department_id", (json_int_t)sales);
}

int demo_documents(entity_ctx *admin, err *e)
{
    int64_t folder_ids[N(FOLDERS)];
    for (size_t k = 0; k < N(FOLDERS); k++) {
        auth_user u;
        entity_ctx c;
        json_t *shares = as_user(admin, FOLDERS[k].owner, &u, &c, e) ? NULL : shares_of(admin, FOLDERS[k].share, e);
        if (!shares) return -1;
        if (demo_create(&c, "doc_folders",
                        json_pack("{s:s,s:s,s:o}", "name", FOLDERS[k].name, "description", FOLDERS[k].description, "shares", shares),
                        &folder_ids[k], e))
            return -1;
    }
    for (size_t k = 0; k < N(DOCS); k++) {
        auth_user u, boss;
        entity_ctx c, approver;
        if (as_user(admin, FOLDERS[DOCS[k].folder].owner, &u, &c, e)) return -1;
        json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:I}", "title", DOCS[k].title, "kind", DOCS[k].kind, "keywords", DOCS[k].keywords,
                              "content", DOCS[k].content, "folder_id", (json_int_t)folder_ids[DOCS[k].folder]);
        if (DOCS[k].work_date) json_object_set_new(b, "work_date", json_string(DOCS[k].work_date));
        int64_t id;
        if (demo_create(&c, "documents", b, &id, e)) return -1;
        if (!DOCS[k].submit) continue;
        if (run_action(&c, id, "submit", e)) return -1;
        if (strcmp(DOCS[k].submit, "published") == 0 &&
            (as_user(admin, "zhangwei", &boss, &approver, e) || run_action(&approver, id, "approve", e)))
            return -1;
    }
    return 0;
}
