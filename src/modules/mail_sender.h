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

/* Starts the worker on its own connection to db_url (copied). 0, or -1
 * when the thread cannot start. */
int mail_worker_start(const char *db_url);
/* Asks it to stop and waits for the message in hand. */
void mail_worker_stop(void);

#endif
