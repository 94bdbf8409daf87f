/* entity_lines.h - owned lines (docs/engine.md, "Owned lines"): the records
 * of an owned relation (quote_lines of quotes) are read and written with
 * their parent, in its transaction, under its rights and version. The call
 * sites in entity_read/write/merge/export.c are one line each; the rules
 * live in entity_lines.c. (Internal to src/entity.) */
#ifndef KEHU_ENTITY_LINES_H
#define KEHU_ENTITY_LINES_H

#include "entity.h"
#include "entity_select.h"

/* The body without the owned relations' keys (a new reference), and those
 * keys in *lines (a new object, or NULL when the body names none). */
json_t *entity_lines_split(const entity_def *ent, json_t *body, json_t **lines);
/* Writes the lines of parent `id` as `lines` (from entity_lines_split)
 * says, inside the caller's transaction: ids update, no id adds, missing
 * ones go; positions follow the array order; history on the parent. A bad
 * line fails it all, its fields named "lines[i].field". */
int entity_lines_write(entity_ctx *c, const entity_def *ent, int64_t id, json_t *lines, err *e);
/* Appends ,"<relation>":[...] for each owned relation of a record whose
 * JSON object was just written to out (its closing brace is moved). */
int entity_lines_append(entity_ctx *c, const entity_def *ent, int64_t id, strbuf *out, err *e);
/* A history value as the reader sees it: a line change (action "line",
 * stored as JSON) in c->lang without the line fields hidden from the
 * reader; any other value as stored. */
const char *entity_lines_history_text(entity_ctx *c, const entity_def *ent, const char *action, const char *field,
                                      const char *stored);
/* Merge: the sources' lines move to the target, after its own. */
int entity_lines_merge(entity_ctx *c, const entity_def *ent, int64_t target, const int64_t *ids, int n,
                       err *e);
/* One line through the engine's own create or update of a record (types,
 * required fields, links, hooks, computed fields), inside the caller's
 * transaction: a refused line leaves the document's transaction intact, so
 * every bad line can be reported; c->as_line skips the line's own rights. */
int entity_line_create(entity_ctx *c, const entity_def *ent, json_t *body, int64_t *id_out, err *e);
int entity_line_update(entity_ctx *c, const entity_def *ent, int64_t id, json_t *body, int64_t if_match, err *e);
/* The owned relation whose lines an export writes one row each (NULL when
 * the entity has none); the joined line plan uses alias "l". */
const relation_def *entity_lines_relation(const entity_def *ent);

#endif
