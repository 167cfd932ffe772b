/* sq — what the SQLite store files share: SQLite result codes as store
 * statuses and copying a column's text into a fixed buffer. Private to
 * server/store/sqlite/. */
#ifndef PLEDGED_STORE_SQ_H
#define PLEDGED_STORE_SQ_H

#include "store.h"

#include <sqlite3.h>
#include <stddef.h>

/* A result code (primary or extended) as a store status: busy/locked →
 * STORE_BUSY, constraint → STORE_CONFLICT, anything else → STORE_ERROR.
 * Never STORE_OK: callers test for SQLITE_DONE/SQLITE_ROW first. */
enum store_status sq_status(int rc);

/* Steps a statement that returns no row (INSERT, UPDATE, DELETE) and hands
 * it back (db_done): STORE_OK when it ran to the end, else its status. */
enum store_status sq_run(sqlite3_stmt *st);

/* Steps a bound statement that returns one integer (a count, a max) and
 * hands it back: STORE_OK with *out, else its status. */
enum store_status sq_one_int(sqlite3_stmt *st, int64_t *out);

/* Steps a statement whose rows start with an id, calling fn with each, and
 * hands it back: STORE_ERROR when fn returns false, else the step's status. */
enum store_status sq_each_id(sqlite3_stmt *st, bool (*fn)(void *ctx, int64_t id), void *ctx);

/* Copies s (NULL → "") into out[len], truncating; out is always terminated. */
void sq_copy_text(char *out, size_t len, const unsigned char *s);

/* A column's text as a new malloc'd string (NULL for SQL NULL). False when
 * out of memory. */
bool sq_dup_text(sqlite3_stmt *st, int col, char **out);

/* A record's version, created_by and updated_by from columns col.. col+2. */
void sq_read_stamp(sqlite3_stmt *st, int col, struct store_stamp *out);

/* Binds s, or NULL when s is NULL or "". */
void sq_bind_text_or_null(sqlite3_stmt *st, int idx, const char *s);
/* The same by parameter name. */
void sq_bind_named(sqlite3_stmt *st, const char *name, const char *s);

/* The statements behind rates_in_force (rates.c; for the query-plan test). */
extern const char RATES_IN_FORCE_SQL[];
extern const char RATES_LATEST_SQL[];

/* Widens the memo of rates looked up (rates.c) for a bulk load, or (false)
 * frees it: the next transaction starts a small one. */
void sq_rates_memo_wide(struct db *db, bool wide);

#endif
