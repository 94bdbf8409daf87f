/* office.c - see office.h. */
#include "office.h"

#include <string.h>

#include "../acl/acl.h"
#include "../entity/entity_action.h"
#include "../entity/hooks.h"
#include "../util/clock.h"
#include "messages.h"

static const char *const AUDIENCES[] = {"all", "roles", "departments", "users"};
static const char *const AUDIENCE_LISTS[] = {NULL, "role_ids", "department_ids", "user_ids"};

/* Every active colleague of the author's company, the author left out. */
static int everyone(entity_ctx *c, json_t *out, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.id FROM users t WHERE t.status = 'active' AND t.deleted_at IS NULL AND t.id <> ");
    query_bind_int(&q, c->user->id);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    query_sqlf(&q, " ORDER BY t.id LIMIT %d", OFFICE_MAX_READERS + 1);
    if (query_ids(c->db, &q, out, e)) return -1;
    if (json_array_size(out) > OFFICE_MAX_READERS)
        return err_setf(e, 422, "too_many", "公告的读者不能超过 %d 人", "An announcement has at most %d readers",
                        OFFICE_MAX_READERS);
    if (!json_array_size(out)) {
        err_add_field(e, "audience", "required");
        return err_set(e, 422, "validation_failed", "没有可以阅读公告的同事", "There is nobody to read the announcement");
    }
    return 0;
}

/* The readers the publish body names into `readers`; the audience's word
 * into *audience. */
static int readers_of(entity_ctx *c, json_t *body, json_t *readers, const char **audience, err *e)
{
    const char *word = json_string_value(json_object_get(body, "audience"));
    int k = 0;
    while (k < 4 && !(word && strcmp(word, AUDIENCES[k]) == 0)) k++;
    const char *key;
    json_t *only = json_object();
    size_t unknown = 0;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (strcmp(key, "audience") == 0 || (k > 0 && k < 4 && strcmp(key, AUDIENCE_LISTS[k]) == 0)) continue;
        err_add_field(e, key, "unknown");
        unknown++;
    }
    if (k == 4 || unknown) {
        json_decref(only);
        if (k == 4) err_add_field(e, "audience", word ? "invalid" : "required");
        return err_set(e, 422, "validation_failed", "请选择发布范围：全体员工、角色、部门或人员，并只给出对应的名单",
                       "Choose the audience (all, roles, departments or users) and give only its list");
    }
    *audience = AUDIENCES[k];
    if (k == 0) return json_decref(only), everyone(c, readers, e);
    json_t *list = json_object_get(body, AUDIENCE_LISTS[k]);
    if (!json_is_array(list) || !json_array_size(list)) {
        json_decref(only);
        err_add_field(e, AUDIENCE_LISTS[k], "required");
        return err_set(e, 422, "validation_failed", "请选择发布给哪些角色、部门或人员",
                       "Choose the roles, departments or people to publish to");
    }
    json_object_set(only, AUDIENCE_LISTS[k], list);
    int rc = messages_recipients(c, only, 0, readers, e);
    json_decref(only);
    return rc;
}

/* The action's handler: one unread receipt per reader, owned by the reader. */
static int publish(entity_ctx *c, const entity_def *ent, const action_def *act, int64_t id, json_t *record,
                   json_t *body, json_t *changes, json_t *result, err *e)
{
    (void)ent, (void)act, (void)record;
    const entity_def *receipts = meta_entity(c->m, "announcement_receipts");
    json_t *readers = json_array();
    const char *audience = NULL;
    int rc = readers_of(c, body, readers, &audience, e);
    entity_ctx server = *c;
    server.trusted = 1; /* the link to the announcement is the server's to set */
    size_t i;
    json_t *to;
    json_array_foreach(readers, i, to) {
        if (rc) break;
        json_t *b = json_pack("{s:I,s:b}", "announcement_id", (json_int_t)id, "is_read", 0);
        int64_t rid = 0;
        rc = entity_create(&server, receipts, b, &rid, e) ||
             entity_set_owner(&server, receipts, rid, json_integer_value(to), c->user->id, e);
        json_decref(b);
    }
    if (!rc) {
        char now[ISO_TIME_LEN];
        iso_now(now);
        json_object_set_new(changes, "published_at", json_string(now));
        json_object_set_new(changes, "audience", json_string(audience));
        json_object_set_new(result, "recipients", json_integer((json_int_t)json_array_size(readers)));
    }
    json_decref(readers);
    return rc;
}

/* A receipt that becomes read is stamped with the time, once. */
static int stamp_read(entity_ctx *c, hook_change *ch, err *e)
{
    if (!hook_changed(ch, "is_read") || hook_int(ch, "is_read", 0) != 1) return 0;
    const sql_value *old = hook_old(ch, "read_at");
    if (old->kind != SV_NULL) return 0;
    char now[ISO_TIME_LEN];
    iso_now(now);
    return hook_set_text(ch, "read_at", arena_strdup(c->a, now), e); /* kept until the write is done */
}

/* The user's live receipt of the announcement: its id (0 when none) and
 * whether it is read. */
static int own_receipt(entity_ctx *c, int64_t announcement, int64_t *rid, int *is_read, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.id, t.is_read FROM announcement_receipts t WHERE t.deleted_at IS NULL AND t.announcement_id = ");
    query_bind_int(&q, announcement);
    query_sql(&q, " AND t.owner_id = ");
    query_bind_int(&q, c->user->id);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    if (!s) return query_free(&q), -1;
    query_bind_all(&q, s);
    int step = db_step(s);
    *rid = step == DB_ROW ? db_column_int64(s, 0) : 0;
    *is_read = step == DB_ROW && db_column_int64(s, 1) != 0;
    db_finalize(s);
    query_free(&q);
    return step < 0 ? err_set(e, 500, "db_error", "读取阅读回执失败", "Cannot read the receipt") : 0;
}

static int visible(entity_ctx *c, int64_t id, err *e)
{
    const entity_def *ent = meta_entity(c->m, "announcements");
    strbuf ignored = STRBUF_INIT;
    int rc = entity_get(c, ent, id, 0, &ignored, e);
    sb_free(&ignored);
    return rc;
}

int office_mark_read(entity_ctx *c, int64_t id, strbuf *out, err *e)
{
    int64_t rid;
    int is_read;
    if (own_receipt(c, id, &rid, &is_read, e)) return -1;
    /* a reader's receipt is enough; others learn only whether it exists */
    if (!rid) return visible(c, id, e) ? -1 : (sb_append(out, "{\"receipt_id\":null,\"read_at\":null}"), 0);
    const entity_def *receipts = meta_entity(c->m, "announcement_receipts");
    if (!is_read) {
        json_t *b = json_pack("{s:b}", "is_read", 1);
        int rc = entity_update(c, receipts, rid, b, 0, e);
        json_decref(b);
        if (rc) return -1;
    }
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT read_at FROM announcement_receipts WHERE id = ");
    query_bind_int(&q, rid);
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    if (!s) return query_free(&q), -1;
    query_bind_all(&q, s);
    int step = db_step(s);
    sb_printf(out, "{\"receipt_id\":%lld,\"read_at\":", (long long)rid);
    if (step == DB_ROW && !db_column_is_null(s, 0)) sb_json_string(out, db_column_text(s, 0));
    else sb_append(out, "null");
    sb_putc(out, '}');
    db_finalize(s);
    query_free(&q);
    return step < 0 ? err_set(e, 500, "db_error", "读取阅读回执失败", "Cannot read the receipt") : 0;
}

int office_receipts(entity_ctx *c, int64_t id, strbuf *out, err *e)
{
    const entity_def *ent = meta_entity(c->m, "announcements");
    if (visible(c, id, e)) return -1;
    if (!acl_can(c->user, ent, ACL_EDIT))
        return err_set(e, 403, "forbidden", "没有查看阅读情况的权限", "No permission to see who read it");
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.owner_id, u.name, t.is_read, t.read_at FROM announcement_receipts t"
                  " JOIN users u ON u.id = t.owner_id WHERE t.deleted_at IS NULL AND t.announcement_id = ");
    query_bind_int(&q, id);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    query_sql(&q, " ORDER BY t.read_at, u.name, t.owner_id");
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    if (!s) return query_free(&q), -1;
    query_bind_all(&q, s);
    strbuf unread = STRBUF_INIT;
    int step, nread = 0, nunread = 0;
    sb_append(out, "{\"read\":[");
    while ((step = db_step(s)) == DB_ROW) {
        int is_read = db_column_int64(s, 2) != 0;
        strbuf *b = is_read ? out : &unread;
        if (is_read ? nread++ : nunread++) sb_putc(b, ',');
        sb_printf(b, "{\"user_id\":%lld,\"user_name\":", (long long)db_column_int64(s, 0));
        sb_json_string(b, db_column_is_null(s, 1) ? "" : db_column_text(s, 1));
        if (is_read) {
            sb_append(b, ",\"read_at\":");
            if (db_column_is_null(s, 3)) sb_append(b, "null");
            else sb_json_string(b, db_column_text(s, 3));
        }
        sb_putc(b, '}');
    }
    db_finalize(s);
    query_free(&q);
    sb_printf(out, "],\"unread\":[%s]}", sb_str(&unread));
    sb_free(&unread);
    return step < 0 ? err_set(e, 500, "db_error", "读取阅读回执失败", "Cannot read the receipts") : 0;
}

void office_init(void)
{
    entity_register_action("announcement_publish", publish);
    entity_before("announcement_receipts", ON_WRITE, stamp_read);
}
