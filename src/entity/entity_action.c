/* entity_action.c - see entity_action.h. */
#include "entity_action.h"

#include <stdlib.h>
#include <string.h>

#include "../acl/acl.h"
#include "../util/arena.h"
#include "entity_state.h"

/* ---- loading ---- */

static const char *text_of(arena *a, const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
}

static const char *dumped(arena *a, const json_t *v)
{
    if (!v) return NULL;
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    const char *s = arena_strdup(a, text ? text : "null");
    free(text);
    return s;
}

static void labels(arena *a, const json_t *l, const char **zh, const char **en)
{
    *zh = json_is_string(l) ? arena_strdup(a, json_string_value(l)) : text_of(a, l, "zh");
    *en = json_is_string(l) ? *zh : text_of(a, l, "en");
    if (!*en) *en = *zh;
    if (!*zh) *zh = *en;
}

static int right_known(const char *right)
{
    for (int v = 0; v < ACL_NVERBS; v++)
        if (strcmp(acl_verb_names[v], right) == 0) return 1;
    return 0;
}

static int parse_action(const json_t *ja, arena *a, const entity_def *ent, action_def *act)
{
    act->name = text_of(a, ja, "name");
    labels(a, json_object_get(ja, "label"), &act->label_zh, &act->label_en);
    if (json_object_get(ja, "confirm")) labels(a, json_object_get(ja, "confirm"), &act->confirm_zh, &act->confirm_en);
    act->field = text_of(a, ja, "field");
    act->to = text_of(a, ja, "to");
    act->right = text_of(a, ja, "right");
    if (!act->right) act->right = "edit";
    act->handler = text_of(a, ja, "handler");
    const json_t *from = json_object_get(ja, "from"), *ask = json_object_get(ja, "ask"), *set = json_object_get(ja, "set"),
                 *copy = json_object_get(ja, "copy"), *v;
    if (!act->name || !act->label_zh || !right_known(act->right)) return -1;
    if (act->field && meta_field_index(ent, act->field) < 0) return -1;
    if ((act->to || from) && !act->field) return -1;
    size_t i;
    act->from = arena_alloc(a, sizeof(char *) * (json_array_size(from) + 1));
    json_array_foreach(from, i, v) {
        if (!json_is_string(v)) return -1;
        act->from[act->nfrom++] = arena_strdup(a, json_string_value(v));
    }
    act->ask = arena_alloc(a, sizeof *act->ask * (json_array_size(ask) + 1));
    json_array_foreach(ask, i, v) {
        action_ask *q = &act->ask[act->nask++];
        q->field = json_is_string(v) ? arena_strdup(a, json_string_value(v)) : text_of(a, v, "field");
        q->required = json_is_true(json_object_get(v, "required"));
        if (!q->field || meta_field_index(ent, q->field) < 0) return -1;
    }
    if ((set && !json_is_object(set)) || (copy && !json_is_array(copy))) return -1;
    const json_t *opens = json_object_get(ja, "opens");
    if (opens) {
        act->opens_entity = text_of(a, opens, "entity");
        act->opens_result = text_of(a, opens, "result");
        if (!act->opens_entity || !act->opens_result) return -1;
    }
    act->set = dumped(a, set);
    act->copy = dumped(a, copy);
    act->json = dumped(a, ja);
    return 0;
}

int meta_parse_actions(const json_t *je, struct arena *a, entity_def *ent, err *e)
{
    const json_t *list = json_object_get(je, "actions"), *ja;
    if (!list) return 0;
    action_def *acts = arena_alloc(a, sizeof *acts * (json_array_size(list) + 1));
    size_t i;
    json_array_foreach(list, i, ja) {
        if (parse_action(ja, a, ent, &acts[i]))
            return err_setf(e, 500, "bad_metadata", "实体 %s 的第 %d 个操作定义无效", "Entity %s: action %d is invalid",
                            ent->name, (int)i + 1, ent->name, (int)i + 1);
    }
    ent->actions = acts;
    ent->nactions = (int)json_array_size(list);
    return 0;
}

int meta_check_actions(const metadata *m, err *e)
{
    for (int i = 0; i < m->nentities; i++)
        for (int k = 0; k < m->entities[i].nactions; k++) {
            const action_def *act = &m->entities[i].actions[k];
            if (act->opens_entity && !meta_entity(m, act->opens_entity))
                return err_setf(e, 500, "bad_metadata", "实体 %s 的操作 %s 打开的实体无效",
                                "Entity %s: action %s opens an unknown entity", m->entities[i].name, act->name,
                                m->entities[i].name, act->name);
        }
    return 0;
}

const action_def *entity_action_find(const entity_def *ent, const char *name)
{
    for (int i = 0; name && i < ent->nactions; i++)
        if (strcmp(ent->actions[i].name, name) == 0) return &ent->actions[i];
    return NULL;
}

/* ---- handlers ---- */

/* Registered at start-up, before requests run; grows as modules add
 * handlers (none is ever dropped). */
static struct action_handler {
    const char *name;
    entity_action_handler fn;
} *handlers;
static int nhandlers;

void entity_register_action(const char *handler_name, entity_action_handler fn)
{
    struct action_handler *grown = realloc(handlers, sizeof *handlers * (size_t)(nhandlers + 1));
    if (!grown) abort(); /* start-up only: no memory means no server */
    handlers = grown;
    handlers[nhandlers++] = (struct action_handler){handler_name, fn};
}

/* The engine's own handler, for the 冲销 action a ledger declares: a
 * reversing entry (entity_reverse), the original left as it is. */
static int reverse_entry(entity_ctx *c, const entity_def *ent, const action_def *act, int64_t id, json_t *record,
                         json_t *body, json_t *changes, json_t *result, err *e)
{
    (void)act, (void)record, (void)body, (void)changes;
    int64_t made = 0;
    if (entity_reverse(c, ent, id, NULL, &made, e)) return -1;
    json_object_set_new(result, "reversal_id", json_integer(made));
    return 0;
}

static entity_action_handler handler_of(const char *name)
{
    if (name && strcmp(name, "ledger_reverse") == 0) return reverse_entry;
    for (int i = 0; name && i < nhandlers; i++)
        if (strcmp(handlers[i].name, name) == 0) return handlers[i].fn;
    return NULL;
}

/* ---- copying one record into another ---- */

/* The source's value for a mapping entry: a field name, or a list whose
 * first non-empty one is taken. */
static json_t *mapped_value(const json_t *source, const json_t *from)
{
    if (json_is_string(from)) {
        json_t *v = json_object_get(source, json_string_value(from));
        return v && !json_is_null(v) && !(json_is_string(v) && !*json_string_value(v)) ? v : NULL;
    }
    size_t i;
    const json_t *f;
    json_array_foreach(from, i, f) {
        json_t *v = mapped_value(source, f);
        if (v) return v;
    }
    return NULL;
}

/* A name in the mapping's "server_fields": a read-only field of the target
 * that this copy writes as the server (a revision's link to the version
 * before it, a template's state). */
static int server_field(const json_t *server, const char *name)
{
    size_t i;
    const json_t *x;
    json_array_foreach(server, i, x) if (json_is_string(x) && strcmp(json_string_value(x), name) == 0) return 1;
    return 0;
}

/* A value the target field can take; picklist options it lacks are left out. */
static int fits(const field_def *f, const json_t *v, const json_t *server)
{
    if (!f || f->system || (f->readonly && !server_field(server, f->name))) return 0;
    if (f->type == FT_PICKLIST) return json_is_string(v) && meta_option(f, json_string_value(v)) != NULL;
    return 1;
}

static void put_mapped(const entity_def *to, json_t *body, const json_t *fields, const json_t *source, const json_t *server)
{
    const char *key;
    json_t *from;
    json_object_foreach((json_t *)fields, key, from) {
        json_t *v = json_object_get(body, key) ? NULL : mapped_value(source, from);
        if (v && fits(meta_field(to, key), v, server)) json_object_set(body, key, v);
    }
}

static const relation_def *relation(const entity_def *ent, const char *name)
{
    for (int i = 0; name && i < ent->nrelations; i++)
        if (strcmp(ent->relations[i].name, name) == 0) return &ent->relations[i];
    return NULL;
}

/* The lines of the source (its relation "from", as the record read
 * carries them, in position order) as the "lines" of the new record's
 * create body (its relation "to"), field by field: the engine then writes
 * them with the new record, in its transaction, under its rights, and
 * computes the lines' amounts and the record's totals once. */
static int mapped_lines(entity_ctx *c, const entity_def *from, const entity_def *to, const json_t *lines,
                        const json_t *source, json_t *body, err *e)
{
    const relation_def *rf = relation(from, json_string_value(json_object_get(lines, "from")));
    const relation_def *rt = relation(to, json_string_value(json_object_get(lines, "to")));
    const entity_def *lt = rt && rt->owned ? meta_entity(c->m, rt->entity) : NULL;
    if (!rf || !rf->owned || !lt)
        return err_set(e, 500, "bad_metadata", "复制行的关系定义无效", "The copy's line relations are invalid");
    json_t *out = json_array(), *line;
    size_t i;
    json_array_foreach(json_object_get(source, rf->name), i, line) {
        json_t *copy = json_object();
        put_mapped(lt, copy, json_object_get(lines, "fields"), line, NULL);
        json_array_append_new(out, copy);
    }
    json_object_set_new(body, rt->name, out);
    return 0;
}

int entity_copy(entity_ctx *c, const entity_def *from, const json_t *mapping, const json_t *source,
                json_t *overrides, int64_t *new_id, err *e)
{
    const entity_def *to = meta_entity(c->m, json_string_value(json_object_get(mapping, "to")));
    if (!to) return err_set(e, 500, "bad_metadata", "复制的目标实体不存在", "The copy's target entity does not exist");
    json_t *body = overrides ? json_deep_copy(overrides) : json_object();
    const json_t *server = json_object_get(mapping, "server_fields");
    put_mapped(to, body, json_object_get(mapping, "fields"), source, server);
    const char *key;
    json_t *v;
    json_object_foreach(json_object_get(mapping, "values"), key, v)
        if (!json_object_get(body, key) && fits(meta_field(to, key), v, server)) json_object_set(body, key, v);
    const json_t *lines = json_object_get(mapping, "lines");
    int rc = lines ? mapped_lines(c, from, to, lines, source, body, e) : 0;
    entity_ctx as_server = *c; /* the server_fields are the server's to write; the rest is checked as ever */
    as_server.trusted = json_array_size(server) > 0;
    if (rc == 0) rc = entity_create(as_server.trusted ? &as_server : c, to, body, new_id, e);
    json_decref(body);
    return rc;
}

json_t *entity_action_copy(const action_def *act, const char *name)
{
    json_t *all = act->copy ? json_loads(act->copy, 0, NULL) : NULL, *m, *found = NULL;
    size_t i;
    json_array_foreach(all, i, m) if (!found && json_is_string(json_object_get(m, "name")) &&
                                      strcmp(json_string_value(json_object_get(m, "name")), name) == 0) found =
        json_incref(m);
    json_decref(all);
    return found;
}

/* The declared copies of a simple action: result {"<name>_id": id}. */
static int run_copies(entity_ctx *c, const entity_def *ent, const action_def *act, const json_t *record, json_t *result,
                      err *e)
{
    json_t *all = json_loads(act->copy, 0, NULL), *m;
    size_t i;
    int rc = 0;
    json_array_foreach(all, i, m) {
        int64_t made = 0;
        if ((rc = entity_copy(c, ent, m, record, NULL, &made, e))) break;
        const char *name = json_string_value(json_object_get(m, "name"));
        json_object_set_new(result, arena_printf(c->a, "%s_id", name ? name : json_string_value(json_object_get(m, "to"))),
                            json_integer(made));
    }
    json_decref(all);
    return rc;
}

/* ---- running an action ---- */

static int action_verb(const action_def *act)
{
    for (int v = 0; v < ACL_NVERBS; v++)
        if (strcmp(acl_verb_names[v], act->right) == 0) return v;
    return ACL_EDIT;
}

/* A record without a state yet (older or imported rows) may start any action. */
static int from_allowed(const action_def *act, const char *state)
{
    if (!act->nfrom || !state) return 1;
    for (int k = 0; state && k < act->nfrom; k++)
        if (strcmp(act->from[k], state) == 0) return 1;
    return 0;
}

static const char *state_label(const entity_def *ent, const action_def *act, const char *value, int en)
{
    const picklist_option *o = value ? meta_option(meta_field(ent, act->field), value) : NULL;
    return o ? (en ? o->label_en : o->label_zh) : value ? value : "-";
}

static int wrong_state(entity_ctx *c, const entity_def *ent, const action_def *act, const char *state, err *e)
{
    if (act->to && state && strcmp(state, act->to) == 0)
        return err_setf(e, 409, arena_printf(c->a, "already_%s", act->to), "该记录已经是「%s」%.0s",
                        "%.0sThe record is already %s", state_label(ent, act, state, 0), state_label(ent, act, state, 1));
    return err_setf(e, 422, "action_not_allowed", "记录为「%s」时不能「%s」%.0s%.0s", "%.0s%.0sCannot %s a record that is %s",
                    state_label(ent, act, state, 0), act->label_zh, act->label_en, state_label(ent, act, state, 1));
}

/* The changes of a simple action: its state, its "set" values and the
 * asked fields of the body; anything else in the body is refused. */
static int action_changes(entity_ctx *c, const entity_def *ent, const action_def *act, json_t *body, json_t *changes,
                          err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        int asked = strcmp(key, "version") == 0;
        for (int k = 0; k < act->nask && !asked; k++) asked = strcmp(act->ask[k].field, key) == 0;
        if (!asked && !act->handler) err_add_field(e, key, "unknown");
    }
    for (int k = 0; k < act->nask; k++) {
        const field_def *f = meta_field(ent, act->ask[k].field);
        json_t *given = json_object_get(body, f->name);
        if (act->ask[k].required && (!given || json_is_null(given) || (json_is_string(given) && !*json_string_value(given))))
            err_add_field(e, f->name, "required");
        else if (given && acl_field_access(c->user, ent, f) < ACL_WRITE)
            err_add_field(e, f->name, "read_only");
        else if (given)
            json_object_set(changes, f->name, given);
    }
    if (e->nfields)
        return err_set(e, 422, "validation_failed", "请填写该操作需要的内容", "Please fill in what the action asks for");
    json_t *set = act->set ? json_loads(act->set, 0, NULL) : NULL;
    json_object_update_missing(changes, set);
    json_decref(set);
    if (act->to) json_object_set_new(changes, act->field, json_string(act->to));
    return 0;
}

/* The record as the user sees it; on PostgreSQL its row is locked first,
 * so two actions on one record run one after the other (SQLite's write
 * transaction is already exclusive). */
static json_t *locked_record(entity_ctx *c, const entity_def *ent, int64_t id, err *e)
{
    if (db_dialect_of(c->db) == DB_POSTGRES) {
        char sql[160], ids[24];
        snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE id = CAST(? AS BIGINT) FOR UPDATE", ent->table);
        snprintf(ids, sizeof ids, "%lld", (long long)id);
        const char *params[] = {ids};
        int64_t ignored;
        if (db_query_int64(c->db, sql, &ignored, e, 1, params) < 0) return NULL;
    }
    strbuf sb = STRBUF_INIT;
    json_t *r = entity_get(c, ent, id, 0, &sb, e) ? NULL : json_loads(sb_str(&sb), 0, NULL);
    sb_free(&sb);
    return r;
}

static int run_in_tx(entity_ctx *c, const entity_def *ent, const action_def *act, int64_t id, json_t *body,
                     int64_t if_match, json_t *result, err *e)
{
    json_t *record = locked_record(c, ent, id, e), *changes = json_object();
    int rc = -1;
    if (!record) goto done;
    const char *state = act->field ? json_string_value(json_object_get(record, act->field)) : NULL;
    if (if_match && if_match != json_integer_value(json_object_get(record, "version"))) {
        err_set(e, 409, "conflict", "该记录已被他人修改，请刷新后再保存",
                "The record was changed by someone else; reload it and try again");
        goto done;
    }
    if (act->field && !from_allowed(act, state)) {
        wrong_state(c, ent, act, state, e);
        goto done;
    }
    if (action_changes(c, ent, act, body, changes, e)) goto done;
    entity_action_handler fn = handler_of(act->handler);
    if (act->handler && !fn) {
        err_setf(e, 500, "bad_metadata", "操作处理程序 %s 未注册", "Action handler %s is not registered", act->handler,
                 act->handler);
        goto done;
    }
    if (fn ? fn(c, ent, act, id, record, body, changes, result, e) : act->copy ? run_copies(c, ent, act, record, result, e) : 0)
        goto done;
    /* the action's own values are the server's to write (a state only
     * the server sets, stamps); asked fields were checked above */
    entity_ctx trusted = *c;
    trusted.trusted = 1;
    /* If-Match was checked above on the locked record: what the handler
     * wrote since may have moved its version (a receipt or an invoice it
     * made recomputes this record's counts or totals), which is no
     * conflict. */
    rc = json_object_size(changes) ? entity_update(&trusted, ent, id, changes, 0, e) : 0;
done:
    json_decref(record);
    json_decref(changes);
    return rc;
}

int entity_action_run(entity_ctx *c, const entity_def *ent, int64_t id, const char *name, json_t *body,
                      int64_t if_match, json_t **result, err *e)
{
    *result = NULL;
    const action_def *act = entity_action_find(ent, name);
    if (!act) return err_set(e, 404, "not_found", "没有这个操作", "No such action");
    if (!acl_can(c->user, ent, (acl_verb)action_verb(act)))
        return err_setf(e, 403, "forbidden", "没有执行「%s」的权限%.0s", "%.0sNo permission to %s", act->label_zh,
                        act->label_en);
    if (!json_is_object(body)) return err_set(e, 400, "bad_json", "请求体必须是 JSON 对象", "The body must be a JSON object");
    json_t *out = json_object();
    if (db_begin(c->db, e)) return json_decref(out), -1;
    if (run_in_tx(c, ent, act, id, body, if_match, out, e) || db_commit(c->db, e)) {
        db_rollback(c->db);
        json_decref(out);
        return -1;
    }
    /* every write of the action (copies, handlers) refreshed its caches on commit */
    strbuf sb = STRBUF_INIT;
    err ignore;
    err_clear(&ignore);
    json_t *rec = entity_get(c, ent, id, 1, &sb, &ignore) ? json_null() : json_loads(sb_str(&sb), 0, NULL);
    sb_free(&sb);
    *result = json_pack("{s:o,s:o}", "record", rec ? rec : json_null(), "result", out);
    return 0;
}

void entity_actions_json(strbuf *b, const auth_user *u, const entity_def *ent)
{
    if (!ent->nactions) return;
    sb_append(b, ",\"actions\":[");
    for (int i = 0; i < ent->nactions; i++) {
        const action_def *act = &ent->actions[i];
        sb_append(b, i ? "," : "");
        sb_appendn(b, act->json, strlen(act->json) - 1); /* the object without its closing brace */
        sb_printf(b, ",\"permitted\":%s}", acl_can(u, ent, (acl_verb)action_verb(act)) ? "true" : "false");
    }
    sb_putc(b, ']');
}
