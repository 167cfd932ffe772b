/* store — the engine-neutral storage interface the rest of the daemon
 * calls (issue 12: handlers never see SQL). It speaks in the resources' own
 * plain structs and one status enum; no SQLite type appears here, so a
 * second engine (PostgreSQL) can implement the same functions.
 *
 * It covers opening and migrating the database, connections, the write
 * transaction (group commit in the daemon), lists (keyset pages),
 * companies, announcements, pledges and their filters, stats, API tokens,
 * idempotency keys and the service's gauges; rates are in rates.h. Its
 * contract is checked directly by tests/unit/test_store.c,
 * test_store_records.c and test_writer.c.
 *
 * Conventions, for every function declared here:
 *  - `struct db` is the connection to use (opaque here); writes run inside
 *    the caller's transaction when there is one;
 *  - the result is a store_status; out-parameters are written only on
 *    STORE_OK;
 *  - ownership: strings in structs are copied into fixed buffers or are
 *    new (malloc'd) copies released by the struct's *_free function;
 *    nothing returned is borrowed from the engine. A struct handed to a
 *    callback (lists) is borrowed for the call only. Filters and inputs
 *    are borrowed for the call.
 */
#ifndef PLEDGED_STORE_H
#define PLEDGED_STORE_H

#include "company_input.h"
#include "date.h"
#include "money.h"
#include "pledge_input.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

enum store_status {
    STORE_OK,
    STORE_NOT_FOUND,
    STORE_CONFLICT,   /* a unique value is taken; see the function for which */
    STORE_ABORTED,    /* a store_write body chose to roll back (it has answered) */
    STORE_BUSY,       /* another process holds the database past the busy timeout */
    STORE_ERROR,      /* anything else; logged by the engine */
};

/* STORE_BUSY and STORE_ERROR: the server's trouble, answered 503/500. */
static inline bool store_failed(enum store_status s)
{
    return s == STORE_BUSY || s == STORE_ERROR;
}

/* ---- Opening the store ----------------------------------------------------- */

/* Process-wide settings; once, before anything else here. */
void store_global_init(void);

/* A connection of the command line's own (the daemon uses the pool below),
 * creating the database when it is missing; NULL with err on failure. Its
 * writes are by "cli" (store_actor_set). */
struct db *store_open(const char *path, char *err, size_t errlen);
void store_close(struct db *db);

/* Brings the schema to store_schema_latest(): *from is the version before
 * (0 for a new database), *applied the migrations run. False with err. */
bool store_migrate(struct db *db, int *from, int *applied, char *err, size_t errlen);

/* The daemon's connections: one writer (taken by store_write) and one
 * reader per thread (store_reader). */
bool store_pool_start(const char *path, char *err, size_t errlen);
void store_pool_stop(void);

/* Copies the database at `from` to the new file `to` while it may be in
 * use, as one consistent snapshot, and checks the copy (*pages copied).
 * False with err, leaving no file behind. */
bool store_backup(const char *from, const char *to, int *pages, char *err, size_t errlen);

/* ---- Connections and the write transaction ------------------------------ */

/* This thread's read connection (borrowed; opened on first use). NULL when
 * it cannot be opened (logged). With SQLite it is the thread's until
 * store_reader_release, and everything read on it until then is one
 * snapshot, which sees every commit completed before the first call, the
 * daemon's or another process's (readers.h). Every thread that calls store_reader releases it when
 * it is done for the moment: the HTTP layer after each request. */
struct db *store_reader(void);
void store_reader_release(void);
/* Ends the thread's snapshot at once and releases the connection, as
 * store_write does before it waits for the writer. */
void store_reader_end(void);

/* The one way the daemon writes. body(db, ctx) runs on the writer thread,
 * inside a transaction it may share with other requests' bodies (group
 * commit), in a savepoint of its own: what it writes is kept when it
 * returns STORE_OK and the transaction commits, and rolled back when it
 * returns anything else. store_write returns only after that commit (or
 * failure): body's status, or STORE_BUSY / STORE_ERROR when the
 * transaction cannot begin or commit. No caller holds a lock or writes a
 * rollback. A body that answers a client's mistake returns STORE_ABORTED,
 * STORE_NOT_FOUND or STORE_CONFLICT; the caller answers 500/503 only for
 * store_failed(). A body must not call store_write itself, and should not
 * wait on anything: the writes queued behind it wait for it. The calling
 * thread's reader snapshot is ended first (store_reader_end); a read after
 * store_write begins a new one, which sees the write. */
typedef enum store_status store_tx_fn(struct db *db, void *ctx);
enum store_status store_write(store_tx_fn *body, void *ctx);

/* The totals of a one-word search that GET /v1/stats/totals finds in `at`
 * pledges or more are kept from then on, as the pledges change (SQLite:
 * sqlite/searches.h); 0: never, and kept ones are not read. 20,000 unless
 * set; set before the pool starts. */
void store_search_totals_set(long long at);
long long store_search_totals_at(void);
/* Keeping a word counts its pledges this many at a time, each step a write
 * of its own between others (1 to 1,000,000; 4,096 unless set). */
void store_search_totals_step_set(long long pledges);

/* fn is called on the writer's thread after each transaction it commits
 * (the event streams' wake-up); it must be quick. NULL: none. */
void store_on_commit(void (*fn)(void));

/* Batches committed and writes they held since the start (GET /metrics):
 * their ratio is the mean batch size. */
void store_write_counts(unsigned long long *batches, unsigned long long *writes);
/* The same on a connection the caller owns (the command line's), with no
 * lock to take. */
enum store_status store_write_on(struct db *db, store_tx_fn *body, void *ctx);

/* A bulk load on the caller's connection (`pledged import` of a large
 * file): body runs in one transaction, with the pledges' read-only indexes
 * and the triggers that keep their totals set aside while it runs; before
 * COMMIT the indexes are built again, by sorting, and the totals summed
 * again in one pass. Inserting a million rows one by one into fifteen
 * indexes touches pages all over each of them; appending to the table and
 * sorting once does not. Nothing is kept unless all of it commits; the
 * daemon's writers wait (and answer 503 after the busy timeout) meanwhile. */
enum store_status store_bulk_write_on(struct db *db, store_tx_fn *body, void *ctx);

/* Runs body(db, ctx) in one read transaction on db, so that everything it
 * reads is one snapshot while others write (export); returns its status. */
enum store_status store_read_on(struct db *db, store_tx_fn *body, void *ctx);

/* Runs body(db, ctx) inside a savepoint of the transaction under way: when
 * it returns anything but STORE_OK, what it wrote is rolled back and the
 * transaction goes on (`pledged import` refuses one line of a batch). */
enum store_status store_nested(struct db *db, store_tx_fn *body, void *ctx);

/* Whether a statement of this thread failed because another process held
 * the database's lock past the busy timeout since the last call; clears the
 * flag (respond_internal answers 503 then). */
bool store_take_busy(void);

/* The current UTC time as RFC 3339 with seconds, "2024-04-09T10:15:00Z". */
void store_now(char out[21]);

/* ---- Lists: keyset pages ------------------------------------------------- */

#define PAGE_MAX_KEYS 4

enum sort_type { SORT_TEXT, SORT_INT };

/* A field a list may be sorted by, as written in ?sort=. Each engine maps
 * the name to its own column. */
struct sort_field {
    const char *name;
    enum sort_type type;
};

/* A page request: the sort keys (then the row id, in the direction of the
 * last key, so the order is total), how many rows, whether to count all
 * matches, and the position to resume after. */
struct page {
    const struct sort_field *keys[PAGE_MAX_KEYS]; /* borrowed from a static table */
    bool desc[PAGE_MAX_KEYS];
    size_t n_keys;
    char sort_text[160];       /* canonical sort, e.g. "-name,slug" */
    int64_t limit;             /* 1..PAGE_MAX_LIMIT */
    bool count;                /* count=true */
    json_t *after;             /* owned: the last row's key values, then its id; or NULL */
};

/* What a page run tells besides its rows. */
struct page_end {
    json_t *next_after;        /* new ref: where the next page starts; NULL on the last page */
    int64_t total;             /* all matches with page.count, else -1 */
};

/* ---- Versions ------------------------------------------------------------ */

#define STORE_BY_MAX 64        /* a token's name, "cli" */

/* Every company, announcement and pledge carries its version (1, 2, 3...,
 * one a change, issue 14) and who created it and changed it last: a
 * token's name, "cli", or "" for a record that predates history. */
struct store_stamp {
    int64_t version;
    char created_by[STORE_BY_MAX + 1], updated_by[STORE_BY_MAX + 1];
};

/* Who the writes of the running store_write body are by (the token's name,
 * "cli") and the request they answer (NULL for none): rows and revisions
 * are stamped with it. Borrowed until the next call on db; set before each
 * body (api_write, the command line once). */
void store_actor_set(struct db *db, const char *by, const char *request_id);

/* ---- Companies ----------------------------------------------------------- */

/* A company as stored, with its counts and totals (its own pledges; joint
 * ones are not split). Strings are owned: release with store_company_free. */
struct store_company {
    int64_t id;
    char slug[SLUG_MAX + 1];
    char *name;
    char country[3];           /* "" when unknown */
    char *website;             /* NULL when none */
    char *aliases;             /* a JSON array of strings, as stored */
    char created_at[21], updated_at[21];
    int64_t pledge_count, announcement_count;
    struct usd_totals totals;
    struct store_stamp stamp;
};
void store_company_free(struct store_company *c);

/* The company with this slug, or STORE_NOT_FOUND. */
enum store_status store_company_get(struct db *db, const char *slug, struct store_company *out);
/* The same by its id. */
enum store_status store_company_get_id(struct db *db, int64_t id, struct store_company *out);

/* Inserts a validated company (create mode), created_at = updated_at =
 * now. STORE_CONFLICT when the slug is taken. */
enum store_status store_company_insert(struct db *db, const struct company_input *in,
                                       const char *now);

/* A company's fields after a merge-patch: every one given (country and
 * website NULL for none, aliases a JSON array). */
struct store_company_fields {
    const char *slug, *name, *country, *website, *aliases;
};
/* Rewrites company `id`; updated_at becomes now only when a field changes.
 * STORE_CONFLICT when the new slug is taken. */
enum store_status store_company_update(struct db *db, int64_t id,
                                       const struct store_company_fields *f, const char *now);

/* Deletes company `id` (the caller checked that nothing names it),
 * recording its tombstone (a 'delete' revision). */
enum store_status store_company_delete(struct db *db, int64_t id);

/* The company list's filters. */
struct store_company_filter {
    const char *country;       /* NULL: any */
    const char *q;             /* NULL: any; else a substring of the name or an alias */
};
/* Called for each company of a page; c is borrowed for the call. False
 * (out of memory) stops the page with STORE_ERROR. */
typedef bool store_company_fn(void *ctx, const struct store_company *c);
/* Sort fields: slug, name, created_at, updated_at. */
extern const struct sort_field store_company_sorts[];
enum store_status store_company_list(struct db *db, const struct store_company_filter *f,
                                     const struct page *pg, store_company_fn *fn, void *ctx,
                                     struct page_end *end);

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

/* ---- The database as a whole --------------------------------------------- */

/* A number that changes whenever any connection commits a write, as seen
 * by db (the answer cache's key); -1 on error. */
int64_t store_data_version(struct db *db);

/* The schema version db is at, and the one this binary brings it to
 * (GET /readyz compares them). -1 on error. */
int store_schema_current(struct db *db);
int store_schema_latest(void);

/* ---- Service gauges (GET /metrics) --------------------------------------- */

/* Rows in the tables a reader of /metrics cares about. Tokens are not
 * counted: how many exist is nobody's business. */
struct store_row_counts {
    long long companies, announcements, pledges, sources;
};
enum store_status store_count_rows(struct db *db, struct store_row_counts *out);
/* The database's size on disk: SQLite's file and WAL, PostgreSQL's
 * pg_database_size; 0 when unknown. */
long long store_database_bytes(struct db *db);

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

/* Announcements, pledges, their filters and stats: the records. */
#include "store_records.h"
/* Revisions: the history of every change, tombstones, the change feed. */
#include "store_history.h"

#endif
