/* feed — what changed across records: tombstones of deleted records
 * (GET /v1/deleted, so that mirrors can drop them) and every revision in
 * commit order (GET /v1/changes), keyset-paged as JSON or streamed as
 * Server-Sent Events (sse.h) with Accept: text/event-stream.
 */
#ifndef PLEDGED_FEED_H
#define PLEDGED_FEED_H

#include "request.h"

void h_deleted(const struct request *rq, struct response *rs);
void h_changes(const struct request *rq, struct response *rs);

#endif
