/* revise — recording revisions (store_history.h) from the API's side: the
 * store stamps rows and writes tombstones; a 'create' or 'update' revision
 * needs the record's representation, which only the API renders. Called
 * inside the write's transaction (a store_write body or the command
 * line's), after the change. Also the 410 Gone answer of a deleted record
 * and the baseline of records that predate history.
 *
 * Ownership: everything given is borrowed for the call.
 */
#ifndef PLEDGED_REVISE_H
#define PLEDGED_REVISE_H

#include "request.h"
#include "store.h"

/* The revision of a company or pledge just written, whose representation
 * (as answered) is `json`: a company's when its version is not recorded yet
 * (a PATCH that changes nothing makes none); a pledge's always (its every
 * write is a new version). */
enum store_status revise_company(struct db *db, const struct store_company *c,
                                 const char *json, const char *now);
enum store_status revise_pledge(struct db *db, const struct store_pledge *p, const char *json,
                                const char *now);
/* The same for company `slug`, read back (the command line's import). */
enum store_status revise_new_company(struct db *db, const char *slug, const char *now);
/* An announcement just written and each of its pledges whose version is
 * not recorded yet (created, or following the announcement's new date);
 * `created`: it and all its pledges are new (no need to ask). The
 * announcement's revision holds it without its pledges (each has its own
 * history). */
enum store_status revise_announcement(struct db *db, int64_t id, bool created, const char *now);

/* When (resource, id) was deleted, answers 410 Gone naming deleted_at,
 * deleted_by and its history, and returns true; false (nothing answered)
 * otherwise. `path` is the record's path, "/v1/pledges/42". */
bool revise_respond_gone(struct db *db, struct response *rs, enum store_resource r, int64_t id,
                         const char *path);

/* The same for `id_text` of a path /v1/COLLECTION/{id}; false when it is
 * not an id or was not deleted (db NULL: false). */
bool revise_respond_gone_id(struct db *db, struct response *rs, enum store_resource r,
                            const char *collection, const char *id_text);

/* Migration 0011 (store_set_baseline): a 'baseline' revision of every
 * record without one, at its updated_at. */
bool revise_baseline(struct db *db, char *err, size_t errlen);

#endif
