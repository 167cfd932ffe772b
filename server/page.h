/* page — sorting and keyset pagination for list endpoints.
 *
 * A list is ordered by the requested sort keys and then by the row id (in
 * the direction of the last key), so the order is total and a cursor can
 * name an exact position: it holds the sort and the key values of the last
 * row served, base64url-encoded. The next page asks for rows strictly after
 * those values, so each page costs an index seek, never an OFFSET scan, and
 * rows inserted meanwhile neither repeat nor shift others.
 *
 * SQL is assembled from the handler's pieces; its key columns, names and
 * directions come only from the handler's static sort_field table, and every
 * value is a bound parameter (:k0.., :kid, :limit).
 */
#ifndef PLEDGED_PAGE_H
#define PLEDGED_PAGE_H

#include "buf.h"
#include "request.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#define PAGE_MAX_KEYS 4
#define PAGE_DEFAULT_LIMIT 50
#define PAGE_MAX_LIMIT 500

enum sort_type { SORT_TEXT, SORT_INT };

struct sort_field {
    const char *name;    /* as written in ?sort= */
    const char *column;  /* SQL expression; must not be NULL for any row */
    enum sort_type type;
};

struct page {
    const struct sort_field *keys[PAGE_MAX_KEYS];
    bool desc[PAGE_MAX_KEYS];
    size_t n_keys;
    const char *id_column;     /* unique tie-breaker, e.g. "c.id" */
    char sort_text[160];       /* canonical sort, e.g. "-name,slug" */
    int64_t limit;             /* 1..PAGE_MAX_LIMIT */
    bool count;                /* count=true */
    json_t *after;             /* new ref: cursor values (keys, then id) or NULL */
};

/* Reads sort, limit, cursor and count from the query string. On a bad value
 * fills rs with a 400 naming the parameter and returns false. Call
 * page_free in all cases. */
bool page_parse(const struct request *rq, struct response *rs,
                const struct sort_field *fields, const char *default_sort,
                const char *id_column, struct page *out);
void page_free(struct page *p);

/* ", k0, k1, ..., id": the key columns to select after the row's own. */
void page_select_keys(const struct page *p, struct buf *sql);
/* " AND (...)" restricting to rows after the cursor; nothing without one. */
void page_where_after(const struct page *p, struct buf *sql);
/* " ORDER BY ... LIMIT :limit" */
void page_order_limit(const struct page *p, struct buf *sql);
/* Binds :k*, :kid and :limit (limit + 1, to learn whether a next page
 * exists). */
void page_bind(const struct page *p, sqlite3_stmt *st);

/* The cursor for the row `st` is on, whose key columns start at column
 * `first_key_col`. Malloc'd; NULL when out of memory. */
char *page_cursor_at(const struct page *p, sqlite3_stmt *st, int first_key_col);

struct db;

/* Makes one list item from the row st is on; NULL on a database error. */
typedef json_t *page_row_fn(struct db *db, sqlite3_stmt *st);
/* Binds a list's filter values to a statement. */
typedef void page_bind_fn(const void *ctx, sqlite3_stmt *st);

/* Runs a page: `sql` (built with page_select_keys, page_where_after and
 * page_order_limit; its key columns start at key_col) with the filters
 * bound by bind(ctx), appending up to pg->limit items made by row to data
 * and setting *next (malloc'd) when more rows follow; with pg->count, runs
 * count_sql for *total (else -1). False on a database error. */
bool page_run(struct db *db, const struct page *pg, const char *sql, const char *count_sql,
              page_bind_fn *bind, const void *ctx, page_row_fn *row, int key_col, json_t *data,
              char **next, int64_t *total);

/* Answers a page_run result: 500 (logging `what`) when !ok, else the page as
 * CSV with `columns` when csv, else as JSON. Steals data and next. */
void page_answer(const struct request *rq, struct response *rs, bool ok, bool csv, json_t *data,
                 const char *const columns[], char *next, int64_t total, const char *what);

/* Answers {"data": data, "next_cursor": next|null[, "total": total]} with a
 * Link rel="next" header when there is a next page. Steals data; total < 0
 * leaves it out. */
void page_respond(const struct request *rq, struct response *rs, json_t *data,
                  const char *next_cursor, int64_t total);

/* The same page as CSV with the given columns (see csv.h): the Link header
 * is kept, and total, when asked for, goes in an X-Total-Count header.
 * Steals data. */
void page_respond_csv(const struct request *rq, struct response *rs, json_t *data,
                      const char *const columns[], const char *next_cursor, int64_t total);

#endif
