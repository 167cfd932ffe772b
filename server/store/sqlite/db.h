/* db — SQLite connections with a cache of prepared statements, and the
 * connection pool the daemon uses.
 *
 * Model: one writer connection for the whole process, guarded by a mutex,
 * plus one read-only connection per HTTP worker thread (readers.h). In WAL
 * mode readers never block the writer or each other, so reads scale with
 * threads and writes are serialised in one place (SQLite allows one writer
 * at a time anyway).
 *
 * Statements: db_prepare returns a statement from the connection's cache,
 * compiled once per distinct SQL text. The caller must hand it back with
 * db_done (reset + clear bindings) before the next db_prepare of the same
 * text and before releasing the connection; a statement left un-reset would
 * keep a read transaction open and stall WAL checkpoints.
 */
#ifndef PLEDGED_DB_H
#define PLEDGED_DB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

/* Process-wide SQLite settings; call once before any other db function.
 * Memory statistics are turned off: they take a global mutex on every
 * allocation, which every worker thread would contend for. */
void db_global_init(void);

/* Opens (creating when allowed) a database file with WAL, foreign keys and
 * a busy timeout. NULL on failure with a message in err. */
struct db *db_open(const char *path, bool readonly, char *err, size_t errlen);
void db_close(struct db *db);
sqlite3 *db_handle(struct db *db);
/* The connection's pending full-text marks (fts_sync.h). Borrowed. */
struct fts_marks *db_fts_marks(struct db *db);

/* Who the running write body is by and the request it answers (borrowed
 * from the caller until the next set; NULL for none). */
void db_set_actor(struct db *db, const char *by, const char *request_id);
const char *db_actor_by(struct db *db);
const char *db_actor_request(struct db *db);

/* A cached prepared statement for `sql`, or NULL (logged) when it does not
 * compile. Borrowed: valid until db_close. */
sqlite3_stmt *db_prepare(struct db *db, const char *sql);
/* Resets the statement and clears its bindings. Accepts NULL. */
void db_done(sqlite3_stmt *st);

/* Runs SQL without results (several statements allowed). SQLITE_OK or the
 * error code, with sqlite's message logged. */
int db_exec(struct db *db, const char *sql);

/* Transactions on the writer: BEGIN IMMEDIATE takes the write lock at once
 * so a transaction never fails half-way on a lock upgrade. db_commit first
 * folds the logged changes into the kept totals (groups.h) and writes the
 * full-text entries the transaction marked (fts_sync.h); when any of it
 * fails it rolls back. db_rollback drops the marks. */
bool db_begin(struct db *db);
bool db_commit(struct db *db);
void db_rollback(struct db *db);

/* The rates a write transaction has looked up are remembered (rates.c owns
 * the memo's layout; *memo is the connection's pointer to it, allocated by
 * rates.c, freed by db_close). An entry is good while the epoch it was
 * made in is the current one: db_begin starts one, db_rates_changed (every
 * write to the rates table) starts another, and outside a write
 * transaction the epoch is 0, which memoises nothing: another connection
 * may change a rate between two transactions, never during one. */
uint64_t db_rate_epoch(struct db *db, void ***memo);
void db_rates_changed(struct db *db);

/* For a bulk load: db_journal_direct switches the connection from WAL to a
 * rollback journal (synchronous=FULL) when no other connection has the
 * file open, without waiting, and says whether it did; db_journal_wal
 * switches back. Outside a transaction only. */
bool db_journal_direct(struct db *db);
void db_journal_wal(struct db *db);

/* For a bulk load's index rebuild: db_sort_threads, outside a transaction,
 * moves the connection's temporary storage to files (only when SQLite has
 * a writable folder for them) so that `PRAGMA threads` can take effect, and
 * says whether it did; db_sort_in_memory puts memory back. (The rebuild
 * itself sets `PRAGMA threads` and resets it: tx.c.) */
bool db_sort_threads(struct db *db);
void db_sort_in_memory(struct db *db);

/* The writable connection's page cache (16 MiB), as a PRAGMA. */
#define DB_WRITER_CACHE "PRAGMA cache_size=-16384;"

/* The pool. db_pool_start opens the writer and starts the readers
 * (readers.h; it applies nothing: migrations are the caller's business).
 * db_pool_stop closes the readers first: every thread that reads must
 * have stopped. */
bool db_pool_start(const char *path, char *err, size_t errlen);
void db_pool_stop(void);
struct db *db_writer_lock(void);   /* blocks until the writer is ours */
void db_writer_unlock(void);

/* Whether a statement of this thread failed because another process held
 * the database's lock past the busy timeout (5 s) since the last call;
 * clears the flag. Such a failure is the server's momentary state, not the
 * client's mistake: it answers 503 with Retry-After (respond_internal). */
bool db_take_busy(void);
/* The same flag, left set (for the store's statuses). */
bool db_busy_seen(void);

/* The current UTC time as RFC 3339 with seconds, "2024-04-09T10:15:00Z". */
void db_now(char out[21]);

#endif
