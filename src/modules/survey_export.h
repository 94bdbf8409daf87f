/* survey_export.h - the statistics of a survey as a report table, which
 * GET /api/v1/surveys/{id}/statistics?format=xlsx|csv exports. */
#ifndef KEHU_SURVEY_EXPORT_H
#define KEHU_SURVEY_EXPORT_H

#include "../entity/report_table.h"

/* 404 when the survey is not visible. */
int surveys_statistics_table(entity_ctx *c, int64_t id, report_table *t, err *e);

#endif
