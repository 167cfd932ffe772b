/* cache — a per-thread cache of GET answers under /v1/, valid exactly as
 * long as the database is unchanged.
 *
 * The validity test is SQLite's PRAGMA data_version on the thread's read
 * connection: it changes whenever any other connection commits (this
 * daemon's writer, or another process such as `pledged import`), so a
 * cached answer is served only while the handler would produce the same
 * bytes again. Each thread has its own table (no locks); a table holds at
 * most CACHE_BYTES of bodies and is emptied when it would pass that, so
 * memory stays bounded. Only complete 200 answers are kept; If-None-Match
 * is applied after the look-up.
 */
#ifndef PLEDGED_CACHE_H
#define PLEDGED_CACHE_H

#include "store.h"
#include "request.h"

#include <stdbool.h>
#include <stdint.h>

#define CACHE_SLOTS 1024
#define CACHE_BYTES (8 << 20)      /* per thread */
#define CACHE_MAX_BODY (256 << 10) /* larger answers are not kept */

/* Fills rs with a copy of the answer cached under key at `version`; false
 * when there is none. */
bool cache_get(const char *key, int64_t version, struct response *rs);

/* Keeps a copy of a 200 answer under key at `version`. */
void cache_put(const char *key, int64_t version, const struct response *rs);

/* Frees every thread's cache; call after the HTTP threads have stopped. */
void cache_free_all(void);

#endif
