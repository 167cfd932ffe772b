/* exchange — one request's and one connection's state inside the HTTP
 * layer, and the look-ups on a libmicrohttpd connection that http.c and
 * dispatch.c share. Private to server/http/.
 *
 * Ownership: an exchange is made by exchange_new on a request's first
 * callback and freed by http.c when libmicrohttpd reports the request
 * complete; a conn_state lives from accept to close (http.c).
 */
#ifndef PLEDGED_HTTP_EXCHANGE_H
#define PLEDGED_HTTP_EXCHANGE_H

#include "api.h"
#include "buf.h"
#include "guard.h"
#include "request.h"

#include <microhttpd.h>
#include <stdbool.h>
#include <time.h>

#define LOG_PATH_MAX 512

/* One connection's state, from accept to close: its guard entry, and
 * whether the request being read had a %00 in its URL (the C strings
 * libmicrohttpd hands over cannot carry the NUL itself). */
struct conn_state {
    struct guard_conn *guard;
    bool nul_seen;
};

/* One request's state, from its first access-handler call to completion. */
struct exchange {
    struct timespec start;      /* CLOCK_MONOTONIC at the first call */
    char request_id[72];
    char method[16];
    char path[LOG_PATH_MAX];    /* for the access log, truncated */
    struct buf body;            /* capped at cfg.max_body */
    bool too_large;             /* the body went past the cap */
    bool answered;              /* a response is queued already */
    bool late;                  /* began after shutdown started: gets 503 */
    bool refused;               /* a 413 went out mid-body; the rest is discarded */
    size_t discarded;           /* body bytes thrown away after the 413 */
    char client_ip[48];         /* the peer, or the client a trusted proxy names */
    int route;                  /* index in routes[], -1 when none matched */
    unsigned status;            /* for the log */
    size_t bytes;               /* body bytes sent, for the log */
    struct offloaded *offloaded; /* a write running off the worker (http.c), or NULL */
};

/* A new exchange for a request (NULL when out of memory): its start time,
 * request id (a client's valid X-Request-Id, or ours), client address, and
 * whether it began after the stop did. Counted in g_app.in_flight. */
struct exchange *exchange_new(struct MHD_Connection *c, const char *method, const char *url);

/* Microseconds since the exchange began. */
long long elapsed_us(const struct exchange *ex);

/* The connection's state (NULL when it has none). */
struct conn_state *conn_state_of(struct MHD_Connection *c);

/* A request header's value, or NULL. */
const char *header(struct MHD_Connection *c, const char *name);

/* The allowed origin a browser sent (the value to echo, or "*"), or NULL
 * when the request has no Origin or it is not allowed (--cors-origin). */
const char *cors_origin(struct MHD_Connection *c);

/* A request read off its connection (http_gather), ready to route. Its
 * strings are libmicrohttpd's, in the connection's memory, valid until
 * the request completes; the connection must not be read meanwhile by
 * anyone else, which a suspended connection is not. */
struct gathered {
    struct request rq;
    bool preflight; /* OPTIONS from an allowed Origin, with Access-Control-Request-Method */
    char params[1024]; /* rq.params' text, once routed */
};

/* Reads what routing needs off the connection into g and makes the
 * checks every request gets; false after filling rs with the answer. On
 * the connection's worker thread. */
bool http_gather(struct MHD_Connection *c, struct exchange *ex, const char *method,
                 const char *url, struct gathered *g, struct response *rs);
/* Routes a gathered request and fills rs with its answer; sets ex->route.
 * A route that writes is only prepared when `write` is given: its checks
 * are made here (api_prepare) and, when they pass, true is returned
 * without an answer, and the caller runs the handler (api_call_run) where
 * it may wait for the writer (offload.h). Reads nothing of the
 * connection. The caller releases the thread's reader after it. */
bool http_route(struct exchange *ex, const char *method, const char *url, struct gathered *g,
                struct response *rs, struct api_call *write);

#endif
