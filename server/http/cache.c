/* cache — per-thread answer cache keyed by URL and data_version (see
 * cache.h). */
#include "cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    char *key;                /* owned; NULL for an empty slot */
    uint64_t hash;
    int64_t version;
    const char *content_type; /* static */
    char *body;
    size_t body_len;
    struct header headers[RESPONSE_MAX_HEADERS];
    size_t n_headers;
};

struct cache {
    struct entry slots[CACHE_SLOTS];
    size_t bytes;
    struct cache *next;       /* every thread's cache, for cache_free_all */
};

static _Thread_local struct cache *t_cache;
static size_t thread_bytes = CACHE_THREAD_MAX;

void cache_configure(unsigned threads)
{
    size_t share = CACHE_TOTAL_BYTES / (threads ? threads : 1);
    thread_bytes = share < CACHE_THREAD_MAX ? share : CACHE_THREAD_MAX;
}
static struct cache *all;
static pthread_mutex_t all_mu = PTHREAD_MUTEX_INITIALIZER;

static uint64_t hash_of(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void entry_clear(struct cache *c, struct entry *e)
{
    if (!e->key)
        return;
    c->bytes -= e->body_len;
    free(e->key);
    free(e->body);
    for (size_t i = 0; i < e->n_headers; i++)
        free(e->headers[i].value);
    memset(e, 0, sizeof *e);
}

bool cache_get(const char *key, int64_t version, struct response *rs)
{
    struct cache *c = t_cache;
    if (!c || version < 0)
        return false;
    uint64_t h = hash_of(key);
    struct entry *e = &c->slots[h % CACHE_SLOTS];
    if (!e->key || e->hash != h || e->version != version || strcmp(e->key, key) != 0)
        return false;
    char *body = malloc(e->body_len + 1);
    if (!body)
        return false;
    memcpy(body, e->body, e->body_len + 1);
    rs->status = 200;
    rs->body = body;
    rs->body_len = e->body_len;
    rs->content_type = e->content_type;
    for (size_t i = 0; i < e->n_headers; i++) {
        rs->headers[i].name = e->headers[i].name;
        rs->headers[i].value = strdup(e->headers[i].value);
    }
    rs->n_headers = e->n_headers;
    return true;
}

void cache_put(const char *key, int64_t version, const struct response *rs)
{
    if (version < 0 || rs->status != 200 || !rs->body || rs->body_len > CACHE_MAX_BODY)
        return;
    struct cache *c = t_cache;
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c)
            return;
        pthread_mutex_lock(&all_mu);
        c->next = all;
        all = c;
        pthread_mutex_unlock(&all_mu);
        t_cache = c;
    }
    if (c->bytes + rs->body_len > thread_bytes)
        for (size_t i = 0; i < CACHE_SLOTS; i++)
            entry_clear(c, &c->slots[i]);
    uint64_t h = hash_of(key);
    struct entry *e = &c->slots[h % CACHE_SLOTS];
    entry_clear(c, e);
    e->key = strdup(key);
    e->body = malloc(rs->body_len + 1);
    if (!e->key || !e->body) {
        free(e->key);
        free(e->body);
        memset(e, 0, sizeof *e);
        return;
    }
    memcpy(e->body, rs->body, rs->body_len);
    e->body[rs->body_len] = '\0';
    e->body_len = rs->body_len;
    e->hash = h;
    e->version = version;
    e->content_type = rs->content_type;
    for (size_t i = 0; i < rs->n_headers; i++) {
        e->headers[i].name = rs->headers[i].name;
        e->headers[i].value = strdup(rs->headers[i].value);
        if (!e->headers[i].value)
            break;
        e->n_headers++;
    }
    c->bytes += rs->body_len;
}

void cache_free_all(void)
{
    pthread_mutex_lock(&all_mu);
    while (all) {
        struct cache *next = all->next;
        for (size_t i = 0; i < CACHE_SLOTS; i++)
            entry_clear(all, &all->slots[i]);
        free(all);
        all = next;
    }
    pthread_mutex_unlock(&all_mu);
}
