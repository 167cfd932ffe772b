/* pg_idempotency — the first answers to POSTs with an Idempotency-Key, in
 * PostgreSQL (store.h's contract, as store/sqlite/idempotency.c keeps it).
 * (Two replicas given the same key at once must make one write: the
 * daemon's write transactions will take one lock first, a later step of
 * issue 15, so that the second finds the first's answer.) */
#include "pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The oldest created_at still kept. */
#define TEXT_OF(x) #x
#define HOURS_AGO(h) "now() - interval '" TEXT_OF(h) " hours'"
#define SINCE HOURS_AGO(STORE_IDEM_TTL_HOURS)

enum store_status pg_idem_find(struct db *db, const char *token, const char *key,
                               const char *path, struct store_idem *out)
{
    const char *const params[] = {key, path, token};
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT body_hash, status, location, response FROM"
                                    " idempotency_keys WHERE key = $1 AND path = $2 AND token = $3"
                                    " AND created_at >= " SINCE, 3, params, &st, NULL);
    if (r && PQntuples(r) == 1) {
        memset(out, 0, sizeof *out);
        snprintf(out->token, sizeof out->token, "%s", token);
        out->key = key;
        out->path = path;
        if (!pg_unhex(PQgetvalue(r, 0, 0), out->body_hash, sizeof out->body_hash))
            memset(out->body_hash, 0, sizeof out->body_hash);
        out->status = (unsigned)atoi(PQgetvalue(r, 0, 1));
        out->location = PQgetisnull(r, 0, 2) ? NULL : strdup(PQgetvalue(r, 0, 2));
        out->response_len = (size_t)PQgetlength(r, 0, 3);
        out->response = malloc(out->response_len + 1);
        if (out->response)
            memcpy(out->response, PQgetvalue(r, 0, 3), out->response_len + 1);
        if (!out->response || (!PQgetisnull(r, 0, 2) && !out->location)) {
            store_idem_free(out);
            st = STORE_ERROR;
        }
    } else if (r) {
        st = STORE_NOT_FOUND;
    }
    PQclear(r);
    return st;
}

enum store_status pg_idem_put(struct db *db, const struct store_idem *idem,
                              const char *created_at)
{
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "DELETE FROM idempotency_keys WHERE created_at < " SINCE, 0,
                         NULL, &st, NULL);
    PQclear(r);
    if (st != STORE_OK)
        return st;
    char hash[2 * STORE_IDEM_HASH + 3], status[12];
    pg_hex(idem->body_hash, sizeof idem->body_hash, hash);
    snprintf(status, sizeof status, "%u", idem->status);
    /* The response is text of a known length; a copy ends it for libpq. */
    char *response = strndup(idem->response ? idem->response : "", idem->response_len);
    if (!response)
        return STORE_ERROR;
    const char *const params[] = {idem->key, idem->path, hash, status, idem->location,
                                  response, created_at, idem->token};
    r = pg_run(pg_of(db), "INSERT INTO idempotency_keys (key, path, body_hash, status, location,"
                          " response, created_at, token) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                          " ON CONFLICT (token, key, path) DO UPDATE SET body_hash = $3,"
                          " status = $4, location = $5, response = $6, created_at = $7",
               8, params, &st, NULL);
    PQclear(r);
    free(response);
    return st;
}
