/* meta_computed.c - see meta_computed.h. */
#include "meta_computed.h"

#include <stdio.h>
#include <string.h>

#include "expr.h"

/* What a stored field is to an expression. */
static expr_type type_of_field(const field_def *f)
{
    if (!f) return ET_UNKNOWN;
    switch (f->type) {
    case FT_INTEGER: case FT_DECIMAL: case FT_MONEY: case FT_PERCENT: case FT_LINK: case FT_USER: case FT_ID:
        return ET_NUM;
    case FT_BOOLEAN: return ET_BOOL;
    case FT_JSON: case FT_MULTIPICKLIST: return ET_UNKNOWN; /* no operators fit them */
    default: return ET_TEXT;
    }
}

static const relation_def *relation_named(const entity_def *ent, const char *name)
{
    for (int i = 0; i < ent->nrelations; i++)
        if (strcmp(ent->relations[i].name, name) == 0) return &ent->relations[i];
    return NULL;
}

typedef struct type_ctx {
    const metadata *m;
    const entity_def *ent;
} type_ctx;

static expr_type types_in(void *ctx, const char *relation, const char *field)
{
    type_ctx *t = ctx;
    if (!relation) return type_of_field(meta_field(t->ent, field));
    const relation_def *r = relation_named(t->ent, relation);
    const entity_def *other = r ? meta_entity(t->m, r->entity) : NULL;
    if (!other) return ET_UNKNOWN;
    return field ? type_of_field(meta_field(other, field)) : ET_ANY;
}

static int refuse(err *e, const entity_def *ent, const field_def *f, const char *zh, const char *en)
{
    return err_setf(e, 500, "bad_metadata", "实体 %s 的计算字段 %s 无效：%s", "Computed field %s.%s is invalid: %s",
                    ent->name, f->name, zh),
           snprintf(e->en, sizeof e->en, "Computed field %s.%s is invalid: %s", ent->name, f->name, en), -1;
}

static int parse_one(const metadata *m, arena *a, entity_def *ent, field_def *f, err *e)
{
    if (f->type != FT_INTEGER && f->type != FT_TEXT && !field_is_scaled(f))
        return refuse(e, ent, f, "只有整数、金额、百分比、小数和文本字段可以计算",
                      "only integer, money, percent, decimal and text fields can be computed");
    expr_error xe;
    f->computed_expr = expr_parse(a, f->computed, &xe);
    expr_type t;
    type_ctx tc = {m, ent};
    if (!f->computed_expr || expr_check(f->computed_expr, types_in, &tc, &t, &xe)) return refuse(e, ent, f, xe.zh, xe.en);
    if (f->type == FT_TEXT && t != ET_TEXT && t != ET_ANY)
        return refuse(e, ent, f, "文本字段的结果应为文本", "a text field's result must be text");
    if (f->type != FT_TEXT && t != ET_NUM && t != ET_ANY) return refuse(e, ent, f, "结果应为数值", "the result must be a number");
    f->readonly = 1;
    return 0;
}

/* Depth-first order of the computed fields: the inputs of a field first;
 * state 1 = on the path (seeing it again is a cycle), 2 = placed. */
typedef struct orderer {
    entity_def *ent;
    char *state;
    entity_computed *out;
    const field_def *cycle;
    err *e;
} orderer;

static int place(orderer *o, int i);

static void visit_input(void *ctx, const char *name)
{
    orderer *o = ctx;
    int k = meta_field_index(o->ent, name);
    if (!o->cycle && k >= 0 && o->ent->fields[k].computed_expr) place(o, k); /* a cycle lands in o->cycle */
}

static int place(orderer *o, int i)
{
    if (o->state[i] == 2) return 0;
    if (o->state[i] == 1) {
        o->cycle = &o->ent->fields[i];
        return -1;
    }
    o->state[i] = 1;
    expr_each_field(o->ent->fields[i].computed_expr, visit_input, o);
    if (o->cycle) return -1;
    o->state[i] = 2;
    o->out->order[o->out->norder++] = i;
    return 0;
}

static entity_computed *computed_of(arena *a, entity_def *ent)
{
    if (!ent->computed) {
        ent->computed = arena_alloc(a, sizeof *ent->computed);
        ent->computed->order = arena_alloc(a, sizeof(int) * (size_t)(ent->nfields + 1));
        ent->computed->inputs = arena_alloc(a, (size_t)ent->nfields + 1);
    }
    return ent->computed;
}

typedef struct reads_ctx {
    const entity_def *ent;
    char *reads;
} reads_ctx;

static void mark_read(void *ctx, const char *name)
{
    reads_ctx *r = ctx;
    int k = meta_field_index(r->ent, name);
    if (k >= 0) r->reads[k] = 1;
}

typedef struct dep_ctx {
    metadata *m;
    arena *a;
    entity_def *parent;
} dep_ctx;

/* The rows of `relation` are summed by the parent: tell their entity,
 * with the fields whose change matters to the parent. */
static void add_dependent(void *ctx, const char *relation, const expr_node *aggregate)
{
    dep_ctx *d = ctx;
    const relation_def *r = relation_named(d->parent, relation);
    entity_def *child = r ? (entity_def *)meta_entity(d->m, r->entity) : NULL;
    if (!child) return;
    entity_computed *cc = computed_of(d->a, child);
    computed_dependent *dep = NULL;
    for (int i = 0; i < cc->ndependents; i++)
        if (strcmp(cc->dependents[i].parent, d->parent->name) == 0 && strcmp(cc->dependents[i].link_field, r->field) == 0)
            dep = &cc->dependents[i];
    if (!dep) {
        computed_dependent *more = arena_alloc(d->a, sizeof *more * (size_t)(cc->ndependents + 1));
        if (cc->ndependents) memcpy(more, cc->dependents, sizeof *more * (size_t)cc->ndependents);
        dep = &more[cc->ndependents++];
        *dep = (computed_dependent){d->parent->name, r->field, r->name, arena_alloc(d->a, (size_t)child->nfields + 1)};
        cc->dependents = more;
    }
    reads_ctx rc = {child, dep->reads};
    mark_read(&rc, r->field);
    expr_aggregate_fields(aggregate, mark_read, &rc);
}

int meta_prepare_computed(metadata *m, arena *a, err *e)
{
    for (int k = 0; k < m->nentities; k++) {
        entity_def *ent = &m->entities[k];
        int any = 0;
        for (int i = 0; i < ent->nfields; i++)
            if (ent->fields[i].computed) {
                if (parse_one(m, a, ent, &ent->fields[i], e)) return -1;
                any = 1;
            }
        if (!any) continue;
        orderer o = {ent, arena_alloc(a, (size_t)ent->nfields), computed_of(a, ent), NULL, e};
        for (int i = 0; i < ent->nfields; i++)
            if (ent->fields[i].computed_expr && place(&o, i))
                return refuse(e, ent, o.cycle, "计算字段之间循环引用", "computed fields refer to each other in a cycle");
        dep_ctx d = {m, a, ent};
        reads_ctx own = {ent, ent->computed->inputs};
        for (int i = 0; i < ent->nfields; i++)
            if (ent->fields[i].computed_expr) {
                expr_each_relation(ent->fields[i].computed_expr, add_dependent, &d);
                expr_each_field(ent->fields[i].computed_expr, mark_read, &own);
            }
    }
    return 0;
}
