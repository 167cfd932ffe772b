/* pg_migrate — the PostgreSQL schema's migrations (issue 15).
 *
 * The files of migrations/postgresql/ (NNNN_name.sql) are compiled in, as
 * SQLite's are. Their numbers are SQLite's: the first, 0012, is the whole
 * schema SQLite reached at version 12, so both engines report the same
 * version. All pending ones run in order in one transaction and are
 * recorded in schema_migrations; a database at a version this binary does
 * not know is refused. Replicas that start together must not apply them
 * twice: each first takes a session advisory lock, and the second reads
 * the version after the first has committed. 0012 also loads the shipped
 * rates, with COPY.
 */
#include "pg.h"

#include "fxfiles.h"
#include "embedded.h"
#include "rates.h"
#include "store.h"
#include "rates_csv.h"
#include "date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* pg_advisory_lock's key for migrations: "pled" "migr" in ASCII. */
#define MIGRATE_LOCK "8102238401628418418"


static int latest(void)
{
    int v = 0;
    for (size_t i = 0; i < pg_migration_files_count; i++)
        if (embedded_version(pg_migration_files[i].name) > v)
            v = embedded_version(pg_migration_files[i].name);
    return v;
}

int pg_schema_current(struct db *db)
{
    char err[256];
    PGresult *r = pg_query(pg_of(db), "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL"
                                      " THEN 0 ELSE (SELECT coalesce(max(version), 0)"
                                      " FROM schema_migrations) END", 0, NULL, err, sizeof err);
    int v = r && PQntuples(r) == 1 ? atoi(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return v;
}

/* ---- the shipped rates, with COPY ---- */

struct copy {
    struct pg_db *p;
    char buf[65536];
    size_t len;
    size_t bad;
    char now[21];
    char *err;
    size_t errlen;
};

static bool flush(struct copy *c)
{
    if (c->len && PQputCopyData(c->p->conn, c->buf, (int)c->len) != 1) {
        pg_message(c->p->conn, NULL, c->err, c->errlen);
        return false;
    }
    c->len = 0;
    return true;
}

/* The shipped rows keep the source they came from: the currencies of the
 * Fed's H.10 are Fed rows, the others ECB-derived (SQLite's 0006). */
static const char *shipped_source(const char *code)
{
    for (size_t i = 0; fed_h10_currencies[i]; i++)
        if (strcmp(fed_h10_currencies[i], code) == 0)
            return "fed-h10";
    return "ecb-derived";
}

static bool copy_row(void *ctx, size_t lineno, const char *date, const char *code,
                     const char *value)
{
    (void)lineno;
    struct copy *c = ctx;
    if (c->len + 128 > sizeof c->buf && !flush(c))
        return false;
    /* COPY's text format: no field here holds a tab, newline or backslash
     * (rates_csv checked each). */
    int n = snprintf(c->buf + c->len, sizeof c->buf - c->len, "%s\t%s\t%s\t%s\t%s\n", code, date,
                     value, shipped_source(code), c->now);
    if (n < 0 || (size_t)n >= sizeof c->buf - c->len) {
        snprintf(c->err, c->errlen, "a rates line does not fit COPY's buffer");
        return false;
    }
    c->len += (size_t)n;
    return true;
}

static void copy_bad(void *ctx, size_t lineno, const char *why)
{
    struct copy *c = ctx;
    if (!c->bad++)
        snprintf(c->err, c->errlen, "the shipped rates, line %zu: %s", lineno, why);
}

static bool load_shipped_rates(struct pg_db *p, char *err, size_t errlen)
{
    size_t len;
    char *text = shipped_rates_text(&len);
    if (!text) {
        snprintf(err, errlen, "the shipped rates do not inflate");
        return false;
    }
    struct copy *c = calloc(1, sizeof *c);
    if (!c) {
        free(text);
        snprintf(err, errlen, "out of memory");
        return false;
    }
    *c = (struct copy){.p = p, .err = err, .errlen = errlen};
    store_now(c->now);
    char tomorrow[DATE_TEXT];
    date_tomorrow_utc(tomorrow);
    /* COPY IN answers PGRES_COPY_IN, then takes the rows */
    PGresult *start = PQexec(p->conn, "COPY rates (currency, date, per_usd, source, updated_at)"
                                      " FROM STDIN");
    bool ok = start && PQresultStatus(start) == PGRES_COPY_IN;
    if (!ok)
        pg_message(p->conn, start, err, errlen);
    PQclear(start);
    if (ok)
        ok = rates_csv_each(text, len, tomorrow, copy_row, copy_bad, c, err, errlen) && flush(c);
    if (ok && c->bad)
        ok = false; /* err names the first bad line */
    /* End the COPY either way: with an error message it is aborted. */
    if (PQputCopyEnd(p->conn, ok ? NULL : "refused") != 1 && ok) {
        pg_message(p->conn, NULL, err, errlen);
        ok = false;
    }
    PGresult *r;
    while ((r = PQgetResult(p->conn)) != NULL) {
        if (ok && PQresultStatus(r) != PGRES_COMMAND_OK) {
            pg_message(p->conn, r, err, errlen);
            ok = false;
        }
        PQclear(r);
    }
    free(c);
    free(text);
    return ok;
}

/* ---- applying ---- */

/* What a version runs after its SQL file: 0012 loads the shipped rates. */
static bool after_file(struct pg_db *p, int version, char *err, size_t errlen)
{
    return version != 12 || load_shipped_rates(p, err, errlen);
}

/* The pending migrations, in the transaction the caller began. */
static bool apply_pending(struct pg_db *p, int current, int *applied, char *err, size_t errlen)
{
    int last = latest();
    if (current > last) {
        snprintf(err, errlen,
                 "this database has schema version %d, newer than this pledged knows (%d): "
                 "it was written by a newer pledged; run that one instead", current, last);
        return false;
    }
    for (int v = current + 1; v <= last; v++) {
        const struct embedded_file *f = NULL;
        for (size_t i = 0; i < pg_migration_files_count && !f; i++)
            if (embedded_version(pg_migration_files[i].name) == v)
                f = &pg_migration_files[i];
        if (!f)
            continue; /* a number SQLite used and PostgreSQL's schema includes */
        char why[400];
        char number[16];
        snprintf(number, sizeof number, "%d", v);
        const char *const params[] = {number, f->name};
        PGresult *r = NULL;
        if (!pg_exec(p, f->text, why, sizeof why) || !after_file(p, v, why, sizeof why) ||
            !(r = pg_query(p, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                           2, params, why, sizeof why))) {
            snprintf(err, errlen, "migration %s failed: %s", f->name, why);
            return false;
        }
        PQclear(r);
        (*applied)++;
    }
    return true;
}

bool pg_store_migrate(struct db *db, int *from, int *applied, char *err, size_t errlen)
{
    struct pg_db *p = pg_of(db);
    *from = 0;
    *applied = 0;
    if (!pg_exec(p, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")", err, errlen))
        return false;
    bool ok = pg_exec(p, "BEGIN; CREATE TABLE IF NOT EXISTS schema_migrations ("
                         " version integer PRIMARY KEY, name text NOT NULL,"
                         " applied_at timestamptz NOT NULL DEFAULT now())", err, errlen);
    int current = ok ? pg_schema_current(db) : -1;
    if (ok && current < 0) {
        snprintf(err, errlen, "cannot read the schema version");
        ok = false;
    }
    if (ok) {
        *from = current;
        ok = apply_pending(p, current, applied, err, errlen);
    }
    char why[256];
    if (ok)
        ok = pg_exec(p, "COMMIT", err, errlen);
    else
        pg_exec(p, "ROLLBACK", why, sizeof why);
    if (!ok)
        *applied = 0;
    pg_exec(p, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")", why, sizeof why);
    return ok;
}
