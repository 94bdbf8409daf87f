/* user_settings.h - what a user chose for themself (table user_settings,
 * one JSON value per key): today the customised main menu. A copied user
 * (复制用户) starts with the model's settings. */
#ifndef KEHU_USER_SETTINGS_H
#define KEHU_USER_SETTINGS_H

#include <jansson.h>

#include "../db/db.h"
#include "../meta/metadata.h"
#include "../util/err.h"

/* The setting as JSON (the caller decrefs); NULL when unset. */
json_t *user_setting_get(db_conn *db, int64_t user_id, const char *key);
/* Gives user `to` a copy of every setting of user `from`. */
int user_settings_copy(db_conn *db, int64_t from, int64_t to, err *e);
/* Stores the main menu {"order": [entity, ...], "hidden": [entity, ...]}
 * (entities of m only); 422 naming the bad key otherwise. */
int user_menu_put(db_conn *db, const metadata *m, int64_t user_id, json_t *menu, err *e);

#endif
