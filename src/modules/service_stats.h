/* service_stats.h - 服务统计: tickets by category, channel, priority,
 * kind, agent or month over a period, with SLA met rates and average
 * satisfaction, as a report table (src/entity/report_table.h). */
#ifndef KEHU_SERVICE_STATS_H
#define KEHU_SERVICE_STATS_H

#include "../entity/report_table.h"

/* by: category | channel | priority | kind | owner | month (400
 * otherwise); from / to: days of 受理时间, either may be NULL. 403 without
 * the view right on tickets. */
int report_service(entity_ctx *c, const char *by, const char *from, const char *to, report_table *t, err *e);

#endif
