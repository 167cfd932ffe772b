/* guard — closes connections that hold a slot without making progress.
 *
 * libmicrohttpd 0.9.75 has only an idle timeout, which every trickled byte
 * resets: a client that sends one header line every few seconds keeps its
 * connection for ever, and a thousand such clients lock everyone else out.
 * This module adds two deadlines of its own:
 *   - a connection must deliver a request's complete headers within
 *     `header_timeout` seconds of being accepted or of the end of its
 *     previous request (keep-alive), however it trickles;
 *   - a request body must keep arriving at `body_min_rate` bytes a second
 *     on average, counted from the end of the headers after a grace of
 *     `header_timeout` seconds: by t seconds it must have sent at least
 *     body_min_rate * (t - header_timeout) bytes.
 * One thread checks every connection four times a second and shuts down
 * (shutdown(2), never close) the socket of one past its deadline; the
 * server then sees the end of the stream and closes the connection itself.
 *
 * Ownership: guard_opened returns an entry owned by the guard, which the
 * HTTP layer keeps as the connection's socket context and hands back to
 * guard_closed exactly once, when libmicrohttpd reports the connection
 * closed (before it closes the socket, so a shutdown under the guard's lock
 * never touches a reused descriptor). Every function is thread-safe.
 */
#ifndef PLEDGED_GUARD_H
#define PLEDGED_GUARD_H

#include <stdbool.h>
#include <stddef.h>

struct guard_conn;

/* Starts the checking thread. False when it cannot start. */
bool guard_start(unsigned header_timeout, unsigned body_min_rate);
/* Stops it; entries still open are freed by their guard_closed. */
void guard_stop(void);

struct guard_conn *guard_opened(int fd);
void guard_closed(struct guard_conn *g);
/* The request's headers are complete: its body clock starts. */
void guard_headers_done(struct guard_conn *g);
/* n body bytes arrived. */
void guard_body(struct guard_conn *g, size_t n);
/* The request is read and being answered: no deadline until it ends. */
void guard_answering(struct guard_conn *g);
/* The request ended; the next one's headers clock starts. */
void guard_request_done(struct guard_conn *g);

/* Connections closed for missing a deadline since start (for /metrics). */
unsigned long guard_closed_slow(void);

#endif
