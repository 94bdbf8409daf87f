/* total_cache.h - list totals computed once per (query, data version).
 * A COUNT over a large visible set costs more than the page itself, and
 * people page through the same list many times. An entry is valid while
 * nothing of its entity was written by this process, and for at most
 * TOTAL_CACHE_SECONDS; on PostgreSQL the key also holds the entity's change
 * stamp (entity_changes_stamp), so another node's write is seen at once. */
#ifndef KEHU_TOTAL_CACHE_H
#define KEHU_TOTAL_CACHE_H

#include <stdint.h>

#define TOTAL_CACHE_SECONDS 2

/* Records that rows of `entity` changed; every cached total of it dies. */
void total_cache_invalidate(const char *entity);
/* How many times this process has seen rows of `entity` change, for a
 * cache of something read from the entity to keep in its key
 * (report_cache.h); -1 when the entity cannot be followed (do not cache). */
int total_cache_generation(const char *entity, uint64_t *out);
int total_cache_get(const char *entity, const char *key, int64_t *total);
void total_cache_put(const char *entity, const char *key, int64_t total);

#endif
