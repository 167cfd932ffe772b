/* stats — the totals behind /v1/stats/totals, shared by its JSON, CSV and
 * SVG answers.
 *
 * Ownership: as said per function, in jansson's words (new reference).
 */
#ifndef PLEDGED_STATS_H
#define PLEDGED_STATS_H

#include "request.h"

#include <jansson.h>

/* Computes the totals for rq's group_by and pledge filters: 0 with *doc (new
 * ref: {group_by, rows, total}) and *group (static), or -1 after answering
 * 400 or 500. */
int stats_totals(const struct request *rq, struct response *rs, const char **group,
                 json_t **doc);

#endif
