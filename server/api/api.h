/* api — what stands between a route and its handler: the checks each route
 * declares (router.h), made once by api_run before the handler (the bearer
 * token, the query string, the JSON body), and the helpers write handlers
 * share (api_write: a store transaction with its Idempotency-Key; If-Match;
 * DELETE by id). A check that fails has answered with the right problem.
 */
#ifndef PLEDGED_API_H
#define PLEDGED_API_H

#include "render.h"
#include "request.h"
#include "router.h"
#include "store.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Makes the route's checks on rq (setting rq->json and rq->idempotent),
 * then calls its handler; releases the parsed body afterwards. */
void api_run(const struct route *route, const struct request *rq, struct response *rs);

/* api_run in two steps, for a handler called on another thread than the
 * one that made the checks (a write, off the HTTP workers: offload.h). */
struct api_call {
    const struct route *route;
    struct request checked;  /* rq, with what the checks set; its json is owned */
    char actor[STORE_TOKEN_NAME_MAX + 1];
};
/* Makes the route's checks on rq into call; false after answering rs.
 * True: api_call_run must follow (it releases what this took). The
 * strings of rq must outlive that call. */
bool api_prepare(const struct route *route, const struct request *rq, struct response *rs,
                 struct api_call *call);
/* Calls the prepared handler and releases the parsed body. */
void api_call_run(struct api_call *call, struct response *rs);

/* The one way a handler writes: runs body(db, ctx) in a store_write
 * transaction, around it the Idempotency-Key's replay and record when the
 * route honours one, and answers 500/503 (logged as `what`) when the
 * store fails. The body answers everything else itself. */
void api_write(const struct request *rq, struct response *rs, store_tx_fn *body, void *ctx,
               const char *what);

/* Answers 200 with one record written by render (render.h) and its ETag,
 * or 500 logged as `what` when it cannot be written. `hint`: its usual
 * size, reserved at once. */
void api_answer_record(const struct request *rq, struct response *rs, render_fn *render,
                       const void *record, size_t hint, const char *what);

/* For reads of a --private server: 401 unless any valid token is given. */
bool api_require_reader(const struct request *rq, struct response *rs);

/* The value of query parameter `name`, or NULL when absent. */
const char *api_query(const struct request *rq, const char *name);

/* For PATCH, PUT and DELETE: when the request has If-Match and it does not
 * name the ETag of `current` (the resource's representation now), fills rs
 * with 412 and returns false. */
bool api_check_if_match(const struct request *rq, struct response *rs, const json_t *current);

/* A record's representation (*out, new ref) by id, or STORE_NOT_FOUND. */
typedef enum store_status store_load_fn(struct db *db, int64_t id, json_t **out);
typedef enum store_status store_delete_fn(struct db *db, int64_t id);

/* Answers 404 for the id in the path, or 410 when it was deleted (db: the
 * connection to look in). */
typedef void api_not_found_fn(struct db *db, struct response *rs, const char *id);

/* DELETE of a resource addressed by a positive integer id in the path:
 * loads it, honours If-Match and deletes it, in one store_write; 204, 404
 * through not_found, 412, or 500/503 logged as `what`. */
void api_delete_by_id(const struct request *rq, struct response *rs, store_load_fn *load,
                      store_delete_fn *del, api_not_found_fn *not_found,
                      const char *what);

/* Validates doc and writes it as record `id` (0: a new one), answering the
 * request with the stored record (201 with Location for a new one, 200) or
 * the client's mistake. Runs inside an api_write transaction. */
typedef enum store_status api_save_fn(struct db *db, const struct request *rq,
                                      struct response *rs, int64_t id, const json_t *doc);

/* POST of a record: save(rq->json) as a new one, in one api_write. */
void api_create(const struct request *rq, struct response *rs, api_save_fn *save,
                const char *what);

/* PATCH of a record addressed by a positive integer id in the path, in one
 * api_write: loads it, honours If-Match, merges rq->json (RFC 7396) into
 * as_input(current) and hands the merged document to save, which writes
 * and answers. 404 through not_found. */
struct api_patch {
    store_load_fn *load;
    json_t *(*as_input)(const json_t *rendered);
    api_save_fn *save;
    api_not_found_fn *not_found;
    const char *what;
};
void api_patch_by_id(const struct request *rq, struct response *rs, const struct api_patch *p);

#endif

