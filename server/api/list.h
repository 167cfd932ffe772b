/* list — every list endpoint as data: a list_spec names a resource's
 * filters (a parser), sorts, CSV columns and page reader, and list_answer
 * answers any of them the same way: filters, format, sort, cursor and
 * limit checked (400 naming the parameter), one keyset page read from the
 * store, then JSON ({data, next_cursor, total}) or CSV, with a Link header
 * to the next page.
 */
#ifndef PLEDGED_LIST_H
#define PLEDGED_LIST_H

#include "rates.h"
#include "request.h"
#include "store.h"

#include <jansson.h>
#include <stdbool.h>

/* A list's filter values, whichever resource it lists. */
union list_filter {
    struct record_filter records;           /* announcements, pledges */
    struct store_company_filter companies;
    struct store_rate_filter rates;
};

struct list_spec {
    /* Reads the filters from the query string (strings borrowed from rq);
     * false after answering 400. */
    bool (*parse)(const struct request *rq, struct response *rs, union list_filter *f);
    const struct sort_field *sorts;          /* the store's table */
    const char *default_sort;                /* e.g. "-announced_on" */
    const char *const *columns;              /* CSV columns, NULL-terminated */
    /* Reads one page, appending each row's representation to data. */
    enum store_status (*read)(struct db *db, const union list_filter *f, const struct page *pg,
                              json_t *data, struct page_end *end);
    const char *what;                        /* logged when the store fails */
};

void list_answer(const struct list_spec *spec, const struct request *rq, struct response *rs);

#endif
