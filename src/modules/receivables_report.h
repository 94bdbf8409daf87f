/* receivables_report.h - the reports of the money owed and sold (issue 12,
 * items 4 and 14): 欠款查询 arrears, 订单账目 order accounts, sales by
 * product, customer, salesperson and month, and receivables ageing (账龄).
 * Each fills a report_table (src/entity/report_table.h) the API serves as
 * JSON or as an Excel or CSV file.
 *
 * What counts: orders that are approved or later and not cancelled
 * (已审批, 执行中, 已发货, 已完成), live, and that the user sees in the order
 * list (their own and their subordinates', or all with 查看全部); a user
 * for whom the order's 价税合计 is hidden gets 403. An order's date is its
 * 签订日期, or the day it was created when that is empty. Dates are
 * "YYYY-MM-DD" (checked by the caller); as_of NULL is today in Beijing. */
#ifndef KEHU_RECEIVABLES_REPORT_H
#define KEHU_RECEIVABLES_REPORT_H

#include "../entity/report_table.h"

/* Sales (销售统计) by "product" (quantity and amounts of the order lines),
 * "customer", "owner" (销售员) or "month" (of the order date), within
 * from..to (inclusive, either may be NULL); largest first, months in order. */
int report_sales(entity_ctx *c, const char *by, const char *from, const char *to, report_table *t, err *e);

/* Receivables ageing (应收账龄) on as_of, by "customer" or "owner": what is
 * outstanding in 未到期, 0-30, 31-60, 61-90 and over 90 days. An order with
 * a collection plan is aged by each instalment's 未收金额 from its due date;
 * one without a plan by its 未收款 from the order date. */
int report_ageing(entity_ctx *c, const char *by, const char *as_of, report_table *t, err *e);

/* Arrears (欠款查询) on as_of: the instalments due before that day with
 * money outstanding, one row each ("instalment", with 逾期天数), or summed
 * by "customer" or "owner" (count, earliest due date, outstanding). */
int report_arrears(entity_ctx *c, const char *by, const char *as_of, report_table *t, err *e);

/* Order accounts (订单账目): each order of the period (order date from..to)
 * with its customer, salesperson, 价税合计, 计划回款, 已收款 and 未收款, and
 * their totals; owner_id / account_id (0: any) narrow it. */
int report_order_accounts(entity_ctx *c, const char *from, const char *to, int64_t owner_id, int64_t account_id,
                          report_table *t, err *e);

/* 1 when s is a real date "YYYY-MM-DD" (2026-02-30 is not). */
int report_valid_date(const char *s);

#endif
