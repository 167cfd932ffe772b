/* api — checks every handler makes before its real work: the bearer token,
 * the JSON body, and the query string. Each returns false (or NULL) after
 * filling the response with the right problem, so a handler reads:
 *
 *     if (!api_require_token(rq, rs)) return;
 */
#ifndef PLEDGED_API_H
#define PLEDGED_API_H

#include "request.h"
#include "store.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* For writes: 401 with WWW-Authenticate unless the request carries a valid
 * token, 403 when it is read-only. */
bool api_require_token(const struct request *rq, struct response *rs);

/* For reads of a --private server: 401 unless any valid token is given. */
bool api_require_reader(const struct request *rq, struct response *rs);

/* The body as a JSON object (new reference). 415 unless the content type is
 * application/json (or application/merge-patch+json when merge_patch), 400
 * for malformed JSON, duplicate keys or a non-object. */
json_t *api_json_body(const struct request *rq, struct response *rs, bool merge_patch);

/* The value of query parameter `name`, or NULL when absent. */
const char *api_query(const struct request *rq, const char *name);

/* 400 naming the first query parameter that is not in `allowed` (a NULL
 * terminated list) or that is given twice. */
bool api_query_check(const struct request *rq, struct response *rs,
                     const char *const allowed[]);

/* For PATCH, PUT and DELETE: when the request has If-Match and it does not
 * name the ETag of `current` (the resource's representation now), fills rs
 * with 412 and returns false. */
bool api_check_if_match(const struct request *rq, struct response *rs, const json_t *current);

/* DELETE of a resource addressed by a positive integer id in the path:
 * loads it (load: 1 found, 0 not, -1 error), honours If-Match, deletes it
 * with del, all in one writer transaction; 204, 404 through not_found, 412,
 * or 500 logged as `what`. */
void api_delete_by_id(const struct request *rq, struct response *rs,
                      int (*load)(struct db *db, int64_t id, json_t **out),
                      bool (*del)(struct db *db, int64_t id),
                      void (*not_found)(struct response *rs, const char *id), const char *what);

/* Idempotency-Key on POST, inside the write's transaction (a store_write
 * body). STORE_OK: go ahead (no key, or one not used yet). STORE_ABORTED:
 * rs is answered (the first answer replayed with "Idempotent-Replayed:
 * true" for the same body, 422 for another body, 400 for a malformed key)
 * and the transaction is to be rolled back. Anything else: the look-up
 * failed. */
enum store_status api_idempotent_replay(const struct request *rq, struct response *rs,
                                        struct db *db);
/* Records a successful answer under the request's key (STORE_OK without
 * one), in the same transaction as the write it answers. */
enum store_status api_idempotent_store(const struct request *rq, const struct response *rs,
                                       struct db *db);

/* After store_write: when st is store_failed, replaces whatever the body
 * answered with 500 (503 when the database was busy), logging `what`. */
void api_answer_failure(const struct request *rq, struct response *rs, enum store_status st,
                        const char *what);

#endif

