/* contentline.c - see contentline.h. */
#include "contentline.h"

static size_t utf8_char_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

void contentline_escape(strbuf *line, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\\' || *s == ',' || *s == ';') sb_putc(line, '\\'), sb_putc(line, *s);
        else if (*s == '\n') sb_append(line, "\\n");
        else if (*s != '\r') sb_putc(line, *s);
    }
}

void contentline_fold(strbuf *out, const strbuf *line)
{
    const char *p = sb_str(line);
    size_t n = line->len, col = 0;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_char_len((unsigned char)p[i]);
        if (i + len > n) len = n - i;
        if (col + len > 75) {
            sb_append(out, "\r\n ");
            col = 1;
        }
        sb_appendn(out, p + i, len);
        col += len;
        i += len;
    }
    sb_append(out, "\r\n");
}

void contentline_property(strbuf *out, const char *name, const char *value)
{
    if (!value || !*value) return;
    strbuf line = STRBUF_INIT;
    sb_append(&line, name);
    sb_putc(&line, ':');
    contentline_escape(&line, value);
    contentline_fold(out, &line);
    sb_free(&line);
}
