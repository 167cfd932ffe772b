/* page — what the API does with a list's page: reads sort, limit, cursor
 * and count from the query string into a `struct page` (store.h), turns
 * the store's resume position into an opaque cursor, and answers the page
 * as JSON or CSV with a Link rel="next" header.
 *
 * A cursor holds the canonical sort and the key values of the last row
 * served, base64url-encoded; one given out for another sort is refused.
 */
#ifndef PLEDGED_PAGE_H
#define PLEDGED_PAGE_H

#include "request.h"
#include "store.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define PAGE_DEFAULT_LIMIT 50
#define PAGE_MAX_LIMIT 500

/* Reads sort, limit, cursor and count from the query string, sorting by
 * `fields` (a table ending with {NULL}). On a bad value fills rs with a 400
 * naming the parameter and returns false. Call page_free in all cases. */
bool page_parse(const struct request *rq, struct response *rs,
                const struct sort_field *fields, const char *default_sort, struct page *out);
void page_free(struct page *p);

/* Answers a page the store has read with status `st`: 500/503 (logging
 * `what`) when store_failed, else the page as CSV with `columns` when csv,
 * else as JSON. Steals data and end->next_after. */
void page_answer(const struct request *rq, struct response *rs, enum store_status st,
                 const struct page *pg, bool csv, json_t *data, const char *const columns[],
                 struct page_end *end, const char *what);

#endif
