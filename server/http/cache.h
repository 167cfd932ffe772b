/* cache — a per-thread cache of GET answers under /v1/, valid exactly as
 * long as the database is unchanged.
 *
 * The validity test is SQLite's PRAGMA data_version on the thread's read
 * connection: it changes whenever any other connection commits (this
 * daemon's writer, or another process such as `pledged import`), so a
 * cached answer is served only while the handler would produce the same
 * bytes again. Each thread has its own table (no locks); the tables share
 * CACHE_TOTAL_BYTES of bodies (at most CACHE_THREAD_MAX each), and a table
 * is emptied when it would pass its share, so memory stays bounded however
 * many threads serve. Only complete 200 answers are kept; If-None-Match
 * is applied after the look-up.
 */
#ifndef PLEDGED_CACHE_H
#define PLEDGED_CACHE_H

#include "request.h"

#include <stdbool.h>
#include <stdint.h>

#define CACHE_SLOTS 1024
#define CACHE_TOTAL_BYTES (32 << 20) /* shared by the threads */
#define CACHE_THREAD_MAX (8 << 20)   /* one thread's share at most */
#define CACHE_MAX_BODY (256 << 10) /* larger answers are not kept */

/* Sets each thread's share of CACHE_TOTAL_BYTES; call before serving. */
void cache_configure(unsigned threads);

/* Fills rs with a copy of the answer cached under key at `version`; false
 * when there is none. */
bool cache_get(const char *key, int64_t version, struct response *rs);

/* Keeps a copy of a 200 answer under key at `version`. */
void cache_put(const char *key, int64_t version, const struct response *rs);

/* Frees every thread's cache; call after the HTTP threads have stopped. */
void cache_free_all(void);

#endif
