/* search — the filters of the announcement and pledge lists (and of the
 * stats, which take the pledge filters), read from the query string.
 *
 * filter_parse checks every value (all bad ones are reported together, 400)
 * and fills a record_filter (store.h) of plain values; the store turns it
 * into its own query. Nothing here runs a query.
 */
#ifndef PLEDGED_SEARCH_H
#define PLEDGED_SEARCH_H

#include "request.h"
#include "store.h"

#include <stdbool.h>
#include <stdint.h>

/* Reads the filters for `target` from rq into f, whose strings are
 * borrowed from rq; false after answering 400. */
bool filter_parse(const struct request *rq, struct response *rs, struct record_filter *f,
                  enum filter_target target);

/* Path ids are positive integers. */
bool id_param(const char *text, int64_t *id);

#endif
