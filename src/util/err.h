/* err.h - errors are values. A function that can fail fills an err and
 * returns non-zero; the http layer turns it into the documented body
 *   {"error":{"code":"...","message":"...","fields":{"name":"required"}}}
 * Messages are kept in both languages because the layer that fails does not
 * know the request's language; the http layer picks one. */
#ifndef KEHU_ERR_H
#define KEHU_ERR_H

#include <stdarg.h>
#include <stddef.h>

#define ERR_MAX_FIELDS 32

typedef struct err_field {
    char name[64];
    char reason[32]; /* required, too_long, invalid, unique, unknown, read_only, ... */
} err_field;

typedef struct err {
    int status;       /* HTTP status: 400, 401, 403, 404, 409, 413, 422, 429, 500 */
    const char *code; /* static string: "validation_failed", "not_found", ... */
    char zh[256];
    char en[256];
    int nfields;
    err_field fields[ERR_MAX_FIELDS];
} err;

void err_clear(err *e);
/* Sets status, code and both messages; returns -1 so callers can
 * `return err_set(...)`. */
int err_set(err *e, int status, const char *code, const char *zh, const char *en);
int err_setf(err *e, int status, const char *code, const char *zh_fmt, const char *en_fmt, ...);
/* The two messages of one event from a format per language taking the
 * same arguments (as err_setf; for other structs that carry zh and en). */
void err_format_pair(char *zh, size_t zh_size, char *en, size_t en_size, const char *zh_fmt, const char *en_fmt,
                     va_list ap);
/* Adds a field-level reason (kept once per field). */
void err_add_field(err *e, const char *field, const char *reason);
/* 422 validation_failed naming one field and its reason: the usual refusal
 * of a business rule (returns -1). */
int err_invalid(err *e, const char *field, const char *reason, const char *zh, const char *en);
const char *err_message(const err *e, const char *lang); /* lang "zh" or "en" */

#endif
