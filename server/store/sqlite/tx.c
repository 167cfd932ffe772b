/* tx — the store's connections and its one write-transaction helper (see
 * store.h): the only place outside db.c that begins, commits or rolls back,
 * and the only place that takes and releases the writer's lock. */
#include "store.h"

#include "db.h"

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
    struct db *db = db_writer_lock();
    enum store_status st = store_write_on(db, body, ctx);
    db_writer_unlock();
    return st;
}
