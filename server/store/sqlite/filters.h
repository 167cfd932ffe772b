/* filters — a record_filter (store.h) as SQL: the WHERE clauses of the
 * announcement and pledge lists and of the stats, with named parameters
 * that sq_filter_bind fills. Private to server/store/sqlite/.
 *
 * Free text becomes an FTS5 query in which each word is a quoted phrase,
 * so nothing a user types is FTS5 syntax; a trailing '*' keeps prefix
 * search. A company slug is resolved here, once per query, never while the
 * API parses the filter.
 */
#ifndef PLEDGED_STORE_FILTERS_H
#define PLEDGED_STORE_FILTERS_H

#include "buf.h"
#include "db.h"
#include "store.h"

/* A filter made ready for one query. */
struct sq_filter {
    const struct record_filter *f;   /* borrowed */
    struct buf where;                /* " AND ..." clauses on aliases a / p, for a page */
    struct buf where_all;            /* with fts_walk: the clauses for reading every match */
    int64_t company_id;              /* -1: a slug no company has (matches nothing) */
    char *fts;                       /* owned FTS5 query, or NULL */
    bool usd_seek;                   /* read pledges through pledges_by_usd */
    bool fts_walk;                   /* a page walks its order and checks the word per row */
};

/* Builds the clauses of f (and, for pledges with a USD range, chooses how
 * the page is read: sq_filter_choose_usd_seek). Call sq_filter_free in all
 * cases. */
enum store_status sq_filter_init(struct db *db, const struct record_filter *f,
                                 struct sq_filter *out);
/* The same with the free-text plan chosen by the caller (walk: 1 always,
 * 0 never, -1 by the rule below): stats never walk, and the query-plan
 * test compares both. */
enum store_status sq_filter_init_as(struct db *db, const struct record_filter *f,
                                    struct sq_filter *out, int walk);
void sq_filter_free(struct sq_filter *sf);
/* The clauses for reading every match (counts, stats): `where`, unless a
 * page walks its order (fts_walk). Borrowed from sf. */
const struct buf *sq_filter_where_all(const struct sq_filter *sf);
/* Binds the clauses' parameters (ctx: a struct sq_filter). */
void sq_filter_bind(const void *ctx, sqlite3_stmt *st);

/* With min_usd/max_usd, how a pledge page is read. SQLite (built without
 * STAT4) cannot tell a range that matches a handful of pledges from one
 * that matches them all, and walks the whole date index for the first. So
 * the matches are counted through the USD index, up to USD_SEEK_MAX: fewer,
 * and the page seeks the range and sorts what it finds; more, and the
 * ordered walk finds its page within a few thousand rows. Either way no
 * request reads every pledge. */
#define USD_SEEK_MAX 4000

/* A pledge page with free text: when the word is common, the page walks
 * its sort order and checks each pledge's match with one seek of the
 * full-text index (fts_walk), finding its 50 rows among the first few
 * hundred; otherwise it reads the matches first and sorts them. Reading
 * them costs about 3 µs a match, a per-row check about 70 µs, so walking
 * wins past sqrt(FTS_WALK_FACTOR x pledges) matches (about 35,000 of a
 * million). Counts and stats always read the matches (where_all). */
#define FTS_WALK_FACTOR 1200

/* " FROM pledges p [INDEXED BY ...] ... WHERE 1=1 <clauses>" for pledges
 * (with the company join when join_company): a page's clauses, or with
 * `all` those for reading every match. */
void sq_filter_pledges_from(const struct sq_filter *sf, bool join_company, bool all,
                            struct buf *sql);

#endif
