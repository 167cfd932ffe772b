/* Unit tests for the server's pure pieces: the router, ETag matching, and
 * the promise that every route of the router table is in the OpenAPI
 * document. */
#include "respond.h"
#include "router.h"
#include "net.h"
#include "tap.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

extern const char openapi_json[];
extern const size_t openapi_json_len;

/* The router as it was first written (strcspn per segment): the reference
 * model the byte-at-a-time matcher must agree with on every path below. */
static bool ref_match(const char *pattern, const char *path, const char *params[], char *store,
                      size_t store_len)
{
    size_t n_params = 0, used = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return false;
        p++, s++;
        size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");
        if (*p == '{') {
            if (slen == 0 || n_params == REQUEST_MAX_PARAMS || used + slen + 1 > store_len)
                return false;
            memcpy(store + used, s, slen);
            store[used + slen] = '\0';
            params[n_params++] = store + used;
            used += slen + 1;
        } else if (plen != slen || memcmp(p, s, plen) != 0) {
            return false;
        }
        p += plen, s += slen;
    }
    return *p == '\0' && *s == '\0';
}

/* The route the reference finds for (method, path): its index and
 * parameters, or -1. */
static int ref_route(const char *method, const char *path, const char *params[], char *store,
                     size_t store_len)
{
    for (size_t i = 0; i < routes_count; i++)
        if (ref_match(routes[i].pattern, path, params, store, store_len) &&
            strcmp(routes[i].method, method) == 0)
            return (int)i;
    return -1;
}

/* Paths made from every route's pattern: parameters filled in (one of
 * them empty), then each with a slash or a segment more, the last byte
 * less, a letter changed in each place, a slash doubled, upper case. */
static void test_router_model(void)
{
    static const char *const fills[] = {"x", "abc-1", "", "%2F", "{slug}"};
    size_t checked = 0, wrong = 0;
    for (size_t r = 0; r < routes_count; r++) {
        for (size_t f = 0; f < sizeof fills / sizeof fills[0]; f++) {
            char base[256];
            size_t n = 0;
            for (const char *p = routes[r].pattern; *p && n + 8 < sizeof base;) {
                if (*p == '{') {
                    n += (size_t)snprintf(base + n, sizeof base - n, "%s", fills[f]);
                    while (*p && *p != '}')
                        p++;
                    if (*p)
                        p++;
                } else {
                    base[n++] = *p++;
                }
            }
            base[n] = '\0';
            char variants[64][300];
            size_t nv = 0;
            snprintf(variants[nv++], 300, "%s", base);
            snprintf(variants[nv++], 300, "%s/", base);
            snprintf(variants[nv++], 300, "%s/more", base);
            snprintf(variants[nv++], 300, "%.*s", n ? (int)n - 1 : 0, base);
            snprintf(variants[nv++], 300, "/%s", base);
            for (size_t i = 0; base[i] && nv < 60; i += 2) {
                snprintf(variants[nv], 300, "%s", base);
                variants[nv][i] = variants[nv][i] == 'e' ? 'f' : 'e';
                nv++;
            }
            snprintf(variants[nv], 300, "%s", base);
            for (char *c = variants[nv]; *c; c++)
                *c = (char)toupper((unsigned char)*c);
            nv++;
            for (size_t v = 0; v < nv; v++) {
                for (size_t m = 0; m < 3; m++) {
                    const char *method = m == 0 ? routes[r].method : m == 1 ? "GET" : "PATCH";
                    const struct route *got = NULL;
                    const char *params[REQUEST_MAX_PARAMS], *want_params[REQUEST_MAX_PARAMS];
                    char store[256], want_store[256], allow[128];
                    enum route_match rm = router_match(method, variants[v], &got, params, store,
                                                       sizeof store, allow, sizeof allow);
                    int want = ref_route(method, variants[v], want_params, want_store,
                                         sizeof want_store);
                    bool same = (rm == ROUTE_FOUND) == (want >= 0) &&
                                (want < 0 || got == &routes[want]);
                    size_t nparams = 0;
                    for (const char *p = want >= 0 ? routes[want].pattern : ""; *p; p++)
                        nparams += *p == '{';
                    for (size_t q = 0; same && q < nparams; q++)
                        same = strcmp(params[q], want_params[q]) == 0;
                    checked++;
                    if (!same && wrong++ < 3)
                        CHECK(false, "router agrees with the reference on %s %s", method,
                              variants[v]);
                }
            }
        }
    }
    CHECK(checked > 5000 && wrong == 0, "router agrees with the reference model on %zu "
          "(method, path) pairs made from every route (%zu differ)", checked, wrong);
}

/* qsort's comparison of two NUL-terminated texts. */
static int cmp_text(const void *a, const void *b)
{
    return strcmp(a, b);
}

int main(void)
{
    /* Every route is documented, with its method. */
    json_error_t je;
    json_t *doc = json_loadb(openapi_json, openapi_json_len, JSON_REJECT_DUPLICATES, &je);
    CHECK(doc != NULL, "the embedded OpenAPI document parses (%s)", doc ? "ok" : je.text);
    json_t *paths = json_object_get(doc, "paths");
    for (size_t i = 0; i < routes_count; i++) {
        char method[16];
        size_t n = strlen(routes[i].method);
        for (size_t k = 0; k <= n; k++)
            method[k] = (char)(routes[i].method[k] >= 'A' && routes[i].method[k] <= 'Z'
                                   ? routes[i].method[k] + 32
                                   : routes[i].method[k]);
        json_t *item = json_object_get(paths, routes[i].pattern);
        CHECK(json_object_get(item, method) != NULL, "OpenAPI documents %s %s",
              routes[i].method, routes[i].pattern);
    }
    /* ... and documents nothing the router lacks. */
    const char *path;
    json_t *item;
    json_object_foreach(paths, path, item) {
        const char *m;
        json_t *op;
        json_object_foreach(item, m, op) {
            if (strcmp(m, "parameters") == 0)
                continue;
            bool found = false;
            for (size_t i = 0; i < routes_count && !found; i++)
                found = strcmp(routes[i].pattern, path) == 0 && strcasecmp(routes[i].method, m) == 0;
            CHECK(found, "documented %s %s is routed", m, path);
        }
    }
    json_decref(doc);

    /* Router matching. */
    test_router_model();
    const struct route *r = NULL;
    const char *params[REQUEST_MAX_PARAMS];
    char store[256], allow[128];
    CHECK(router_match("GET", "/v1/companies/microsoft", &r, params, store, sizeof store, allow,
                       sizeof allow) == ROUTE_FOUND &&
              strcmp(r->pattern, "/v1/companies/{slug}") == 0 && strcmp(params[0], "microsoft") == 0,
          "GET /v1/companies/microsoft routes with slug=microsoft");
    CHECK(router_match("HEAD", "/v1/companies", &r, params, store, sizeof store, allow,
                       sizeof allow) == ROUTE_FOUND && strcmp(r->method, "GET") == 0,
          "HEAD is routed as GET");
    CHECK(router_match("PUT", "/v1/companies/x", &r, params, store, sizeof store, allow,
                       sizeof allow) == ROUTE_NO_METHOD &&
              strcmp(allow, "GET, HEAD, PATCH, DELETE") == 0,
          "PUT on a company is 405 with Allow: GET, HEAD, PATCH, DELETE (got %s)", allow);
    static const char *const missing[] = {"/v1/companies/", "/v1/companies/a/b", "/v1/company",
                                          "/v1", "", "/v1//companies", "/V1/companies"};
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++)
        CHECK(router_match("GET", missing[i], &r, params, store, sizeof store, allow,
                           sizeof allow) == ROUTE_NO_PATH,
              "'%s' is not found", missing[i]);

    /* ETag lists. */
    const char *tag = "\"abc\"";
    static const struct { const char *header; bool weak; bool match; } etags[] = {
        {"\"abc\"", false, true},        {"\"abd\"", false, false},
        {"\"x\", \"abc\"", false, true}, {"\"x\" ,\"abc\" ", false, true},
        {"*", false, true},              {"W/\"abc\"", false, false},
        {"W/\"abc\"", true, true},       {"", false, false},
        {"abc", false, false},           {"\"abc", false, false},
    };
    for (size_t i = 0; i < sizeof etags / sizeof etags[0]; i++)
        CHECK(etag_listed(etags[i].header, tag, etags[i].weak) == etags[i].match,
              "etag_listed('%s', %s) is %s", etags[i].header, etags[i].weak ? "weak" : "strong",
              etags[i].match ? "true" : "false");
    char a[ETAG_LEN], b[ETAG_LEN];
    etag_of("x", 1, a);
    etag_of("y", 1, b);
    CHECK(strlen(a) == 34 && a[0] == '"' && strcmp(a, b) != 0, "ETags are quoted hashes (%s)", a);
    {
        /* An ETag names its body: a body of 700 bytes and each of its
         * 1,400 neighbours (one byte changed at each place, in two ways),
         * and each of its 700 prefixes, give 2,101 different ETags. */
        enum { LEN = 700, N = 1 + 2 * LEN + LEN };
        static char tags[N][ETAG_LEN];
        char body[LEN];
        for (size_t i = 0; i < LEN; i++)
            body[i] = (char)(' ' + (i * 7) % 90);
        size_t n = 0;
        etag_of(body, LEN, tags[n++]);
        for (size_t i = 0; i < LEN; i++)
            for (int flip = 1; flip <= 2; flip++) {
                body[i] = (char)(body[i] ^ flip);
                etag_of(body, LEN, tags[n++]);
                body[i] = (char)(body[i] ^ flip);
            }
        for (size_t len = 0; len < LEN; len++)
            etag_of(body, len, tags[n++]);
        qsort(tags, N, ETAG_LEN, cmp_text);
        size_t same = 0;
        for (size_t i = 1; i < N; i++)
            same += strcmp(tags[i - 1], tags[i]) == 0;
        char again[ETAG_LEN];
        etag_of(body, LEN, again);
        etag_of(body, LEN, a);
        CHECK(same == 0 && strcmp(again, a) == 0,
              "2,101 bodies, one byte apart or cut short, get 2,101 ETags (%zu repeated); the same body"
              " the same one", same);
    }
    /* net: CIDR blocks for --trusted-proxy, against a reference of bit
     * comparisons. */
    static const struct { const char *cidr, *addr; bool parses, inside; } cidrs[] = {
        {"10.0.0.0/8", "10.200.3.4", true, true},
        {"10.0.0.0/8", "11.0.0.1", true, false},
        {"10.1.2.3/8", "10.1.2.3", false, false},     /* host bits set: a typo */
        {"172.16.0.0/12", "172.31.255.255", true, true},
        {"172.16.0.0/12", "172.32.0.0", true, false},
        {"127.0.0.1", "127.0.0.1", true, true},
        {"127.0.0.1", "127.0.0.2", true, false},
        {"0.0.0.0/0", "8.8.8.8", true, true},
        {"::1/128", "::1", true, true},
        {"fd00::/8", "fd12:3456::1", true, true},
        {"fd00::/8", "fe80::1", true, false},
        {"10.0.0.0/8", "::ffff:10.9.9.9", true, true},  /* IPv4-mapped counts as IPv4 */
        {"10.0.0.0/33", "10.0.0.1", false, false},
        {"10.0.0.0/", "10.0.0.1", false, false},
        {"nowhere", "10.0.0.1", false, false},
        {"10.0.0.0/8x", "10.0.0.1", false, false},
    };
    for (size_t i = 0; i < sizeof cidrs / sizeof cidrs[0]; i++) {
        struct net_cidr c;
        struct net_address addr;
        bool parses = net_cidr_parse(cidrs[i].cidr, &c);
        bool inside = parses && net_parse(cidrs[i].addr, 0, &addr) &&
                      net_cidr_contains(&c, (const struct sockaddr *)&addr.ss);
        CHECK(parses == cidrs[i].parses && inside == cidrs[i].inside, "%s %s %s", cidrs[i].addr,
              cidrs[i].inside ? "is in" : "is not in", cidrs[i].cidr);
    }
    struct net_address na;
    char shown[64];
    CHECK(net_parse("::ffff:10.1.2.3", 0, &na), "an IPv4-mapped IPv6 address parses");
    net_ntop((const struct sockaddr *)&na.ss, shown, sizeof shown);
    CHECK(strcmp(shown, "10.1.2.3") == 0, "and is shown as IPv4 (%s)", shown);
    CHECK(!net_parse("999.1.1.1", 0, &na) && !net_parse("localhost", 0, &na) && !net_parse("", 0, &na),
          "net_parse takes numeric addresses only");
    return tap_done();
}
