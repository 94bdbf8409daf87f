/* arena.c - a bump allocator over a chain of blocks. Large requests get a
 * block of their own so a single big string does not waste a whole block. */
#include "arena.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 8192

typedef struct block {
    struct block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
} block;

struct arena {
    block *head;
};

static block *block_new(size_t cap)
{
    block *b = malloc(sizeof(block) + cap);
    if (!b) abort();
    b->next = NULL;
    b->used = 0;
    b->cap = cap;
    return b;
}

/* Each thread keeps one arena (and its first block) that it freed, for the
 * next arena_new: a request's arena was a malloc and a free of 8 KB that
 * glibc answered by consolidating its fast bins every time (some 1,800
 * instructions a detail read). Given back at thread exit. */
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;
static _Thread_local arena *spare;

static void spare_free(void *p)
{
    arena *a = p;
    free(a->head);
    free(a);
    spare = NULL;
}

static void spare_key_make(void)
{
    pthread_key_create(&spare_key, spare_free);
}

arena *arena_new(void)
{
    if (spare) {
        arena *a = spare;
        spare = NULL;
        pthread_setspecific(spare_key, NULL);
        return a;
    }
    arena *a = malloc(sizeof *a);
    if (!a) abort();
    a->head = block_new(ARENA_BLOCK);
    return a;
}

void arena_free(arena *a)
{
    if (!a) return;
    block *keep = NULL, *b = a->head;
    while (b) {
        block *next = b->next;
        if (!keep && !spare && b->cap == ARENA_BLOCK)
            keep = b;
        else
            free(b);
        b = next;
    }
    if (!keep) {
        free(a);
        return;
    }
    keep->next = NULL;
    keep->used = 0;
    a->head = keep;
    pthread_once(&spare_once, spare_key_make);
    spare = a;
    pthread_setspecific(spare_key, a);
}

void *arena_alloc(arena *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    block *b = a->head;
    if (b->used + size > b->cap) {
        if (size > ARENA_BLOCK / 4) {
            /* Own block, linked behind the head so the head keeps filling. */
            block *big = block_new(size);
            big->next = b->next;
            b->next = big;
            big->used = size;
            memset(big->data, 0, size);
            return big->data;
        }
        b = block_new(ARENA_BLOCK);
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
