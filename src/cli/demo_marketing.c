/* demo_marketing.c - the 市场管理 part of `--demo`: the competitors a
 * software and hardware reseller in Jiangsu meets, with what sales knows
 * about them, named on the demo's opportunities so 竞争对手胜负分析 has
 * won and lost deals to show. Through the records engine, as the
 * administrator. */
#include <stdio.h>
#include <string.h>

#include "../entity/entity.h"
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

int demo_marketing(entity_ctx *c, err *e)
{
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
