/* offload — a pool of threads for the requests that may wait: every write
 * (POST, PUT, PATCH, DELETE) runs here while its connection is suspended,
 * instead of on the libmicrohttpd worker thread that read it.
 *
 * Why: a write waits for the writer's group commit (writer.c), and a
 * worker thread serves many connections. A worker that waited for the
 * writer held every other connection it serves waiting too: with 32
 * connections on 8 workers, 5 of them sat idle while 3 waited, each batch
 * held about one write, and POSTs and their p99 were set by that queue,
 * not by the database. Off the workers, every write in flight reaches the
 * writer together and commits in one batch, and the workers only ever
 * wait for the CPU, so the pool of workers can be one a CPU.
 *
 * The pool knows nothing of HTTP: a job is a function and the struct it
 * is embedded in. Jobs run in the order queued. What runs here should
 * read only inside its write transaction (http.c makes a write's checks,
 * the token's read among them, on the worker first): a pool thread that
 * asked store_reader() would open a read connection of its own, on
 * PostgreSQL one more server connection a thread.
 *
 * Ownership: a job is the caller's and must stay valid until its function
 * has returned; the pool only links it into its queue.
 */
#ifndef PLEDGED_HTTP_OFFLOAD_H
#define PLEDGED_HTTP_OFFLOAD_H

#include <stdbool.h>

/* Threads in the pool: as many writes as this can wait for the writer at
 * once, and so share one of its batches (at most WRITER_BATCH_MAX, 64). */
#define OFFLOAD_THREADS 32

struct offload_job {
    void (*run)(struct offload_job *job);
    struct offload_job *next; /* the pool's */
};

/* Starts the threads; false (none left running) when one cannot start. */
bool offload_start(void);
/* Runs every job queued, then stops the threads; jobs submitted after
 * this has begun run on the submitting thread. */
void offload_stop(void);
/* Queues job; when the pool is not running, runs it on this thread. */
void offload_submit(struct offload_job *job);

#endif
