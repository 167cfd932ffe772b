/* tmpdb — a migrated database in a fresh temporary folder for the store's
 * unit tests, and its removal (the file, its WAL and shared memory, the
 * folder); or a PostgreSQL one, migrated. Header-only, like tap.h. */
#ifndef PLEDGED_TMPDB_H
#define PLEDGED_TMPDB_H

#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct tmpdb {
    char dir[64];
    char path[128];
};

/* Creates and migrates t->path; returns an open connection, or NULL with
 * err. */
static inline struct db *tmpdb_create(struct tmpdb *t, const char *name, char *err,
                                      size_t errlen)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/pledged-%s-XXXXXX", name);
    if (!mkdtemp(t->dir)) {
        snprintf(err, errlen, "mkdtemp failed");
        return NULL;
    }
    snprintf(t->path, sizeof t->path, "%s/test.db", t->dir);
    struct db *db = store_open(t->path, err, errlen);
    int from = 0, applied = 0;
    if (db && !store_migrate(db, &from, &applied, err, errlen)) {
        store_close(db);
        db = NULL;
    }
    return db;
}

/* An open connection to the (empty) PostgreSQL database `conninfo` names,
 * migrated; NULL with err. The store's tests run on it when given one
 * (tests/integration/test_postgresql.py starts the server). */
static inline struct db *pgdb_open(const char *conninfo, char *err, size_t errlen)
{
    struct db *db = store_open(conninfo, err, errlen);
    int from = 0, applied = 0;
    if (db && !store_migrate(db, &from, &applied, err, errlen)) {
        store_close(db);
        db = NULL;
    }
    return db;
}

static inline void tmpdb_remove(const struct tmpdb *t)
{
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char file[160];
        snprintf(file, sizeof file, "%s%s", t->path, suffixes[i]);
        unlink(file);
    }
    rmdir(t->dir);
}

#endif
