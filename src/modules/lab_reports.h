/* lab_reports.h - 实验报告: a student's report on an assignment, written
 * from what they actually did. A report is a record (metadata/entities/
 * lab_reports.json) in the teacher's company, owned by the teacher who set
 * the assignment, so the teacher lists, grades (actions 评分 and 退回修改),
 * exports (grades to Excel: GET /lab_reports/export?format=xlsx with a
 * class filter) and prints it (PDF) like any record, and sees only their
 * own. The student never reads the entity: they read and write their one
 * report of an assignment through the two functions below, which the
 * server runs for them in the teacher's company. */
#ifndef KEHU_LAB_REPORTS_H
#define KEHU_LAB_REPORTS_H

#include <jansson.h>

#include "../entity/entity.h"
#include "../util/strbuf.h"

/* Registers the record rules (only the server writes a report; a score is
 * 0 to 100); call once at start-up. */
void lab_reports_init(void);

/* {"assignment","open","experiment","steps":[step + "records"],"done","total","report": record or null}:
 * the signed-in student's report on assignment_id, the steps as they stand
 * now with the records that count. 404 for anyone not of the class. */
int lab_report_mine(entity_ctx *c, int64_t assignment_id, strbuf *out, err *e);
/* Saves the student's 实验总结 ({"conclusion", "submit"}) with the report
 * written from their records now; "submit": true hands it in (the
 * conclusion then required). A report handed in or graded is not changed
 * (409) until the teacher returns it; nothing is saved while the
 * assignment is not open, except a returned report. Answers as
 * lab_report_mine. */
int lab_report_save(entity_ctx *c, int64_t assignment_id, const json_t *body, strbuf *out, err *e);

#endif
