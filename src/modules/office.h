/* office.h - 办公协作 rules metadata cannot say (issue 16): publishing an
 * announcement (公告栏, announcements.json) to its audience and its read
 * receipts (announcement_receipts.json, a personal entity: each receipt is
 * its reader's). */
#ifndef KEHU_OFFICE_H
#define KEHU_OFFICE_H

#include "../entity/entity.h"

/* Most readers of one announcement. */
#define OFFICE_MAX_READERS 10000

/* Registers the action handler "announcement_publish" and the receipts'
 * hook; call once at start-up.
 * Publishing takes {"audience": "all"|"roles"|"departments"|"users",
 * "role_ids"|"department_ids"|"user_ids": [...]} (the list the audience
 * names; recipients are found as POST /messages/send finds them, the
 * author left out; "all" is every active colleague), writes one unread
 * receipt per reader in the action's transaction and stamps 发布时间;
 * result {"recipients": n}. A receipt that becomes read gets its read_at. */
void office_init(void);

/* The reader's receipt of announcement `id` marked read (once: a second
 * call keeps the first time): {"receipt_id", "read_at"}, both null when
 * the user is not among its readers; 404 when they are not and the
 * announcement is not visible to them. */
int office_mark_read(entity_ctx *c, int64_t id, strbuf *out, err *e);

/* Who read announcement `id` and who did not yet: {"read":[{user_id,
 * user_name, read_at}], "unread":[{user_id, user_name}]}; for a user who
 * may edit it (403 otherwise, 404 when not visible). */
int office_receipts(entity_ctx *c, int64_t id, strbuf *out, err *e);

#endif
