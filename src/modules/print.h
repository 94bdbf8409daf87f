/* print.h - a document record (quote, order, invoice: any entity whose
 * metadata declares "print", meta_print.h) as a Chinese PDF: the company's
 * letterhead, the title, number and date, the header fields, the table of
 * its owned lines, totals in figures and in capitals (大写), terms and a
 * signature block. The record is read through the engine as the user
 * reads it (404 when they cannot; fields hidden from them are left out),
 * and laid out by util/pdf_doc. */
#ifndef KEHU_PRINT_H
#define KEHU_PRINT_H

#include "../entity/entity.h"

/* Appends the PDF of record `id` to out; *file_name gets "报价单-BJ-000001.pdf"
 * (arena-owned, in c->lang). 404 when the entity does not print or the
 * record is not there for the user. */
int print_pdf(entity_ctx *c, const entity_def *ent, int64_t id, strbuf *out, const char **file_name, err *e);

/* The name on the letterhead: the name of the user's company (companies,
 * PATCH /api/v1/companies/{id}); the first company is called 本公司 until
 * renamed. */
const char *print_company_name(entity_ctx *c);

#endif
