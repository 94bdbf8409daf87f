/* service.h - 客户服务 rules metadata cannot say (issue 16): the service
 * clock of tickets (服务工单, tickets.json) on the company's working
 * calendar (工作日历, work_calendars.json), SLA rules (sla_rules.json),
 * assignment by queue (服务队列, service_queues.json), breach flags and
 * escalation to the owner's superior, the care follow-up after closing, and
 * the bell's service items. docs/service.md says the rules. */
#ifndef KEHU_SERVICE_H
#define KEHU_SERVICE_H

#include "../entity/entity.h"

/* Registers the hooks; call once at start-up. */
void service_init(void);

/* Marks the open tickets of the user's company whose deadlines have passed
 * (响应超期, 已超期) and escalates each newly breached one once to its
 * owner's superior (the parent of the owner's role on the role tree). */
int service_sweep(entity_ctx *c, err *e);

/* The sweep of every company that has a ticket to flag or escalate: a
 * job of the server's worker (server_jobs.c, every
 * KEHU_SLA_SWEEP_SECONDS), never of a request, so reading writes nothing.
 * -1 when the database failed. */
int service_sweep_all(db_conn *db);

/* The ticket queue: open tickets (新建, 处理中, 待客户确认) of queue_id (0:
 * every queue) by resolution deadline, as the list answers. `p`
 * carries q, limit and offset. */
int service_queue_list(entity_ctx *c, int64_t queue_id, list_params *p, strbuf *out, err *e);

/* Appends the bell's service items (reminder objects as GET /reminders
 * gives them) to `out`, counting them in *n: the caller's open tickets
 * (and those escalated to them) whose next deadline is before `until`
 * (kind sla_breach when past, sla_due otherwise), and 客户关怀 dates:
 * contacts' birthdays within the days up to `until` (kind birthday). */
int service_reminders(entity_ctx *c, const char *until, strbuf *out, int *n, err *e);

#endif
