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

static int over_budget(err *e)
{
    return err_setf(e, 422, "bad_file", "文件展开后超过导入的内存上限（%u MB），请拆分成几个较小的文件再导入",
                    "The file expands beyond the import memory budget (%u MB); split it into smaller files",
                    TABLE_MEMORY_BUDGET >> 20);
}

/* Grows the array *p of *cap elements to hold need, doubling while the
 * budget allows; every byte held is counted in t->used. */
static int reserve(data_table *t, void **p, size_t *cap, size_t need, size_t elem, err *e)
{
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap : 256;
    while (n < need) n *= 2;
    if (t->used + (n - *cap) * elem > TABLE_MEMORY_BUDGET) n = need; /* no slack near the end */
    if (t->used + (n - *cap) * elem > TABLE_MEMORY_BUDGET) return over_budget(e);
    void *q = realloc(*p, n * elem);
    if (!q) return over_budget(e);
    t->used += (n - *cap) * elem;
    *p = q;
    *cap = n;
    return 0;
}

/* Counts bytes held outside the table's arrays (buffers, shared strings). */
static int hold(data_table *t, size_t n, err *e)
{
    if (t->used + n > TABLE_MEMORY_BUDGET) return over_budget(e);
    t->used += n;
    return 0;
}

/* A text pool: NUL-terminated strings one after another, "" at offset 0, so
 * empty cells cost only their offset. */
static int pool_add(data_table *t, char **text, size_t *len, size_t *cap, const char *s, size_t n,
                    uint32_t *at, err *e)
{
    if (*len == 0) { /* the shared "" */
        if (reserve(t, (void **)text, cap, 1, 1, e)) return -1;
        (*text)[(*len)++] = '\0';
    }
    if (n == 0) {
        *at = 0;
        return 0;
    }
    if (reserve(t, (void **)text, cap, *len + n + 1, 1, e)) return -1;
    memcpy(*text + *len, s, n);
    (*text)[*len + n] = '\0';
    *at = (uint32_t)*len;
    *len += n + 1;
    return 0;
}

/* ---- building rows ---- */

typedef struct row_builder {
    data_table *t;
    uint32_t cells[TABLE_MAX_COLS]; /* the row being read: offsets in t->text */
    int ncells;
} row_builder;

static int add_cell(row_builder *b, const char *s, size_t n, err *e)
{
    if (b->ncells >= TABLE_MAX_COLS) return bad_file(e, "列数超过 200 列", "More than 200 columns");
    if (n > TABLE_MAX_CELL_BYTES) return bad_file(e, "有单元格内容超过 32 KB", "A cell is longer than 32 KB");
    if (!utf8_valid(s, n)) /* the table promises UTF-8 to every reader, the preview's JSON first */
        return bad_file(e, "有单元格不是有效的 UTF-8 文本", "A cell is not valid UTF-8 text");
    data_table *t = b->t;
    return pool_add(t, &t->text, &t->text_len, &t->text_cap, s, n, &b->cells[b->ncells++], e);
}

/* Places a cell at column col (xlsx rows may skip empty cells). */
static int set_cell(row_builder *b, int col, const char *s, err *e)
{
    if (col >= TABLE_MAX_COLS) return bad_file(e, "列数超过 200 列", "More than 200 columns");
    while (b->ncells < col)
        if (add_cell(b, "", 0, e)) return -1;
    if (b->ncells > col) { /* repeated reference: the last value wins */
        int keep = b->ncells;
        b->ncells = col;
        int rc = add_cell(b, s, strlen(s), e);
        b->ncells = keep;
        return rc;
    }
    return add_cell(b, s, strlen(s), e);
}

static int end_row(row_builder *b, err *e)
{
    data_table *t = b->t;
    if (t->nrows >= TABLE_MAX_ROWS + 1) return bad_file(e, "行数超过 100 万行", "More than 1,000,000 rows");
    if (t->ncells + (size_t)b->ncells > TABLE_MAX_CELLS)
        return bad_file(e, "单元格总数超过 400 万个，请拆分成几个较小的文件再导入",
                        "More than 4,000,000 cells; split the file into smaller ones");
    size_t rows_cap = t->cap;
    if (reserve(t, (void **)&t->first, &rows_cap, (size_t)t->nrows + 1, sizeof(size_t), e) ||
        (rows_cap != t->cap && reserve(t, (void **)&t->ncols, &t->cap, rows_cap, sizeof(int), e)) ||
        reserve(t, (void **)&t->cell, &t->cell_cap, t->ncells + (size_t)b->ncells, sizeof(uint32_t), e))
        return -1;
    if (b->ncells) /* an empty first row: no cell array yet, and NULL + 0 is undefined */
        memcpy(t->cell + t->ncells, b->cells, sizeof(uint32_t) * (size_t)b->ncells);
    t->first[t->nrows] = t->ncells;
    t->ncols[t->nrows++] = b->ncells;
    t->ncells += (size_t)b->ncells;
    b->ncells = 0;
    return 0;
}

void table_free(data_table *t)
{
    free(t->text);
    free(t->cell);
    free(t->first);
    free(t->ncols);
    memset(t, 0, sizeof *t);
}

const char *table_cell(const data_table *t, int row, int col)
{
    if (row < 0 || row >= t->nrows || col < 0 || col >= t->ncols[row]) return "";
    return t->text + t->cell[t->first[row] + (size_t)col];
}

/* Trailing rows where every cell is empty are not data. */
static void drop_empty_tail(data_table *t)
{
    while (t->nrows > 0) {
        int r = t->nrows - 1, empty = 1;
        for (int c = 0; c < t->ncols[r] && empty; c++) empty = !*table_cell(t, r, c);
        if (!empty) break;
        t->ncells = t->first[r];
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
static char *to_utf8(data_table *t, const char *data, size_t n, size_t *out_n, err *e)
{
    size_t cap = n + n / 2 + 16, left_in = n, left_out = cap; /* 2 GBK bytes: at most 3 UTF-8 */
    if (hold(t, cap, e)) return NULL;
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) return bad_file(e, "无法识别文件编码", "Unknown file encoding"), NULL;
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
        if (!(converted = to_utf8(t, data, n, &n, e))) return -1;
        data = converted;
        if ((valid = utf8_valid_prefix(data, n)) < n) { /* never echo what the converter let through */
            int rc = invalid_utf8(e, data, valid);
            free(converted);
            return rc;
        }
    }
    if (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) data += 3, n -= 3;
    char sep = separator_of(data, n);
    row_builder b = {.t = t};
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
    free(converted);
    return rc;
}

/* ---- xlsx: a zip of XML parts ---- */

/* The parser being run, for handlers that must stop it. */
static _Thread_local XML_Parser current_parser;

typedef struct xml_state {
    err *e;
    int failed;
    data_table *t; /* the budget is counted there */
    /* shared strings: a text pool and each string's offset in it */
    char *ss_text;
    size_t ss_len, ss_cap;
    uint32_t *strings;
    size_t nstrings, strings_cap;
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
        if (x->ss_len + x->text.len > TABLE_MAX_SHARED_STRINGS) {
            err_setf(x->e, 422, "bad_file", "Excel 文件的共享字符串超过 %u MB，疑似恶意文件，已拒绝",
                     "The workbook's shared strings exceed %u MB: refused as a likely bomb",
                     TABLE_MAX_SHARED_STRINGS >> 20);
            return fail(x, current_parser, "", "");
        }
        if (reserve(x->t, (void **)&x->strings, &x->strings_cap, x->nstrings + 1, sizeof(uint32_t), x->e) ||
            pool_add(x->t, &x->ss_text, &x->ss_len, &x->ss_cap, x->text.data ? x->text.data : "", x->text.len,
                     &x->strings[x->nstrings], x->e))
            return fail(x, current_parser, "", "");
        x->nstrings++;
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

/* The sheet's declared range, "A1:GR1048576": refused before its rows are
 * read when it is beyond the limits (its cells would be refused anyway). */
static void check_dimension(xml_state *x, const char *ref)
{
    const char *last = ref ? strchr(ref, ':') : NULL;
    if (!last) return;
    last++;
    long col = column_of(last) + 1, row = 0;
    const char *digits = last;
    while (*digits >= 'A' && *digits <= 'Z') digits++;
    row = strtol(digits, NULL, 10);
    if (col > TABLE_MAX_COLS || row > TABLE_MAX_ROWS + 1 || col * row > TABLE_MAX_CELLS || col <= 0) {
        err_setf(x->e, 422, "bad_file", "工作表范围 %.20s 过大（最多 200 列、100 万行、400 万个单元格）",
                 "The sheet's range %.20s is too large (at most 200 columns, 1,000,000 rows, 4,000,000 cells)", ref);
        fail(x, current_parser, "", "");
    }
}

static void XMLCALL sheet_start(void *ud, const XML_Char *tag, const XML_Char **atts)
{
    xml_state *x = ud;
    if (is(tag, "dimension")) {
        check_dimension(x, attr(atts, "ref"));
    } else if (is(tag, "row")) {
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
            v = i >= 0 && (size_t)i < x->nstrings ? x->ss_text + x->strings[i] : "";
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

/* OOXML parts never declare a DTD: one would only serve entity bombs. */
static void XMLCALL refuse_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                                   int has_internal_subset)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    fail(ud, current_parser, "Excel 文件中含有不允许的 DTD 声明", "The workbook holds a DTD declaration, which is not allowed");
}

static int zip_bomb(err *e, const char *name, const char *zh, const char *en)
{
    return err_setf(e, 422, "bad_file", zh, en, name);
}

/* Streams one part of the zip through expat in small pieces, so a part of
 * any size holds only the parser's buffer. 1 when the part is absent. */
static int parse_part(zip_t *z, const char *name, xml_state *x, XML_StartElementHandler start,
                      XML_EndElementHandler end)
{
    zip_stat_t st;
    if (zip_stat(z, name, 0, &st) != 0) return 1;
    if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE) || st.size > TABLE_MAX_XLSX_PART)
        return zip_bomb(x->e, name, "Excel 文件中的 %s 解压后过大（超过 256 MB）或已损坏",
                        "%s in the workbook is too large uncompressed (over 256 MB) or damaged");
    if (st.size > (1u << 20) && st.size / (st.comp_size ? st.comp_size : 1) > TABLE_MAX_ZIP_RATIO)
        return zip_bomb(x->e, name, "Excel 文件中的 %s 压缩比超过 100 倍，疑似压缩炸弹，已拒绝",
                        "%s in the workbook is compressed more than 100 times: refused as a likely zip bomb");
    zip_file_t *f = zip_fopen(z, name, 0);
    if (!f) return bad_file(x->e, "Excel 文件已损坏", "The Excel file is damaged");
    enum { CHUNK = 64 * 1024 };
    char *buf = malloc(CHUNK);
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (!buf || !p) {
        free(buf);
        if (p) XML_ParserFree(p);
        zip_fclose(f);
        return over_budget(x->e);
    }
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, start, end);
    XML_SetCharacterDataHandler(p, text_data);
    XML_SetStartDoctypeDeclHandler(p, refuse_doctype);
    current_parser = p;
    zip_uint64_t total = 0;
    int ok = 1, done = 0;
    while (ok && !done && !x->failed) {
        zip_int64_t got = zip_fread(f, buf, CHUNK);
        if (got < 0 || (total += (zip_uint64_t)got) > st.size) { /* more than it declared: damaged or forged */
            bad_file(x->e, "Excel 文件已损坏", "The Excel file is damaged");
            x->failed = 1;
            break;
        }
        done = got == 0;
        ok = XML_Parse(p, buf, (int)got, done) == XML_STATUS_OK;
        int offset = 0, size = 0;
        if (ok && XML_GetInputContext(p, &offset, &size) && (size_t)size > TABLE_MAX_XML_TOKEN) {
            err_setf(x->e, 422, "bad_file", "Excel 文件中的 %s 有超过 4 MB 的标记，疑似恶意文件，已拒绝",
                     "%s in the workbook holds a tag over 4 MB: refused as a likely bomb", name);
            x->failed = 1;
        }
    }
    XML_ParserFree(p);
    current_parser = NULL;
    free(buf);
    zip_fclose(f);
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
    xml_state x = {.e = e, .t = t, .text = STRBUF_INIT, .row = {.t = t}};
    int rc = parse_part(z, "xl/sharedStrings.xml", &x, ss_start, ss_end);
    if (rc == 1) rc = 0;
    if (!rc && (rc = parse_part(z, "xl/styles.xml", &x, styles_start, styles_end)) == 1) rc = 0;
    if (!rc && (rc = parse_part(z, "xl/worksheets/sheet1.xml", &x, sheet_start, sheet_end)) == 1)
        rc = bad_file(e, "Excel 文件中没有工作表", "The workbook has no sheet");
    if (!rc && e->status) rc = -1;
    free(x.ss_text);
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
