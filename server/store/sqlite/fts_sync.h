/* fts_sync — the full-text rows of a write transaction, rewritten once just
 * before it commits instead of at each write.
 *
 * Why: FTS5 writes its pending terms to disk at every savepoint of a
 * transaction that has touched it, and the daemon's group commit and
 * `pledged import` run each request (each line) in a savepoint. Touching
 * FTS5 at each write made one small index segment per request, and
 * merging them cost more than the writes themselves. Writers mark which
 * rows changed; db_commit (db.c) calls sq_fts_flush, which rewrites each
 * marked row's full-text entry from the row as it stands, after the last
 * savepoint. A row whose savepoint was rolled back is rewritten from what
 * is there (nothing, or its old text), so marks never need undoing.
 *
 * Ownership: the marks live in the connection (struct db) and are
 * cleared by sq_fts_flush and sq_fts_forget (db_rollback). */
#ifndef PLEDGED_STORE_FTS_SYNC_H
#define PLEDGED_STORE_FTS_SYNC_H

#include "store.h"

#include <stdbool.h>
#include <stdint.h>

struct db;

enum fts_table { FTS_PLEDGES, FTS_ANNOUNCEMENTS };

/* The marks of one connection (embedded in struct db). */
struct fts_marks {
    struct fts_mark *v;
    size_t n, cap;
};

/* Marks a row whose text may have changed. `fresh`: the row was inserted
 * by this transaction, so it has no full-text entry yet (a later mark of
 * the same row that is not fresh wins). Outside a transaction the entry
 * is written at once. STORE_ERROR when out of memory. */
enum store_status sq_fts_mark(struct db *db, enum fts_table table, int64_t id, bool fresh);
/* Rewrites the entries of every marked row and clears the marks. */
enum store_status sq_fts_flush(struct db *db);
/* After a bulk load: rewrites the marked rows' entries (sq_fts_flush),
 * then merges each full-text index into one segment. A bulk load leaves a
 * few large segments on FTS5's lowest levels, and the small segment each
 * later commit adds would have them merged again and again (migration
 * 0016). */
enum store_status sq_fts_compact(struct db *db);
/* Calls fn(ctx, table, id) for each mark so far (a row may come more than
 * once); STORE_ERROR when fn returns false. */
enum store_status sq_fts_each_mark(struct db *db,
                                   bool (*fn)(void *ctx, enum fts_table table, int64_t id),
                                   void *ctx);
/* Clears the marks (the transaction rolled back). */
void sq_fts_forget(struct db *db);
/* Frees the marks' memory (db_close). */
void sq_fts_marks_free(struct fts_marks *m);

#endif
