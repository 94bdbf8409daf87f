/* hooks.h - module rules on the entity definition. A module registers, at
 * start-up, functions that run before or after the engine creates,
 * updates, deletes, restores or changes the owner of a record of one
 * entity. They run inside the write's transaction, in registration order;
 * a non-zero return refuses the write (before) or undoes it (after), with
 * e saying why. Fields are reached by name through the change, never by
 * index, so a hook survives custom fields being added (the metadata is
 * rebuilt; the registry is kept by entity name and attached to every
 * loaded entity_def).
 *
 *     static int stage_sets_probability(entity_ctx *c, hook_change *ch, err *e)
 *     {
 *         const char *stage = hook_text(ch, "stage");
 *         if (!hook_changed(ch, "stage") || hook_changed(ch, "probability") || !stage) return 0;
 *         ...
 *         return hook_set_int(ch, "probability", 5000, e);
 *     }
 *     entity_before("opportunities", ON_CREATE | ON_UPDATE, stage_sets_probability);
 */
#ifndef KEHU_HOOKS_H
#define KEHU_HOOKS_H

#include "entity.h"

/* The events, as bits so one function may serve several. */
enum {
    ON_CREATE = 1,
    ON_UPDATE = 2,
    ON_DELETE = 4,  /* to the recycle bin */
    ON_RESTORE = 8, /* back from it */
    ON_OWNER = 16,  /* entity_set_owner: claim, assign, return to the pool */
    ON_WRITE = ON_CREATE | ON_UPDATE,
};

typedef struct hook_change hook_change;
typedef int (*entity_hook)(entity_ctx *c, hook_change *ch, err *e);

/* Before: after the body is validated and before anything is stored (for
 * create and update, also before required fields, links and uniqueness
 * are checked, so a hook may fill fields). After: once the row is stored
 * (the id is known), e.g. to write other records. Update hooks run only
 * when the write changes something. Call from one thread at start-up;
 * the lists grow as needed. */
void entity_before(const char *entity, unsigned events, entity_hook fn);
void entity_after(const char *entity, unsigned events, entity_hook fn);

/* ---- what a hook sees ---- */

const entity_def *hook_entity(const hook_change *ch);
unsigned hook_event(const hook_change *ch); /* one ON_* bit */
int hook_is_after(const hook_change *ch);
int64_t hook_id(const hook_change *ch); /* 0 before a create */
/* The request body of a create or update; NULL for the other events. */
json_t *hook_body(const hook_change *ch);
/* 1 when this write sets the field: given on create (or filled by a
 * default or a hook), changed on update, owner_id on an owner change. */
int hook_changed(const hook_change *ch, const char *field);
/* The field's value once the write is done: the new value when the write
 * sets it, else the stored one. A NULL value (SV_NULL) for an unknown
 * field or one never set. */
const sql_value *hook_value(const hook_change *ch, const char *field);
/* The stored value before the write (SV_NULL on create). */
const sql_value *hook_old(const hook_change *ch, const char *field);
/* hook_value as text (NULL when not text) or integer (dflt when not one). */
const char *hook_text(const hook_change *ch, const char *field);
int64_t hook_int(const hook_change *ch, const char *field, int64_t dflt);
/* Before create and update only: makes the write set the field (stored
 * form: scaled integers for money and percent, ISO text for times). -1
 * with a 500 for an unknown field or outside a before hook of a write. */
int hook_set(hook_change *ch, const char *field, sql_value v, err *e);
int hook_set_int(hook_change *ch, const char *field, int64_t v, err *e);
int hook_set_text(hook_change *ch, const char *field, const char *v, err *e);

/* ---- for the engine (entity_write.c) and tests ---- */

struct hook_change {
    const entity_def *ent;
    unsigned event;
    int after;
    int64_t id;
    json_t *body;         /* NULL outside create and update */
    sql_value *vals;      /* by field index; NULL when the event sets nothing */
    char *present;        /* 1 where the write sets the field */
    const sql_value *old; /* stored values by field index; NULL on create */
};

/* Runs the before (after = 0) or after hooks of ch->event registered for
 * ch->ent, in order, stopping at the first that fails. */
int hooks_run(entity_ctx *c, hook_change *ch, err *e);

#endif
