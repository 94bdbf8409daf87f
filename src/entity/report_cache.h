/* report_cache.h - a report's finished table kept until what it reads
 * changes. A report that aggregates a whole company's data (the 应收账龄
 * over 100k orders) costs far more than serving its answer, and people
 * open it again and again between writes. The key is the report's query
 * (text and bound values, the access predicate's included, so users never
 * share rows they may not see), the metadata version, and for every entity
 * the report reads: this process's count of its writes (total_cache.h) and,
 * on PostgreSQL, its change stamp (another node's writes). Keys are taken
 * before the report is computed, so a write racing the computation can
 * only make the entry newer than its key, never older. On SQLite another
 * process writing the file (a `kehu import` beside the server) is seen
 * within REPORT_CACHE_SECONDS.
 *
 *
 * One computation per key at a time (single flight, util/single_flight.h,
 * as the list totals of total_cache.h): the first request
 * that misses a key claims it and computes; the requests for the same key
 * that arrive meanwhile wait for its answer (at most
 * REPORT_CACHE_WAIT_MS, then they compute themselves) instead of each
 * computing the same report, the burst after every write. Across
 * processes (PostgreSQL nodes) nothing is shared: each computes once.
 *
 *     strbuf key = STRBUF_INIT;
 *     int claimed;
 *     if (report_cache_key(c, "ageing", READS, &q, &key) == 0 && report_cache_get(sb_str(&key), t, &claimed)) ...hit
 *     ... compute t ...
 *     report_cache_put(sb_str(&key), c->lang, t, claimed);   // or, when it failed:
 *     report_cache_drop(sb_str(&key), claimed);
 */
#ifndef KEHU_REPORT_CACHE_H
#define KEHU_REPORT_CACHE_H

#include "../meta/query.h"
#include "report_table.h"

#define REPORT_CACHE_SECONDS 60
/* How long a request waits for another's computation of the same key:
 * beyond the slowest report measured (the ageing over 100k orders took
 * 3 s on a busy machine), short of a client's patience. */
#define REPORT_CACHE_WAIT_MS 15000

/* The key of report `tag` run as q over the NULL-terminated `reads`
 * entity names; -1 when one cannot be followed (then do not cache). */
int report_cache_key(entity_ctx *c, const char *tag, const char *const *reads, const query *q, strbuf *key);
/* 1 and t's rows and total filled (t initialised with its columns) when
 * the key is cached and fresh, with t->json, its rows as
 * report_table_json writes them (serving 10k rows is mostly formatting
 * them), and t->source RT_KEPT, or RT_SHARED when this call waited for
 * another request's computation. 0 otherwise: the caller computes, and
 * *claimed says whether others now wait for it, so it must end with
 * report_cache_put or report_cache_drop. */
int report_cache_get(const char *key, report_table *t, int *claimed);
/* Keeps t and its JSON in `lang` (the key's language), and wakes those
 * waiting for the key when the caller claimed it. */
void report_cache_put(const char *key, const char *lang, const report_table *t, int claimed);
/* The claimed computation failed: the waiters are woken, and one of them
 * claims the key in turn. Nothing when !claimed. */
void report_cache_drop(const char *key, int claimed);
/* The wait's bound in ms (tests shorten it); returns the previous one. */
int report_cache_set_wait(int ms);

#endif
