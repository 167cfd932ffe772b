/* search — the filters of the announcement and pledge lists (and of the
 * stats, which take the pledge filters), turned into SQL.
 *
 * filter_parse reads the query string, checks every value (all bad ones
 * are reported together, 400) and builds a WHERE fragment of " AND ..."
 * clauses with named parameters, which filter_bind fills. Free text (`q`)
 * becomes an FTS5 query in which each word is a quoted phrase, so user
 * input can never be FTS5 syntax; a trailing '*' keeps prefix search.
 */
#ifndef PLEDGED_SEARCH_H
#define PLEDGED_SEARCH_H

#include "buf.h"
#include "db.h"
#include "request.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

enum filter_target { FILTER_ANNOUNCEMENTS, FILTER_PLEDGES };

struct list_filter {
    struct buf where;          /* " AND ..." clauses; table aliases a / p */
    int64_t company_id;        /* -1: a slug no company has (matches nothing) */
    int64_t announcement_id;
    const char *kind, *status; /* borrowed from the request */
    char country[3], currency[4];
    char from[11], to[11];
    int64_t min_usd, max_usd;  /* US cents */
    char *fts;                 /* owned FTS5 query, or NULL */
    bool usd_seek;             /* read through pledges_by_usd (filter_choose_usd_seek) */
};

/* Reads the filters for `target` from rq; false after answering 400. */
bool filter_parse(const struct request *rq, struct response *rs, struct list_filter *f,
                  enum filter_target target);
void filter_bind(const struct list_filter *f, sqlite3_stmt *st);
/* The same, in the shape page_run takes (ctx is the filter). */
void filter_bind_fn(const void *ctx, sqlite3_stmt *st);
void filter_free(struct list_filter *f);

/* With min_usd/max_usd, chooses how a pledge page is read. SQLite (built
 * without STAT4) cannot tell a range that matches a handful of pledges
 * from one that matches them all, and walks the whole date index for the
 * first. So the matches are counted through the USD index, up to
 * USD_SEEK_MAX: fewer, and the page seeks the range and sorts what it finds
 * (f->usd_seek); more, and the ordered walk finds its page within a few
 * thousand rows. Either way no request reads every pledge. False on a
 * database error. */
#define USD_SEEK_MAX 4000
bool filter_choose_usd_seek(struct db *db, struct list_filter *f);

struct page;
struct buf;
/* The SQL of a page of pledges / announcements with filters f, selecting
 * PLEDGE_COLS / ANNOUNCEMENT_COLS then the page's key columns. */
void pledge_list_sql(const struct list_filter *f, const struct page *pg, struct buf *sql);
void announcement_list_sql(const struct list_filter *f, const struct page *pg, struct buf *sql);
/* The count of the pledges f matches, read the way the page is. */
void pledge_count_sql(const struct list_filter *f, struct buf *sql);


/* Path ids are positive integers. */
bool id_param(const char *text, int64_t *id);

#endif
