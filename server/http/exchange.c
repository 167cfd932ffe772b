/* exchange — a request's state and the connection look-ups (see
 * exchange.h). */
#include "exchange.h"

#include "app.h"
#include "net.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
long long elapsed_us(const struct exchange *ex)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - ex->start.tv_sec) * 1000000LL + (now.tv_nsec - ex->start.tv_nsec) / 1000;
}

struct conn_state *conn_state_of(struct MHD_Connection *c)
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

/* Copies s into out (size n), cut to fit: snprintf("%s") without the
 * format parsing, on every request. */
static void copy_cut(char *out, size_t n, const char *s)
{
    size_t len = strnlen(s, n - 1);
    memcpy(out, s, len);
    out[len] = '\0';
}

/* "<instance>-<n in at least 6 hex digits>", as "%s-%06llx" would. */
static void request_id_ours(char out[72], unsigned long long n)
{
    static const char hex[] = "0123456789abcdef";
    char digits[16];
    size_t nd = 0;
    do
        digits[nd++] = hex[n & 15];
    while ((n >>= 4) != 0);
    while (nd < 6)
        digits[nd++] = '0';
    size_t at = strlen(g_app.instance);
    memcpy(out, g_app.instance, at);
    out[at++] = '-';
    while (nd)
        out[at++] = digits[--nd];
    out[at] = '\0';
}

struct exchange *exchange_new(struct MHD_Connection *c, const char *method,
                                     const char *url)
{
    /* malloc, not calloc: glibc's calloc skips the per-thread cache and
     * takes the arena's lock, which the worker threads share. */
    struct exchange *ex = malloc(sizeof *ex);
    if (!ex)
        return NULL;
    *ex = (struct exchange){.route = -1};
    clock_gettime(CLOCK_MONOTONIC, &ex->start);
    buf_init(&ex->body, g_app.cfg.max_body);
    const char *given = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-Id");
    if (given && request_id_ok(given))
        copy_cut(ex->request_id, sizeof ex->request_id, given);
    else
        request_id_ours(ex->request_id, (unsigned long long)atomic_fetch_add(&g_app.requests, 1) + 1);
    copy_cut(ex->method, sizeof ex->method, method);
    copy_cut(ex->path, sizeof ex->path, url);
    ex->late = atomic_load(&g_app.shutting_down);
    client_ip(c, ex->client_ip, sizeof ex->client_ip);
    atomic_fetch_add(&g_app.in_flight, 1);
    return ex;
}

/* The allowed origin a browser sent (the value to echo, or "*"), or NULL
 * when the request has no Origin or it is not allowed. */
const char *cors_origin(struct MHD_Connection *c)
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

const char *header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}
