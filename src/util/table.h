/* table.h - a spreadsheet as rows of text cells, read from the files people
 * import: CSV (UTF-8 with or without BOM, or GB18030/GBK as Excel in China
 * saves it; quoted cells with commas, quotes and line breaks; comma, tab or
 * semicolon separated) and Excel .xlsx (the first sheet; shared and inline
 * strings, numbers, booleans; dates arrive as Excel serial numbers).
 * Untrusted input: sizes are bounded and every failure is an error, never a
 * crash. */
#ifndef KEHU_TABLE_H
#define KEHU_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define TABLE_MAX_ROWS 1000000
#define TABLE_MAX_COLS 200
#define TABLE_MAX_CELLS 4000000
#define TABLE_MAX_CELL_BYTES (32 * 1024)
/* Whatever the file, reading it never holds more than this beyond the file
 * itself: the table, the shared strings, conversion and parser buffers.
 * An xlsx bomb (a small zip that inflates to gigabytes) is refused when it
 * would cross it, or earlier by the limits below. */
#define TABLE_MEMORY_BUDGET (64u << 20)
#define TABLE_MAX_SHARED_STRINGS (32u << 20) /* bytes of text in xl/sharedStrings.xml */
#define TABLE_MAX_XLSX_PART (256u << 20)     /* inflated bytes of one part */
#define TABLE_MAX_ZIP_RATIO 100              /* inflated / compressed, for parts over 1 MB */
#define TABLE_MAX_XML_TOKEN (4u << 20)       /* one tag or attribute the parser must hold */

typedef struct data_table {
    char *text; /* every cell's text, NUL-terminated, one after another; "" at 0 */
    size_t text_len, text_cap;
    uint32_t *cell; /* each cell's offset in text, row after row */
    size_t ncells, cell_cap;
    size_t *first; /* each row's first cell */
    int *ncols;
    int nrows;
    size_t cap;
    size_t used; /* bytes held while reading, against TABLE_MEMORY_BUDGET */
    int xlsx; /* read from an .xlsx (else CSV): what goes back to the user is the same */
} data_table;

/* Reads data (n bytes) as xlsx when it is a zip file, else as CSV. Fills
 * *t (free with table_free) or returns -1 with e (422 bad_file). */
int table_read(const char *data, size_t n, data_table *t, err *e);
void table_free(data_table *t);
/* An Excel date serial (days since 1899-12-30, the time of day as a
 * fraction) as the wall-clock text Excel shows, "2026-12-03" or
 * "2026-12-03 09:00:00": Excel keeps no time zone, so the time is the
 * local (China) time the user typed, and import reads it so. Date-formatted
 * cells arrive in a table as this text already. -1 when v is no serial. */
int table_serial_text(const char *v, char *out, size_t n);
/* The cell or "" when out of range. */
const char *table_cell(const data_table *t, int row, int col);

#endif
