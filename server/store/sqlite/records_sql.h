/* records_sql — how pledges and announcements are read in SQL, shared by
 * pledges.c, announcements.c and the query-plan test (tests/unit/
 * test_queries.c). Private to server/store/sqlite/.
 *
 * Ownership: sq_read_pledge fills the caller's struct with owned
 * strings (store_pledge_free); the SQL goes into the caller's buffer.
 */
#ifndef PLEDGED_STORE_RECORDS_SQL_H
#define PLEDGED_STORE_RECORDS_SQL_H

#include "buf.h"
#include "filters.h"
#include "store.h"

#include <sqlite3.h>

/* From "pledges p LEFT JOIN companies c". */
#define PLEDGE_COLS                                                                    \
    "p.id, p.announcement_id, c.slug, p.kind, p.description, p.country,"              \
    " p.amount_currency, p.amount_minor, p.amount_usd_minor, p.usd_rate,"             \
    " p.usd_rate_date, p.usd_error, p.people, p.starts_on, p.ends_on,"                \
    " p.duration_months, p.status, p.evidence, p.created_at, p.updated_at, p.announced_on,"   \
    " p.amount_qualifier, p.people_qualifier,"                                       \
    " p.announced_on_precision,"   /* its announcement's, kept in the row (0014) */        \
    " p.usd_rate_source, p.version, p.created_by, p.updated_by"
#define PLEDGE_NCOLS 28

/* The pledge on the current row of st (PLEDGE_COLS from column 0). */
enum store_status sq_read_pledge(sqlite3_stmt *st, struct store_pledge *p);

/* The SQL of a page of pledges / announcements with filter sf, selecting
 * PLEDGE_COLS / the announcement's columns, then the page's key columns. */
void sq_pledge_list_sql(const struct sq_filter *sf, const struct page *pg, struct buf *sql);
void sq_announcement_list_sql(const struct sq_filter *sf, const struct page *pg,
                              struct buf *sql);

#endif
