/* strbuf.h - a growable byte string, used to build SQL and JSON output.
 * Owns its heap memory: sb_free() or sb_detach() (caller frees) ends it. */
#ifndef KEHU_STRBUF_H
#define KEHU_STRBUF_H
#include <stddef.h>
#include <stdint.h>

typedef struct strbuf {
    char *data; /* always NUL-terminated once anything was appended */
    size_t len, cap;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0}

void sb_reserve(strbuf *sb, size_t extra);
void sb_append(strbuf *sb, const char *s);
void sb_appendn(strbuf *sb, const char *s, size_t n);
void sb_putc(strbuf *sb, char c);
void sb_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_int64(strbuf *sb, int64_t v);
/* A JSON string literal with quotes; escapes ", \, control characters and
 * U+2028/U+2029. Input must already be valid UTF-8. */
void sb_json_string(strbuf *sb, const char *s);
void sb_json_stringn(strbuf *sb, const char *s, size_t n);
void sb_clear(strbuf *sb);
void sb_free(strbuf *sb);
char *sb_detach(strbuf *sb); /* caller frees; never NULL */
const char *sb_str(const strbuf *sb); /* "" when empty */

#endif
