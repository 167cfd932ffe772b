/* readers — the daemon's read connections: one per thread, opened the first
 * time the thread asks, each keeping its snapshot from one request to the
 * next while nothing has changed.
 *
 * Beginning and ending a read transaction in WAL mode takes a read lock
 * through a mutex that every connection of the process shares, and asks
 * the file's size: two lock round trips and a system call for every GET,
 * and the mutex is contended at once with eight threads. So a reader's
 * read transaction stays open after the request that began it, and the
 * next request on that thread reads the same snapshot when no commit, by
 * this process or any other, came since it began.
 *
 * How a commit is seen without a lock: every commit rewrites the WAL
 * index's header in the `-shm` file that all connections share (48 bytes
 * at its start, with iChange, a counter that every commit increments, and
 * mxFrame, the last frame; https://sqlite.org/walformat.html, 2.1). This
 * module reads that header through SQLite's own mapping of it (the VFS's
 * xShmMap; readers.c says why not a mapping of its own) and keeps a copy
 * of it with each snapshot, taken before the snapshot begins: when the header is still
 * the same, nothing was committed since, and the snapshot is current.
 * A commit that completed before a request began (so any write the daemon
 * answered, and any write a command finished) has changed it. Should the
 * header not be there as described (another VFS, a format that is not
 * version 3007000), every request begins its own read transaction, as
 * without this module.
 *
 * A thread with no more requests would keep its snapshot, and with it WAL
 * frames that checkpoints may not copy past and a WAL that cannot start
 * again from its beginning: a reaper thread ends each snapshot that no
 * request is using once it is stale or READER_REAP_MS old, and sleeps
 * while no snapshot is open.
 *
 * Leases: readers_get takes the thread's connection for the thread (a
 * mutex the reaper tries, never waits for) until readers_release. The HTTP
 * layer releases at the end of every request and the other users (event
 * streams, the rates refresh) after each use; a thread that holds its
 * lease does not look for a newer snapshot, so that one request reads one.
 * A thread that never released would keep reading one snapshot.
 *
 * Ownership: the connections are this module's, borrowed by their thread
 * until readers_stop, which must come after every thread that uses them
 * has stopped.
 */
#ifndef PLEDGED_READERS_H
#define PLEDGED_READERS_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#define READER_REAP_MS 100 /* the reaper's period while snapshots are open */

struct db;

/* Starts the reaper, and finds the WAL index of the database at `path`
 * through `keeper`, a connection to it the caller opened in WAL mode and
 * keeps open until after readers_stop (the index is SQLite's own mapping
 * of the shared memory, which lives as long as a connection does). The
 * read connections open later, per thread. */
bool readers_start(const char *path, sqlite3 *keeper, char *err, size_t errlen);
/* Stops the reaper and closes every connection. */
void readers_stop(void);

/* This thread's connection, leased, in a read transaction that sees every
 * commit completed before the call; NULL when it cannot be opened
 * (logged). Borrowed until readers_stop. */
struct db *readers_get(void);
/* Gives the thread's lease back (nothing when it holds none). The
 * snapshot stays open for the next request or the reaper, unless a commit
 * came since it began: then it is ended here. */
void readers_release(void);
/* Ends the thread's snapshot now and gives the lease back: before a wait
 * for something else, such as the writer (a snapshot held through a burst
 * of writes keeps the WAL from starting again at its beginning). */
void readers_end(void);

#endif
