/* sse — Server-Sent Events streams and their hub (see sse.h). With
 * http.c, the only file that calls libmicrohttpd: suspending and resuming
 * a connection is a stream's business. */
#include "sse.h"

#include "log.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SSE_KEEPALIVE_S 15
#define SSE_POLL_MS 1000     /* commits by other processes are seen this often */
#define SSE_PENDING_MAX (4u << 20) /* a client this far behind is cut off */

struct sse {
    pthread_mutex_t mu;            /* guards what follows */
    struct MHD_Connection *conn;   /* NULL until attached */
    struct buf pending;            /* bytes not yet handed to libmicrohttpd */
    bool suspended, closing;
    time_t last_sent;
    sse_fill_fn *fill;
    void (*free_ctx)(void *);
    void *ctx;
    struct sse *next;              /* the hub's list (under H.mu) */
};

static struct {
    pthread_mutex_t mu;            /* the list, the count, the flags */
    pthread_cond_t wake;
    pthread_t thread;
    bool running, stopping, notified;
    struct sse *head;
    unsigned count, max;
} H = {.mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static atomic_uint open_streams; /* H.count, read without the lock by sse_notify */

static time_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

/* With s->mu held: hands the connection back to libmicrohttpd when it is
 * parked and there is something to do. */
static void wake_locked(struct sse *s)
{
    if (s->suspended && s->conn && (s->pending.len || s->closing)) {
        s->suspended = false;
        MHD_resume_connection(s->conn);
    }
}

/* With s->mu held: fills the stream, or writes a keep-alive comment. */
static void fill_locked(struct sse *s, time_t now)
{
    if (s->closing)
        return;
    size_t before = s->pending.len;
    if (!s->fill(s->ctx, &s->pending) || s->pending.len > SSE_PENDING_MAX)
        s->closing = true;
    if (s->pending.len == before && !s->closing && now - s->last_sent >= SSE_KEEPALIVE_S) {
        buf_puts(&s->pending, ": keep-alive\n\n");
        s->last_sent = now; /* counted when queued, so one a period */
    }
    wake_locked(s);
}

static void *hub_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&H.mu);
    while (!H.stopping) {
        if (!H.notified) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += SSE_POLL_MS * 1000000L;
            until.tv_sec += until.tv_nsec / 1000000000L;
            until.tv_nsec %= 1000000000L;
            pthread_cond_timedwait(&H.wake, &H.mu, &until);
        }
        H.notified = false;
        if (H.stopping)
            break;
        time_t now = now_s();
        for (struct sse *s = H.head; s; s = s->next) {
            pthread_mutex_lock(&s->mu);
            fill_locked(s, now);
            pthread_mutex_unlock(&s->mu);
        }
    }
    pthread_mutex_unlock(&H.mu);
    return NULL;
}

bool sse_start(unsigned max)
{
    pthread_mutex_lock(&H.mu);
    H.max = max;
    H.stopping = false;
    bool ok = H.running || pthread_create(&H.thread, NULL, hub_main, NULL) == 0;
    H.running = ok;
    pthread_mutex_unlock(&H.mu);
    return ok;
}

void sse_shutdown(void)
{
    pthread_mutex_lock(&H.mu);
    bool join = H.running;
    H.stopping = true;
    H.running = false;
    for (struct sse *s = H.head; s; s = s->next) {
        pthread_mutex_lock(&s->mu);
        s->closing = true;
        wake_locked(s);
        pthread_mutex_unlock(&s->mu);
    }
    pthread_cond_broadcast(&H.wake);
    pthread_mutex_unlock(&H.mu);
    if (join)
        pthread_join(H.thread, NULL);
}

void sse_notify(void)
{
    if (!atomic_load_explicit(&open_streams, memory_order_relaxed))
        return; /* nobody listens: no wake-up on every commit */
    pthread_mutex_lock(&H.mu);
    H.notified = true;
    pthread_cond_signal(&H.wake);
    pthread_mutex_unlock(&H.mu);
}

unsigned sse_open_count(void)
{
    pthread_mutex_lock(&H.mu);
    unsigned n = H.count;
    pthread_mutex_unlock(&H.mu);
    return n;
}

static void release(struct sse *s)
{
    if (s->free_ctx)
        s->free_ctx(s->ctx);
    buf_free(&s->pending);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

struct sse *sse_open(sse_fill_fn *fill, void (*free_ctx)(void *), void *ctx)
{
    struct sse *s = calloc(1, sizeof *s);
    pthread_mutex_lock(&H.mu);
    bool room = H.running && !H.stopping && H.count < H.max;
    if (s && room) {
        pthread_mutex_init(&s->mu, NULL);
        buf_init(&s->pending, SSE_PENDING_MAX + (1u << 20));
        s->fill = fill;
        s->free_ctx = free_ctx;
        s->ctx = ctx;
        s->last_sent = now_s();
        /* A first line at once: the client knows the stream is open, and
         * how soon to reconnect when it is cut. */
        buf_puts(&s->pending, "retry: 2000\n\n");
        if (!fill(ctx, &s->pending))
            s->closing = true;
        s->next = H.head;
        H.head = s;
        H.count++;
        atomic_store(&open_streams, H.count);
    }
    pthread_mutex_unlock(&H.mu);
    if (s && room)
        return s;
    free(s);
    if (free_ctx)
        free_ctx(ctx);
    return NULL;
}

/* Takes s off the hub's list. */
static void unlink_stream(struct sse *s)
{
    pthread_mutex_lock(&H.mu);
    for (struct sse **p = &H.head; *p; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            H.count--;
            atomic_store(&open_streams, H.count);
            break;
        }
    }
    pthread_mutex_unlock(&H.mu);
}

void sse_discard(struct sse *s)
{
    if (!s)
        return;
    unlink_stream(s);
    release(s);
}

void sse_attach(struct sse *s, void *conn)
{
    pthread_mutex_lock(&s->mu);
    s->conn = conn;
    pthread_mutex_unlock(&s->mu);
}

ssize_t sse_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    struct sse *s = cls;
    pthread_mutex_lock(&s->mu);
    ssize_t n;
    if (s->pending.len) {
        size_t take = s->pending.len < max ? s->pending.len : max;
        memcpy(buf, s->pending.data, take);
        memmove(s->pending.data, s->pending.data + take, s->pending.len - take);
        s->pending.len -= take;
        s->pending.data[s->pending.len] = '\0';
        s->last_sent = now_s();
        n = (ssize_t)take;
    } else if (s->closing) {
        n = MHD_CONTENT_READER_END_OF_STREAM;
    } else {
        /* Nothing to send: park the connection until the hub has some. */
        s->suspended = true;
        MHD_suspend_connection(s->conn);
        n = 0;
    }
    pthread_mutex_unlock(&s->mu);
    return n;
}

void sse_free(void *cls)
{
    sse_discard(cls);
}
