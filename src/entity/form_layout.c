/* form_layout.c - see form_layout.h. */
#include "form_layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/utf8.h"
#include "meta_load.h"

static void layout_key(const entity_def *ent, char *key, size_t size)
{
    snprintf(key, size, "layout.%s", ent->name);
}

/* ---- into the company's metadata ---- */

static const char *copy_label(arena *a, json_t *g, const char *name, const char *fallback)
{
    const char *s = json_string_value(json_object_get(g, name));
    return s && *s ? arena_strdup(a, s) : fallback;
}

static const layout_group *metadata_group(const entity_def *ent, const char *key, int upto)
{
    for (int i = 0; i < upto; i++)
        if (strcmp(ent->groups[i].key, key) == 0) return &ent->groups[i];
    return NULL;
}

/* The stored groups first, in their order, each listing its fields; then
 * the metadata's groups the layout does not name (fields added since, a
 * group a newer version brought). */
static void apply_groups(arena *a, entity_def *ent, json_t *groups)
{
    size_t n = json_array_size(groups);
    layout_group *out = arena_alloc(a, sizeof *out * (n + (size_t)ent->ngroups + 1));
    int count = 0;
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g) {
        const char *key = json_string_value(json_object_get(g, "key"));
        json_t *names = json_object_get(g, "fields");
        if (!key || !json_is_array(names)) continue;
        const layout_group *orig = metadata_group(ent, key, ent->ngroups);
        layout_group *lg = &out[count++];
        lg->key = arena_strdup(a, key);
        lg->label_zh = copy_label(a, g, "label_zh", orig ? orig->label_zh : lg->key);
        lg->label_en = copy_label(a, g, "label_en", orig ? orig->label_en : lg->label_zh);
        lg->fields = arena_alloc(a, sizeof(char *) * (json_array_size(names) + 1));
        size_t k;
        json_t *name;
        json_array_foreach(names, k, name) {
            field_def *f = (field_def *)meta_field(ent, json_string_value(name));
            if (!f || f->system) continue; /* a field since removed */
            f->group = lg->key;
            lg->fields[lg->nfields++] = f->name;
        }
    }
    for (int k = 0; k < ent->ngroups; k++) {
        int named = 0;
        for (int j = 0; j < count && !named; j++) named = strcmp(out[j].key, ent->groups[k].key) == 0;
        if (!named) out[count++] = ent->groups[k];
    }
    ent->groups = out;
    ent->ngroups = count;
}

int form_layout_apply(db_conn *c, arena *a, entity_def *ent, int64_t company, err *e)
{
    char key[96];
    layout_key(ent, key, sizeof key);
    db_stmt *s = db_prepare(c, "SELECT value FROM company_settings WHERE company_id = ? AND key = ?", e);
    if (!s) return -1;
    db_bind_int64(s, 1, company);
    db_bind_text(s, 2, key);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        json_t *stored = json_loads(db_column_text(s, 0), 0, NULL);
        json_t *groups = json_object_get(stored, "groups");
        if (json_is_array(groups)) apply_groups(a, ent, groups);
        json_decref(stored);
    }
    db_finalize(s);
    return rc < 0 ? err_set(e, 500, "db_error", "读取窗体布局失败", "Cannot read the form layout") : 0;
}

/* ---- an administrator's change ---- */

static int valid_key(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 40) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
    return 1;
}

static int valid_label(json_t *v, int required)
{
    if (!v) return !required;
    const char *s = json_string_value(v);
    return s && *s && utf8_valid(s, strlen(s)) && utf8_length(s, strlen(s)) <= 30;
}

static int bad(err *e, const char *field, const char *reason, const char *zh, const char *en)
{
    err_add_field(e, field, reason);
    return err_set(e, 422, "validation_failed", zh, en);
}

/* One group: {"key","label_zh","label_en"?,"fields":[...]}, its fields
 * counted in seen so none is placed twice. */
static int check_group(const entity_def *ent, json_t *g, size_t index, const char **seen, int *nseen, err *e)
{
    static const char *const KEYS[] = {"key", "label_zh", "label_en", "fields", NULL};
    char where[48];
    snprintf(where, sizeof where, "groups[%zu]", index);
    if (!json_is_object(g)) return bad(e, where, "invalid", "分组格式不正确", "A group is an object");
    const char *k;
    json_t *v;
    json_object_foreach(g, k, v) {
        int known = 0;
        for (int i = 0; KEYS[i] && !known; i++) known = strcmp(k, KEYS[i]) == 0;
        if (!known) return bad(e, where, "unknown_key", "分组中有不认识的键", "A group has an unknown key");
    }
    if (!valid_key(json_string_value(json_object_get(g, "key"))))
        return bad(e, where, "invalid_key", "分组代码须为小写字母、数字或下划线", "A group key is lower-case letters, digits or _");
    if (!valid_label(json_object_get(g, "label_zh"), 1) || !valid_label(json_object_get(g, "label_en"), 0))
        return bad(e, where, "invalid_label", "分组名称须为 1 到 30 个字符", "A group label is 1 to 30 characters");
    json_t *names = json_object_get(g, "fields");
    if (!json_is_array(names)) return bad(e, where, "invalid_fields", "分组须列出它的字段", "A group lists its fields");
    size_t i;
    json_t *name;
    json_array_foreach(names, i, name) {
        const field_def *f = json_is_string(name) ? meta_field(ent, json_string_value(name)) : NULL;
        if (!f || f->system)
            return bad(e, where, "unknown_field", "分组中有不存在或不能摆放的字段", "A group names a field that does not exist or cannot be placed");
        for (int j = 0; j < *nseen; j++)
            if (seen[j] == f->name) return bad(e, where, "duplicate_field", "同一个字段只能放在一个位置", "A field can be placed once");
        seen[(*nseen)++] = f->name;
    }
    return 0;
}

static int check_layout(const entity_def *ent, json_t *body, err *e)
{
    json_t *groups = json_object_get(body, "groups");
    if (!json_is_object(body) || json_object_size(body) != 1 || !json_is_array(groups) || !json_array_size(groups) ||
        json_array_size(groups) > FORM_LAYOUT_MAX_GROUPS)
        return bad(e, "groups", "invalid", "需要 groups 数组（1 到 30 个分组）", "A groups array (1 to 30 groups) is required");
    const char **seen = calloc((size_t)ent->nfields + 1, sizeof *seen);
    int nseen = 0, rc = 0;
    size_t i, j;
    json_t *g;
    json_array_foreach(groups, i, g) {
        if ((rc = check_group(ent, g, i, seen, &nseen, e))) break;
        for (j = 0; j < i && !rc; j++)
            if (strcmp(json_string_value(json_object_get(json_array_get(groups, j), "key")),
                       json_string_value(json_object_get(g, "key"))) == 0)
                rc = bad(e, "groups", "duplicate_key", "分组代码不能重复", "Group keys must differ");
        if (rc) break;
    }
    free(seen);
    return rc;
}

static int store(entity_ctx *c, const entity_def *ent, const char *value, err *e)
{
    char key[96];
    layout_key(ent, key, sizeof key);
    if (db_begin(c->db, e)) return -1;
    db_stmt *s = db_prepare(c->db,
                            value ? "INSERT INTO company_settings(company_id, key, value) VALUES (?, ?, ?) "
                                    "ON CONFLICT (company_id, key) DO UPDATE SET value = excluded.value"
                                  : "DELETE FROM company_settings WHERE company_id = ? AND key = ?",
                            e);
    int rc = -1;
    if (s) {
        db_bind_int64(s, 1, c->user->company_id);
        db_bind_text(s, 2, key);
        if (value) db_bind_text(s, 3, value);
        rc = db_step(s) < 0 ? err_set(e, 500, "db_error", "保存窗体布局失败", "Cannot save the form layout") : 0;
        db_finalize(s);
    }
    if (rc == 0) rc = meta_bump_version(c->db, e);
    if (rc == 0) rc = db_commit(c->db, e);
    if (rc) {
        db_rollback(c->db);
        return -1;
    }
    return meta_reload(c->db, e);
}

int form_layout_save(entity_ctx *c, const entity_def *ent, json_t *body, err *e)
{
    if (check_layout(ent, body, e)) return -1;
    char *text = json_dumps(body, JSON_COMPACT);
    int rc = store(c, ent, text, e);
    free(text);
    return rc;
}

int form_layout_reset(entity_ctx *c, const entity_def *ent, err *e)
{
    return store(c, ent, NULL, e);
}
