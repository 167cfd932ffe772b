/* pg — the PostgreSQL engine's connection (issue 15), through libpq.
 *
 * This folder and nothing else includes libpq-fe.h, as store/sqlite/ is
 * the only place that includes sqlite3.h. A connection is opened from the
 * `--db` text (a postgresql:// URI or a libpq key/value string); pledged
 * adds what it needs under the user's settings: a 10 s connect timeout and
 * its application name (the user's own values win), then sets the session
 * to UTC and ISO dates.
 *
 * Ownership: struct pg_db owns its PGconn and a copy of the connection
 * text (to connect again); err buffers are the caller's. A PGresult a
 * function returns is the caller's to PQclear.
 */
#ifndef PLEDGED_PG_H
#define PLEDGED_PG_H

#include "engine.h"
#include "store.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The statements a connection has prepared (pg_run): each one's text is
 * parsed and planned once per connection, not once per call. */
#define PG_PREPARED_MAX 256
struct pg_prepared {
    uint64_t hash;
    char *sql;                   /* owned copy; NULL for a free slot */
};

struct pg_db {
    enum store_engine engine; /* ENGINE_POSTGRESQL; first, as engine.h says */
    PGconn *conn;
    char *conninfo;
    const char *by, *request_id; /* who the running body writes for (borrowed) */
    bool in_tx;                  /* a transaction is open: never reconnect inside one */
    double retry_at;             /* a lost connection is tried again from then (monotonic s) */
    struct pg_db *next_open;     /* the pool's list of readers */
    struct pg_prepared prepared[PG_PREPARED_MAX];
    size_t n_prepared;
};

/* The channel each write transaction NOTIFYs (delivered at commit) and
 * each replica LISTENs on (pg_pool.c). */
#define PG_CHANNEL "pledged_writes"

/* A statement's parameters, numbered from $1 in the order they are added;
 * numbers are formatted into the struct itself. */
#define PG_PARAMS_MAX 32
struct pg_params {
    const char *v[PG_PARAMS_MAX];
    char num[PG_PARAMS_MAX][24];
    int n;
};
/* Adds a value (borrowed; NULL for SQL NULL) and returns its number, or 0
 * when full (a programming error: the statement then fails). */
int pg_param(struct pg_params *pp, const char *value);
int pg_param_int(struct pg_params *pp, int64_t value);

/* The engine's view of a store connection (which must be PostgreSQL's). */
static inline struct pg_db *pg_of(struct db *db)
{
    return (struct pg_db *)(void *)db;
}

/* Runs SQL with no parameters (several statements allowed) and checks it
 * succeeded; false with PostgreSQL's message in err. */
bool pg_exec(struct pg_db *p, const char *sql, char *err, size_t errlen);

/* Runs one statement with text parameters ($1...); the result when it
 * succeeded (rows or not), else NULL with the message in err. */
PGresult *pg_query(struct pg_db *p, const char *sql, int n, const char *const *params,
                   char *err, size_t errlen);

/* PostgreSQL's message for a failed result or connection, one line. */
void pg_message(const PGconn *conn, const PGresult *res, char *err, size_t errlen);

/* Runs one statement with text parameters (NULL for SQL NULL), sent apart
 * from the SQL, never spliced into it. The first PG_PREPARED_MAX distinct
 * texts a connection runs are prepared on it (named statements), so later
 * calls skip parsing and planning; the rest run unprepared. On success *st is STORE_OK and the
 * result (rows or not) is returned, the caller's to PQclear. Otherwise NULL
 * and *st says why: STORE_CONFLICT for a unique value taken (its
 * constraint's name in `constraint` when not NULL), STORE_BUSY when the
 * server is gone or refuses for now (a lost connection, a shutdown, a
 * lock or statement timeout), STORE_ERROR for anything else; the last two
 * are logged. */
PGresult *pg_run(struct pg_db *p, const char *sql, int n, const char *const *params,
                 enum store_status *st, char constraint[64]);

/* Runs several statements with no parameters in one round trip (the
 * simple query protocol), classified as pg_run does. */
PGresult *pg_script(struct pg_db *p, const char *sql, enum store_status *st);

/* Whether a statement of this thread met a lost or refusing server since
 * the last call; clears the flag (store_take_busy). */
bool pg_take_busy(void);
void pg_note_busy(void);

/* The session as pledged needs it: UTC, ISO dates, a statement timeout
 * unless the connection text set one. False with the reason in err. */
bool pg_session_setup(struct pg_db *p, char *err, size_t errlen);

/* bytea as text: out gets "\x" and 2n hex digits (2n + 3 bytes). */
void pg_hex(const unsigned char *bytes, size_t n, char *out);
/* Exactly n bytes from "\x" + hex text; false when it is not that. */
bool pg_unhex(const char *text, unsigned char *out, size_t n);

/* Copies a result's text value (NULL: "") into a buffer, cut to fit. */
void pg_copy(char *dst, size_t size, const PGresult *r, int row, int col);

/* Adds text, or NULL when it is NULL or "" (an absent optional field). */
int pg_param_or_null(struct pg_params *pp, const char *value);

/* Deletes the rows of `table` that `where` selects (with $1 the id given),
 * first recording each one's tombstone: a 'delete' revision of `resource`
 * (version + 1, key from the SQL expression `key`, the actor's name and
 * request id), as SQLite's sq_tombstones does. */
enum store_status pg_delete_with_tombstones(struct db *db, const char *resource, const char *key,
                                            const char *table, const char *where, int64_t id);

/* A row's integer (0 when NULL), and a whole number's text as 128 bits
 * (sum() of bigints is numeric in PostgreSQL: exact, of any size). */
int64_t pg_int(const PGresult *r, int row, int col);
__int128 pg_int128(const PGresult *r, int row, int col);

#endif
