/* readers — per-thread read connections whose snapshots outlive a request
 * (see readers.h). */
#include "readers.h"

#include "db.h"
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The WAL index header (walformat.html 2.1): 48 bytes, as 12 native words;
 * iVersion first, iChange the third. SQLite writes a second copy after it
 * and then this one, so this one changes last. */
#define WAL_HEADER_WORDS 12
#define WAL_INDEX_VERSION 3007000u

struct header {
    uint32_t w[WAL_HEADER_WORDS];
};

struct reader {
    struct db *db;
    pthread_mutex_t lease;  /* held by the thread using db, or by the reaper */
    struct header seen;     /* the WAL index header before the snapshot began */
    int64_t began_ns;       /* CLOCK_MONOTONIC when it began */
    struct reader *next;    /* every reader; only ever pushed at the head */
};

static struct {
    char *path;
    const uint32_t *wal_index; /* SQLite's mapping, read only; NULL: no snapshots kept */
    pthread_mutex_t mu;       /* guards list's head and the reaper's sleep */
    pthread_cond_t wake;      /* on CLOCK_MONOTONIC */
    struct reader *list;
    atomic_bool opened;       /* a snapshot began since the reaper last looked */
    bool stop, running;
    pthread_t reaper;
} R = {.mu = PTHREAD_MUTEX_INITIALIZER};

static _Thread_local struct reader *t_reader;
static _Thread_local bool t_leased;

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* The header as it is now. Read word by word while a writer may be
 * rewriting it: a torn copy differs from every whole one but the one it
 * is torn from, and then the commit that was tearing it had not finished
 * (no one was told of it yet). */
static void header_now(struct header *h)
{
    if (!R.wal_index) {
        memset(h, 0, sizeof *h);
        return;
    }
    for (int i = 0; i < WAL_HEADER_WORDS; i++)
        h->w[i] = __atomic_load_n(&R.wal_index[i], __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_ACQUIRE); /* before the snapshot's own reads */
}

/* Bytes in a region of the WAL index: SQLite maps it 32 KiB at a time
 * and every call must ask for the same size (walformat.html 2). */
#define WAL_INDEX_REGION 32768

/* Finds the first region of the WAL index, as SQLite itself maps it, by
 * asking the VFS of `keeper`'s file (xShmMap, not extending it), and
 * checks it is what readers.h expects.
 *
 * Not a mapping of our own: opening the -shm file and closing that
 * descriptor would drop every POSIX lock this process holds on it (a
 * close releases the process's locks on the file, whatever descriptor
 * took them), SQLite's "in use" lock among them. Another process opening
 * the database then takes the shared memory for abandoned and truncates
 * it, and this process's mappings of it fault: the daemon died of SIGBUS
 * in sqlite3WalFindFrame when `pledged backup` opened the file. */
static void map_wal_index(sqlite3 *keeper)
{
    sqlite3_file *f = NULL;
    volatile void *p = NULL;
    if (!keeper || sqlite3_file_control(keeper, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK ||
        !f || !f->pMethods || f->pMethods->iVersion < 2 || !f->pMethods->xShmMap ||
        f->pMethods->xShmMap(f, 0, WAL_INDEX_REGION, 0, &p) != SQLITE_OK || !p)
        return;
    R.wal_index = (const uint32_t *)(uintptr_t)p;
    struct header h;
    header_now(&h);
    if (h.w[0] != WAL_INDEX_VERSION)
        R.wal_index = NULL;
}

/* BEGIN or COMMIT, compiled once per connection. */
static bool run(struct db *db, const char *sql)
{
    sqlite3_stmt *st = db_prepare(db, sql);
    bool ok = st && sqlite3_step(st) == SQLITE_DONE;
    db_done(st);
    return ok;
}

/* Ends the connection's read transaction, if it has one. */
static void snapshot_end(struct reader *r)
{
    sqlite3 *h = db_handle(r->db);
    if (sqlite3_get_autocommit(h) || run(r->db, "COMMIT"))
        return;
    sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
    if (!sqlite3_get_autocommit(h))
        log_error(NULL, "a reader's snapshot cannot be ended");
}

static bool snapshot_open(const struct reader *r)
{
    return !sqlite3_get_autocommit(db_handle(r->db));
}

/* Keeps the snapshot when the WAL index header is what it was before the
 * snapshot began; else begins another (the header first: a commit in
 * between makes the next request look again, never the reverse). */
static void snapshot_fresh(struct reader *r)
{
    if (!R.wal_index) {
        snapshot_end(r); /* statements read on their own, as without snapshots */
        return;
    }
    struct header now;
    header_now(&now);
    if (snapshot_open(r)) {
        if (memcmp(&now, &r->seen, sizeof now) == 0)
            return;
        snapshot_end(r);
    }
    if (snapshot_open(r) || !run(r->db, "BEGIN"))
        return;
    r->seen = now;
    r->began_ns = now_ns();
    if (!atomic_load_explicit(&R.opened, memory_order_relaxed)) {
        pthread_mutex_lock(&R.mu);
        atomic_store(&R.opened, true);
        pthread_cond_signal(&R.wake);
        pthread_mutex_unlock(&R.mu);
    }
}

/* Ends the snapshots no request is using that are stale or READER_REAP_MS
 * old; whether any snapshot is still open afterwards. The list is walked
 * from a head read under the mutex: readers are only pushed at the head,
 * and freed by readers_stop after this thread has stopped. */
static bool sweep(void)
{
    pthread_mutex_lock(&R.mu);
    struct reader *r = R.list;
    pthread_mutex_unlock(&R.mu);
    struct header now;
    header_now(&now);
    bool open = false;
    for (; r; r = r->next) {
        if (pthread_mutex_trylock(&r->lease) != 0) {
            open = true; /* in use */
            continue;
        }
        if (snapshot_open(r)) {
            if (memcmp(&now, &r->seen, sizeof now) != 0 ||
                now_ns() - r->began_ns >= READER_REAP_MS * 1000000LL)
                snapshot_end(r);
            else
                open = true;
        }
        pthread_mutex_unlock(&r->lease);
    }
    return open;
}

/* The reaper: asleep while no snapshot is open; otherwise a sweep every
 * READER_REAP_MS. */
static void *reap(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&R.mu);
    while (!R.stop) {
        if (!atomic_exchange(&R.opened, false)) {
            pthread_cond_wait(&R.wake, &R.mu);
            continue;
        }
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += READER_REAP_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        while (!R.stop && pthread_cond_timedwait(&R.wake, &R.mu, &until) != ETIMEDOUT)
            ; /* a snapshot begun meanwhile waits for this sweep */
        if (R.stop)
            break;
        pthread_mutex_unlock(&R.mu);
        bool open = sweep();
        pthread_mutex_lock(&R.mu);
        if (open)
            atomic_store(&R.opened, true);
    }
    pthread_mutex_unlock(&R.mu);
    return NULL;
}

/* The reaper's condition variable, timed on CLOCK_MONOTONIC. */
static bool wake_init(void)
{
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0)
        return false;
    bool ok = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
              pthread_cond_init(&R.wake, &attr) == 0;
    pthread_condattr_destroy(&attr);
    return ok;
}

bool readers_start(const char *path, sqlite3 *keeper, char *err, size_t errlen)
{
    R.path = strdup(path);
    if (!R.path || !wake_init()) {
        snprintf(err, errlen, "cannot set up the readers");
        free(R.path);
        R.path = NULL;
        return false;
    }
    map_wal_index(keeper); /* before the reaper, which reads it */
    if (!R.wal_index)
        log_info("readers: no WAL index to watch; each request reads its own snapshot");
    R.stop = false;
    atomic_store(&R.opened, false);
    R.running = pthread_create(&R.reaper, NULL, reap, NULL) == 0;
    if (!R.running) {
        snprintf(err, errlen, "cannot start the readers' reaper thread");
        pthread_cond_destroy(&R.wake);
        R.wal_index = NULL; /* SQLite's: it unmaps it with its last connection */
        free(R.path);
        R.path = NULL;
    }
    return R.running;
}

void readers_stop(void)
{
    if (!R.running)
        return;
    pthread_mutex_lock(&R.mu);
    R.stop = true;
    pthread_cond_signal(&R.wake);
    pthread_mutex_unlock(&R.mu);
    pthread_join(R.reaper, NULL);
    pthread_cond_destroy(&R.wake);
    R.running = false;
    while (R.list) {
        struct reader *r = R.list;
        R.list = r->next;
        snapshot_end(r);
        db_close(r->db);
        pthread_mutex_destroy(&r->lease);
        free(r);
    }
    R.wal_index = NULL; /* SQLite's: it unmaps it with its last connection */
    free(R.path);
    R.path = NULL;
    t_reader = NULL;
    t_leased = false;
}

static struct reader *reader_open(void)
{
    char err[512];
    struct reader *r = calloc(1, sizeof *r);
    if (!r || !R.path || !(r->db = db_open(R.path, true, err, sizeof err))) {
        log_error(NULL, r && R.path ? err : "cannot open a reader");
        free(r);
        return NULL;
    }
    pthread_mutex_init(&r->lease, NULL);
    pthread_mutex_lock(&R.mu);
    r->next = R.list;
    R.list = r;
    pthread_mutex_unlock(&R.mu);
    t_reader = r;
    return r;
}

struct db *readers_get(void)
{
    struct reader *r = t_reader ? t_reader : reader_open();
    if (!r)
        return NULL;
    if (!t_leased) {
        pthread_mutex_lock(&r->lease);
        t_leased = true;
        snapshot_fresh(r);
    }
    return r->db;
}

void readers_release(void)
{
    if (!t_leased)
        return;
    /* A snapshot something committed after is of no use to the next
     * request, and while it stays open the checkpoints cannot copy past
     * it: under a stream of writes, end it now. */
    struct header now;
    header_now(&now);
    if (snapshot_open(t_reader) && memcmp(&now, &t_reader->seen, sizeof now) != 0)
        snapshot_end(t_reader);
    t_leased = false;
    pthread_mutex_unlock(&t_reader->lease);
}

void readers_end(void)
{
    if (t_leased)
        snapshot_end(t_reader);
    readers_release();
}
