/* sse — Server-Sent Events: answers that stay open and carry events as
 * they happen (GET /v1/changes with Accept: text/event-stream).
 *
 * A handler opens a stream (sse_open) with a fill function and puts it in
 * its response (response.stream); the HTTP layer sends it with a content
 * reader (sse_reader). One hub thread calls every stream's fill when the
 * store commits (sse_notify), and at least once a second for commits made
 * by other processes, and writes a comment line to a stream that has been
 * silent for 15 s so that idle connections and proxies keep it open. A
 * stream with nothing to send suspends its connection, so it holds no
 * worker thread; the hub resumes it when there is something. At shutdown
 * (sse_shutdown) every stream is ended cleanly, as a complete chunked
 * answer.
 *
 * Ownership: a stream belongs to the response that carries it until the
 * HTTP layer hands it to libmicrohttpd (sse_reader's free callback then
 * releases it, and its ctx through free_ctx); a response freed before that
 * releases it with response_free.
 */
#ifndef PLEDGED_SSE_H
#define PLEDGED_SSE_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sse;

/* Appends what is new to out, as whole events. Runs on the hub thread (and
 * once in sse_open's caller, for what is there already). False ends the
 * stream after what out holds. */
typedef bool sse_fill_fn(void *ctx, struct buf *out);

/* Starts the hub with a cap of max streams open at once. */
bool sse_start(unsigned max);
/* Ends every stream (what each holds is sent first) and stops the hub;
 * call before the HTTP server stops. Idempotent. */
void sse_shutdown(void);

/* A new stream, which owns ctx from now on (free_ctx releases it), with
 * fill already called once; NULL when the cap is reached or out of memory
 * (ctx released then too). */
struct sse *sse_open(sse_fill_fn *fill, void (*free_ctx)(void *), void *ctx);
/* Releases a stream that was never handed to the HTTP layer. */
void sse_discard(struct sse *s);

/* Something was committed: fill every stream now. Cheap; any thread. */
void sse_notify(void);

/* Streams open now (GET /metrics). */
unsigned sse_open_count(void);

/* For http.c: the stream is sent on connection `conn` (a struct
 * MHD_Connection *) with this content reader and free callback. */
void sse_attach(struct sse *s, void *conn);
ssize_t sse_reader(void *cls, uint64_t pos, char *buf, size_t max);
void sse_free(void *cls);

#endif
