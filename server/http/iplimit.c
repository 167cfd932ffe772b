/* iplimit — per-address connection counts (see iplimit.h). */
#include "iplimit.h"

#include "net.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#define IPL_SLOTS 16384 /* more than the connections allowed in all */

struct slot {
    uint8_t key[17];    /* family byte, then 4 or 16 address bytes; all 0: empty */
    unsigned count;
};

static struct {
    pthread_mutex_t mu;
    unsigned cap;
    const struct net_cidr *exempt;
    size_t n_exempt;
    struct slot slots[IPL_SLOTS];
} L = {.mu = PTHREAD_MUTEX_INITIALIZER};

void iplimit_configure(unsigned per_ip, const struct net_cidr *exempt, size_t n_exempt)
{
    L.cap = per_ip;
    L.exempt = exempt;
    L.n_exempt = n_exempt;
}

/* The key of sa, or false when it is not an IP address (or is exempt). */
static bool key_of(const struct sockaddr *sa, uint8_t key[17])
{
    if (!sa || L.cap == 0)
        return false;
    for (size_t i = 0; i < L.n_exempt; i++)
        if (net_cidr_contains(&L.exempt[i], sa))
            return false;
    memset(key, 0, 17);
    if (sa->sa_family == AF_INET) {
        key[0] = 4;
        memcpy(key + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6) {
        key[0] = 6;
        memcpy(key + 1, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
    } else {
        return false;
    }
    return true;
}

/* The slot holding key, or the empty one where it would go; NULL when the
 * table is full (cannot happen below IPL_SLOTS addresses). */
static struct slot *find(const uint8_t key[17])
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 17; i++)
        h = (h ^ key[i]) * 16777619u;
    struct slot *empty = NULL;
    for (uint32_t n = 0; n < IPL_SLOTS; n++) {
        struct slot *s = &L.slots[(h + n) & (IPL_SLOTS - 1)];
        if (s->count == 0) {
            if (!empty)
                empty = s;
            if (s->key[0] == 0)
                return empty; /* never used: the key is not further on */
        } else if (memcmp(s->key, key, 17) == 0) {
            return s;
        }
    }
    return empty;
}

bool iplimit_enter(const struct sockaddr *sa)
{
    uint8_t key[17];
    if (!key_of(sa, key))
        return true;
    pthread_mutex_lock(&L.mu);
    struct slot *s = find(key);
    bool ok = s && s->count < L.cap;
    if (ok) {
        memcpy(s->key, key, 17);
        s->count++;
    }
    pthread_mutex_unlock(&L.mu);
    return ok;
}

void iplimit_leave(const struct sockaddr *sa)
{
    uint8_t key[17];
    if (!key_of(sa, key))
        return;
    pthread_mutex_lock(&L.mu);
    struct slot *s = find(key);
    if (s && s->count > 0 && memcmp(s->key, key, 17) == 0)
        s->count--;
    pthread_mutex_unlock(&L.mu);
}
