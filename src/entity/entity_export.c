/* entity_export.c - the current list as CSV or Excel. It goes through the
 * same WHERE (visibility, filter, search) and the same visible-field plan as
 * the list itself, so an export never shows more than the list would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "../acl/acl.h"
#include "../util/clock.h"
#include "../util/utf8.h"
#include "entity_lines.h"
#include "entity_select.h"
#include "report_table.h"
#include "value.h"

typedef struct export_sink {
    int xlsx;
    strbuf *csv;
    lxw_workbook *book;
    lxw_worksheet *sheet;
    lxw_format *header, *date, *datetime, *money;
    int row, col;
    double *width; /* xlsx: widest cell per column, in character widths */
} export_sink;

/* One exported column: a field of the select plan and where its value sits
 * in the row (a link field takes two columns: id and name). */
typedef struct export_column {
    const field_def *f;
    int at;
} export_column;

/* Characters a spreadsheet skips before it looks for a formula: ASCII
 * controls and spaces, NEL, no-break and ideographic spaces (U+3000, what a
 * Chinese IME types), the Unicode spaces, zero-width space and BOM. */
static int skipped_blank(uint32_t cp)
{
    return cp <= 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 || cp == 0x180E ||
           (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

/* = + - @ and their full-width forms, which East Asian spreadsheets take
 * as the same operators. */
static int formula_lead(uint32_t cp)
{
    return cp == '=' || cp == '+' || cp == '-' || cp == '@' || cp == 0xFF1D || cp == 0xFF0B ||
           cp == 0xFF0D || cp == 0xFF20;
}

/* A cell starting with a formula lead after any blanks, or with tab/CR,
 * would run as a formula in a spreadsheet: prefix it with ' so it stays
 * text. */
static int needs_neutralising(const char *s)
{
    if (*s == '\t' || *s == '\r') return 1;
    const char *end = s + strlen(s);
    uint32_t cp;
    while (s < end && utf8_next(&s, end, &cp) == 0)
        if (!skipped_blank(cp)) return formula_lead(cp);
    return 0;
}

static void csv_cell(strbuf *out, const char *s)
{
    int quote = strpbrk(s, ",\"\r\n") != NULL || needs_neutralising(s);
    if (!quote) {
        sb_append(out, s);
        return;
    }
    sb_putc(out, '"');
    if (needs_neutralising(s)) sb_putc(out, '\'');
    for (; *s; s++) {
        if (*s == '"') sb_putc(out, '"');
        sb_putc(out, *s);
    }
    sb_putc(out, '"');
}

/* Display width of text in a spreadsheet column: a Chinese character is
 * about two Latin ones wide. */
static double text_width(const char *s)
{
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x80) w += 1;
        else if (*p >= 0xC0) w += *p >= 0xE0 ? 2 : 1;
    }
    return w;
}

static void note_width(export_sink *k, double w)
{
    if (k->width && w > k->width[k->col]) k->width[k->col] = w;
}

static void put_text(export_sink *k, const char *text, lxw_format *fmt)
{
    if (k->xlsx) {
        if (*text) {
            const char *t = text;
            char *safe = NULL;
            if (needs_neutralising(t) && (safe = malloc(strlen(t) + 2))) {
                safe[0] = '\'';
                strcpy(safe + 1, t);
                t = safe;
            }
            worksheet_write_string(k->sheet, (lxw_row_t)k->row, (lxw_col_t)k->col, t, fmt);
            note_width(k, text_width(t));
            free(safe);
        }
    } else {
        if (k->col) sb_putc(k->csv, ',');
        csv_cell(k->csv, text);
    }
    k->col++;
}

static void put_number(export_sink *k, double number, lxw_format *fmt, double width)
{
    worksheet_write_number(k->sheet, (lxw_row_t)k->row, (lxw_col_t)k->col, number, fmt);
    note_width(k, width);
    k->col++;
}

static void end_row(export_sink *k)
{
    if (!k->xlsx) sb_append(k->csv, "\r\n");
    k->row++;
    k->col = 0;
}

/* Columns for people: the record's version is the server's business, and
 * the deletion time belongs only to an export of the recycle bin. */
static int exported(const field_def *f, int deleted)
{
    return strcmp(f->name, "version") != 0 && (deleted || strcmp(f->name, "deleted_at") != 0);
}

/* The columns of the export: the fields named in p->fields, in that order
 * (the list's visible columns), or every field the user may see. A named
 * field the user may not see is left out, as the list leaves it out; a name
 * that is no field is a bad request. */
static int export_columns(const entity_def *ent, const select_plan *plan, const list_params *p,
                          arena *a, export_column **out, int *n, err *e)
{
    int *at = arena_alloc(a, sizeof(int) * (size_t)(plan->nfields + 1));
    for (int i = 0, col = 0; i < plan->nfields; i++) {
        at[i] = col;
        col += plan->fields[i]->type == FT_LINK || plan->fields[i]->type == FT_USER ? 2 : 1;
    }
    *out = arena_alloc(a, sizeof(export_column) * (size_t)(plan->nfields + 1));
    *n = 0;
    if (!p->fields || !*p->fields) {
        for (int i = 0; i < plan->nfields; i++)
            if (exported(plan->fields[i], p->deleted)) (*out)[(*n)++] = (export_column){plan->fields[i], at[i]};
        return 0;
    }
    char *names = arena_strdup(a, p->fields), *save = NULL;
    for (char *name = strtok_r(names, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        if (!meta_field(ent, name))
            return err_setf(e, 400, "bad_param", "没有名为 %s 的字段", "There is no field named %s", name);
        for (int i = 0; i < plan->nfields && *n < plan->nfields; i++)
            if (strcmp(plan->fields[i]->name, name) == 0 && exported(plan->fields[i], p->deleted))
                (*out)[(*n)++] = (export_column){plan->fields[i], at[i]};
    }
    if (!*n)
        return err_set(e, 400, "bad_param", "没有可导出的字段", "None of the fields can be exported");
    return 0;
}

/* lines=1: the columns of an owned line after the record's (its own
 * fields, not its stamps or the link back), read from the SQL columns that
 * follow the record's plan. */
static void line_columns(const select_plan *plan, const select_plan *lplan, const relation_def *line, arena *a,
                         export_column **cols, int *n)
{
    int at = 0;
    for (int i = 0; i < plan->nfields; i++) at += plan->fields[i]->type == FT_LINK || plan->fields[i]->type == FT_USER ? 2 : 1;
    export_column *all = arena_alloc(a, sizeof *all * (size_t)(*n + lplan->nfields + 1));
    memcpy(all, *cols, sizeof *all * (size_t)*n);
    for (int i = 0; i < lplan->nfields; i++) {
        const field_def *f = lplan->fields[i];
        if (!f->system && strcmp(f->name, line->field) != 0) all[(*n)++] = (export_column){f, at};
        at += f->type == FT_LINK || f->type == FT_USER ? 2 : 1;
    }
    *cols = all;
}

static void header_row(entity_ctx *c, const export_column *cols, int n, export_sink *k)
{
    int en = strcmp(c->lang, "en") == 0;
    for (int i = 0; i < n; i++) put_text(k, en ? cols[i].f->label_en : cols[i].f->label_zh, k->header);
    end_row(k);
}

/* A stored time "2026-12-03T02:00:00Z" as people in China read it,
 * "2026-12-03 10:00:00" (an import reads that form back as China time). */
static void china_time(const char *iso, strbuf *out)
{
    time_t t;
    if (iso_parse(iso, &t)) {
        if (iso) sb_append(out, iso);
        return;
    }
    t += CHINA_OFFSET_SECONDS;
    struct tm tm;
    char buf[24];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", gmtime_r(&t, &tm));
    sb_append(out, buf);
}

static int is_numeric(const field_def *f)
{
    return f->type == FT_INTEGER || field_is_scaled(f);
}

/* "2026-12-03" or "2026-12-03 10:00:00" as an Excel date serial (days
 * since 1899-12-30, the time as a fraction): Excel keeps wall-clock time,
 * so a date-time goes in as China time. */
static int excel_serial(const char *text, double *out)
{
    int y, mo, d, h = 0, mi = 0, s = 0;
    if (sscanf(text, "%4d-%2d-%2d %2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) < 3) return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = s};
    *out = (double)timegm(&tm) / 86400.0 + 25569.0;
    return 0;
}

static void data_row(entity_ctx *c, const export_column *cols, int n, db_stmt *s, export_sink *k)
{
    strbuf cell = STRBUF_INIT;
    for (int i = 0; i < n; i++) {
        const field_def *f = cols[i].f;
        int col = cols[i].at;
        sb_clear(&cell);
        if (f->type == FT_DATETIME) {
            china_time(db_column_is_null(s, col) ? NULL : db_column_text(s, col), &cell);
        } else if (f->type == FT_LINK || f->type == FT_USER) { /* people read names, not ids */
            const char *name = db_column_text(s, col + 1);
            sb_append(&cell, name ? name : "");
        } else {
            value_to_text(f, s, col, c->lang, &cell);
        }
        double serial;
        int dated = (f->type == FT_DATE || f->type == FT_DATETIME) && excel_serial(sb_str(&cell), &serial) == 0;
        if (k->xlsx && is_numeric(f) && !db_column_is_null(s, col))
            put_number(k, strtod(sb_str(&cell), NULL), f->type == FT_MONEY ? k->money : NULL,
                       (double)cell.len + (f->type == FT_MONEY ? 3 : 0));
        else if (k->xlsx && dated)
            put_number(k, serial, f->type == FT_DATE ? k->date : k->datetime, f->type == FT_DATE ? 10 : 16);
        else
            put_text(k, sb_str(&cell), NULL);
    }
    sb_free(&cell);
    end_row(k);
}

/* A sheet people can work with: a bold header that stays in view and
 * filters, dates and money in their formats, columns as wide as their
 * contents (within reason). */
static int xlsx_begin(export_sink *k, const char *path, const char *sheet_name, int ncols)
{
    k->book = workbook_new(path);
    k->sheet = k->book ? workbook_add_worksheet(k->book, sheet_name) : NULL;
    if (!k->sheet) return -1;
    k->header = workbook_add_format(k->book);
    format_set_bold(k->header);
    format_set_bg_color(k->header, 0xF2F3F5);
    k->date = workbook_add_format(k->book);
    format_set_num_format(k->date, "yyyy-mm-dd");
    k->datetime = workbook_add_format(k->book);
    format_set_num_format(k->datetime, "yyyy-mm-dd hh:mm");
    k->money = workbook_add_format(k->book);
    format_set_num_format(k->money, "#,##0.00");
    k->width = calloc((size_t)ncols + 1, sizeof(double));
    worksheet_freeze_panes(k->sheet, 1, 0);
    return 0;
}

static void xlsx_finish(export_sink *k, int ncols)
{
    for (int i = 0; i < ncols; i++) {
        double w = k->width[i] + 2;
        worksheet_set_column(k->sheet, (lxw_col_t)i, (lxw_col_t)i, w < 8 ? 8 : w > 60 ? 60 : w, NULL);
    }
    if (ncols > 0 && k->row > 0)
        worksheet_autofilter(k->sheet, 0, 0, (lxw_row_t)(k->row - 1), (lxw_col_t)(ncols - 1));
}

static int read_file(const char *path, strbuf *out, err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) return err_set(e, 500, "export_failed", "导出文件生成失败", "Export failed");
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sb_appendn(out, buf, n);
    fclose(f);
    return 0;
}

/* The workbook written to path and read into out (xlsx only). */
static int xlsx_end(export_sink *k, int ncols, const char *path, strbuf *out, err *e)
{
    xlsx_finish(k, ncols);
    lxw_error closed = workbook_close(k->book);
    k->book = NULL;
    return closed != LXW_NO_ERROR ? -1 : read_file(path, out, e);
}

/* What a sink holds when its file is done or given up: the workbook, the
 * column widths, the temporary file. */
static void sink_release(export_sink *k, int fd, const char *path)
{
    if (k->book) workbook_close(k->book);
    free(k->width);
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
}

static int count_check(entity_ctx *c, const entity_def *ent, const char *lines_join, const query *w, err *e)
{
    strbuf sql = STRBUF_INIT;
    sb_printf(&sql, "SELECT COUNT(*) FROM %s t%s WHERE %s", ent->table, lines_join, sb_str(&w->sql));
    db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
    sb_free(&sql);
    if (!s) return -1;
    query_bind_all(w, s);
    int64_t n = db_step(s) == DB_ROW ? db_column_int64(s, 0) : 0;
    db_finalize(s);
    if (n > EXPORT_MAX_ROWS)
        return err_setf(e, 422, "too_many_rows", "要导出的记录有 %lld 条，超过了 %d 条的上限，请先筛选",
                        "%lld records exceed the export limit of %d; filter the list first", (long long)n,
                        EXPORT_MAX_ROWS);
    return 0;
}

int entity_export(entity_ctx *c, const entity_def *ent, const list_params *p, const char *format,
                  strbuf *out, err *e)
{
    if (!acl_can(c->user, ent, ACL_EXPORT))
        return err_setf(e, 403, "forbidden", "没有导出「%s」的权限%.0s", "%.0sNo permission to export %s",
                        ent->label_zh, ent->label_en);
    int xlsx = strcmp(format, "xlsx") == 0;
    query w, order;
    query_init(&w, c->a);
    query_init(&order, c->a);
    strbuf ids = STRBUF_INIT, sql = STRBUF_INIT;
    select_plan plan, lplan;
    select_plan_build(c, ent, &plan);
    /* lines=1: one row per owned line, the record's columns repeated. */
    const relation_def *line = p->lines ? entity_lines_relation(ent) : NULL;
    const entity_def *lent = line ? meta_entity(c->m, line->entity) : NULL;
    if (!lent) line = NULL;
    strbuf ljoin = STRBUF_INIT;
    lplan.columns = (strbuf)STRBUF_INIT;
    lplan.joins = (strbuf)STRBUF_INIT;
    if (line) {
        select_plan_build_as(c, lent, "l", "lj", &lplan);
        sb_printf(&ljoin, " LEFT JOIN %s l ON l.%s = t.id AND l.deleted_at IS NULL", lent->table, line->field);
    }
    char path[] = "/tmp/kehu-export-XXXXXX";
    int fd = -1, rc = -1, ncols = 0;
    export_column *cols = NULL;
    export_sink k = {.xlsx = xlsx, .csv = out};
    if (export_columns(ent, &plan, p, c->a, &cols, &ncols, e) || entity_page_sql(c, ent, p, &w, &order, &ids, e) ||
        count_check(c, ent, sb_str(&ljoin), &w, e))
        goto done;
    if (line) {
        line_columns(&plan, &lplan, line, c->a, &cols, &ncols);
        sb_printf(&sql, "SELECT %s, %s FROM %s t%s%s%s WHERE %s %s, l.%s, l.id", sb_str(&plan.columns),
                  sb_str(&lplan.columns), ent->table, sb_str(&plan.joins), sb_str(&ljoin), sb_str(&lplan.joins),
                  sb_str(&w.sql), sb_str(&order.sql), line->position);
    } else {
        sb_printf(&sql, "SELECT %s FROM %s t%s WHERE %s %s", sb_str(&plan.columns), ent->table,
                  sb_str(&plan.joins), sb_str(&w.sql), sb_str(&order.sql));
    }
    db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
    if (!s) goto done;
    query_bind_all(&w, s);
    if (xlsx) {
        fd = mkstemp(path);
        if (fd < 0 || xlsx_begin(&k, path, strcmp(c->lang, "en") == 0 ? ent->label_en : ent->label_zh, ncols)) {
            db_finalize(s);
            err_set(e, 500, "export_failed", "导出文件生成失败", "Export failed");
            goto done;
        }
    } else {
        sb_append(out, "\xEF\xBB\xBF"); /* BOM: Excel then reads UTF-8 Chinese correctly */
    }
    header_row(c, cols, ncols, &k);
    int step;
    while ((step = db_step(s)) == DB_ROW) data_row(c, cols, ncols, s, &k);
    db_finalize(s);
    if (step < 0) {
        err_set(e, 500, "db_error", "读取数据失败", "Reading failed");
        goto done;
    }
    if (xlsx) {
        if (xlsx_end(&k, ncols, path, out, e)) {
            if (!e->status) err_set(e, 500, "export_failed", "导出文件生成失败", "Export failed");
            goto done;
        }
    }
    rc = 0;
done:
    sink_release(&k, fd, path);
    select_plan_free(&plan);
    select_plan_free(&lplan);
    sb_free(&ljoin);
    sb_free(&ids);
    sb_free(&sql);
    query_free(&w);
    query_free(&order);
    return rc;
}

/* The header with the note column bold and the rows as text, as the user
 * typed them: the file goes back to be corrected and imported again. */
int entity_export_failed_rows(const data_table *t, const import_failure *rows, size_t n, const char *note_header,
                              strbuf *out, err *e)
{
    int ncols = t->nrows ? t->ncols[0] : 0;
    char path[] = "/tmp/kehu-failed-XXXXXX";
    int fd = -1, rc = -1;
    export_sink k = {.xlsx = t->xlsx, .csv = out};
    if (k.xlsx) {
        fd = mkstemp(path);
        if (fd < 0 || xlsx_begin(&k, path, "导入失败的行", ncols + 1)) goto done;
    } else {
        sb_append(out, "\xEF\xBB\xBF");
    }
    for (int col = 0; col < ncols; col++) put_text(&k, table_cell(t, 0, col), k.header);
    put_text(&k, note_header, k.header);
    end_row(&k);
    for (size_t i = 0; i < n; i++) {
        int r = rows[i].row - 1; /* spreadsheet row number to table row */
        for (int col = 0; col < ncols; col++) put_text(&k, table_cell(t, r, col), NULL);
        put_text(&k, rows[i].message, NULL);
        end_row(&k);
    }
    if (k.xlsx && xlsx_end(&k, ncols + 1, path, out, e)) goto done;
    rc = 0;
done:
    sink_release(&k, fd, path);
    if (rc && !e->status) err_set(e, 500, "export_failed", "生成失败行文件失败", "Cannot make the file of failed rows");
    return rc;
}

/* ---- a report's table (report_table.h) ---- */

static void report_cell(export_sink *k, const rt_column *col, const rt_cell *cell)
{
    if (col->kind == RT_TEXT) return put_text(k, cell->s ? cell->s : "", NULL);
    if (cell->empty) return put_text(k, "", NULL);
    strbuf sb = STRBUF_INIT;
    int whole = col->kind == RT_INTEGER || col->kind == RT_COUNT;
    if (whole) sb_int64(&sb, cell->n);
    else decimal_format(cell->n, 2, &sb);
    if (k->xlsx)
        put_number(k, whole ? (double)cell->n : (double)cell->n / 100.0,
                   col->kind == RT_MONEY ? k->money : NULL, (double)sb.len + 2);
    else
        put_text(k, sb_str(&sb), NULL);
    sb_free(&sb);
}

int report_table_export(entity_ctx *c, const report_table *t, const char *sheet, const char *format, strbuf *out,
                        err *e)
{
    int xlsx = strcmp(format, "xlsx") == 0, en = strcmp(c->lang, "en") == 0, rc = -1;
    char path[] = "/tmp/kehu-report-XXXXXX";
    int fd = -1;
    export_sink k = {.xlsx = xlsx, .csv = out};
    if (xlsx) {
        fd = mkstemp(path);
        if (fd < 0 || xlsx_begin(&k, path, sheet, t->ncols)) {
            err_set(e, 500, "export_failed", "导出文件生成失败", "Export failed");
            goto done;
        }
    } else {
        sb_append(out, "\xEF\xBB\xBF");
    }
    for (int i = 0; i < t->ncols; i++) put_text(&k, en ? t->cols[i].label_en : t->cols[i].label_zh, k.header);
    end_row(&k);
    for (int r = 0; r <= t->nrows; r++) {
        const rt_cell *row = r < t->nrows ? t->rows[r] : t->total;
        if (!row) break;
        for (int i = 0; i < t->ncols; i++) {
            if (row == t->total && t->cols[i].kind == RT_COUNT) put_text(&k, "", NULL);
            else report_cell(&k, &t->cols[i], &row[i]);
        }
        end_row(&k);
    }
    if (xlsx && xlsx_end(&k, t->ncols, path, out, e)) {
        if (!e->status) err_set(e, 500, "export_failed", "导出文件生成失败", "Export failed");
        goto done;
    }
    rc = 0;
done:
    sink_release(&k, fd, path);
    return rc;
}
