/* respond — building answers: JSON documents, ETags and RFC 9457 problems.
 *
 * Every function fills a `struct response`; any body it had is replaced.
 * Functions that take a json_t * *steal* it (as json_object_set_new does).
 */
#ifndef PLEDGED_RESPOND_H
#define PLEDGED_RESPOND_H

#include "buf.h"
#include "request.h"

#include <jansson.h>
#include <stdbool.h>

#define ETAG_LEN 35 /* '"' + 32 hex digits + '"' + NUL */

/* A JSON answer with the given status. Steals doc. */
void respond_json(struct response *rs, unsigned status, json_t *doc);

/* A JSON answer to a GET with a strong ETag (a hash of the body); answers 304
 * without a body when If-None-Match names that ETag. Steals doc. */
void respond_json_get(const struct request *rq, struct response *rs, json_t *doc);

/* Adds the strong ETag of a 200 answer's body, and turns the answer into a
 * bodiless 304 when If-None-Match names it. */
void respond_with_etag(const struct request *rq, struct response *rs);

/* Turns a 200 answer that carries an ETag header into a bodiless 304 when
 * the request's If-None-Match names that ETag. */
void respond_not_modified_if(const struct request *rq, struct response *rs);

/* Adds the ETag of the answer's body (after a write: the new version). */
void respond_etag(struct response *rs);

/* An answer with a body given as bytes (copied). */
void respond_bytes(struct response *rs, unsigned status, const char *content_type,
                   const char *body, size_t len);

/* A problem document: type is "/problems/<type>", title a fixed sentence for
 * the type, detail the formatted text. */
void respond_problem(struct response *rs, unsigned status, const char *type,
                     const char *title, const char *detail_fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The same with more members (an object, stolen) after the standard ones,
 * such as a 410's deleted_at. */
void respond_problem_with(struct response *rs, unsigned status, const char *type,
                          const char *title, json_t *members, const char *detail_fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* 422 with every field error of `errors` (an array from jsonx_error_add).
 * Steals errors. */
void respond_invalid(struct response *rs, const char *title, json_t *errors);

/* 400 naming a query parameter. */
void respond_bad_param(struct response *rs, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* 400 listing every bad query parameter of `errors` (an array from
 * jsonx_error_add, field = parameter name). Steals errors. */
void respond_bad_params(struct response *rs, json_t *errors);

/* 400 listing every bad part of the path ({currency}, {date}; field = the
 * part's name), with type /problems/bad-path. Steals errors. */
void respond_bad_path(struct response *rs, json_t *errors);

/* `status` with b's contents as an application/json body (taken: b is
 * left empty), as respond_json does with a tree; for answers written with
 * jsonw.h. */
void respond_json_buf(struct response *rs, unsigned status, struct buf *b);

/* 500 without internals (503 with Retry-After when another process held
 * the database's lock: see store_take_busy); the cause goes to the log
 * with the request id. */
void respond_internal(const struct request *rq, struct response *rs, const char *what);
/* 503 with Retry-After: another process holds the database's write lock,
 * or (PostgreSQL) the server cannot be reached for the moment. */
void respond_busy(const struct request *rq, struct response *rs);

/* Adds a header (value formatted, owned by the response). Silently ignored
 * past RESPONSE_MAX_HEADERS, which the handlers here never reach. */
void respond_header(struct response *rs, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The strong ETag of a body: a quoted 128-bit SipHash (fixed key) in hex. */
void etag_of(const char *body, size_t len, char out[ETAG_LEN]);

/* Whether an If-Match / If-None-Match header value names `etag` (a list of
 * entity tags separated by commas, or "*"). `weak` compares W/ tags by their
 * opaque part, as If-None-Match does; If-Match uses strong comparison. */
bool etag_listed(const char *header, const char *etag, bool weak);

#endif
