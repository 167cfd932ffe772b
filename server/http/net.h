/* net — socket addresses for the daemon: parsing a numeric address once
 * (used by serve, healthcheck and --trusted-proxy), opening the listening
 * socket, and matching an address against a CIDR block.
 *
 * The listening socket is opened here rather than by libmicrohttpd so that
 * a port already in use is reported as exactly that, before the database
 * is touched, and so that SO_REUSEPORT is never set: with it a second
 * daemon could listen on the same port and answers would alternate between
 * two databases. SO_REUSEADDR is set (a restart may bind while old
 * connections sit in TIME_WAIT; it never lets two listeners share a port).
 */
#ifndef PLEDGED_NET_H
#define PLEDGED_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* A numeric IPv4 or IPv6 address with a port. */
struct net_address {
    struct sockaddr_storage ss;
    socklen_t len;
};

/* Parses a numeric IPv4 ("127.0.0.1") or IPv6 ("::1") address. False when
 * `text` is neither (host names are not resolved). */
bool net_parse(const char *text, unsigned port, struct net_address *out);

/* Opens a listening TCP socket on `addr` (backlog `backlog`), close-on-exec.
 * Returns the fd, or -1 with a one-line reason in err ("port 8080 is
 * already in use on 127.0.0.1"). */
int net_listen(const struct net_address *addr, const char *shown_host, int backlog, char *err,
               size_t errlen);

/* A CIDR block: an address and a prefix length ("10.0.0.0/8", "::1/128", or
 * a bare address meaning all its bits). */
struct net_cidr {
    int family;            /* AF_INET or AF_INET6 */
    uint8_t bytes[16];     /* network address, 4 or 16 bytes used */
    unsigned prefix;       /* 0-32 or 0-128 */
};

bool net_cidr_parse(const char *text, struct net_cidr *out);
/* Whether sa (AF_INET or AF_INET6; IPv4-mapped IPv6 counts as IPv4) lies in
 * the block. */
bool net_cidr_contains(const struct net_cidr *cidr, const struct sockaddr *sa);

/* Writes the numeric form of sa's address into out (at least 46 bytes);
 * "?" when it is neither family. IPv4-mapped IPv6 is shown as IPv4. */
void net_ntop(const struct sockaddr *sa, char *out, size_t len);

#endif
