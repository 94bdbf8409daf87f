/* server.h - starting and stopping the HTTP server of `kehu serve`. */
#ifndef KEHU_SERVER_H
#define KEHU_SERVER_H

#include "../app.h"
#include "http.h"

/* Routes are matched in table order after literal-segment preference; the
 * table ends with a zero entry. */
typedef struct route_table {
    const route *const *tables; /* NULL-terminated list of zero-terminated route arrays */
} route_table;

/* Runs until SIGINT or SIGTERM, then stops accepting, lets in-flight requests
 * finish (up to 10 s) and returns 0. */
int server_run(app *a, const route *const *routes);

/* Exposed for tests: match one path against a pattern, filling captures. */
int route_match(const char *pattern, const char *path, arena *ar, const char **params,
                int *nparams);

#endif
