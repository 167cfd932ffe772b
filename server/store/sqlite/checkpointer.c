/* checkpointer — WAL checkpoints off the writer's thread (see
 * checkpointer.h). */
#include "checkpointer.h"

#include "log.h"

#include <pthread.h>
#include <stdio.h>

static struct {
    pthread_mutex_t mu;
    pthread_cond_t wake;  /* wanted or stop set */
    pthread_t thread;
    sqlite3 *h;           /* the checkpointer's own connection */
    bool running, wanted, stop;
} cp = {.mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

/* The writer's WAL hook: called after each COMMIT with the WAL's pages. */
static int on_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
    (void)arg, (void)name;
    if (pages >= CHECKPOINT_FORCE_PAGES) {
        /* The thread copies while the writer appends, so it may never find
         * the WAL fully copied, and the WAL starts again only then. Here no
         * frame is being added: what is left to copy is what came since the
         * thread's last run. */
        sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    } else if (pages >= CHECKPOINT_PAGES) {
        pthread_mutex_lock(&cp.mu);
        cp.wanted = true;
        pthread_cond_signal(&cp.wake);
        pthread_mutex_unlock(&cp.mu);
    }
    return SQLITE_OK;
}

static void *run(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&cp.mu);
    for (;;) {
        while (!cp.wanted && !cp.stop)
            pthread_cond_wait(&cp.wake, &cp.mu);
        if (cp.stop)
            break;
        cp.wanted = false;
        pthread_mutex_unlock(&cp.mu);
        int log = 0, copied = 0;
        int rc = sqlite3_wal_checkpoint_v2(cp.h, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
        if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) {
            char msg[256];
            snprintf(msg, sizeof msg, "WAL checkpoint failed: %s", sqlite3_errmsg(cp.h));
            log_error(NULL, msg);
        }
        pthread_mutex_lock(&cp.mu);
    }
    pthread_mutex_unlock(&cp.mu);
    return NULL;
}

bool checkpointer_start(const char *path, sqlite3 *writer, char *err, size_t errlen)
{
    if (sqlite3_open_v2(path, &cp.h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "cannot open database %s for checkpoints: %s", path,
                 cp.h ? sqlite3_errmsg(cp.h) : "out of memory");
        sqlite3_close(cp.h);
        cp.h = NULL;
        return false;
    }
    /* A connection opens the WAL when it first reads; until then a
     * checkpoint on it finds no WAL and does nothing. */
    if (sqlite3_exec(cp.h, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot read database %s for checkpoints: %s", path,
                 sqlite3_errmsg(cp.h));
        sqlite3_close(cp.h);
        cp.h = NULL;
        return false;
    }
    cp.stop = cp.wanted = false;
    if (pthread_create(&cp.thread, NULL, run, NULL) != 0) {
        snprintf(err, errlen, "cannot start the checkpoint thread");
        sqlite3_close(cp.h);
        cp.h = NULL;
        return false;
    }
    cp.running = true;
    sqlite3_wal_hook(writer, on_commit, NULL);
    return true;
}

void checkpointer_stop(sqlite3 *writer)
{
    if (!cp.running)
        return;
    sqlite3_wal_hook(writer, NULL, NULL);
    pthread_mutex_lock(&cp.mu);
    cp.stop = true;
    pthread_cond_signal(&cp.wake);
    pthread_mutex_unlock(&cp.mu);
    pthread_join(cp.thread, NULL);
    sqlite3_close(cp.h);
    cp.h = NULL;
    cp.running = false;
}
