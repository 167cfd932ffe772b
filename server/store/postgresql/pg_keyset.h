/* pg_keyset — keyset pages in PostgreSQL's SQL: the same pages, cursors
 * and totals as store/sqlite/keyset.c builds, with numbered parameters.
 *
 * A list describes each sort field once: the expression it orders and
 * compares by (case folded, or in byte order with COLLATE "C", as SQLite
 * orders them), the expression whose text the cursor keeps, and the cast a
 * cursor value needs to be compared again.
 *
 * Ownership: tables are static; the page and its cursor are borrowed. */
#ifndef PLEDGED_PG_KEYSET_H
#define PLEDGED_PG_KEYSET_H

#include "buf.h"
#include "pg.h"

struct pg_sort_column {
    const char *name;   /* the sort_field's name */
    const char *expr;   /* ORDER BY and comparisons */
    const char *key;    /* what the cursor keeps, as text or an integer */
    const char *cast;   /* appended to a cursor value's parameter, e.g. "::timestamptz" */
};

struct pg_columns {
    const struct pg_sort_column *sorts; /* ends with a NULL name */
    const char *id;                     /* the row id, the last key */
};

/* Called for each row of the page; STORE_OK to go on. */
typedef enum store_status pg_row_fn(void *ctx, struct db *db, const PGresult *r, int row);

/* Runs `select_from_where` (SELECT the row's columns FROM ... WHERE ...,
 * with its own parameters already in pp) as page pg: the keys are selected
 * after the row's columns (from column key_col), the cursor's condition,
 * order and limit appended. Then, with pg->count, counts every match with
 * count_sql (the same parameters). Fills end as sq_page_run does. */
enum store_status pg_page_run(struct db *db, const struct page *pg, const struct pg_columns *c,
                              const char *select, const char *from_where, const char *count_sql,
                              struct pg_params *pp, pg_row_fn *row, void *rctx, int key_col,
                              struct page_end *end);

#endif
