/* history — the read side of revisions (issue 14): a record's history,
 * one version of it, the tombstones (GET /v1/deleted) and the change feed
 * (GET /v1/changes). Each revision is answered with `changes`, the RFC
 * 7396 merge patch from the version before it.
 */
#ifndef PLEDGED_HISTORY_H
#define PLEDGED_HISTORY_H

#include "request.h"
#include "store.h"

/* GET /v1/{resource}/{id}?version=N: the record as it was at version N. */
void history_answer_version(const struct request *rq, struct response *rs,
                            enum store_resource r, int64_t id);

void h_company_history(const struct request *rq, struct response *rs);
void h_company_history_version(const struct request *rq, struct response *rs);
void h_announcement_history(const struct request *rq, struct response *rs);
void h_announcement_history_version(const struct request *rq, struct response *rs);
void h_pledge_history(const struct request *rq, struct response *rs);
void h_pledge_history_version(const struct request *rq, struct response *rs);
void h_deleted(const struct request *rq, struct response *rs);
void h_changes(const struct request *rq, struct response *rs);

#endif
