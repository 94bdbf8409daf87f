/* entity_select.c - the SELECT of a record as a user sees it: the columns
 * of the fields the user may see, each link's display name by a LEFT JOIN,
 * and a row of them as JSON (entity_select.h).
 *
 * Building the column list formats some forty names per read, which a
 * detail read paid on every request (11 % of its time at a million
 * customers, bench/RESULTS.md 2026-12-04). The text depends only on the
 * entity, the aliases, the metadata's version and company, and which fields
 * the user may see, so each worker thread keeps the last few it built. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "entity_select.h"
#include "value.h"

static const entity_def *link_target(entity_ctx *c, const field_def *f)
{
    if (f->type == FT_USER) return NULL; /* users: joined by name directly */
    return meta_entity(c->m, f->link_entity);
}

/* ---- the plans a thread built ---- */

#define KEPT_PLANS 32
#define ALIAS_MAX 8

typedef struct kept_plan {
    const char *entity; /* the entity's name, owned by the metadata: compared by value */
    int64_t version, company_id;
    char alias[ALIAS_MAX], join[ALIAS_MAX];
    int *visible; /* indexes into the entity's fields, in order */
    int nvisible;
    char *columns, *joins;
} kept_plan;

typedef struct plan_cache {
    kept_plan plans[KEPT_PLANS];
    unsigned next; /* round robin when full */
} plan_cache;

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void forget(kept_plan *k)
{
    free(k->visible);
    free(k->columns);
    free(k->joins);
    memset(k, 0, sizeof *k);
}

static void cache_free(void *v)
{
    plan_cache *pc = v;
    for (int i = 0; i < KEPT_PLANS; i++) forget(&pc->plans[i]);
    free(pc);
}

static void cache_key_make(void)
{
    pthread_key_create(&cache_key, cache_free);
}

static plan_cache *thread_cache(void)
{
    pthread_once(&cache_once, cache_key_make);
    plan_cache *pc = pthread_getspecific(cache_key);
    if (!pc && (pc = calloc(1, sizeof *pc)) && pthread_setspecific(cache_key, pc) != 0) {
        free(pc);
        pc = NULL;
    }
    return pc;
}

/* The metadata's version names its contents (every change bumps it), so a
 * plan built under the same version, company and entity name is the same
 * text even when the metadata was loaded again. */
static kept_plan *find_plan(plan_cache *pc, entity_ctx *c, const entity_def *ent, const char *alias,
                            const char *join, const int *visible, int nvisible)
{
    for (int i = 0; i < KEPT_PLANS; i++) {
        kept_plan *k = &pc->plans[i];
        if (k->entity && k->version == c->m->version && k->company_id == c->m->company_id &&
            k->nvisible == nvisible && strcmp(k->entity, ent->name) == 0 && strcmp(k->alias, alias) == 0 &&
            strcmp(k->join, join) == 0 && memcmp(k->visible, visible, sizeof *visible * (size_t)nvisible) == 0)
            return k;
    }
    return NULL;
}

static void keep_plan(plan_cache *pc, entity_ctx *c, const entity_def *ent, const char *alias, const char *join,
                      const int *visible, int nvisible, const select_plan *p)
{
    kept_plan *k = &pc->plans[pc->next++ % KEPT_PLANS];
    forget(k);
    k->visible = malloc(sizeof *visible * (size_t)(nvisible ? nvisible : 1));
    k->columns = strdup(sb_str(&p->columns));
    k->joins = strdup(sb_str(&p->joins));
    if (!k->visible || !k->columns || !k->joins) return forget(k);
    memcpy(k->visible, visible, sizeof *visible * (size_t)nvisible);
    k->nvisible = nvisible;
    k->entity = ent->name;
    k->version = c->m->version;
    k->company_id = c->m->company_id;
    strcpy(k->alias, alias);
    strcpy(k->join, join);
}

/* ---- plans ---- */

void select_plan_build(entity_ctx *c, const entity_def *ent, select_plan *p)
{
    select_plan_build_as(c, ent, "t", "j", p);
}

static void build_text(entity_ctx *c, const entity_def *ent, const char *alias, const char *join,
                       select_plan *p)
{
    for (int k = 0; k < p->nfields; k++) {
        const field_def *f = p->fields[k];
        int i = (int)(f - ent->fields); /* the join's number: the field's place in the entity */
        if (p->columns.len) sb_append(&p->columns, ", ");
        sb_printf(&p->columns, "%s.%s", alias, meta_column(f));
        if (f->type != FT_LINK && f->type != FT_USER) continue;
        const entity_def *target = link_target(c, f);
        const char *table = target ? target->table : "users";
        const char *name = target && target->name_field ? target->name_field : "name";
        sb_printf(&p->columns, ", %s%d.%s", join, i, name);
        sb_printf(&p->joins, " LEFT JOIN %s %s%d ON %s%d.id = %s.%s", table, join, i, join, i, alias, meta_column(f));
    }
}

void select_plan_build_as(entity_ctx *c, const entity_def *ent, const char *alias, const char *join,
                          select_plan *p)
{
    p->columns = (strbuf)STRBUF_INIT;
    p->joins = (strbuf)STRBUF_INIT;
    p->fields = arena_alloc(c->a, sizeof *p->fields * (size_t)ent->nfields);
    p->nfields = 0;
    p->text_lang = c->as_text ? (c->lang ? c->lang : "zh") : NULL;
    int *visible = arena_alloc(c->a, sizeof *visible * (size_t)(ent->nfields ? ent->nfields : 1));
    for (int i = 0; i < ent->nfields; i++) {
        const field_def *f = &ent->fields[i];
        if (acl_field_access(c->user, ent, f) == 0) continue;
        visible[p->nfields] = i;
        p->fields[p->nfields++] = f;
    }
    int keepable = strlen(alias) < ALIAS_MAX && strlen(join) < ALIAS_MAX;
    plan_cache *pc = keepable ? thread_cache() : NULL;
    kept_plan *k = pc ? find_plan(pc, c, ent, alias, join, visible, p->nfields) : NULL;
    if (k) {
        sb_append(&p->columns, k->columns);
        sb_append(&p->joins, k->joins);
        return;
    }
    build_text(c, ent, alias, join, p);
    if (pc) keep_plan(pc, c, ent, alias, join, visible, p->nfields, p);
}

void select_plan_free(select_plan *p)
{
    sb_free(&p->columns);
    sb_free(&p->joins);
}

int select_plan_column(const select_plan *p, const char *field)
{
    int col = 0;
    for (int i = 0; i < p->nfields; i++) {
        if (strcmp(p->fields[i]->name, field) == 0) return col;
        col += p->fields[i]->type == FT_LINK || p->fields[i]->type == FT_USER ? 2 : 1;
    }
    return -1;
}

void select_row_json(const select_plan *p, db_stmt *s, strbuf *out)
{
    /* room for a typical row at once, not doubled from 64 bytes (five
     * reallocs of a detail read's body) */
    sb_reserve(out, 32 * (size_t)p->nfields + 64);
    sb_putc(out, '{');
    int col = 0;
    for (int i = 0; i < p->nfields; i++) {
        const field_def *f = p->fields[i];
        if (i) sb_putc(out, ',');
        if (f->json_key) {
            sb_append(out, f->json_key);
        } else {
            sb_json_string(out, f->name);
            sb_putc(out, ':');
        }
        if (p->text_lang && f->type != FT_LINK && f->type != FT_USER && f->type != FT_ID &&
            !db_column_is_null(s, col)) {
            strbuf text = STRBUF_INIT;
            value_to_text(f, s, col++, p->text_lang, &text);
            sb_json_string(out, sb_str(&text));
            sb_free(&text);
        } else {
            value_to_json(f, s, col++, out);
        }
        if (f->type == FT_LINK || f->type == FT_USER) {
            if (f->json_companion_key) {
                sb_append(out, f->json_companion_key);
            } else {
                sb_putc(out, ',');
                sb_json_string(out, f->companion);
                sb_putc(out, ':');
            }
            sb_json_string(out, db_column_text(s, col++));
        }
    }
    sb_putc(out, '}');
}
