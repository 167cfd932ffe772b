/* router — maps a method and a path to a handler.
 *
 * Routes are a static table (routes.c) of {method, pattern, handler} and
 * the checks each route declares, which api_run (api.h) makes once before
 * the handler: the token it needs, the query parameters it takes, the body
 * it reads and whether an Idempotency-Key is honoured. A pattern's
 * segments are literal or `{name}`, which matches one non-empty segment and
 * is handed to the handler as a path parameter, in order.
 * Matching walks the table: it is short, and a linear scan of a few dozen
 * string compares costs less than the JSON encoding of any answer.
 *
 * Ownership: the table and its strings are static; router_match writes
 * the path parameters into the caller's `store`, which they borrow.
 */
#ifndef PLEDGED_ROUTER_H
#define PLEDGED_ROUTER_H

#include "request.h"

#include <stddef.h>

enum route_auth {
    ROUTE_OPEN,           /* anyone (with --private, reads need a token: http.c) */
    ROUTE_WRITER,         /* a valid read-write token: 401 / 403 otherwise */
    ROUTE_TOKEN,          /* any valid token, read-only too (a POST that writes nothing) */
};

enum route_body {
    ROUTE_NO_BODY,        /* the body is not read */
    ROUTE_JSON,           /* an application/json object, parsed into rq->json */
    ROUTE_MERGE_PATCH,    /* the same, or application/merge-patch+json */
};

struct route {
    const char *method;   /* "GET", "POST", "PUT", "PATCH" or "DELETE" */
    const char *pattern;  /* "/v1/companies/{slug}" */
    handler_fn *handler;
    enum route_auth auth;
    const char *const *query; /* the query parameters taken, NULL-terminated; NULL: none */
    enum route_body body;
    bool idempotent;      /* an Idempotency-Key is honoured (api_write) */
    bool any_query;       /* query parameters are ignored, whatever they are */
};

extern const struct route routes[];
extern const size_t routes_count;

enum route_match { ROUTE_FOUND, ROUTE_NO_PATH, ROUTE_NO_METHOD };

/* Finds the route for method and path. On ROUTE_FOUND sets *out and copies
 * the path parameters into `store` (params point into it). On
 * ROUTE_NO_METHOD writes the methods the path does allow, comma-separated,
 * to `allow`. HEAD matches GET routes. */
enum route_match router_match(const char *method, const char *path, const struct route **out,
                              const char *params[REQUEST_MAX_PARAMS], char *store,
                              size_t store_len, char *allow, size_t allow_len);

#endif
