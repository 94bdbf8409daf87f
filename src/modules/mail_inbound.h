/* mail_inbound.h - 接收邮箱 (docs/mail.md "Inbound email"): each company's
 * administrator names one IMAP mailbox; the server-jobs worker of `kehu
 * serve` (mail_sender.c) polls it through libcurl and turns each new
 * message into a 服务工单 (or a 销售线索, per the mailbox), or threads a
 * reply onto the ticket or lead it answers. A mailbox is claimed with a
 * lease, as the sender claims a message, so of several processes on one
 * database one polls it at a time; each message is remembered by its UID
 * (and the UIDVALIDITY of the folder) in the same transaction that writes
 * its record, so it is processed exactly once. */
#ifndef KEHU_MAIL_INBOUND_H
#define KEHU_MAIL_INBOUND_H

#include "../entity/entity.h"

/* GET / PUT /api/v1/communications/mailbox (the company's administrators):
 * the settings (the password write-only), the poll's state and the last
 * messages received. */
int mail_inbound_get(entity_ctx *c, strbuf *out, err *e);
int mail_inbound_put(entity_ctx *c, json_t *body, strbuf *out, err *e);

/* One round of the worker: every enabled mailbox whose poll is due
 * (every KEHU_IMAP_POLL_SECONDS, default 60; 0: every round) and not claimed by another
 * process is polled. How many messages were processed, or -1 when the
 * database failed. */
int mail_inbound_round(db_conn *db);

#endif
