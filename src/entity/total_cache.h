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
 * request waits for a million-row COUNT (the p99 spikes of issue 14).
 *
 * One count per key at a time (single flight, util/single_flight.h): the
 * requests that miss a key while another counts it wait for that count
 * (at most TOTAL_CACHE_WAIT_MS) instead of each counting the same rows,
 * the herd of a cold cache and of every write.
 *
 * A capped count (a search's, counted up to 10,000 and shown "10,000+";
 * ask.floor) stays true across writes as long as its margin holds: each
 * row written moves a count by at most one and bumps the entity's
 * generation at least once, so an entry counted at n > floor + w is still
 * above the floor after w bumps. Such an entry is served across writes
 * and counted again in the background; an exact total (no floor, or at or
 * under it) is never served across a write.
 *
 *     total_ask a = {.entity = ent->name, .key = key, .sql = count, .values = v, .nvalues = n, .floor = cap};
 *     if (total_cache_get(&a, &total)) ...hit (a.source: TOTAL_KEPT or TOTAL_SHARED)
 *     ... count ...
 *     total_cache_put(&a, total);     // or, when counting failed:
 *     total_cache_drop(&a);
 */
#ifndef KEHU_TOTAL_CACHE_H
#define KEHU_TOTAL_CACHE_H

#include <stdint.h>

#include "../meta/query.h"

#define TOTAL_CACHE_SECONDS 2
/* A capped entry (above its floor) is counted again in the background
 * this often, or sooner once writes used half its margin: only whether
 * it is above the floor shows, and what the generation does not see
 * (another process on one SQLite file) can hardly move 10,000 matches. */
#define TOTAL_CAPPED_SECONDS 10
/* An entry older than this is never served, refresher or not. */
#define TOTAL_CACHE_STALE_MAX 30
/* How long a request waits for another's count of the same key: far
 * beyond a capped count (a third of a second for 100k visible rows on a
 * busy machine), short of a client's patience; past it, it counts itself. */
#define TOTAL_CACHE_WAIT_MS 10000

/* Where a list's total came from (X-Kehu-Total). */
enum { TOTAL_NONE = 0, TOTAL_COUNTED, TOTAL_KEPT, TOTAL_SHARED };

typedef struct total_ask {
    const char *entity, *key;
    /* the count again, for the refresher: one row and column; NULL: the
     * entry is only ever counted by requests */
    const char *sql;
    const sql_value *values;
    int nvalues;
    /* > 0: only whether the count is above floor matters beyond it (it
     * may have stopped counting there): kept across writes while so */
    int64_t floor;
    /* set by total_cache_get */
    uint64_t generation; /* the entity's, taken before the caller counts */
    int claimed;         /* on a miss: others wait for this caller's count */
    int source;          /* on a hit: TOTAL_KEPT, or TOTAL_SHARED after waiting */
} total_ask;

/* Records that rows of `entity` changed; every exact total of it dies. */
void total_cache_invalidate(const char *entity);
/* How many times this process has seen rows of `entity` change, for a
 * cache of something read from the entity to keep in its key
 * (report_cache.h); -1 when the entity cannot be followed (do not cache). */
int total_cache_generation(const char *entity, uint64_t *out);
/* 1 with *total set when the entry can be served: fresh, or (refresher
 * running, or a capped entry across writes) past it and queued to be
 * counted again in the background, once per entry. 0 otherwise: the
 * caller counts (with a fresh snapshot, after this call) and ends with
 * total_cache_put or total_cache_drop, which wake the requests waiting
 * for its count when a->claimed. */
int total_cache_get(total_ask *a, int64_t *total);
void total_cache_put(total_ask *a, int64_t total);
void total_cache_drop(total_ask *a);
/* The wait's bound in ms (tests); returns the previous one. */
int total_cache_set_wait(int ms);

/* The background recounts, on a connection of their own to db_url. */
int total_cache_start(const char *db_url);
void total_cache_stop(void);

#endif
