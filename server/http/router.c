/* router — pattern matching over the route table (see router.h). */
#include "router.h"

#include <stdbool.h>
#include <string.h>

/* Matches one pattern; on success copies parameters into store. The two
 * are walked together, a byte at a time: nearly every route differs from
 * the path in the first letters of a segment, so most are left after a
 * comparison or two (the request's path is matched against every route
 * until one has its method). */
static bool match(const char *pattern, const char *path, const char *params[], char *store,
                  size_t store_len)
{
    size_t n_params = 0, used = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return false;
        p++, s++;
        if (*p == '{') {
            size_t slen = 0;
            while (s[slen] && s[slen] != '/')
                slen++;
            if (slen == 0 || n_params == REQUEST_MAX_PARAMS || used + slen + 1 > store_len)
                return false;
            memcpy(store + used, s, slen);
            store[used + slen] = '\0';
            params[n_params++] = store + used;
            used += slen + 1;
            s += slen;
            while (*p && *p != '/')
                p++;
            continue;
        }
        while (*p && *p != '/' && *p == *s)
            p++, s++;
        if (*p && *p != '/')
            return false; /* the segments differ (a longer path segment
                             fails the slash test above, or the end) */
    }
    return *p == '\0' && *s == '\0';
}

enum route_match router_match(const char *method, const char *path, const struct route **out,
                              const char *params[REQUEST_MAX_PARAMS], char *store,
                              size_t store_len, char *allow, size_t allow_len)
{
    if (strcmp(method, "HEAD") == 0)
        method = "GET";
    bool path_known = false;
    size_t allow_used = 0;
    allow[0] = '\0';
    for (size_t i = 0; i < routes_count; i++) {
        const struct route *r = &routes[i];
        if (!match(r->pattern, path, params, store, store_len))
            continue;
        if (strcmp(r->method, method) == 0) {
            *out = r;
            return ROUTE_FOUND;
        }
        path_known = true;
        size_t n = strlen(r->method);
        bool with_head = strcmp(r->method, "GET") == 0;
        size_t need = n + (allow_used ? 2 : 0) + (with_head ? 6 : 0);
        if (allow_used + need + 1 <= allow_len) {
            if (allow_used) {
                memcpy(allow + allow_used, ", ", 2);
                allow_used += 2;
            }
            memcpy(allow + allow_used, r->method, n);
            allow_used += n;
            if (with_head) {
                memcpy(allow + allow_used, ", HEAD", 6);
                allow_used += 6;
            }
            allow[allow_used] = '\0';
        }
    }
    return path_known ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
}
