/* keyset — the SQL of a keyset page (see `struct page` in store.h), shared
 * by the SQLite store's lists. Private to server/store/sqlite/.
 *
 * A list is ordered by the requested sort keys and then by the row id (in
 * the direction of the last key), so the order is total and a position is
 * the last row's key values. The next page asks for rows strictly after
 * them, so each page costs an index seek, never an OFFSET scan, and rows
 * inserted meanwhile neither repeat nor shift others.
 *
 * Column expressions come only from each list's static sq_columns table;
 * every value is a bound parameter (:k0.., :kid, :limit).
 *
 * Ownership: the SQL goes into the caller's buffer; end->next_after is a
 * new reference the caller releases; rows are borrowed by sq_row_fn for
 * the call.
 */
#ifndef PLEDGED_STORE_KEYSET_H
#define PLEDGED_STORE_KEYSET_H

#include "buf.h"
#include "db.h"
#include "sq.h"
#include "store.h"

/* A list's sort fields by API name, and the SQL of each. */
struct sq_sort_column {
    const char *name;          /* as in the API's sort_field table */
    const char *column;        /* SQL expression; never NULL for any row */
};
struct sq_columns {
    const struct sq_sort_column *sorts; /* ends with {NULL, NULL} */
    const char *id;            /* unique tie-breaker, e.g. "c.id" */
};

/* ", k0, k1, ..., id": the key columns to select after the row's own. */
void sq_page_select_keys(const struct page *p, const struct sq_columns *c, struct buf *sql);
/* " AND (...)" restricting to rows after p->after; nothing without it. */
void sq_page_where_after(const struct page *p, const struct sq_columns *c, struct buf *sql);
/* " ORDER BY ... LIMIT :limit" */
void sq_page_order_limit(const struct page *p, const struct sq_columns *c, struct buf *sql);

/* Reads one row of a page (st is on it); STORE_OK to go on. */
typedef enum store_status sq_row_fn(void *ctx, struct db *db, sqlite3_stmt *st);
/* Binds a list's filter values. */
typedef void sq_bind_fn(const void *ctx, sqlite3_stmt *st);

/* Runs a page: `sql` (built with the three functions above; its key columns
 * start at key_col) with filters bound by bind(bctx), calling row(rctx) for
 * up to pg->limit rows; end->next_after when more follow; with pg->count,
 * count_sql gives end->total. */
enum store_status sq_page_run(struct db *db, const struct page *pg, const char *sql,
                              const char *count_sql, sq_bind_fn *bind, const void *bctx,
                              sq_row_fn *row, void *rctx, int key_col, struct page_end *end);

#endif
