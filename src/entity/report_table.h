/* report_table.h - a report's answer as a table of columns and rows, so
 * every report (src/modules/receivables_report.c: sales, ageing, arrears,
 * order accounts) is served as JSON and exported to Excel or CSV the same
 * way. Numbers are exact: money and 2-decimal quantities are scaled
 * integers (分), written as decimals in JSON; only the spreadsheet cell,
 * which Excel keeps as a double, is converted at the end.
 *
 *     static const rt_column COLS[] = {{"label", "客户", "Account", RT_TEXT}, {"total", "价税合计", "Total", RT_MONEY}};
 *     report_table t;
 *     report_table_init(&t, a, COLS, 2);
 *     rt_cell *row = report_table_add(&t, account_id);
 *     row[0].s = name; row[1].n = 1234500;        // ¥12,345.00
 *     report_table_json(&t, "zh", out);           // "columns":[...],"items":[...],"total":{...}
 *     report_table_export(c, &t, "报表", "xlsx", out, e);
 */
#ifndef KEHU_REPORT_TABLE_H
#define KEHU_REPORT_TABLE_H

#include <stdint.h>

#include "entity.h"

/* Where a kept report's answer came from (report_cache.h); the API says
 * it in the X-Kehu-Report header, so a burst after a write can be seen
 * to compute once. RT_UNKEPT: a report the cache does not keep. */
typedef enum { RT_UNKEPT, RT_COMPUTED, RT_KEPT, RT_SHARED } rt_source;

/* RT_COUNT is an integer that does not add up (days overdue): empty in the total row. */
typedef enum { RT_TEXT, RT_MONEY, RT_DECIMAL2, RT_INTEGER, RT_COUNT } rt_kind;

typedef struct rt_column {
    const char *key, *label_zh, *label_en;
    rt_kind kind;
} rt_column;

typedef struct rt_cell {
    const char *s; /* RT_TEXT (NULL: empty) */
    int64_t n;     /* the others: RT_MONEY and RT_DECIMAL2 times 100 */
    int empty;     /* a number not known (a grade not given yet): null, an empty cell */
} rt_cell;

typedef struct report_table {
    struct arena *a;
    const rt_column *cols;
    int ncols, nrows, cap;
    rt_cell **rows;
    int64_t *ids; /* what a row stands for (a customer, a user, an order); 0 for none */
    rt_cell *total; /* the total row, or NULL */
    const char *json; /* the rows as report_table_json writes them, when a cache kept them (report_cache.h) */
    rt_source source;
} report_table;

void report_table_init(report_table *t, struct arena *a, const rt_column *cols, int ncols);
/* A new row of zeroed cells (kept in the arena). */
rt_cell *report_table_add(report_table *t, int64_t id);
/* Orders the rows by number column `col`, largest first (stable). */
void report_table_sort(report_table *t, int col);
/* Adds every number column of the rows into a total row labelled
 * 合计 / Total in its first text column. */
void report_table_sum(report_table *t, const char *lang);
/* "columns":[{key,label,type}],"items":[{id,<key>:value...}],"total":{...}|null
 * (no braces around: the caller adds its own members). */
void report_table_json(const report_table *t, const char *lang, strbuf *out);
/* The table as an xlsx workbook (format "xlsx") or CSV with a BOM, with a
 * header row and the total row last; text cells are neutralised like an
 * export's (entity_export.c). */
int report_table_export(entity_ctx *c, const report_table *t, const char *sheet, const char *format, strbuf *out,
                        err *e);

#endif
