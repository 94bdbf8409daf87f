/* arena.h - per-request memory: everything that dies with a request is
 * allocated here and released in one call, so handlers never track frees. */
#ifndef KEHU_ARENA_H
#define KEHU_ARENA_H
#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
void arena_free(arena *a);
/* Zeroed, 16-byte aligned memory; never NULL (aborts on out-of-memory). */
void *arena_alloc(arena *a, size_t size);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
