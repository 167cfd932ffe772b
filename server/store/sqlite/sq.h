/* sq — what the SQLite store files share: SQLite result codes as store
 * statuses and copying a column's text into a fixed buffer. Private to
 * server/store/sqlite/. */
#ifndef PLEDGED_STORE_SQ_H
#define PLEDGED_STORE_SQ_H

#include "store.h"

#include <stddef.h>

/* A result code (primary or extended) as a store status: busy/locked →
 * STORE_BUSY, constraint → STORE_CONFLICT, anything else → STORE_ERROR.
 * Never STORE_OK: callers test for SQLITE_DONE/SQLITE_ROW first. */
enum store_status sq_status(int rc);

/* Copies s (NULL → "") into out[len], truncating; out is always terminated. */
void sq_copy_text(char *out, size_t len, const unsigned char *s);

#endif
