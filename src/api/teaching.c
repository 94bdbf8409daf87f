/* teaching.c - the teaching platform beyond plain records (classes,
 * students and assignments are records under /api/v1/{entity}):
 *   GET    /api/v1/teachers                        the teachers (platform administrators)
 *   PUT    /api/v1/teachers/{id}                   make a user a teacher
 *   DELETE /api/v1/teachers/{id}                   ... or no longer one
 *   POST   /api/v1/classes/{id}/students/import    the roster (CSV or .xlsx): students with sign-ins and companies
 *   GET    /api/v1/classes/{id}/positions          a shared class's position tree with its students
 *   POST   /api/v1/classes/{id}/positions          one more position
 *   POST   /api/v1/classes/{id}/positions/default  the one-click tree 教师 → 班级 → 部门经理 → 业务员
 *   DELETE /api/v1/classes/{id}/positions/{role}   a position nobody holds
 *   PUT    /api/v1/classes/{id}/students/{sid}/position   place a student in a position
 *   GET    /api/v1/experiments                     the experiments compiled in
 *   GET    /api/v1/experiments/{code}              one, with its steps
 *   POST   /api/v1/experiments/try                 试做检查: a draft's steps checked as one student
 *   GET    /api/v1/assignments/{id}/progress       the class × step matrix (the teacher)
 *   POST   /api/v1/assignments/{id}/open           开始实验: the student's first look (idempotent)
 *   GET    /api/v1/assignments/{id}/my-progress    the signed-in student's steps (reads only)
 *   GET    /api/v1/assignments/{id}/my-progress/{entity}/{record}  the steps a record of theirs counts for
 *   GET|PUT /api/v1/assignments/{id}/my-report     the signed-in student's 实验报告 (lab_reports.h)
 *   GET    /api/v1/assignments/{id}/grades         the class's grade sheet (?format=xlsx|csv: a file; grades.h)
 *   GET    /api/v1/classes/{id}/grades             the class's grades across its experiments (?format=xlsx|csv)
 *   GET    /api/v1/my-assignments                  the signed-in student's assignments (我的实验)
 * The rules are in src/modules/teaching.c and experiments.c. */
#include <stdlib.h>
#include <string.h>

#include "../modules/experiments.h"
#include "../modules/grades.h"
#include "../modules/lab_reports.h"
#include "../modules/positions.h"
#include "../modules/teaching.h"
#include "../util/multipart.h"
#include "api.h"

static void answer(http_request *req, http_response *res, int rc, err *e, int status)
{
    if (rc) {
        sb_clear(&res->body);
        return http_error(req, res, e);
    }
    http_json(res, status);
}

static void list_teachers(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    err e;
    err_clear(&e);
    answer(req, res, teaching_list_teachers(&c, &res->body, &e), &e, 200);
}

static void set_teacher(http_request *req, http_response *res, int on)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]);
    if (!id) return http_fail(req, res, 404, "not_found", "用户不存在", "No such user");
    err e;
    err_clear(&e);
    if (teaching_set_teacher(&c, id, on, &e)) return http_error(req, res, &e);
    res->status = 204;
}

static void add_teacher(http_request *req, http_response *res)
{
    set_teacher(req, res, 1);
}

static void remove_teacher(http_request *req, http_response *res)
{
    set_teacher(req, res, 0);
}

static void import_students(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]);
    if (!id) return http_fail(req, res, 404, "not_found", "记录不存在", "Record not found");
    multipart_file file = {req->body, req->body_len};
    const char *ct = http_header(req, "Content-Type");
    if (multipart_is_form(ct) && multipart_find_file(ct, req->body, req->body_len, &file))
        return http_fail(req, res, 422, "bad_file", "表单中没有可读取的文件（multipart/form-data 需要一个带文件名的部分）",
                         "The form holds no readable file (multipart/form-data needs a part with a filename)");
    err e;
    err_clear(&e);
    data_table t = {0};
    if (table_read(file.data, file.len, &t, &e)) return http_error(req, res, &e);
    int rc = teaching_import_students(&c, id, &t, &res->body, &e);
    table_free(&t);
    answer(req, res, rc, &e, 201);
}

static void position_tree(http_request *req, http_response *res)
{
    api_record_report(req, res, positions_tree);
}

static void default_positions(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]);
    if (!id) return http_fail(req, res, 404, "not_found", "记录不存在", "Record not found");
    err e;
    err_clear(&e);
    answer(req, res, positions_default(&c, id, &res->body, &e), &e, 201);
}

static void add_position(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]);
    if (!id) return http_fail(req, res, 404, "not_found", "记录不存在", "Record not found");
    json_t *body = http_json_body(req, res);
    if (!body) return;
    err e;
    err_clear(&e);
    int rc = positions_add(&c, id, body, &res->body, &e);
    json_decref(body);
    answer(req, res, rc, &e, 201);
}

static void remove_position(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]), role = api_parse_id(req->params[1]);
    if (!id || !role) return http_fail(req, res, 404, "not_found", "记录不存在", "Record not found");
    err e;
    err_clear(&e);
    if (positions_remove(&c, id, role, &e)) return http_error(req, res, &e);
    res->status = 204;
}

static void place_student(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]), student = api_parse_id(req->params[1]);
    if (!id || !student) return http_fail(req, res, 404, "not_found", "记录不存在", "Record not found");
    json_t *body = http_json_body(req, res);
    if (!body) return;
    err e;
    err_clear(&e);
    int rc = positions_assign(&c, id, student, body, &e);
    json_decref(body);
    if (rc) return http_error(req, res, &e);
    res->status = 204;
}

static void list_experiments(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    err e;
    err_clear(&e);
    answer(req, res, experiments_list_json(&c, &res->body, &e), &e, 200);
}

static void get_experiment(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    err e;
    err_clear(&e);
    answer(req, res, experiment_json(&c, req->params[0], &res->body, &e), &e, 200);
}

static void try_experiment(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    json_t *body = http_json_body(req, res);
    if (!body) return;
    err e;
    err_clear(&e);
    int rc = experiment_try(&c, body, &res->body, &e);
    json_decref(body);
    answer(req, res, rc, &e, 200);
}

static void progress(http_request *req, http_response *res)
{
    api_record_report(req, res, assignment_progress);
}

static void my_progress(http_request *req, http_response *res)
{
    api_record_report(req, res, assignment_my_progress);
}

static void my_record(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]), record = api_parse_id(req->params[2]);
    if (!id || !record) return http_fail(req, res, 404, "not_found", "记录不存在", "Record not found");
    err e;
    err_clear(&e);
    answer(req, res, assignment_my_record(&c, id, req->params[1], record, &res->body, &e), &e, 200);
}

static void open_assignment(http_request *req, http_response *res)
{
    api_record_report(req, res, assignment_start);
}

static void my_report(http_request *req, http_response *res)
{
    api_record_report(req, res, lab_report_mine);
}

/* An assignment's grade sheet or the class's (全班成绩单): JSON, or with
 * ?format= the same as a report table file. */
static void grades_answer(http_request *req, http_response *res, int whole_class)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]);
    if (!id) return http_fail(req, res, 404, "not_found", "记录不存在", "Record not found");
    const char *format;
    if (api_report_format(req, res, &format)) return;
    err e;
    err_clear(&e);
    report_table t;
    json_t *head = NULL;
    int rc = whole_class ? class_grades(&c, id, &t, format ? NULL : &head, &e)
                         : assignment_grades(&c, id, format ? &t : NULL, format ? NULL : &res->body, &e);
    if (rc) return answer(req, res, rc, &e, 200);
    static const char *const none[][2] = {{NULL, NULL}};
    if (format)
        return api_report_answer(req, res, &c, &t, format, "lab_reports", whole_class ? "class-grades" : "grades",
                                 whole_class ? "全班成绩单" : "成绩单", whole_class ? "Class grades" : "Grades", none);
    if (!whole_class) return http_json(res, 200);
    /* the class and its assignments, then the table as every report writes it */
    char *text = json_dumps(head, JSON_COMPACT);
    json_decref(head);
    sb_append(&res->body, "{\"report\":\"class-grades\",");
    sb_appendn(&res->body, text + 1, strlen(text) - 2); /* head's members */
    free(text);
    sb_putc(&res->body, ',');
    report_table_json(&t, c.lang, &res->body);
    sb_putc(&res->body, '}');
    http_json(res, 200);
}

static void grade_sheet(http_request *req, http_response *res)
{
    grades_answer(req, res, 0);
}

static void class_grade_sheet(http_request *req, http_response *res)
{
    grades_answer(req, res, 1);
}

static void my_assignments(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    err e;
    err_clear(&e);
    answer(req, res, assignments_mine(&c, &res->body, &e), &e, 200);
}

static void save_my_report(http_request *req, http_response *res)
{
    entity_ctx c;
    api_entity_ctx(req, &c);
    int64_t id = api_parse_id(req->params[0]);
    if (!id) return http_fail(req, res, 404, "not_found", "记录不存在", "Record not found");
    json_t *body = http_json_body(req, res);
    if (!body) return;
    err e;
    err_clear(&e);
    int rc = lab_report_save(&c, id, body, &res->body, &e);
    json_decref(body);
    answer(req, res, rc, &e, 200);
}

#define CLASS_ID_PARAM ((const route_param[]){{"id", "integer", "class id", 1}, {0}})
#define TREE_SCHEMA                                                                                                    \
    "{\"type\":\"object\",\"properties\":{\"company_id\":{\"type\":\"integer\"},"                                   \
    "\"positions\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"   \
    "\"name\":{\"type\":\"string\"},\"parent_id\":{\"type\":\"integer\",\"nullable\":true}}}},"                    \
    "\"students\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"  \
    "\"student_no\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},\"user_id\":{\"type\":\"integer\"},"      \
    "\"role_id\":{\"type\":\"integer\",\"nullable\":true}}}}}}"
#define USER_ID_PARAM ((const route_param[]){{"id", "integer", "user id", 1}, {0}})
#define STEP_SCHEMA                                                                                                    \
    "{\"type\":\"object\",\"properties\":{\"key\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},"             \
    "\"state\":{\"type\":\"string\",\"enum\":[\"not_started\",\"in_progress\",\"done\"]},"                            \
    "\"count\":{\"type\":\"integer\"},\"need\":{\"type\":\"integer\"},"                                               \
    "\"done_at\":{\"type\":\"string\",\"nullable\":true},\"why\":{\"type\":\"string\",\"nullable\":true},"       \
    "\"seconds\":{\"type\":\"integer\",\"nullable\":true}}}"

#define REPORT_SCHEMA                                                                                                  \
    "{\"type\":\"object\",\"properties\":{\"assignment\":{\"type\":\"object\"},\"open\":{\"type\":\"boolean\"},"     \
    "\"experiment\":{\"type\":\"object\"},\"steps\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"            \
    "\"done\":{\"type\":\"integer\"},\"total\":{\"type\":\"integer\"},"                                               \
    "\"report\":{\"type\":\"object\",\"nullable\":true}}}"

const route api_teaching_routes[] = {
    {"GET", "/api/v1/teachers", list_teachers, 0,
     .doc = {.tag = "teaching", .summary = "教师列表 / teachers", .id = "list_teachers", .ok = "200",
             .reply = "RecordList"}},
    {"PUT", "/api/v1/teachers/:id", add_teacher, 0,
     .doc = {.tag = "teaching", .summary = "设为教师 / make a user a teacher", .id = "add_teacher",
             .path = USER_ID_PARAM, .ok = "204", .errors = "404"}},
    {"DELETE", "/api/v1/teachers/:id", remove_teacher, 0,
     .doc = {.tag = "teaching", .summary = "取消教师 / no longer a teacher", .id = "remove_teacher",
             .path = USER_ID_PARAM, .ok = "204", .errors = "404"}},
    {"POST", "/api/v1/classes/:id/students/import", import_students, ROUTE_LARGE_BODY,
     .doc = {.tag = "teaching", .summary = "导入学生名单 / import the class roster", .id = "import_class_roster",
             .path = (const route_param[]){{"id", "integer", "class id", 1}, {0}},
             .body_types = "text/csv application/vnd.openxmlformats-officedocument.spreadsheetml.sheet "
                           "multipart/form-data",
             .ok = "201",
             .reply = "{\"type\":\"object\",\"properties\":{\"class_id\":{\"type\":\"integer\"},"
                      "\"created\":{\"type\":\"integer\"},\"skipped\":{\"type\":\"integer\"},"
                      "\"students\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
                      "\"id\":{\"type\":\"integer\"},\"student_no\":{\"type\":\"string\"},"
                      "\"name\":{\"type\":\"string\"},\"username\":{\"type\":\"string\"},"
                      "\"password\":{\"type\":\"string\"},\"company_id\":{\"type\":\"integer\"}}}},"
                      "\"skipped_rows\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}}",
             .errors = "404 422"}},
    {"GET", "/api/v1/classes/:id/positions", position_tree, 0,
     .doc = {.tag = "teaching", .summary = "岗位树 / a shared class's positions", .id = "class_positions",
             .path = CLASS_ID_PARAM, .ok = "200", .reply = TREE_SCHEMA, .errors = "404 422"}},
    {"POST", "/api/v1/classes/:id/positions", add_position, 0,
     .doc = {.tag = "teaching", .summary = "新增岗位 / add a position", .id = "add_class_position",
             .path = CLASS_ID_PARAM,
             .body = "{\"type\":\"object\",\"required\":[\"name\"],\"properties\":{\"name\":{\"type\":\"string\"},"
                     "\"parent_id\":{\"type\":\"integer\",\"nullable\":true}}}",
             .ok = "201", .reply = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}}",
             .errors = "404 422"}},
    {"POST", "/api/v1/classes/:id/positions/default", default_positions, 0,
     .doc = {.tag = "teaching", .summary = "一键建立默认岗位树 / the default position tree",
             .id = "default_class_positions", .path = CLASS_ID_PARAM, .ok = "201", .reply = TREE_SCHEMA,
             .errors = "404 409 422"}},
    {"DELETE", "/api/v1/classes/:id/positions/:role", remove_position, 0,
     .doc = {.tag = "teaching", .summary = "删除岗位 / remove a position", .id = "remove_class_position",
             .path = (const route_param[]){{"id", "integer", "class id", 1}, {"role", "integer", "role id", 1}, {0}},
             .ok = "204", .errors = "404 409 422"}},
    {"PUT", "/api/v1/classes/:id/students/:student/position", place_student, 0,
     .doc = {.tag = "teaching", .summary = "安排学生岗位 / place a student in a position",
             .id = "place_student",
             .path = (const route_param[]){{"id", "integer", "class id", 1}, {"student", "integer", "students record id", 1}, {0}},
             .body = "{\"type\":\"object\",\"required\":[\"role_id\"],\"properties\":{"
                     "\"role_id\":{\"type\":\"integer\",\"nullable\":true}}}",
             .ok = "204", .errors = "404 422"}},
    {"GET", "/api/v1/experiments", list_experiments, 0,
     .doc = {.tag = "teaching", .summary = "实验列表 / experiments", .id = "list_experiments", .ok = "200",
             .reply = "RecordList"}},
    {"GET", "/api/v1/experiments/:code", get_experiment, 0,
     .doc = {.tag = "teaching", .summary = "实验 / an experiment", .id = "get_experiment",
             .path = (const route_param[]){{"code", "string", "experiment code", 1}, {0}}, .ok = "200",
             .reply = "{\"type\":\"object\"}", .errors = "404"}},
    {"POST", "/api/v1/experiments/try", try_experiment, 0,
     .doc = {.tag = "teaching", .summary = "试做检查 / try an experiment's checks as a student", .id = "try_experiment",
             .body = "{\"type\":\"object\",\"required\":[\"experiment\",\"student_id\"],\"properties\":{"
                     "\"experiment\":{\"type\":\"object\"},\"student_id\":{\"type\":\"integer\"}}}",
             .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"student\":{\"type\":\"object\"},"
                      "\"steps\":{\"type\":\"array\",\"items\":" STEP_SCHEMA "},"
                      "\"done\":{\"type\":\"integer\"},\"total\":{\"type\":\"integer\"}}}",
             .errors = "404 422"}},
    {"GET", "/api/v1/assignments/:id/progress", progress, 0,
     .doc = {.tag = "teaching", .summary = "全班实验进度 / the class × step progress", .id = "assignment_progress",
             .path = API_ID_PARAM, .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"assignment\":{\"type\":\"object\"},"
                      "\"open\":{\"type\":\"boolean\"},\"experiment\":{\"type\":\"object\"},"
                      "\"students\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
                      "\"id\":{\"type\":\"integer\"},\"student_no\":{\"type\":\"string\"},"
                      "\"name\":{\"type\":\"string\"},\"done\":{\"type\":\"integer\"},"
                      "\"steps\":{\"type\":\"array\",\"items\":" STEP_SCHEMA "},"
                      "\"current\":{\"type\":\"object\",\"nullable\":true,\"properties\":{"
                      "\"key\":{\"type\":\"string\"},\"since\":{\"type\":\"string\"},\"seconds\":{\"type\":\"integer\"}}}}}},"
                      "\"total\":{\"type\":\"integer\"},"
                      "\"step_times\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
                      "\"key\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},\"done\":{\"type\":\"integer\"},"
                      "\"avg_seconds\":{\"type\":\"integer\",\"nullable\":true}}}},"
                      "\"stuck\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
                      "\"student\":{\"type\":\"object\"},\"step\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},"
                      "\"since\":{\"type\":\"string\"},\"seconds\":{\"type\":\"integer\"}}}}}}",
             .errors = "404"}},
    {"GET", "/api/v1/assignments/:id/my-progress", my_progress, 0,
     .doc = {.tag = "teaching", .summary = "我的实验进度 / my progress", .id = "my_progress", .path = API_ID_PARAM,
             .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"assignment\":{\"type\":\"object\"},"
                      "\"open\":{\"type\":\"boolean\"},\"experiment\":{\"type\":\"object\"},"
                      "\"steps\":{\"type\":\"array\",\"items\":" STEP_SCHEMA "},"
                      "\"done\":{\"type\":\"integer\"},\"total\":{\"type\":\"integer\"},"
                      "\"opened_at\":{\"type\":\"string\",\"nullable\":true}}}",
             .errors = "404"}},
    {"GET", "/api/v1/assignments/:id/my-progress/:entity/:record", my_record, 0,
     .doc = {.tag = "teaching", .summary = "这条记录计入哪些步骤 / the steps a record of mine counts for",
             .id = "my_record_steps",
             .path = (const route_param[]){{"id", "integer", "assignment id", 1}, {"entity", "string", "entity name", 1},
                                           {"record", "integer", "record id", 1}, {0}},
             .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"record\":{\"type\":\"object\",\"properties\":{"
                      "\"entity\":{\"type\":\"string\"},\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"}}},"
                      "\"steps\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
                      "\"key\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},"
                      "\"state\":{\"type\":\"string\"},\"why\":{\"type\":\"string\",\"nullable\":true},"
                      "\"role\":{\"type\":\"string\",\"enum\":[\"record\",\"parent\"]},"
                      "\"counts\":{\"type\":\"boolean\"},\"record_why\":{\"type\":\"string\",\"nullable\":true}}}},"
                      "\"total\":{\"type\":\"integer\"}}}",
             .errors = "404"}},
    {"POST", "/api/v1/assignments/:id/open", open_assignment, 0,
     .doc = {.tag = "teaching", .summary = "开始实验 / start an assignment (note the first look)", .id = "open_assignment",
             .path = API_ID_PARAM, .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"opened_at\":{\"type\":\"string\"}}}",
             .errors = "404 409"}},
    {"GET", "/api/v1/assignments/:id/my-report", my_report, 0,
     .doc = {.tag = "teaching", .summary = "我的实验报告 / my lab report", .id = "my_lab_report", .path = API_ID_PARAM,
             .ok = "200", .reply = REPORT_SCHEMA, .errors = "404"}},
    {"PUT", "/api/v1/assignments/:id/my-report", save_my_report, 0,
     .doc = {.tag = "teaching", .summary = "保存或提交实验报告 / save or hand in my lab report", .id = "save_my_lab_report",
             .path = API_ID_PARAM,
             .body = "{\"type\":\"object\",\"properties\":{\"conclusion\":{\"type\":\"string\"},"
                     "\"submit\":{\"type\":\"boolean\"}}}",
             .ok = "200", .reply = REPORT_SCHEMA, .errors = "404 409 422"}},
    {"GET", "/api/v1/assignments/:id/grades", grade_sheet, 0,
     .doc = {.tag = "teaching", .summary = "成绩单 / the class's grade sheet of an assignment", .id = "assignment_grades",
             .path = API_ID_PARAM, .query = (const route_param[]){API_FORMAT_PARAM, {0}}, .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"assignment\":{\"type\":\"object\"},"
                      "\"experiment\":{\"type\":\"object\"},\"rubric\":{\"type\":\"array\",\"items\":{"
                      "\"type\":\"object\",\"properties\":{\"key\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},"
                      "\"max\":{\"type\":\"integer\"}}}},\"students\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
                      "\"properties\":{\"id\":{\"type\":\"integer\"},\"student_no\":{\"type\":\"string\"},"
                      "\"name\":{\"type\":\"string\"},\"report_id\":{\"type\":\"integer\",\"nullable\":true},"
                      "\"state\":{\"type\":\"string\",\"enum\":[\"not_handed_in\",\"handed_in\",\"returned\",\"accepted\"]},"
                      "\"score\":{\"type\":\"integer\",\"nullable\":true},\"points\":{\"type\":\"object\",\"nullable\":true}}}},"
                      "\"total\":{\"type\":\"integer\"}}}",
             .reply_types = API_REPORT_FILES, .errors = "400 403 404"}},
    {"GET", "/api/v1/classes/:id/grades", class_grade_sheet, 0,
     .doc = {.tag = "teaching", .summary = "全班成绩单 / the class's grades across its experiments", .id = "class_grades",
             .path = CLASS_ID_PARAM, .query = (const route_param[]){API_FORMAT_PARAM, {0}}, .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"report\":{\"type\":\"string\"},"
                      "\"class\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"}}},"
                      "\"assignments\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
                      "\"id\":{\"type\":\"integer\"},\"title\":{\"type\":\"string\"},\"experiment\":{\"type\":\"string\"},"
                      "\"opens_at\":{\"type\":\"string\"},\"graded\":{\"type\":\"integer\"},\"column\":{\"type\":\"string\"}}}},"
                      "\"columns\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
                      "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
                      "\"total\":{\"type\":\"object\"}}}",
             .reply_types = API_REPORT_FILES, .errors = "400 403 404"}},
    {"GET", "/api/v1/my-assignments", my_assignments, 0,
     .doc = {.tag = "teaching", .summary = "我的实验 / my assignments", .id = "my_assignments", .ok = "200",
             .reply = "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{"
                      "\"type\":\"object\",\"properties\":{\"assignment\":{\"type\":\"object\"},"
                      "\"open\":{\"type\":\"boolean\"},\"experiment\":{\"type\":\"object\"},"
                      "\"steps\":{\"type\":\"array\",\"items\":" STEP_SCHEMA "},"
                      "\"done\":{\"type\":\"integer\"},\"total\":{\"type\":\"integer\"}}}},"
                      "\"total\":{\"type\":\"integer\"}}}"}},
    {0},
};
