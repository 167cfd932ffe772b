/* drafts — the draft of an article (lib/draft) with what needs the
 * database: the known companies it is read against, and the recorded
 * announcements it probably reports (`matches`, best first), with, when
 * the best is close enough (MATCH_PROPOSE), a `proposal` to add the
 * article to it as a source and its sentences as evidence, as the bodies
 * of the PATCH requests that do it. POST /v1/drafts (h_drafts.c) and
 * `pledged draft` (cli/draft_cmd.c) answer with it. Reads only.
 *
 * Ownership: *out is a new reference; req's strings stay the caller's.
 */
#ifndef PLEDGED_DRAFTS_H
#define PLEDGED_DRAFTS_H

#include "draft/draft.h"
#include "store.h"

#include <jansson.h>

/* The whole answer for req (its companies are filled here from db) into
 * *out. STORE_OK; STORE_ABORTED with *why for text that is not valid
 * UTF-8 or is empty; or the store's failure. */
enum store_status drafts_answer(struct db *db, struct draft_request *req, json_t **out,
                                const char **why);

#endif
