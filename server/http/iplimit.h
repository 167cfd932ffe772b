/* iplimit — how many connections one client address may hold at once
 * (--max-connections-per-ip), counted here rather than by libmicrohttpd so
 * that trusted proxies (--trusted-proxy) are exempt: behind a proxy or a
 * container's published port every client arrives from the same address,
 * and a per-address cap there would be one global cap. The proxy limits
 * its own clients; pledged still caps connections in all.
 *
 * A table of IPL_SLOTS counters keyed by address under one mutex: an
 * accept costs one hash and one probe sequence. Thread-safe.
 */
#ifndef PLEDGED_IPLIMIT_H
#define PLEDGED_IPLIMIT_H

#include <stdbool.h>
#include <sys/socket.h>

/* The cap (0: none) and the exempt blocks, set once before serving. */
struct net_cidr;
void iplimit_configure(unsigned per_ip, const struct net_cidr *exempt, size_t n_exempt);

/* Counts a new connection from sa; false (nothing counted) when that
 * address holds its cap already. Every true must be matched by one
 * iplimit_leave with the same address. */
bool iplimit_enter(const struct sockaddr *sa);
void iplimit_leave(const struct sockaddr *sa);

#endif
