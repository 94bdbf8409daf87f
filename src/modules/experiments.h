/* experiments.h - experiments (实验) as data and the progress of an
 * assignment. An experiment is a file experiments/<code>.json compiled
 * into the binary (like metadata): number, title, 情景 (scenario), 实验目标
 * (objectives), expected minutes and steps; each step has a declarative
 * check that is run as the student, against the student's own company,
 * through the engine's count and list (entity_count_for: a class at once),
 * so access control applies and nothing is counted that the student could
 * not see:
 *
 *   {"kind": "count",  "entity": "contacts", "filter": {...list filter...}, "min": 2, "what": "联系人"}
 *   {"kind": "state",  "entity": "opportunities", "field": "stage", "value": "won", "what": "销售机会"}
 *   {"kind": "config", "entity": "roles", "filter": {"field": "name", "op": "eq", "value": "售后服务员"},
 *    "what": "名为「售后服务员」的角色"}
 *
 * A count may name "each": {"entity", "link", "filter", "what"}: every such
 * parent record needs `min` matching records linked to it.
 * A step is done when at least `min` (default 1) records match; else the
 * answer says why in Chinese ("还差 1 个联系人：目前有 1 个，需要 2 个").
 * docs/teaching.md describes the format. */
#ifndef KEHU_EXPERIMENTS_H
#define KEHU_EXPERIMENTS_H

#include <jansson.h>

#include "../entity/entity.h"
#include "../util/strbuf.h"

/* Checks every embedded experiment against the metadata (known entities,
 * fields, options; filters that compile); start-up refuses a bad one. */
int experiments_check(const metadata *m, err *e);
/* The experiment with this code, or NULL. Read-only, shared by threads. */
const json_t *experiment_find(const char *code);
/* {"items":[{code, series, number, title, expected_minutes, steps}],"total"}:
 * the teacher's own experiments (custom_experiments.h), then the shipped. */
int experiments_list_json(entity_ctx *c, strbuf *out, err *e);
/* The experiment code names as c may read it: a shipped one (borrowed,
 * *owned NULL) or a teacher's own (*owned, to release). NULL with 404. */
const json_t *experiment_resolve(entity_ctx *c, const char *code, json_t **owned, err *e);
/* The whole experiment; 404 when unknown. */
int experiment_json(entity_ctx *c, const char *code, strbuf *out, err *e);
/* Checks x (title, steps) as start-up checks a shipped file, against m;
 * 422 naming the step and what is wrong in it. */
int experiment_validate(const metadata *m, const json_t *x, err *e);
/* 试做检查: the steps of body.experiment (as the editor holds it, saved or
 * not) checked as body.student_id (a students record c reads: a student of
 * one of the teacher's classes, else 404) would be checked on an
 * assignment: {"student":{id,student_no,name},"steps":[...],"done","total"}. */
int experiment_try(entity_ctx *c, const json_t *body, strbuf *out, err *e);

/* The class × step matrix of an assignment the teacher sees (404
 * otherwise): per student and step the state (not_started, in_progress,
 * done), the count against the need, when it was done, why not yet and the
 * time it took; per student the step they are on; the class's average time
 * per step and who has been on a step longest. One grouped count per step
 * for the whole class (entity_count_for). */
int assignment_progress(entity_ctx *c, int64_t assignment_id, strbuf *out, err *e);
/* The same steps for the signed-in student of the assignment's class,
 * with the experiment itself and their first look (opened_at); 404 for
 * anyone else. Reads only. */
int assignment_my_progress(entity_ctx *c, int64_t assignment_id, strbuf *out, err *e);
/* 开始实验: notes the signed-in student's first look at an open assignment
 * (assignment_opens), where their time starts; {"opened_at"}. Idempotent:
 * a later call answers the first look. 409 not_open when the assignment is
 * not open and was never opened; 404 for anyone not a student of the class. */
int assignment_start(entity_ctx *c, int64_t assignment_id, strbuf *out, err *e);
/* The steps of the signed-in student's assignment that a record of entity
 * (as they see it: 404 otherwise) is checked by, for the record page: each
 * step as my-progress answers it, with "role" ("record": the step counts
 * records of this entity; "parent": the record is an "each" check's
 * parent), "counts" (whether this record counts) and "record_why" (when
 * not: what it lacks, from the step's own check narrowed to the record).
 * {"record":{entity,id,name},"steps":[...],"total":n}. */
int assignment_my_record(entity_ctx *c, int64_t assignment_id, const char *entity, int64_t record_id, strbuf *out,
                         err *e);

/* {"items":[{"assignment","open","experiment":{summary},"steps","done","total"}],"total"}:
 * the assignments of every class the signed-in user is a student of, the
 * latest first, each with the student's steps. */
int assignments_mine(entity_ctx *c, strbuf *out, err *e);
/* 1 when the signed-in user is a student of some class (a students record
 * names them), 0 when not, -1 on error. */
int teaching_is_student(entity_ctx *c, err *e);

/* The items of a list of entity as c sees it (a new reference), NULL on
 * error; the teaching modules read classes, students and reports so. */
json_t *teaching_list(entity_ctx *c, const char *entity, const char *filter, const char *sort, int64_t limit, err *e);

/* c as the server, which reads every company (the teacher's assignments
 * for their students): the current metadata, a system user. */
entity_ctx experiments_server_ctx(const entity_ctx *c);

/* What the signed-in student did on an assignment of their class: the
 * assignment (read by the server, in the teacher's company), its
 * experiment, the student's students record, and every step evaluated as
 * the student with "records": [{entity, id, name}] (those that count, the
 * first few). 404 for anyone who is not a student of the class. */
typedef struct student_work_t {
    json_t *assignment;
    const json_t *experiment;
    json_t *student;
    json_t *steps;
    json_t *owned; /* the experiment when it is a teacher's own */
} student_work_t;
int student_work(entity_ctx *c, int64_t assignment_id, student_work_t *w, err *e);
void student_work_free(student_work_t *w);

#endif
