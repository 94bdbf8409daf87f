/* pdf_doc.c - business documents as PDF with cairo and pango (pdf_doc.h).
 *
 * The page is laid out twice with the same code: the first pass only
 * measures, to learn how many pages there are ("第 1 页 / 共 3 页"); the
 * second draws. Lengths are in points (1/72 inch) on A4. */
#include "pdf_doc.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <string.h>

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN_X 42.0
#define MARGIN_TOP 40.0
#define MARGIN_BOTTOM 52.0
#define BODY_W (PAGE_W - 2 * MARGIN_X)
#define BOTTOM (PAGE_H - MARGIN_BOTTOM)
#define PAD_X 4.0
#define PAD_Y 3.0
/* Latin letters and figures in DejaVu, Chinese in Noto Sans CJK, as Chinese
 * documents set 西文 and 中文 in fonts of their own. It also keeps files
 * small: cairo 1.16 cannot subset the subroutines of Noto CJK's CFF when
 * some Latin glyphs are in the subset, and then copies all of them (a
 * quote of 900 KB instead of 100 KB). */
#define CJK_FAMILY "Noto Sans CJK SC"
#define FONT_FAMILY "DejaVu Sans, " CJK_FAMILY
#define TABLE_SIZE 8.5
#define BODY_SIZE 9.5
#define MIN_WRAP_W 48.0 /* a wrapping column never gets narrower than this */
#define TOTALS_W 230.0

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *font_map; /* made at the first document, under lock */

typedef struct style {
    double size;
    int bold;
    pdf_align align;
    double gray; /* text colour: 0 black */
} style;

static const style BODY = {BODY_SIZE, 0, PDF_LEFT, 0};

/* What both passes share: where the pen is, which page, and the table's
 * column widths (measured once). */
typedef struct flow {
    const pdf_document *d;
    cairo_t *cr;
    PangoLayout *layout; /* one scratch layout, restyled for every text */
    int draw;            /* 0: measuring pass, 1: drawing pass */
    int page, pages;
    double y;
    int in_table; /* a page break repeats the table's header row */
    double *widths;
    double *cell_base, *cell_height; /* scratch: a row's cells as measured */
} flow;

static int en(const flow *f)
{
    return f->d->lang && strcmp(f->d->lang, "en") == 0;
}

/* Sets the scratch layout to text in a style, `width` wide (0: no limit,
 * one line per paragraph); the first bold_bytes bytes are bold (a label
 * before its value). */
static PangoLayout *set_text(flow *f, const char *text, style st, double width, size_t bold_bytes)
{
    PangoLayout *l = f->layout;
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, FONT_FAMILY);
    pango_font_description_set_absolute_size(fd, st.size * PANGO_SCALE);
    pango_font_description_set_weight(fd, st.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    PangoAttrList *attrs = pango_attr_list_new();
    if (bold_bytes) {
        PangoAttribute *b = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
        b->start_index = 0;
        b->end_index = (guint)bold_bytes;
        pango_attr_list_insert(attrs, b);
    }
    pango_layout_set_attributes(l, attrs);
    pango_attr_list_unref(attrs);
    pango_layout_set_width(l, width > 0 ? (int)(width * PANGO_SCALE) : -1);
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, st.align == PDF_RIGHT    ? PANGO_ALIGN_RIGHT
                                  : st.align == PDF_CENTER ? PANGO_ALIGN_CENTER
                                                           : PANGO_ALIGN_LEFT);
    pango_layout_set_text(l, text ? text : "", -1);
    return l;
}

static double layout_height(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

static double layout_width(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)w / PANGO_SCALE;
}

/* Draws (in the drawing pass) text at x, y, `width` wide; answers its height. */
static double text_at(flow *f, const char *text, style st, double x, double y, double width, size_t bold_bytes)
{
    PangoLayout *l = set_text(f, text, st, width, bold_bytes);
    if (f->draw) {
        cairo_set_source_rgb(f->cr, st.gray, st.gray, st.gray);
        cairo_move_to(f->cr, x, y);
        pango_cairo_show_layout(f->cr, l);
    }
    return layout_height(l);
}

static double text_width(flow *f, const char *text, style st)
{
    return layout_width(set_text(f, text, st, 0, 0));
}

static void rule(flow *f, double x0, double x1, double y, double width)
{
    if (!f->draw) return;
    cairo_set_source_rgb(f->cr, 0, 0, 0);
    cairo_set_line_width(f->cr, width);
    cairo_move_to(f->cr, x0, y);
    cairo_line_to(f->cr, x1, y);
    cairo_stroke(f->cr);
}

/* "label：value" (or "label: value"), the label's bytes in *label_bytes. */
static char *labelled(flow *f, const pdf_pair *p, size_t *label_bytes)
{
    const char *colon = en(f) ? ": " : "：";
    size_t n = strlen(p->label) + strlen(colon);
    char *s = g_strconcat(p->label, colon, p->value ? p->value : "", NULL);
    if (label_bytes) *label_bytes = n;
    return s;
}

/* ---- pages ---- */

static void footer(flow *f)
{
    char text[64];
    if (en(f)) g_snprintf(text, sizeof text, "Page %d of %d", f->page, f->pages);
    else g_snprintf(text, sizeof text, "第 %d 页 / 共 %d 页", f->page, f->pages);
    style st = {8, 0, PDF_CENTER, 0.35};
    text_at(f, text, st, MARGIN_X, PAGE_H - MARGIN_BOTTOM + 20, BODY_W, 0);
}

static void table_header(flow *f);

/* Pages after the first start with the company, the title and number, so
 * a loose sheet still says what it belongs to. */
static void running_head(flow *f)
{
    const pdf_document *d = f->d;
    style left = {8, 0, PDF_LEFT, 0.35}, right = {8, 0, PDF_RIGHT, 0.35};
    char *what = g_strdup_printf("%s %s%s", d->title ? d->title : "", d->number ? d->number : "",
                                 en(f) ? " (continued)" : "（续）");
    double h = text_at(f, d->company, left, MARGIN_X, f->y, BODY_W, 0);
    text_at(f, what, right, MARGIN_X, f->y, BODY_W, 0);
    g_free(what);
    f->y += h + 3;
    rule(f, MARGIN_X, PAGE_W - MARGIN_X, f->y, 0.5);
    f->y += 8;
}

static void page_break(flow *f)
{
    footer(f);
    if (f->draw) cairo_show_page(f->cr);
    f->page++;
    f->y = MARGIN_TOP;
    running_head(f);
    if (f->in_table) table_header(f);
}

/* Starts a new page unless h more points fit on this one. */
static void need(flow *f, double h)
{
    if (f->y + h > BOTTOM) page_break(f);
}

/* ---- the first page's head ---- */

static void letterhead(flow *f)
{
    const pdf_document *d = f->d;
    style company = {14, 1, PDF_CENTER, 0};
    f->y += text_at(f, d->company, company, MARGIN_X, f->y, BODY_W, 0) + 3;
    rule(f, MARGIN_X, PAGE_W - MARGIN_X, f->y, 1.2);
    rule(f, MARGIN_X, PAGE_W - MARGIN_X, f->y + 2.2, 0.4);
    f->y += 10;
    /* The title spaced out, as printed forms write 报 价 单. */
    PangoLayout *l = set_text(f, d->title, (style){18, 1, PDF_CENTER, 0}, BODY_W, 0);
    PangoAttrList *attrs = pango_layout_get_attributes(l);
    pango_attr_list_insert(attrs, pango_attr_letter_spacing_new(en(f) ? 1 * PANGO_SCALE : 8 * PANGO_SCALE));
    pango_layout_context_changed(l);
    if (f->draw) {
        cairo_set_source_rgb(f->cr, 0, 0, 0);
        cairo_move_to(f->cr, MARGIN_X, f->y);
        pango_cairo_show_layout(f->cr, l);
    }
    f->y += layout_height(l) + 6;
    /* Number and date on one line at the right. */
    GString *meta = g_string_new("");
    for (int i = 0; i < d->nmeta; i++) {
        char *s = labelled(f, &d->meta[i], NULL);
        if (i) g_string_append(meta, en(f) ? "    " : "　　");
        g_string_append(meta, s);
        g_free(s);
    }
    if (meta->len) f->y += text_at(f, meta->str, (style){BODY_SIZE, 0, PDF_RIGHT, 0}, MARGIN_X, f->y, BODY_W, 0) + 6;
    g_string_free(meta, TRUE);
}

/* The header fields, two to a row. */
static void header_fields(flow *f)
{
    const pdf_document *d = f->d;
    double half = BODY_W / 2;
    for (int i = 0; i < d->nfields; i += 2) {
        double h = 0;
        for (int k = i; k < i + 2 && k < d->nfields; k++) {
            size_t bold;
            char *s = labelled(f, &d->fields[k], &bold);
            double hk = text_at(f, s, BODY, MARGIN_X + (k - i) * half, f->y, half - 10, bold);
            if (hk > h) h = hk;
            g_free(s);
        }
        f->y += h + 3;
    }
    f->y += 6;
}

/* ---- the table ---- */

static style cell_style(const pdf_column *c, int header)
{
    return (style){TABLE_SIZE, header, header ? PDF_CENTER : c->align, 0};
}

/* Column widths: every column its widest text. The room left of the page
 * goes to the wrapping columns: when their widest texts fit, each gets its
 * own and the rest in proportion; when not, one whose text is narrower
 * than an equal share keeps its width and the others share what is left
 * equally, wrapping (as tables in a browser do). When even the figures do
 * not fit, every column shrinks alike and wraps. */
static void column_widths(flow *f)
{
    const pdf_document *d = f->d;
    double fixed = 0, wanted = 0;
    int nwrap = 0;
    for (int c = 0; c < d->ncolumns; c++) {
        double w = text_width(f, d->columns[c].title, cell_style(&d->columns[c], 1));
        for (int r = 0; r < d->nrows; r++) {
            const char *t = d->cells[r * d->ncolumns + c];
            if (!t || !*t) continue;
            double tw = text_width(f, t, cell_style(&d->columns[c], 0));
            if (tw > w) w = tw;
        }
        f->widths[c] = w + 2 * PAD_X + 1;
        if (d->columns[c].wrap) {
            wanted += f->widths[c];
            nwrap++;
        } else {
            fixed += f->widths[c];
        }
    }
    double room = BODY_W - fixed;
    if (nwrap && room >= nwrap * MIN_WRAP_W) {
        if (wanted <= room) {
            for (int c = 0; c < d->ncolumns; c++)
                if (d->columns[c].wrap) f->widths[c] *= room / wanted;
            return;
        }
        int *settled = g_new0(int, d->ncolumns);
        for (int changed = 1; changed;) {
            changed = 0;
            double share = room / nwrap;
            for (int c = 0; c < d->ncolumns; c++)
                if (d->columns[c].wrap && !settled[c] && f->widths[c] <= share) {
                    settled[c] = changed = 1;
                    room -= f->widths[c];
                    nwrap--;
                }
        }
        for (int c = 0; c < d->ncolumns; c++)
            if (d->columns[c].wrap && !settled[c]) f->widths[c] = room / nwrap;
        g_free(settled);
    } else if (fixed + wanted > BODY_W) {
        for (int c = 0; c < d->ncolumns; c++) f->widths[c] *= BODY_W / (fixed + wanted);
    }
}

static const char *cell_text(flow *f, const char *const *cells, int header, int c)
{
    return header ? f->d->columns[c].title : cells[c];
}

static double baseline(PangoLayout *l)
{
    return (double)pango_layout_get_baseline(l) / PANGO_SCALE;
}

/* A row's height, and in *base where its cells' first baselines line up:
 * figures (DejaVu) and Chinese (Noto, taller ascent) side by side must sit
 * on one line, not each at the top of its cell. */
static double row_height(flow *f, const char *const *cells, int header, double *base)
{
    const pdf_document *d = f->d;
    double b = 0, h = 0;
    for (int c = 0; c < d->ncolumns; c++) {
        PangoLayout *l = set_text(f, cell_text(f, cells, header, c), cell_style(&d->columns[c], header),
                                  f->widths[c] - 2 * PAD_X, 0);
        f->cell_base[c] = baseline(l);
        f->cell_height[c] = layout_height(l);
        if (f->cell_base[c] > b) b = f->cell_base[c];
    }
    for (int c = 0; c < d->ncolumns; c++)
        if (b - f->cell_base[c] + f->cell_height[c] > h) h = b - f->cell_base[c] + f->cell_height[c];
    if (base) *base = b;
    return h + 2 * PAD_Y;
}

static void draw_row(flow *f, const char *const *cells, int header, double h, double base)
{
    const pdf_document *d = f->d;
    double x = MARGIN_X;
    for (int c = 0; c < d->ncolumns && f->draw; c++) {
        cairo_rectangle(f->cr, x, f->y, f->widths[c], h);
        if (header) {
            cairo_set_source_rgb(f->cr, 0.91, 0.92, 0.94);
            cairo_fill_preserve(f->cr);
        }
        cairo_set_source_rgb(f->cr, 0.45, 0.45, 0.45);
        cairo_set_line_width(f->cr, 0.5);
        cairo_stroke(f->cr);
        PangoLayout *l = set_text(f, cell_text(f, cells, header, c), cell_style(&d->columns[c], header),
                                  f->widths[c] - 2 * PAD_X, 0);
        cairo_set_source_rgb(f->cr, 0, 0, 0);
        cairo_move_to(f->cr, x + PAD_X, f->y + PAD_Y + base - baseline(l));
        pango_cairo_show_layout(f->cr, l);
        x += f->widths[c];
    }
    f->y += h;
}

static void table_header(flow *f)
{
    double base, h = row_height(f, NULL, 1, &base);
    draw_row(f, NULL, 1, h, base);
}

static void table(flow *f)
{
    const pdf_document *d = f->d;
    if (!d->ncolumns) return;
    /* the header row with at least one line under it */
    need(f, row_height(f, NULL, 1, NULL) + (d->nrows ? row_height(f, d->cells, 0, NULL) : 0));
    table_header(f);
    f->in_table = 1;
    for (int r = 0; r < d->nrows; r++) {
        const char *const *cells = d->cells + (size_t)r * (size_t)d->ncolumns;
        double base, h = row_height(f, cells, 0, &base);
        need(f, h);
        draw_row(f, cells, 0, h, base);
    }
    f->in_table = 0;
    f->y += 6;
}

/* ---- after the table ---- */

static void totals(flow *f)
{
    const pdf_document *d = f->d;
    double x = PAGE_W - MARGIN_X - TOTALS_W, h = 0;
    style label = {BODY_SIZE, 0, PDF_LEFT, 0}, value = {BODY_SIZE, 1, PDF_RIGHT, 0};
    for (int i = 0; i < d->ntotals; i++) h += layout_height(set_text(f, d->totals[i].label, label, TOTALS_W, 0)) + 2;
    if (d->words) {
        size_t bold;
        char *s = labelled(f, d->words, &bold);
        h += layout_height(set_text(f, s, BODY, BODY_W - 2 * PAD_X, bold)) + 2 * PAD_Y + 8;
        g_free(s);
    }
    need(f, h);
    for (int i = 0; i < d->ntotals; i++) {
        double hl = text_at(f, d->totals[i].label, label, x, f->y, TOTALS_W, 0);
        text_at(f, d->totals[i].value, value, x, f->y, TOTALS_W, 0);
        f->y += hl + 2;
    }
    if (d->words) {
        f->y += 4;
        size_t bold;
        char *s = labelled(f, d->words, &bold);
        double hw = layout_height(set_text(f, s, BODY, BODY_W - 2 * PAD_X, bold)) + 2 * PAD_Y;
        if (f->draw) {
            cairo_rectangle(f->cr, MARGIN_X, f->y, BODY_W, hw);
            cairo_set_source_rgb(f->cr, 0.45, 0.45, 0.45);
            cairo_set_line_width(f->cr, 0.5);
            cairo_stroke(f->cr);
        }
        text_at(f, s, BODY, MARGIN_X + PAD_X, f->y + PAD_Y, BODY_W - 2 * PAD_X, bold);
        g_free(s);
        f->y += hw + 4;
    }
    f->y += 8;
}

/* A paragraph that may run over pages: placed line by line. */
static void paragraph(flow *f, const char *text, size_t bold_bytes)
{
    PangoLayout *l = set_text(f, text, BODY, BODY_W, bold_bytes);
    PangoLayoutIter *it = pango_layout_get_iter(l);
    double top = f->y; /* where the layout's y = 0 sits on this page */
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        double ly = (double)logical.y / PANGO_SCALE, lh = (double)logical.height / PANGO_SCALE;
        if (top + ly + lh > BOTTOM) {
            page_break(f);
            top = f->y - ly;
        }
        if (f->draw) {
            cairo_set_source_rgb(f->cr, 0, 0, 0);
            cairo_move_to(f->cr, MARGIN_X, top + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE);
            pango_cairo_show_layout_line(f->cr, pango_layout_iter_get_line_readonly(it));
        }
        f->y = top + ly + lh;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    f->y += 4;
}

static void terms(flow *f)
{
    const pdf_document *d = f->d;
    for (int i = 0; i < d->nterms; i++) {
        size_t bold;
        char *s = labelled(f, &d->terms[i], &bold);
        paragraph(f, s, bold);
        g_free(s);
    }
    if (d->nterms) f->y += 8;
}

/* Each party: its name, then lines to sign and date on, side by side. */
static void signatures(flow *f)
{
    const pdf_document *d = f->d;
    if (!d->nsignatures) return;
    const char *sign = en(f) ? "Signature: ______________" : "签字：______________";
    const char *date = en(f) ? "Date: ______________" : "日期：______年____月____日";
    style head = {BODY_SIZE, 1, PDF_LEFT, 0};
    double w = BODY_W / d->nsignatures, line = layout_height(set_text(f, sign, BODY, w, 0));
    need(f, 4 * line + 30);
    f->y += 8;
    double h = 0;
    for (int i = 0; i < d->nsignatures; i++) {
        double x = MARGIN_X + i * w, y = f->y;
        y += text_at(f, d->signatures[i], head, x, y, w - 10, 0) + 14;
        y += text_at(f, sign, BODY, x, y, w - 10, 0) + 10;
        y += text_at(f, date, BODY, x, y, w - 10, 0);
        if (y - f->y > h) h = y - f->y;
    }
    f->y += h;
}

static void lay_out(flow *f)
{
    f->page = 1;
    f->y = MARGIN_TOP;
    f->in_table = 0;
    letterhead(f);
    header_fields(f);
    table(f);
    totals(f);
    terms(f);
    signatures(f);
    footer(f);
    if (f->draw) cairo_show_page(f->cr);
}

/* ---- output ---- */

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
    sb_appendn(closure, (const char *)data, length);
    return CAIRO_STATUS_SUCCESS;
}

/* The family fontconfig gives for CJK_FAMILY: without fonts-noto-cjk
 * another font stands in and Chinese prints as empty boxes, so that is
 * an error, not a document. */
static int font_present(PangoContext *pc)
{
    PangoFontDescription *fd = pango_font_description_from_string(CJK_FAMILY " 10");
    PangoFont *font = pango_font_map_load_font(font_map, pc, fd);
    pango_font_description_free(fd);
    if (!font) return 0;
    PangoFontDescription *got = pango_font_describe(font);
    const char *family = pango_font_description_get_family(got);
    int ok = family && strncmp(family, "Noto Sans CJK", 13) == 0;
    pango_font_description_free(got);
    g_object_unref(font);
    return ok;
}

static int render_locked(const pdf_document *d, strbuf *out, int *pages, err *e)
{
    if (!font_map) font_map = pango_cairo_font_map_new();
    strbuf pdf = STRBUF_INIT;
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(write_out, &pdf, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, d->subject ? d->subject : d->title);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Kehu 客户");
    cairo_t *cr = cairo_create(surface);
    PangoContext *pc = pango_font_map_create_context(font_map);
    /* Unhinted metrics: the layout measured is the layout printed. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pc, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_language(pc, pango_language_from_string(d->lang && strcmp(d->lang, "en") == 0 ? "en" : "zh-cn"));
    pango_cairo_update_context(cr, pc);
    int rc = 0;
    if (!font_present(pc)) {
        rc = err_set(e, 500, "pdf_failed", "缺少中文字体 Noto Sans CJK（Debian 软件包 fonts-noto-cjk）",
                     "The Noto Sans CJK font is missing (Debian package fonts-noto-cjk)");
    } else {
        int n = d->ncolumns ? d->ncolumns : 1;
        double *widths = g_new0(double, 3 * n);
        flow f = {.d = d, .cr = cr, .layout = pango_layout_new(pc), .widths = widths, .cell_base = widths + n,
                  .cell_height = widths + 2 * n};
        column_widths(&f);
        lay_out(&f); /* measure: how many pages */
        f.pages = f.page;
        f.draw = 1;
        lay_out(&f);
        if (pages) *pages = f.pages;
        g_object_unref(f.layout);
        g_free(widths);
    }
    g_object_unref(pc);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (rc == 0 && status != CAIRO_STATUS_SUCCESS)
        rc = err_setf(e, 500, "pdf_failed", "生成 PDF 失败：%s", "Cannot make the PDF: %s", cairo_status_to_string(status));
    if (rc == 0) sb_appendn(out, pdf.data, pdf.len);
    sb_free(&pdf);
    return rc;
}

int pdf_render(const pdf_document *d, strbuf *out, int *pages, err *e)
{
    pthread_mutex_lock(&lock);
    int rc = render_locked(d, out, pages, e);
    pthread_mutex_unlock(&lock);
    return rc;
}

void pdf_shutdown(void)
{
    pthread_mutex_lock(&lock);
    if (font_map) {
        g_object_unref(font_map);
        font_map = NULL;
        /* No cairo_debug_reset_static_data or FcFini here: pango may still
         * hold scaled fonts in caches it frees lazily, and cairo asserts
         * (cairo-hash.c, live_entries == 0) when its tables are reset
         * under them; what cairo and fontconfig keep until exit is
         * theirs (tests/lsan.supp). */
    }
    pthread_mutex_unlock(&lock);
}
