/* csv — RFC 4180 answers for list and stats endpoints.
 *
 * Rows are the same JSON objects the JSON answer carries, so the two
 * formats cannot disagree: each column names a field, "a.b" a nested one;
 * a money object ({"currency", "value"}) is written as its plain decimal
 * value, null as an empty field, arrays as their items joined by ';'.
 */
#ifndef PLEDGED_CSV_H
#define PLEDGED_CSV_H

#include "request.h"

#include <jansson.h>

/* 1 when the request asks for CSV (format=csv, or an Accept header that
 * prefers text/csv), 0 for JSON, -1 after answering 400 for a bad format. */
int csv_wanted(const struct request *rq, struct response *rs);

/* A text/csv answer (status 200) with a header row of `columns` (NULL
 * terminated) and one line per object of `rows` (borrowed). */
void respond_csv(struct response *rs, const char *const columns[], const json_t *rows);

#endif
