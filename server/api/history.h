/* history — the read side of revisions (issue 14): a record's history and
 * one version of it, and a revision as the API shows it (shared with
 * feed.c). In a history each revision is answered with `changes`, the RFC
 * 7396 merge patch from the version before it.
 *
 * Ownership: revisions and requests are borrowed; history_revision_json
 * returns a new reference.
 */
#ifndef PLEDGED_HISTORY_H
#define PLEDGED_HISTORY_H

#include "request.h"
#include "store.h"

#include <jansson.h>
#include <stdbool.h>

/* GET /v1/{resource}/{id}?version=N: the record as it was at version N. */
void history_answer_version(const struct request *rq, struct response *rs,
                            enum store_resource r, int64_t id);

void h_company_history(const struct request *rq, struct response *rs);
void h_company_history_version(const struct request *rq, struct response *rs);
void h_announcement_history(const struct request *rq, struct response *rs);
void h_announcement_history_version(const struct request *rq, struct response *rs);
void h_pledge_history(const struct request *rq, struct response *rs);
void h_pledge_history_version(const struct request *rq, struct response *rs);

/* "companies", "announcements", "pledges", "rates", "rates": the
 * collection each resource is listed under. */
extern const char *const history_collection[RES_COUNT];

/* The record's path ("/v1/pledges/42", "/v1/companies/acme"). */
void history_record_path(const struct store_revision *r, char *out, size_t len);

/* What the revision is of, as members of o: "id", "slug", "key" or
 * "source". */
void history_identify(json_t *o, const struct store_revision *r);

/* A revision as answered: prev is the version before's record (NULL when
 * there is none: changes are then the whole record); with_record adds the
 * record after the change. */
json_t *history_revision_json(const struct store_revision *r, const char *prev, bool with_record);

#endif
