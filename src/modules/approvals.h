/* approvals.h - 业务审批: approval flows as data (issue 12, item 11).
 *
 * A flow (entity approval_flows, edited by a company's administrator)
 * names the entity it applies to, a condition in the list API's filter
 * language and ordered steps (approval_flow_steps: the submitter's
 * superior role, a named role or a named user). An entity takes part by
 * naming the handlers below on its actions:
 *   approval_submit   - the first flow whose condition holds starts a
 *                       request (approval_requests) and the record moves
 *                       to the action's `to` (待审批, a locked state); no
 *                       flow: straight to the approve action's `to`;
 *   approval_approve  - the current step's approver (never the
 *                       submitter) passes the step; the last step moves
 *                       the record to the action's `to` (已审批);
 *   approval_reject   - the same approver, with a comment: `to` (草稿);
 *   approval_withdraw - the submitter takes the request back: `to`.
 * Every decision is a line of the record's history (action "approval").
 * docs/engine.md "Approvals" tells the whole. */
#ifndef KEHU_APPROVALS_H
#define KEHU_APPROVALS_H

#include "../entity/entity.h"

/* Registers the action handlers and the entity hooks; once at start-up. */
void approvals_init(void);

/* The pending requests the user may decide now (their user or role is
 * the current step's approver, and they did not submit it), as the list
 * API answers: {"items":[...],"total":N}. */
int approvals_inbox(entity_ctx *c, int64_t limit, int64_t offset, strbuf *out, err *e);
/* The same for one entity's requests (entity NULL: every entity). */
int approvals_inbox_of(entity_ctx *c, const char *entity, int64_t limit, int64_t offset, strbuf *out, err *e);

/* A flow the entity always has when no flow record of the company
 * applies: {"name": ..., "steps": [{"kind": "superior"}, ...]} (JSON
 * text). 投稿 goes to the submitter's superior without an administrator
 * first writing a flow; a flow record for the entity still wins. Once at
 * start-up. */
void approvals_builtin_flow(const char *entity, const char *flow_json);

#endif
