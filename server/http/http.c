/* http — libmicrohttpd glue (see http.h). */
#include "http.h"

#include "api.h"
#include "buf.h"
#include "cache.h"
#include "db.h"
#include "guard.h"
#include "iplimit.h"
#include "jsonx.h"
#include "log.h"
#include "metrics.h"
#include "ratelimit.h"
#include "respond.h"
#include "router.h"
#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define LOG_PATH_MAX 512
#define HEADER_MEMORY (64 * 1024) /* bytes for the request line and headers */
#define QUERY_MAX 4096            /* bytes of query-string keys and values */

struct http_server {
    struct MHD_Daemon *daemon;
    int listen_fd;   /* ours (net_listen); closed after stop */
};

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

static bool request_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':'))
            return false;
    }
    return true;
}

/* Microseconds since the exchange began. */
static long long elapsed_us(const struct exchange *ex)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - ex->start.tv_sec) * 1000000LL + (now.tv_nsec - ex->start.tv_nsec) / 1000;
}

static struct conn_state *conn_state_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

/* Whether addr is in one of the --trusted-proxy ranges. */
static bool trusted_proxy(const struct sockaddr *addr)
{
    for (size_t i = 0; i < g_app.cfg.n_trusted; i++)
        if (net_cidr_contains(&g_app.cfg.trusted_proxies[i], addr))
            return true;
    return false;
}

/* The client's address: the peer's, unless the peer is a trusted proxy
 * (--trusted-proxy), in which case the last address of X-Forwarded-For that
 * is not itself a trusted proxy (the one the nearest proxy saw). */
static void client_ip(struct MHD_Connection *c, char *out, size_t len)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *peer = info ? info->client_addr : NULL;
    net_ntop(peer, out, len);
    const char *xff = trusted_proxy(peer) ? MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                                        "X-Forwarded-For")
                                          : NULL;
    if (!xff)
        return;
    /* Walk the list from the right. */
    char list[512];
    snprintf(list, sizeof list, "%s", xff);
    for (;;) {
        char *comma = strrchr(list, ',');
        char *item = comma ? comma + 1 : list;
        while (*item == ' ')
            item++;
        size_t n = strlen(item);
        while (n && item[n - 1] == ' ')
            item[--n] = '\0';
        struct net_address a;
        if (!net_parse(item, 0, &a))
            return; /* not an address: keep what we have */
        net_ntop((const struct sockaddr *)&a.ss, out, len);
        if (!trusted_proxy((const struct sockaddr *)&a.ss) || !comma)
            return;
        *comma = '\0';
    }
}

static struct exchange *exchange_new(struct MHD_Connection *c, const char *method,
                                     const char *url)
{
    struct exchange *ex = calloc(1, sizeof *ex);
    if (!ex)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &ex->start);
    buf_init(&ex->body, g_app.cfg.max_body);
    const char *given = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-Id");
    if (given && request_id_ok(given))
        snprintf(ex->request_id, sizeof ex->request_id, "%s", given);
    else
        snprintf(ex->request_id, sizeof ex->request_id, "%s-%06llx", g_app.instance,
                 (unsigned long long)atomic_fetch_add(&g_app.requests, 1) + 1);
    snprintf(ex->method, sizeof ex->method, "%s", method);
    snprintf(ex->path, sizeof ex->path, "%s", url);
    ex->late = atomic_load(&g_app.shutting_down);
    ex->route = -1;
    client_ip(c, ex->client_ip, sizeof ex->client_ip);
    atomic_fetch_add(&g_app.in_flight, 1);
    return ex;
}

/* The allowed origin a browser sent (the value to echo, or "*"), or NULL
 * when the request has no Origin or it is not allowed. */
static const char *cors_origin(struct MHD_Connection *c)
{
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    if (!origin)
        return NULL;
    for (size_t i = 0; i < g_app.cfg.n_cors; i++) {
        if (strcmp(g_app.cfg.cors_origins[i], "*") == 0)
            return "*";
        if (strcasecmp(g_app.cfg.cors_origins[i], origin) == 0)
            return origin;
    }
    return NULL;
}

/* Turns rs into an MHD response and queues it; rs is emptied. */
static enum MHD_Result queue(struct MHD_Connection *c, struct exchange *ex,
                             struct response *rs)
{
    struct MHD_Response *r;
    if (rs->body) {
        r = MHD_create_response_from_buffer(rs->body_len, rs->body, MHD_RESPMEM_MUST_FREE);
        if (r)
            rs->body = NULL;
    } else {
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!r) {
        response_free(rs);
        return MHD_NO;
    }
    if (rs->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rs->content_type);
    MHD_add_response_header(r, "X-Request-Id", ex->request_id);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    for (size_t i = 0; i < rs->n_headers; i++)
        MHD_add_response_header(r, rs->headers[i].name, rs->headers[i].value);
    if (atomic_load(&g_app.shutting_down))
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    const char *origin = cors_origin(c);
    if (g_app.cfg.n_cors)
        MHD_add_response_header(r, "Vary", "Origin");
    if (origin) {
        MHD_add_response_header(r, "Access-Control-Allow-Origin", origin);
        MHD_add_response_header(r, "Access-Control-Expose-Headers",
                                "ETag, Link, Location, X-Request-Id, X-Total-Count, Retry-After, "
                                "Idempotent-Replayed");
    }
    ex->status = rs->status;
    ex->bytes = rs->body_len;
    ex->answered = true;
    /* Counted when queued, so a client that has its answer sees it counted. */
    metrics_record(ex->route, rs->status, elapsed_us(ex));
    enum MHD_Result ret = MHD_queue_response(c, rs->status, r);
    MHD_destroy_response(r);
    response_free(rs);
    return ret;
}

static enum MHD_Result queue_too_large(struct MHD_Connection *c, struct exchange *ex)
{
    struct response rs = {0};
    respond_problem(&rs, 413, "too-large", "Request body too large",
                    "the body is larger than the limit of %zu bytes", g_app.cfg.max_body);
    respond_header(&rs, MHD_HTTP_HEADER_CONNECTION, "close");
    return queue(c, ex, &rs);
}

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

static const char *header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
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
        strncmp(route->pattern, "/v1/", 4) != 0 || !(db = db_reader())) {
        route->handler(rq, rs);
        return;
    }
    struct buf key;
    buf_init(&key, 8192);
    buf_puts(&key, rq->path);
    for (size_t i = 0; i < rq->n_query; i++)
        buf_printf(&key, "%c%s=%s", i ? '&' : '?', rq->query[i].key, rq->query[i].value);
    buf_printf(&key, "\n%s", rq->accept ? rq->accept : "");
    int64_t version = cache_version(db);
    bool keyed = key.len < key.max;
    if (keyed && cache_get(buf_str(&key), version, rs)) {
        respond_not_modified_if(rq, rs);
    } else {
        struct request full = *rq;
        full.if_none_match = NULL; /* cache the whole answer, then apply it */
        route->handler(&full, rs);
        if (keyed)
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

/* Routes a complete request and fills rs. */
static void dispatch(struct MHD_Connection *c, struct exchange *ex, const char *method,
                     const char *url, struct response *rs)
{
    struct request rq = {0};
    db_take_busy(); /* a lock met by an earlier request of this thread is not ours */
    rq.method = strcmp(method, "HEAD") == 0 ? "GET" : method;
    rq.path = url;
    rq.request_id = ex->request_id;
    rq.client_ip = ex->client_ip;
    rq.body = buf_str(&ex->body);
    rq.body_len = ex->body.len;

    if (ex->late) { /* requests under way when the stop began are finished */
        respond_problem(rs, 503, "unavailable", "Shutting down",
                        "the server is shutting down; retry shortly");
        respond_header(rs, "Retry-After", "5");
        return;
    }
    if (ex->too_large) {
        respond_problem(rs, 413, "too-large", "Request body too large",
                        "the body is larger than the limit of %zu bytes", g_app.cfg.max_body);
        return;
    }
    struct query_collector qc = {&rq, false};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_query, &qc);
    if (qc.overflow) {
        respond_problem(rs, 400, "bad-parameter", "Invalid query parameter",
                        "more than %d query parameters", REQUEST_MAX_QUERY);
        return;
    }
    if (!input_ok(c, &rq, rs))
        return;
    size_t query_bytes = 0;
    for (size_t i = 0; i < rq.n_query; i++)
        query_bytes += strlen(rq.query[i].key) + strlen(rq.query[i].value);
    if (query_bytes > QUERY_MAX) {
        respond_problem(rs, 414, "uri-too-long", "URI too long",
                        "the query string carries more than %d bytes", QUERY_MAX);
        return;
    }
    rq.content_type = header(c, MHD_HTTP_HEADER_CONTENT_TYPE);
    rq.authorization = header(c, MHD_HTTP_HEADER_AUTHORIZATION);
    rq.if_match = header(c, MHD_HTTP_HEADER_IF_MATCH);
    rq.if_none_match = header(c, MHD_HTTP_HEADER_IF_NONE_MATCH);
    rq.accept = header(c, MHD_HTTP_HEADER_ACCEPT);
    rq.idempotency_key = header(c, "Idempotency-Key");

    if (!rate_allowed(&rq, rs))
        return;
    const struct route *route = NULL;
    char store[1024], allow[128];
    bool options = strcmp(method, "OPTIONS") == 0;
    switch (router_match(method, url, &route, rq.params, store, sizeof store, allow,
                         sizeof allow)) {
    case ROUTE_FOUND:
        ex->route = (int)(route - routes);
        if (g_app.cfg.private_mode && strcmp(route->method, "GET") == 0 &&
            strcmp(route->pattern, "/healthz") != 0 && strcmp(route->pattern, "/readyz") != 0 &&
            !api_require_reader(&rq, rs))
            return; /* 401 with WWW-Authenticate, from api_require_reader */
        run_handler(route, &rq, rs);
        return;
    case ROUTE_NO_METHOD:
        if (options) {
            /* Also the CORS preflight: cors_origin() in queue() decides
             * whether the Access-Control-* headers go out. */
            rs->status = 204;
            respond_header(rs, "Allow", "%s, OPTIONS", allow);
            if (cors_origin(c) && header(c, "Access-Control-Request-Method")) {
                respond_header(rs, "Access-Control-Allow-Methods", "%s, OPTIONS", allow);
                respond_header(rs, "Access-Control-Allow-Headers",
                               "Authorization, Content-Type, If-Match, If-None-Match, "
                               "Idempotency-Key");
                respond_header(rs, "Access-Control-Max-Age", "600");
            }
            return;
        }
        respond_problem(rs, 405, "method-not-allowed", "Method not allowed",
                        "%s is not allowed on %s; allowed: %s", method, url, allow);
        respond_header(rs, "Allow", "%s", allow);
        return;
    case ROUTE_NO_PATH:
        break;
    }
    respond_problem(rs, 404, "not-found", "Not found", "no resource at %s", url);
}

/* A body grew past --max-body while it was being read. libmicrohttpd 0.9.75
 * sends a queued answer only once the whole body has been read, which for
 * a chunked upload may be never; so the 413 is written to the socket here,
 * the sending side is shut (the client sees the answer, then the end of
 * the stream), and the connection is closed after at most REFUSED_DRAIN
 * more bytes. Draining a little avoids a reset that would destroy the
 * answer in the client's receive buffer before it is read. */
#define REFUSED_DRAIN (64 * 1024)

static void refuse_mid_body(struct MHD_Connection *c, struct exchange *ex)
{
    ex->too_large = ex->refused = ex->answered = true;
    buf_free(&ex->body);
    struct response rs = {0};
    respond_problem(&rs, 413, "too-large", "Request body too large",
                    "the body is larger than the limit of %zu bytes", g_app.cfg.max_body);
    struct buf out;
    buf_init(&out, 4096);
    buf_printf(&out,
               "HTTP/1.1 413 Content Too Large\r\nContent-Type: application/problem+json\r\n"
               "Content-Length: %zu\r\nX-Request-Id: %s\r\nX-Content-Type-Options: nosniff\r\n"
               "Connection: close\r\n\r\n",
               rs.body_len, ex->request_id);
    buf_append(&out, rs.body, rs.body_len);
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info) {
        ssize_t sent = send(info->connect_fd, out.data, out.len, MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)sent; /* a full send buffer loses the answer; the close still comes */
        shutdown(info->connect_fd, SHUT_WR);
    }
    ex->status = 413;
    ex->bytes = rs.body_len;
    metrics_record(ex->route, 413, elapsed_us(ex));
    buf_free(&out);
    response_free(&rs);
}

/* A problem answered on the first call, before any body is read, and the
 * connection closed after it. */
static enum MHD_Result refuse_at_once(struct MHD_Connection *c, struct exchange *ex,
                                      const char *detail)
{
    struct response rs = {0};
    respond_problem(&rs, 400, "malformed", "Malformed request", "%s", detail);
    respond_header(&rs, MHD_HTTP_HEADER_CONNECTION, "close");
    return queue(c, ex, &rs);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **req_cls)
{
    (void)cls;
    struct exchange *ex = *req_cls;
    struct conn_state *cs = conn_state_of(c);
    if (!ex) {
        ex = exchange_new(c, method, url);
        if (!ex)
            return MHD_NO;
        *req_cls = ex;
        guard_headers_done(cs ? cs->guard : NULL);
        /* Request smuggling needs a message both framings can read. */
        if (header(c, MHD_HTTP_HEADER_CONTENT_LENGTH) &&
            header(c, MHD_HTTP_HEADER_TRANSFER_ENCODING))
            return refuse_at_once(c, ex, "a request must not carry both Content-Length and "
                                         "Transfer-Encoding");
        if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 && !header(c, MHD_HTTP_HEADER_HOST))
            return refuse_at_once(c, ex, "an HTTP/1.1 request needs a Host header");
        const char *cl = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
        int64_t declared;
        if (cl && int_parse(cl, 0, INT64_MAX, &declared) &&
            (uint64_t)declared > g_app.cfg.max_body) {
            ex->too_large = true;
            return queue_too_large(c, ex); /* the body is never read */
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        guard_body(cs ? cs->guard : NULL, *upload_data_size);
        if (ex->refused) {
            ex->discarded += *upload_data_size;
            *upload_data_size = 0;
            return ex->discarded > REFUSED_DRAIN ? MHD_NO : MHD_YES;
        }
        if (!ex->answered && !ex->too_large &&
            !buf_append(&ex->body, upload_data, *upload_data_size))
            refuse_mid_body(c, ex);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (ex->refused)
        return MHD_NO; /* the 413 is out; close */
    if (ex->answered)
        return MHD_YES;
    guard_answering(cs ? cs->guard : NULL);
    struct response rs = {0};
    dispatch(c, ex, method, url, &rs);
    if (rs.status == 0)
        respond_internal(&(struct request){.request_id = ex->request_id}, &rs,
                         "handler produced no answer");
    return queue(c, ex, &rs);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)toe;
    struct conn_state *cs = c ? conn_state_of(c) : NULL;
    if (cs) {
        cs->nul_seen = false;
        guard_request_done(cs->guard);
    }
    struct exchange *ex = *req_cls;
    if (!ex)
        return;
    *req_cls = NULL;
    long long us = elapsed_us(ex);
    if (g_app.cfg.access_log) {
        char ts[32];
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
        struct buf line;
        buf_init(&line, 2048);
        buf_printf(&line, "{\"ts\":\"%s\",\"method\":\"", ts);
        json_escape_append(&line, ex->method);
        buf_puts(&line, "\",\"path\":\"");
        json_escape_append(&line, ex->path);
        buf_printf(&line, "\",\"status\":%u,\"bytes\":%zu,\"us\":%lld,\"request_id\":\"%s\"}",
                   ex->status, ex->bytes, us, ex->request_id);
        log_line(line.data, line.len);
        buf_free(&line);
    }
    buf_free(&ex->body);
    free(ex);
    atomic_fetch_sub(&g_app.in_flight, 1);
}

/* Connections opened and closed: each gets its state and a guard entry. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        struct conn_state *cs = calloc(1, sizeof *cs);
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (cs && info)
            cs->guard = guard_opened(info->connect_fd);
        *socket_context = cs;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        iplimit_leave(info ? info->client_addr : NULL);
        struct conn_state *cs = *socket_context;
        if (cs) {
            guard_closed(cs->guard);
            free(cs);
        }
        *socket_context = NULL;
    }
}

/* A new connection: refused (closed at once) when its address holds
 * --max-connections-per-ip already; trusted proxies are exempt. */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t len)
{
    (void)cls, (void)len;
    return iplimit_enter(addr) ? MHD_YES : MHD_NO;
}

/* Percent-decoding of the path and query, as libmicrohttpd's own, except
 * that %00 is left as the three characters "%00" and flagged: a NUL would
 * silently cut the C string ("/v1/pledges/1%00" read as pledge 1). */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    char *w = s;
    for (const char *r = s; *r;) {
        if (r[0] == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2])) {
            int hi = isdigit((unsigned char)r[1]) ? r[1] - '0' : (tolower((unsigned char)r[1]) - 'a' + 10);
            int lo = isdigit((unsigned char)r[2]) ? r[2] - '0' : (tolower((unsigned char)r[2]) - 'a' + 10);
            char byte = (char)(hi * 16 + lo);
            if (byte == '\0') {
                struct conn_state *cs = conn_state_of(c);
                if (cs)
                    cs->nul_seen = true;
                memmove(w, r, 3); /* w <= r: copy, never overlap forward */
                w += 3;
            } else {
                *w++ = byte;
            }
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n > 0 && msg[n - 1] == '\n')
        msg[--n] = '\0';
    log_error(NULL, msg);
}

int http_listen(const struct config *cfg, char *err, size_t errlen)
{
    struct net_address addr;
    if (!net_parse(cfg->bind, cfg->port, &addr)) {
        snprintf(err, errlen, "--bind must be a numeric IPv4 or IPv6 address, not '%s'",
                 cfg->bind);
        return -1;
    }
    return net_listen(&addr, cfg->bind, 4096, err, errlen);
}

struct http_server *http_start(const struct config *cfg, int listen_fd, char *err, size_t errlen)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG;
    if (strchr(cfg->bind, ':'))
        flags |= MHD_USE_IPv6;
    struct http_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (!guard_start(cfg->header_timeout, cfg->body_min_rate)) {
        snprintf(err, errlen, "cannot start the connection guard");
        free(s);
        return NULL;
    }
    s->listen_fd = listen_fd;
    iplimit_configure(cfg->max_conns_ip, cfg->trusted_proxies, cfg->n_trusted);
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)cfg->port, accept_policy, NULL, on_request, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL, /* first, so it sees every message */
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listen_fd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)cfg->conn_timeout,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->max_conns,
        /* Request line and headers must fit in this per-connection pool;
         * larger ones get 431 from libmicrohttpd. */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HEADER_MEMORY,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(err, errlen, "cannot start the HTTP server on %s port %u", cfg->bind, cfg->port);
        guard_stop();
        free(s);
        return NULL;
    }
    return s;
}

unsigned http_port(const struct http_server *s)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

void http_quiesce(struct http_server *s)
{
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET)
        /* Stop listening now, so new clients are refused at once instead
         * of waiting in the backlog; the fd itself is closed after stop. */
        shutdown(fd, SHUT_RD);
}

void http_stop(struct http_server *s)
{
    MHD_stop_daemon(s->daemon);
    guard_stop();
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    free(s);
}
