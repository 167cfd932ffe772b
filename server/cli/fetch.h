/* fetch — one HTTP(S) GET with libcurl, as `pledged rates update` needs it:
 * TLS verification on (libcurl's default, never turned off here), a
 * connect and a total timeout, at most FETCH_MAX_REDIRECTS redirects over
 * http or https only, a User-Agent naming pledged and its version, a cap on
 * the body (a larger one is refused as it arrives, not after), and
 * conditional requests (If-None-Match / If-Modified-Since from the last
 * file's validators; a 304 means nothing is new).
 *
 * Ownership: a fetch_result owns its body (malloc'd); fetch_result_free
 * frees it. Thread-safe once fetch_global_init has run (main calls it). */
#ifndef PLEDGED_FETCH_H
#define PLEDGED_FETCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#define FETCH_MAX_REDIRECTS 3
#define FETCH_MAX_BYTES (64u << 20) /* the ECB's full history is about 600 KB zipped */

struct fetch_request {
    const char *url;
    const char *etag;            /* sent as If-None-Match; NULL or "" for none */
    const char *last_modified;   /* sent as If-Modified-Since; NULL or "" for none */
    long connect_timeout_s;      /* 0: 10 s */
    long total_timeout_s;        /* 0: 120 s */
    size_t max_bytes;            /* 0: FETCH_MAX_BYTES */
    const atomic_bool *cancel;   /* when set (e.g. at SIGTERM) the transfer stops; may be NULL */
};

struct fetch_result {
    long status;                 /* HTTP status; 0 when no answer came */
    char *body;                  /* owned, NUL-terminated; NULL unless 200 */
    size_t len;
    char etag[256], last_modified[128]; /* of the answer, "" when absent */
    char error[300];             /* why it failed, one line; "" on success */
};

void fetch_global_init(void);

/* True for a 200 (body set) or a 304 (nothing new); false with error set
 * for anything else: a network or TLS failure, a timeout, a body over the
 * cap, an HTTP error status. */
bool fetch_get(const struct fetch_request *rq, struct fetch_result *out);
void fetch_result_free(struct fetch_result *r);

#endif
