/* grades.c - see grades.h. */
#include "grades.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../entity/entity_action.h"
#include "../entity/hooks.h"
#include "experiments.h"

#define RUBRIC_MAX_CRITERIA 50 /* a step each, at most */
#define FULL_MARKS 100
#define CLASS_MAX_STUDENTS 1000

/* ---- the rubric ---- */

/* Per-step points: 100 shared out among the steps, the first ones taking
 * what does not divide (3 steps: 34, 33, 33). */
static json_t *steps_rubric(const json_t *x)
{
    const json_t *steps = json_object_get(x, "steps");
    size_t n = json_array_size(steps);
    json_t *r = json_array();
    for (size_t i = 0; i < n; i++) {
        const json_t *s = json_array_get(steps, i);
        json_int_t max = FULL_MARKS / (json_int_t)n + ((json_int_t)i < FULL_MARKS % (json_int_t)n);
        json_array_append_new(r, json_pack("{s:O,s:O,s:I}", "key", json_object_get(s, "key"), "name",
                                           json_object_get(s, "title"), "max", max));
    }
    return r;
}

/* The assignment's rubric, or the experiment's steps; a new reference. */
static json_t *rubric_of(const json_t *assignment, const json_t *x)
{
    const json_t *own = json_object_get(assignment, "rubric");
    if (json_is_array(own) && json_array_size(own)) return json_incref((json_t *)own);
    return steps_rubric(x);
}

static int bad_rubric(err *e, const char *zh, const char *en)
{
    err_add_field(e, "rubric", "invalid");
    return err_setf(e, 422, "validation_failed", "评分标准有误：%s%.0s", "Invalid rubric: %.0s%s", zh, en);
}

/* A rubric: criteria with a key used once, a name and a maximum of at least
 * 1, adding up to 100, so a score stays 0 to 100 like the one-score grade. */
static int rubric_valid(entity_ctx *c, hook_change *ch, err *e)
{
    (void)c;
    const char *text = hook_text(ch, "rubric");
    if (!hook_changed(ch, "rubric") || !text || strcmp(text, "null") == 0 || strcmp(text, "[]") == 0) return 0;
    json_t *r = json_loads(text, 0, NULL);
    int rc = 0;
    json_int_t sum = 0;
    if (!json_is_array(r) || json_array_size(r) > RUBRIC_MAX_CRITERIA)
        rc = bad_rubric(e, "须为评分项的列表（最多 50 项）", "a list of at most 50 criteria");
    for (size_t i = 0; rc == 0 && i < json_array_size(r); i++) {
        const json_t *k = json_array_get(r, i), *max = json_object_get(k, "max");
        const char *key = json_string_value(json_object_get(k, "key"));
        const char *name = json_string_value(json_object_get(k, "name"));
        if (!key || !*key || !name || !*name || !json_is_integer(max) || json_integer_value(max) < 1)
            rc = bad_rubric(e, "每一项须有标识、名称和不小于 1 的满分", "each criterion needs a key, a name and a maximum of at least 1");
        for (size_t j = 0; rc == 0 && j < i; j++)
            if (strcmp(key, json_string_value(json_object_get(json_array_get(r, j), "key"))) == 0)
                rc = bad_rubric(e, "评分项标识重复", "a key used twice");
        sum += json_integer_value(max);
    }
    if (rc == 0 && sum != FULL_MARKS) rc = bad_rubric(e, "各项满分之和须为 100 分", "the maxima must add up to 100");
    json_decref(r);
    return rc;
}

/* The assignment (as c reads it: the teacher's own), its experiment (read
 * as the server: a teacher's own experiment too) and its rubric. */
static json_t *assignment_and_rubric(entity_ctx *c, int64_t id, json_t **x_owned, const json_t **x, json_t **rubric,
                                     err *e)
{
    strbuf text = STRBUF_INIT;
    int rc = entity_get(c, meta_entity(c->m, "assignments"), id, 0, &text, e);
    json_t *a = rc ? NULL : json_loads(sb_str(&text), 0, NULL);
    sb_free(&text);
    if (!a) return rc ? NULL : (err_set(e, 500, "internal_error", "读取实验任务失败", "Cannot read the assignment"), NULL);
    entity_ctx sys = experiments_server_ctx(c);
    *x = experiment_resolve(&sys, json_string_value(json_object_get(a, "experiment")), x_owned, e);
    if (!*x) {
        json_decref(a);
        return NULL;
    }
    *rubric = rubric_of(a, *x);
    return a;
}

/* ---- 按评分标准评分 ---- */

static int grade_rubric(entity_ctx *c, const entity_def *ent, const action_def *act, int64_t id, json_t *record,
                        json_t *body, json_t *changes, json_t *result, err *e)
{
    (void)ent, (void)act, (void)id, (void)result;
    json_t *owned = NULL, *rubric = NULL;
    const json_t *x;
    json_t *a = assignment_and_rubric(c, json_integer_value(json_object_get(record, "assignment_id")), &owned, &x,
                                      &rubric, e);
    if (!a) return -1;
    const json_t *given = json_object_get(body, "points");
    json_t *points = json_object();
    json_int_t score = 0;
    size_t i;
    json_t *k;
    json_array_foreach(rubric, i, k) {
        const char *key = json_string_value(json_object_get(k, "key"));
        const json_t *v = json_object_get(given, key);
        json_int_t max = json_integer_value(json_object_get(k, "max"));
        char field[96];
        snprintf(field, sizeof field, "points.%s", key);
        if (!json_is_integer(v)) err_add_field(e, field, "required");
        else if (json_integer_value(v) < 0 || json_integer_value(v) > max) err_add_field(e, field, "out_of_range");
        else {
            score += json_integer_value(v);
            json_object_set_new(points, key, json_integer(json_integer_value(v)));
        }
    }
    int rc = 0;
    if (e->nfields)
        rc = err_set(e, 422, "validation_failed", "请为每个评分项给出 0 到该项满分之间的分数",
                     "Give every criterion points from 0 to its maximum");
    else {
        json_object_set_new(changes, "points", points);
        points = NULL;
        json_object_set_new(changes, "score", json_integer(score));
    }
    json_decref(points);
    json_decref(rubric);
    json_decref(owned);
    json_decref(a);
    return rc;
}

/* ---- the grade sheet ---- */

/* A report's status as the grade sheet's state. */
static const char *state_of(const json_t *report)
{
    const char *status = json_string_value(json_object_get(report, "status"));
    if (!status || strcmp(status, "draft") == 0) return "not_handed_in";
    if (strcmp(status, "submitted") == 0) return "handed_in";
    if (strcmp(status, "returned") == 0) return "returned";
    return "accepted";
}

static const char *state_label(const char *state, int en)
{
    static const char *const L[][3] = {{"not_handed_in", "未提交", "Not handed in"},
                                       {"handed_in", "已提交", "Handed in"},
                                       {"returned", "退回修改", "Returned"},
                                       {"accepted", "已评分", "Accepted"}};
    for (size_t i = 0; i < sizeof L / sizeof L[0]; i++)
        if (strcmp(L[i][0], state) == 0) return L[i][en ? 2 : 1];
    return state;
}

/* One row per student of the class, with their report of this assignment. */
static json_t *sheet_rows(entity_ctx *c, const json_t *a, err *e)
{
    char filter[96];
    snprintf(filter, sizeof filter, "{\"field\":\"class_id\",\"op\":\"eq\",\"value\":%lld}",
             (long long)json_integer_value(json_object_get(a, "class_id")));
    json_t *students = teaching_list(c, "students", filter, "student_no", CLASS_MAX_STUDENTS, e);
    snprintf(filter, sizeof filter, "{\"field\":\"assignment_id\",\"op\":\"eq\",\"value\":%lld}",
             (long long)json_integer_value(json_object_get(a, "id")));
    json_t *reports = students ? teaching_list(c, "lab_reports", filter, "id", CLASS_MAX_STUDENTS, e) : NULL;
    json_t *rows = reports ? json_array() : NULL;
    size_t i, j;
    json_t *s, *r;
    json_array_foreach(rows ? students : NULL, i, s) {
        json_t *report = NULL;
        json_array_foreach(reports, j, r)
            if (json_equal(json_object_get(r, "student_id"), json_object_get(s, "id"))) report = r;
        json_t *row = json_pack("{s:O,s:O,s:O,s:O}", "id", json_object_get(s, "id"), "student_no",
                                json_object_get(s, "student_no"), "name", json_object_get(s, "name"), "group_name",
                                json_object_get(s, "group_name"));
        static const char *const from_report[] = {"status", "steps_done", "score", "points", "comment"};
        json_object_set_new(row, "report_id", report ? json_incref(json_object_get(report, "id")) : json_null());
        for (size_t k = 0; k < sizeof from_report / sizeof *from_report; k++) {
            json_t *v = report ? json_object_get(report, from_report[k]) : NULL;
            json_object_set_new(row, from_report[k], v ? json_incref(v) : json_null());
        }
        json_object_set_new(row, "state", json_string(state_of(report)));
        json_array_append_new(rows, row);
    }
    json_decref(students);
    json_decref(reports);
    return rows;
}

static const char *text_or_empty(const json_t *v)
{
    return json_is_string(v) ? json_string_value(v) : "";
}

/* 学号, 姓名, 小组, 状态, 完成步骤, a column per criterion, 成绩, 教师评语. */
static void sheet_table(entity_ctx *c, const json_t *rubric, const json_t *rows, report_table *t)
{
    static const rt_column HEAD[] = {{"student_no", "学号", "Student no.", RT_TEXT},
                                     {"name", "姓名", "Name", RT_TEXT},
                                     {"group_name", "小组", "Group", RT_TEXT},
                                     {"state", "状态", "State", RT_TEXT},
                                     {"steps_done", "完成步骤", "Steps done", RT_TEXT}};
    int nhead = (int)(sizeof HEAD / sizeof *HEAD), ncrit = (int)json_array_size(rubric), en = strcmp(c->lang, "en") == 0;
    rt_column *cols = arena_alloc(c->a, sizeof *cols * (size_t)(nhead + ncrit + 2));
    memcpy(cols, HEAD, sizeof HEAD);
    for (int k = 0; k < ncrit; k++) {
        const json_t *crit = json_array_get(rubric, (size_t)k);
        const char *name = json_string_value(json_object_get(crit, "name"));
        long long max = (long long)json_integer_value(json_object_get(crit, "max"));
        cols[nhead + k] = (rt_column){json_string_value(json_object_get(crit, "key")),
                                      arena_printf(c->a, "%s（%lld 分）", name, max),
                                      arena_printf(c->a, "%s (%lld)", name, max), RT_COUNT};
    }
    cols[nhead + ncrit] = (rt_column){"score", "成绩", "Score", RT_COUNT};
    cols[nhead + ncrit + 1] = (rt_column){"comment", "教师评语", "Comment", RT_TEXT};
    report_table_init(t, c->a, cols, nhead + ncrit + 2);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        rt_cell *cell = report_table_add(t, json_integer_value(json_object_get(row, "id")));
        for (int k = 0; k < nhead; k++)
            cell[k].s = k == 3 ? state_label(json_string_value(json_object_get(row, "state")), en)
                               : arena_strdup(c->a, text_or_empty(json_object_get(row, HEAD[k].key)));
        for (int k = 0; k < ncrit; k++) {
            const json_t *v = json_object_get(json_object_get(row, "points"), cols[nhead + k].key);
            cell[nhead + k].n = json_integer_value(v);
            cell[nhead + k].empty = !json_is_integer(v);
        }
        const json_t *score = json_object_get(row, "score");
        cell[nhead + ncrit].n = json_integer_value(score);
        cell[nhead + ncrit].empty = !json_is_integer(score);
        cell[nhead + ncrit + 1].s = arena_strdup(c->a, text_or_empty(json_object_get(row, "comment")));
    }
}

int assignment_grades(entity_ctx *c, int64_t id, report_table *t, strbuf *out, err *e)
{
    json_t *owned = NULL, *rubric = NULL;
    const json_t *x;
    json_t *a = assignment_and_rubric(c, id, &owned, &x, &rubric, e);
    if (!a) return -1;
    json_t *rows = sheet_rows(c, a, e);
    if (rows && t) sheet_table(c, rubric, rows, t);
    else if (rows) {
        json_t *summary = json_pack("{s:O,s:O,s:O?,s:O?}", "code", json_object_get(x, "code"), "title",
                                    json_object_get(x, "title"), "number", json_object_get(x, "number"), "series",
                                    json_object_get(x, "series"));
        json_t *answer = json_pack("{s:O,s:o,s:O,s:O,s:I}", "assignment", a, "experiment", summary, "rubric", rubric,
                                   "students", rows, "total", (json_int_t)json_array_size(rows));
        char *text = json_dumps(answer, JSON_COMPACT);
        sb_append(out, text ? text : "{}");
        free(text);
        json_decref(answer);
    }
    int rc = rows ? 0 : -1;
    json_decref(rows);
    json_decref(rubric);
    json_decref(owned);
    json_decref(a);
    return rc;
}

/* ---- the class's grade sheet across experiments (全班成绩单) ---- */

#define CLASS_MAX_ASSIGNMENTS 200
#define CLASS_MAX_REPORTS (CLASS_MAX_STUDENTS * 20)

/* sum / n in hundredths, rounded half up; n > 0. */
static int64_t mean100(int64_t sum, int64_t n)
{
    return (sum * 100 + n / 2) / n;
}

/* A graded report's score, or -1: only an accepted (已评分) report has a
 * grade the sheet counts; a returned one awaits its rework. */
static int64_t graded_score(const json_t *report)
{
    const char *status = json_string_value(json_object_get(report, "status"));
    const json_t *score = json_object_get(report, "score");
    return status && strcmp(status, "graded") == 0 && json_is_integer(score) ? json_integer_value(score) : -1;
}

/* A mean in hundredths into a decimal cell, empty when nothing is graded. */
static void mean_cell(rt_cell *cell, int64_t sum, int64_t n)
{
    cell->n = n ? mean100(sum, n) : 0;
    cell->empty = !n;
}

int class_grades(entity_ctx *c, int64_t class_id, report_table *t, json_t **head, err *e)
{
    if (head) *head = NULL;
    strbuf text = STRBUF_INIT;
    int rc = entity_get(c, meta_entity(c->m, "classes"), class_id, 0, &text, e); /* the teacher's own: else 404 */
    json_t *klass = rc ? NULL : json_loads(sb_str(&text), 0, NULL);
    sb_free(&text);
    if (!klass) return rc ? -1 : err_set(e, 500, "internal_error", "读取班级失败", "Cannot read the class");
    char filter[96];
    snprintf(filter, sizeof filter, "{\"field\":\"class_id\",\"op\":\"eq\",\"value\":%lld}", (long long)class_id);
    json_t *students = teaching_list(c, "students", filter, "student_no", CLASS_MAX_STUDENTS, e);
    json_t *assignments = students ? teaching_list(c, "assignments", filter, "opens_at", CLASS_MAX_ASSIGNMENTS, e) : NULL;
    json_t *reports = assignments ? teaching_list(c, "lab_reports", filter, "id", CLASS_MAX_REPORTS, e) : NULL;
    if (!reports) {
        json_decref(klass), json_decref(students), json_decref(assignments);
        return -1;
    }
    size_t ns = json_array_size(students), na = json_array_size(assignments);
    /* score[i * na + j]: student i's grade on assignment j, -1 none */
    int64_t *score = arena_alloc(c->a, sizeof *score * (ns * na + 1));
    for (size_t k = 0; k < ns * na; k++) score[k] = -1;
    size_t r;
    json_t *report;
    json_array_foreach(reports, r, report) {
        int64_t v = graded_score(report);
        for (size_t i = 0; i < ns && v >= 0; i++) {
            if (!json_equal(json_object_get(report, "student_id"), json_object_get(json_array_get(students, i), "id"))) continue;
            for (size_t j = 0; j < na; j++)
                if (json_equal(json_object_get(report, "assignment_id"), json_object_get(json_array_get(assignments, j), "id")))
                    score[i * na + j] = v;
        }
    }
    /* 学号, 姓名, 小组, a column per assignment ("a<id>", headed by its
     * title), 平均分; the total row is 全班平均 */
    rt_column *cols = arena_alloc(c->a, sizeof *cols * (na + 4));
    cols[0] = (rt_column){"student_no", "学号", "Student no.", RT_TEXT};
    cols[1] = (rt_column){"name", "姓名", "Name", RT_TEXT};
    cols[2] = (rt_column){"group_name", "小组", "Group", RT_TEXT};
    for (size_t j = 0; j < na; j++) {
        const json_t *a = json_array_get(assignments, j);
        /* in the arena: the table is written after the lists are released */
        const char *title = arena_strdup(c->a, text_or_empty(json_object_get(a, "title")));
        cols[3 + j] = (rt_column){arena_printf(c->a, "a%lld", (long long)json_integer_value(json_object_get(a, "id"))),
                                  title, title, RT_DECIMAL2};
    }
    cols[3 + na] = (rt_column){"average", "平均分", "Average", RT_DECIMAL2};
    report_table_init(t, c->a, cols, (int)na + 4);
    int64_t all_sum = 0, all_n = 0;
    for (size_t i = 0; i < ns; i++) {
        const json_t *st = json_array_get(students, i);
        int64_t sum = 0, n = 0;
        rt_cell *cell = report_table_add(t, json_integer_value(json_object_get(st, "id")));
        cell[0].s = arena_strdup(c->a, text_or_empty(json_object_get(st, "student_no")));
        cell[1].s = arena_strdup(c->a, text_or_empty(json_object_get(st, "name")));
        cell[2].s = arena_strdup(c->a, text_or_empty(json_object_get(st, "group_name")));
        for (size_t j = 0; j < na; j++) {
            int64_t v = score[i * na + j];
            cell[3 + j].n = v * 100;
            cell[3 + j].empty = v < 0;
            if (v >= 0) sum += v, n++;
        }
        mean_cell(&cell[3 + na], sum, n);
        all_sum += sum, all_n += n;
    }
    t->total = arena_alloc(c->a, sizeof *t->total * (na + 4));
    memset(t->total, 0, sizeof *t->total * (na + 4));
    t->total[0].s = strcmp(c->lang, "en") == 0 ? "Class average" : "全班平均";
    json_t *list = head ? json_array() : NULL;
    for (size_t j = 0; j < na; j++) {
        int64_t sum = 0, n = 0;
        for (size_t i = 0; i < ns; i++)
            if (score[i * na + j] >= 0) sum += score[i * na + j], n++;
        mean_cell(&t->total[3 + j], sum, n);
        const json_t *a = json_array_get(assignments, j);
        if (list)
            json_array_append_new(list, json_pack("{s:O,s:s,s:O?,s:s,s:I,s:s}", "id", json_object_get(a, "id"), "title",
                                                  text_or_empty(json_object_get(a, "title")), "experiment",
                                                  json_object_get(a, "experiment"), "opens_at",
                                                  text_or_empty(json_object_get(a, "opens_at")), "graded",
                                                  (json_int_t)n, "column", cols[3 + j].key));
    }
    mean_cell(&t->total[3 + na], all_sum, all_n);
    if (head)
        *head = json_pack("{s:{s:O,s:O},s:o}", "class", "id", json_object_get(klass, "id"), "name",
                          json_object_get(klass, "name"), "assignments", list);
    json_decref(klass), json_decref(students), json_decref(assignments), json_decref(reports);
    return 0;
}

void grades_init(void)
{
    entity_before("assignments", ON_WRITE, rubric_valid);
    entity_register_action("lab_report_grade_rubric", grade_rubric);
}
