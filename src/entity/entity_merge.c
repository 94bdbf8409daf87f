/* entity_merge.c - see entity_merge in entity.h. Which records point at the
 * merged ones is read from metadata (every link field whose target is this
 * entity), so a module added later is re-pointed too. */
#include <stdio.h>
#include <string.h>

#include "../acl/acl.h"
#include "../util/clock.h"
#include "../util/strbuf.h"
#include "entity.h"
#include "entity_computed.h"
#include "entity_lines.h"
#include "ledger.h"

static int invalid(err *e, const char *field, const char *zh, const char *en)
{
    err_add_field(e, field, "invalid");
    return err_set(e, 422, "validation_failed", zh, en);
}

static int check_ids(int64_t target, const int64_t *src, int n, err *e)
{
    if (target <= 0) return invalid(e, "target_id", "请指定保留的记录", "target_id is required");
    if (n < 1 || n > MERGE_MAX_SOURCES)
        return invalid(e, "source_ids", "请选择 1 到 50 条要合并的记录", "Choose 1 to 50 records to merge");
    for (int i = 0; i < n; i++) {
        if (src[i] <= 0 || src[i] == target)
            return invalid(e, "source_ids", "要合并的记录不能包含保留的记录", "The sources cannot include the target");
        for (int j = 0; j < i; j++)
            if (src[j] == src[i]) return invalid(e, "source_ids", "要合并的记录有重复", "A source is repeated");
    }
    return 0;
}

/* A record as JSON through the engine (so visibility and field access hold). */
static json_t *record_json(entity_ctx *c, const entity_def *ent, int64_t id, err *e)
{
    strbuf sb = STRBUF_INIT;
    json_t *j = entity_get(c, ent, id, 0, &sb, e) == 0 ? json_loads(sb_str(&sb), 0, NULL) : NULL;
    sb_free(&sb);
    return j;
}

static int empty(json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) ||
           (json_is_array(v) && !json_array_size(v));
}

/* The update of the target: empty fields filled from the sources in order,
 * chosen fields from the chosen source. Unique fields move only when chosen
 * (the sources are in the recycle bin by then). */
static json_t *fill_body(entity_ctx *c, const entity_def *ent, json_t *target, json_t **sources,
                         const int64_t *ids, int n, json_t *choose, err *e)
{
    json_t *body = json_object();
    const char *key;
    json_t *pick;
    json_object_foreach(choose, key, pick) {
        const field_def *f = meta_field(ent, key);
        int k = -1;
        for (int i = 0; json_is_integer(pick) && i < n; i++)
            if (ids[i] == json_integer_value(pick)) k = i;
        if (!f || f->readonly || f->system || acl_field_access(c->user, ent, f) != ACL_WRITE || k < 0) {
            json_decref(body);
            err_add_field(e, key, "invalid");
            err_set(e, 422, "validation_failed", "fields 须为 {字段: 来源记录编号}", "fields must map a field to a source id");
            return NULL;
        }
        json_object_set(body, key, json_object_get(sources[k], key));
    }
    for (int i = 0; i < ent->nfields; i++) {
        const field_def *f = &ent->fields[i];
        if (f->readonly || f->system || f->unique || f->type == FT_AUTONUMBER) continue;
        if (json_object_get(body, f->name) || !empty(json_object_get(target, f->name))) continue;
        if (acl_field_access(c->user, ent, f) != ACL_WRITE) continue;
        for (int k = 0; k < n; k++) {
            json_t *v = json_object_get(sources[k], f->name);
            if (!empty(v)) {
                json_object_set(body, f->name, v);
                break;
            }
        }
    }
    return body;
}

/* Points every link at a source to the target, in every entity. */
static int repoint_links(entity_ctx *c, const entity_def *ent, int64_t target, const int64_t *ids, int n,
                         err *e)
{
    char now[ISO_TIME_LEN];
    iso_now(now);
    for (int k = 0; k < c->m->nentities; k++) {
        const entity_def *other = &c->m->entities[k];
        for (int i = 0; i < other->nfields; i++) {
            const field_def *f = &other->fields[i];
            if (f->type != FT_LINK || strcmp(f->link_entity, ent->name) != 0) continue;
            query q;
            query_init(&q, c->a);
            query_sqlf(&q, "UPDATE %s SET %s = ", other->table, meta_column(f));
            query_bind_int(&q, target);
            query_sql(&q, ", version = version + 1, updated_at = ");
            query_bind_text(&q, now);
            query_sqlf(&q, " WHERE %s IN (", meta_column(f));
            for (int j = 0; j < n; j++) {
                if (j) query_sql(&q, ", ");
                query_bind_int(&q, ids[j]);
            }
            query_sql(&q, ")");
            int rc = query_exec(c->db, &q, "转移关联记录失败", "Cannot move linked records", e);
            query_free(&q);
            if (rc || entity_totals_changed(c->db, other, e)) return -1;
        }
    }
    return 0;
}

static int move_history(entity_ctx *c, const entity_def *ent, int64_t target, const int64_t *ids, int n,
                        err *e)
{
    query q;
    query_init(&q, c->a);
    query_sql(&q, "UPDATE record_history SET record_id = ");
    query_bind_int(&q, target);
    query_sql(&q, " WHERE entity = ");
    query_bind_text(&q, ent->name);
    query_sql(&q, " AND record_id IN (");
    for (int j = 0; j < n; j++) {
        if (j) query_sql(&q, ", ");
        query_bind_int(&q, ids[j]);
    }
    query_sql(&q, ")");
    int rc = query_exec(c->db, &q, "转移修改记录失败", "Cannot move the history", e);
    query_free(&q);
    return rc;
}

static int merge_tx(entity_ctx *c, const entity_def *ent, int64_t target_id, const int64_t *ids, int n,
                    json_t *choose, int64_t if_match, json_t **sources, err *e)
{
    json_t *target = record_json(c, ent, target_id, e);
    if (!target) return -1;
    int rc = 0;
    for (int i = 0; i < n && !rc; i++)
        if (!(sources[i] = record_json(c, ent, ids[i], e))) rc = -1;
    json_t *body = rc ? NULL : fill_body(c, ent, target, sources, ids, n, choose, e);
    json_decref(target);
    if (!body) return -1;
    strbuf list = STRBUF_INIT;
    for (int i = 0; i < n; i++) sb_printf(&list, "%s%lld", i ? "," : "", (long long)ids[i]);
    /* Sources leave first, so a unique value (the name) may move to the target. */
    for (int i = 0; i < n && !rc; i++) rc = entity_delete(c, ent, ids[i], 0, e);
    if (!rc) rc = move_history(c, ent, target_id, ids, n, e);
    if (!rc) rc = entity_lines_merge(c, ent, target_id, ids, n, e);
    if (!rc) rc = entity_update(c, ent, target_id, body, if_match, e);
    if (!rc) rc = repoint_links(c, ent, target_id, ids, n, e);
    if (!rc) rc = computed_refresh(c, ent, target_id, e); /* the target now sums the sources' related records */
    if (!rc) rc = entity_log(c, ent, target_id, "merge", NULL, sb_str(&list), NULL, e);
    sb_free(&list);
    json_decref(body);
    return rc;
}

int entity_merge(entity_ctx *c, const entity_def *ent, int64_t target_id, const int64_t *source_ids,
                 int nsources, json_t *choose, int64_t if_match, err *e)
{
    if (ent->immutable) return ledger_refuse(ent, e);
    if (!acl_can(c->user, ent, ACL_EDIT) || !acl_can(c->user, ent, ACL_DELETE))
        return err_setf(e, 403, "forbidden", "没有合并「%s」的权限", "No permission to merge %s", ent->label_zh,
                        ent->label_en);
    if (check_ids(target_id, source_ids, nsources, e)) return -1;
    if (choose && !json_is_object(choose))
        return invalid(e, "fields", "fields 须为 {字段: 来源记录编号}", "fields must map a field to a source id");
    json_t *sources[MERGE_MAX_SOURCES] = {0};
    if (db_begin(c->db, e)) return -1;
    int rc = merge_tx(c, ent, target_id, source_ids, nsources, choose, if_match, sources, e);
    for (int i = 0; i < nsources; i++) json_decref(sources[i]);
    if (rc == 0 && db_commit(c->db, e) == 0) return 0;
    db_rollback(c->db);
    return -1;
}
