/* cost_report.h - 费用管理 and 成本分析 (issue 12 item 10, SPEC §6).
 *
 * Expenses (metadata/entities/expenses.json) are charged to an opportunity,
 * a campaign, a ticket or an order, and count once approved (the approval
 * actions of docs/engine.md "Approvals"; a campaign's 实际费用 is the sum of
 * its approved expenses, a computed field). Here the rules metadata cannot
 * say, and the cost analysis report.
 *
 * 成本分析 by
 *   "type"        费用类型: number and amount of approved expenses;
 *   "opportunity" 销售机会: 赢单金额 (its amount when won), 费用, 扣除费用后;
 *   "campaign"    市场活动: 赢单金额 of the deals it sourced, 费用, 扣除费用后;
 *   "customer" / "owner" (销售员): 订单收入 (不含税 subtotal of the orders
 *                 approved or later, as the sales report counts them),
 *                 产品成本 (Σ quantity × the product's 成本价, to the 分),
 *                 费用, 毛利 = 收入 − 产品成本 − 费用, 毛利率 (% of 收入).
 * Expenses by 发生日期 and orders by order date within from..to; only the
 * expenses and orders the user's lists show. Amounts are exact 分. */
#ifndef KEHU_COST_REPORT_H
#define KEHU_COST_REPORT_H

#include "../entity/report_table.h"

void expenses_init(void);
int report_cost(entity_ctx *c, const char *by, const char *from, const char *to, report_table *t, err *e);

#endif
