/* documents.h - 文档中心 (docs/office.md "Documents"): folders shared
 * through the engine's share lists, versions kept as attachments, 投稿
 * through the approvals engine. */
#ifndef KEHU_DOCUMENTS_H
#define KEHU_DOCUMENTS_H

#include <jansson.h>

#include "../entity/entity.h"

/* Registers the hooks and the built-in 投稿 flow; once at start-up. */
void documents_init(void);

/* The document's files, newest first, each with its "version" (1 the
 * oldest) and "current": {"items":[...]}; 404 when not visible. */
int documents_versions(entity_ctx *c, int64_t id, strbuf *out, err *e);
/* Uploads a new version (an attachment, the attachments' rules and
 * limits) and makes it the current one; the old ones stay. */
int documents_add_version(entity_ctx *c, int64_t id, const char *name, const char *content_type, const char *data,
                          size_t len, strbuf *out, err *e);
/* {"ids":[...]}: deletes them all (to the recycle bin) or none. */
int documents_delete_many(entity_ctx *c, json_t *body, strbuf *out, err *e);
/* The 投稿 waiting for the caller, grouped by submitter. */
int documents_submissions(entity_ctx *c, strbuf *out, err *e);

#endif
