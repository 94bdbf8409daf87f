/* pdf_doc.h - a business document (quote, order, invoice) as an A4 PDF:
 * a letterhead, the title and number, header fields, a table of lines that
 * runs over as many pages as it needs with its header row repeated, totals,
 * the amount in words, terms and a signature block; page numbers at the
 * foot of every page. cairo draws and pango lays out the text in Noto Sans
 * CJK (Debian's fonts-noto-cjk), which cairo embeds as a subset, so any
 * reader shows the Chinese without fonts of its own.
 *
 * It knows nothing of entities: the caller hands it the texts, already in
 * the reader's language (src/modules/print.c builds them from metadata).
 * Rendering is serialised by a lock: pango's font map is not shared
 * between threads, and printing is rare. */
#ifndef KEHU_PDF_DOC_H
#define KEHU_PDF_DOC_H

#include "err.h"
#include "strbuf.h"

typedef enum pdf_align { PDF_LEFT, PDF_RIGHT, PDF_CENTER } pdf_align;

typedef struct pdf_column {
    const char *title;
    pdf_align align; /* figures right, the rest left */
    int wrap;        /* may take the width that is left and wrap (names,
                        descriptions); other columns keep their widest cell */
} pdf_column;

typedef struct pdf_pair {
    const char *label, *value;
} pdf_pair;

typedef struct pdf_document {
    const char *lang;    /* "zh" or "en": page numbers, signature lines */
    const char *company; /* the letterhead */
    const char *title;   /* 报价单 */
    const char *number;  /* the document's number, in the running head of later pages */
    const pdf_pair *meta; /* number and date, top right */
    int nmeta;
    const pdf_pair *fields; /* customer, contact...: two to a row */
    int nfields;
    const pdf_column *columns;
    int ncolumns;
    const char *const *cells; /* nrows * ncolumns texts, row by row; NULL is empty */
    int nrows;
    const pdf_pair *totals; /* figures, right under the table */
    int ntotals;
    const pdf_pair *words; /* the total in capitals (大写); NULL: none */
    const pdf_pair *terms; /* paragraphs */
    int nterms;
    const char *const *signatures; /* parties that sign, side by side */
    int nsignatures;
    const char *subject; /* PDF metadata title */
} pdf_document;

/* Renders d as PDF bytes appended to out; *pages gets the page count (may
 * be NULL). 500 pdf_failed when cairo fails or the CJK font is missing. */
int pdf_render(const pdf_document *d, strbuf *out, int *pages, err *e);
/* Frees the font map and the font caches (at exit, so leak checkers see
 * only what was really lost). */
void pdf_shutdown(void);

#endif
