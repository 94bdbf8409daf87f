/* filter.h - the `filter` and `sort` list parameters compiled to SQL.
 *
 *   filter={"and":[{"field":"city","op":"eq","value":"南京"},
 *                  {"or":[{"field":"amount","op":"gte","value":1000}, ...]}]}
 *   sort=name,-created_at
 *
 * Field names are looked up in metadata and operators in a fixed table;
 * values are converted by the field's type and bound, so nothing from the
 * request reaches SQL as text. Bounded: depth and node count are limited. */
#ifndef KEHU_FILTER_H
#define KEHU_FILTER_H

#include "../util/err.h"
#include "../meta/metadata.h"
#include "../meta/query.h"

#define FILTER_MAX_DEPTH 8
#define FILTER_MAX_NODES 100
#define FILTER_MAX_IN 500 /* values in one in/nin list */
#define SORT_MAX_KEYS 4

/* Decides whether a field may be used by this caller (field-level access);
 * NULL means every field may be used. */
typedef int (*field_allowed_fn)(const field_def *f, void *ctx);

typedef struct filter_ctx {
    const entity_def *entity;
    db_dialect dialect;
    const char *alias; /* column qualifier, e.g. "t" -> t.city; NULL for none */
    field_allowed_fn allowed;
    void *allowed_ctx;
} filter_ctx;

/* Appends one parenthesised SQL boolean expression to q. An empty filter
 * ("" or {}) appends "1=1". Errors are 400 bad_filter with a message naming
 * the problem (unknown field, unknown op, wrong value type, too deep). */
int filter_compile(const filter_ctx *ctx, const char *json_text, size_t len, query *q, err *e);

/* Appends "ORDER BY ..." for sort text "f1,-f2" (NULL or "" -> the default
 * `default_sort`), always ending with the id so pages are stable. Unknown or
 * unsortable fields (multipicklist, longtext) give 400 bad_sort. NULLs sort
 * first ascending on both backends. */
int sort_compile(const filter_ctx *ctx, const char *sort_text, const char *default_sort, query *q,
                 err *e);

#endif
