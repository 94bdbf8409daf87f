/* report_table.c - see report_table.h (the export is in entity_export.c,
 * beside the sink it shares with list exports). */
#include "report_table.h"

#include <string.h>

#include "../util/arena.h"
#include "value.h"

void report_table_init(report_table *t, struct arena *a, const rt_column *cols, int ncols)
{
    memset(t, 0, sizeof *t);
    t->a = a;
    t->cols = cols;
    t->ncols = ncols;
}

rt_cell *report_table_add(report_table *t, int64_t id)
{
    if (t->nrows == t->cap) {
        int cap = t->cap ? t->cap * 2 : 32;
        rt_cell **rows = arena_alloc(t->a, sizeof *rows * (size_t)cap);
        int64_t *ids = arena_alloc(t->a, sizeof *ids * (size_t)cap);
        if (t->nrows) {
            memcpy(rows, t->rows, sizeof *rows * (size_t)t->nrows);
            memcpy(ids, t->ids, sizeof *ids * (size_t)t->nrows);
        }
        t->rows = rows;
        t->ids = ids;
        t->cap = cap;
    }
    rt_cell *row = arena_alloc(t->a, sizeof *row * (size_t)t->ncols);
    memset(row, 0, sizeof *row * (size_t)t->ncols);
    t->ids[t->nrows] = id;
    t->rows[t->nrows++] = row;
    return row;
}

void report_table_sort(report_table *t, int col)
{
    /* insertion sort over row pointers: stable, and report tables are small */
    for (int i = 1; i < t->nrows; i++) {
        rt_cell *row = t->rows[i];
        int64_t id = t->ids[i];
        int j = i;
        for (; j > 0 && t->rows[j - 1][col].n < row[col].n; j--) {
            t->rows[j] = t->rows[j - 1];
            t->ids[j] = t->ids[j - 1];
        }
        t->rows[j] = row;
        t->ids[j] = id;
    }
}

void report_table_sum(report_table *t, const char *lang)
{
    t->total = arena_alloc(t->a, sizeof *t->total * (size_t)t->ncols);
    memset(t->total, 0, sizeof *t->total * (size_t)t->ncols);
    int labelled = 0;
    for (int k = 0; k < t->ncols; k++) {
        if (t->cols[k].kind == RT_TEXT) {
            if (!labelled++) t->total[k].s = strcmp(lang, "en") == 0 ? "Total" : "合计";
            continue;
        }
        for (int r = 0; r < t->nrows && t->cols[k].kind != RT_COUNT; r++) t->total[k].n += t->rows[r][k].n;
    }
}

static const char *const KIND[] = {[RT_TEXT] = "text", [RT_MONEY] = "money", [RT_DECIMAL2] = "decimal", [RT_INTEGER] = "integer", [RT_COUNT] = "integer"};

static void cell_json(const rt_column *col, const rt_cell *cell, strbuf *out)
{
    if (col->kind == RT_TEXT) sb_json_string(out, cell->s);
    else if (cell->empty) sb_append(out, "null");
    else if (col->kind == RT_INTEGER || col->kind == RT_COUNT) sb_int64(out, cell->n);
    else decimal_format(cell->n, 2, out);
}

static void row_json(const report_table *t, const rt_cell *row, int64_t id, strbuf *out)
{
    int total = row == t->total;
    sb_append(out, "{\"id\":");
    if (id) sb_int64(out, id);
    else sb_append(out, "null");
    for (int k = 0; k < t->ncols; k++) {
        sb_putc(out, ',');
        sb_json_string(out, t->cols[k].key);
        sb_putc(out, ':');
        if (total && t->cols[k].kind == RT_COUNT) sb_append(out, "null");
        else cell_json(&t->cols[k], &row[k], out);
    }
    sb_putc(out, '}');
}

void report_table_json(const report_table *t, const char *lang, strbuf *out)
{
    if (t->json) return sb_append(out, t->json);
    int en = strcmp(lang, "en") == 0;
    sb_append(out, "\"columns\":[");
    for (int k = 0; k < t->ncols; k++) {
        sb_append(out, k ? ",{\"key\":" : "{\"key\":");
        sb_json_string(out, t->cols[k].key);
        sb_append(out, ",\"label\":");
        sb_json_string(out, en ? t->cols[k].label_en : t->cols[k].label_zh);
        sb_printf(out, ",\"type\":\"%s\"}", KIND[t->cols[k].kind]);
    }
    sb_append(out, "],\"items\":[");
    for (int r = 0; r < t->nrows; r++) {
        if (r) sb_putc(out, ',');
        row_json(t, t->rows[r], t->ids[r], out);
    }
    sb_append(out, "],\"total\":");
    if (t->total) row_json(t, t->total, 0, out);
    else sb_append(out, "null");
}
