/* guard — deadlines for request headers and bodies (see guard.h).
 *
 * The open connections are a doubly linked list under one mutex; each
 * event is O(1) and the checking thread walks the list four times a
 * second. With the connection limit in the thousands the walk costs
 * microseconds, far less than one request. */
#include "guard.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

enum phase { PHASE_HEADERS, PHASE_BODY, PHASE_ANSWERING, PHASE_CUT };

/* The list links change under G.lock; the phase fields are atomics that
 * the connection's own thread writes without the lock (several times per
 * request, so every worker thread would otherwise queue on one mutex) and
 * the checker reads. A reading that mixes two phases can only delay a cut
 * by one check. */
struct guard_conn {
    int fd;                   /* the connection's socket, valid until guard_closed */
    _Atomic int phase;        /* enum phase */
    _Atomic int64_t since_ms; /* monotonic ms when the phase began */
    _Atomic uint64_t body_bytes; /* bytes of body so far (PHASE_BODY) */
    struct guard_conn *prev, *next;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    bool running, stop;
    unsigned header_ms, rate;
    struct guard_conn *head;
} G = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static atomic_ulong closed_slow;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether g has missed its deadline at `now`. */
static bool overdue(struct guard_conn *g, int64_t now)
{
    int64_t elapsed = now - atomic_load(&g->since_ms);
    switch ((enum phase)atomic_load(&g->phase)) {
    case PHASE_HEADERS:
        return elapsed > (int64_t)G.header_ms;
    case PHASE_BODY:
        if (elapsed <= (int64_t)G.header_ms || G.rate == 0)
            return false;
        return (int64_t)atomic_load(&g->body_bytes) * 1000 <
               (int64_t)G.rate * (elapsed - (int64_t)G.header_ms);
    case PHASE_ANSWERING:
    case PHASE_CUT:
        break;
    }
    return false;
}

static void *checker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&G.lock);
    while (!G.stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 250 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&G.wake, &G.lock, &until);
        int64_t now = now_ms();
        for (struct guard_conn *g = G.head; g; g = g->next) {
            if (!overdue(g, now))
                continue;
            /* The server reads end-of-stream and closes the connection;
             * the descriptor stays open until guard_closed. */
            shutdown(g->fd, SHUT_RDWR);
            atomic_store(&g->phase, PHASE_CUT);
            atomic_fetch_add(&closed_slow, 1);
        }
    }
    pthread_mutex_unlock(&G.lock);
    return NULL;
}

bool guard_start(unsigned header_timeout, unsigned body_min_rate)
{
    G.header_ms = header_timeout * 1000u;
    G.rate = body_min_rate;
    G.stop = false;
    G.running = pthread_create(&G.thread, NULL, checker, NULL) == 0;
    return G.running;
}

void guard_stop(void)
{
    if (!G.running)
        return;
    pthread_mutex_lock(&G.lock);
    G.stop = true;
    pthread_cond_signal(&G.wake);
    pthread_mutex_unlock(&G.lock);
    pthread_join(G.thread, NULL);
    G.running = false;
}

struct guard_conn *guard_opened(int fd)
{
    struct guard_conn *g = calloc(1, sizeof *g);
    if (!g)
        return NULL; /* unguarded: the idle timeout still applies */
    g->fd = fd;
    atomic_init(&g->phase, PHASE_HEADERS);
    atomic_init(&g->since_ms, now_ms());
    atomic_init(&g->body_bytes, 0);
    pthread_mutex_lock(&G.lock);
    g->next = G.head;
    if (G.head)
        G.head->prev = g;
    G.head = g;
    pthread_mutex_unlock(&G.lock);
    return g;
}

void guard_closed(struct guard_conn *g)
{
    if (!g)
        return;
    pthread_mutex_lock(&G.lock);
    if (g->prev)
        g->prev->next = g->next;
    else
        G.head = g->next;
    if (g->next)
        g->next->prev = g->prev;
    pthread_mutex_unlock(&G.lock);
    free(g);
}

static void enter(struct guard_conn *g, enum phase phase)
{
    if (!g || atomic_load(&g->phase) == PHASE_CUT)
        return;
    atomic_store(&g->body_bytes, 0);
    atomic_store(&g->since_ms, now_ms());
    atomic_store(&g->phase, phase);
}

void guard_headers_done(struct guard_conn *g)
{
    enter(g, PHASE_BODY);
}

void guard_body(struct guard_conn *g, size_t n)
{
    if (g)
        atomic_fetch_add(&g->body_bytes, n);
}

void guard_answering(struct guard_conn *g)
{
    enter(g, PHASE_ANSWERING);
}

void guard_request_done(struct guard_conn *g)
{
    enter(g, PHASE_HEADERS);
}

unsigned long guard_closed_slow(void)
{
    return atomic_load(&closed_slow);
}
