/* embedded.c - see embedded.h. */
#include "embedded.h"

#include <stdio.h>
#include <string.h>

int embedded_load(const embedded_file *files, const char *required, json_t **out, int max, char *error,
                  size_t errlen)
{
    int n = 0;
    *error = '\0';
    for (int i = 0; files[i].name && n < max; i++) {
        json_error_t je;
        json_t *x = json_loadb((const char *)files[i].data, files[i].len, 0, &je);
        if (!json_is_object(x) || !json_is_string(json_object_get(x, "code")) ||
            (required && !json_object_get(x, required))) {
            snprintf(error, errlen, "%s: %s", files[i].name, x ? "no code (or a required member)" : je.text);
            json_decref(x);
            continue;
        }
        out[n++] = x;
    }
    return n;
}

const json_t *embedded_find(json_t *const *list, int n, const char *code)
{
    for (int i = 0; code && i < n; i++)
        if (strcmp(json_string_value(json_object_get(list[i], "code")), code) == 0) return list[i];
    return NULL;
}
