/* embedded.h - the JSON files compiled into the binary (kehu-embed,
 * CMakeLists.txt): experiments and industry data sets are read the same
 * way, once, into objects that live as long as the process. */
#ifndef KEHU_EMBEDDED_H
#define KEHU_EMBEDDED_H

#include <jansson.h>
#include <stddef.h>

/* One row of a table kehu-embed generates; the table ends with a zero row. */
typedef struct embedded_file {
    const char *name;
    const unsigned char *data;
    size_t len;
} embedded_file;

/* Parses every file of `files` into out (at most max) and answers how many:
 * each must be an object with a string "code" and, when `required` is not
 * NULL, a member of that name. A file that is not is left out and named in
 * error (errlen bytes; "" when all are good): a defect of the build that
 * start-up reports. */
int embedded_load(const embedded_file *files, const char *required, json_t **out, int max, char *error,
                  size_t errlen);

/* The one of list[0..n) whose "code" is code, or NULL. */
const json_t *embedded_find(json_t *const *list, int n, const char *code);

#endif
