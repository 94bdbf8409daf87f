/* mutf7.h - IMAP's modified UTF-7 (RFC 3501 §5.1.3), the form a mailbox
 * name takes on the wire: printable ASCII stands for itself ("&" as "&-"),
 * anything else is UTF-16 in modified base64 ("," for "/") between "&" and
 * "-". A folder an administrator names 客服 is "&W6JnDQ-" to the server. */
#ifndef KEHU_MUTF7_H
#define KEHU_MUTF7_H

#include <stddef.h>

/* Encodes the UTF-8 name into out (NUL-ended). 0, or -1 when the name is
 * not valid UTF-8, holds a control character, or does not fit. */
int mutf7_encode(const char *utf8, char *out, size_t out_size);

#endif
