/* system — the service's own gauges in SQLite (see store.h): row counts
 * for /metrics and the rates feeds' bookkeeping. */
#include "store.h"
#include "rates.h"

#include "db.h"
#include "engine.h"
#include "migrate.h"
#include "sq.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Fixed statements, one per table: table names are never spliced in. */
static const char *const count_sql[4] = {
    "SELECT count(*) FROM companies",
    "SELECT count(*) FROM announcements",
    "SELECT count(*) FROM pledges",
    "SELECT count(*) FROM sources",
};

enum store_status sq_count_rows(struct db *db, struct store_row_counts *out)
{
    long long n[4];
    for (size_t i = 0; i < 4; i++) {
        sqlite3_stmt *st = db_prepare(db, count_sql[i]);
        if (!st)
            return STORE_ERROR;
        int rc = sqlite3_step(st);
        n[i] = rc == SQLITE_ROW ? (long long)sqlite3_column_int64(st, 0) : 0;
        db_done(st);
        if (rc != SQLITE_ROW)
            return sq_status(rc);
    }
    *out = (struct store_row_counts){n[0], n[1], n[2], n[3]};
    return STORE_OK;
}

long long sq_database_bytes(struct db *db)
{
    const char *path = sqlite3_db_filename(db_handle(db), "main");
    if (!path || !path[0])
        return 0;
    long long size = 0;
    struct stat sb;
    char wal[1100];
    if (stat(path, &sb) == 0)
        size += sb.st_size;
    snprintf(wal, sizeof wal, "%s-wal", path);
    if (stat(wal, &sb) == 0)
        size += sb.st_size;
    return size;
}

enum store_status sq_feed_each(struct db *db, store_feed_fn *fn, void *ctx)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT source, succeeded_at, failures FROM rates_feeds"
                                      " ORDER BY source");
    if (!st)
        return STORE_ERROR;
    int rc;
    struct store_feed_status f;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&f, 0, sizeof f);
        sq_copy_text(f.source, sizeof f.source, sqlite3_column_text(st, 0));
        sq_copy_text(f.succeeded_at, sizeof f.succeeded_at, sqlite3_column_text(st, 1));
        f.failures = (long long)sqlite3_column_int64(st, 2);
        if (!fn(ctx, &f)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    db_done(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_status(rc);
}

int64_t sq_data_version(struct db *db)
{
    sqlite3_stmt *st = db_prepare(db, "PRAGMA data_version");
    if (!st)
        return -1;
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    db_done(st);
    return v;
}

int sq_schema_current(struct db *db)
{
    return migrate_current(db);
}

int store_schema_latest(void)
{
    return migrate_latest();
}

enum store_status sq_feed_validators(struct db *db, const char *source, const char *url,
                                        char etag[256], char last_modified[128])
{
    etag[0] = last_modified[0] = '\0';
    sqlite3_stmt *st = db_prepare(db, "SELECT etag, last_modified FROM rates_feeds"
                                      " WHERE source = ? AND url = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        sq_copy_text(etag, 256, sqlite3_column_text(st, 0));
        sq_copy_text(last_modified, 128, sqlite3_column_text(st, 1));
    }
    db_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_status(rc);
}

enum store_status sq_feed_record(struct db *db, const char *source, const char *url,
                                    const char *error, const char *etag,
                                    const char *last_modified, const char *now)
{
    sqlite3_stmt *st = db_prepare(
        db, error ? "INSERT INTO rates_feeds (source, url, failed_at, failures, last_error)"
                    " VALUES (?1, ?2, ?3, 1, ?4) ON CONFLICT (source) DO UPDATE SET"
                    " failed_at = ?3, failures = failures + 1, last_error = ?4"
                  : "INSERT INTO rates_feeds (source, url, etag, last_modified, succeeded_at,"
                    " failures) VALUES (?1, ?2, ?5, ?6, ?3, 0) ON CONFLICT (source) DO UPDATE SET"
                    " url = ?2, etag = coalesce(?5, etag), last_modified = coalesce(?6,"
                    " last_modified), succeeded_at = ?3, failures = 0, last_error = NULL");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    if (error) {
        sqlite3_bind_text(st, 4, error, -1, SQLITE_STATIC);
    } else {
        sq_bind_text_or_null(st, 5, etag);
        sq_bind_text_or_null(st, 6, last_modified);
    }
    return sq_run(st);
}
