/* metrics — request counters and a latency histogram for GET /metrics
 * (Prometheus text exposition format 0.0.4).
 *
 * Recording is a few relaxed atomic increments per request, with no lock:
 * counters are per route template (the router table's index) and status,
 * so their number is fixed at build time.
 *
 * Ownership: all state is static; metrics_render_http appends to the caller's
 * buffer.
 */
#ifndef PLEDGED_METRICS_H
#define PLEDGED_METRICS_H

#include "buf.h"

/* Records one answered request; route -1 for paths no route matched. */
void metrics_record(int route, unsigned status, long long micros);

/* Appends the HTTP metrics (requests, histogram) to out. */
void metrics_render_http(struct buf *out);

#endif
