/* Unit tests for the server's pure pieces: the router, ETag matching, and
 * the promise that every route of the router table is in the OpenAPI
 * document. */
#include "respond.h"
#include "router.h"
#include "net.h"
#include "tap.h"

#include <jansson.h>
#include <string.h>
#include <strings.h>

extern const char openapi_json[];
extern const size_t openapi_json_len;

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
