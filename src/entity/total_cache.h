/* total_cache.h - list totals computed once per (query, data version).
 * A COUNT over a large visible set costs more than the page itself, and
 * people page through the same list many times. An entry is exact while
 * nothing of its entity was written by this process (every engine write
 * invalidates); on PostgreSQL the key also holds the entity's change stamp
 * (entity_changes_stamp), so another node's write is seen at once. What
 * neither sees (a share added, module SQL that forgot to invalidate) is
 * picked up by counting again once an entry is TOTAL_CACHE_SECONDS old:
 * once the refresher runs (total_cache_start), that recount happens on its
 * own thread and connection while requests keep getting the entry, so no
 * request waits for a million-row COUNT (the p99 spikes of issue 14). */
#ifndef KEHU_TOTAL_CACHE_H
#define KEHU_TOTAL_CACHE_H

#include <stdint.h>

#include "../meta/query.h"

#define TOTAL_CACHE_SECONDS 2
/* An entry older than this is never served, refresher or not. */
#define TOTAL_CACHE_STALE_MAX 30

/* Records that rows of `entity` changed; every cached total of it dies. */
void total_cache_invalidate(const char *entity);
/* How many times this process has seen rows of `entity` change, for a
 * cache of something read from the entity to keep in its key
 * (report_cache.h); -1 when the entity cannot be followed (do not cache). */
int total_cache_generation(const char *entity, uint64_t *out);
/* 1 with *total set when the entry is fresh; 0 otherwise. */
int total_cache_get(const char *entity, const char *key, int64_t *total);
/* As total_cache_get, and also 1 for an entry past TOTAL_CACHE_SECONDS but
 * of the current data version while the refresher runs: the entry is
 * served and `count_sql` (one row, one column) with `values` is queued to
 * be counted again in the background, once per entry. */
int total_cache_get_or_refresh(const char *entity, const char *key, const char *count_sql,
                               const sql_value *values, int nvalues, int64_t *total);
void total_cache_put(const char *entity, const char *key, int64_t total);

/* The background recounts, on a connection of their own to db_url. */
int total_cache_start(const char *db_url);
void total_cache_stop(void);

#endif
