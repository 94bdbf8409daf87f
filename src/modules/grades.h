/* grades.h - grading an assignment's lab reports by a rubric (评分标准) and
 * the class's grade sheet (成绩单) of an assignment.
 *
 * An assignment's rubric is its `rubric` field, [{"key","name","max"}]
 * whose maxima add up to 100; without one, every step of the experiment is
 * a criterion (per-step points: 100 shared out among the steps). The
 * teacher grades a handed-in report with the action 按评分标准评分
 * (grade_rubric, body {"points": {key: n}, "comment"}): each criterion's
 * points from 0 to its maximum, the score their sum, kept in the report's
 * `points`. The one-score action 评分 clears the points.
 *
 * The grade sheet lists every student of the class with their report's
 * state (not_handed_in, handed_in, returned, accepted), score, points and
 * comment, as JSON or as an .xlsx / CSV file. */
#ifndef KEHU_GRADES_H
#define KEHU_GRADES_H

#include "../entity/entity.h"
#include "../entity/report_table.h"
#include "../util/strbuf.h"

/* Registers the rubric rule and the grade_rubric action; once at start-up. */
void grades_init(void);

/* The grade sheet of assignment id as the teacher sees it (404 for anyone
 * else): with t NULL, JSON {"assignment","experiment","rubric","students":
 * [{id, student_no, name, group_name, report_id, status, state, steps_done,
 * score, points, comment}],"total"} into out; with t, the same as a table to
 * export (t is initialised here). */
int assignment_grades(entity_ctx *c, int64_t id, report_table *t, strbuf *out, err *e);

/* The class's grade sheet across its experiments (全班成绩单) as the
 * teacher sees it (their own class, else 404), as a report table (t,
 * initialised here), served as JSON and exported like every report: a row
 * per student (学号, 姓名, 小组), a column "a<assignment id>" per assignment
 * of the class (oldest first, headed by its title) with the grade of the
 * student's accepted (已评分) report, and 平均分 (average), the student's
 * mean over what is graded; the total row is 全班平均 (each assignment's
 * mean, and the mean of every grade). *head (when head is not NULL; a new
 * reference): {"class":{id,name},"assignments":[{id, title, experiment,
 * opens_at, graded, column}]}, what the JSON answer adds to the table. */
int class_grades(entity_ctx *c, int64_t class_id, report_table *t, json_t **head, err *e);

#endif
