/* grams.h - the words of Kehu's quick search. Chinese has no spaces, and a
 * trigram index cannot answer the most common two-character queries (奥派,
 * 华为, 南京), so Chinese text is indexed as overlapping character pairs:
 * 南京奥派 -> 南京 京奥 奥派; a query becomes the phrase of its pairs, which
 * matches exactly where the query is a substring. Latin letters and digits
 * are indexed as lower-case words and matched by prefix. */
#ifndef KEHU_GRAMS_H
#define KEHU_GRAMS_H

#include "strbuf.h"

/* Appends the space-separated search words of text to out. */
void grams_of_text(const char *text, strbuf *out);

/* Builds the full-text query for q: SQLite FTS5 syntax in fts5 and a
 * PostgreSQL tsquery in tsquery (either may be NULL). Returns 0 when q cannot
 * be answered by the index (a lone Chinese character, punctuation only, or
 * characters the index does not keep): the caller then scans with LIKE. */
int grams_query(const char *q, strbuf *fts5, strbuf *tsquery);

/* For q of Han words only (two or more characters each): one LIKE pattern
 * per word, each ended by '\n', that holds for " " || search words || " "
 * exactly where grams_query's phrase of the word matches ("% 华兴 兴机 %").
 * Returns how many, 0 for any other q. A row tested without the index. */
int grams_han_patterns(const char *q, strbuf *out);

#endif
