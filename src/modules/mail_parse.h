/* mail_parse.h - what the inbound mailbox (mail_inbound.c) needs of an
 * email as a mail server stores it (RFC 5322 and MIME): the sender, the
 * subject, the ids it answers, and its text. Written for hostile input:
 * any charset ICU knows is turned into UTF-8 and anything else, invalid
 * UTF-8 included, into valid UTF-8 (U+FFFD); an HTML-only message becomes
 * its text (tags, scripts and styles dropped), never markup to render;
 * MIME nesting is bounded. */
#ifndef KEHU_MAIL_PARSE_H
#define KEHU_MAIL_PARSE_H

#include <stddef.h>

typedef struct inbound_message {
    char *message_id;   /* without the angle brackets; "" when absent */
    char *refs;         /* the ids of In-Reply-To and References, one space between */
    char *from_address; /* lower case; "" when none could be read */
    char *from_name;    /* the display name, decoded; "" when none */
    char *subject;      /* decoded, one line */
    char *text;         /* the body as plain text, valid UTF-8 */
} inbound_message;

/* Reads raw[0..len). Always fills every field (never NULL); 0, or -1 when
 * out of memory. */
int mail_parse(const char *raw, size_t len, inbound_message *m);
void mail_parse_free(inbound_message *m);

/* Valid UTF-8 of at most max_chars characters of s, cut between
 * characters and with "…" when cut; NUL and control characters other than
 * newline and tab dropped. Caller frees. */
char *mail_text_clip(const char *s, size_t max_chars);

#endif
