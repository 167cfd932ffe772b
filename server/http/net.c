/* net — addresses, the listening socket and CIDR blocks (see net.h). */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool net_parse(const char *text, unsigned port, struct net_address *out)
{
    memset(out, 0, sizeof *out);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&out->ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->ss;
    if (text && inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        out->len = sizeof *v4;
        return true;
    }
    if (text && inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        out->len = sizeof *v6;
        return true;
    }
    return false;
}

int net_listen(const struct net_address *addr, const char *shown_host, int backlog, char *err,
               size_t errlen)
{
    unsigned port = ntohs(addr->ss.ss_family == AF_INET
                              ? ((const struct sockaddr_in *)&addr->ss)->sin_port
                              : ((const struct sockaddr_in6 *)&addr->ss)->sin6_port);
    int fd = socket(addr->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open a socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (addr->ss.ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (const struct sockaddr *)&addr->ss, addr->len) != 0) {
        int e = errno;
        if (e == EADDRINUSE)
            snprintf(err, errlen, "port %u is already in use on %s: is another pledged running?",
                     port, shown_host);
        else if (e == EADDRNOTAVAIL)
            snprintf(err, errlen, "%s is not an address of this machine", shown_host);
        else if (e == EACCES)
            snprintf(err, errlen, "no permission to listen on port %u of %s", port, shown_host);
        else
            snprintf(err, errlen, "cannot listen on %s port %u: %s", shown_host, port, strerror(e));
        close(fd);
        return -1;
    }
    if (listen(fd, backlog) != 0) {
        snprintf(err, errlen, "cannot listen on %s port %u: %s", shown_host, port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

bool net_cidr_parse(const char *text, struct net_cidr *out)
{
    memset(out, 0, sizeof *out);
    char host[64];
    const char *slash = strchr(text, '/');
    size_t n = slash ? (size_t)(slash - text) : strlen(text);
    if (n == 0 || n >= sizeof host)
        return false;
    memcpy(host, text, n);
    host[n] = '\0';
    unsigned max;
    if (inet_pton(AF_INET, host, out->bytes) == 1) {
        out->family = AF_INET;
        max = 32;
    } else if (inet_pton(AF_INET6, host, out->bytes) == 1) {
        out->family = AF_INET6;
        max = 128;
    } else {
        return false;
    }
    out->prefix = max;
    if (slash) {
        const char *p = slash + 1;
        unsigned v = 0;
        if (!*p || strlen(p) > 3)
            return false;
        for (; *p; p++) {
            if (*p < '0' || *p > '9')
                return false;
            v = v * 10 + (unsigned)(*p - '0');
        }
        if (v > max)
            return false;
        out->prefix = v;
    }
    /* Bits below the prefix must be zero: "10.1.2.3/8" is a typo. */
    for (unsigned bit = out->prefix; bit < max; bit++)
        if (out->bytes[bit / 8] & (0x80u >> (bit % 8)))
            return false;
    return true;
}

/* The address bytes of sa, with IPv4-mapped IPv6 turned into IPv4. */
static int address_bytes(const struct sockaddr *sa, uint8_t out[16])
{
    if (sa->sa_family == AF_INET) {
        memcpy(out, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        return AF_INET;
    }
    if (sa->sa_family == AF_INET6) {
        const uint8_t *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(b, mapped, 12) == 0) {
            memcpy(out, b + 12, 4);
            return AF_INET;
        }
        memcpy(out, b, 16);
        return AF_INET6;
    }
    return 0;
}

bool net_cidr_contains(const struct net_cidr *cidr, const struct sockaddr *sa)
{
    uint8_t b[16];
    if (!sa || address_bytes(sa, b) != cidr->family)
        return false;
    for (unsigned bit = 0; bit < cidr->prefix; bit++) {
        uint8_t mask = (uint8_t)(0x80u >> (bit % 8));
        if ((b[bit / 8] & mask) != (cidr->bytes[bit / 8] & mask))
            return false;
    }
    return true;
}

void net_ntop(const struct sockaddr *sa, char *out, size_t len)
{
    uint8_t b[16];
    int family = sa ? address_bytes(sa, b) : 0;
    if (!family || !inet_ntop(family, b, out, (socklen_t)len))
        snprintf(out, len, "?");
}
