/* entity_action.h - actions as data. An entity declares its actions
 *   "actions": [{"name": "lose", "label": {"zh","en"}, "field": "stage",
 *                "from": ["prospecting", ...], "to": "lost", "right": "edit",
 *                "confirm": {"zh","en"}, "ask": [{"field": "lost_reason", "required": true}],
 *                "set": {"probability": 0}, "handler": "lead_convert",
 *                "copy": [{"name": "account", "to": "accounts", "fields": {"name": ["company", "name"]},
 *                          "values": {"source": "lead"}, "lines": {...}}]}]
 * and one route runs them all: POST /api/v1/{entity}/{id}/actions/{name}.
 * A simple action is a state change plus field values (and copies) and
 * needs no C; an action with real logic names a handler that a module
 * registers at start-up. Everything runs in one transaction through
 * entity_update_tx, so history, versions and the metadata rules apply.
 * docs/engine.md explains the format. */
#ifndef KEHU_ENTITY_ACTION_H
#define KEHU_ENTITY_ACTION_H

#include <jansson.h>

#include "entity.h"

typedef struct action_ask {
    const char *field;
    int required;
} action_ask;

typedef struct action_def {
    const char *name, *label_zh, *label_en, *confirm_zh, *confirm_en;
    const char *field; /* the state field; NULL for an action that changes no state */
    const char **from; /* states it may start from; none: any */
    int nfrom;
    const char *to;    /* resulting state or NULL */
    const char *right; /* an ACL verb name: "edit" unless said */
    action_ask *ask;
    int nask;
    const char *set;     /* JSON object text of field values, or NULL */
    const char *handler; /* registered C handler, or NULL */
    const char *copy;    /* JSON array text of copy mappings, or NULL */
    const char *json;    /* as served in metadata */
    /* the record the action makes, which the page opens once it ran:
     * result[opens_result] is its id in opens_entity; NULL: none */
    const char *opens_entity, *opens_result;
} action_def;

struct arena;
/* Reads the entity's "actions" (called by meta_load's build_entity). */
int meta_parse_actions(const json_t *je, struct arena *a, entity_def *ent, err *e);
const action_def *entity_action_find(const entity_def *ent, const char *name);
/* Once every entity is read: each action's "opens" names an entity. */
int meta_check_actions(const struct metadata *m, err *e);

/* Runs inside the action's transaction, after the right, the state and
 * the asked fields are checked and before the record's own update:
 * `record` is the record as the user sees it, `body` the request,
 * `changes` the update the action will apply (the handler may add
 * fields, written as the server's), `result` an object the handler fills
 * for the answer. Non-zero undoes everything. */
typedef int (*entity_action_handler)(entity_ctx *c, const entity_def *ent, const action_def *act, int64_t id,
                                     json_t *record, json_t *body, json_t *changes, json_t *result, err *e);
/* Called once at start-up, before requests run. */
void entity_register_action(const char *handler_name, entity_action_handler fn);

/* Appends ,"actions":[...] to an entity's metadata: each declaration as
 * written, with "permitted": whether the user has the action's right. */
void entity_actions_json(strbuf *b, const auth_user *u, const entity_def *ent);

/* Runs action `name` on record id: 404 when the action or the record is
 * unknown, 403 without the action's right, 409 conflict when if_match is
 * stale, 409 already_<to> when the record is already in the resulting
 * state, 422 action_not_allowed from another state. *result gets
 * {"record": {...}, "result": {...}} (the handler's or the copies' ids). */
int entity_action_run(entity_ctx *c, const entity_def *ent, int64_t id, const char *name, json_t *body,
                      int64_t if_match, json_t **result, err *e);

/* Copies the record `source` into a new record of mapping.to: each
 * "fields" entry to_field <- from_field (or the first non-empty of a list
 * of from fields), constant "values", and `overrides` (which win), through
 * entity_create_tx; a picklist value the target does not offer is left
 * out. "lines": {"from": relation of the source, "to": relation of the
 * target, "fields": {...}} copies the related lines too. Inside the
 * caller's transaction. */
int entity_copy(entity_ctx *c, const entity_def *from, const json_t *mapping, const json_t *source,
                json_t *overrides, int64_t *new_id, err *e);
/* The copy mapping called `name` in an action's "copy" list (a new
 * reference), or NULL. */
json_t *entity_action_copy(const action_def *act, const char *name);

#endif
