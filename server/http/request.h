/* request — the plain request and response that handlers see.
 *
 * Handlers never touch libmicrohttpd: http.c turns a connection into a
 * `struct request`, calls the route's handler, and turns the filled
 * `struct response` into bytes. That keeps handlers small and lets them be
 * driven without sockets.
 *
 * Ownership: every pointer in a request is borrowed and valid for the
 * handler's call only. A response owns its body and header values; they are
 * freed by response_free (http.c calls it).
 */
#ifndef PLEDGED_REQUEST_H
#define PLEDGED_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define REQUEST_MAX_PARAMS 4
#define REQUEST_MAX_QUERY 32
#define RESPONSE_MAX_HEADERS 8

struct query_arg {
    const char *key;
    const char *value; /* "" for a key given without '=' */
};

struct request {
    const char *method;   /* "GET", "POST", ... ("GET" for HEAD) */
    const char *path;     /* decoded, without the query string */
    const char *params[REQUEST_MAX_PARAMS]; /* path parameters, pattern order */
    struct query_arg query[REQUEST_MAX_QUERY];
    size_t n_query;
    const char *content_type, *authorization, *if_match, *if_none_match;
    const char *accept, *idempotency_key, *last_event_id;
    const char *body;     /* NUL-terminated; "" when none */
    size_t body_len;
    const char *request_id;
    const char *client_ip;  /* the peer, or the client a trusted proxy names */
    /* Set by api_run from the route, before the handler: */
    json_t *json;           /* the body parsed, for routes that read one (borrowed) */
    bool idempotent;        /* the route honours Idempotency-Key */
    const char *actor;      /* the write token's name ("" for reads; borrowed) */
};

struct header {
    const char *name;     /* static string */
    char *value;          /* owned */
};

struct response {
    unsigned status;
    char *body;           /* owned, malloc'd; NULL for none */
    size_t body_len;
    const char *content_type; /* static string; NULL when no body */
    struct sse *stream;   /* owned: an event stream sent instead of body (sse.h) */
    struct header headers[RESPONSE_MAX_HEADERS];
    size_t n_headers;
};

typedef void handler_fn(const struct request *rq, struct response *rs);

void response_free(struct response *rs);

#endif
