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
#include "entity_select.h"
#include "value.h"

typedef struct export_sink {
    int xlsx;
    strbuf *csv;
    lxw_worksheet *sheet;
    int row, col;
} export_sink;

/* A cell starting with = + - @ (after spaces) or tab/CR would run as a
 * formula in a spreadsheet: prefix it with ' so it stays text. */
static int needs_neutralising(const char *s)
{
    if (*s == '\t' || *s == '\r') return 1;
    while (*s == ' ') s++;
    return *s == '=' || *s == '+' || *s == '-' || *s == '@';
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

static void put_cell(export_sink *k, const char *text, int is_number, double number)
{
    if (k->xlsx) {
        if (is_number) worksheet_write_number(k->sheet, (lxw_row_t)k->row, (lxw_col_t)k->col, number, NULL);
        else if (*text) {
            const char *t = text;
            char *safe = NULL;
            if (needs_neutralising(t) && (safe = malloc(strlen(t) + 2))) {
                safe[0] = '\'';
                strcpy(safe + 1, t);
                t = safe;
            }
            worksheet_write_string(k->sheet, (lxw_row_t)k->row, (lxw_col_t)k->col, t, NULL);
            free(safe);
        }
    } else {
        if (k->col) sb_putc(k->csv, ',');
        csv_cell(k->csv, text);
    }
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

static void header_row(entity_ctx *c, const select_plan *plan, int deleted, export_sink *k)
{
    int en = strcmp(c->lang, "en") == 0;
    for (int i = 0; i < plan->nfields; i++)
        if (exported(plan->fields[i], deleted)) put_cell(k, en ? plan->fields[i]->label_en : plan->fields[i]->label_zh, 0, 0);
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

static void data_row(entity_ctx *c, const select_plan *plan, int deleted, db_stmt *s, export_sink *k)
{
    strbuf cell = STRBUF_INIT;
    int col = 0;
    for (int i = 0; i < plan->nfields; i++) {
        const field_def *f = plan->fields[i];
        sb_clear(&cell);
        int link = f->type == FT_LINK || f->type == FT_USER;
        if (!exported(f, deleted)) {
            col += link ? 2 : 1;
            continue;
        }
        if (f->type == FT_DATETIME) {
            china_time(db_column_is_null(s, col) ? NULL : db_column_text(s, col), &cell);
        } else if (link) { /* people read names, not ids */
            const char *name = db_column_text(s, col + 1);
            sb_append(&cell, name ? name : "");
        } else {
            value_to_text(f, s, col, c->lang, &cell);
        }
        int number = is_numeric(f) && !db_column_is_null(s, col);
        put_cell(k, sb_str(&cell), number && k->xlsx, number ? strtod(sb_str(&cell), NULL) : 0);
        col += link ? 2 : 1;
    }
    sb_free(&cell);
    end_row(k);
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

static int count_check(entity_ctx *c, const entity_def *ent, const query *w, err *e)
{
    strbuf sql = STRBUF_INIT;
    sb_printf(&sql, "SELECT COUNT(*) FROM %s t WHERE %s", ent->table, sb_str(&w->sql));
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
    select_plan plan;
    select_plan_build(c, ent, &plan);
    char path[] = "/tmp/kehu-export-XXXXXX";
    int fd = -1, rc = -1;
    lxw_workbook *book = NULL;
    if (entity_page_sql(c, ent, p, &w, &order, &ids, e) || count_check(c, ent, &w, e)) goto done;
    sb_printf(&sql, "SELECT %s FROM %s t%s WHERE %s %s", sb_str(&plan.columns), ent->table,
              sb_str(&plan.joins), sb_str(&w.sql), sb_str(&order.sql));
    db_stmt *s = db_prepare(c->db, sb_str(&sql), e);
    if (!s) goto done;
    query_bind_all(&w, s);
    export_sink k = {.xlsx = xlsx, .csv = out};
    if (xlsx) {
        fd = mkstemp(path);
        book = fd >= 0 ? workbook_new(path) : NULL;
        k.sheet = book ? workbook_add_worksheet(book, strcmp(c->lang, "en") == 0 ? ent->label_en : ent->label_zh) : NULL;
        if (!k.sheet) {
            db_finalize(s);
            err_set(e, 500, "export_failed", "导出文件生成失败", "Export failed");
            goto done;
        }
    } else {
        sb_append(out, "\xEF\xBB\xBF"); /* BOM: Excel then reads UTF-8 Chinese correctly */
    }
    header_row(c, &plan, p->deleted, &k);
    int step;
    while ((step = db_step(s)) == DB_ROW) data_row(c, &plan, p->deleted, s, &k);
    db_finalize(s);
    if (step < 0) {
        err_set(e, 500, "db_error", "读取数据失败", "Reading failed");
        goto done;
    }
    if (xlsx) {
        lxw_error closed = workbook_close(book);
        book = NULL;
        if (closed != LXW_NO_ERROR || read_file(path, out, e)) {
            if (!e->status) err_set(e, 500, "export_failed", "导出文件生成失败", "Export failed");
            goto done;
        }
    }
    rc = 0;
done:
    if (book) workbook_close(book);
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    select_plan_free(&plan);
    sb_free(&ids);
    sb_free(&sql);
    query_free(&w);
    query_free(&order);
    return rc;
}
