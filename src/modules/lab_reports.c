/* lab_reports.c - see lab_reports.h. */
#include "lab_reports.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../auth/session.h"
#include "../entity/hooks.h"
#include "../entity/meta_load.h"
#include "../util/clock.h"
#include "experiments.h"
#include "grades.h"

#define CONCLUSION_MAX_CHARS 20000 /* a few pages of 实验总结 */
#define SCORE_MAX 100

/* ---- record rules ---- */

static int server_writes(entity_ctx *c, hook_change *ch, err *e)
{
    (void)ch;
    if (c->trusted) return 0;
    return err_set(e, 403, "forbidden", "实验报告由学生在「我的实验」中撰写和提交",
                   "Students write and hand in reports on their experiments page");
}

static int score_range(entity_ctx *c, hook_change *ch, err *e)
{
    (void)c;
    if (!hook_changed(ch, "score") || hook_value(ch, "score")->kind == SV_NULL) return 0;
    int64_t score = hook_int(ch, "score", -1);
    if (score >= 0 && score <= SCORE_MAX) return 0;
    err_add_field(e, "score", "out_of_range");
    return err_set(e, 422, "validation_failed", "成绩须在 0 到 100 之间", "The score is from 0 to 100");
}

void lab_reports_init(void)
{
    entity_before("lab_reports", ON_CREATE | ON_DELETE, server_writes);
    entity_before("lab_reports", ON_WRITE, score_range);
    grades_init();
}

/* ---- the report's text ---- */

/* "2026-12-03T09:41:00Z" as Beijing time "2026-12-03 17:41". */
static void china_time(const char *iso, char out[20])
{
    time_t t;
    struct tm tm;
    *out = '\0';
    if (!iso || iso_parse(iso, &t)) return;
    t += CHINA_OFFSET_SECONDS;
    gmtime_r(&t, &tm);
    strftime(out, 20, "%Y-%m-%d %H:%M", &tm);
}

static void numbered(strbuf *b, const json_t *lines)
{
    size_t i;
    json_t *v;
    json_array_foreach(lines, i, v) sb_printf(b, "%s%d. %s", i ? "\n" : "", (int)i + 1, json_string_value(v));
}

/* 实验步骤与结果: each step, done or why not, and the records that count. */
static void result_text(strbuf *b, const json_t *steps)
{
    size_t i;
    json_t *s;
    json_array_foreach(steps, i, s) {
        const char *state = json_string_value(json_object_get(s, "state"));
        sb_printf(b, "%s%d. %s —— ", i ? "\n" : "", (int)i + 1, json_string_value(json_object_get(s, "title")));
        if (strcmp(state, "done") == 0) {
            char at[20];
            china_time(json_string_value(json_object_get(s, "done_at")), at);
            sb_printf(b, "已完成（%s）", at);
        } else {
            sb_printf(b, "未完成：%s", json_string_value(json_object_get(s, "why")));
        }
        const json_t *records = json_object_get(s, "records");
        size_t k;
        json_t *r;
        json_array_foreach(records, k, r) sb_printf(b, "%s%s", k ? "、" : "\n   ", json_string_value(json_object_get(r, "name")));
    }
}

static int steps_done(const json_t *steps)
{
    int done = 0;
    size_t i;
    json_t *s;
    json_array_foreach(steps, i, s) done += strcmp(json_string_value(json_object_get(s, "state")), "done") == 0;
    return done;
}

/* ---- the student's one report of an assignment ---- */

/* The report of w's student on w's assignment as the server reads it, or
 * NULL (none yet or an error: e says which). */
static json_t *find_report(entity_ctx *c, const student_work_t *w, err *e)
{
    entity_ctx sys = experiments_server_ctx(c);
    char filter[160];
    snprintf(filter, sizeof filter,
             "{\"and\":[{\"field\":\"assignment_id\",\"op\":\"eq\",\"value\":%lld},"
             "{\"field\":\"student_id\",\"op\":\"eq\",\"value\":%lld}]}",
             (long long)json_integer_value(json_object_get(w->assignment, "id")),
             (long long)json_integer_value(json_object_get(w->student, "id")));
    list_params p = {.filter = filter, .limit = 1};
    strbuf page = STRBUF_INIT;
    int rc = entity_list(&sys, meta_entity(sys.m, "lab_reports"), &p, &page, e);
    json_t *j = rc ? NULL : json_loads(sb_str(&page), 0, NULL);
    sb_free(&page);
    json_t *r = json_incref(json_array_get(json_object_get(j, "items"), 0));
    json_decref(j);
    return r;
}

static int assignment_open(const json_t *a)
{
    char now[ISO_TIME_LEN];
    iso_now(now);
    const char *opens = json_string_value(json_object_get(a, "opens_at"));
    const char *closes = json_string_value(json_object_get(a, "closes_at"));
    return opens && closes && strcmp(opens, now) <= 0 && strcmp(now, closes) < 0;
}

static void answer(const student_work_t *w, const json_t *report, strbuf *out)
{
    json_t *j = json_pack("{s:O,s:b,s:O,s:O,s:i,s:i,s:O}", "assignment", w->assignment, "open",
                          assignment_open(w->assignment), "experiment", w->experiment, "steps", w->steps, "done",
                          steps_done(w->steps), "total", (int)json_array_size(w->steps), "report",
                          report ? (json_t *)report : json_null());
    char *text = json_dumps(j, JSON_COMPACT);
    sb_append(out, text);
    free(text);
    json_decref(j);
}

int lab_report_mine(entity_ctx *c, int64_t assignment_id, strbuf *out, err *e)
{
    student_work_t w;
    if (student_work(c, assignment_id, &w, e)) return -1;
    err_clear(e);
    json_t *report = find_report(c, &w, e);
    int rc = report || !e->status ? 0 : -1;
    if (!rc) answer(&w, report, out);
    json_decref(report);
    student_work_free(&w);
    return rc;
}

/* The report's fields as the student's records stand now. */
static json_t *report_fields(const student_work_t *w, const char *conclusion, int submit)
{
    const json_t *x = w->experiment;
    strbuf objectives = STRBUF_INIT, result = STRBUF_INIT;
    numbered(&objectives, json_object_get(x, "objectives"));
    result_text(&result, w->steps);
    char done[32];
    snprintf(done, sizeof done, "%d / %d", steps_done(w->steps), (int)json_array_size(w->steps));
    json_t *f = json_pack("{s:O,s:O,s:O,s:O,s:O,s:s,s:O,s:s,s:s,s:s}", "title", json_object_get(w->assignment, "title"),
                          "student_no", json_object_get(w->student, "student_no"), "student_id",
                          json_object_get(w->student, "id"), "class_id", json_object_get(w->assignment, "class_id"),
                          "assignment_id", json_object_get(w->assignment, "id"), "objectives", sb_str(&objectives),
                          "scenario", json_object_get(x, "scenario"), "result", sb_str(&result), "steps_done", done,
                          "conclusion", conclusion);
    sb_free(&objectives);
    sb_free(&result);
    if (submit) {
        char now[ISO_TIME_LEN];
        iso_now(now);
        json_object_set_new(f, "status", json_string("submitted"));
        json_object_set_new(f, "submitted_at", json_string(now));
    }
    return f;
}

static int check_body(const json_t *body, const char **conclusion, int *submit, err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v)
        if (strcmp(key, "conclusion") != 0 && strcmp(key, "submit") != 0) err_add_field(e, key, "unknown");
    v = json_object_get(body, "conclusion");
    if (v && !json_is_string(v) && !json_is_null(v)) err_add_field(e, "conclusion", "invalid_type");
    else if (v && json_is_string(v) && json_string_length(v) > CONCLUSION_MAX_CHARS * 4) err_add_field(e, "conclusion", "too_long");
    *conclusion = json_is_string(v) ? json_string_value(v) : "";
    v = json_object_get(body, "submit");
    if (v && !json_is_boolean(v)) err_add_field(e, "submit", "invalid_type");
    *submit = json_is_true(v);
    if (*submit && !e->nfields && !**conclusion) err_add_field(e, "conclusion", "required");
    if (!e->nfields) return 0;
    return err_set(e, 422, "validation_failed", "实验报告有误：提交前请写好实验总结",
                   "Invalid report: write the conclusion before handing it in");
}

/* The report is written as the teacher who set the assignment (its
 * owner, in their company), by the server: the student has no right there. */
static int write_report(entity_ctx *c, const student_work_t *w, const json_t *report, json_t *fields, err *e)
{
    auth_user teacher;
    if (user_load(c->db, json_integer_value(json_object_get(w->assignment, "owner_id")), c->a, &teacher, e)) return -1;
    entity_ctx tc = {.db = c->db, .a = c->a, .m = meta_for_company(c->db, teacher.company_id), .user = &teacher,
                     .lang = "zh", .trusted = 1};
    const entity_def *ent = meta_entity(tc.m, "lab_reports");
    int64_t id = json_integer_value(json_object_get(report, "id"));
    if (!report) return entity_create(&tc, ent, fields, &id, e);
    return entity_update(&tc, ent, id, fields, 0, e);
}

int lab_report_save(entity_ctx *c, int64_t assignment_id, const json_t *body, strbuf *out, err *e)
{
    const char *conclusion;
    int submit;
    if (check_body(body, &conclusion, &submit, e)) return -1;
    student_work_t w;
    if (student_work(c, assignment_id, &w, e)) return -1;
    json_t *report = find_report(c, &w, e);
    const char *status = report ? json_string_value(json_object_get(report, "status")) : "draft";
    int rc = !report && e->status ? -1 : 0;
    if (rc == 0 && strcmp(status, "submitted") == 0)
        rc = err_set(e, 409, "already_submitted", "报告已提交，等待教师评阅", "The report was handed in and awaits grading");
    else if (rc == 0 && strcmp(status, "graded") == 0)
        rc = err_set(e, 409, "already_graded", "报告已评分，不能再修改", "The report is graded and cannot change");
    else if (rc == 0 && strcmp(status, "returned") != 0 && !assignment_open(w.assignment))
        rc = err_set(e, 409, "assignment_closed", "实验任务未开放或已截止", "The assignment is not open");
    json_t *fields = rc ? NULL : report_fields(&w, conclusion, submit);
    if (rc == 0) rc = write_report(c, &w, report, fields, e);
    json_decref(fields);
    json_decref(report);
    if (rc == 0) {
        report = find_report(c, &w, e);
        answer(&w, report, out);
        json_decref(report);
    }
    student_work_free(&w);
    return rc;
}
