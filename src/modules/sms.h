/* sms.h - the SMS gateway as one interface (docs/mail.md): a provider is
 * a name and a send function; the company's mail settings name the one it
 * uses. Only the test double exists here, since no real gateway is
 * reachable: it records each message in the sms_outbox table, which the
 * administrators (and the tests) read. A real gateway is one more entry in
 * PROVIDERS of sms.c. */
#ifndef KEHU_SMS_H
#define KEHU_SMS_H

#include <stddef.h>
#include <stdint.h>

#include "../db/db.h"

typedef struct sms_provider {
    const char *name;
    /* Sends text to phone for message_id of company: 0, or -1 with the
     * reason (in Chinese, for 失败原因) in error. */
    int (*send)(db_conn *db, int64_t company_id, int64_t message_id, const char *phone, const char *text, char *error,
                size_t error_len);
} sms_provider;

/* The provider called name, or NULL. */
const sms_provider *sms_provider_named(const char *name);

#endif
