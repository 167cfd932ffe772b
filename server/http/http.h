/* http — the libmicrohttpd server: connections in, handler calls, responses
 * out. With sse.c, the only file that includes microhttpd.h.
 *
 * Per request: the first call of the access handler (headers only) sets up
 * an exchange and, for a declared body over the limit, answers 413 at once;
 * later calls collect the body into a capped buffer; the last one builds a
 * `struct request`, routes it and queues the answer. A write is checked
 * there, then its handler runs on the offload pool (offload.h) while the
 * connection is suspended, and the call after the resume queues the
 * answer. Answers are never
 * queued on the first call otherwise, because libmicrohttpd 0.9.75 then
 * closes the connection and keep-alive is lost. A completion callback logs
 * the request and frees the exchange. An event stream (sse.h) is sent by
 * its own content reader; sse.c is the other file that calls
 * libmicrohttpd.
 */
#ifndef PLEDGED_HTTP_H
#define PLEDGED_HTTP_H

#include "app.h"

#include <stdbool.h>
#include <stddef.h>

struct http_server;

/* Opens the listening socket on cfg's address and port (no SO_REUSEPORT:
 * a port in use is an error). The fd, or -1 with a one-line reason. Done
 * before the database is opened, so a second daemon touches nothing. */
int http_listen(const struct config *cfg, char *err, size_t errlen);

/* Serves on listen_fd (which the server owns from now on, even on failure
 * after this returns a server) with cfg's thread pool and limits, and the
 * connection guard (guard.h). NULL with a message in err on failure. */
struct http_server *http_start(const struct config *cfg, int listen_fd, char *err,
                               size_t errlen);

/* The port actually bound (useful with port 0). */
unsigned http_port(const struct http_server *s);

/* Stops accepting new connections; open ones are served (with 503 and
 * "Connection: close" once g_app.shutting_down is set). */
void http_quiesce(struct http_server *s);

/* Stops the server, waiting for its threads; frees s. */
void http_stop(struct http_server *s);

#endif
