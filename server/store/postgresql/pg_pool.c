/* pg_pool — the daemon's connections to PostgreSQL: one for the writer
 * thread (writer.c, shared with SQLite), one per request thread opened on
 * its first read (each replica's small pool: --threads connections and
 * two more), and a listener that hears every replica's commits.
 *
 * The listener LISTENs on PG_CHANNEL, which every write transaction
 * NOTIFYs; PostgreSQL delivers a notification only when its transaction
 * commits. Each one calls the store_on_commit hook, so the event streams
 * of this replica hear of a write made through another at once. The
 * answer cache does not depend on it: its key is read from the database
 * for each request (pg_data_version), since a notification may arrive a
 * moment after a client that wrote on replica A reads on replica B.
 *
 * Ownership: the pool owns every connection; a thread's reader is
 * borrowed by that thread until pg_pool_stop. */
#include "pg.h"

#include "log.h"
#include "writer.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
    char *conninfo;
    struct db *writer;
    pthread_mutex_t mu;           /* guards readers */
    struct pg_db *readers;
    pthread_t listener;
    bool listening;
    atomic_bool stopping;
} pool = {.mu = PTHREAD_MUTEX_INITIALIZER};

static _Thread_local struct db *t_reader;

/* Opens the listener's connection and LISTENs; NULL when the server is
 * away (the listener tries again). */
static struct db *listen_open(void)
{
    char err[512];
    struct db *db = pg_store_open(pool.conninfo, err, sizeof err);
    if (db && !pg_exec(pg_of(db), "LISTEN " PG_CHANNEL, err, sizeof err)) {
        pg_store_close(db);
        db = NULL;
    }
    return db;
}

static void *listener_main(void *arg)
{
    (void)arg;
    struct db *db = NULL;
    while (!atomic_load(&pool.stopping)) {
        if (!db) {
            if (!(db = listen_open())) {
                usleep(500000);
                continue;
            }
            store_commit_heard(); /* what was missed while away */
        }
        PGconn *conn = pg_of(db)->conn;
        struct pollfd pfd = {.fd = PQsocket(conn), .events = POLLIN};
        if (poll(&pfd, 1, 250) < 0 || (pfd.revents && !PQconsumeInput(conn)) ||
            PQstatus(conn) != CONNECTION_OK) {
            log_error(NULL, "PostgreSQL: the listener's connection was lost; opening it again");
            pg_store_close(db);
            db = NULL;
            continue;
        }
        bool heard = false;
        PGnotify *n;
        while ((n = PQnotifies(conn))) {
            heard = true;
            PQfreemem(n);
        }
        if (heard)
            store_commit_heard();
    }
    pg_store_close(db);
    return NULL;
}

struct db *pg_pool_start(const char *conninfo, char *err, size_t errlen)
{
    if (!(pool.conninfo = strdup(conninfo))) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (!(pool.writer = pg_store_open(conninfo, err, errlen)))
        return NULL;
    pg_actor_set(pool.writer, NULL, NULL); /* each write says whose it is */
    atomic_store(&pool.stopping, false);
    pool.listening = pthread_create(&pool.listener, NULL, listener_main, NULL) == 0;
    if (!pool.listening) {
        snprintf(err, errlen, "cannot start the PostgreSQL listener thread");
        return NULL;
    }
    return pool.writer;
}

void pg_pool_stop(void)
{
    atomic_store(&pool.stopping, true);
    if (pool.listening)
        pthread_join(pool.listener, NULL);
    pool.listening = false;
    pthread_mutex_lock(&pool.mu);
    while (pool.readers) {
        struct pg_db *next = pool.readers->next_open;
        pg_store_close((struct db *)(void *)pool.readers);
        pool.readers = next;
    }
    pthread_mutex_unlock(&pool.mu);
    pg_store_close(pool.writer);
    pool.writer = NULL;
    free(pool.conninfo);
    pool.conninfo = NULL;
}

struct db *pg_reader(void)
{
    if (t_reader)
        return t_reader;
    char err[512];
    struct db *db = pool.conninfo ? pg_store_open(pool.conninfo, err, sizeof err) : NULL;
    if (!db) {
        /* Connecting fails while the server is away: this request answers
         * 503 (store_take_busy) and the next one tries again. */
        if (pool.conninfo)
            log_error(NULL, err);
        pg_note_busy();
        return NULL;
    }
    pg_actor_set(db, NULL, NULL);
    pthread_mutex_lock(&pool.mu);
    pg_of(db)->next_open = pool.readers;
    pool.readers = pg_of(db);
    pthread_mutex_unlock(&pool.mu);
    t_reader = db;
    return db;
}

int64_t pg_data_version(struct db *db)
{
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT version FROM data_version", 0, NULL, &st, NULL);
    int64_t v = r && PQntuples(r) == 1 ? pg_int(r, 0, 0) : -1;
    PQclear(r);
    return v;
}
