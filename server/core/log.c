/* log — structured lines on stderr (see log.h). */
#include "log.h"

#include "buf.h"
#include "text.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH_BYTES (64 * 1024)
#define BATCH_FLUSH_MS 100

/* Access lines wait here for one write(2) per batch; every other line
 * flushes them first, so lines keep their order. */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t wake;
    char data[BATCH_BYTES];
    size_t len;
    bool running, stopping;
    pthread_t thread;
} B = {.mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static void write_all(const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w <= 0)
            return; /* stderr is gone: nothing better to do with a log line */
        p += w;
        n -= (size_t)w;
    }
}

/* Writes what waits; the caller holds B.mu. */
static void flush_locked(void)
{
    write_all(B.data, B.len);
    B.len = 0;
}

static void *flusher(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&B.mu);
    while (!B.stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += BATCH_FLUSH_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&B.wake, &B.mu, &until);
        flush_locked();
    }
    flush_locked();
    pthread_mutex_unlock(&B.mu);
    return NULL;
}

bool log_batch_start(void)
{
    B.stopping = false;
    B.running = pthread_create(&B.thread, NULL, flusher, NULL) == 0;
    return B.running;
}

void log_batch_stop(void)
{
    if (!B.running)
        return;
    pthread_mutex_lock(&B.mu);
    B.stopping = true;
    pthread_cond_signal(&B.wake);
    pthread_mutex_unlock(&B.mu);
    pthread_join(B.thread, NULL);
    B.running = false;
}

void log_access(const char *line, size_t len)
{
    pthread_mutex_lock(&B.mu);
    if (!B.running || len + 1 > BATCH_BYTES) {
        flush_locked();
        write_all(line, len);
        write_all("\n", 1);
    } else {
        if (B.len + len + 1 > BATCH_BYTES)
            flush_locked();
        memcpy(B.data + B.len, line, len);
        B.data[B.len + len] = '\n';
        B.len += len + 1;
    }
    pthread_mutex_unlock(&B.mu);
}

void log_line(const char *line, size_t len)
{
    struct buf b;
    buf_init(&b, 1 << 16);
    if (buf_append(&b, line, len) && buf_putc(&b, '\n')) {
        pthread_mutex_lock(&B.mu);
        flush_locked();
        write_all(b.data, b.len);
        pthread_mutex_unlock(&B.mu);
    }
    buf_free(&b);
}

static void log_msg(const char *level, const char *request_id, const char *msg)
{
    struct buf b;
    buf_init(&b, 1 << 16);
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"%s\"", ts, level);
    if (request_id) {
        buf_puts(&b, ",\"request_id\":\"");
        json_escape_append(&b, request_id);
        buf_putc(&b, '"');
    }
    buf_puts(&b, ",\"msg\":\"");
    json_escape_append(&b, msg);
    buf_puts(&b, "\"}");
    log_line(b.data, b.len);
    buf_free(&b);
}

void log_error(const char *request_id, const char *msg)
{
    log_msg("error", request_id, msg);
}

void log_info(const char *msg)
{
    log_msg("info", NULL, msg);
}
