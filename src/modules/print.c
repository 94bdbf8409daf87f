/* print.c - a document record as a PDF (print.h): the texts of the page
 * from the record and its "print" metadata; the page itself is
 * util/pdf_doc's. */
#include "print.h"

#include <string.h>

#include "../acl/acl.h"
#include "../meta/meta_print.h"
#include "../entity/value.h"
#include "../util/money_capitals.h"
#include "../util/pdf_doc.h"

static int english(const entity_ctx *c)
{
    return c->lang && strcmp(c->lang, "en") == 0;
}

static const char *label_of(const entity_ctx *c, const field_def *f)
{
    return english(c) ? f->label_en : f->label_zh;
}

const char *print_company_name(entity_ctx *c)
{
    err e;
    err_clear(&e);
    const char *name = NULL;
    db_stmt *s = c->user ? db_prepare(c->db, "SELECT name FROM companies WHERE id = ?", &e) : NULL;
    if (s) {
        db_bind_int64(s, 1, c->user->company_id);
        if (db_step(s) == DB_ROW && db_column_text(s, 0) && *db_column_text(s, 0))
            name = arena_strdup(c->a, db_column_text(s, 0));
        db_finalize(s);
    }
    return name ? name : english(c) ? "Our company" : "本公司";
}

/* "-1234567.50" -> "-1,234,567.50": thousands marked, as money is printed. */
static const char *grouped(arena *a, const char *number)
{
    strbuf sb = STRBUF_INIT;
    if (*number == '-') sb_putc(&sb, *number++);
    size_t digits = strcspn(number, ".");
    for (size_t i = 0; i < digits; i++) {
        if (i && (digits - i) % 3 == 0) sb_putc(&sb, ',');
        sb_putc(&sb, number[i]);
    }
    sb_append(&sb, number + digits);
    const char *out = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return out;
}

/* "2.50" -> "2.5", "2.00" -> "2": a quantity or a rate without the zeros
 * its scale pads it with. */
static const char *trimmed(arena *a, const char *number)
{
    char *t = arena_strdup(a, number);
    if (!strchr(t, '.')) return t;
    size_t n = strlen(t);
    while (n && t[n - 1] == '0') t[--n] = '\0';
    if (n && t[n - 1] == '.') t[--n] = '\0';
    return t;
}

/* A field's value as the page prints it, from the record read as text
 * (entity_ctx.as_text): a link as the linked record's name, figures with
 * their thousands, rates with %. NULL when empty or hidden. */
static const char *shown(entity_ctx *c, const field_def *f, json_t *record)
{
    json_t *v = json_object_get(record, f->companion ? f->companion : f->name);
    if (json_is_integer(v)) return arena_printf(c->a, "%lld", (long long)json_integer_value(v));
    const char *t = json_string_value(v);
    if (!t || !*t) return NULL;
    switch (f->type) {
    case FT_MONEY: return grouped(c->a, t);
    case FT_DECIMAL: return grouped(c->a, trimmed(c->a, t));
    case FT_PERCENT: return arena_printf(c->a, "%s%%", trimmed(c->a, t));
    default: return t;
    }
}

/* A field of the layout that the user may see, or NULL. */
static const field_def *visible(entity_ctx *c, const entity_def *ent, const char *name)
{
    const field_def *f = name ? meta_field(ent, name) : NULL;
    return f && acl_field_access(c->user, ent, f) ? f : NULL;
}

/* label/value pairs of the named fields that have a value. */
static pdf_pair *pairs(entity_ctx *c, const entity_def *ent, const char *const *names, int n, json_t *record,
                       int money_sign, int *count)
{
    pdf_pair *out = arena_alloc(c->a, sizeof *out * (size_t)(n + 1));
    *count = 0;
    for (int i = 0; i < n; i++) {
        const field_def *f = visible(c, ent, names[i]);
        const char *v = f ? shown(c, f, record) : NULL;
        if (!v) continue;
        if (money_sign && f->type == FT_MONEY)
            v = *v == '-' ? arena_printf(c->a, "-¥%s", v + 1) : arena_printf(c->a, "¥%s", v);
        out[(*count)++] = (pdf_pair){label_of(c, f), v};
    }
    return out;
}

/* The table: the layout's columns the user may see, one row per line. */
static void line_table(entity_ctx *c, const entity_def *ent, json_t *record, pdf_document *d)
{
    const print_layout *p = ent->print;
    const relation_def *r = print_lines_relation(ent);
    const entity_def *le = r ? meta_entity(c->m, r->entity) : NULL;
    if (!le) return;
    const field_def **cols = arena_alloc(c->a, sizeof *cols * (size_t)(p->ncolumns + 1));
    pdf_column *columns = arena_alloc(c->a, sizeof *columns * (size_t)(p->ncolumns + 1));
    int n = 0;
    for (int i = 0; i < p->ncolumns; i++) {
        const field_def *f = visible(c, le, p->columns[i]);
        if (!f) continue;
        int figure = f->type == FT_INTEGER || field_is_scaled(f);
        columns[n] = (pdf_column){label_of(c, f), figure ? PDF_RIGHT : PDF_LEFT, !figure && f->type != FT_DATE};
        cols[n++] = f;
    }
    json_t *lines = json_object_get(record, r->name);
    size_t nrows = json_array_size(lines);
    const char **cells = arena_alloc(c->a, sizeof *cells * (nrows * (size_t)n + 1));
    for (size_t row = 0; row < nrows; row++)
        for (int k = 0; k < n; k++) cells[row * (size_t)n + (size_t)k] = shown(c, cols[k], json_array_get(lines, row));
    d->columns = columns;
    d->ncolumns = n;
    d->cells = cells;
    d->nrows = (int)nrows;
}

/* 价税合计（大写）: 人民币壹万贰仟... from the exact figure. */
static const pdf_pair *in_words(entity_ctx *c, const entity_def *ent, json_t *record)
{
    const field_def *f = visible(c, ent, ent->print->in_words);
    const char *t = f ? json_string_value(json_object_get(record, f->name)) : NULL;
    int64_t fen;
    if (!t || decimal_parse(t, 2, &fen) != 0) return NULL;
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "人民币");
    money_capitals(fen, &sb);
    pdf_pair *w = arena_alloc(c->a, sizeof *w);
    w->label = arena_printf(c->a, english(c) ? "%s in words" : "%s（大写）", label_of(c, f));
    w->value = arena_strdup(c->a, sb_str(&sb));
    sb_free(&sb);
    return w;
}

/* The record as the user reads it, every value as text. */
static json_t *read_as_text(entity_ctx *c, const entity_def *ent, int64_t id, err *e)
{
    entity_ctx tc = *c;
    tc.as_text = 1;
    strbuf sb = STRBUF_INIT;
    json_t *record = NULL;
    if (entity_get(&tc, ent, id, 0, &sb, e) == 0) {
        record = json_loads(sb_str(&sb), 0, NULL);
        if (!record) err_set(e, 500, "internal", "读取记录失败", "Cannot read the record");
    }
    sb_free(&sb);
    return record;
}

int print_pdf(entity_ctx *c, const entity_def *ent, int64_t id, strbuf *out, const char **file_name, err *e)
{
    const print_layout *p = ent->print;
    if (!p) return err_set(e, 404, "not_found", "这类记录没有打印格式", "These records have no print layout");
    json_t *record = read_as_text(c, ent, id, e);
    if (!record) return -1;
    const char *title = english(c) ? p->title.en : p->title.zh;
    const field_def *number_f = visible(c, ent, p->number);
    const char *number = number_f ? shown(c, number_f, record) : NULL;
    const char *meta_names[] = {p->number, p->date};
    pdf_document d = {.lang = english(c) ? "en" : "zh", .company = print_company_name(c), .title = title,
                      .number = number, .subject = arena_printf(c->a, "%s %s", title, number ? number : "")};
    d.meta = pairs(c, ent, meta_names, 2, record, 0, &d.nmeta);
    d.fields = pairs(c, ent, p->header, p->nheader, record, 0, &d.nfields);
    line_table(c, ent, record, &d);
    d.totals = pairs(c, ent, p->totals, p->ntotals, record, 1, &d.ntotals);
    d.words = in_words(c, ent, record);
    d.terms = pairs(c, ent, p->terms, p->nterms, record, 0, &d.nterms);
    const char **signatures = arena_alloc(c->a, sizeof *signatures * (size_t)(p->nsignatures + 1));
    for (int i = 0; i < p->nsignatures; i++) signatures[i] = english(c) ? p->signatures[i].en : p->signatures[i].zh;
    d.signatures = signatures;
    d.nsignatures = p->nsignatures;
    int rc = pdf_render(&d, out, NULL, e);
    *file_name = number ? arena_printf(c->a, "%s-%s.pdf", title, number) : arena_printf(c->a, "%s-%lld.pdf", title, (long long)id);
    json_decref(record);
    return rc;
}
