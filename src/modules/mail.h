/* mail.h - 通讯中心 (issue 16 item 8, docs/mail.md): 沟通模板 with merge
 * fields, the outbound queue of 通讯记录 (one row per recipient, sent by
 * the worker of mail_sender.h), each company's mail settings, and the
 * public links an email carries (unsubscribe, open pixel, click-through).
 * Templates and messages are records (comm_templates.json,
 * comm_messages.json); the rules metadata cannot say live here. */
#ifndef KEHU_MAIL_H
#define KEHU_MAIL_H

#include "../entity/entity.h"

/* Most recipients one send request queues. */
#define MAIL_SEND_MAX 10000

void mail_init(void); /* registers the template checks (before serving) */

/* {"items":[{"key":"contact.name","label":"联系人.姓名"}...]}: the merge
 * fields the caller may use (fields of contacts, accounts and users they
 * may read). */
int mail_merge_fields(entity_ctx *c, strbuf *out, err *e);

/* The template ({"template_id"} or {"channel","subject","body"}) merged
 * for {"contact_id"}: {"to","subject","text","html"}. 422 on unknown merge
 * fields, 404 for a contact the caller cannot see, 422
 * merge_not_readable when a field reaches a record they cannot read. */
int mail_preview(entity_ctx *c, json_t *body, strbuf *out, err *e);

/* Queues {"template_id"} for {"contact_ids"}, {"campaign_id"} (its contact
 * members) or {"filter"} (a contacts list filter): one 通讯记录 per
 * recipient. {"batch","queued","unsubscribed","failed","skipped"}. */
int mail_send(entity_ctx *c, json_t *body, strbuf *out, err *e);

/* {"batch","total","pending","sending","sent","failed","unsubscribed",
 * "opened","clicked"} of the messages of a batch the caller sees. */
int mail_batch(entity_ctx *c, const char *batch, strbuf *out, err *e);

/* The company's settings (administrators): GET without the password
 * ("password_set"), PUT changes the fields given. */
int mail_settings_get(entity_ctx *c, strbuf *out, err *e);
int mail_settings_put(entity_ctx *c, json_t *body, strbuf *out, err *e);

/* The test-double SMS gateway's outbox of the company (administrators). */
int mail_sms_outbox(entity_ctx *c, strbuf *out, err *e);

/* ---- the links of a message (no sign-in; the token is the key) ---- */

/* {"contact_name","unsubscribed"} of the link's recipient. */
int mail_link_info(db_conn *db, arena *a, const char *token, strbuf *out, err *e);
/* Sets the recipient's 拒收邮件 (as the message's sender, through the
 * engine: history and version) and withdraws their waiting emails. */
int mail_link_unsubscribe(db_conn *db, arena *a, const char *token, strbuf *out, err *e);
/* Stamps the first opening; unknown tokens are ignored (a pixel). */
void mail_link_opened(db_conn *db, const char *token);
/* The n-th link of the message (counted), or 404: only a URL that was in
 * the message, never one the request names. */
int mail_link_click(db_conn *db, arena *a, const char *token, const char *n, const char **url, err *e);

#endif
