/* custom_experiments.h - experiments teachers write in the browser (自编实验,
 * issue 13 item 7). Each is a record of custom_experiments
 * (metadata/entities/custom_experiments.json) owned by its teacher, private,
 * so a teacher sees only their own; its steps are the same JSON as a
 * shipped experiment's (experiments.h), checked by the same validation on
 * every write. As an experiment its code is "custom-<record id>": an
 * assignment names it like a shipped one, and the class's students are
 * checked against it the same way. */
#ifndef KEHU_CUSTOM_EXPERIMENTS_H
#define KEHU_CUSTOM_EXPERIMENTS_H

#include <jansson.h>

#include "../entity/entity.h"
#include "../util/strbuf.h"

#define CUSTOM_EXPERIMENT_PREFIX "custom-"

/* Registers the record rules; call once at start-up. */
void custom_experiments_init(void);

/* 1 when code names a teacher's own experiment ("custom-12"). */
int custom_experiment_code(const char *code);

/* The experiment of the record that code names, as c reads it (a teacher
 * only their own; the server any), in the shipped experiments' shape (code,
 * series 自编, number, title, expected_minutes, scenario, objectives,
 * steps). A new reference; NULL with 404 when c cannot read it. */
json_t *custom_experiment_load(entity_ctx *c, const char *code, err *e);

/* Appends ",{summary}" per experiment of c's user (their own, newest first)
 * through summary(); *n counts the items written. */
int custom_experiments_list(entity_ctx *c, void (*summary)(const json_t *x, strbuf *out), strbuf *out, int *n,
                            err *e);

#endif
