/* entity_state.h - states and conditional rules declared in metadata.
 *
 * A picklist field may carry "states" (a state machine):
 *   "states": {"initial": "prospecting",
 *              "transitions": {"prospecting": ["qualification", "lost"], ...},
 *              "closed": {"won": "won", "lost": "lost"},
 *              "locked": {"won": {"except": ["description"]}}}
 * and any field "required_when", "readonly_when", "visible_when": filter
 * JSON as the list API takes it, evaluated against the record as it will
 * be stored (the stored values with the write's values over them).
 * The engine applies them on every create and update (entity_rules_apply)
 * and serves them in GET /api/v1/metadata so the forms apply the same
 * rules. docs/engine.md explains the format. */
#ifndef KEHU_ENTITY_STATE_H
#define KEHU_ENTITY_STATE_H

#include <jansson.h>

#include "../util/strbuf.h"
#include "entity.h"

typedef struct state_def {
    const char *value;
    const char **next; /* the states it may move to */
    int nnext;
    const char *outcome; /* closed states: "won" or "lost" (or another word); NULL while open */
    int locked;          /* read-only except `editable` */
    int kept;            /* not deleted while in this state ("kept": a confirmed document whose effects stay) */
    const char **editable;
    int neditable;
} state_def;

typedef struct field_states {
    const char *initial;
    state_def *states;
    int nstates;
    const char *json; /* as served in metadata, with "terminal" added */
} field_states;

struct arena;
/* Reads "states", the *_when rules and "set_from" of one field definition
 * (called by meta_parse_field). Malformed declarations fail the load. */
int meta_parse_field_rules(const char *entity, const json_t *jf, struct arena *a, field_def *f, err *e);

/* 0 when a record whose stored values are `old` may go to the recycle
 * bin; 409 `kept` when its state is one the metadata keeps ("kept"). */
int entity_delete_allowed(const entity_def *ent, const sql_value *old, err *e);

/* The declared state of `value`, or NULL. */
const state_def *state_find(const field_states *s, const char *value);
/* 1 when `to` may follow `from`. */
int state_allows(const field_states *s, const char *from, const char *to);
/* The entity's state field (the first field with states), or NULL. */
const field_def *entity_state_field(const entity_def *ent);

/* 1 when the filter JSON `filter` holds for the record whose field i has
 * the value present[i] ? vals[i] : old[i] (old NULL on create). */
int record_matches(const entity_def *ent, const json_t *filter, const sql_value *vals, const char *present,
                   const sql_value *old, arena *a);

/* Applies the metadata rules to a write after the body is parsed (the
 * change set vals/present, indexed like ent->fields; old NULL on create;
 * body the client's request): sets the initial state and set_from fields,
 * refuses a forbidden transition (422 invalid_transition naming the
 * allowed states), a change to a locked record (422 locked), a field
 * read-only or missing by its rule (422 validation_failed). */
int entity_rules_apply(entity_ctx *c, const entity_def *ent, json_t *body, sql_value *vals, char *present,
                       const sql_value *old, err *e);

/* Owned lines of a record in a locking state (an approved order's lines)
 * do not change unless the state's "except" names their relation: 0 when
 * they may, else 422 locked naming the relation. Reads the stored state
 * inside the caller's transaction. */
int entity_lines_locked(entity_ctx *c, const entity_def *ent, int64_t id, const relation_def *r, err *e);

/* Appends the field's rules to its metadata object (",\"states\":..."). */
void entity_rules_json(strbuf *b, const field_def *f);

#endif
