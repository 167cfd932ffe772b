/* tx — the store's connections and its write transactions (see store.h):
 * with db.c and writer.c, the only place that begins, commits or rolls
 * back. The daemon's writes go to the writer thread (writer.c, group
 * commit); the command line's run on its own connection. */
#include "store.h"

#include "db.h"
#include "migrate.h"
#include "writer.h"

#include <stdio.h>

void store_global_init(void)
{
    db_global_init();
}

struct db *store_open(const char *path, char *err, size_t errlen)
{
    return db_open(path, false, err, errlen);
}

void store_close(struct db *db)
{
    db_close(db);
}

bool store_migrate(struct db *db, int *from, int *applied, char *err, size_t errlen)
{
    int before = migrate_current(db);
    *from = before < 0 ? 0 : before;
    return migrate_apply(db, applied, err, errlen);
}

bool store_pool_start(const char *path, char *err, size_t errlen)
{
    if (!db_pool_start(path, err, errlen))
        return false;
    struct db *writer = db_writer_lock();
    db_writer_unlock(); /* the writer thread is the connection's only user from now */
    if (!writer_start(writer)) {
        snprintf(err, errlen, "cannot start the writer thread");
        return false;
    }
    return true;
}

void store_pool_stop(void)
{
    writer_stop();
    db_pool_stop();
}

enum store_status store_read_on(struct db *db, store_tx_fn *body, void *ctx)
{
    if (db_exec(db, "BEGIN") != SQLITE_OK)
        return db_busy_seen() ? STORE_BUSY : STORE_ERROR;
    enum store_status st = body(db, ctx);
    db_rollback(db);
    return st;
}

struct db *store_reader(void)
{
    return db_reader();
}

bool store_take_busy(void)
{
    return db_take_busy();
}

void store_now(char out[21])
{
    db_now(out);
}

enum store_status store_write_on(struct db *db, store_tx_fn *body, void *ctx)
{
    if (!db || !db_begin(db))
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

enum store_status store_write(store_tx_fn *body, void *ctx)
{
    return writer_submit(body, ctx);
}

enum store_status store_nested(struct db *db, store_tx_fn *body, void *ctx)
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
