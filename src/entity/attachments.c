/* attachments.c - see attachments.h. */
#include "attachments.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../acl/acl.h"
#include "../util/clock.h"
#include "../util/utf8.h"
#include "../meta/query.h"

int entity_has_attachments(const entity_def *ent)
{
    return !ent->is_system && !ent->owner;
}

static int not_found(err *e)
{
    return err_set(e, 404, "not_found", "附件不存在", "No such attachment");
}

/* The record is there for this user (404 as for the record itself). */
static int record_visible(entity_ctx *c, const entity_def *ent, int64_t id, err *e)
{
    strbuf ignored = STRBUF_INIT;
    int rc = entity_get(c, ent, id, 0, &ignored, e);
    sb_free(&ignored);
    return rc;
}

/* ... and this user may change it (403 otherwise). */
static int record_writable(entity_ctx *c, const entity_def *ent, int64_t id, err *e)
{
    if (record_visible(c, ent, id, e)) return -1;
    if (!acl_can(c->user, ent, ACL_EDIT))
        return err_setf(e, 403, "forbidden", "没有修改「%s」的权限", "No permission to change %s", ent->label_zh,
                        ent->label_en);
    query q;
    query_init(&q, c->a);
    query_sqlf(&q, "SELECT 1 FROM %s t WHERE t.id = ", ent->table);
    query_bind_int(&q, id);
    query_sql(&q, " AND t.deleted_at IS NULL AND ");
    acl_write_predicate(c->user, ent, "t", 0, &q);
    db_stmt *s = db_prepare(c->db, sb_str(&q.sql), e);
    if (s) query_bind_all(&q, s);
    query_free(&q);
    if (!s) return -1;
    int rc = db_step(s);
    db_finalize(s);
    if (rc < 0) return err_set(e, 500, "db_error", "读取记录失败", "Cannot read the record");
    return rc == DB_ROW ? 0 : err_set(e, 403, "forbidden", "只能为自己或下级的记录添加和删除附件",
                                      "Only the owner and the people above may change a record's attachments");
}

/* Types a browser would run or render as a page: never served as such. */
static int active_type(const char *t)
{
    static const char *const active[] = {"text/html", "application/xhtml", "image/svg", "text/xml", "application/xml",
                                         "text/javascript", "application/javascript", "application/ecmascript",
                                         "text/ecmascript", "application/x-sh", NULL};
    for (int i = 0; active[i]; i++)
        if (strncasecmp(t, active[i], strlen(active[i])) == 0) return 1;
    return strstr(t, "+xml") != NULL || strstr(t, "script") != NULL;
}

static int raster_image(const char *t)
{
    static const char *const ok[] = {"image/png", "image/jpeg", "image/gif", "image/webp", NULL};
    for (int i = 0; ok[i]; i++)
        if (strcasecmp(t, ok[i]) == 0) return 1;
    return 0;
}

/* A plain type/subtype without parameters, or application/octet-stream. */
static const char *clean_type(arena *a, const char *t)
{
    if (!t) return "application/octet-stream";
    size_t n = strcspn(t, "; \t");
    if (n == 0 || n > 100) return "application/octet-stream";
    for (size_t i = 0; i < n; i++) {
        char ch = t[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || strchr("/.+-_", ch)))
            return "application/octet-stream";
    }
    return memchr(t, '/', n) ? arena_strndup(a, t, n) : "application/octet-stream";
}

static int check_name(const char *name, err *e)
{
    size_t n = name ? strlen(name) : 0;
    const char *why = NULL;
    if (n == 0) why = "required";
    else if (!utf8_valid(name, n) || utf8_count(name, n) > ATTACHMENT_NAME_MAX) why = "too_long";
    else if (strpbrk(name, "/\\") || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) why = "invalid_format";
    for (const unsigned char *p = (const unsigned char *)name; !why && *p; p++)
        if (*p < 0x20 || *p == 0x7f) why = "invalid_format";
    if (!why) return 0;
    err_add_field(e, "name", why);
    return err_setf(e, 422, "validation_failed", "文件名需要 1 到 %d 个字符，且不能含路径或控制字符",
                    "A file name needs 1 to %d characters, without a path or control characters", ATTACHMENT_NAME_MAX);
}

static void item_json(strbuf *out, int64_t id, const char *name, const char *type, int64_t size, const char *at,
                      int64_t by, const char *by_name)
{
    sb_printf(out, "{\"id\":%lld,\"name\":", (long long)id);
    sb_json_string(out, name);
    sb_append(out, ",\"content_type\":");
    sb_json_string(out, type);
    sb_printf(out, ",\"size\":%lld,\"created_at\":", (long long)size);
    sb_json_string(out, at);
    if (by) sb_printf(out, ",\"created_by\":%lld,\"created_by_name\":", (long long)by);
    else sb_append(out, ",\"created_by\":null,\"created_by_name\":");
    if (by_name) sb_json_string(out, by_name);
    else sb_append(out, "null");
    sb_printf(out, ",\"inline\":%s}", raster_image(type) ? "true" : "false");
}

int attachments_list(entity_ctx *c, const entity_def *ent, int64_t id, strbuf *out, err *e)
{
    if (!entity_has_attachments(ent)) return not_found(e);
    if (record_visible(c, ent, id, e)) return -1;
    db_stmt *s = db_prepare(c->db,
                            "SELECT a.id, a.name, a.content_type, a.size, a.created_at, a.created_by, u.name"
                            " FROM attachments a LEFT JOIN users u ON u.id = a.created_by"
                            " WHERE a.company_id = ? AND a.entity = ? AND a.record_id = ? ORDER BY a.id DESC",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, c->user->company_id);
    db_bind_text(s, 2, ent->name);
    db_bind_int64(s, 3, id);
    sb_append(out, "{\"items\":[");
    int rc, n = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        if (n++) sb_putc(out, ',');
        item_json(out, db_column_int64(s, 0), db_column_text(s, 1), db_column_text(s, 2), db_column_int64(s, 3),
                  db_column_text(s, 4), db_column_int64(s, 5), db_column_is_null(s, 6) ? NULL : db_column_text(s, 6));
    }
    db_finalize(s);
    sb_append(out, "]}");
    return rc < 0 ? err_set(e, 500, "db_error", "读取附件失败", "Cannot read attachments") : 0;
}

static int room_for_one_more(entity_ctx *c, const entity_def *ent, int64_t id, err *e)
{
    char company[24], rid[24];
    snprintf(company, sizeof company, "%lld", (long long)c->user->company_id);
    snprintf(rid, sizeof rid, "%lld", (long long)id);
    const char *params[] = {company, ent->name, rid};
    int64_t n = 0;
    if (db_query_int64(c->db,
                       "SELECT COUNT(*) FROM attachments WHERE company_id = CAST(? AS BIGINT) AND entity = ?"
                       " AND record_id = CAST(? AS BIGINT)",
                       &n, e, 3, params) < 0)
        return -1;
    if (n < ATTACHMENTS_PER_RECORD) return 0;
    return err_setf(e, 422, "too_many_attachments", "一条记录最多 %d 个附件", "A record has at most %d attachments",
                    ATTACHMENTS_PER_RECORD);
}

int attachments_add(entity_ctx *c, const entity_def *ent, int64_t id, const char *name, const char *content_type,
                    const char *data, size_t len, strbuf *out, err *e)
{
    if (!entity_has_attachments(ent)) return not_found(e);
    if (len > ATTACHMENT_MAX_BYTES)
        return err_setf(e, 413, "too_large", "附件不能超过 %u MB", "An attachment may be at most %u MB",
                        ATTACHMENT_MAX_BYTES >> 20);
    if (check_name(name, e) || record_writable(c, ent, id, e) || room_for_one_more(c, ent, id, e)) return -1;
    const char *type = clean_type(c->a, content_type);
    size_t cap = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(cap);
    if (!b64) return err_set(e, 500, "internal_error", "内存不足", "Out of memory");
    sodium_bin2base64(b64, cap, (const unsigned char *)data, len, sodium_base64_VARIANT_ORIGINAL);
    char now[ISO_TIME_LEN];
    iso_now(now);
    db_stmt *s = db_prepare(c->db,
                            "INSERT INTO attachments(company_id, entity, record_id, name, content_type, size, data,"
                            " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                            e);
    if (!s) return free(b64), -1;
    db_bind_int64(s, 1, c->user->company_id);
    db_bind_text(s, 2, ent->name);
    db_bind_int64(s, 3, id);
    db_bind_text(s, 4, name);
    db_bind_text(s, 5, type);
    db_bind_int64(s, 6, (int64_t)len);
    db_bind_text(s, 7, b64);
    db_bind_text(s, 8, now);
    db_bind_int64(s, 9, c->user->id);
    int rc = db_step(s);
    int64_t new_id = rc == DB_ROW ? db_column_int64(s, 0) : 0;
    db_finalize(s);
    free(b64);
    if (!new_id) return err_set(e, 500, "db_error", "保存附件失败", "Cannot save the attachment");
    item_json(out, new_id, name, type, (int64_t)len, now, c->user->id, c->user->name);
    return entity_log(c, ent, id, "attachment", "attachments", NULL, arena_printf(c->a, "添加附件：%s", name), e);
}

typedef struct stored {
    const entity_def *ent;
    int64_t record_id;
    const char *name, *type, *b64;
    int64_t size;
} stored;

/* The attachment's row of the user's company, and its record's entity. */
static int find(entity_ctx *c, int64_t attachment_id, int with_data, stored *out, err *e)
{
    db_stmt *s = db_prepare(c->db,
                            with_data ? "SELECT entity, record_id, name, content_type, size, data FROM attachments"
                                        " WHERE id = ? AND company_id = ?"
                                      : "SELECT entity, record_id, name, content_type, size, '' FROM attachments"
                                        " WHERE id = ? AND company_id = ?",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, attachment_id);
    db_bind_int64(s, 2, c->user->company_id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        out->ent = meta_entity(c->m, db_column_text(s, 0));
        out->record_id = db_column_int64(s, 1);
        out->name = arena_strdup(c->a, db_column_text(s, 2));
        out->type = arena_strdup(c->a, db_column_text(s, 3));
        out->size = db_column_int64(s, 4);
        out->b64 = arena_strdup(c->a, db_column_text(s, 5));
    }
    db_finalize(s);
    if (rc < 0) return err_set(e, 500, "db_error", "读取附件失败", "Cannot read the attachment");
    return rc == DB_ROW && out->ent ? 0 : not_found(e);
}

int attachments_get(entity_ctx *c, int64_t attachment_id, attachment_file *out, err *e)
{
    stored a;
    if (find(c, attachment_id, 1, &a, e)) return -1;
    err hidden;
    err_clear(&hidden);
    if (record_visible(c, a.ent, a.record_id, &hidden)) return not_found(e); /* as unknown as a missing one */
    unsigned char *bin = arena_alloc(c->a, (size_t)a.size + 1);
    size_t len = 0;
    if (sodium_base642bin(bin, (size_t)a.size + 1, a.b64, strlen(a.b64), NULL, &len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return err_set(e, 500, "db_error", "附件已损坏", "The attachment is damaged");
    *out = (attachment_file){.name = a.name, .content_type = a.type, .data = (const char *)bin, .len = len,
                             .inline_ok = raster_image(a.type),
                             .serve_type = active_type(a.type) ? "application/octet-stream" : a.type};
    return 0;
}

/* What the first bytes say: one of the four raster formats, or NULL. */
static const char *raster_by_content(const unsigned char *b, size_t n)
{
    if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) return "image/png";
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return "image/jpeg";
    if (n >= 6 && (memcmp(b, "GIF87a", 6) == 0 || memcmp(b, "GIF89a", 6) == 0)) return "image/gif";
    if (n >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0) return "image/webp";
    return NULL;
}

static int refuse_image(const field_def *f, const char *why, err *e)
{
    err_add_field(e, f->name, why);
    if (strcmp(why, "not_found") == 0)
        return err_setf(e, 422, "validation_failed", "「%s」必须是本记录的附件%.0s", "%.0sThe %s must be a file of this record",
                        f->label_zh, f->label_en);
    return err_setf(e, 422, "validation_failed", "「%s」只接受 PNG、JPEG、GIF 或 WebP 图片%.0s",
                    "%.0sThe %s must be a PNG, JPEG, GIF or WebP picture", f->label_zh, f->label_en);
}

static int check_image(entity_ctx *c, const entity_def *ent, int64_t id, const field_def *f, int64_t attachment,
                       err *e)
{
    stored a;
    err missing;
    err_clear(&missing);
    if (!id || find(c, attachment, 1, &a, &missing) || a.ent != ent || a.record_id != id)
        return refuse_image(f, "not_found", e);
    /* 16 base64 characters are the first 12 bytes: enough for every signature */
    unsigned char head[12];
    size_t n = 0;
    size_t b64 = strlen(a.b64);
    sodium_base642bin(head, sizeof head, a.b64, b64 < 16 ? b64 : 16, NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL);
    if (!raster_by_content(head, n) || !raster_image(a.type)) return refuse_image(f, "not_image", e);
    if (a.size > (int64_t)IMAGE_MAX_BYTES) {
        err_add_field(e, f->name, "too_large");
        return err_setf(e, 422, "validation_failed", "「%s」%.0s的图片不能超过 %u MB", "%.0sThe %s may be at most %u MB",
                        f->label_zh, f->label_en, IMAGE_MAX_BYTES >> 20);
    }
    return 0;
}

int attachments_check_images(entity_ctx *c, const entity_def *ent, int64_t id, const sql_value *vals,
                             const char *present, err *e)
{
    for (int i = 0; i < ent->nfields; i++)
        if (ent->fields[i].type == FT_IMAGE && present[i] && vals[i].kind == SV_INT &&
            check_image(c, ent, id, &ent->fields[i], vals[i].i, e))
            return -1;
    return 0;
}

/* The record's image fields that show this file become empty. */
static int forget_image(entity_ctx *c, const stored *a, int64_t attachment_id, err *e)
{
    for (int i = 0; i < a->ent->nfields; i++) {
        const field_def *f = &a->ent->fields[i];
        if (f->type != FT_IMAGE) continue;
        char sql[200];
        snprintf(sql, sizeof sql, "UPDATE %s SET %s = NULL WHERE id = ? AND %s = ?", a->ent->table, meta_column(f),
                 meta_column(f));
        db_stmt *s = db_prepare(c->db, sql, e);
        if (!s) return -1;
        db_bind_int64(s, 1, a->record_id);
        db_bind_int64(s, 2, attachment_id);
        int rc = db_step(s);
        db_finalize(s);
        if (rc < 0) return err_set(e, 500, "db_error", "删除附件失败", "Cannot delete the attachment");
    }
    return 0;
}

int attachments_delete(entity_ctx *c, int64_t attachment_id, err *e)
{
    stored a;
    if (find(c, attachment_id, 0, &a, e)) return -1;
    err hidden;
    err_clear(&hidden);
    if (record_visible(c, a.ent, a.record_id, &hidden)) return not_found(e);
    if (record_writable(c, a.ent, a.record_id, e)) return -1;
    db_stmt *s = db_prepare(c->db, "DELETE FROM attachments WHERE id = ? AND company_id = ?", e);
    if (!s) return -1;
    db_bind_int64(s, 1, attachment_id);
    db_bind_int64(s, 2, c->user->company_id);
    int rc = db_step(s);
    db_finalize(s);
    if (rc < 0) return err_set(e, 500, "db_error", "删除附件失败", "Cannot delete the attachment");
    if (forget_image(c, &a, attachment_id, e)) return -1;
    return entity_log(c, a.ent, a.record_id, "attachment", "attachments", arena_printf(c->a, "删除附件：%s", a.name),
                      NULL, e);
}
