/* tx — the store's connections and its write transactions (see store.h):
 * with db.c and writer.c, the only place that begins, commits or rolls
 * back. The daemon's writes go to the writer thread (writer.c, group
 * commit); the command line's run on its own connection. */
#include "store.h"

#include "db.h"
#include "engine.h"
#include "fts_sync.h"
#include "groups.h"
#include "migrate.h"
#include "readers.h"
#include "searches.h"
#include "sq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void store_global_init(void)
{
    db_global_init();
}

struct db *sq_store_open(const char *path, char *err, size_t errlen)
{
    struct db *db = db_open(path, false, err, errlen);
    if (db)
        db_set_actor(db, "cli", NULL); /* the command line's writes */
    return db;
}

void sq_store_close(struct db *db)
{
    db_close(db);
}

bool sq_store_migrate(struct db *db, int *from, int *applied, char *err, size_t errlen)
{
    int before = migrate_current(db);
    *from = before < 0 ? 0 : before;
    return migrate_apply(db, applied, err, errlen);
}

struct db *sq_pool_start(const char *path, char *err, size_t errlen)
{
    if (!db_pool_start(path, err, errlen))
        return NULL;
    struct db *writer = db_writer_lock();
    db_writer_unlock(); /* the writer thread is the connection's only user from now */
    return writer;
}

void sq_pool_stop(void)
{
    db_pool_stop();
}

enum store_status sq_store_read_on(struct db *db, store_tx_fn *body, void *ctx)
{
    if (!sqlite3_get_autocommit(db_handle(db)))
        return body(db, ctx); /* a daemon's reader, in its snapshot (readers.h) */
    if (db_exec(db, "BEGIN") != SQLITE_OK)
        return db_busy_seen() ? STORE_BUSY : STORE_ERROR;
    enum store_status st = body(db, ctx);
    db_rollback(db);
    return st;
}

struct db *sq_reader(void)
{
    return readers_get();
}

void sq_reader_release(void)
{
    readers_release();
}

void sq_reader_end(void)
{
    readers_end();
}

bool sq_take_busy(void)
{
    return db_take_busy();
}

void store_now(char out[21])
{
    db_now(out);
}

enum store_status sq_store_write_on(struct db *db, store_tx_fn *body, void *ctx)
{
    if (!db_begin(db))
        return db_busy_seen() ? STORE_BUSY : STORE_ERROR;
    enum store_status st = body(db, ctx);
    if (st != STORE_OK) {
        db_rollback(db);
        return st;
    }
    if (!db_commit(db)) /* db_commit rolls back */
        return db_busy_seen() ? STORE_BUSY : STORE_ERROR;
    return STORE_OK;
}

/* What a bulk load sets aside: the pledges' indexes that no constraint
 * needs and their triggers, as (type, name, CREATE text) triples read from
 * the schema, so that later migrations' are included. Not
 * pledges_by_announcement: the load reads each announcement's pledges back
 * to record their revisions, and new announcements' ids only grow, so that
 * index is appended to, cheaply, anyway. The others are made again
 * in the order they were made first: with no statistics, SQLite breaks a
 * tie between two indexes by that order, and the filtered lists' plans
 * must not change with how the data came in. */
struct aside {
    char **v; /* 3 strings an entry, malloc'd */
    size_t n; /* strings */
};

static void aside_free(struct aside *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
}

static enum store_status read_aside(struct db *db, struct aside *a)
{
    *a = (struct aside){0};
    sqlite3_stmt *st = db_prepare(db, "SELECT type, name, sql FROM sqlite_schema WHERE"
                                      " type IN ('index', 'trigger') AND tbl_name = 'pledges'"
                                      " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
                                      " AND name != 'pledges_by_announcement' ORDER BY rowid");
    if (!st)
        return STORE_ERROR;
    enum store_status status = STORE_OK;
    size_t cap = 0;
    int rc;
    while (status == STORE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (a->n + 3 > cap) {
            cap = cap ? cap * 2 : 48;
            char **grown = realloc(a->v, cap * sizeof *grown);
            if (!grown) {
                status = STORE_ERROR;
                break;
            }
            a->v = grown;
        }
        for (int c = 0; c < 3; c++) {
            a->v[a->n] = NULL;
            if (!sq_dup_text(st, c, &a->v[a->n++]))
                status = STORE_ERROR;
        }
    }
    if (status == STORE_OK && rc != SQLITE_DONE)
        status = sq_status(rc);
    db_done(st);
    return status;
}

/* DROP INDEX / DROP TRIGGER (drop), or each one's own CREATE text. */
static enum store_status each_aside(struct db *db, const struct aside *a, bool drop)
{
    for (size_t i = 0; i < a->n; i += 3) {
        char sql[256];
        if (drop)
            snprintf(sql, sizeof sql, "DROP %s \"%s\"", strcmp(a->v[i], "index") == 0
                     ? "INDEX" : "TRIGGER", a->v[i + 1]);
        if (db_exec(db, drop ? sql : a->v[i + 2]) != SQLITE_OK)
            return db_busy_seen() ? STORE_BUSY : STORE_ERROR;
    }
    return STORE_OK;
}

/* Makes the set-aside indexes and triggers again. Each CREATE INDEX sorts
 * the whole table. With one helper thread (when sort_threads: db.h) and
 * SQLite's default 2 MiB cache, which keeps each sorted run small, an index
 * of a million pledges takes about 1.0 s instead of 1.6 s on 2 cores.
 * Neither setting changes what is built. */
static enum store_status rebuild_aside(struct db *db, const struct aside *a, bool sort_threads)
{
    if (sort_threads)
        db_exec(db, "PRAGMA threads=1; PRAGMA cache_size=-2000");
    enum store_status st = each_aside(db, a, false);
    if (sort_threads)
        db_exec(db, "PRAGMA threads=0; " DB_WRITER_CACHE);
    return st;
}

static enum store_status bulk_write(struct db *db, store_tx_fn *body, void *ctx,
                                    bool sort_threads)
{
    if (!db_begin(db))
        return db_busy_seen() ? STORE_BUSY : STORE_ERROR;
    struct aside aside;
    enum store_status st = read_aside(db, &aside);
    if (st == STORE_OK)
        st = each_aside(db, &aside, true);
    if (st == STORE_OK)
        st = body(db, ctx);
    if (st == STORE_OK)
        st = rebuild_aside(db, &aside, sort_threads);
    if (st == STORE_OK) /* what the triggers would have kept */
        st = sq_groups_refill(db);
    if (st == STORE_OK) /* not kept while the triggers were aside */
        st = sq_searches_forget(db);
    if (st == STORE_OK) /* the loaded entries as one segment each (fts_sync.h) */
        st = sq_fts_compact(db);
    aside_free(&aside);
    if (st != STORE_OK) {
        db_rollback(db);
        return st;
    }
    if (!db_commit(db))
        return db_busy_seen() ? STORE_BUSY : STORE_ERROR;
    return STORE_OK;
}

enum store_status sq_store_bulk_write_on(struct db *db, store_tx_fn *body, void *ctx)
{
    bool direct = db_journal_direct(db); /* db.h: only when no one else has the file */
    bool sort_threads = db_sort_threads(db);
    sq_rates_memo_wide(db, true);
    enum store_status st = bulk_write(db, body, ctx, sort_threads);
    sq_rates_memo_wide(db, false);
    if (sort_threads)
        db_sort_in_memory(db);
    if (direct)
        db_journal_wal(db);
    return st;
}

/* ---- the writer's batches (writer.c) ---- */

/* Runs a prepared one-word statement ("SAVEPOINT job", ...). */
static bool exec_cached(struct db *db, const char *sql)
{
    sqlite3_stmt *st = db_prepare(db, sql);
    if (!st)
        return false;
    int rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_DONE;
}

static enum store_status failure(void)
{
    return db_busy_seen() ? STORE_BUSY : STORE_ERROR;
}

enum store_status sq_batch_begin(struct db *db)
{
    return db_begin(db) ? STORE_OK : failure();
}

enum store_status sq_batch_job(struct db *db, store_tx_fn *body, void *ctx)
{
    if (!exec_cached(db, "SAVEPOINT job"))
        return failure();
    enum store_status st = body(db, ctx);
    if (st != STORE_OK && !exec_cached(db, "ROLLBACK TO job"))
        st = STORE_ERROR;
    if (!exec_cached(db, "RELEASE job"))
        st = STORE_ERROR;
    return st;
}

enum store_status sq_batch_commit(struct db *db)
{
    return db_commit(db) ? STORE_OK : failure(); /* db_commit rolls back when it fails */
}

enum store_status sq_store_nested(struct db *db, store_tx_fn *body, void *ctx)
{
    if (db_exec(db, "SAVEPOINT nested") != SQLITE_OK)
        return db_busy_seen() ? STORE_BUSY : STORE_ERROR;
    enum store_status st = body(db, ctx);
    if (st != STORE_OK && db_exec(db, "ROLLBACK TO nested") != SQLITE_OK)
        st = STORE_ERROR;
    if (db_exec(db, "RELEASE nested") != SQLITE_OK)
        st = STORE_ERROR;
    return st;
}
