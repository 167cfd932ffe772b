/* db — connections, statement cache and pool (see db.h).
 *
 * The statement cache is an open-addressing hash table keyed by the SQL
 * text, so handlers can build SQL at run time (sort orders, filters) and
 * still compile each distinct statement only once per connection. */
#include "db.h"
#include "checkpointer.h"
#include "readers.h"

#include "engine.h"
#include "fts_sync.h"
#include "searches.h"
#include "groups.h"
#include "log.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct stmt_slot {
    char *sql;          /* owned key; NULL for an empty slot */
    uint64_t hash;
    sqlite3_stmt *st;
};

struct db {
    enum store_engine engine; /* ENGINE_SQLITE; first, as engine.h says */
    sqlite3 *h;
    struct stmt_slot *slots;  /* power-of-two sized */
    size_t n_slots, n_used;
    struct fts_marks fts;     /* rows whose full-text entries COMMIT rewrites */
    const char *by, *request_id; /* who the running body writes for (borrowed) */
    void *rate_memo;          /* rates.c's, owned; see db_rate_epoch */
    uint64_t rate_epoch;      /* 0 outside a write transaction */
    uint64_t epochs;          /* epochs handed out so far */
};

/* The statement cache's hash of an SQL text: its length and at most its
 * first and last 48 bytes. Hashing every byte one at a time cost more than
 * the rest of a look-up (SQL texts run to several hundred bytes, and a bulk
 * load looks up ten million); texts that share both ends and a length
 * only share a probe sequence, as strcmp tells them apart. */
static uint64_t sql_hash(const char *s)
{
    size_t len = strlen(s);
    uint64_t h = (1469598103934665603ULL ^ len) * 1099511628211ULL;
    size_t head = len < 96 ? len : 48;
    for (size_t i = 0; i < head; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    for (size_t i = len < 96 ? len : len - 48; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

void db_global_init(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
}

/* Set when this thread's last failed statement met another process's
 * lock past the busy timeout; read (and cleared) by db_take_busy. */
static _Thread_local bool t_busy;

static void note_busy(int rc)
{
    int primary = rc & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        t_busy = true;
}

bool db_busy_seen(void)
{
    return t_busy;
}

bool db_take_busy(void)
{
    bool busy = t_busy;
    t_busy = false;
    return busy;
}

struct db *db_open(const char *path, bool readonly, char *err, size_t errlen)
{
    struct db *db = calloc(1, sizeof *db);
    if (!db) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    /* SQLite's own message for a missing folder is "unable to open database
     * file"; say which folder is missing instead. */
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", path);
    char *slash = strrchr(folder, '/');
    struct stat st_dir;
    if (slash && slash != folder) {
        *slash = '\0';
        if (stat(folder, &st_dir) != 0 || !S_ISDIR(st_dir.st_mode)) {
            snprintf(err, errlen, "cannot open database %s: the folder %s does not exist", path,
                     folder);
            goto fail;
        }
    }
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    flags |= SQLITE_OPEN_NOMUTEX; /* each connection is used by one thread at a time */
    if (sqlite3_open_v2(path, &db->h, flags, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open database %s: %s", path,
                 db->h ? sqlite3_errmsg(db->h) : "out of memory");
        goto fail;
    }
    sqlite3_extended_result_codes(db->h, 1);
    sqlite3_busy_timeout(db->h, 5000);
    /* Temporary tables and indexes (FTS5 builds some) stay in memory, so a
     * read-only root filesystem needs nothing but the database's folder
     * (a bulk load sorts through files only where it may: db_sort_threads).
     * No mmap_size: each reader would map the whole file again, and every
     * mapping's pages count in the process's resident memory. A writable
     * connection (the daemon has one) keeps up to 16 MiB of pages instead
     * of SQLite's 2 MiB: the upper levels of the pledges' fifteen indexes
     * stay in memory, and a batch of writes rewrites each page once. */
    const char *setup = readonly ? "PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"
                                   " PRAGMA temp_store=MEMORY;"
                                 : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                   " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; " DB_WRITER_CACHE;
    char *msg = NULL;
    if (sqlite3_exec(db->h, setup, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "cannot set up database %s: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        goto fail;
    }
    db->n_slots = 64;
    db->slots = calloc(db->n_slots, sizeof *db->slots);
    if (!db->slots) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    return db;
fail:
    sqlite3_close(db->h);
    free(db);
    return NULL;
}

void db_close(struct db *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->n_slots; i++) {
        if (db->slots[i].sql) {
            sqlite3_finalize(db->slots[i].st);
            free(db->slots[i].sql);
        }
    }
    free(db->slots);
    free(db->rate_memo);
    sq_fts_marks_free(&db->fts);
    if (sqlite3_close(db->h) != SQLITE_OK)
        log_error(NULL, "database closed with statements still open");
    free(db);
}

void db_set_actor(struct db *db, const char *by, const char *request_id)
{
    db->by = by;
    db->request_id = request_id;
}

const char *db_actor_by(struct db *db)
{
    return db->by;
}

const char *db_actor_request(struct db *db)
{
    return db->request_id;
}

sqlite3 *db_handle(struct db *db)
{
    return db->h;
}

struct fts_marks *db_fts_marks(struct db *db)
{
    return &db->fts;
}

static bool grow(struct db *db)
{
    size_t n = db->n_slots * 2;
    struct stmt_slot *slots = calloc(n, sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < db->n_slots; i++) {
        if (!db->slots[i].sql)
            continue;
        size_t j = db->slots[i].hash & (n - 1);
        while (slots[j].sql)
            j = (j + 1) & (n - 1);
        slots[j] = db->slots[i];
    }
    free(db->slots);
    db->slots = slots;
    db->n_slots = n;
    return true;
}

sqlite3_stmt *db_prepare(struct db *db, const char *sql)
{
    uint64_t hash = sql_hash(sql);
    size_t i = hash & (db->n_slots - 1);
    while (db->slots[i].sql) {
        if (db->slots[i].hash == hash && strcmp(db->slots[i].sql, sql) == 0)
            return db->slots[i].st;
        i = (i + 1) & (db->n_slots - 1);
    }
    sqlite3_stmt *st = NULL;
    int prc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (prc != SQLITE_OK) {
        note_busy(prc);
        char msg[1024];
        snprintf(msg, sizeof msg, "cannot prepare SQL: %s: %.600s", sqlite3_errmsg(db->h), sql);
        log_error(NULL, msg);
        return NULL;
    }
    char *key = strdup(sql);
    if (!key) {
        sqlite3_finalize(st);
        return NULL;
    }
    db->slots[i] = (struct stmt_slot){key, hash, st};
    db->n_used++;
    if (db->n_used * 10 > db->n_slots * 7 && !grow(db)) {
        /* Still usable, just fuller than we like; the next insert retries. */
    }
    return st;
}

void db_done(sqlite3_stmt *st)
{
    if (!st)
        return;
    note_busy(sqlite3_reset(st)); /* reset returns the step's error, if any */
    sqlite3_clear_bindings(st);
}

int db_exec(struct db *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
    note_busy(rc);
    if (rc != SQLITE_OK) {
        char line[1024];
        snprintf(line, sizeof line, "SQL failed: %s", msg ? msg : sqlite3_errstr(rc));
        log_error(NULL, line);
    }
    sqlite3_free(msg);
    return rc;
}

bool db_begin(struct db *db)
{
    bool ok = db_exec(db, "BEGIN IMMEDIATE") == SQLITE_OK;
    db->rate_epoch = ok ? ++db->epochs : 0;
    return ok;
}

bool db_commit(struct db *db)
{
    db->rate_epoch = 0;
    if (sq_groups_fold(db) == STORE_OK && sq_fts_flush(db) == STORE_OK &&
        sq_searches_fold(db) == STORE_OK && db_exec(db, "COMMIT") == SQLITE_OK)
        return true;
    db_rollback(db);
    return false;
}

uint64_t db_rate_epoch(struct db *db, void ***memo)
{
    *memo = &db->rate_memo;
    return db->rate_epoch;
}

void db_rates_changed(struct db *db)
{
    if (db->rate_epoch)
        db->rate_epoch = ++db->epochs;
}

void db_rollback(struct db *db)
{
    db->rate_epoch = 0;
    sq_fts_forget(db);
    if (!sqlite3_get_autocommit(db->h))
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

/* In WAL mode a transaction's pages are written to the WAL, and again into
 * the database at the checkpoint after COMMIT; a load of a million pledges
 * writes 1.8 GB twice (10 of its 80 s). Through a rollback journal the new
 * pages go into the file once, and the journal keeps only the old pages a
 * load changes (few, in a load into an emptier database). Readers would
 * wait for the COMMIT, so it is done only when no other connection has the
 * file open: changing the mode needs the file to itself, and is tried
 * without waiting. A crash meanwhile leaves a hot journal, which the next
 * open rolls back, as WAL would have dropped the uncommitted frames; FULL
 * is the setting at which a rollback journal survives a power loss. */
bool db_journal_direct(struct db *db)
{
    sqlite3_busy_timeout(db->h, 0);
    sqlite3_stmt *st = NULL;
    bool direct = sqlite3_prepare_v2(db->h, "PRAGMA journal_mode=DELETE", -1, &st, NULL) ==
                      SQLITE_OK &&
                  sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
                  strcmp((const char *)sqlite3_column_text(st, 0), "delete") == 0;
    sqlite3_finalize(st);
    sqlite3_busy_timeout(db->h, 5000);
    return direct && sqlite3_exec(db->h, "PRAGMA synchronous=FULL", NULL, NULL, NULL) == SQLITE_OK;
}

void db_journal_wal(struct db *db)
{
    /* When this fails (a connection opened meanwhile), the next daemon or
     * command to open the file sets WAL again, as db_open always does. */
    sqlite3_exec(db->h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
}

/* SQLite's choice of folder for temporary files (os_unix.c,
 * unixTempFileDir): the first of these that is a folder it may write to,
 * else the current folder, which may not be writable either. */
static bool temp_folder_writable(void)
{
    const char *dirs[] = {getenv("SQLITE_TMPDIR"), getenv("TMPDIR"), "/var/tmp", "/usr/tmp",
                          "/tmp", "."};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        struct stat st;
        if (dirs[i] && stat(dirs[i], &st) == 0 && S_ISDIR(st.st_mode) &&
            access(dirs[i], W_OK | X_OK) == 0)
            return true;
    }
    return false;
}

/* SQLite sorts with helper threads only when temporary storage is files
 * (vdbesort.c: none when sqlite3TempInMemory); the sorter then sorts one
 * run on a helper while the statement reads the next. Temporary storage
 * can change only outside a transaction, hence before a bulk load's. */
bool db_sort_threads(struct db *db)
{
    if (!temp_folder_writable())
        return false; /* a read-only root: sort in memory, as always */
    return sqlite3_exec(db->h, "PRAGMA temp_store=FILE", NULL, NULL, NULL) == SQLITE_OK;
}

void db_sort_in_memory(struct db *db)
{
    sqlite3_exec(db->h, "PRAGMA temp_store=MEMORY", NULL, NULL, NULL);
}

void db_now(char out[21])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- the pool ---- */

static struct {
    struct db *writer;
    pthread_mutex_t writer_mu;
} pool = {.writer_mu = PTHREAD_MUTEX_INITIALIZER};

bool db_pool_start(const char *path, char *err, size_t errlen)
{
    pool.writer = db_open(path, false, err, errlen);
    if (pool.writer && !checkpointer_start(path, pool.writer->h, err, errlen)) {
        db_close(pool.writer);
        pool.writer = NULL;
    }
    /* after the writer: the WAL's shared memory exists from then on */
    if (pool.writer &&
        !readers_start(path, pool.writer->h, err, errlen)) {
        checkpointer_stop(pool.writer->h);
        db_close(pool.writer);
        pool.writer = NULL;
    }
    return pool.writer != NULL;
}

void db_pool_stop(void)
{
    readers_stop();
    if (pool.writer) {
        checkpointer_stop(pool.writer->h);
        /* Fold the WAL back into the database file so a clean stop leaves
         * one self-contained file behind. */
        sqlite3_wal_checkpoint_v2(pool.writer->h, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
        db_close(pool.writer);
        pool.writer = NULL;
    }
}

struct db *db_writer_lock(void)
{
    pthread_mutex_lock(&pool.writer_mu);
    return pool.writer;
}

void db_writer_unlock(void)
{
    pthread_mutex_unlock(&pool.writer_mu);
}
