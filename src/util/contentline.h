/* contentline.h - the text line format shared by vCard (RFC 2426/6350) and
 * iCalendar (RFC 5545): values escape backslash, comma, semicolon and line
 * breaks; lines end in CRLF and fold at 75 octets with CRLF + space, never
 * inside a UTF-8 character. */
#ifndef KEHU_CONTENTLINE_H
#define KEHU_CONTENTLINE_H

#include "strbuf.h"

/* Appends s escaped as a text value. */
void contentline_escape(strbuf *line, const char *s);
/* Appends `line` to out, folded, with the closing CRLF. */
void contentline_fold(strbuf *out, const strbuf *line);
/* NAME:escaped-value as one folded line; nothing when value is NULL or "". */
void contentline_property(strbuf *out, const char *name, const char *value);

#endif
