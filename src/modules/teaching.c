/* teaching.c - see teaching.h. */
#include "teaching.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../acl/acl.h"
#include "../auth/session.h"
#include "../entity/entity_action.h"
#include "../entity/hooks.h"
#include "../entity/meta_load.h"
#include "../entity/total_cache.h"
#include "../util/utf8.h"
#include "access.h"
#include "companies.h"
#include "datasets.h"
#include "custom_experiments.h"
#include "experiments.h"
#include "positions.h"

#define FIRST_PASSWORD_LENGTH 10 /* typed once from the printed sheet, then changed */
#define HEADER_SEARCH_ROWS 10    /* a 教务系统 export may put a title above the header */
#define ROSTER_MAX_STUDENTS 500

static int teaches(const auth_user *u)
{
    return u && (u->is_teacher || u->platform_admin);
}

const char *teaching_role(entity_ctx *c)
{
    if (c->user->is_teacher) return "teacher";
    if (c->user->platform_admin) return "admin";
    err e;
    err_clear(&e);
    return teaching_is_student(c, &e) == 1 ? "student" : NULL;
}

/* ---- record rules ---- */

/* Classes and assignments are the teachers' own records. */
static int teachers_write(entity_ctx *c, hook_change *ch, err *e)
{
    (void)ch;
    if (c->trusted || teaches(c->user)) return 0;
    return err_set(e, 403, "forbidden", "只有教师可以管理班级和实验任务", "Only teachers manage classes and assignments");
}

/* A student comes with a sign-in and a company: only the roster import
 * makes one. */
static int students_by_import(entity_ctx *c, hook_change *ch, err *e)
{
    (void)ch;
    if (c->trusted) return 0;
    return err_set(e, 403, "forbidden", "学生请通过班级的「导入学生名单」添加",
                   "Students are added by importing the class roster");
}

static int assignment_rules(entity_ctx *c, hook_change *ch, err *e)
{
    json_t *owned = NULL;
    err unknown;
    err_clear(&unknown);
    /* as the teacher: a shipped experiment or one of their own */
    const json_t *x = experiment_resolve(c, hook_text(ch, "experiment"), &owned, &unknown);
    if (!x) err_add_field(e, "experiment", "not_an_option");
    const char *opens = hook_text(ch, "opens_at"), *closes = hook_text(ch, "closes_at");
    if (opens && closes && strcmp(closes, opens) <= 0) err_add_field(e, "closes_at", "before_opens");
    if (e->nfields)
        return json_decref(owned), err_set(e, 422, "validation_failed", "实验任务有误：实验须为已有实验，截止时间须晚于开始时间",
                                           "Invalid assignment: a known experiment, closing after it opens");
    /* the class must be one the teacher sees, not merely one of the company */
    strbuf ignored = STRBUF_INIT;
    int rc = entity_get(c, meta_entity(c->m, "classes"), hook_int(ch, "class_id", 0), 0, &ignored, e);
    sb_free(&ignored);
    if (rc) {
        json_decref(owned);
        err_clear(e);
        err_add_field(e, "class_id", "not_found");
        return err_set(e, 422, "validation_failed", "班级不存在或不是您的班级", "No such class of yours");
    }
    if (hook_event(ch) == ON_CREATE && !hook_text(ch, "title")) {
        const char *number = json_string_value(json_object_get(x, "number"));
        const char *title = json_string_value(json_object_get(x, "title"));
        rc = hook_set_text(ch, "title", number && *number ? arena_printf(c->a, "%s %s", number, title) : arena_strdup(c->a, title), e);
    }
    json_decref(owned);
    return rc;
}

/* 行业数据 says what the last reset loaded: only the reset writes it (the
 * action asks for it, so it cannot be read-only in the metadata). */
static int dataset_by_reset(entity_ctx *c, hook_change *ch, err *e)
{
    if (c->trusted || !hook_changed(ch, "dataset")) return 0;
    err_add_field(e, "dataset", "read_only");
    return err_set(e, 422, "validation_failed", "行业数据只能在「重置实验公司」时载入",
                   "A data set is loaded only by resetting the company");
}

/* ---- teachers ---- */

static int platform_only(err *e)
{
    return err_set(e, 403, "forbidden", "只有平台管理员可以设置教师", "Only platform administrators appoint teachers");
}

int teaching_list_teachers(entity_ctx *c, strbuf *out, err *e)
{
    if (!c->user->platform_admin) return platform_only(e);
    db_stmt *s = db_prepare(c->db,
                            "SELECT id, username, name, company_id FROM users"
                            " WHERE is_teacher = 1 AND deleted_at IS NULL ORDER BY id",
                            e);
    if (!s) return -1;
    sb_append(out, "{\"items\":[");
    int n = 0, rc;
    while ((rc = db_step(s)) == DB_ROW) {
        sb_printf(out, "%s{\"id\":%lld,\"username\":", n++ ? "," : "", (long long)db_column_int64(s, 0));
        sb_json_string(out, db_column_text(s, 1));
        sb_append(out, ",\"name\":");
        sb_json_string(out, db_column_text(s, 2));
        sb_printf(out, ",\"company_id\":%lld}", (long long)db_column_int64(s, 3));
    }
    db_finalize(s);
    sb_printf(out, "],\"total\":%d}", n);
    return rc < 0 ? err_set(e, 500, "db_error", "读取教师失败", "Cannot read teachers") : 0;
}

int teaching_set_teacher(entity_ctx *c, int64_t user_id, int on, err *e)
{
    if (!c->user->platform_admin) return platform_only(e);
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)user_id);
    const char *params[] = {on ? "1" : "0", id};
    int64_t found = 0;
    int rc = db_query_int64(c->db,
                            "UPDATE users SET is_teacher = CAST(? AS INTEGER) WHERE id = CAST(? AS BIGINT)"
                            " AND deleted_at IS NULL RETURNING id",
                            &found, e, 2, params);
    if (rc < 0) return -1;
    return rc == 1 ? err_set(e, 404, "not_found", "用户不存在", "No such user") : 0;
}

/* ---- the roster ---- */

typedef struct roster_columns {
    int no, name, klass, group; /* -1 when absent */
    int header_row;
} roster_columns;

static const char *const NO_HEADERS[] = {"学号", "学生学号", "学籍号", "student_no", "student number", NULL};
static const char *const NAME_HEADERS[] = {"姓名", "学生姓名", "name", NULL};
static const char *const CLASS_HEADERS[] = {"班级", "行政班", "行政班级", "班级名称", "class", NULL};
static const char *const GROUP_HEADERS[] = {"小组", "组别", "分组", "组号", "group", NULL};

/* A cell without the spaces around it (ASCII and the full-width space). */
static const char *trimmed(arena *a, const char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    if (strncmp(s, "\xe3\x80\x80", 3) == 0) return trimmed(a, s + 3);
    size_t n = strlen(s);
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
        else if (n >= 3 && memcmp(s + n - 3, "\xe3\x80\x80", 3) == 0) n -= 3;
        else break;
    }
    return arena_strndup(a, s, n);
}

static int header_is(arena *a, const char *cell, const char *const *names)
{
    const char *t = trimmed(a, cell);
    for (int i = 0; names[i]; i++)
        if (strcasecmp(t, names[i]) == 0) return 1;
    return 0;
}

static int column_of(arena *a, const data_table *t, int row, const char *const *names)
{
    for (int c = 0; c < t->ncols[row]; c++)
        if (header_is(a, table_cell(t, row, c), names)) return c;
    return -1;
}

static int find_columns(arena *a, const data_table *t, roster_columns *rc, err *e)
{
    for (int r = 0; r < t->nrows && r < HEADER_SEARCH_ROWS; r++) {
        rc->no = column_of(a, t, r, NO_HEADERS);
        rc->name = column_of(a, t, r, NAME_HEADERS);
        if (rc->no < 0 || rc->name < 0) continue;
        rc->klass = column_of(a, t, r, CLASS_HEADERS);
        rc->group = column_of(a, t, r, GROUP_HEADERS);
        rc->header_row = r;
        return 0;
    }
    return err_set(e, 422, "bad_file", "名单中找不到「学号」和「姓名」两列（表头须在前 10 行内）",
                   "The roster has no 学号 and 姓名 columns (the header must be within the first 10 rows)");
}

typedef struct roster_row {
    int line; /* spreadsheet row number, 1-based as Excel shows it */
    const char *no, *name, *klass, *group;
    int skip; /* already in the class */
} roster_row;

/* A 学号 becomes a username: no spaces, 2..64 characters. Excel may give
 * a number column as 2023010101.0. */
static const char *student_no(arena *a, const char *cell)
{
    const char *t = trimmed(a, cell);
    size_t n = strlen(t);
    if (n > 2 && strcmp(t + n - 2, ".0") == 0 && strspn(t, "0123456789") == n - 2) return arena_strndup(a, t, n - 2);
    return t;
}

static int no_ok(const char *no)
{
    size_t n = utf8_length(no, strlen(no));
    if (n < 2 || n > 64) return 0;
    for (const char *p = no; *p; p++)
        if ((unsigned char)*p <= ' ') return 0;
    return 1;
}

static void row_error(err *e, int line, const char *field, const char *reason)
{
    char name[64];
    snprintf(name, sizeof name, "row_%d.%s", line, field);
    err_add_field(e, name, reason);
}

/* 1 when the class already holds a student with this 学号. */
static int in_class(entity_ctx *c, int64_t class_id, const char *no, err *e)
{
    json_t *f = json_pack("{s:[{s:s,s:s,s:I},{s:s,s:s,s:s}]}", "and", "field", "class_id", "op", "eq", "value",
                          (json_int_t)class_id, "field", "student_no", "op", "eq", "value", no);
    char *text = json_dumps(f, JSON_COMPACT);
    json_decref(f);
    int found = entity_exists(c, meta_entity(c->m, "students"), text, e);
    free(text);
    return found;
}

/* Reads and checks every row before anything is written, so the teacher
 * hears of every bad row at once. */
static int read_rows(entity_ctx *c, int64_t class_id, const data_table *t, const roster_columns *cols,
                     roster_row *rows, int *nrows, err *e)
{
    *nrows = 0;
    for (int r = cols->header_row + 1; r < t->nrows; r++) {
        const char *no = student_no(c->a, table_cell(t, r, cols->no));
        const char *name = trimmed(c->a, table_cell(t, r, cols->name));
        if (!*no && !*name) continue; /* blank lines, a total line below */
        if (*nrows == ROSTER_MAX_STUDENTS)
            return err_setf(e, 422, "too_many_rows", "一次最多导入 %d 名学生", "At most %d students at a time",
                            ROSTER_MAX_STUDENTS);
        roster_row *row = &rows[(*nrows)++];
        *row = (roster_row){.line = r + 1, .no = no, .name = name,
                            .klass = cols->klass >= 0 ? trimmed(c->a, table_cell(t, r, cols->klass)) : "",
                            .group = cols->group >= 0 ? trimmed(c->a, table_cell(t, r, cols->group)) : ""};
        if (!no_ok(no)) row_error(e, row->line, "student_no", *no ? "invalid_format" : "required");
        if (!*name) row_error(e, row->line, "name", "required");
        else if (utf8_length(name, strlen(name)) > 60) row_error(e, row->line, "name", "too_long");
        for (int k = 0; k < *nrows - 1; k++)
            if (strcmp(rows[k].no, no) == 0) row_error(e, row->line, "student_no", "duplicate");
        if (!no_ok(no)) continue;
        int found = in_class(c, class_id, no, e);
        if (found < 0) return -1;
        row->skip = found;
        if (found) continue;
        int64_t user_id;
        err probe;
        err_clear(&probe);
        if (user_find(c->db, no, &user_id, &probe) == 0) row_error(e, row->line, "student_no", "taken");
        else if (probe.status != 404) return err_set(e, probe.status, probe.code, probe.zh, probe.en);
    }
    if (e->nfields) {
        const char *first = e->fields[0].name;
        return err_setf(e, 422, "validation_failed",
                        "名单有误（%s 等 %d 处）：学号须为 2 至 64 个字符且不含空格、不重复、未被其他用户使用，姓名必填",
                        "The roster has errors (%s and %d in all): 学号 of 2 to 64 characters without spaces, "
                        "unique and not another user's, 姓名 required",
                        first, e->nfields);
    }
    if (*nrows == 0) return err_set(e, 422, "bad_file", "名单中没有学生", "The roster holds no students");
    return 0;
}

/* The student's company, administered by the student: named after them,
 * its code from the 学号 when it is one a code may be. */
static int create_sandbox(entity_ctx *c, const roster_row *row, const char *password, int64_t *company_id,
                          int64_t *user_id, err *e)
{
    char name[256], code[80];
    snprintf(name, sizeof name, "%s的实验公司（%s）", row->name, row->no);
    snprintf(code, sizeof code, "stu-%s", row->no);
    int code_ok = strlen(code) <= 32;
    for (char *p = code; *p && code_ok; p++) {
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
        code_ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_';
    }
    json_t *body = json_pack("{s:s, s:{s:s, s:s, s:s}}", "name", name, "admin", "username", row->no, "name",
                             row->name, "password", password);
    if (code_ok) json_object_set_new(body, "code", json_string(code));
    int rc = companies_create_for(c, body, company_id, e);
    json_decref(body);
    return rc || user_find(c->db, row->no, user_id, e) || user_require_password_change(c->db, *user_id, e);
}

/* ---- a company per group (classes.mode company_per_group) ---- */

#define NO_GROUP "未分组"

/* The group's company, administered by its first student: named after the
 * class and the group (and the class's id, as two classes may share a name). */
static int create_group_company(entity_ctx *c, int64_t class_id, const char *class_name, const char *group,
                                const roster_row *row, const char *password, int64_t *company_id, int64_t *user_id,
                                err *e)
{
    char name[400];
    snprintf(name, sizeof name, "「%s」·%s的实验公司（班级 %lld）", class_name, group, (long long)class_id);
    json_t *body = json_pack("{s:s, s:{s:s, s:s, s:s}}", "name", name, "admin", "username", row->no, "name",
                             row->name, "password", password);
    int rc = companies_create_for(c, body, company_id, e);
    json_decref(body);
    return rc || user_find(c->db, row->no, user_id, e) || user_require_password_change(c->db, *user_id, e);
}

/* Another student of the group: an administrator of the group's company
 * too, so every member can do the settings labs in it. */
static int add_group_member(entity_ctx *c, int64_t company_id, const roster_row *row, const char *password,
                            int64_t *user_id, err *e)
{
    auth_user admin;
    entity_ctx in = positions_company_ctx(c, company_id, &admin);
    json_t *body = json_pack("{s:s, s:s, s:b}", "username", row->no, "name", row->name, "is_admin", 1);
    int rc = entity_create(&in, meta_entity(in.m, "users"), body, user_id, e);
    json_decref(body);
    return rc || user_set_password(c->db, *user_id, password, e) || user_require_password_change(c->db, *user_id, e);
}

/* The company of the class's group (group "" for students without one):
 * one made earlier in this import (groups: {group: company}), else a
 * student's of that group imported before; 0 when the group has none yet. */
static int group_company(entity_ctx *c, int64_t class_id, const char *group, json_t *groups, int64_t *company_id,
                         err *e)
{
    *company_id = json_integer_value(json_object_get(groups, group));
    if (*company_id) return 0;
    json_t *cond = *group ? json_pack("{s:s,s:s,s:s}", "field", "group_name", "op", "eq", "value", group)
                          : json_pack("{s:s,s:s}", "field", "group_name", "op", "isnull");
    json_t *f = json_pack("{s:[{s:s,s:s,s:I},o]}", "and", "field", "class_id", "op", "eq", "value", (json_int_t)class_id, cond);
    char *text = json_dumps(f, JSON_COMPACT);
    json_decref(f);
    json_t *items = text ? teaching_list(c, "students", text, "id", 1, e) : NULL;
    free(text);
    if (!items) return -1;
    *company_id = json_integer_value(json_object_get(json_array_get(items, 0), "sandbox_company_id"));
    json_decref(items);
    return 0;
}

/* How the import makes sign-ins: in the class's shared company, in the
 * group's company, or a company each. */
typedef struct import_mode {
    int64_t shared_company; /* the class's shared company, 0 for none */
    int per_group;
    const char *class_name;
    json_t *groups; /* per_group: {group: company} made in this import */
} import_mode;

static int add_student(entity_ctx *c, int64_t class_id, const import_mode *mode, const roster_row *row, strbuf *out,
                       err *e)
{
    char password[FIRST_PASSWORD_LENGTH + 1];
    auth_random_password(password, FIRST_PASSWORD_LENGTH);
    int64_t company_id = mode->shared_company, user_id = 0, id = 0;
    int rc;
    if (mode->shared_company) {
        rc = positions_add_member(c, mode->shared_company, row->no, row->name, password, &user_id, e);
    } else if (mode->per_group) {
        rc = group_company(c, class_id, row->group, mode->groups, &company_id, e);
        if (rc == 0 && company_id) rc = add_group_member(c, company_id, row, password, &user_id, e);
        else if (rc == 0) {
            rc = create_group_company(c, class_id, mode->class_name, *row->group ? row->group : NO_GROUP, row, password,
                                      &company_id, &user_id, e);
            if (rc == 0) json_object_set_new(mode->groups, row->group, json_integer(company_id));
        }
    } else {
        rc = create_sandbox(c, row, password, &company_id, &user_id, e);
    }
    if (rc) return -1;
    json_t *body = json_pack("{s:s, s:s, s:I, s:I, s:I}", "student_no", row->no, "name", row->name, "class_id",
                             (json_int_t)class_id, "user_id", (json_int_t)user_id, "sandbox_company_id",
                             (json_int_t)company_id);
    if (*row->group) json_object_set_new(body, "group_name", json_string(row->group));
    if (*row->klass) json_object_set_new(body, "admin_class", json_string(row->klass));
    entity_ctx trusted = *c;
    trusted.trusted = 1;
    rc = entity_create(&trusted, meta_entity(c->m, "students"), body, &id, e);
    json_decref(body);
    if (rc) return -1;
    sb_printf(out, "{\"row\":%d,\"id\":%lld,\"student_no\":", row->line, (long long)id);
    sb_json_string(out, row->no);
    sb_append(out, ",\"name\":");
    sb_json_string(out, row->name);
    sb_append(out, ",\"group_name\":");
    if (*row->group) sb_json_string(out, row->group);
    else sb_append(out, "null");
    sb_append(out, ",\"username\":");
    sb_json_string(out, row->no);
    sb_append(out, ",\"password\":");
    sb_json_string(out, password);
    sb_printf(out, ",\"user_id\":%lld,\"company_id\":%lld}", (long long)user_id, (long long)company_id);
    return 0;
}

int teaching_import_students(entity_ctx *c, int64_t class_id, const data_table *t, strbuf *out, err *e)
{
    if (!teaches(c->user))
        return err_set(e, 403, "forbidden", "只有教师可以导入学生名单", "Only teachers import rosters");
    strbuf klass = STRBUF_INIT;
    int rc = entity_get(c, meta_entity(c->m, "classes"), class_id, 0, &klass, e);
    json_t *k = rc ? NULL : json_loads(sb_str(&klass), 0, NULL);
    sb_free(&klass);
    if (rc) return -1;
    const char *mode_name = json_string_value(json_object_get(k, "mode"));
    int shared = mode_name && strcmp(mode_name, "shared_company") == 0;
    import_mode mode = {.per_group = mode_name && strcmp(mode_name, "company_per_group") == 0,
                        .class_name = arena_strdup(c->a, json_string_value(json_object_get(k, "name")) ? json_string_value(json_object_get(k, "name")) : ""),
                        .groups = json_object()};
    json_decref(k);
    if (shared && positions_company(c, class_id, &mode.shared_company, e)) return json_decref(mode.groups), -1;
    roster_columns cols;
    if (find_columns(c->a, t, &cols, e)) return json_decref(mode.groups), -1;
    roster_row *rows = arena_alloc(c->a, sizeof *rows * ROSTER_MAX_STUDENTS);
    int nrows = 0;
    if (read_rows(c, class_id, t, &cols, rows, &nrows, e)) return json_decref(mode.groups), -1;
    strbuf made = STRBUF_INIT, skipped = STRBUF_INIT;
    int ncreated = 0, nskipped = 0;
    if (db_begin(c->db, e)) return json_decref(mode.groups), -1;
    for (int i = 0; i < nrows && rc == 0; i++) {
        if (rows[i].skip) {
            sb_printf(&skipped, "%s{\"row\":%d,\"student_no\":", nskipped++ ? "," : "", rows[i].line);
            sb_json_string(&skipped, rows[i].no);
            sb_append(&skipped, ",\"reason\":\"already_in_class\"}");
            continue;
        }
        if (ncreated++) sb_putc(&made, ',');
        rc = add_student(c, class_id, &mode, &rows[i], &made, e);
        if (rc) row_error(e, rows[i].line, "student_no", "not_created");
    }
    if (rc == 0) rc = db_commit(c->db, e);
    if (rc) db_rollback(c->db);
    if (rc == 0)
        sb_printf(out, "{\"class_id\":%lld,\"created\":%d,\"skipped\":%d,\"students\":[%s],\"skipped_rows\":[%s]}",
                  (long long)class_id, ncreated, nskipped, sb_str(&made), sb_str(&skipped));
    sb_free(&made);
    sb_free(&skipped);
    json_decref(mode.groups);
    return rc;
}

/* ---- resetting a student's company ---- */

static int exec_for_company(db_conn *db, const char *sql, int64_t company_id, int64_t other, err *e)
{
    db_stmt *s = db_prepare(db, sql, e);
    if (!s) return -1;
    db_bind_int64(s, 1, company_id);
    if (other) db_bind_int64(s, 2, other);
    int rc = db_step(s);
    db_finalize(s);
    return rc < 0 ? err_set(e, 500, "db_error", "重置实验公司失败", "Cannot reset the company") : 0;
}

/* Every record of every entity, with its history and balances. */
static int remove_records(entity_ctx *c, int64_t company_id, err *e)
{
    char sql[512];
    for (int i = 0; i < c->m->nentities; i++) {
        const entity_def *ent = &c->m->entities[i];
        if (strcmp(ent->name, "users") == 0) continue; /* the student stays; the others below */
        snprintf(sql, sizeof sql,
                 "DELETE FROM record_history WHERE entity = '%s' AND record_id IN"
                 " (SELECT id FROM %s WHERE company_id = ?)",
                 ent->name, ent->table);
        if (exec_for_company(c->db, sql, company_id, 0, e)) return -1;
        snprintf(sql, sizeof sql, "DELETE FROM %s WHERE company_id = ?", ent->table);
        if (exec_for_company(c->db, sql, company_id, 0, e)) return -1;
        for (int b = 0; b < ent->nbalances; b++) {
            snprintf(sql, sizeof sql, "DELETE FROM %s WHERE company_id = ?", ent->balances[b].table);
            if (exec_for_company(c->db, sql, company_id, 0, e)) return -1;
        }
        total_cache_invalidate(ent->name);
    }
    return 0;
}

/* The users the students made (a settings lab) go, with their sign-ins;
 * the student keeps theirs and gets the new root role, and so do the other
 * students of a group's company (any user a students record names). */
static int remove_other_users(entity_ctx *c, int64_t company_id, int64_t student_id, err *e)
{
    const char *students = meta_entity(c->m, "students")->table;
    char others[300], sql[600];
    snprintf(others, sizeof others,
             "SELECT id FROM users WHERE company_id = ? AND id <> ?"
             " AND id NOT IN (SELECT user_id FROM %s WHERE user_id IS NOT NULL AND deleted_at IS NULL)",
             students);
    snprintf(sql, sizeof sql, "DELETE FROM sessions WHERE user_id IN (%s)", others);
    if (exec_for_company(c->db, sql, company_id, student_id, e)) return -1;
    snprintf(sql, sizeof sql, "DELETE FROM user_settings WHERE user_id IN (%s)", others);
    if (exec_for_company(c->db, sql, company_id, student_id, e)) return -1;
    snprintf(sql, sizeof sql, "DELETE FROM record_history WHERE entity = 'users' AND record_id IN (%s)", others);
    if (exec_for_company(c->db, sql, company_id, student_id, e)) return -1;
    snprintf(sql, sizeof sql, "DELETE FROM users WHERE id IN (%s)", others);
    if (exec_for_company(c->db, sql, company_id, student_id, e)) return -1;
    snprintf(sql, sizeof sql,
             "UPDATE users SET role_id = NULL, department_id = NULL WHERE company_id = ?"
             " AND (id = ? OR id IN (SELECT user_id FROM %s WHERE user_id IS NOT NULL AND deleted_at IS NULL))",
             students);
    return exec_for_company(c->db, sql, company_id, student_id, e);
}

/* After the commit: the company's own picklists, custom fields and form
 * layouts are gone, so its metadata is built again (other processes follow
 * the version). */
static void reload_metadata(db_conn *db, void *arg)
{
    (void)arg;
    err ignored;
    err_clear(&ignored);
    (void)meta_reload(db, &ignored);
}

/* Sharing, form layouts, auto-number counters, picklists, custom fields
 * and the records' attachments. */
static int remove_settings(entity_ctx *c, int64_t company_id, err *e)
{
    return exec_for_company(c->db, "DELETE FROM company_settings WHERE company_id = ?", company_id, 0, e) ||
           exec_for_company(c->db, "DELETE FROM counters WHERE company_id = ?", company_id, 0, e) ||
           exec_for_company(c->db, "DELETE FROM picklist_options WHERE company_id = ?", company_id, 0, e) ||
           exec_for_company(c->db, "DELETE FROM custom_fields WHERE company_id = ?", company_id, 0, e) ||
           exec_for_company(c->db, "DELETE FROM attachments WHERE company_id = ?", company_id, 0, e) ||
           meta_bump_version(c->db, e) || db_on_commit(c->db, reload_metadata, NULL, e);
}

/* In a shared company only the student's own records go (owner = the
 * student, lines included, as they are owned like their header), with
 * their history; the student keeps their position. Ledgers (stock moves,
 * payments, receipts) stay: their balances are the whole company's and a
 * ledger is corrected by reversing entries, never rewritten. */
static int remove_own_records(entity_ctx *c, int64_t company_id, int64_t student_id, err *e)
{
    char sql[512];
    for (int i = 0; i < c->m->nentities; i++) {
        const entity_def *ent = &c->m->entities[i];
        if (ent->is_system || ent->immutable || ent->nbalances) continue;
        snprintf(sql, sizeof sql,
                 "DELETE FROM record_history WHERE entity = '%s' AND record_id IN"
                 " (SELECT id FROM %s WHERE company_id = ? AND owner_id = ?)",
                 ent->name, ent->table);
        if (exec_for_company(c->db, sql, company_id, student_id, e)) return -1;
        snprintf(sql, sizeof sql, "DELETE FROM %s WHERE company_id = ? AND owner_id = ?", ent->table);
        if (exec_for_company(c->db, sql, company_id, student_id, e)) return -1;
        total_cache_invalidate(ent->name);
    }
    return 0;
}

/* 1 when the student's company is their class's shared one, 0 when it is
 * their own, -1 on error (the class read as the teacher sees it). */
static int in_shared_company(entity_ctx *c, const json_t *student, int64_t company_id, err *e)
{
    strbuf text = STRBUF_INIT;
    int rc = entity_get(c, meta_entity(c->m, "classes"), json_integer_value(json_object_get(student, "class_id")), 0,
                        &text, e);
    json_t *k = rc ? NULL : json_loads(sb_str(&text), 0, NULL);
    sb_free(&text);
    if (rc) return -1;
    const char *mode = json_string_value(json_object_get(k, "mode"));
    int shared = mode && strcmp(mode, "shared_company") == 0 &&
                 json_integer_value(json_object_get(k, "shared_company_id")) == company_id;
    json_decref(k);
    return shared;
}

/* The action 重置实验公司 of a student (students.json): inside the
 * action's transaction, so the company is either reset or untouched. The
 * asked `dataset` (行业数据) is then loaded, owned by the student. */
static int reset_company(entity_ctx *c, const entity_def *ent, const action_def *act, int64_t id, json_t *record,
                         json_t *body, json_t *changes, json_t *result, err *e)
{
    (void)ent, (void)act, (void)id;
    int64_t company_id = json_integer_value(json_object_get(record, "sandbox_company_id"));
    int64_t user_id = json_integer_value(json_object_get(record, "user_id"));
    if (!teaches(c->user))
        return err_set(e, 403, "forbidden", "只有教师可以重置学生的实验公司", "Only teachers reset a student's company");
    /* never the teacher's own company, whatever a record says */
    if (!company_id || !user_id || company_id == c->user->company_id || company_id == 1)
        return err_set(e, 422, "no_sandbox", "该学生没有自己的实验公司", "The student has no company of their own");
    int shared = in_shared_company(c, record, company_id, e);
    if (shared < 0) return -1;
    if (shared ? remove_own_records(c, company_id, user_id, e)
               : remove_records(c, company_id, e) || remove_other_users(c, company_id, user_id, e) ||
                     remove_settings(c, company_id, e) || access_seed_company(c->db, company_id, e) ||
                     access_seed_admin_role(c->db, e) || acl_bump_version(c->db, e))
        return -1;
    const char *dataset = json_string_value(json_object_get(body, "dataset"));
    json_t *loaded = json_object();
    int rc = dataset ? dataset_load(c, dataset, company_id, user_id, shared, loaded, e) : 0;
    if (!dataset) json_object_set_new(changes, "dataset", json_null()); /* the company holds none now */
    json_object_set_new(result, "company_id", json_integer(company_id));
    json_object_set_new(result, "shared", json_boolean(shared));
    json_object_set_new(result, "loaded", loaded);
    return rc;
}

void teaching_init(void)
{
    entity_before("classes", ON_WRITE | ON_DELETE, teachers_write);
    entity_before("assignments", ON_WRITE | ON_DELETE, teachers_write);
    entity_before("assignments", ON_WRITE, assignment_rules);
    custom_experiments_init();
    entity_before("students", ON_CREATE, students_by_import);
    entity_before("students", ON_UPDATE | ON_DELETE, teachers_write);
    entity_before("students", ON_UPDATE, dataset_by_reset);
    entity_register_action("student_reset_company", reset_company);
    positions_init();
}
