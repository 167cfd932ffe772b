/* checkpointer — the daemon's WAL checkpoints, on a thread of their own.
 *
 * SQLite checkpoints inside the COMMIT that takes the WAL past 1,000 pages:
 * the writer copies those pages into the database file and syncs it, and
 * every request of that batch waits meanwhile. With checkpointer_start the
 * writer only notes the WAL's size after each COMMIT (a WAL hook, which
 * replaces SQLite's own automatic checkpoint); past CHECKPOINT_PAGES it
 * wakes this thread, which runs a PASSIVE checkpoint on a connection of its
 * own. A passive checkpoint copies what no reader still needs and never
 * takes the write lock, so writes go on. SQLite starts the WAL again from
 * its beginning only at the first write after a checkpoint that copied all
 * of it, which a thread racing a busy writer may never manage: past
 * CHECKPOINT_FORCE_PAGES the writer checkpoints after its COMMIT as SQLite
 * would, copying only what came since the thread's last run. Committed
 * frames are in the WAL either way: a crash loses nothing more.
 *
 * Ownership: the thread and its connection are this module's; `writer` is
 * borrowed (its hook is set here) and must outlive checkpointer_stop.
 */
#ifndef PLEDGED_CHECKPOINTER_H
#define PLEDGED_CHECKPOINTER_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#define CHECKPOINT_PAGES 1000 /* SQLite's own threshold: the thread copies */
#define CHECKPOINT_FORCE_PAGES 4000 /* the writer finishes the copy itself */

bool checkpointer_start(const char *path, sqlite3 *writer, char *err, size_t errlen);

/* Stops the thread (after a checkpoint it is running) and closes its
 * connection; the writer's hook is removed. Safe when never started. */
void checkpointer_stop(sqlite3 *writer);

#endif
