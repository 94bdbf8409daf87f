/* filter_fuzz.c - libFuzzer target for the filter and sort parsers, the
 * parsers that take the most hostile outside input. The input is split at
 * the first newline: sort text before it, filter JSON after it. Checked:
 * no crash or sanitizer report, and on success exactly one bound value per
 * placeholder. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/fixture_entity.h"
#include "entity/filter.h"

static size_t count_placeholders(const char *sql)
{
    size_t n = 0;
    int quoted = 0;
    for (const char *p = sql; *p; p++) {
        if (*p == '\'') quoted = !quoted;
        else if (*p == '?' && !quoted) n++;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nl = memchr(text, '\n', size);
    size_t sort_len = nl ? (size_t)(nl - text) : 0;
    char *sort = strndup(text, sort_len);
    const char *filter = nl ? nl + 1 : text;
    size_t filter_len = size - (size_t)(filter - text);
    arena *a = arena_new();
    for (int d = DB_SQLITE; d <= DB_POSTGRES; d++) {
        filter_ctx ctx = {&fixture_entity, (db_dialect)d, "t", NULL, NULL};
        query q;
        query_init(&q, a);
        err e;
        err_clear(&e);
        if (filter_compile(&ctx, filter, filter_len, &q, &e) == 0) {
            if (count_placeholders(sb_str(&q.sql)) != (size_t)q.nvalues) abort();
        } else if (e.status != 400) {
            abort();
        }
        query_free(&q);
        query_init(&q, a);
        if (sort_compile(&ctx, sort, "name", &q, &e) != 0 && e.status != 400) abort();
        query_free(&q);
    }
    arena_free(a);
    free(sort);
    return 0;
}
