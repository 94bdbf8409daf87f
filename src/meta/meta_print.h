/* meta_print.h - how a document prints (metadata "print"): the entity
 * declares what its PDF shows, and src/modules/print.c lays out any such
 * entity the same way (docs/engine.md, "Printing"):
 *   "print": {"title": {"zh": "报价单", "en": "Quotation"},
 *             "number": "code", "date": "quote_date",
 *             "header": ["account_id", "contact_id", ...],
 *             "lines": "lines", "columns": ["position", "product_id", ...],
 *             "totals": ["subtotal", "tax_total", "total"], "in_words": "total",
 *             "terms": ["payment_terms", ...],
 *             "signatures": [{"zh": "供方（盖章）", "en": "Supplier"}, ...]}
 * Every name is checked at start: a field of the entity (columns: of the
 * owned relation's line entity), in_words a money field. */
#ifndef KEHU_META_PRINT_H
#define KEHU_META_PRINT_H

#include <jansson.h>

#include "../util/err.h"
#include "metadata.h"

typedef struct print_label {
    const char *zh, *en;
} print_label;

typedef struct print_layout {
    print_label title;
    const char *number, *date;     /* fields; NULL: none */
    const char **header;           /* fields shown under the title */
    int nheader;
    const char *lines;             /* an owned relation; NULL: no table */
    const char **columns;          /* fields of its line entity */
    int ncolumns;
    const char **totals;           /* fields under the table */
    int ntotals;
    const char *in_words;          /* a money field also printed in capitals (大写); NULL: none */
    const char **terms;            /* fields printed as paragraphs */
    int nterms;
    print_label *signatures;       /* parties that sign */
    int nsignatures;
    const char *json;              /* as written, for GET /api/v1/metadata */
} print_layout;

struct arena;
/* Reads the entity's "print" (called by meta_load's build_entity); field
 * names of the entity itself are checked here. */
int meta_parse_print(const json_t *je, struct arena *a, entity_def *ent, err *e);
/* After every entity is built and owned lines are linked: the relation is
 * owned and the columns are fields of its lines. */
int meta_check_prints(const metadata *m, err *e);
/* The owned relation a layout's table shows, or NULL. */
const relation_def *print_lines_relation(const entity_def *ent);

#endif
