/* user_settings.c - see user_settings.h. */
#include "user_settings.h"

#include <stdlib.h>
#include <string.h>

#include "../entity/meta_load.h"

json_t *user_setting_get(db_conn *db, int64_t user_id, const char *key)
{
    err e;
    err_clear(&e);
    db_stmt *s = db_prepare(db, "SELECT value FROM user_settings WHERE user_id = ? AND key = ?", &e);
    if (!s) return NULL;
    db_bind_int64(s, 1, user_id);
    db_bind_text(s, 2, key);
    json_t *v = db_step(s) == DB_ROW && db_column_text(s, 0) ? json_loads(db_column_text(s, 0), 0, NULL) : NULL;
    db_finalize(s);
    return v;
}

int user_settings_copy(db_conn *db, int64_t from, int64_t to, err *e)
{
    db_stmt *s = db_prepare(db,
                            "INSERT INTO user_settings(user_id, key, value) "
                            "SELECT ?, key, value FROM user_settings WHERE user_id = ?",
                            e);
    if (!s) return -1;
    db_bind_int64(s, 1, to);
    db_bind_int64(s, 2, from);
    int rc = db_step(s);
    db_finalize(s);
    return rc < 0 ? err_set(e, 500, "db_error", "复制用户设置失败", "Cannot copy the user's settings") : 0;
}

/* {"order": [entity, ...], "hidden": [entity, ...]}: known entities only. */
static int check_menu(const metadata *m, json_t *body, err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (strcmp(key, "order") && strcmp(key, "hidden")) {
            err_add_field(e, key, "unknown");
            continue;
        }
        size_t i;
        json_t *item;
        int ok = json_is_array(v) && json_array_size(v) <= 200;
        json_array_foreach(v, i, item) ok &= json_is_string(item) && meta_entity(m, json_string_value(item)) != NULL;
        if (!ok) err_add_field(e, key, "invalid");
    }
    return e->nfields ? err_set(e, 422, "validation_failed", "菜单设置须为 order 和 hidden 两个模块名列表",
                                "The menu is two lists of module names: order and hidden")
                      : 0;
}

int user_menu_put(db_conn *db, const metadata *m, int64_t user_id, json_t *menu, err *e)
{
    if (check_menu(m, menu, e)) return -1;
    db_stmt *s = db_prepare(db,
                            "INSERT INTO user_settings(user_id, key, value) VALUES (?, 'menu', ?) "
                            "ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value",
                            e);
    if (!s) return -1;
    char *text = json_dumps(menu, JSON_COMPACT);
    db_bind_int64(s, 1, user_id);
    db_bind_text(s, 2, text);
    int rc = db_step(s) < 0 ? err_set(e, 500, "db_error", "保存菜单失败", "Cannot save the menu") : 0;
    db_finalize(s);
    free(text);
    return rc;
}
