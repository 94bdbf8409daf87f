/* teaching.h - the teaching platform (教学): teachers, classes (班级),
 * students and their sandboxes. Classes, students and assignments are
 * records (metadata/entities/classes.json, students.json,
 * assignments.json) owned by the teacher who made them; their sharing is
 * private, so a teacher sees only their own through the engine's access
 * predicates. What is not a plain record write lives here: who is a
 * teacher, the roster import that gives every student a sign-in (学号) and
 * a company of their own (a class "a company per student"), and the reset
 * of that company. Experiments and progress are experiments.h. */
#ifndef KEHU_TEACHING_H
#define KEHU_TEACHING_H

#include "../entity/entity.h"
#include "../util/strbuf.h"
#include "../util/table.h"

/* Registers the record rules and the 重置实验公司 action; call once at start-up. */
void teaching_init(void);

/* {"items":[{id, username, name, company_id}],"total":N}: the teachers.
 * Platform administrators only (403). */
int teaching_list_teachers(entity_ctx *c, strbuf *out, err *e);
/* Makes user_id a teacher (on = 1) or not; platform administrators only. */
int teaching_set_teacher(entity_ctx *c, int64_t user_id, int on, err *e);

/* Imports the roster t (学号, 姓名, 班级, 小组; the header row is found by
 * its 学号 and 姓名 cells, other columns are ignored) into class_id: each
 * new student gets a user named by the 学号 with a generated password to
 * change at the first sign-in, a company of their own which they
 * administer (in a class run as one shared company: an ordinary user of
 * that company, positions.h), and a students record. Students already in the class are
 * skipped. All or nothing: a bad row is 422 naming each bad row. Answers
 * {"created","skipped","students":[{..., "password"}],"skipped_rows":[...]}:
 * the passwords are said this once. */
int teaching_import_students(entity_ctx *c, int64_t class_id, const data_table *t, strbuf *out, err *e);

/* Who the signed-in user is to the teaching platform, for the menu and the
 * home page: "teacher" (a teacher), "admin" (a platform administrator),
 * "student" (named by a students record) or NULL (an ordinary CRM user,
 * who sees no 教学实验 at all). */
const char *teaching_role(entity_ctx *c);

#endif
