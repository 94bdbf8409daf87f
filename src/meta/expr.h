/* expr.h - the closed expression language of computed fields.
 *
 *   round(quantity * price, 2)
 *   sum(lines.amount)
 *   count(activities where status = 'done')
 *   sum(opportunities.amount where stage not in ('won', 'lost'))
 *
 * Literals (12, 3.50, 'text', true, false, null), field references, + - * /,
 * unary minus, = != < <= > >=, [not] in (...), and/or/not, and the
 * functions round(x, digits), min(a, b, ...), max(a, b, ...), abs(x),
 * if(cond, a, b), coalesce(a, b, ...), rmb_upper(x) (x rounded to the 分
 * in Chinese capitals: the text of a computed text field such as 大写金额),
 * plus the aggregates sum, count, min and max over a relation with an
 * optional `where` filter.
 *
 * Numbers are exact: a 128-bit mantissa and a scale (fraction digits),
 * never a double. + - * are exact; a / b keeps EXPR_DIV_SCALE fraction
 * digits (more when an operand has more, at most EXPR_MAX_SCALE), cut
 * toward zero, so the final half-up rounding to the target field's scale
 * sees the same side of every .5 the exact quotient would. A product with
 * more than EXPR_MAX_SCALE digits is cut the same way. A mantissa past
 * EXPR_MAX_MANTISSA anywhere, a result that does not fit the stored
 * column (int64 at the field's scale), or a division by zero is an error,
 * never a wrong number. null spreads through arithmetic; comparisons with
 * null are false (= and != compare null as a value); an aggregate skips
 * null values, sum and count of nothing are 0, min and max of nothing null.
 *
 * web/src/utils/expr.js is the same language for the forms;
 * tests/expr-cases.json holds the cases both must agree on. */
#ifndef KEHU_EXPR_H
#define KEHU_EXPR_H

#include <stdint.h>

#include "../util/arena.h"

#define EXPR_DIV_SCALE 12
#define EXPR_MAX_SCALE 18
#define EXPR_MAX_LENGTH 2000 /* characters of one expression */

typedef __int128 expr_int;

typedef enum expr_kind { EV_NULL = 0, EV_NUM, EV_TEXT, EV_BOOL } expr_kind;

typedef struct expr_value {
    expr_kind kind;
    expr_int m; /* EV_NUM: mantissa; EV_BOOL: 0 or 1 */
    int scale;  /* EV_NUM: fraction digits */
    const char *s; /* EV_TEXT */
} expr_value;

typedef enum expr_errcode {
    EXPR_OK = 0,
    EXPR_E_PARSE,    /* bad syntax */
    EXPR_E_UNKNOWN,  /* unknown field, relation or function */
    EXPR_E_TYPE,     /* e.g. text in arithmetic */
    EXPR_E_DIV_ZERO, /* division by zero */
    EXPR_E_OVERFLOW, /* beyond what is held exactly */
} expr_errcode;

typedef struct expr_error {
    expr_errcode code;
    int pos; /* byte offset in the text, for parse errors */
    char zh[200], en[200];
} expr_error;

typedef struct expr_node expr_node;

/* The value of a field of the record being evaluated. Returns 0, or -1
 * (with err filled) when it cannot. */
typedef int (*expr_field_fn)(void *ctx, const char *name, expr_value *out, expr_error *err);
struct expr_env;
/* Calls visit(state, row) once per related record of `relation`, where row
 * reads that record's fields; stops and returns -1 when visit does. */
typedef int (*expr_row_visit)(void *state, const struct expr_env *row, expr_error *err);
typedef int (*expr_rows_fn)(void *ctx, const char *relation, const expr_node *aggregate, expr_row_visit visit,
                            void *state, expr_error *err);

typedef struct expr_env {
    void *ctx;
    expr_field_fn field;
    expr_rows_fn rows; /* NULL: no relations here (rows of an aggregate) */
    arena *a;          /* where text results (rmb_upper) live; NULL: none may be made */
} expr_env;

/* Parses text into a tree allocated in a; NULL with err on bad syntax. */
expr_node *expr_parse(arena *a, const char *text, expr_error *err);

/* Static checking at metadata load: what a name is. */
typedef enum expr_type { ET_UNKNOWN = 0, ET_NUM, ET_TEXT, ET_BOOL, ET_ANY } expr_type;
/* relation NULL: a field of the record itself; else a field of the
 * relation's entity (field NULL: whether the relation exists, ET_ANY). */
typedef expr_type (*expr_type_fn)(void *ctx, const char *relation, const char *field);
/* Checks names and types; the type of the whole expression in *type. */
int expr_check(const expr_node *n, expr_type_fn types, void *ctx, expr_type *type, expr_error *err);
/* Calls fn for every field of the record itself the expression reads
 * (not those inside aggregates), for the order of computed fields. */
void expr_each_field(const expr_node *n, void (*fn)(void *ctx, const char *name), void *ctx);
/* Calls fn for every aggregate with the relation it reads (see
 * expr_aggregate_fields for the related fields it needs). */
void expr_each_relation(const expr_node *n, void (*fn)(void *ctx, const char *relation, const expr_node *aggregate),
                        void *ctx);
/* The related-record fields an aggregate reads (its field and the names in
 * its filter), for the rows callback to select. */
void expr_aggregate_fields(const expr_node *aggregate, void (*fn)(void *ctx, const char *name), void *ctx);

int expr_eval(const expr_node *n, const expr_env *env, expr_value *out, expr_error *err);
/* Evaluates and rounds half-up (away from zero) to scale digits; the
 * result must fit an int64 mantissa (the stored column). Text and
 * booleans are refused for a numeric target (EXPR_E_TYPE). *is_null set
 * when the result is null. */
int expr_eval_scaled(const expr_node *n, const expr_env *env, int scale, int64_t *out, int *is_null,
                     expr_error *err);

/* Helpers shared with tests. "12.50" -> m 1250 scale 2; -1 on bad text. */
int expr_number(const char *text, expr_value *out);
/* Rounds half away from zero to scale digits; -1 on overflow. */
int expr_round(expr_value *v, int scale, expr_error *err);
/* Writes a number as text ("-0.01", "12") into buf. */
void expr_format(const expr_value *v, char *buf, int size);

#endif
