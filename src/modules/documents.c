/* documents.c - 文档中心: the rules of folders and documents that metadata
 * cannot say (docs/office.md "Documents"). Reading is the engine's: a
 * folder's share list (doc_folder_shares, "shared_through") lets the
 * colleagues, roles and departments it names read the folder and the
 * documents in it, through the access predicates; nothing here reads
 * around them.
 *   - a document goes only into a folder its writer may change, and a
 *     folder only under one; a folder never under itself or its own
 *     subfolder; a folder with contents is not deleted;
 *   - versions: each uploaded file is an attachment of the document (the
 *     attachments' storage and download rules), numbered; the document
 *     names its current one;
 *   - 投稿: the approvals engine with a built-in flow to the submitter's
 *     superior; publishing moves the document into the company's 公共文档
 *     folder (shared with everyone), returning stamps the reason. */
#include "documents.h"

#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "../entity/attachments.h"
#include "../entity/hooks.h"
#include "../util/clock.h"
#include "approvals.h"

#define FOLDER_DEPTH_MAX 32  /* a tree deeper than this is refused */
#define BATCH_MAX 1000       /* documents deleted at once */
#define SUBMISSIONS_MAX 1000 /* submissions in one inbox answer */

static const entity_def *entity_named(entity_ctx *c, const char *name, err *e)
{
    const entity_def *ent = meta_entity(c->m, name);
    if (!ent) err_setf(e, 500, "bad_metadata", "缺少实体 %s", "Entity %s is missing", name, name);
    return ent;
}

/* Runs q (one integer column) and gives its first row's value; 0 when no row. */
static int query_one(entity_ctx *c, query *q, int64_t *out, err *e)
{
    db_stmt *s = db_prepare(c->db, sb_str(&q->sql), e);
    if (!s) return query_free(q), -1;
    query_bind_all(q, s);
    int step = db_step(s);
    *out = step == DB_ROW ? db_column_int64(s, 0) : 0;
    db_finalize(s);
    query_free(q);
    return step < 0 ? err_set(e, 500, "db_error", "读取文件夹失败", "Cannot read the folder") : 0;
}

/* 1 when the user may change folder id (owner, a superior, modify_all). */
static int folder_writable(entity_ctx *c, const entity_def *folders, int64_t id, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT COUNT(*) FROM doc_folders t WHERE t.deleted_at IS NULL AND t.id = ");
    query_bind_int(&q, id);
    query_sql(&q, " AND ");
    acl_write_predicate(c->user, folders, "t", 0, &q);
    int64_t n;
    return query_one(c, &q, &n, e) ? -1 : n > 0;
}

static int not_your_folder(const char *field, err *e)
{
    err_add_field(e, field, "not_writable");
    return err_set(e, 422, "validation_failed", "只能放入自己可以修改的文件夹（共享给您的文件夹只能查看）",
                   "Only a folder you may change can take it (a folder shared with you is read-only)");
}

/* The link field `field` of the write names a folder the writer may change. */
static int into_own_folder(entity_ctx *c, hook_change *ch, const char *field, err *e)
{
    if (c->trusted || !hook_changed(ch, field)) return 0;
    int64_t folder = hook_int(ch, field, 0);
    if (!folder) return 0;
    const entity_def *folders = entity_named(c, "doc_folders", e);
    int ok = folders ? folder_writable(c, folders, folder, e) : -1;
    return ok < 0 ? -1 : ok ? 0 : not_your_folder(field, e);
}

/* The parent of folder id in the user's company; 0 for a top folder. */
static int parent_of(entity_ctx *c, int64_t id, int64_t *parent, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT COALESCE(t.parent_id, 0) FROM doc_folders t WHERE t.id = ");
    query_bind_int(&q, id);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    return query_one(c, &q, parent, e);
}

/* A folder goes neither under itself nor under one of its subfolders. */
static int no_cycle(entity_ctx *c, hook_change *ch, err *e)
{
    int64_t self = hook_id(ch), up = hook_int(ch, "parent_id", 0);
    if (!self || !hook_changed(ch, "parent_id")) return 0;
    for (int depth = 0; up; depth++) {
        if (up == self || depth >= FOLDER_DEPTH_MAX) {
            err_add_field(e, "parent_id", up == self ? "cycle" : "too_deep");
            return err_set(e, 422, "validation_failed", "上级文件夹不能是它自己或它的子文件夹",
                           "A folder cannot go under itself or one of its subfolders");
        }
        if (parent_of(c, up, &up, e)) return -1;
    }
    return 0;
}

static int folder_rules(entity_ctx *c, hook_change *ch, err *e)
{
    return into_own_folder(c, ch, "parent_id", e) || no_cycle(c, ch, e);
}

/* Live documents or subfolders in folder id. */
static int folder_contents(entity_ctx *c, int64_t id, int64_t *n, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT (SELECT COUNT(*) FROM documents d WHERE d.deleted_at IS NULL AND d.folder_id = ");
    query_bind_int(&q, id);
    query_sql(&q, ") + (SELECT COUNT(*) FROM doc_folders f WHERE f.deleted_at IS NULL AND f.parent_id = ");
    query_bind_int(&q, id);
    query_sql(&q, ")");
    return query_one(c, &q, n, e);
}

/* Deleting a folder would hide what is in it from its readers: empty it first. */
static int folder_empty(entity_ctx *c, hook_change *ch, err *e)
{
    int64_t n;
    if (folder_contents(c, hook_id(ch), &n, e)) return -1;
    if (!n) return 0;
    return err_setf(e, 409, "folder_not_empty", "文件夹中还有 %lld 个文档或子文件夹，请先移走或删除",
                    "The folder still holds %lld documents or subfolders; move or delete them first", (long long)n,
                    (long long)n);
}

/* ---- 投稿 ---- */

/* The company's 公共文档 folder, made (shared with everyone) when the
 * first document is published. */
static int public_folder(entity_ctx *c, int64_t *id, err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT COALESCE(MIN(t.id), 0) FROM doc_folders t WHERE t.deleted_at IS NULL AND t.is_public = 1 AND ");
    acl_company_predicate(c->user, "t", &q);
    if (query_one(c, &q, id, e)) return -1;
    if (*id) return 0;
    const entity_def *folders = entity_named(c, "doc_folders", e);
    if (!folders) return -1;
    entity_ctx srv = *c;
    srv.trusted = 1;
    json_t *body = json_pack("{s:s,s:b,s:s,s:[{s:s}]}", "name", "公共文档", "is_public", 1, "description",
                             "经上级审核发布的文档，全体同事可查看", "shares", "share_with", "all");
    int rc = entity_create(&srv, folders, body, id, e);
    json_decref(body);
    return rc;
}

/* The comment of the document's latest approval request when it was
 * rejected (in c->a), else NULL. */
static int returned_because(entity_ctx *c, int64_t id, const char **reason, err *e)
{
    *reason = NULL;
    query q;
    query_init(&q, c->a);
    query_sql(&q, "SELECT t.status, t.comment FROM approval_requests t WHERE t.deleted_at IS NULL AND t.entity = 'documents'"
                  " AND t.record_id = ");
    query_bind_int(&q, id);
    query_sql(&q, " AND ");
    acl_company_predicate(c->user, "t", &q);
    query_sql(&q, " ORDER BY t.id DESC LIMIT 1");
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    if (!s) return query_free(&q), -1;
    query_bind_all(&q, s);
    int step = db_step(s);
    if (step == DB_ROW && db_column_text(s, 0) && strcmp(db_column_text(s, 0), "rejected") == 0 && db_column_text(s, 1))
        *reason = arena_strdup(c->a, db_column_text(s, 1));
    db_finalize(s);
    query_free(&q);
    return step < 0 ? err_set(e, 500, "db_error", "读取审批申请失败", "Cannot read the approval request") : 0;
}

/* What a move of the 投稿 state stamps: published into 公共文档 with the
 * time; returned with the approver's reason; submitted again clears it. */
static int submission_stamps(entity_ctx *c, hook_change *ch, err *e)
{
    if (!hook_changed(ch, "status")) return 0;
    const char *to = hook_text(ch, "status"), *from = hook_old(ch, "status")->kind == SV_TEXT ? hook_old(ch, "status")->s : "";
    if (!to || strcmp(to, from) == 0) return 0;
    if (strcmp(to, "published") == 0) {
        int64_t folder;
        char now[ISO_TIME_LEN];
        iso_now(now);
        return public_folder(c, &folder, e) || hook_set_int(ch, "folder_id", folder, e) ||
               hook_set_text(ch, "published_at", arena_strdup(c->a, now), e);
    }
    if (strcmp(to, "submitted") == 0) return hook_set(ch, "review_comment", (sql_value){.kind = SV_NULL}, e);
    if (strcmp(to, "draft") == 0 && strcmp(from, "submitted") == 0) {
        const char *reason;
        if (returned_because(c, hook_id(ch), &reason, e)) return -1;
        return reason ? hook_set_text(ch, "review_comment", reason, e) : 0;
    }
    return 0;
}

static int document_rules(entity_ctx *c, hook_change *ch, err *e)
{
    return into_own_folder(c, ch, "folder_id", e) || submission_stamps(c, ch, e);
}

/* {"groups":[{"submitter_id","submitter_name","items":[request...]}],
 * "total":N}: the submissions waiting for the caller, grouped by who
 * submitted them (oldest submitter group first). */
int documents_submissions(entity_ctx *c, strbuf *out, err *e)
{
    strbuf inbox = STRBUF_INIT;
    if (approvals_inbox_of(c, "documents", SUBMISSIONS_MAX, 0, &inbox, e)) return sb_free(&inbox), -1;
    json_t *list = json_loads(sb_str(&inbox), 0, NULL);
    sb_free(&inbox);
    json_t *groups = json_array(), *item;
    size_t i;
    json_array_foreach(json_object_get(list, "items"), i, item)
    {
        int64_t who = json_integer_value(json_object_get(item, "submitted_by"));
        json_t *group = NULL, *g;
        size_t k;
        json_array_foreach(groups, k, g) if (json_integer_value(json_object_get(g, "submitter_id")) == who) group = g;
        if (!group) {
            json_t *name = json_object_get(item, "submitted_by_name");
            group = json_pack("{s:I,s:O,s:[]}", "submitter_id", (json_int_t)who, "submitter_name",
                              name ? name : json_null(), "items");
            json_array_append_new(groups, group);
        }
        json_array_append(json_object_get(group, "items"), item);
    }
    json_t *answer = json_pack("{s:o,s:O}", "groups", groups, "total", list ? json_object_get(list, "total") : json_null());
    char *text = json_dumps(answer, JSON_COMPACT);
    sb_append(out, text);
    free(text);
    json_decref(answer);
    json_decref(list);
    return 0;
}

/* ---- versions ---- */

int documents_versions(entity_ctx *c, int64_t id, strbuf *out, err *e)
{
    const entity_def *docs = entity_named(c, "documents", e);
    strbuf files = STRBUF_INIT;
    if (!docs || attachments_list(c, docs, id, &files, e)) return sb_free(&files), -1;
    json_t *list = json_loads(sb_str(&files), 0, NULL), *item;
    sb_free(&files);
    json_t *items = json_object_get(list, "items");
    size_t i, n = json_array_size(items);
    json_array_foreach(items, i, item) /* newest first: the newest is version n */
    {
        json_object_set_new(item, "version", json_integer((json_int_t)(n - i)));
        json_object_set_new(item, "current", json_boolean(i == 0));
    }
    char *text = json_dumps(list, JSON_COMPACT);
    sb_append(out, text);
    free(text);
    json_decref(list);
    return 0;
}

int documents_add_version(entity_ctx *c, int64_t id, const char *name, const char *content_type, const char *data,
                          size_t len, strbuf *out, err *e)
{
    const entity_def *docs = entity_named(c, "documents", e);
    if (!docs || db_begin(c->db, e)) return -1;
    strbuf added = STRBUF_INIT, record = STRBUF_INIT;
    int rc = attachments_add(c, docs, id, name, content_type, data, len, &added, e);
    if (rc == 0) rc = entity_get(c, docs, id, 0, &record, e);
    json_t *doc = rc == 0 ? json_loads(sb_str(&record), 0, NULL) : NULL;
    json_t *item = rc == 0 ? json_loads(sb_str(&added), 0, NULL) : NULL;
    int64_t version = json_integer_value(json_object_get(doc, "version_no")) + 1;
    if (rc == 0) {
        entity_ctx stamp = *c; /* the current version is the server's to count */
        stamp.trusted = 1;
        json_t *changes = json_pack("{s:I,s:s}", "version_no", (json_int_t)version, "file_name", name);
        rc = entity_update(&stamp, docs, id, changes, 0, e);
        json_decref(changes);
    }
    if (rc == 0) rc = db_commit(c->db, e);
    if (rc) db_rollback(c->db);
    if (rc == 0) {
        json_object_set_new(item, "version", json_integer((json_int_t)version));
        char *text = json_dumps(item, JSON_COMPACT);
        sb_append(out, text);
        free(text);
    }
    json_decref(doc);
    json_decref(item);
    sb_free(&added);
    sb_free(&record);
    return rc;
}

/* ---- batch delete ---- */

static int bad_ids(err *e)
{
    err_add_field(e, "ids", "invalid");
    return err_setf(e, 422, "validation_failed", "ids 必须是 1 到 %d 个文档编号", "ids must be 1 to %d document ids",
                    BATCH_MAX, BATCH_MAX);
}

int documents_delete_many(entity_ctx *c, json_t *body, strbuf *out, err *e)
{
    json_t *ids = json_object_get(body, "ids"), *v;
    size_t n = json_array_size(ids), i;
    if (!json_is_array(ids) || n == 0 || n > BATCH_MAX) return bad_ids(e);
    json_array_foreach(ids, i, v) if (!json_is_integer(v) || json_integer_value(v) <= 0) return bad_ids(e);
    const entity_def *docs = entity_named(c, "documents", e);
    if (!docs || db_begin(c->db, e)) return -1;
    int rc = 0;
    json_array_foreach(ids, i, v) /* all or nothing: one refused document names itself */
    {
        if (rc) break;
        rc = entity_delete(c, docs, json_integer_value(v), 0, e);
    }
    if (rc == 0) rc = db_commit(c->db, e);
    if (rc) return db_rollback(c->db), -1;
    sb_printf(out, "{\"deleted\":%zu}", n);
    return 0;
}

void documents_init(void)
{
    entity_before("doc_folders", ON_WRITE, folder_rules);
    entity_before("doc_folders", ON_DELETE, folder_empty);
    entity_before("documents", ON_WRITE, document_rules);
    approvals_builtin_flow("documents", "{\"name\":\"投稿审核\",\"steps\":[{\"kind\":\"superior\"}]}");
}
