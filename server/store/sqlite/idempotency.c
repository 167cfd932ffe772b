/* idempotency — the first answers to POSTs with an Idempotency-Key, in
 * SQLite (see store.h; table from migration 0005). */
#include "store.h"

#include "db.h"
#include "engine.h"
#include "sq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The oldest created_at still kept, as SQL: now less STORE_IDEM_TTL_HOURS. */
#define TEXT_OF(x) #x
#define HOURS_AGO(h) "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-" TEXT_OF(h) " hours')"
#define SINCE HOURS_AGO(STORE_IDEM_TTL_HOURS)

static char *dup_text(sqlite3_stmt *st, int col, size_t *len)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    if (!s)
        return NULL;
    size_t n = (size_t)sqlite3_column_bytes(st, col);
    char *copy = malloc(n + 1);
    if (copy) {
        memcpy(copy, s, n);
        copy[n] = '\0';
        if (len)
            *len = n;
    }
    return copy;
}

enum store_status sq_idem_find(struct db *db, const char *token, const char *key,
                                  const char *path, struct store_idem *out)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT body_hash, status, location, response FROM"
                                      " idempotency_keys WHERE key = ? AND path = ? AND token = ?"
                                      " AND created_at >= " SINCE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, token, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    enum store_status s = rc == SQLITE_DONE ? STORE_NOT_FOUND : sq_status(rc);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        snprintf(out->token, sizeof out->token, "%s", token);
        out->key = key;
        out->path = path;
        if (sqlite3_column_bytes(st, 0) == (int)sizeof out->body_hash)
            memcpy(out->body_hash, sqlite3_column_blob(st, 0), sizeof out->body_hash);
        out->status = (unsigned)sqlite3_column_int(st, 1);
        out->location = dup_text(st, 2, NULL);
        out->response = dup_text(st, 3, &out->response_len);
        s = out->response ? STORE_OK : STORE_ERROR;
        if (s != STORE_OK)
            store_idem_free(out);
    }
    db_done(st);
    return s;
}

enum store_status sq_idem_put(struct db *db, const struct store_idem *idem,
                                 const char *created_at)
{
    sqlite3_stmt *purge = db_prepare(db, "DELETE FROM idempotency_keys WHERE created_at < " SINCE);
    if (!purge)
        return STORE_ERROR;
    int rc = sqlite3_step(purge);
    db_done(purge);
    if (rc != SQLITE_DONE)
        return sq_status(rc);
    sqlite3_stmt *st = db_prepare(db, "INSERT OR REPLACE INTO idempotency_keys (key, path,"
                                      " body_hash, status, location, response, created_at, token)"
                                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, idem->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, idem->path, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, idem->body_hash, sizeof idem->body_hash, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, (int)idem->status);
    if (idem->location)
        sqlite3_bind_text(st, 5, idem->location, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, idem->response ? idem->response : "", (int)idem->response_len,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 7, created_at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, idem->token, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_status(rc);
}
