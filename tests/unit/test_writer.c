/* Group commit (server/store/sqlite/writer.c), made deterministic: the
 * first write holds the writer until every other write has queued behind
 * it, so the others share one batch whatever the scheduler does. In that
 * batch valid writes, writes that abort, a slug taken by the batch itself
 * and one taken before it each get their own status; what aborted leaves
 * nothing behind, what succeeded is there, and the writer counts exactly
 * two transactions. */
#include "store.h"
#include "tap.h"
#include "tmpdb.h"
#include "writer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define QUEUED 12

static enum store_status insert(struct db *db, const char *name)
{
    char body[128];
    snprintf(body, sizeof body, "{\"name\": \"%s\"}", name);
    json_t *doc = json_loads(body, 0, NULL), *errors = json_array();
    struct company_input in;
    company_input_parse(doc, INPUT_CREATE, &in, errors);
    enum store_status st = json_array_size(errors) ? STORE_ERROR
                                                   : store_company_insert(db, &in,
                                                                          "2026-01-01T00:00:00Z");
    company_input_free(&in);
    json_decref(errors);
    json_decref(doc);
    return st;
}

/* The first write: holds the writer until QUEUED writes wait behind it. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started_cv = PTHREAD_COND_INITIALIZER;
static bool started;

static enum store_status hold(struct db *db, void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&mu);
    started = true;
    pthread_cond_broadcast(&started_cv);
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < 100000 && writer_queued() < QUEUED; i++)
        usleep(100); /* bounded: 10 s at most */
    return insert(db, "First");
}

struct job {
    const char *name;
    bool abort_after;          /* write, then give up: rolled back alone */
    enum store_status status;
};

static enum store_status job_body(struct db *db, void *ctx)
{
    struct job *j = ctx;
    enum store_status st = insert(db, j->name);
    return st == STORE_OK && j->abort_after ? STORE_ABORTED : st;
}

static void *run_hold(void *arg)
{
    *(enum store_status *)arg = store_write(hold, NULL);
    return NULL;
}

static void *run_job(void *arg)
{
    struct job *j = arg;
    j->status = store_write(job_body, j);
    return NULL;
}

static bool exists(const char *slug)
{
    struct store_company c;
    enum store_status st = store_company_get(store_reader(), slug, &c);
    if (st == STORE_OK)
        store_company_free(&c);
    return st == STORE_OK;
}

int main(void)
{
    store_global_init();
    struct tmpdb t;
    char err[256] = "";
    struct db *db = tmpdb_create(&t, "writer", err, sizeof err);
    if (!CHECK(db && insert(db, "Taken Before") == STORE_OK,
               "a migrated database with one company (%s)", err))
        return tap_done();
    store_close(db);
    if (!CHECK(store_pool_start(t.path, err, sizeof err), "the pool and its writer start (%s)",
               err))
        return tap_done();

    struct job jobs[QUEUED];
    static char names[QUEUED][32];
    for (int i = 0; i < QUEUED; i++) {
        snprintf(names[i], sizeof names[i], "Company %d", i);
        jobs[i] = (struct job){names[i], i % 3 == 1, STORE_ERROR};
    }
    jobs[QUEUED - 2].name = "Company 0";    /* taken by a write of the same batch */
    jobs[QUEUED - 2].abort_after = false;
    jobs[QUEUED - 1].name = "Taken Before"; /* taken before the batch */

    pthread_t first, others[QUEUED];
    enum store_status first_status = STORE_ERROR;
    pthread_create(&first, NULL, run_hold, &first_status);
    pthread_mutex_lock(&mu);
    while (!started)
        pthread_cond_wait(&started_cv, &mu);
    pthread_mutex_unlock(&mu);
    /* One at a time, so the queue's order (and so the batch's) is known. */
    for (int i = 0; i < QUEUED; i++) {
        pthread_create(&others[i], NULL, run_job, &jobs[i]);
        for (int k = 0; k < 100000 && writer_queued() < (size_t)i + 1; k++)
            usleep(100);
    }
    pthread_join(first, NULL);
    for (int i = 0; i < QUEUED; i++)
        pthread_join(others[i], NULL);

    unsigned long long batches = 0, writes = 0;
    store_write_counts(&batches, &writes);
    CHECK(first_status == STORE_OK && exists("first"), "the first write commits alone");
    CHECK(batches == 2 && writes == QUEUED + 1,
          "the %d writes queued behind it share one transaction (%llu batches, %llu writes)",
          QUEUED, batches, writes);
    bool own = true;
    for (int i = 0; i < QUEUED - 2; i++) {
        char slug[40];
        snprintf(slug, sizeof slug, "company-%d", i);
        bool aborted = jobs[i].abort_after;
        own = own && jobs[i].status == (aborted ? STORE_ABORTED : STORE_OK) &&
              exists(slug) == !aborted;
    }
    CHECK(own, "each write of the batch gets its own status: kept when it succeeded, "
               "rolled back alone when it aborted");
    CHECK(jobs[QUEUED - 2].status == STORE_CONFLICT,
          "a slug another write of the same batch took is a conflict");
    CHECK(jobs[QUEUED - 1].status == STORE_CONFLICT && exists("taken-before"),
          "a slug taken before the batch is a conflict, and the first one stays");

    struct job late = {"Late", false, STORE_ERROR};
    run_job(&late);
    CHECK(late.status == STORE_OK && exists("late"), "a lone write afterwards commits at once");
    store_pool_stop();
    CHECK(store_write(job_body, &late) == STORE_ERROR, "after the stop, writes are refused");

    tmpdb_remove(&t);
    return tap_done();
}
