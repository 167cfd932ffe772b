/* app — the daemon's configuration and the little global state it keeps.
 *
 * One `struct app` exists per process (g_app). It is filled by main.c before
 * the HTTP server starts and read-only afterwards, except for the atomics.
 */
#ifndef PLEDGED_APP_H
#define PLEDGED_APP_H

#include "net.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#define PLEDGED_VERSION "0.1.0"

struct config {
    const char *db_path;     /* SQLite file; created when missing */
    const char *bind;        /* numeric IPv4 or IPv6 address to listen on */
    unsigned port;           /* 0 asks the OS for a free port (tests) */
    unsigned threads;        /* HTTP worker threads, 1-256 */
    size_t max_body;         /* largest request body accepted, bytes */
    unsigned conn_timeout;   /* seconds a connection may stay silent before it is cut */
    unsigned header_timeout; /* seconds to deliver a request's headers, however trickled */
    unsigned body_min_rate;  /* bytes/s a body must average after header_timeout of grace */
    unsigned max_conns;      /* simultaneous connections in all */
    unsigned max_conns_ip;   /* simultaneous connections from one IP address */
    unsigned max_streams;    /* open event streams (GET /v1/changes as SSE) */
    unsigned ip_rate;        /* requests per second per client IP (burst 2x); 0: off */
    unsigned token_rate;     /* requests per second per API token (burst 2x); 0: off */
    bool access_log;         /* one JSON line per request on stderr */
    bool answer_cache;       /* cache GET answers under /v1/ (see cache.h) */
    long long search_totals_at; /* keep a one-word search's totals from this many pledges */
    long long search_totals_step; /* pledges a step of keeping one counts */
    bool private_mode;       /* reads need a token too (all but /healthz, /readyz) */
    const char *cors_origins[16]; /* origins browsers may read from; "*" for any */
    size_t n_cors;
    struct net_cidr trusted_proxies[16]; /* peers whose X-Forwarded-For is believed */
    size_t n_trusted;
    const char *fed_url, *ecb_url; /* where rates update reads the publishers' files */
    const char *rates_source;      /* rates update --source: fed, ecb or all */
    const char *rates_since;       /* rates update --since: YYYY-MM-DD or NULL */
    unsigned rates_refresh_s;      /* serve --rates-refresh: seconds between updates; 0: off */
    long rates_timeout_s;          /* per download (PLEDGED_RATES_TIMEOUT); 0: 120 */
    size_t rates_max_bytes;        /* largest file (PLEDGED_RATES_MAX_BYTES); 0: 64 MiB */
};

struct app {
    struct config cfg;
    atomic_bool shutting_down;     /* set on SIGTERM/SIGINT: new requests get 503 */
    atomic_int in_flight;          /* requests being handled now */
    atomic_uint_fast64_t requests; /* requests seen, for request ids */
    char instance[9];              /* random hex per process, prefix of request ids */
};

extern struct app g_app;

#endif
