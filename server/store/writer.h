/* writer — the daemon's writer thread with group commit (see writer.c).
 * Private to server/store/ and its engines: the rest of the daemon calls
 * store_write.
 */
#ifndef PLEDGED_STORE_WRITER_H
#define PLEDGED_STORE_WRITER_H

#include "store.h"

#include <stdbool.h>
#include <stddef.h>

/* Starts the thread that writes on db (borrowed until writer_stop). */
bool writer_start(struct db *db);
/* Finishes the jobs queued, then stops the thread. */
void writer_stop(void);

/* Queues body(db, ctx) and waits until the batch holding it has committed
 * (or failed); its status, as store_write says. STORE_ERROR when the writer
 * is not running. */
enum store_status writer_submit(store_tx_fn *body, void *ctx);

/* Queues body(db, ctx) without waiting: release(ctx) is called on the
 * writer's thread once the batch holding it is over, committed or not (a
 * write no one needs the answer of, such as keeping a search's totals).
 * False, with nothing queued or released, when the writer is not running
 * or memory is short. */
bool writer_post(store_tx_fn *body, void *ctx, void (*release)(void *ctx));

/* Calls the store_on_commit hook: after each batch, and when another
 * replica's commit is heard of (PostgreSQL's LISTEN). */
void store_commit_heard(void);

/* Jobs waiting for the writer now (for tests). */
size_t writer_queued(void);

#endif
