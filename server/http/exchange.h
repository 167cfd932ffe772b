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

/* Routes a complete request through its checks and handler (dispatch.c)
 * and fills rs. */
void http_dispatch(struct MHD_Connection *c, struct exchange *ex, const char *method,
                   const char *url, struct response *rs);

#endif
