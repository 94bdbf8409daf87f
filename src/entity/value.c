/* value.c - see value.h. Exactness rules: money, percent and decimals are
 * parsed from their decimal text into scaled integers (never through a
 * double when the client sent text), and written back from the integer, so
 * 0.1 + 0.2 never becomes 0.30000000000000004 anywhere in Kehu. Times
 * without a zone are taken as China time (UTC+8), the zone of our users. */
#include "value.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/clock.h"
#include "../util/utf8.h"

#define DEFAULT_TEXT_MAX 255
#define DEFAULT_LONGTEXT_MAX 65535
#define SCALED_INT_DIGITS 15 /* integer digits allowed before the point */

/* ---- exact decimals ---- */

int decimal_parse(const char *text, int scale, int64_t *out)
{
    const char *p = text;
    int negative = 0;
    if (*p == '-' || *p == '+') negative = *p++ == '-';
    int64_t v = 0;
    int int_digits = 0, frac_digits = 0, any = 0;
    for (; isdigit((unsigned char)*p); p++, any = 1) {
        if (v == 0 && *p == '0') continue;
        if (++int_digits > SCALED_INT_DIGITS) return -1;
        v = v * 10 + (*p - '0');
    }
    if (*p == '.') {
        p++;
        for (; isdigit((unsigned char)*p); p++, any = 1) {
            if (frac_digits < scale) {
                v = v * 10 + (*p - '0');
                frac_digits++;
            } else if (*p != '0') {
                return -2;
            }
        }
    }
    if (!any || *p) return -1;
    for (; frac_digits < scale; frac_digits++) v *= 10;
    *out = negative ? -v : v;
    return 0;
}

void decimal_format(int64_t v, int scale, strbuf *sb)
{
    decimal_format_wide(v, scale, sb); /* digit by digit: a report writes tens of thousands */
}

void sql_split_sum(strbuf *sql, const char *expr)
{
    sb_printf(sql, "COALESCE(SUM((%s) / %d), 0), COALESCE(SUM((%s) %% %d), 0)", expr, SUM_SPLIT, expr, SUM_SPLIT);
}

wide_sum db_split_sum(db_stmt *s, int col)
{
    return (wide_sum)db_column_int64(s, col) * SUM_SPLIT + db_column_int64(s, col + 1);
}

void decimal_format_wide(wide_sum v, int scale, strbuf *sb)
{
    unsigned __int128 mag = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    char digits[48];
    int n = 0;
    do {
        digits[n++] = (char)('0' + (int)(mag % 10));
        mag /= 10;
    } while (mag && n < (int)sizeof digits);
    while (n <= scale) digits[n++] = '0'; /* at least one digit before the point */
    if (v < 0) sb_putc(sb, '-');
    for (int i = n - 1; i >= 0; i--) {
        sb_putc(sb, digits[i]);
        if (i == scale && scale > 0) sb_putc(sb, '.');
    }
}

/* JSON form: no trailing zeros ("12.5", "3"), still exact. */
static void decimal_json(int64_t v, int scale, strbuf *sb)
{
    strbuf t = STRBUF_INIT;
    decimal_format(v, scale, &t);
    size_t n = t.len;
    if (scale > 0) {
        while (n > 0 && t.data[n - 1] == '0') n--;
        if (n > 0 && t.data[n - 1] == '.') n--;
    }
    sb_appendn(sb, t.data, n);
    sb_free(&t);
}

/* ---- errors ---- */

static int field_error(const field_def *f, const char *reason, err *e)
{
    static const struct {
        const char *reason, *zh, *en;
    } MSG[] = {
        {"invalid_type", "「%s」的数据类型不正确%.0s", "%.0s%s has the wrong type"},
        {"invalid_format", "「%s」格式不正确%.0s", "%.0s%s has an invalid format"},
        {"too_long", "「%s」超过了允许的长度%.0s", "%.0s%s is too long"},
        {"not_an_option", "「%s」不是可选的值%.0s", "%.0s%s is not one of the allowed options"},
        {"out_of_range", "「%s」超出了允许的范围%.0s", "%.0s%s is out of range"},
        {"too_many_decimals", "「%s」的小数位数过多%.0s", "%.0s%s has too many decimal places"},
        {"read_only", "「%s」不能修改%.0s", "%.0s%s cannot be changed"},
    };
    err_add_field(e, f->name, reason);
    for (size_t i = 0; i < sizeof MSG / sizeof MSG[0]; i++)
        if (strcmp(MSG[i].reason, reason) == 0)
            return err_setf(e, 422, "validation_failed", MSG[i].zh, MSG[i].en, f->label_zh, f->label_en);
    return err_setf(e, 422, "validation_failed", "「%s」无效%.0s", "%.0s%s is invalid", f->label_zh, f->label_en);
}

/* ---- dates ---- */

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static int parse_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* "YYYY-MM-DD" at s; returns the characters used or -1. */
static int parse_date_part(const char *s, struct tm *tm)
{
    int y, m, d;
    if (parse_digits(s, 4, &y) || s[4] != '-' || parse_digits(s + 5, 2, &m) || s[7] != '-' ||
        parse_digits(s + 8, 2, &d))
        return -1;
    if (y < 1000 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return -1;
    memset(tm, 0, sizeof *tm);
    tm->tm_year = y - 1900;
    tm->tm_mon = m - 1;
    tm->tm_mday = d;
    return 10;
}

static int parse_date(const char *s, char *out)
{
    struct tm tm;
    if (parse_date_part(s, &tm) != 10 || s[10]) return -1;
    memcpy(out, s, 10);
    out[10] = '\0';
    return 0;
}

/* Accepts "YYYY-MM-DDTHH:MM[:SS[.fff]](Z|+HH:MM|-HH:MM)" and the same with a
 * space or without a zone (China time). Writes "YYYY-MM-DDTHH:MM:SSZ". */
static int parse_datetime(const char *s, char *out)
{
    struct tm tm;
    if (parse_date_part(s, &tm) != 10) return -1;
    const char *p = s + 10;
    int h = 0, mi = 0, sec = 0, offset = CHINA_OFFSET_SECONDS;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (parse_digits(p, 2, &h) || p[2] != ':' || parse_digits(p + 3, 2, &mi)) return -1;
        p += 5;
        if (*p == ':') {
            if (parse_digits(p + 1, 2, &sec)) return -1;
            p += 3;
            if (*p == '.')
                for (p++; isdigit((unsigned char)*p); p++) {}
        }
    } else if (*p) {
        return -1;
    }
    if (h > 23 || mi > 59 || sec > 60) return -1;
    if (*p == 'Z' || *p == 'z') {
        offset = 0;
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (parse_digits(p + 1, 2, &oh) || p[3] != ':' || parse_digits(p + 4, 2, &om) || oh > 14 || om > 59)
            return -1;
        offset = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
        p += 6;
    }
    if (*p) return -1;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec > 59 ? 59 : sec;
    time_t t = timegm(&tm) - offset;
    struct tm utc;
    gmtime_r(&t, &utc);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return 0;
}

/* ---- text checks ---- */

static const char *trim(arena *a, const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
    return arena_strndup(a, s, n);
}

static int valid_email(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@')) return 0;
    const char *dot = strrchr(at, '.');
    if (!dot || dot == at + 1 || !dot[1]) return 0;
    for (const char *p = s; *p; p++)
        if (isspace((unsigned char)*p) || *p == '<' || *p == '>' || *p == '"' || *p == ',') return 0;
    return 1;
}

static int valid_phone(const char *s)
{
    size_t n = strlen(s), digits = 0;
    if (n < 3 || n > 40) return 0;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p)) digits++;
        else if (strchr(" +-()#,;", *p)) continue;
        else if (strncmp(p, "转", 3) == 0) p += 2;
        else if (strncasecmp(p, "ext", 3) == 0) p += 2;
        else return 0;
    }
    return digits >= 3;
}

/* Only web addresses: javascript:, data: and friends are refused. A bare
 * domain ("www.example.cn") gets http://. */
static const char *normalise_url(arena *a, const char *s)
{
    if (strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0)
        return strlen(s) > 10 && !strpbrk(s, " <>\"") ? s : NULL;
    if (strchr(s, ':') || strpbrk(s, " <>\"") || !strchr(s, '.')) return NULL;
    return arena_printf(a, "http://%s", s);
}

static int text_value(const field_def *f, const char *raw, arena *a, sql_value *out, err *e)
{
    if (!utf8_valid(raw, strlen(raw))) return field_error(f, "invalid_format", e);
    const char *s = trim(a, raw);
    if (!*s) {
        out->kind = SV_NULL;
        return 0;
    }
    int max = f->max_length ? f->max_length : f->type == FT_LONGTEXT ? DEFAULT_LONGTEXT_MAX : DEFAULT_TEXT_MAX;
    if (utf8_length(s, strlen(s)) > (size_t)max) return field_error(f, "too_long", e);
    if (f->type == FT_EMAIL && !valid_email(s)) return field_error(f, "invalid_format", e);
    if (f->type == FT_PHONE && !valid_phone(s)) return field_error(f, "invalid_format", e);
    if (f->type == FT_URL && !(s = normalise_url(a, s))) return field_error(f, "invalid_format", e);
    out->kind = SV_TEXT;
    out->s = s;
    return 0;
}

/* People type an option's label as they know it: "A 类（重点客户）", "A类",
 * "A 类" or "a (key account)". Spaces and ASCII case do not count, and the
 * part before a bracket is enough. */
static int label_matches(const char *label, const char *typed)
{
    const char *l = label, *t = typed;
    for (;;) {
        while (*l == ' ') l++;
        while (*t == ' ') t++;
        if (!*t) return !*l || *l == '(' || strncmp(l, "（", strlen("（")) == 0;
        if (!*l || tolower((unsigned char)*l) != tolower((unsigned char)*t)) return 0;
        l++, t++;
    }
}

static const picklist_option *find_option(const field_def *f, const char *v, int by_label)
{
    const picklist_option *o = meta_option(f, v);
    if (o || !by_label) return o;
    for (int i = 0; i < f->noptions; i++)
        if (strcmp(f->options[i].label_zh, v) == 0 || strcmp(f->options[i].label_en, v) == 0)
            return &f->options[i];
    for (int i = 0; i < f->noptions && *v; i++)
        if (label_matches(f->options[i].label_zh, v) || label_matches(f->options[i].label_en, v))
            return &f->options[i];
    return NULL;
}

/* Multi-picklist values are stored as ",a,b," so that "has option a" is
 * LIKE '%,a,%' and option values must not contain commas. */
static int multi_value(const field_def *f, const char **vals, size_t n, int by_label, arena *a,
                       sql_value *out, err *e)
{
    if (n == 0) {
        out->kind = SV_NULL;
        return 0;
    }
    strbuf sb = STRBUF_INIT;
    sb_putc(&sb, ',');
    for (size_t i = 0; i < n; i++) {
        const picklist_option *o = find_option(f, vals[i], by_label);
        if (!o || !o->active) return sb_free(&sb), field_error(f, "not_an_option", e);
        char needle[160];
        snprintf(needle, sizeof needle, ",%s,", o->value);
        if (strstr(sb_str(&sb), needle)) continue; /* duplicates collapse */
        sb_append(&sb, o->value);
        sb_putc(&sb, ',');
    }
    out->kind = SV_TEXT;
    out->s = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return 0;
}

static int scaled_value(const field_def *f, const char *text, sql_value *out, err *e)
{
    int64_t v;
    int rc = decimal_parse(text, f->scale, &v);
    if (rc == -2) return field_error(f, "too_many_decimals", e);
    if (rc) return field_error(f, "invalid_format", e);
    out->kind = SV_INT;
    out->i = v;
    return 0;
}

/* A JSON real as decimal text: the shortest form that reads back as the
 * same double, which is what the client wrote (12345.67, not ...669). */
static void real_text(double d, char *buf, size_t n)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, d);
        if (strtod(buf, NULL) == d) break;
    }
    if (strchr(buf, 'e') || strchr(buf, 'E')) snprintf(buf, n, "%.6f", d); /* 1e-07 style */
}

static int id_value(const field_def *f, int64_t v, sql_value *out, err *e)
{
    if (v <= 0) return field_error(f, "invalid_format", e);
    out->kind = SV_INT;
    out->i = v;
    return 0;
}

/* JSON fields keep their value as compact text with sorted keys, so equal
 * values compare equal and the history shows real changes only. */
#define JSON_FIELD_MAX_BYTES (64 * 1024)
static int json_field_value(const field_def *f, const json_t *v, arena *a, sql_value *out, err *e)
{
    if (!json_is_object(v) && !json_is_array(v)) return field_error(f, "invalid_type", e);
    char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text) return field_error(f, "invalid_format", e);
    int too_long = strlen(text) > JSON_FIELD_MAX_BYTES;
    out->kind = SV_TEXT;
    out->s = arena_strdup(a, text);
    free(text);
    return too_long ? field_error(f, "too_long", e) : 0;
}

int value_from_json(const field_def *f, const json_t *v, arena *a, sql_value *out, err *e)
{
    out->kind = SV_NULL;
    if (f->type == FT_ID || f->type == FT_AUTONUMBER) return field_error(f, "read_only", e);
    if (!v || json_is_null(v)) return 0;
    switch (f->type) {
    case FT_TEXT: case FT_LONGTEXT: case FT_EMAIL: case FT_PHONE: case FT_URL:
        if (!json_is_string(v)) return field_error(f, "invalid_type", e);
        return text_value(f, json_string_value(v), a, out, e);
    case FT_PICKLIST: {
        if (!json_is_string(v)) return field_error(f, "invalid_type", e);
        if (!*json_string_value(v)) return 0;
        const picklist_option *o = find_option(f, json_string_value(v), 0);
        if (!o || !o->active) return field_error(f, "not_an_option", e);
        out->kind = SV_TEXT;
        out->s = o->value;
        return 0;
    }
    case FT_MULTIPICKLIST: {
        if (!json_is_array(v)) return field_error(f, "invalid_type", e);
        size_t n = json_array_size(v);
        const char **vals = arena_alloc(a, sizeof *vals * (n + 1));
        for (size_t i = 0; i < n; i++) {
            if (!json_is_string(json_array_get(v, i))) return field_error(f, "invalid_type", e);
            vals[i] = json_string_value(json_array_get(v, i));
        }
        return multi_value(f, vals, n, 0, a, out, e);
    }
    case FT_INTEGER:
        if (json_is_integer(v)) {
            out->kind = SV_INT;
            out->i = json_integer_value(v);
            return 0;
        }
        if (json_is_real(v) && json_real_value(v) == floor(json_real_value(v)) &&
            fabs(json_real_value(v)) < 9e15) {
            out->kind = SV_INT;
            out->i = (int64_t)json_real_value(v);
            return 0;
        }
        return field_error(f, json_is_real(v) ? "invalid_format" : "invalid_type", e);
    case FT_DECIMAL: case FT_MONEY: case FT_PERCENT: {
        char buf[64];
        if (json_is_integer(v)) snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        else if (json_is_real(v)) real_text(json_real_value(v), buf, sizeof buf);
        else if (json_is_string(v)) return value_from_text(f, json_string_value(v), a, out, e);
        else return field_error(f, "invalid_type", e);
        return scaled_value(f, buf, out, e);
    }
    case FT_BOOLEAN:
        if (!json_is_boolean(v)) return field_error(f, "invalid_type", e);
        out->kind = SV_INT;
        out->i = json_is_true(v);
        return 0;
    case FT_DATE: case FT_DATETIME:
        if (!json_is_string(v)) return field_error(f, "invalid_type", e);
        return value_from_text(f, json_string_value(v), a, out, e);
    case FT_LINK: case FT_USER: case FT_IMAGE:
        if (!json_is_integer(v)) return field_error(f, "invalid_type", e);
        return id_value(f, json_integer_value(v), out, e);
    case FT_JSON:
        return json_field_value(f, v, a, out, e);
    default:
        return field_error(f, "read_only", e);
    }
}

/* Numbers typed by people: "1,234.50", " 12 ", "12.5%". */
static const char *clean_number(arena *a, const char *s, int percent)
{
    char *out = arena_alloc(a, strlen(s) + 1), *w = out;
    for (const char *p = s; *p; p++) {
        if (*p == ',' || *p == ' ' || (*p == '%' && percent && !p[1])) continue;
        *w++ = *p;
    }
    *w = '\0';
    return out;
}

static int boolean_text(const char *s, int *out)
{
    static const char *const yes[] = {"是", "true", "1", "yes", "y", "对", NULL};
    static const char *const no[] = {"否", "false", "0", "no", "n", "错", NULL};
    for (int i = 0; yes[i]; i++)
        if (strcasecmp(s, yes[i]) == 0) return *out = 1, 0;
    for (int i = 0; no[i]; i++)
        if (strcasecmp(s, no[i]) == 0) return *out = 0, 0;
    return -1;
}

int value_from_text(const field_def *f, const char *text, arena *a, sql_value *out, err *e)
{
    out->kind = SV_NULL;
    if (f->type == FT_ID || f->type == FT_AUTONUMBER) return field_error(f, "read_only", e);
    if (!text) return 0;
    if (!utf8_valid(text, strlen(text))) return field_error(f, "invalid_format", e);
    const char *s = trim(a, text);
    if (!*s) return 0;
    char buf[21];
    int b;
    int64_t n;
    switch (f->type) {
    case FT_TEXT: case FT_LONGTEXT: case FT_EMAIL: case FT_PHONE: case FT_URL:
        return text_value(f, s, a, out, e);
    case FT_PICKLIST: {
        const picklist_option *o = find_option(f, s, 1);
        if (!o || !o->active) return field_error(f, "not_an_option", e);
        out->kind = SV_TEXT;
        out->s = o->value;
        return 0;
    }
    case FT_MULTIPICKLIST: {
        /* Imports separate options with commas or the Chinese 、. */
        char *copy = arena_strdup(a, s);
        const char **vals = arena_alloc(a, sizeof *vals * (strlen(s) + 1));
        size_t count = 0;
        for (char *tok = copy; tok && *tok;) {
            char *sep = strpbrk(tok, ",;");
            char *dun = strstr(tok, "、");
            if (dun && (!sep || dun < sep)) *dun = '\0', sep = dun + 2;
            else if (sep) *sep = '\0';
            const char *t = trim(a, tok);
            if (*t) vals[count++] = t;
            tok = sep ? sep + 1 : NULL;
        }
        return multi_value(f, vals, count, 1, a, out, e);
    }
    case FT_INTEGER:
        if (decimal_parse(clean_number(a, s, 0), 0, &n)) return field_error(f, "invalid_format", e);
        out->kind = SV_INT;
        out->i = n;
        return 0;
    case FT_DECIMAL: case FT_MONEY: case FT_PERCENT:
        return scaled_value(f, clean_number(a, s, f->type == FT_PERCENT), out, e);
    case FT_BOOLEAN:
        if (boolean_text(s, &b)) return field_error(f, "invalid_format", e);
        out->kind = SV_INT;
        out->i = b;
        return 0;
    case FT_DATE:
        if (parse_date(s, buf)) return field_error(f, "invalid_format", e);
        out->kind = SV_TEXT;
        out->s = arena_strdup(a, buf);
        return 0;
    case FT_DATETIME:
        if (parse_datetime(s, buf)) return field_error(f, "invalid_format", e);
        out->kind = SV_TEXT;
        out->s = arena_strdup(a, buf);
        return 0;
    case FT_LINK: case FT_USER:
        if (decimal_parse(s, 0, &n)) return field_error(f, "invalid_format", e);
        return id_value(f, n, out, e);
    default:
        return field_error(f, "read_only", e);
    }
}

/* ---- output ---- */

static void multi_json(const char *stored, strbuf *sb)
{
    sb_putc(sb, '[');
    int first = 1;
    for (const char *p = stored; *p;) {
        if (*p == ',') {
            p++;
            continue;
        }
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (!first) sb_putc(sb, ',');
        sb_json_stringn(sb, p, n);
        first = 0;
        p += n;
    }
    sb_putc(sb, ']');
}

void value_to_json(const field_def *f, db_stmt *s, int col, strbuf *sb)
{
    if (db_column_is_null(s, col)) {
        sb_append(sb, "null");
        return;
    }
    switch (f->type) {
    case FT_DECIMAL: case FT_MONEY: case FT_PERCENT:
        decimal_json(db_column_int64(s, col), f->scale, sb);
        break;
    case FT_INTEGER: case FT_LINK: case FT_USER: case FT_ID: case FT_IMAGE:
        sb_int64(sb, db_column_int64(s, col));
        break;
    case FT_BOOLEAN:
        sb_append(sb, db_column_int64(s, col) ? "true" : "false");
        break;
    case FT_MULTIPICKLIST:
        multi_json(db_column_text(s, col), sb);
        break;
    case FT_JSON: /* stored by json_field_value, so it is JSON already */
        sb_append(sb, db_column_text(s, col));
        break;
    default:
        sb_json_string(sb, db_column_text(s, col));
    }
}

static const char *option_label(const field_def *f, const char *value, const char *lang)
{
    const picklist_option *o = meta_option(f, value);
    if (!o) return value;
    return strcmp(lang, "en") == 0 ? o->label_en : o->label_zh;
}

void value_to_text(const field_def *f, db_stmt *s, int col, const char *lang, strbuf *sb)
{
    if (db_column_is_null(s, col)) return;
    int en = lang && strcmp(lang, "en") == 0;
    switch (f->type) {
    case FT_DECIMAL: case FT_MONEY: case FT_PERCENT:
        decimal_format(db_column_int64(s, col), f->scale, sb);
        break;
    case FT_INTEGER: case FT_LINK: case FT_USER: case FT_ID: case FT_IMAGE:
        sb_int64(sb, db_column_int64(s, col));
        break;
    case FT_BOOLEAN:
        sb_append(sb, db_column_int64(s, col) ? (en ? "Yes" : "是") : (en ? "No" : "否"));
        break;
    case FT_PICKLIST:
        sb_append(sb, option_label(f, db_column_text(s, col), lang ? lang : "zh"));
        break;
    case FT_MULTIPICKLIST: {
        char *copy = strdup(db_column_text(s, col));
        int first = 1;
        for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
            if (!first) sb_append(sb, en ? ", " : "、");
            sb_append(sb, option_label(f, tok, lang ? lang : "zh"));
            first = 0;
        }
        free(copy);
        break;
    }
    default:
        sb_append(sb, db_column_text(s, col));
    }
}
