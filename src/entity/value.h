/* value.h - one place that knows how each field type travels: from request
 * JSON (or import text) to the stored form, and from a stored column back to
 * response JSON. Money, percent and decimals are exact scaled integers; dates
 * and datetimes are normalised ISO 8601 text (UTC). */
#ifndef KEHU_VALUE_H
#define KEHU_VALUE_H

#include <jansson.h>

#include "../util/err.h"
#include "../meta/metadata.h"
#include "../meta/query.h"

/* Converts a JSON value for field f into its stored form in *out (text is
 * allocated in a). JSON null gives SV_NULL (the caller checks `required`).
 * On a wrong type, bad format, too long text, unknown picklist option, ...
 * adds a field reason to e (status 422, code validation_failed) and returns
 * -1. Reasons: invalid_type, invalid_format, too_long, not_an_option,
 * out_of_range, too_many_decimals. */
int value_from_json(const field_def *f, const json_t *v, arena *a, sql_value *out, err *e);

/* Same, from text (CSV import, query strings): "" is null; numbers may carry
 * thousands separators "1,234.50" and a trailing "%" for percent; booleans
 * accept 是/否/true/false/1/0/yes/no. */
int value_from_text(const field_def *f, const char *text, arena *a, sql_value *out, err *e);

/* Appends the JSON form of a stored value (column `col` of the current row)
 * to sb: money/decimal/percent as exact JSON numbers (12345.67), multipicklist
 * as an array, boolean as true/false, NULL as null. */
void value_to_json(const field_def *f, db_stmt *s, int col, strbuf *sb);

/* Appends the stored value rendered as plain text for exports (money
 * "12345.67", boolean "是"/"否" or "Yes"/"No", picklist labels in lang). */
void value_to_text(const field_def *f, db_stmt *s, int col, const char *lang, strbuf *sb);

/* Scaled-integer helpers, exposed for reports and tests.
 * "12345.67" scale 2 -> 1234567. Returns -1 on bad text or overflow,
 * -2 when there are more non-zero fraction digits than scale. */
int decimal_parse(const char *text, int scale, int64_t *out);
void decimal_format(int64_t v, int scale, strbuf *sb); /* 1234567,2 -> "12345.67" */

/* Exact sums of scaled integers that may pass int64 (a hundred of the
 * largest amounts do): the SQL sums quotient and remainder by SUM_SPLIT
 * apart, each of which fits, and C joins them in 128 bits. */
#define SUM_SPLIT 1000000
typedef __int128 wide_sum;
/* "COALESCE(SUM((expr) / 1000000), 0), COALESCE(SUM((expr) % 1000000), 0)" */
void sql_split_sum(strbuf *sql, const char *expr);
/* The two columns of sql_split_sum, from col on, joined. */
wide_sum db_split_sum(db_stmt *s, int col);
void decimal_format_wide(wide_sum v, int scale, strbuf *sb);

#endif
