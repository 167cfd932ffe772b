/* h_system — the service's own endpoints: an index at /, liveness,
 * readiness, metrics and the OpenAPI document. */
#include "api.h"
#include "app.h"
#include "buf.h"
#include "guard.h"
#include "handlers.h"
#include "metrics.h"
#include "respond.h"
#include "sse.h"
#include "store.h"

#include <stddef.h>
#include <string.h>
#include <stdio.h>
#include <pthread.h>
#include <time.h>

extern const char openapi_json[];
extern const size_t openapi_json_len;

void h_healthz(const struct request *rq, struct response *rs)
{
    (void)rq;
    respond_json(rs, 200, json_pack("{s:s}", "status", "ok"));
}

void h_readyz(const struct request *rq, struct response *rs)
{
    (void)rq;
    int current = store_schema_current(store_reader());
    int latest = store_schema_latest();
    if (current != latest) {
        respond_problem(rs, 503, "unavailable", "Not ready",
                        "database schema version %d, expected %d", current, latest);
        return;
    }
    respond_json(rs, 200, json_pack("{s:s, s:i}", "status", "ready", "schema_version", current));
}

void h_openapi(const struct request *rq, struct response *rs)
{
    respond_bytes(rs, 200, "application/json", openapi_json, openapi_json_len);
    respond_with_etag(rq, rs);
}

/* Row counts are read at most every ROWS_TTL seconds: counting the 233,000
 * shipped rates on every scrape would let a scraper (or anyone, /metrics
 * is public) keep a core busy. How many tokens exist is nobody's business
 * and is not shown. */
#define ROWS_TTL 10
static pthread_mutex_t rows_mu = PTHREAD_MUTEX_INITIALIZER;
static time_t rows_at;
static struct store_row_counts rows;

static void table_rows(struct buf *out)
{
    pthread_mutex_lock(&rows_mu);
    time_t now = time(NULL);
    struct db *db = now - rows_at >= ROWS_TTL ? store_reader() : NULL;
    struct store_row_counts fresh;
    if (db && store_count_rows(db, &fresh) == STORE_OK) {
        rows = fresh;
        rows_at = now;
    }
    const struct { const char *table; long long n; } shown[] = {
        {"companies", rows.companies},
        {"announcements", rows.announcements},
        {"pledges", rows.pledges},
        {"sources", rows.sources},
    };
    buf_printf(out, "# HELP pledged_table_rows Rows per table (counted at most every %d s).\n"
                    "# TYPE pledged_table_rows gauge\n", ROWS_TTL);
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
        buf_printf(out, "pledged_table_rows{table=\"%s\"} %lld\n", shown[i].table, shown[i].n);
    pthread_mutex_unlock(&rows_mu);
}

/* Each rates feed's last successful update (seconds since the epoch) and
 * failed runs since, from the store (CLI runs and the refresh alike). */
static const char *const feeds[] = {"fed-h10", "ecb"};
struct feed_gauges {
    double when[2];
    long long failures[2];
};

static bool feed_gauge(void *ctx, const struct store_feed_status *f)
{
    struct feed_gauges *g = ctx;
    for (int i = 0; i < 2; i++) {
        if (strcmp(f->source, feeds[i]) != 0)
            continue;
        struct tm tm = {0};
        if (f->succeeded_at[0] && strptime(f->succeeded_at, "%Y-%m-%dT%H:%M:%SZ", &tm))
            g->when[i] = (double)timegm(&tm);
        g->failures[i] = f->failures;
    }
    return true;
}

static void rates_feeds_metrics(struct buf *out)
{
    struct feed_gauges g = {{0, 0}, {0, 0}};
    struct db *db = store_reader();
    if (db)
        (void)store_feed_each(db, feed_gauge, &g); /* on failure: the zeros, "never" */
    buf_puts(out, "# HELP pledged_rates_last_success_timestamp_seconds When each rates feed last "
                  "updated successfully (0: never).\n"
                  "# TYPE pledged_rates_last_success_timestamp_seconds gauge\n");
    for (int i = 0; i < 2; i++)
        buf_printf(out, "pledged_rates_last_success_timestamp_seconds{source=\"%s\"} %.0f\n",
                   feeds[i], g.when[i]);
    buf_puts(out, "# HELP pledged_rates_update_failures Failed updates of each rates feed since "
                  "its last success.\n# TYPE pledged_rates_update_failures gauge\n");
    for (int i = 0; i < 2; i++)
        buf_printf(out, "pledged_rates_update_failures{source=\"%s\"} %lld\n", feeds[i],
                   g.failures[i]);
}

/* GET /metrics: the HTTP counters plus gauges read now. */
void h_metrics(const struct request *rq, struct response *rs)
{
    (void)rq;
    struct buf out;
    buf_init(&out, 1 << 20);
    metrics_render_http(&out);
    buf_printf(&out, "# HELP pledged_http_requests_in_flight Requests being handled now.\n"
                     "# TYPE pledged_http_requests_in_flight gauge\n"
                     "pledged_http_requests_in_flight %d\n",
               atomic_load(&g_app.in_flight));
    buf_printf(&out, "# HELP pledged_database_size_bytes The database on disk (SQLite: file"
                     " and WAL).\n# TYPE pledged_database_size_bytes gauge\n"
                     "pledged_database_size_bytes %lld\n", store_database_bytes(store_reader()));
    table_rows(&out);
    rates_feeds_metrics(&out);
    unsigned long long batches, writes;
    store_write_counts(&batches, &writes);
    buf_printf(&out, "# HELP pledged_write_batches_total Transactions the writer committed or "
                     "tried (group commit).\n"
                     "# TYPE pledged_write_batches_total counter\n"
                     "pledged_write_batches_total %llu\n"
                     "# HELP pledged_writes_total Writes those transactions held.\n"
                     "# TYPE pledged_writes_total counter\n"
                     "pledged_writes_total %llu\n", batches, writes);
    buf_printf(&out, "# HELP pledged_connections_cut_total Connections closed for missing the "
                     "header or body deadline.\n"
                     "# TYPE pledged_connections_cut_total counter\n"
                     "pledged_connections_cut_total %lu\n", guard_closed_slow());
    buf_printf(&out, "# HELP pledged_event_streams Change streams open (GET /v1/changes as "
                     "Server-Sent Events), and the most allowed.\n"
                     "# TYPE pledged_event_streams gauge\n"
                     "pledged_event_streams{state=\"open\"} %u\n"
                     "pledged_event_streams{state=\"max\"} %u\n",
               sse_open_count(), g_app.cfg.max_streams);
    buf_printf(&out, "# HELP pledged_build_info The running version.\n"
                     "# TYPE pledged_build_info gauge\npledged_build_info{version=\"%s\"} 1\n",
               PLEDGED_VERSION);
    respond_bytes(rs, 200, "text/plain; version=0.0.4; charset=utf-8", buf_str(&out), out.len);
    buf_free(&out);
}
