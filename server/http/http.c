/* http — libmicrohttpd glue (see http.h). */
#include "http.h"

#include "exchange.h"

#include "api.h"
#include "buf.h"
#include "cache.h"
#include "store.h"
#include "guard.h"
#include "iplimit.h"
#include "jsonx.h"
#include "log.h"
#include "metrics.h"
#include "offload.h"
#include "ratelimit.h"
#include "respond.h"
#include "router.h"
#include "sse.h"
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

/* Bytes for the request line and headers: libmicrohttpd's own default.
 * It zeroes a connection's whole pool before each request, so a larger
 * one costs every request (64 KiB served 12% fewer uncached reads a
 * second than 32 KiB in make bench's setup). */
#define HEADER_MEMORY (32 * 1024)

struct http_server {
    struct MHD_Daemon *daemon;
    int listen_fd;   /* ours (net_listen); closed after stop */
};

/* Turns rs into an MHD response and queues it; rs is emptied. */
static enum MHD_Result queue(struct MHD_Connection *c, struct exchange *ex,
                             struct response *rs)
{
    struct MHD_Response *r;
    if (rs->stream) {
        sse_attach(rs->stream, c);
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, sse_reader,
                                              rs->stream, sse_free);
        if (r)
            rs->stream = NULL; /* libmicrohttpd's now: sse_free releases it */
    } else if (rs->body) {
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

/* A write running on the offload pool (offload.h) while its connection is
 * suspended. Made by answer(), freed by queue_offloaded() once the
 * connection is resumed, or by on_completed when the client has left by
 * then (libmicrohttpd then closes it without calling on_request again). */
struct offloaded {
    struct offload_job job; /* first: the pool hands this back */
    struct MHD_Connection *c;
    struct exchange *ex;
    struct gathered g;      /* the request, which call's strings point into */
    struct api_call call;   /* its handler, checked already */
    struct response rs;
};

/* A handler that left rs empty gets a 500 (logged), never an empty answer. */
static void answer_at_least(const struct exchange *ex, struct response *rs)
{
    if (rs->status == 0)
        respond_internal(&(struct request){.request_id = ex->request_id}, rs,
                         "handler produced no answer");
}

/* Whether a method may write, and so wait for the writer. */
static bool may_write(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
           strcmp(method, "OPTIONS") != 0;
}

/* On a pool thread: the handler, then the connection woken, whose next
 * call of on_request queues the answer. libmicrohttpd's resume takes the
 * mutex its worker takes before it looks at the connection again, so the
 * worker sees the answer whole. */
static void run_offloaded(struct offload_job *job)
{
    struct offloaded *o = (struct offloaded *)job;
    store_take_busy();
    api_call_run(&o->call, &o->rs);
    store_reader_release();
    answer_at_least(o->ex, &o->rs);
    MHD_resume_connection(o->c);
}

static enum MHD_Result queue_offloaded(struct MHD_Connection *c, struct exchange *ex)
{
    struct offloaded *o = ex->offloaded;
    ex->offloaded = NULL;
    enum MHD_Result r = queue(c, ex, &o->rs);
    free(o);
    return r;
}

/* A complete request: gathered and routed here; a write whose checks
 * pass has its handler run on the offload pool, its connection suspended
 * meanwhile, so that this thread goes on serving its other connections. */
static enum MHD_Result answer(struct MHD_Connection *c, struct exchange *ex, const char *method,
                              const char *url)
{
    /* Out of memory, a write runs here instead, and waits here. */
    struct offloaded *o = may_write(method) ? malloc(sizeof *o) : NULL;
    struct gathered local;
    struct gathered *g = o ? &o->g : &local;
    struct response rs = {0};
    if (http_gather(c, ex, method, url, g, &rs)) {
        if (!http_route(ex, method, url, g, &rs, o ? &o->call : NULL)) {
            store_reader_release(); /* the next request looks for a newer snapshot */
        } else {
            /* The snapshot its checks read ends now, as store_write's would:
             * kept through a burst of writes, the workers' snapshots would
             * keep the WAL from starting again at its beginning. */
            store_reader_end();
            o->job.run = run_offloaded;
            o->c = c;
            o->ex = ex;
            o->rs = (struct response){0};
            ex->offloaded = o;
            MHD_suspend_connection(c); /* before the job may run, and so resume it */
            offload_submit(&o->job);
            return MHD_YES;
        }
    }
    free(o);
    answer_at_least(ex, &rs);
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
    if (ex->offloaded) /* resumed: the write has its answer */
        return queue_offloaded(c, ex);
    guard_answering(cs ? cs->guard : NULL);
    return answer(c, ex, method, url);
}

/* The request's access log line, built on the stack: no allocation. */
static void access_line(const struct exchange *ex, long long us)
{
    char line[2 * LOG_PATH_MAX * 6 + 256], ts[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    size_t n = (size_t)snprintf(line, sizeof line, "{\"ts\":\"%s\",\"method\":\"", ts);
    bool ok = json_escape_into(line, sizeof line, &n, ex->method);
    if (ok && n + 10 < sizeof line) {
        memcpy(line + n, "\",\"path\":\"", 10);
        n += 10;
        ok = json_escape_into(line, sizeof line, &n, ex->path);
    }
    int tail = ok ? snprintf(line + n, sizeof line - n,
                             "\",\"status\":%u,\"bytes\":%zu,\"us\":%lld,\"request_id\":\"%s\"}",
                             ex->status, ex->bytes, us, ex->request_id)
                  : -1;
    if (tail > 0 && (size_t)tail < sizeof line - n)
        log_access(line, n + (size_t)tail);
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
    if (ex->offloaded) { /* the client left while its write ran: resumed, then closed */
        json_decref(ex->offloaded->call.checked.json);
        response_free(&ex->offloaded->rs);
        free(ex->offloaded);
    }
    long long us = elapsed_us(ex);
    if (g_app.cfg.access_log)
        access_line(ex, us);
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
                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
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
    if (!sse_start(cfg->max_streams)) {
        snprintf(err, errlen, "cannot start the event streams' thread");
        guard_stop();
        free(s);
        return NULL;
    }
    if (!offload_start()) {
        snprintf(err, errlen, "cannot start the writes' threads");
        sse_shutdown();
        guard_stop();
        free(s);
        return NULL;
    }
    store_on_commit(sse_notify); /* streams hear of each commit at once */
    s->listen_fd = listen_fd;
    iplimit_configure(cfg->max_conns_ip, cfg->trusted_proxies, cfg->n_trusted);
    cache_configure(cfg->threads);
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
        offload_stop();
        sse_shutdown();
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
    /* Event streams end now (cleanly, what they hold sent first): they
     * would otherwise hold the shutdown for the whole drain period. */
    sse_shutdown();
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET)
        /* Stop listening now, so new clients are refused at once instead
         * of waiting in the backlog; the fd itself is closed after stop. */
        shutdown(fd, SHUT_RD);
}

void http_stop(struct http_server *s)
{
    sse_shutdown(); /* no connection may stay suspended past this */
    offload_stop(); /* nor any write's: each is answered first */
    MHD_stop_daemon(s->daemon);
    guard_stop();
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    free(s);
}
