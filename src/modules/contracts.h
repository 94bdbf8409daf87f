/* contracts.h - 合同管理 (issue 12 item 10): contracts are metadata
 * (metadata/entities/contracts.json: parties, amount, dates, the states
 * 草稿 → 执行中 → 已到期 / 已终止, the linked order, 附件 like any record);
 * here the rules metadata cannot say, and the expiry reminder. */
#ifndef KEHU_CONTRACTS_H
#define KEHU_CONTRACTS_H

#include "../entity/entity.h"
#include "../util/strbuf.h"

/* 到期日期 not before 生效日期; 合同金额 not negative; the 客户签约人 and the
 * 关联订单 belong to the contract's 客户. */
void contracts_init(void);

/* 合同到期 in the bell: the caller's contracts in force (and their
 * subordinates') whose 到期日期 is within CONTRACT_NOTICE_DAYS of `today`
 * (YYYY-MM-DD) or past; due at the end of that day in Beijing. */
#define CONTRACT_NOTICE_DAYS 30
int contracts_reminders(entity_ctx *c, strbuf *out, int *n, err *e);

#endif
