/* h_drafts — POST /v1/drafts: the record proposed for a news article
 * (drafts.h), for any valid token, read-only ones included: it writes
 * nothing. 422 lists every bad field; 413 past --max-body and 400 for
 * invalid UTF-8 come before the handler (the body and its JSON). */
#include "drafts.h"
#include "draft/input.h"
#include "handlers.h"
#include "jsonx.h"
#include "respond.h"

void h_drafts_create(const struct request *rq, struct response *rs)
{
    json_t *errors = json_array();
    struct draft_request req;
    draft_input_parse(rq->json, &req, errors);
    if (json_array_size(errors)) {
        respond_invalid(rs, "Invalid draft request", errors);
        return;
    }
    json_decref(errors);
    struct db *db = store_reader();
    json_t *draft = NULL;
    const char *why = NULL;
    enum store_status st = db ? drafts_answer(db, &req, &draft, &why) : STORE_ERROR;
    if (st == STORE_OK) {
        respond_json(rs, 200, draft);
    } else if (st == STORE_ABORTED && why) {
        errors = json_array();
        jsonx_error_add(errors, "text", "%s", why);
        respond_invalid(rs, "Invalid draft request", errors);
    } else {
        respond_internal(rq, rs, "draft failed");
    }
}
