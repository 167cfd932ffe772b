/* pg_system — the service's own gauges in PostgreSQL (store.h's contract,
 * as store/sqlite/system.c keeps it): row counts for /metrics and the
 * rates feeds' bookkeeping. */
#include "pg.h"

#include "rates.h"

#include <stdlib.h>
#include <string.h>

enum store_status pg_count_rows(struct db *db, struct store_row_counts *out)
{
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT (SELECT count(*) FROM companies),"
                                    " (SELECT count(*) FROM announcements),"
                                    " (SELECT count(*) FROM pledges), (SELECT count(*) FROM sources)",
                         0, NULL, &st, NULL);
    if (r)
        *out = (struct store_row_counts){strtoll(PQgetvalue(r, 0, 0), NULL, 10),
                                         strtoll(PQgetvalue(r, 0, 1), NULL, 10),
                                         strtoll(PQgetvalue(r, 0, 2), NULL, 10),
                                         strtoll(PQgetvalue(r, 0, 3), NULL, 10)};
    PQclear(r);
    return st;
}

long long pg_database_bytes(struct db *db)
{
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT pg_database_size(current_database())", 0, NULL, &st,
                         NULL);
    long long size = r ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    PQclear(r);
    return size;
}

enum store_status pg_feed_each(struct db *db, store_feed_fn *fn, void *ctx)
{
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT source, rfc3339(succeeded_at), failures FROM"
                                    " rates_feeds ORDER BY source COLLATE \"C\"", 0, NULL, &st, NULL);
    for (int i = 0; r && i < PQntuples(r); i++) {
        struct store_feed_status f;
        memset(&f, 0, sizeof f);
        pg_copy(f.source, sizeof f.source, r, i, 0);
        pg_copy(f.succeeded_at, sizeof f.succeeded_at, r, i, 1);
        f.failures = strtoll(PQgetvalue(r, i, 2), NULL, 10);
        if (!fn(ctx, &f))
            break;
    }
    PQclear(r);
    return st;
}

enum store_status pg_feed_validators(struct db *db, const char *source, const char *url,
                                     char etag[256], char last_modified[128])
{
    etag[0] = last_modified[0] = '\0';
    const char *const params[] = {source, url};
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT etag, last_modified FROM rates_feeds"
                                    " WHERE source = $1 AND url = $2", 2, params, &st, NULL);
    if (r && PQntuples(r) == 1) {
        pg_copy(etag, 256, r, 0, 0);
        pg_copy(last_modified, 128, r, 0, 1);
    }
    PQclear(r);
    return st;
}

enum store_status pg_feed_record(struct db *db, const char *source, const char *url,
                                 const char *error, const char *etag, const char *last_modified,
                                 const char *now)
{
    /* $4 is the error, or the new validators are $4 and $5 */
    const char *const failed[] = {source, url, now, error};
    const char *const succeeded[] = {source, url, now, etag, last_modified};
    enum store_status st;
    PGresult *r = pg_run(
        pg_of(db),
        error ? "INSERT INTO rates_feeds (source, url, failed_at, failures, last_error)"
                " VALUES ($1, $2, $3, 1, $4) ON CONFLICT (source) DO UPDATE SET"
                " failed_at = $3, failures = rates_feeds.failures + 1, last_error = $4"
              : "INSERT INTO rates_feeds (source, url, etag, last_modified, succeeded_at, failures)"
                " VALUES ($1, $2, $4, $5, $3, 0) ON CONFLICT (source) DO UPDATE SET url = $2,"
                " etag = coalesce($4, rates_feeds.etag), last_modified = coalesce($5,"
                " rates_feeds.last_modified), succeeded_at = $3, failures = 0, last_error = NULL",
        error ? 4 : 5, error ? failed : succeeded, &st, NULL);
    PQclear(r);
    return st;
}
