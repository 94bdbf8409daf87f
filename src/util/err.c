/* err.c - see err.h. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void err_clear(err *e)
{
    e->status = 0;
    e->code = NULL;
    e->zh[0] = e->en[0] = '\0';
    e->nfields = 0;
}

int err_set(err *e, int status, const char *code, const char *zh, const char *en)
{
    e->status = status;
    e->code = code;
    snprintf(e->zh, sizeof e->zh, "%s", zh);
    snprintf(e->en, sizeof e->en, "%s", en);
    return -1;
}

int err_invalid(err *e, const char *field, const char *reason, const char *zh, const char *en)
{
    err_add_field(e, field, reason);
    return err_set(e, 422, "validation_failed", zh, en);
}

/* The formats come from our own string literals at every call site, two
 * per call (one per language), which -Wformat-nonliteral cannot follow. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* Both formats receive the same arguments; an argument one language does
 * not need is skipped with a zero-width conversion such as "%.0s". */
void err_format_pair(char *zh, size_t zh_size, char *en, size_t en_size, const char *zh_fmt, const char *en_fmt,
                     va_list ap)
{
    va_list again;
    va_copy(again, ap);
    vsnprintf(zh, zh_size, zh_fmt, ap);
    vsnprintf(en, en_size, en_fmt, again);
    va_end(again);
}

int err_setf(err *e, int status, const char *code, const char *zh_fmt, const char *en_fmt, ...)
{
    e->status = status;
    e->code = code;
    va_list ap;
    va_start(ap, en_fmt);
    err_format_pair(e->zh, sizeof e->zh, e->en, sizeof e->en, zh_fmt, en_fmt, ap);
    va_end(ap);
    return -1;
}

void err_add_field(err *e, const char *field, const char *reason)
{
    for (int i = 0; i < e->nfields; i++)
        if (strcmp(e->fields[i].name, field) == 0) return;
    if (e->nfields >= ERR_MAX_FIELDS) return;
    err_field *f = &e->fields[e->nfields++];
    snprintf(f->name, sizeof f->name, "%s", field);
    snprintf(f->reason, sizeof f->reason, "%s", reason);
}

const char *err_message(const err *e, const char *lang)
{
    if (lang && strcmp(lang, "en") == 0 && e->en[0]) return e->en;
    return e->zh[0] ? e->zh : e->en;
}
