/* pg_tokens — API tokens in PostgreSQL (store.h's contract, as
 * store/sqlite/tokens.c keeps it): the name, the key_id, the SHA-256 of the
 * whole token and its scope; never the token itself. */
#include "pg.h"

#include <stdio.h>
#include <string.h>

#define TOKEN_COLS "name, key_id, hash, scope, rfc3339(created_at)"

enum store_status pg_token_insert(struct db *db, const struct store_token *t, bool *name_taken)
{
    char hash[2 * STORE_TOKEN_HASH + 3], constraint[64] = "";
    pg_hex(t->hash, sizeof t->hash, hash);
    const char *const params[] = {t->name, t->key_id, hash, t->created_at,
                                  t->read_only ? "read" : "write"};
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "INSERT INTO tokens (name, key_id, hash, created_at, scope)"
                                    " VALUES ($1, $2, $3, $4, $5)", 5, params, &st, constraint);
    PQclear(r);
    *name_taken = st == STORE_CONFLICT && strcmp(constraint, "tokens_name_key") == 0;
    return st;
}

static void token_at(const PGresult *r, int row, struct store_token *t)
{
    memset(t, 0, sizeof *t);
    pg_copy(t->name, sizeof t->name, r, row, 0);
    pg_copy(t->key_id, sizeof t->key_id, r, row, 1);
    if (!pg_unhex(PQgetvalue(r, row, 2), t->hash, sizeof t->hash))
        memset(t->hash, 0, sizeof t->hash); /* matches no token's hash */
    t->read_only = strcmp(PQgetvalue(r, row, 3), "read") == 0;
    pg_copy(t->created_at, sizeof t->created_at, r, row, 4);
}

enum store_status pg_token_by_key_id(struct db *db, const char *key_id, struct store_token *out)
{
    const char *const params[] = {key_id};
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT " TOKEN_COLS " FROM tokens WHERE key_id = $1", 1,
                         params, &st, NULL);
    if (r && PQntuples(r) == 1)
        token_at(r, 0, out);
    else if (r)
        st = STORE_NOT_FOUND;
    PQclear(r);
    return st;
}

enum store_status pg_token_delete(struct db *db, const char *name)
{
    const char *const params[] = {name};
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "DELETE FROM tokens WHERE name = $1", 1, params, &st, NULL);
    if (r && strcmp(PQcmdTuples(r), "0") == 0)
        st = STORE_NOT_FOUND;
    PQclear(r);
    return st;
}

enum store_status pg_token_each(struct db *db, store_token_fn *fn, void *ctx)
{
    enum store_status st;
    /* COLLATE "C": by name byte for byte, as SQLite's BINARY orders them */
    PGresult *r = pg_run(pg_of(db), "SELECT " TOKEN_COLS " FROM tokens ORDER BY name COLLATE \"C\"",
                         0, NULL, &st, NULL);
    for (int i = 0; r && i < PQntuples(r); i++) {
        struct store_token t;
        token_at(r, i, &t);
        if (!fn(ctx, &t))
            break;
    }
    PQclear(r);
    return st;
}
