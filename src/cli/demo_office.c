/* demo_office.c - the 办公协作 part of `--demo`: the 公告栏 of a small
 * company (a holiday notice to everyone, the sales team's incentive plan
 * to 销售部, a draft), published through the declared action so the team
 * has read receipts to show. */
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

int demo_office(entity_ctx *c, err *e)
{
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
