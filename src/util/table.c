/* table.c - see table.h. */
#include "table.h"

#include <expat.h>
#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#include "strbuf.h"
#include "utf8.h"

static int bad_file(err *e, const char *zh, const char *en)
{
    return err_set(e, 422, "bad_file", zh, en);
}

/* ---- building rows ---- */

typedef struct row_builder {
    data_table *t;
    char **cells;
    int ncells, cap;
} row_builder;

static int add_cell(row_builder *b, const char *s, size_t n, err *e)
{
    if (b->ncells >= TABLE_MAX_COLS) return bad_file(e, "列数超过 200 列", "More than 200 columns");
    if (n > TABLE_MAX_CELL_BYTES) return bad_file(e, "有单元格内容超过 32 KB", "A cell is longer than 32 KB");
    if (!utf8_valid(s, n)) /* the table promises UTF-8 to every reader, the preview's JSON first */
        return bad_file(e, "有单元格不是有效的 UTF-8 文本", "A cell is not valid UTF-8 text");
    if (b->ncells == b->cap) b->cells = realloc(b->cells, sizeof(char *) * (size_t)(b->cap = b->cap ? b->cap * 2 : 16));
    b->cells[b->ncells++] = strndup(s, n);
    return 0;
}

/* Places a cell at column col (xlsx rows may skip empty cells). */
static int set_cell(row_builder *b, int col, const char *s, err *e)
{
    if (col >= TABLE_MAX_COLS) return bad_file(e, "列数超过 200 列", "More than 200 columns");
    while (b->ncells < col)
        if (add_cell(b, "", 0, e)) return -1;
    if (b->ncells > col) { /* repeated reference: the last value wins */
        free(b->cells[col]);
        b->cells[col] = strdup(s);
        return 0;
    }
    return add_cell(b, s, strlen(s), e);
}

static int end_row(row_builder *b, err *e)
{
    data_table *t = b->t;
    if (t->nrows >= TABLE_MAX_ROWS + 1) return bad_file(e, "行数超过 100 万行", "More than 1,000,000 rows");
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->rows = realloc(t->rows, sizeof(char **) * (size_t)t->cap);
        t->ncols = realloc(t->ncols, sizeof(int) * (size_t)t->cap);
    }
    t->rows[t->nrows] = b->cells;
    t->ncols[t->nrows++] = b->ncells;
    b->cells = NULL;
    b->ncells = b->cap = 0;
    return 0;
}

static void drop_row(row_builder *b)
{
    for (int i = 0; i < b->ncells; i++) free(b->cells[i]);
    free(b->cells);
    b->cells = NULL;
    b->ncells = b->cap = 0;
}

void table_free(data_table *t)
{
    for (int r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols[r]; c++) free(t->rows[r][c]);
        free(t->rows[r]);
    }
    free(t->rows);
    free(t->ncols);
    memset(t, 0, sizeof *t);
}

const char *table_cell(const data_table *t, int row, int col)
{
    if (row < 0 || row >= t->nrows || col < 0 || col >= t->ncols[row]) return "";
    return t->rows[row][col];
}

/* Trailing rows where every cell is empty are not data. */
static void drop_empty_tail(data_table *t)
{
    while (t->nrows > 0) {
        int r = t->nrows - 1, empty = 1;
        for (int c = 0; c < t->ncols[r] && empty; c++) empty = !*t->rows[r][c];
        if (!empty) break;
        for (int c = 0; c < t->ncols[r]; c++) free(t->rows[r][c]);
        free(t->rows[r]);
        t->nrows--;
    }
}

/* ---- CSV ---- */

/* Where s[0..n) stops being strict UTF-8 (n when it is valid throughout). */
static size_t utf8_valid_prefix(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    uint32_t cp;
    while (p < end && utf8_next(&p, end, &cp) == 0) {}
    return (size_t)(p - s);
}

/* Bytes shaped like UTF-8 (lead and continuation bytes in place) though
 * not strictly valid: surrogates (ED A0..BF), overlong forms, code points
 * beyond U+10FFFF. Such a file was written as UTF-8 by a broken program;
 * read as GBK it would become nonsense, so it is refused instead. */
static int utf8_shaped(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (!len || i + len > n) return 0;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80) return 0;
        i += len;
    }
    return 1;
}

static int line_of(const char *s, size_t at)
{
    int line = 1;
    for (size_t i = 0; i < at; i++) line += s[i] == '\n';
    return line;
}

static int invalid_utf8(err *e, const char *s, size_t at)
{
    return err_setf(e, 422, "bad_file", "文件第 %d 行有无效的 UTF-8 字符（代理项或超长编码），请用 UTF-8 重新保存后再导入",
                    "Line %d of the file holds invalid UTF-8 (a surrogate or an overlong form); save it as UTF-8 again",
                    line_of(s, at));
}

/* Excel in China saves CSV as GB18030 (GBK): convert what is not UTF-8. */
static char *to_utf8(const char *data, size_t n, size_t *out_n, err *e)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) return bad_file(e, "无法识别文件编码", "Unknown file encoding"), NULL;
    size_t cap = n * 2 + 16, left_in = n, left_out = cap;
    char *out = malloc(cap), *in = (char *)data, *w = out;
    size_t rc = iconv(cd, &in, &left_in, &w, &left_out);
    iconv_close(cd);
    if (rc == (size_t)-1) {
        free(out);
        return bad_file(e, "文件既不是 UTF-8 也不是 GBK 编码的文本", "The file is neither UTF-8 nor GBK text"), NULL;
    }
    *out_n = (size_t)(w - out);
    return out;
}

static char separator_of(const char *s, size_t n)
{
    int commas = 0, tabs = 0, semis = 0, quoted = 0;
    for (size_t i = 0; i < n && s[i] != '\n'; i++) {
        if (s[i] == '"') quoted = !quoted;
        if (quoted) continue;
        commas += s[i] == ',', tabs += s[i] == '\t', semis += s[i] == ';';
    }
    return tabs > commas && tabs >= semis ? '\t' : semis > commas ? ';' : ',';
}

static int read_csv(const char *data, size_t n, data_table *t, err *e)
{
    if (memchr(data, '\0', n)) return bad_file(e, "文件不是文本表格（CSV）或 Excel 文件", "The file is not CSV text or an Excel file");
    char *converted = NULL;
    size_t valid = utf8_valid_prefix(data, n);
    if (valid < n) {
        if (utf8_shaped((const unsigned char *)data, n)) return invalid_utf8(e, data, valid);
        if (!(converted = to_utf8(data, n, &n, e))) return -1;
        data = converted;
        if ((valid = utf8_valid_prefix(data, n)) < n) { /* never echo what the converter let through */
            int rc = invalid_utf8(e, data, valid);
            free(converted);
            return rc;
        }
    }
    if (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) data += 3, n -= 3;
    char sep = separator_of(data, n);
    row_builder b = {t, NULL, 0, 0};
    strbuf cell = STRBUF_INIT;
    int quoted = 0, rc = 0;
    for (size_t i = 0; i <= n && !rc; i++) {
        char c = i < n ? data[i] : '\n';
        if (quoted) {
            if (c == '"' && i + 1 < n && data[i + 1] == '"') sb_putc(&cell, '"'), i++;
            else if (c == '"') quoted = 0;
            else if (i == n) rc = bad_file(e, "文件末尾有未闭合的引号", "An unclosed quote at the end of the file");
            else sb_putc(&cell, c);
            if (cell.len > TABLE_MAX_CELL_BYTES) rc = bad_file(e, "有单元格内容超过 32 KB", "A cell is longer than 32 KB");
        } else if (c == '"' && cell.len == 0) {
            quoted = 1;
        } else if (c == sep) {
            rc = add_cell(&b, sb_str(&cell), cell.len, e);
            sb_clear(&cell);
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < n && data[i + 1] == '\n') i++;
            if (i >= n && cell.len == 0 && b.ncells == 0) break; /* no final line */
            rc = add_cell(&b, sb_str(&cell), cell.len, e) || end_row(&b, e);
            sb_clear(&cell);
        } else {
            sb_putc(&cell, c);
            if (cell.len > TABLE_MAX_CELL_BYTES) rc = bad_file(e, "有单元格内容超过 32 KB", "A cell is longer than 32 KB");
        }
    }
    sb_free(&cell);
    drop_row(&b);
    free(converted);
    return rc;
}

/* ---- xlsx: a zip of XML parts ---- */

static char *zip_part(zip_t *z, const char *name, size_t *len, err *e)
{
    zip_stat_t st;
    if (zip_stat(z, name, 0, &st) != 0) return NULL;
    if (!(st.valid & ZIP_STAT_SIZE) || st.size > TABLE_MAX_XLSX_PART)
        return bad_file(e, "Excel 文件过大或已损坏", "The Excel file is too large or damaged"), NULL;
    zip_file_t *f = zip_fopen(z, name, 0);
    if (!f) return bad_file(e, "Excel 文件已损坏", "The Excel file is damaged"), NULL;
    char *buf = malloc(st.size + 1);
    zip_int64_t got = zip_fread(f, buf, st.size);
    zip_fclose(f);
    if (got < 0 || (zip_uint64_t)got != st.size) {
        free(buf);
        return bad_file(e, "Excel 文件已损坏", "The Excel file is damaged"), NULL;
    }
    buf[st.size] = '\0';
    *len = st.size;
    return buf;
}

typedef struct xml_state {
    err *e;
    int failed;
    /* shared strings */
    char **strings;
    int nstrings, cap;
    int in_si, in_t;
    strbuf text;
    /* styles: for each cell style (cellXfs index), whether its number
     * format shows a date */
    unsigned char *date_style;
    int nstyles, in_cellxfs;
    int custom_date[64]; /* custom numFmt ids (164+) whose code is a date */
    int ncustom_date;
    /* sheet */
    row_builder row;
    int in_row, in_value, col, style;
    char type[16];
} xml_state;

static void fail(xml_state *x, XML_Parser p, const char *zh, const char *en)
{
    if (!x->failed && !x->e->status) bad_file(x->e, zh, en);
    x->failed = 1;
    XML_StopParser(p, XML_FALSE);
}

static const char *attr(const XML_Char **atts, const char *name)
{
    for (int i = 0; atts[i]; i += 2)
        if (strcmp(atts[i], name) == 0) return atts[i + 1];
    return NULL;
}

/* Tag names may carry a namespace prefix (x:si): compare the local part. */
static int is(const char *tag, const char *local)
{
    const char *colon = strrchr(tag, ':');
    return strcmp(colon ? colon + 1 : tag, local) == 0;
}

static void XMLCALL ss_start(void *ud, const XML_Char *tag, const XML_Char **atts)
{
    xml_state *x = ud;
    (void)atts;
    if (is(tag, "si")) x->in_si = 1, sb_clear(&x->text);
    else if (is(tag, "t") && x->in_si) x->in_t = 1;
}

static void XMLCALL ss_end(void *ud, const XML_Char *tag)
{
    xml_state *x = ud;
    if (is(tag, "t")) x->in_t = 0;
    else if (is(tag, "si")) {
        x->in_si = 0;
        if (x->nstrings == x->cap) x->strings = realloc(x->strings, sizeof(char *) * (size_t)(x->cap = x->cap ? x->cap * 2 : 256));
        x->strings[x->nstrings++] = strdup(sb_str(&x->text));
    }
}

static void XMLCALL text_data(void *ud, const XML_Char *s, int len)
{
    xml_state *x = ud;
    if ((x->in_t || x->in_value) && x->text.len + (size_t)len <= TABLE_MAX_CELL_BYTES) sb_appendn(&x->text, s, (size_t)len);
}

/* "BC12" -> column 54 (0-based); -1 when not a reference. */
static int column_of(const char *ref)
{
    int col = 0, letters = 0;
    for (; ref && *ref >= 'A' && *ref <= 'Z'; ref++, letters++) col = col * 26 + (*ref - 'A' + 1);
    return letters && letters <= 3 ? col - 1 : -1;
}

/* A number format code shows a date or time when it has y, m, d, h or s
 * outside quotes, brackets ([Red], [$-804]) and backslash escapes. */
static int format_is_date(const char *code)
{
    for (const char *p = code; *p; p++) {
        if (*p == '"') {
            while (p[1] && p[1] != '"') p++;
            if (p[1]) p++;
        } else if (*p == '[') {
            while (p[1] && p[1] != ']') p++;
            if (p[1]) p++;
        } else if (*p == '\\' && p[1]) {
            p++;
        } else if (strchr("ymdhsYMDHS", *p)) {
            return 1;
        }
    }
    return 0;
}

/* Excel's built-in date and time formats: 14-22, 27-36 and 50-58 (the
 * Chinese locale's 年月日 forms), 45-47. */
static int builtin_date_format(int id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
           (id >= 50 && id <= 58);
}

static void XMLCALL styles_start(void *ud, const XML_Char *tag, const XML_Char **atts)
{
    xml_state *x = ud;
    if (is(tag, "numFmt")) {
        const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
        if (id && code && format_is_date(code) && x->ncustom_date < 64)
            x->custom_date[x->ncustom_date++] = atoi(id);
    } else if (is(tag, "cellXfs")) {
        x->in_cellxfs = 1;
    } else if (is(tag, "xf") && x->in_cellxfs && x->nstyles < 65536) {
        const char *id = attr(atts, "numFmtId");
        int fmt = id ? atoi(id) : 0, date = builtin_date_format(fmt);
        for (int i = 0; i < x->ncustom_date && !date; i++) date = x->custom_date[i] == fmt;
        x->date_style = realloc(x->date_style, (size_t)x->nstyles + 1);
        x->date_style[x->nstyles++] = (unsigned char)date;
    }
}

static void XMLCALL styles_end(void *ud, const XML_Char *tag)
{
    xml_state *x = ud;
    if (is(tag, "cellXfs")) x->in_cellxfs = 0;
}

int table_serial_text(const char *v, char *out, size_t n)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || !(d >= 1 && d <= 2958465)) return -1;
    long long secs = llround((d - 25569.0) * 86400.0); /* 25569: 1970-01-01 */
    time_t t = (time_t)secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, secs % 86400 ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d", &tm);
    return 0;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *tag, const XML_Char **atts)
{
    xml_state *x = ud;
    if (is(tag, "row")) {
        x->in_row = 1;
        x->col = 0;
    } else if (is(tag, "c") && x->in_row) {
        int col = column_of(attr(atts, "r"));
        x->col = col >= 0 ? col : x->row.ncells;
        const char *type = attr(atts, "t"), *style = attr(atts, "s");
        snprintf(x->type, sizeof x->type, "%s", type ? type : "n");
        x->style = style ? atoi(style) : 0;
        sb_clear(&x->text);
    } else if ((is(tag, "v") || is(tag, "t")) && x->in_row) {
        x->in_value = 1;
    }
}

/* The parser being run, for handlers that must stop it. */
static _Thread_local XML_Parser current_parser;

static void XMLCALL sheet_end(void *ud, const XML_Char *tag)
{
    xml_state *x = ud;
    if (is(tag, "v") || is(tag, "t")) {
        x->in_value = 0;
    } else if (is(tag, "c") && x->in_row) {
        const char *v = sb_str(&x->text);
        char date[32];
        if (strcmp(x->type, "s") == 0) {
            long i = strtol(v, NULL, 10);
            v = i >= 0 && i < x->nstrings ? x->strings[i] : "";
        } else if (strcmp(x->type, "b") == 0) {
            v = strcmp(v, "1") == 0 ? "TRUE" : "FALSE";
        } else if (strcmp(x->type, "n") == 0 && x->style >= 0 && x->style < x->nstyles &&
                   x->date_style[x->style] && table_serial_text(v, date, sizeof date) == 0) {
            v = date;
        }
        if (set_cell(&x->row, x->col, v, x->e)) fail(x, current_parser, "", "");
        sb_clear(&x->text);
    } else if (is(tag, "row") && x->in_row) {
        x->in_row = 0;
        if (end_row(&x->row, x->e)) fail(x, current_parser, "", "");
    }
}

static int parse_xml(xml_state *x, const char *xml, size_t n, XML_StartElementHandler start,
                     XML_EndElementHandler end)
{
    XML_Parser p = XML_ParserCreate("UTF-8");
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, start, end);
    XML_SetCharacterDataHandler(p, text_data);
    current_parser = p;
    int ok = XML_Parse(p, xml, (int)n, XML_TRUE) == XML_STATUS_OK;
    XML_ParserFree(p);
    current_parser = NULL;
    if (!ok && !x->failed) bad_file(x->e, "Excel 文件内容无法解析", "The Excel file cannot be read");
    return ok && !x->failed ? 0 : -1;
}

static int read_xlsx(const char *data, size_t n, data_table *t, err *e)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, n, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    zip_error_fini(&ze);
    if (!z) {
        if (src) zip_source_free(src);
        return bad_file(e, "Excel 文件已损坏或不是 .xlsx 格式", "The file is not a valid .xlsx workbook");
    }
    xml_state x = {.e = e, .text = STRBUF_INIT, .row = {t, NULL, 0, 0}};
    size_t len = 0;
    int rc = 0;
    char *ss = zip_part(z, "xl/sharedStrings.xml", &len, e);
    if (e->status) rc = -1;
    else if (ss) rc = parse_xml(&x, ss, len, ss_start, ss_end);
    free(ss);
    char *styles = rc ? NULL : zip_part(z, "xl/styles.xml", &len, e);
    if (!rc && e->status) rc = -1;
    else if (styles) rc = parse_xml(&x, styles, len, styles_start, styles_end);
    free(styles);
    char *sheet = rc ? NULL : zip_part(z, "xl/worksheets/sheet1.xml", &len, e);
    if (!rc && !sheet && !e->status) rc = bad_file(e, "Excel 文件中没有工作表", "The workbook has no sheet");
    if (!rc && sheet) rc = parse_xml(&x, sheet, len, sheet_start, sheet_end);
    free(sheet);
    if (!rc && e->status) rc = -1;
    drop_row(&x.row);
    for (int i = 0; i < x.nstrings; i++) free(x.strings[i]);
    free(x.strings);
    free(x.date_style);
    sb_free(&x.text);
    zip_close(z); /* also frees the source */
    return rc;
}

int table_read(const char *data, size_t n, data_table *t, err *e)
{
    memset(t, 0, sizeof *t);
    if (!data || n == 0) return bad_file(e, "文件是空的", "The file is empty");
    int xlsx = n >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
    int rc = xlsx ? read_xlsx(data, n, t, e) : read_csv(data, n, t, e);
    t->xlsx = xlsx;
    if (rc) {
        table_free(t);
        return -1;
    }
    drop_empty_tail(t);
    if (t->nrows == 0) {
        table_free(t); /* the row array, though every row went */
        return bad_file(e, "文件中没有数据", "The file has no rows");
    }
    return 0;
}
