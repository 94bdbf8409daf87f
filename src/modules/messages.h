/* messages.h - 站内消息 (messages.json, a personal entity: each message
 * belongs to its recipient and only they see it). Sending one writes a
 * copy into every recipient's inbox. */
#ifndef KEHU_MESSAGES_H
#define KEHU_MESSAGES_H

#include <jansson.h>

#include "../entity/entity.h"

/* Most recipients of one sending, after roles and departments are expanded. */
#define MESSAGE_MAX_RECIPIENTS 1000

/* One copy of a message in user `to`'s inbox, sent by the context's user
 * (sender_id), of picklist `kind` ("notice", "schedule"). Inside the
 * caller's transaction when there is one. */
int messages_deliver(entity_ctx *c, const entity_def *msgs, int64_t to, const char *kind, const char *subject,
                     const char *text, err *e);

/* POST /api/v1/messages/send: {"subject", "body"?, "user_ids"?, "role_ids"?,
 * "department_ids"?}. The recipients are the active users named, holding
 * one of the roles, or in one of the departments or a department below
 * them, the sender left out; all copies are written in one transaction.
 * Fills `recipients` (an array) with the user ids written to. 422 when a
 * named id does not exist, nobody is left, or more than
 * MESSAGE_MAX_RECIPIENTS would get it. */
int messages_send(entity_ctx *c, json_t *body, json_t *recipients, err *e);

/* The recipients of body's "user_ids", "role_ids", "department_ids" as
 * messages_send finds them (the sender left out), into the array
 * `recipients`; 422 as there, also when `bad` says the caller has already
 * named a bad field of its own. Shared with the announcements (公告栏). */
int messages_recipients(entity_ctx *c, json_t *body, int bad, json_t *recipients, err *e);

#endif
