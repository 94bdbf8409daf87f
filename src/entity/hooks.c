/* hooks.c - see hooks.h. */
#include "hooks.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hook_registry.h"

typedef struct hook_entry {
    unsigned events;
    entity_hook fn;
} hook_entry;

typedef struct hook_list {
    hook_entry *items;
    size_t n, cap;
} hook_list;

struct entity_hooks {
    char *entity;
    hook_list before, after;
    struct entity_hooks *next;
};

static struct entity_hooks *registry;
static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;

struct entity_hooks *entity_hooks_for(const char *entity)
{
    pthread_mutex_lock(&registry_mu);
    struct entity_hooks *h = registry;
    while (h && strcmp(h->entity, entity) != 0) h = h->next;
    if (!h && (h = calloc(1, sizeof *h))) {
        if ((h->entity = strdup(entity))) {
            h->next = registry;
            registry = h;
        } else {
            free(h);
            h = NULL;
        }
    }
    pthread_mutex_unlock(&registry_mu);
    if (!h) {
        fprintf(stderr, "kehu: out of memory registering the rules of %s\n", entity);
        abort(); /* start-up: a module without its rules must not run */
    }
    return h;
}

void entity_hooks_shutdown(void)
{
    pthread_mutex_lock(&registry_mu);
    while (registry) {
        struct entity_hooks *next = registry->next;
        free(registry->before.items);
        free(registry->after.items);
        free(registry->entity);
        free(registry);
        registry = next;
    }
    pthread_mutex_unlock(&registry_mu);
}

static void add(hook_list *l, unsigned events, entity_hook fn)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        hook_entry *items = realloc(l->items, sizeof *items * cap);
        if (!items) {
            fprintf(stderr, "kehu: out of memory registering a rule\n");
            abort();
        }
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = (hook_entry){events, fn};
}

void entity_before(const char *entity, unsigned events, entity_hook fn)
{
    add(&entity_hooks_for(entity)->before, events, fn);
}

void entity_after(const char *entity, unsigned events, entity_hook fn)
{
    add(&entity_hooks_for(entity)->after, events, fn);
}

int hooks_run(entity_ctx *c, hook_change *ch, err *e)
{
    const struct entity_hooks *h = ch->ent->hooks;
    if (!h) return 0;
    const hook_list *l = ch->after ? &h->after : &h->before;
    for (size_t i = 0; i < l->n; i++)
        if ((l->items[i].events & ch->event) && l->items[i].fn(c, ch, e)) return -1;
    return 0;
}

/* ---- accessors ---- */

static const sql_value NO_VALUE = {.kind = SV_NULL};

const entity_def *hook_entity(const hook_change *ch)
{
    return ch->ent;
}

unsigned hook_event(const hook_change *ch)
{
    return ch->event;
}

int hook_is_after(const hook_change *ch)
{
    return ch->after;
}

int64_t hook_id(const hook_change *ch)
{
    return ch->id;
}

json_t *hook_body(const hook_change *ch)
{
    return ch->body;
}

int hook_changed(const hook_change *ch, const char *field)
{
    int i = meta_field_index(ch->ent, field);
    return i >= 0 && ch->present && ch->present[i];
}

const sql_value *hook_value(const hook_change *ch, const char *field)
{
    int i = meta_field_index(ch->ent, field);
    if (i < 0) return &NO_VALUE;
    if (ch->present && ch->present[i]) return &ch->vals[i];
    return ch->old ? &ch->old[i] : &NO_VALUE;
}

const sql_value *hook_old(const hook_change *ch, const char *field)
{
    int i = meta_field_index(ch->ent, field);
    return i >= 0 && ch->old ? &ch->old[i] : &NO_VALUE;
}

const char *hook_text(const hook_change *ch, const char *field)
{
    const sql_value *v = hook_value(ch, field);
    return v->kind == SV_TEXT ? v->s : NULL;
}

int64_t hook_int(const hook_change *ch, const char *field, int64_t dflt)
{
    const sql_value *v = hook_value(ch, field);
    return v->kind == SV_INT ? v->i : dflt;
}

int hook_set(hook_change *ch, const char *field, sql_value v, err *e)
{
    int i = meta_field_index(ch->ent, field);
    if (i < 0 || ch->after || !(ch->event & ON_WRITE) || !ch->vals)
        return err_setf(e, 500, "hook_error", "业务规则设置了不能设置的字段「%.64s」",
                        "A rule set a field it cannot set (%.64s)", field, field);
    ch->vals[i] = v;
    ch->present[i] = 1;
    return 0;
}

int hook_set_int(hook_change *ch, const char *field, int64_t v, err *e)
{
    return hook_set(ch, field, (sql_value){.kind = SV_INT, .i = v}, e);
}

int hook_set_text(hook_change *ch, const char *field, const char *v, err *e)
{
    return hook_set(ch, field, v ? (sql_value){.kind = SV_TEXT, .s = v} : NO_VALUE, e);
}
