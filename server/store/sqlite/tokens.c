/* tokens — API tokens in SQLite (see store.h; engine.c calls these). The table (migration 0001)
 * keeps the token's name, its key_id, the SHA-256 of the whole token and
 * its scope; never the token itself. */
#include "store.h"

#include "db.h"
#include "engine.h"
#include "sq.h"

#include <stdio.h>
#include <string.h>

enum store_status sq_token_insert(struct db *db, const struct store_token *t, bool *name_taken)
{
    *name_taken = false;
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO tokens (name, key_id, hash, created_at, scope)"
                                      " VALUES (?, ?, ?, ?, ?)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->key_id, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, t->hash, sizeof t->hash, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, t->created_at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, t->read_only ? "read" : "write", -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        *name_taken = strstr(sqlite3_errmsg(db_handle(db)), "tokens.name") != NULL;
    db_done(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_status(rc);
}

static void token_at(sqlite3_stmt *st, struct store_token *t)
{
    memset(t, 0, sizeof *t);
    sq_copy_text(t->name, sizeof t->name, sqlite3_column_text(st, 0));
    sq_copy_text(t->key_id, sizeof t->key_id, sqlite3_column_text(st, 1));
    if (sqlite3_column_bytes(st, 2) == (int)sizeof t->hash)
        memcpy(t->hash, sqlite3_column_blob(st, 2), sizeof t->hash);
    const unsigned char *scope = sqlite3_column_text(st, 3);
    t->read_only = scope && strcmp((const char *)scope, "read") == 0;
    sq_copy_text(t->created_at, sizeof t->created_at, sqlite3_column_text(st, 4));
}

enum store_status sq_token_by_key_id(struct db *db, const char *key_id,
                                        struct store_token *out)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT name, key_id, hash, scope, created_at FROM tokens"
                                      " WHERE key_id = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, key_id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        token_at(st, out);
    db_done(st);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : sq_status(rc);
}

enum store_status sq_token_delete(struct db *db, const char *name)
{
    sqlite3_stmt *st = db_prepare(db, "DELETE FROM tokens WHERE name = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    db_done(st);
    if (rc != SQLITE_DONE)
        return sq_status(rc);
    return sqlite3_changes(db_handle(db)) ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status sq_token_each(struct db *db, store_token_fn *fn, void *ctx)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT name, key_id, hash, scope, created_at FROM tokens"
                                      " ORDER BY name");
    if (!st)
        return STORE_ERROR;
    int rc;
    struct store_token t;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        token_at(st, &t);
        if (!fn(ctx, &t)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    db_done(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_status(rc);
}
