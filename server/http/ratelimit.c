/* ratelimit — striped token buckets (see ratelimit.h). Tokens are kept in
 * millionths so refills need no floating point. */
#include "ratelimit.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define RL_SLOTS 8192
#define RL_STRIPES 64
#define UNIT 1000000LL

struct bucket {
    char key[64];
    int64_t tokens;     /* millionths of a request */
    int64_t last_us;    /* CLOCK_MONOTONIC of the last refill */
};

static struct bucket buckets[2][RL_SLOTS];
static pthread_mutex_t stripes[RL_STRIPES];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_stripes(void)
{
    for (int i = 0; i < RL_STRIPES; i++)
        pthread_mutex_init(&stripes[i], NULL);
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

bool ratelimit_take(enum rl_kind kind, const char *key, unsigned rate, unsigned *retry_after)
{
    pthread_once(&once, init_stripes);
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    size_t slot = h % RL_SLOTS;
    pthread_mutex_t *mu = &stripes[slot % RL_STRIPES];
    int64_t burst = 2 * (int64_t)rate * UNIT, t = now_us();
    bool ok;
    pthread_mutex_lock(mu);
    struct bucket *b = &buckets[kind][slot];
    if (strncmp(b->key, key, sizeof b->key - 1) != 0) {
        snprintf(b->key, sizeof b->key, "%s", key);
        b->tokens = burst;
        b->last_us = t;
    }
    b->tokens += (t - b->last_us) * (int64_t)rate;
    if (b->tokens > burst)
        b->tokens = burst;
    b->last_us = t;
    ok = b->tokens >= UNIT;
    if (ok) {
        b->tokens -= UNIT;
    } else {
        int64_t wait_us = (UNIT - b->tokens + (int64_t)rate - 1) / (int64_t)rate;
        *retry_after = (unsigned)((wait_us + 999999) / 1000000);
        if (*retry_after < 1)
            *retry_after = 1;
    }
    pthread_mutex_unlock(mu);
    return ok;
}
