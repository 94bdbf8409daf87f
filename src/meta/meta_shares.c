/* meta_shares.c - "shared_through" declarations (meta_shares.h). */
#include "meta_shares.h"

#include <jansson.h>
#include <string.h>

share_def *meta_parse_shares(arena *a, const void *json_entity)
{
    json_t *st = json_object_get((const json_t *)json_entity, "shared_through");
    if (!json_is_object(st)) return NULL;
    share_def *s = arena_alloc(a, sizeof *s);
    memset(s, 0, sizeof *s);
    const char *entity = json_string_value(json_object_get(st, "entity"));
    const char *field = json_string_value(json_object_get(st, "field"));
    s->entity = entity ? arena_strdup(a, entity) : NULL;
    s->field = field ? arena_strdup(a, field) : NULL;
    const char *down = json_string_value(json_object_get(st, "down"));
    s->down = down ? arena_strdup(a, down) : NULL;
    return s;
}

/* The share list's field `name` is a link to `target`. */
static int links_to(const entity_def *list, const char *name, const char *target)
{
    const field_def *f = meta_field(list, name);
    return f && f->type == FT_LINK && strcmp(f->link_entity, target) == 0;
}

static int bad(const entity_def *ent, err *e)
{
    return err_setf(e, 500, "bad_metadata", "%s 的 shared_through 无效", "%s: invalid shared_through", ent->name, ent->name);
}

int meta_link_shares(metadata *m, err *e)
{
    for (int i = 0; i < m->nentities; i++) {
        entity_def *ent = &m->entities[i];
        share_def *s = (share_def *)ent->shares;
        if (!s) continue;
        const entity_def *list = s->entity ? meta_entity(m, s->entity) : NULL;
        const field_def *own = s->field ? meta_field(ent, s->field) : NULL;
        if (!list || !list->owner || !own || !links_to(list, "user_id", "users") || !links_to(list, "role_id", "roles") ||
            !links_to(list, "department_id", "departments") || !meta_field(list, "share_with"))
            return bad(ent, e);
        /* The field names the header: its own id, or a link to it. */
        int names_header = strcmp(s->field, "id") == 0 ? list->owner == ent
                                                         : own->type == FT_LINK && strcmp(own->link_entity, list->owner->name) == 0;
        if (!names_header) return bad(ent, e);
        /* "down" is the header's link to a header of its own kind */
        const field_def *parent = s->down ? meta_field(list->owner, s->down) : NULL;
        if (s->down && !(parent && parent->type == FT_LINK && strcmp(parent->link_entity, list->owner->name) == 0))
            return bad(ent, e);
        s->table = list->table;
        s->link = list->owner_relation->field;
        s->header_table = list->owner->table;
    }
    return 0;
}
