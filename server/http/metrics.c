/* metrics — lock-free request counters (see metrics.h). */
#include "metrics.h"

#include "router.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#define MAX_ROUTES 64

static const unsigned statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 409,
                                    412, 413, 415, 422, 429, 500, 503, 0 /* other */};
#define N_STATUS (sizeof statuses / sizeof statuses[0])

/* Upper bounds of the latency buckets, in microseconds. */
static const long long bounds_us[] = {250, 500, 1000, 2500, 5000, 10000, 25000,
                                      50000, 100000, 250000, 500000, 1000000};
#define N_BUCKETS (sizeof bounds_us / sizeof bounds_us[0])

static atomic_uint_fast64_t counts[MAX_ROUTES + 1][N_STATUS]; /* last row: unmatched */
static atomic_uint_fast64_t buckets[N_BUCKETS + 1];            /* last: +Inf only */
static atomic_uint_fast64_t total_us, total_count;

void metrics_record(int route, unsigned status, long long micros)
{
    size_t r = route >= 0 && route < MAX_ROUTES ? (size_t)route : MAX_ROUTES;
    size_t s = 0;
    while (statuses[s] && statuses[s] != status)
        s++;
    atomic_fetch_add_explicit(&counts[r][s], 1, memory_order_relaxed);
    size_t b = 0;
    while (b < N_BUCKETS && micros > bounds_us[b])
        b++;
    atomic_fetch_add_explicit(&buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&total_us, (uint_fast64_t)(micros > 0 ? micros : 0),
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&total_count, 1, memory_order_relaxed);
}

void metrics_render_http(struct buf *out)
{
    buf_puts(out, "# HELP pledged_http_requests_total HTTP requests answered, by route template"
                  " and status.\n# TYPE pledged_http_requests_total counter\n");
    for (size_t r = 0; r <= MAX_ROUTES; r++) {
        if (r < MAX_ROUTES && r >= routes_count)
            continue;
        for (size_t s = 0; s < N_STATUS; s++) {
            uint_fast64_t n = atomic_load_explicit(&counts[r][s], memory_order_relaxed);
            if (!n)
                continue;
            char status[16];
            if (statuses[s])
                snprintf(status, sizeof status, "%u", statuses[s]);
            else
                snprintf(status, sizeof status, "other");
            buf_printf(out,
                       "pledged_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} %llu\n",
                       r < MAX_ROUTES ? routes[r].method : "",
                       r < MAX_ROUTES ? routes[r].pattern : "unmatched", status,
                       (unsigned long long)n);
        }
    }
    buf_puts(out, "# HELP pledged_http_request_duration_seconds Time from the first byte of a"
                  " request to its answer.\n# TYPE pledged_http_request_duration_seconds histogram\n");
    uint_fast64_t cumulative = 0;
    for (size_t b = 0; b < N_BUCKETS; b++) {
        cumulative += atomic_load_explicit(&buckets[b], memory_order_relaxed);
        buf_printf(out, "pledged_http_request_duration_seconds_bucket{le=\"%lld.%06lld\"} %llu\n",
                   bounds_us[b] / 1000000, bounds_us[b] % 1000000, (unsigned long long)cumulative);
    }
    cumulative += atomic_load_explicit(&buckets[N_BUCKETS], memory_order_relaxed);
    uint_fast64_t us = atomic_load_explicit(&total_us, memory_order_relaxed);
    buf_printf(out, "pledged_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
               (unsigned long long)cumulative);
    buf_printf(out, "pledged_http_request_duration_seconds_sum %llu.%06llu\n",
               (unsigned long long)(us / 1000000), (unsigned long long)(us % 1000000));
    buf_printf(out, "pledged_http_request_duration_seconds_count %llu\n",
               (unsigned long long)cumulative);
}
