/* store — the engine-neutral storage interface the rest of the daemon
 * calls (issue 12: handlers never see SQL). It speaks in the resources' own
 * plain structs and one status enum; no SQLite type appears here, so a
 * second engine (PostgreSQL) can implement the same functions.
 *
 * Today it covers API tokens, idempotency keys and the service's gauges;
 * the resources move behind it next (records.c, h_companies.c, stats,
 * search).
 *
 * Conventions, for every function declared here:
 *  - `struct db` is the connection to use (opaque here); writes run inside
 *    the caller's transaction when there is one;
 *  - the result is a store_status; out-parameters are written only on
 *    STORE_OK;
 *  - strings in structs are copied into fixed buffers: nothing returned is
 *    borrowed from the engine.
 */
#ifndef PLEDGED_STORE_H
#define PLEDGED_STORE_H

#include <stdbool.h>
#include <stddef.h>

struct db;

enum store_status {
    STORE_OK,
    STORE_NOT_FOUND,
    STORE_CONFLICT,   /* a unique value is taken; see the function for which */
    STORE_BUSY,       /* another process holds the database past the busy timeout */
    STORE_ERROR,      /* anything else; logged by the engine */
};

/* ---- API tokens ---------------------------------------------------------- */

#define STORE_TOKEN_NAME_MAX 64
#define STORE_TOKEN_KEY_ID 8   /* characters of the token after "pld_" that find its row */
#define STORE_TOKEN_HASH 32    /* SHA-256 of the whole token */

struct store_token {
    char name[STORE_TOKEN_NAME_MAX + 1];
    char key_id[STORE_TOKEN_KEY_ID + 1];
    unsigned char hash[STORE_TOKEN_HASH];
    bool read_only;
    char created_at[21];       /* RFC 3339 UTC */
};

/* Stores t. STORE_CONFLICT with *name_taken set when the name exists,
 * cleared when the key_id does (the caller draws another token). */
enum store_status store_token_insert(struct db *db, const struct store_token *t, bool *name_taken);

/* The token whose key_id is `key_id`, or STORE_NOT_FOUND. */
enum store_status store_token_by_key_id(struct db *db, const char *key_id,
                                        struct store_token *out);

/* Removes the token called `name`, or STORE_NOT_FOUND. */
enum store_status store_token_delete(struct db *db, const char *name);

/* Calls fn for every token, by name; fn returning false stops (STORE_OK). */
typedef bool store_token_fn(void *ctx, const struct store_token *t);
enum store_status store_token_each(struct db *db, store_token_fn *fn, void *ctx);

/* ---- Idempotency keys --------------------------------------------------- */

#define STORE_IDEM_HASH 32     /* SHA-256 of the request body */
#define STORE_IDEM_TTL_HOURS 24

/* The first answer to a POST with an Idempotency-Key, kept for replays. A
 * key belongs to (token, key, path). */
struct store_idem {
    char token[STORE_TOKEN_KEY_ID + 1]; /* key_id of the token that sent it */
    const char *key, *path;    /* borrowed from the caller (put) */
    unsigned char body_hash[STORE_IDEM_HASH];
    unsigned status;
    char *location;            /* owned (find) or borrowed (put); NULL for none */
    char *response;            /* owned (find) or borrowed (put) */
    size_t response_len;
};

/* The answer kept for (token, key, path) in the last STORE_IDEM_TTL_HOURS,
 * or STORE_NOT_FOUND. On STORE_OK, out->location and out->response are new
 * (malloc'd); release them with store_idem_free. */
enum store_status store_idem_find(struct db *db, const char *token, const char *key,
                                  const char *path, struct store_idem *out);
void store_idem_free(struct store_idem *idem);

/* Keeps idem (replacing an older answer for the same key), after dropping
 * the keys older than STORE_IDEM_TTL_HOURS. Inside the request's transaction,
 * so the answer is kept if and only if the write it answers is. */
enum store_status store_idem_put(struct db *db, const struct store_idem *idem,
                                 const char *created_at);

/* ---- Service gauges (GET /metrics) --------------------------------------- */

/* Rows in the tables a reader of /metrics cares about. Tokens are not
 * counted: how many exist is nobody's business. */
struct store_row_counts {
    long long companies, announcements, pledges, sources;
};
enum store_status store_count_rows(struct db *db, struct store_row_counts *out);

#define STORE_FEED_NAME_MAX 31

/* One rates feed's bookkeeping (rates_feeds, migration 0006). */
struct store_feed_status {
    char source[STORE_FEED_NAME_MAX + 1]; /* "fed-h10", "ecb" */
    char succeeded_at[21];     /* RFC 3339 UTC of the last success; "" for never */
    long long failures;        /* failed runs since that success */
};

/* Calls fn for every feed that has run at least once; fn returning false
 * stops (STORE_OK). */
typedef bool store_feed_fn(void *ctx, const struct store_feed_status *f);
enum store_status store_feed_each(struct db *db, store_feed_fn *fn, void *ctx);

#endif
