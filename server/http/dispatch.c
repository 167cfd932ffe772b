/* dispatch — a complete request from the connection to its answer, in two
 * steps (see exchange.h): http_gather reads the connection and makes the
 * checks every request gets (shutdown, size, query and path text);
 * http_route applies the per-address rate limit, routes (404, 405, OPTIONS
 * and the CORS preflight), checks --private reads, and runs the route
 * through the answer cache, or, for a route that writes, makes its checks
 * only and leaves its handler to the offload pool (offload.h). Both run on
 * the connection's worker thread. */
#include "exchange.h"

#include "api.h"
#include "app.h"
#include "cache.h"
#include "jsonx.h"
#include "ratelimit.h"
#include "respond.h"
#include "router.h"
#include "store.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

#define QUERY_MAX 4096            /* bytes of query-string keys and values */

struct query_collector {
    struct request *rq;
    bool overflow;
};

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    struct query_collector *qc = cls;
    if (qc->rq->n_query == REQUEST_MAX_QUERY) {
        qc->overflow = true;
        return MHD_NO;
    }
    qc->rq->query[qc->rq->n_query++] = (struct query_arg){key, value ? value : ""};
    return MHD_YES;
}

/* Applies the per-IP rate limit; false after answering 429. The per-token
 * limit is applied once the token is verified (api.c), so nobody can drain
 * another's bucket by sending a token that only looks like it. */
static bool rate_allowed(const struct request *rq, struct response *rs)
{
    unsigned retry = 0;
    if (!g_app.cfg.ip_rate || ratelimit_take(RL_IP, rq->client_ip, g_app.cfg.ip_rate, &retry))
        return true;
    respond_problem(rs, 429, "rate-limited", "Too many requests",
                    "slow down: retry in %u second%s", retry, retry == 1 ? "" : "s");
    respond_header(rs, "Retry-After", "%u", retry);
    return false;
}

/* Calls the route's handler, through the answer cache for GETs under /v1/
 * (see cache.h). The cache key is the path, the query as sent and the
 * Accept header (which picks JSON or CSV). */
static void run_handler(const struct route *route, const struct request *rq, struct response *rs)
{
    struct db *db = NULL;
    if (!g_app.cfg.answer_cache || strcmp(route->method, "GET") != 0 ||
        strncmp(route->pattern, "/v1/", 4) != 0 || !(db = store_reader())) {
        api_run(route, rq, rs);
        return;
    }
    struct buf key;
    buf_init(&key, 8192);
    buf_puts(&key, rq->path);
    for (size_t i = 0; i < rq->n_query; i++)
        buf_printf(&key, "%c%s=%s", i ? '&' : '?', rq->query[i].key, rq->query[i].value);
    buf_printf(&key, "\n%s", rq->accept ? rq->accept : "");
    int64_t version = store_data_version(db);
    bool keyed = key.len < key.max;
    if (keyed && cache_get(buf_str(&key), version, rs)) {
        respond_not_modified_if(rq, rs);
    } else {
        struct request full = *rq;
        full.if_none_match = NULL; /* cache the whole answer, then apply it */
        api_run(route, &full, rs);
        if (keyed && !rs->stream) /* a stream is not an answer to keep */
            cache_put(buf_str(&key), version, rs);
        respond_not_modified_if(rq, rs);
    }
    buf_free(&key);
}

/* Whether a decoded path or query text is acceptable: valid UTF-8 with no
 * control characters and no %00 (which the unescape callback leaves as the
 * three characters "%00" and flags). */
static bool text_ok(const char *s, bool nul_seen)
{
    if (!utf8_valid(s) || (nul_seen && strstr(s, "%00")))
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            return false;
    return true;
}

/* Checks the decoded path and every query key and value; answers 400
 * naming each bad one (escaped, so the answer itself is valid UTF-8). */
static bool input_ok(struct MHD_Connection *c, const struct request *rq, struct response *rs)
{
    const struct conn_state *cs = conn_state_of(c);
    bool nul = cs && cs->nul_seen;
    char shown[200];
    if (!text_ok(rq->path, nul)) {
        text_shown(rq->path, 120, shown, sizeof shown);
        respond_problem(rs, 400, "bad-path", "Invalid path",
                        "the path '%s' must be valid UTF-8 without control characters or %%00",
                        shown);
        return false;
    }
    json_t *errors = NULL; /* made only when there is an error: this runs on every request */
    for (size_t i = 0; i < rq->n_query; i++) {
        bool key_ok = text_ok(rq->query[i].key, nul);
        if (key_ok && text_ok(rq->query[i].value, nul))
            continue;
        if (!errors)
            errors = json_array();
        text_shown(rq->query[i].key, 60, shown, sizeof shown);
        jsonx_error_add(errors, shown, "%s must be valid UTF-8 without control characters or %%00",
                        key_ok ? "the value" : "the name");
    }
    if (errors) {
        respond_bad_params(rs, errors);
        return false;
    }
    return true;
}

bool http_gather(struct MHD_Connection *c, struct exchange *ex, const char *method,
                 const char *url, struct gathered *g, struct response *rs)
{
    struct request *rq = &g->rq;
    g->rq = (struct request){0}; /* params is filled by routing: not cleared */
    g->preflight = false;
    rq->method = strcmp(method, "HEAD") == 0 ? "GET" : method;
    rq->path = url;
    rq->request_id = ex->request_id;
    rq->client_ip = ex->client_ip;
    rq->body = buf_str(&ex->body);
    rq->body_len = ex->body.len;

    if (ex->late) { /* requests under way when the stop began are finished */
        respond_problem(rs, 503, "unavailable", "Shutting down",
                        "the server is shutting down; retry shortly");
        respond_header(rs, "Retry-After", "5");
        return false;
    }
    if (ex->too_large) {
        respond_problem(rs, 413, "too-large", "Request body too large",
                        "the body is larger than the limit of %zu bytes", g_app.cfg.max_body);
        return false;
    }
    struct query_collector qc = {rq, false};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_query, &qc);
    if (qc.overflow) {
        respond_problem(rs, 400, "bad-parameter", "Invalid query parameter",
                        "more than %d query parameters", REQUEST_MAX_QUERY);
        return false;
    }
    if (!input_ok(c, rq, rs))
        return false;
    size_t query_bytes = 0;
    for (size_t i = 0; i < rq->n_query; i++)
        query_bytes += strlen(rq->query[i].key) + strlen(rq->query[i].value);
    if (query_bytes > QUERY_MAX) {
        respond_problem(rs, 414, "uri-too-long", "URI too long",
                        "the query string carries more than %d bytes", QUERY_MAX);
        return false;
    }
    rq->content_type = header(c, MHD_HTTP_HEADER_CONTENT_TYPE);
    rq->authorization = header(c, MHD_HTTP_HEADER_AUTHORIZATION);
    rq->if_match = header(c, MHD_HTTP_HEADER_IF_MATCH);
    rq->if_none_match = header(c, MHD_HTTP_HEADER_IF_NONE_MATCH);
    rq->accept = header(c, MHD_HTTP_HEADER_ACCEPT);
    rq->last_event_id = header(c, "Last-Event-ID");
    rq->idempotency_key = header(c, "Idempotency-Key");
    /* cors_origin() in http.c's queue() decides whether the
     * Access-Control-* headers go out; this, whether a 204 to OPTIONS
     * also answers a preflight. */
    g->preflight = strcmp(method, "OPTIONS") == 0 && cors_origin(c) &&
                   header(c, "Access-Control-Request-Method");
    return true;
}

bool http_route(struct exchange *ex, const char *method, const char *url, struct gathered *g,
                struct response *rs, struct api_call *write)
{
    struct request *rq = &g->rq;
    store_take_busy(); /* a lock met by an earlier request of this thread is not ours */
    if (!rate_allowed(rq, rs))
        return false;
    const struct route *route = NULL;
    char allow[128];
    switch (router_match(method, url, &route, rq->params, g->params, sizeof g->params, allow,
                         sizeof allow)) {
    case ROUTE_FOUND:
        ex->route = (int)(route - routes);
        if (route->auth == ROUTE_WRITER)
            return write ? api_prepare(route, rq, rs, write) : (api_run(route, rq, rs), false);
        if (g_app.cfg.private_mode && strcmp(route->method, "GET") == 0 &&
            strcmp(route->pattern, "/healthz") != 0 && strcmp(route->pattern, "/readyz") != 0 &&
            !api_require_reader(rq, rs))
            return false; /* 401 with WWW-Authenticate, from api_require_reader */
        run_handler(route, rq, rs);
        return false;
    case ROUTE_NO_METHOD:
        if (strcmp(method, "OPTIONS") == 0) {
            rs->status = 204;
            respond_header(rs, "Allow", "%s, OPTIONS", allow);
            if (g->preflight) {
                respond_header(rs, "Access-Control-Allow-Methods", "%s, OPTIONS", allow);
                respond_header(rs, "Access-Control-Allow-Headers",
                               "Authorization, Content-Type, If-Match, If-None-Match, "
                               "Idempotency-Key");
                respond_header(rs, "Access-Control-Max-Age", "600");
            }
            return false;
        }
        respond_problem(rs, 405, "method-not-allowed", "Method not allowed",
                        "%s is not allowed on %s; allowed: %s", method, url, allow);
        respond_header(rs, "Allow", "%s", allow);
        return false;
    case ROUTE_NO_PATH:
        break;
    }
    respond_problem(rs, 404, "not-found", "Not found", "no resource at %s", url);
    return false;
}
