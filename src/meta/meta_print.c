/* meta_print.c - reading and checking the "print" declaration of an
 * entity (meta_print.h). */
#include "meta_print.h"

#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"

static int bad_print(const entity_def *ent, const char *what, err *e)
{
    return err_setf(e, 500, "bad_metadata", "实体 %s 的打印格式有误：%s", "Entity %s: bad print layout: %s",
                    ent->name, what, ent->name, what);
}

static const char *text(struct arena *a, const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
}

static int label(struct arena *a, const json_t *v, print_label *out)
{
    if (json_is_string(v)) {
        out->zh = out->en = arena_strdup(a, json_string_value(v));
        return 0;
    }
    out->zh = text(a, v, "zh");
    out->en = text(a, v, "en");
    if (!out->zh) out->zh = out->en;
    if (!out->en) out->en = out->zh;
    return out->zh ? 0 : -1;
}

/* A list of field names; each must be a field of `of` when of is given. */
static int names(struct arena *a, const json_t *v, const entity_def *of, const char ***out, int *n)
{
    *n = 0;
    if (!v) return 0;
    if (!json_is_array(v)) return -1;
    *out = arena_alloc(a, sizeof **out * (json_array_size(v) + 1));
    size_t i;
    const json_t *x;
    json_array_foreach(v, i, x) {
        if (!json_is_string(x) || (of && !meta_field(of, json_string_value(x)))) return -1;
        (*out)[(*n)++] = arena_strdup(a, json_string_value(x));
    }
    return 0;
}

static int field_or_null(const entity_def *ent, const char *name)
{
    return !name || meta_field(ent, name) != NULL;
}

int meta_parse_print(const json_t *je, struct arena *a, entity_def *ent, err *e)
{
    const json_t *jp = json_object_get(je, "print");
    if (!jp) return 0;
    print_layout *p = arena_alloc(a, sizeof *p);
    if (!json_is_object(jp) || label(a, json_object_get(jp, "title"), &p->title))
        return bad_print(ent, "title {zh, en} is required", e);
    p->number = text(a, jp, "number");
    p->date = text(a, jp, "date");
    p->lines = text(a, jp, "lines");
    p->in_words = text(a, jp, "in_words");
    if (!field_or_null(ent, p->number) || !field_or_null(ent, p->date) || !field_or_null(ent, p->in_words))
        return bad_print(ent, "number, date and in_words name fields of the entity", e);
    if (p->in_words && meta_field(ent, p->in_words)->type != FT_MONEY)
        return bad_print(ent, "in_words must be a money field", e);
    if (names(a, json_object_get(jp, "header"), ent, &p->header, &p->nheader) ||
        names(a, json_object_get(jp, "totals"), ent, &p->totals, &p->ntotals) ||
        names(a, json_object_get(jp, "terms"), ent, &p->terms, &p->nterms))
        return bad_print(ent, "header, totals and terms are lists of fields of the entity", e);
    /* the line entity may not be built yet: meta_check_prints checks these */
    if (names(a, json_object_get(jp, "columns"), NULL, &p->columns, &p->ncolumns))
        return bad_print(ent, "columns is a list of field names", e);
    const json_t *sig = json_object_get(jp, "signatures"), *s;
    if (sig && !json_is_array(sig)) return bad_print(ent, "signatures is a list of labels", e);
    p->signatures = arena_alloc(a, sizeof *p->signatures * (json_array_size(sig) + 1));
    size_t i;
    json_array_foreach(sig, i, s) {
        if (label(a, s, &p->signatures[p->nsignatures++])) return bad_print(ent, "a signature needs a label", e);
    }
    char *dumped = json_dumps(jp, JSON_COMPACT | JSON_PRESERVE_ORDER);
    p->json = arena_strdup(a, dumped);
    free(dumped);
    ent->print = p;
    return 0;
}

const relation_def *print_lines_relation(const entity_def *ent)
{
    for (int i = 0; ent->print && ent->print->lines && i < ent->nrelations; i++)
        if (ent->relations[i].owned && strcmp(ent->relations[i].name, ent->print->lines) == 0)
            return &ent->relations[i];
    return NULL;
}

int meta_check_prints(const metadata *m, err *e)
{
    for (int i = 0; i < m->nentities; i++) {
        const entity_def *ent = &m->entities[i];
        const print_layout *p = ent->print;
        if (!p || (!p->lines && !p->ncolumns)) continue;
        const relation_def *r = print_lines_relation(ent);
        const entity_def *le = r ? meta_entity(m, r->entity) : NULL;
        if (!le) return bad_print(ent, "lines must name an owned relation", e);
        for (int k = 0; k < p->ncolumns; k++)
            if (!meta_field(le, p->columns[k])) return bad_print(ent, "columns are fields of the lines", e);
    }
    return 0;
}
