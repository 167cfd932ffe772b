/* writer — the daemon's one writer thread and its group commit (see
 * store_write in store.h).
 *
 * Every write of the daemon is a job: a body (store_tx_fn) and its
 * context, queued by the request's thread, which then waits. The writer
 * thread takes every job waiting, up to WRITER_BATCH_MAX, and runs them in
 * one transaction, each inside its own savepoint: a body that answers a
 * client's mistake (any status but STORE_OK) rolls back its savepoint only,
 * and the others go on. After COMMIT every job of the batch learns its
 * status, so no request is answered before the transaction holding its
 * write has committed; when COMMIT fails, every job that wrote anything
 * learns it failed, and nothing of the batch is kept.
 *
 * No batch waits for company: the writer takes what is queued when it is
 * free, so a lone write commits at once and writes that arrive while a
 * batch runs share the next one (SQLite's commit, WAL frames and locks,
 * PostgreSQL's round trips, write lock and WAL flush, paid once per batch
 * instead of once per request). Each engine gives the batch's three steps
 * (engine.h: begin, a job in its savepoint, commit); the queue is the same.
 *
 * Ownership: a job lives on the waiting thread's stack; the queue only
 * borrows it until `done` is set under the queue's mutex. A job of
 * writer_post has no waiter: it is malloc'd, and the writer releases its
 * context and frees it once its batch is over.
 */
#include "writer.h"

#include "engine.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#define WRITER_BATCH_MAX 64

struct job {
    store_tx_fn *body;
    void *ctx;
    enum store_status status;
    bool done;
    pthread_cond_t cv;     /* signalled when done: only its own waiter wakes */
    struct job *next;
    void (*release)(void *ctx); /* writer_post's: no one waits; the writer frees */
};

static struct {
    pthread_mutex_t mu;
    pthread_cond_t work;   /* the writer waits for jobs */
    struct job *head, *tail;
    size_t queued;
    bool running, stopping;
    pthread_t thread;
    struct db *db;         /* the pool's writer, used by this thread only */
    atomic_uint_fast64_t batches, writes;
} W = {.mu = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER};

static _Atomic(void (*)(void)) on_commit;

void store_on_commit(void (*fn)(void))
{
    atomic_store(&on_commit, fn);
}

void store_commit_heard(void)
{
    void (*hook)(void) = atomic_load(&on_commit);
    if (hook)
        hook();
}

static void run_batch(struct job *batch[], size_t n)
{
    struct db *db = W.db;
    store_take_busy(); /* a lock met by an earlier batch is not this one's */
    if (n == 1) { /* no savepoint needed: the transaction is the job's */
        batch[0]->status = store_write_on(db, batch[0]->body, batch[0]->ctx);
        return;
    }
    enum store_status st = store_batch_begin(db);
    for (size_t i = 0; i < n; i++)
        batch[i]->status = st == STORE_OK ? store_batch_job(db, batch[i]->body, batch[i]->ctx)
                                          : st;
    if (st != STORE_OK || (st = store_batch_commit(db)) == STORE_OK)
        return; /* the commit rolls back when it fails */
    for (size_t i = 0; i < n; i++)
        if (batch[i]->status == STORE_OK)
            batch[i]->status = st;
}

static void *writer_main(void *arg)
{
    (void)arg;
    struct job *batch[WRITER_BATCH_MAX];
    pthread_mutex_lock(&W.mu);
    for (;;) {
        while (!W.head && !W.stopping)
            pthread_cond_wait(&W.work, &W.mu);
        if (!W.head)
            break; /* stopping, and nothing left to write */
        size_t n = 0;
        while (W.head && n < WRITER_BATCH_MAX) {
            batch[n++] = W.head;
            W.head = W.head->next;
            W.queued--;
        }
        if (!W.head)
            W.tail = NULL;
        pthread_mutex_unlock(&W.mu);
        run_batch(batch, n);
        store_commit_heard();
        atomic_fetch_add(&W.batches, 1);
        atomic_fetch_add(&W.writes, n);
        for (size_t i = 0; i < n; i++)
            if (batch[i]->release) {
                batch[i]->release(batch[i]->ctx);
                free(batch[i]);
                batch[i] = NULL;
            }
        pthread_mutex_lock(&W.mu);
        for (size_t i = 0; i < n; i++) {
            if (!batch[i])
                continue;
            batch[i]->done = true;
            pthread_cond_signal(&batch[i]->cv);
        }
    }
    pthread_mutex_unlock(&W.mu);
    return NULL;
}

bool writer_start(struct db *db)
{
    W.db = db;
    W.stopping = false;
    W.running = pthread_create(&W.thread, NULL, writer_main, NULL) == 0;
    return W.running;
}

void writer_stop(void)
{
    if (!W.running)
        return;
    pthread_mutex_lock(&W.mu);
    W.stopping = true;
    pthread_cond_signal(&W.work);
    pthread_mutex_unlock(&W.mu);
    pthread_join(W.thread, NULL);
    W.running = false;
    W.db = NULL;
}

enum store_status store_write(store_tx_fn *body, void *ctx)
{
    /* No snapshot is held while waiting: through a burst of writes, every
     * waiting thread's would keep the WAL from starting again. */
    store_reader_end();
    return writer_submit(body, ctx);
}

/* Appends j to the queue; false when the writer is not running. Called
 * with the queue's mutex held. */
static bool enqueue(struct job *j)
{
    if (!W.running || W.stopping)
        return false;
    if (W.tail)
        W.tail->next = j;
    else
        W.head = j;
    W.tail = j;
    W.queued++;
    pthread_cond_signal(&W.work);
    return true;
}

bool writer_post(store_tx_fn *body, void *ctx, void (*release)(void *ctx))
{
    struct job *j = malloc(sizeof *j);
    if (!j)
        return false;
    *j = (struct job){.body = body, .ctx = ctx, .status = STORE_ERROR, .release = release};
    pthread_mutex_lock(&W.mu);
    bool queued = enqueue(j);
    pthread_mutex_unlock(&W.mu);
    if (!queued)
        free(j);
    return queued;
}

enum store_status writer_submit(store_tx_fn *body, void *ctx)
{
    struct job j = {body, ctx, STORE_ERROR, false, PTHREAD_COND_INITIALIZER, NULL, NULL};
    pthread_mutex_lock(&W.mu);
    if (!enqueue(&j)) {
        pthread_mutex_unlock(&W.mu);
        return STORE_ERROR;
    }
    while (!j.done)
        pthread_cond_wait(&j.cv, &W.mu);
    pthread_mutex_unlock(&W.mu);
    pthread_cond_destroy(&j.cv);
    return j.status;
}

size_t writer_queued(void)
{
    pthread_mutex_lock(&W.mu);
    size_t n = W.queued;
    pthread_mutex_unlock(&W.mu);
    return n;
}

void store_write_counts(unsigned long long *batches, unsigned long long *writes)
{
    *batches = atomic_load(&W.batches);
    *writes = atomic_load(&W.writes);
}
