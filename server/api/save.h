/* save — the rules of writing a whole announcement, shared by its POST and
 * PATCH handlers and by `pledged import`: validate the document, check
 * that its companies exist and its source URLs belong to no other
 * announcement, then write it through the store.
 */
#ifndef PLEDGED_SAVE_H
#define PLEDGED_SAVE_H

#include "store.h"

#include <jansson.h>

/* Saves doc (borrowed; an announcement as POST takes it) as announcement
 * *id (0: a new one, *id set). STORE_OK when written; STORE_ABORTED with
 * field errors added to `errors` (422), or with *conflict (new ref:
 * {field, message, announcement_id}) for a source URL that another
 * announcement has (409); otherwise the store's failure. With *id given,
 * replace_pledges replaces its pledges by doc's; without, they are kept. */
enum store_status announcement_save(struct db *db, const json_t *doc, bool replace_pledges,
                                    const char *now, int64_t *id, json_t *errors,
                                    json_t **conflict);

/* The same for a new announcement restored from an export with history
 * (pledged import): it gets `id` and its pledges pledge_ids[i] (n of them,
 * one a pledge of doc; a count that differs is an error in `errors`). */
enum store_status announcement_restore(struct db *db, const json_t *doc, int64_t id,
                                       const int64_t *pledge_ids, size_t n, const char *now,
                                       json_t *errors, json_t **conflict);

#endif
