/* pg_db — opening and closing PostgreSQL connections, and running SQL on
 * them (see pg.h). */
#include "pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (!pg_exec(p, "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'", why, sizeof why)) {
        snprintf(err, errlen, "cannot set up the PostgreSQL session: %s", why);
        pg_store_close((struct db *)(void *)p);
        return NULL;
    }
    return (struct db *)(void *)p;
}

void pg_store_close(struct db *db)
{
    if (!db)
        return;
    struct pg_db *p = pg_of(db);
    PQfinish(p->conn); /* accepts NULL */
    free(p->conninfo);
    free(p);
}
