/* messages.c - see messages.h. */
#include "messages.h"

#include <stdio.h>
#include <string.h>

#include "../acl/acl.h"
#include "../meta/query.h"
#include "../util/utf8.h"

int messages_deliver(entity_ctx *c, const entity_def *msgs, int64_t to, const char *kind, const char *subject,
                     const char *text, err *e)
{
    json_t *body = json_pack("{s:s,s:s,s:s,s:I}", "subject", subject, "kind", kind, "body", text ? text : "",
                             "sender_id", (json_int_t)c->user->id);
    entity_ctx trusted = *c;
    trusted.trusted = 1; /* sender_id is the server's to set */
    int64_t id = 0;
    int rc = entity_create(&trusted, msgs, body, &id, e);
    json_decref(body);
    /* The message belongs to its recipient: only they see it. */
    return rc ? rc : entity_set_owner(&trusted, msgs, id, to, c->user->id, e);
}

/* Runs `sql` + " AND <the user's company>" with one integer parameter;
 * the statement to step, or NULL. Users, roles and departments are each
 * company's own: a message never crosses companies. */
static db_stmt *in_company(entity_ctx *c, const char *sql, int64_t param, query *q, err *e)
{
    query_init(q, c->a);
    query_sql(q, sql);
    query_bind_int(q, param);
    query_sql(q, " AND ");
    acl_company_predicate(c->user, NULL, q);
    db_stmt *s = db_prepare(c->db, sb_str(&q->sql), e);
    if (s) query_bind_all(q, s);
    else query_free(q);
    return s; /* the caller frees q after the statement */
}

/* Every id of the array exists as a live row of `table` in the user's
 * company; names the field otherwise. 0 ok, 1 a bad id, -1 error. */
static int ids_exist(entity_ctx *c, const char *table, const char *field, json_t *ids, err *e)
{
    if (!ids) return 0;
    if (!json_is_array(ids) || json_array_size(ids) > MESSAGE_MAX_RECIPIENTS) return err_add_field(e, field, "invalid"), 1;
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) {
        if (!json_is_integer(v)) return err_add_field(e, field, "invalid_type"), 1;
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE deleted_at IS NULL AND id = ", table);
        query q;
        db_stmt *s = in_company(c, sql, json_integer_value(v), &q, e);
        if (!s) return -1;
        int found = db_step(s) == DB_ROW;
        db_finalize(s);
        query_free(&q);
        if (!found) return err_add_field(e, field, "not_found"), 1;
    }
    return 0;
}

/* The departments named and every department below them, by id, into `out`. */
static int with_sub_departments(entity_ctx *c, json_t *named, json_t *out, err *e)
{
    json_array_extend(out, named);
    for (size_t done = 0; done < json_array_size(out) && json_array_size(out) <= MESSAGE_MAX_RECIPIENTS; done++) {
        query q;
        db_stmt *s = in_company(c, "SELECT id FROM departments WHERE deleted_at IS NULL AND parent_id = ",
                                json_integer_value(json_array_get(out, done)), &q, e);
        if (!s) return -1;
        while (db_step(s) == DB_ROW) {
            int64_t id = db_column_int64(s, 0), seen = 0;
            for (size_t k = 0; k < json_array_size(out) && !seen; k++) seen = json_integer_value(json_array_get(out, k)) == id;
            if (!seen) json_array_append_new(out, json_integer(id));
        }
        db_finalize(s);
        query_free(&q);
    }
    return 0;
}

/* Active users (not the sender) whose column `col` is one of `ids`, added once each. */
static int users_where(entity_ctx *c, const char *col, json_t *ids, json_t *recipients, err *e)
{
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) {
        char sql[160];
        snprintf(sql, sizeof sql, "SELECT id FROM users WHERE status = 'active' AND deleted_at IS NULL AND %s = ", col);
        query q;
        db_stmt *s = in_company(c, sql, json_integer_value(v), &q, e);
        if (!s) return -1;
        while (db_step(s) == DB_ROW) {
            int64_t id = db_column_int64(s, 0), seen = id == c->user->id;
            for (size_t k = 0; k < json_array_size(recipients) && !seen; k++)
                seen = json_integer_value(json_array_get(recipients, k)) == id;
            if (!seen) json_array_append_new(recipients, json_integer(id));
        }
        db_finalize(s);
        query_free(&q);
    }
    return 0;
}

static int check_text(json_t *body, const char *field, int required, size_t max_chars, err *e)
{
    json_t *v = json_object_get(body, field);
    if (!v || json_is_null(v)) return required ? err_add_field(e, field, "required"), 1 : 0;
    if (!json_is_string(v)) return err_add_field(e, field, "invalid_type"), 1;
    const char *s = json_string_value(v);
    if (required && strspn(s, " \t\r\n") == strlen(s)) return err_add_field(e, field, "required"), 1;
    if (utf8_length(s, strlen(s)) > max_chars) return err_add_field(e, field, "too_long"), 1;
    return 0;
}

int messages_send(entity_ctx *c, json_t *body, json_t *recipients, err *e)
{
    const entity_def *msgs = meta_entity(c->m, "messages");
    if (!msgs) return err_set(e, 404, "not_found", "没有站内消息模块", "There is no messages module");
    int bad = check_text(body, "subject", 1, 200, e) | check_text(body, "body", 0, 20000, e);
    if (messages_recipients(c, body, bad, recipients, e)) return -1;
    const char *subject = json_string_value(json_object_get(body, "subject"));
    const char *text = json_string_value(json_object_get(body, "body"));
    if (db_begin(c->db, e)) return -1;
    int rc = 0;
    size_t i;
    json_t *to;
    json_array_foreach(recipients, i, to) {
        if ((rc = messages_deliver(c, msgs, json_integer_value(to), "notice", subject, text, e))) break;
    }
    if (rc == 0) rc = db_commit(c->db, e);
    if (rc) db_rollback(c->db);
    return rc;
}

int messages_recipients(entity_ctx *c, json_t *body, int bad, json_t *recipients, err *e)
{
    json_t *users = json_object_get(body, "user_ids"), *roles = json_object_get(body, "role_ids"),
           *departments = json_object_get(body, "department_ids");
    int rc = ids_exist(c, "users", "user_ids", users, e);
    if (rc >= 0) rc = ids_exist(c, "roles", "role_ids", roles, e) < 0 ? -1 : rc;
    if (rc >= 0) rc = ids_exist(c, "departments", "department_ids", departments, e) < 0 ? -1 : rc;
    if (rc < 0) return -1;
    if (bad || e->nfields)
        return err_set(e, 422, "validation_failed", "请填写标题，并选择存在的用户、角色或部门",
                       "Give a subject and choose existing users, roles or departments");
    json_t *tree = json_array();
    rc = users_where(c, "id", users ? users : tree, recipients, e) || users_where(c, "role_id", roles ? roles : tree, recipients, e);
    if (!rc && departments) rc = with_sub_departments(c, departments, tree, e) || users_where(c, "department_id", tree, recipients, e);
    json_decref(tree);
    if (rc) return -1;
    size_t n = json_array_size(recipients);
    if (n == 0 || n > MESSAGE_MAX_RECIPIENTS) {
        err_add_field(e, "recipients", n ? "too_many" : "required");
        return err_setf(e, 422, "validation_failed", "收件人须为 1 到 %d 位在职同事（不含自己）",
                        "Recipients must be 1 to %d active colleagues (not yourself)", MESSAGE_MAX_RECIPIENTS);
    }
    return 0;
}
