/* pg_records — how pledges and announcements are read and filtered in
 * PostgreSQL, shared by pg_pledges.c, pg_announcements.c and pg_stats.c.
 * Private to server/store/postgresql/.
 *
 * Ownership: pg_read_pledge fills the caller's struct with owned strings
 * (store_pledge_free). A pg_filter owns its clauses and the tsquery text;
 * its parameters are added to the caller's pg_params, whose strings borrow
 * from the filter and the record_filter, so both outlive the query. */
#ifndef PLEDGED_PG_RECORDS_H
#define PLEDGED_PG_RECORDS_H

#include "buf.h"
#include "pg.h"

/* From "pledges p LEFT JOIN companies c"; dates as ISO text, instants as
 * RFC 3339, in the order pg_read_pledge reads them. */
#define PG_PLEDGE_COLS                                                                     \
    "p.id, p.announcement_id, c.slug, p.kind, p.description, p.country,"                  \
    " p.amount_currency, p.amount_minor, p.amount_usd_minor, p.usd_rate::text,"           \
    " p.usd_rate_date::text, p.usd_error, p.people, p.starts_on::text, p.ends_on::text,"  \
    " p.duration_months, p.status, p.evidence::text, rfc3339(p.created_at),"              \
    " rfc3339(p.updated_at), p.announced_on::text, p.amount_qualifier, p.people_qualifier," \
    " (SELECT announced_on_precision FROM announcements WHERE id = p.announcement_id),"   \
    " p.usd_rate_source, p.version, p.created_by, p.updated_by"
#define PG_PLEDGE_NCOLS 28

/* The pledge on row `row` of r (PG_PLEDGE_COLS from column 0). */
enum store_status pg_read_pledge(const PGresult *r, int row, struct store_pledge *p);

/* Records the tombstones of the pledges `where` selects (with $1 the
 * id given), then deletes them. */
enum store_status pg_pledges_delete_where(struct db *db, const char *where, int64_t id);

/* A record_filter as clauses on aliases p (pledges) or a (announcements). */
struct pg_filter {
    struct buf where;                /* " AND ..." */
    char company_id[24];             /* the slug's id; "-1" when no company has it */
    char *tsquery;                   /* free text as a tsquery's text, or NULL */
};

/* Resolves the company and the free text (one query each), then adds the
 * clauses with their parameters to pp. Call pg_filter_free in all cases. */
enum store_status pg_filter_init(struct db *db, const struct record_filter *f,
                                 struct pg_params *pp, struct pg_filter *out);
void pg_filter_free(struct pg_filter *pf);

#endif
