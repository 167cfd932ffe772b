/* system — the service's own gauges in SQLite (see store.h): row counts
 * for /metrics and the rates feeds' bookkeeping. */
#include "store.h"

#include "db.h"
#include "sq.h"

#include <string.h>

/* Fixed statements, one per table: table names are never spliced in. */
static const char *const count_sql[4] = {
    "SELECT count(*) FROM companies",
    "SELECT count(*) FROM announcements",
    "SELECT count(*) FROM pledges",
    "SELECT count(*) FROM sources",
};

enum store_status store_count_rows(struct db *db, struct store_row_counts *out)
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

enum store_status store_feed_each(struct db *db, store_feed_fn *fn, void *ctx)
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
