/* ratelimit — token buckets per client IP and per API token.
 *
 * Each bucket holds up to 2 × rate requests (the burst) and refills at
 * `rate` per second. Buckets live in a fixed table of RL_SLOTS per kind,
 * chosen by a hash of the key; a new key takes over a slot (starting with
 * a full bucket), so memory is bounded whatever clients do. The table is
 * guarded by striped mutexes, so threads seldom wait on each other.
 *
 * Ownership: keys are copied into the table; nothing is allocated.
 */
#ifndef PLEDGED_RATELIMIT_H
#define PLEDGED_RATELIMIT_H

#include <stdbool.h>

enum rl_kind { RL_IP, RL_TOKEN };

/* Takes one request from the bucket of `key`. False when it is empty, with
 * *retry_after set to the whole seconds until one is available (>= 1). */
bool ratelimit_take(enum rl_kind kind, const char *key, unsigned rate, unsigned *retry_after);

#endif
