/* pg_db — opening and closing PostgreSQL connections, and running SQL on
 * them (see pg.h). */
#include "pg.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <time.h>

void pg_message(const PGconn *conn, const PGresult *res, char *err, size_t errlen)
{
    const char *m = res ? PQresultErrorMessage(res) : NULL;
    if (!m || !m[0])
        m = conn ? PQerrorMessage(conn) : "out of memory";
    snprintf(err, errlen, "%s", m && m[0] ? m : "unknown PostgreSQL error");
    /* libpq ends messages with a newline, some with two lines: keep one */
    char *nl = strchr(err, '\n');
    if (nl)
        *nl = '\0';
}

static bool result_ok(const PGresult *r)
{
    ExecStatusType s = PQresultStatus(r);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
}

bool pg_exec(struct pg_db *p, const char *sql, char *err, size_t errlen)
{
    PGresult *r = PQexec(p->conn, sql);
    bool ok = r && result_ok(r);
    if (!ok)
        pg_message(p->conn, r, err, errlen);
    PQclear(r);
    return ok;
}

PGresult *pg_query(struct pg_db *p, const char *sql, int n, const char *const *params,
                   char *err, size_t errlen)
{
    PGresult *r = PQexecParams(p->conn, sql, n, NULL, params, NULL, NULL, 0);
    if (r && result_ok(r))
        return r;
    pg_message(p->conn, r, err, errlen);
    PQclear(r);
    return NULL;
}

/* The SQLSTATE classes that mean "not now" rather than "wrong": connection
 * exceptions (08), insufficient resources (53), operator intervention
 * (57: a shutdown, a statement cancelled by its timeout), lock not
 * available (55P03). */
static bool transient(const char *state)
{
    return !state || strncmp(state, "08", 2) == 0 || strncmp(state, "53", 2) == 0 ||
           strncmp(state, "57", 2) == 0 || strcmp(state, "55P03") == 0;
}

static _Thread_local bool t_busy;

bool pg_take_busy(void)
{
    bool busy = t_busy;
    t_busy = false;
    return busy;
}

void pg_note_busy(void)
{
    t_busy = true;
}

static double monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A connection found lost is opened again, between transactions only (a
 * transaction cut off is the caller's failure, never continued on a new
 * connection), and at most once a second while the server stays away. */
/* Forgets the prepared statements (a new session has none). */
static void forget_prepared(struct pg_db *p)
{
    for (size_t i = 0; i < PG_PREPARED_MAX; i++) {
        free(p->prepared[i].sql);
        p->prepared[i].sql = NULL;
    }
    p->n_prepared = 0;
}

/* Whether the server has closed an idle connection (a restart): its
 * socket is readable and reading finds the end. Checked before a statement
 * outside a transaction, so that the request that meets a restart is
 * served on a new connection instead of failing. */
static bool closed_by_server(struct pg_db *p)
{
    struct pollfd pfd = {.fd = PQsocket(p->conn), .events = POLLIN};
    if (pfd.fd < 0 || poll(&pfd, 1, 0) <= 0)
        return false;
    return !PQconsumeInput(p->conn) || PQstatus(p->conn) != CONNECTION_OK;
}

static bool usable(struct pg_db *p)
{
    if (PQstatus(p->conn) == CONNECTION_OK && (p->in_tx || !closed_by_server(p)))
        return true;
    if (p->in_tx || monotonic() < p->retry_at)
        return false;
    forget_prepared(p);
    PQreset(p->conn);
    char why[400];
    if (PQstatus(p->conn) == CONNECTION_OK && pg_session_setup(p, why, sizeof why)) {
        log_info("PostgreSQL: connected again");
        return true;
    }
    p->retry_at = monotonic() + 1.0;
    return false;
}

/* The outcome of a statement: r when it succeeded, else NULL with *st
 * saying why (see pg_run). */
static PGresult *outcome(struct pg_db *p, PGresult *r, const char *sql, enum store_status *st,
                         char constraint[64])
{
    if (r && result_ok(r)) {
        *st = STORE_OK;
        return r;
    }
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (state && strcmp(state, "23505") == 0) {
        if (constraint) {
            const char *c = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME);
            snprintf(constraint, 64, "%s", c ? c : "");
        }
        *st = STORE_CONFLICT;
    } else {
        bool gone = PQstatus(p->conn) != CONNECTION_OK || transient(state);
        *st = gone ? STORE_BUSY : STORE_ERROR;
        t_busy = t_busy || gone;
        char why[600], msg[900];
        pg_message(p->conn, r, why, sizeof why);
        snprintf(msg, sizeof msg, "PostgreSQL: %s (SQLSTATE %s): %.200s", why,
                 state ? state : "none", sql);
        log_error(NULL, msg);
    }
    PQclear(r);
    return NULL;
}

static uint64_t hash_of(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* The name of sql's prepared statement on this connection ("s" and its
 * slot), preparing it the first time; false when it cannot be (the table
 * is full, or PostgreSQL refused: the caller runs it unprepared, and
 * meets the error, if any, there). Open addressing over the slots. */
static bool prepared_name(struct pg_db *p, const char *sql, int n, char name[16])
{
    uint64_t h = hash_of(sql);
    size_t i = (size_t)(h % PG_PREPARED_MAX);
    for (size_t probe = 0; probe < PG_PREPARED_MAX; probe++, i = (i + 1) % PG_PREPARED_MAX) {
        struct pg_prepared *e = &p->prepared[i];
        snprintf(name, 16, "s%zu", i);
        if (e->sql && e->hash == h && strcmp(e->sql, sql) == 0)
            return true;
        if (e->sql)
            continue;
        if (p->n_prepared >= PG_PREPARED_MAX * 3 / 4 || !(e->sql = strdup(sql)))
            return false;
        PGresult *r = PQprepare(p->conn, name, sql, n, NULL);
        bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok) {
            free(e->sql);
            e->sql = NULL;
            return false;
        }
        e->hash = h;
        p->n_prepared++;
        return true;
    }
    return false;
}

PGresult *pg_run(struct pg_db *p, const char *sql, int n, const char *const *params,
                 enum store_status *st, char constraint[64])
{
    if (!usable(p)) {
        *st = STORE_BUSY;
        t_busy = true;
        return NULL;
    }
    char name[16];
    /* Inside a failed transaction PQprepare fails too: it is not tried. */
    bool prepared = PQtransactionStatus(p->conn) != PQTRANS_INERROR &&
                    prepared_name(p, sql, n, name);
    PGresult *r = prepared ? PQexecPrepared(p->conn, name, n, params, NULL, NULL, 0)
                           : PQexecParams(p->conn, sql, n, NULL, params, NULL, NULL, 0);
    return outcome(p, r, sql, st, constraint);
}

PGresult *pg_script(struct pg_db *p, const char *sql, enum store_status *st)
{
    if (!usable(p)) {
        *st = STORE_BUSY;
        t_busy = true;
        return NULL;
    }
    return outcome(p, PQexec(p->conn, sql), sql, st, NULL);
}

int pg_param(struct pg_params *pp, const char *value)
{
    if (pp->n == PG_PARAMS_MAX)
        return 0;
    pp->v[pp->n++] = value;
    return pp->n;
}

int pg_param_or_null(struct pg_params *pp, const char *value)
{
    return pg_param(pp, value && value[0] ? value : NULL);
}

int pg_param_int(struct pg_params *pp, int64_t value)
{
    if (pp->n == PG_PARAMS_MAX)
        return 0;
    snprintf(pp->num[pp->n], sizeof pp->num[0], "%lld", (long long)value);
    return pg_param(pp, pp->num[pp->n]);
}

void pg_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    *out++ = '\\';
    *out++ = 'x';
    for (size_t i = 0; i < n; i++) {
        *out++ = digits[bytes[i] >> 4];
        *out++ = digits[bytes[i] & 15];
    }
    *out = '\0';
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool pg_unhex(const char *text, unsigned char *out, size_t n)
{
    if (!text || text[0] != '\\' || text[1] != 'x' || strlen(text) != 2 + 2 * n)
        return false;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit(text[2 + 2 * i]), lo = hex_digit(text[3 + 2 * i]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return true;
}

void pg_copy(char *dst, size_t size, const PGresult *r, int row, int col)
{
    snprintf(dst, size, "%s", PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col));
}

int64_t pg_int(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

__int128 pg_int128(const PGresult *r, int row, int col)
{
    const char *s = PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col);
    bool negative = *s == '-';
    __int128 v = 0;
    for (s += negative; *s >= '0' && *s <= '9'; s++)
        v = v * 10 + (*s - '0');
    return negative ? -v : v;
}

/* Notices (CREATE ... IF NOT EXISTS that skips, say) are not errors and
 * are not shown. */
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

struct db *pg_store_open(const char *conninfo, char *err, size_t errlen)
{
    struct pg_db *p = calloc(1, sizeof *p);
    if (!p || !(p->conninfo = strdup(conninfo))) {
        free(p);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    p->engine = ENGINE_POSTGRESQL;
    p->by = "cli"; /* the command line's writes; the daemon's connections say their own */
    /* Ours first: the connection text, expanded from dbname, overrides
     * them. */
    const char *const keys[] = {"connect_timeout", "application_name", "dbname", NULL};
    const char *const values[] = {"10", "pledged", conninfo, NULL};
    p->conn = PQconnectdbParams(keys, values, 1);
    if (!p->conn || PQstatus(p->conn) != CONNECTION_OK) {
        char why[400];
        pg_message(p->conn, NULL, why, sizeof why);
        snprintf(err, errlen, "cannot connect to PostgreSQL: %s", why);
        pg_store_close((struct db *)(void *)p);
        return NULL;
    }
    PQsetNoticeProcessor(p->conn, quiet, NULL);
    char why[400];
    if (!pg_session_setup(p, why, sizeof why)) {
        snprintf(err, errlen, "cannot set up the PostgreSQL session: %s", why);
        pg_store_close((struct db *)(void *)p);
        return NULL;
    }
    return (struct db *)(void *)p;
}

bool pg_session_setup(struct pg_db *p, char *err, size_t errlen)
{
    /* A statement that runs past 30 s is cancelled, and a write that waits
     * more than 5 s for the write lock (held by a long import on another
     * replica, say) gives up, as SQLite's busy timeout does: the request
     * answers 503 and its connection is free again. The user's own
     * settings win. */
    return pg_exec(p, "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD';"
                      " SELECT set_config('statement_timeout', '30s', false)"
                      " WHERE current_setting('statement_timeout') = '0';"
                      " SELECT set_config('lock_timeout', '5s', false)"
                      " WHERE current_setting('lock_timeout') = '0'", err, errlen);
}

void pg_store_close(struct db *db)
{
    if (!db)
        return;
    struct pg_db *p = pg_of(db);
    PQfinish(p->conn); /* accepts NULL */
    forget_prepared(p);
    free(p->conninfo);
    free(p);
}
