/* attachments.h - 附件: files of any record (a contract's scan, a quote's
 * drawings, a ticket's photos), kept in the database (table attachments,
 * base64) so every process serves them. A record's attachments follow the
 * record's rights: whoever sees it lists and downloads them, whoever may
 * change it adds and deletes them. Entities with attachments: those that
 * are not system settings or owned lines (entity_has_attachments). */
#ifndef KEHU_ATTACHMENTS_H
#define KEHU_ATTACHMENTS_H

#include "entity.h"

#define ATTACHMENT_MAX_BYTES (20u << 20) /* one file; larger is 413 */
#define ATTACHMENT_NAME_MAX 200          /* characters of a file name */
#define ATTACHMENTS_PER_RECORD 100
#define IMAGE_MAX_BYTES (5u << 20)       /* a file an image field may show */

int entity_has_attachments(const entity_def *ent);

/* {"items":[{id,name,content_type,size,created_at,created_by,inline}]}
 * of record id, newest first; 404 when the record is not visible. */
int attachments_list(entity_ctx *c, const entity_def *ent, int64_t id, strbuf *out, err *e);

/* Adds a file to record id: 422 for a name that is empty, too long, or
 * names a path; 413 past ATTACHMENT_MAX_BYTES; 404 when the record is not
 * visible, 403 without the right to change it. *out gets the new item. */
int attachments_add(entity_ctx *c, const entity_def *ent, int64_t id, const char *name, const char *content_type,
                    const char *data, size_t len, strbuf *out, err *e);

/* One attachment, checked against its record's visibility (404 otherwise):
 * its bytes (in c->a), name and the type to serve it as. An active type
 * (HTML, SVG, XML, scripts) is served as application/octet-stream, and only
 * raster images may be shown inline. */
typedef struct attachment_file {
    const char *name;
    const char *content_type; /* as stored */
    const char *serve_type;   /* what to send */
    int inline_ok;            /* a raster image: may be shown in the page */
    const char *data;
    size_t len;
} attachment_file;
int attachments_get(entity_ctx *c, int64_t attachment_id, attachment_file *out, err *e);

/* Deletes one attachment: its record's right to change (403), visibility (404).
 * An image field that showed it is emptied. */
int attachments_delete(entity_ctx *c, int64_t attachment_id, err *e);

/* Image fields (type "image", 产品图片) being written on record id (0: a
 * create): each must name an attachment of this very record whose bytes
 * are PNG, JPEG, GIF or WebP, read from the file itself, not from the type
 * the uploader claimed: SVG, HTML or anything else is 422 (the field:
 * not_image; not_found for another record's file). */
int attachments_check_images(entity_ctx *c, const entity_def *ent, int64_t id, const sql_value *vals,
                             const char *present, err *e);

#endif
