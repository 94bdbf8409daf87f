/* mail_sender.h - the worker of `kehu serve` that delivers the queue of
 * 通讯记录 (docs/mail.md): email over SMTP (libcurl) with each company's
 * settings, SMS through its gateway (sms.h). Every process runs one; a row
 * is claimed with a conditional UPDATE (待发送 -> 发送中 with a lease), so
 * processes sharing a database send each message once. A failure is
 * retried later (backoff doubling from KEHU_MAIL_RETRY_SECONDS, default
 * 60, at most MAIL_ATTEMPTS_MAX attempts); each company is held to its
 * rate per minute. KEHU_MAIL_POLL_MS (default 1000) is how often an idle
 * worker looks. */
#ifndef KEHU_MAIL_SENDER_H
#define KEHU_MAIL_SENDER_H

#define MAIL_ATTEMPTS_MAX 6

/* The worker's poll: the due rows of every company (待发送 whose time has
 * come, 发送中 whose lease ran out), oldest due first, at most 200; binds
 * now twice. Two arms, each a range of a lookup index of comm_messages
 * (status with the due time), so an idle poll reads no row of the table
 * (tests/unit/test_plans.c pins the plan). */
#define MAIL_DUE_SQL                                                                                               \
    "SELECT id, company_id FROM ("                                                                                 \
    "SELECT id, company_id, next_attempt_at FROM (SELECT id, company_id, next_attempt_at"                          \
    " FROM comm_messages WHERE deleted_at IS NULL AND status = 'pending' AND next_attempt_at <= ?"                 \
    " ORDER BY next_attempt_at, id LIMIT 200) p"                                                                   \
    " UNION ALL "                                                                                                  \
    "SELECT id, company_id, next_attempt_at FROM (SELECT id, company_id, next_attempt_at"                          \
    " FROM comm_messages WHERE deleted_at IS NULL AND status = 'sending' AND claimed_until < ?"                    \
    " ORDER BY claimed_until, id LIMIT 200) l"                                                                     \
    ") d ORDER BY next_attempt_at, id LIMIT 200"

/* Starts the worker on its own connection to db_url (copied). 0, or -1
 * when the thread cannot start. */
int mail_worker_start(const char *db_url);
/* Asks it to stop and waits for the message in hand. */
void mail_worker_stop(void);

#endif
