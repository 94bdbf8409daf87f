/* meta_computed.h - computed fields at metadata load: each expression is
 * parsed once, checked against the fields and relations it names, put in
 * an order where a computed field's computed inputs come first, and every
 * entity learns which other entities sum its rows (so a change of one of
 * its records recomputes those parents). entity_computed.h runs them. */
#ifndef KEHU_META_COMPUTED_H
#define KEHU_META_COMPUTED_H

#include "../util/arena.h"
#include "../util/err.h"
#include "metadata.h"

typedef struct computed_dependent {
    const char *parent;     /* entity with an aggregate over our rows */
    const char *link_field; /* our link field that points at the parent */
    const char *relation;   /* the parent's relation over us */
    char *reads;            /* by our field index: what its aggregates read (the link too) */
} computed_dependent;

typedef struct entity_computed {
    int *order; /* indexes in fields of the computed fields, inputs before the fields that read them */
    int norder;
    char *inputs; /* by field index: read by our computed fields outside aggregates */
    computed_dependent *dependents;
    int ndependents;
} entity_computed;

/* Fills field_def.computed_expr (and makes the field read-only) and
 * entity_def.computed for every entity of m. A bad expression, a name it
 * does not know, a type that does not fit, a computed field of a type that
 * is not a number, or a cycle between computed fields refuses the whole
 * metadata (500 bad_metadata naming the entity and field). */
int meta_prepare_computed(metadata *m, arena *a, err *e);

#endif
