/* Unit tests for the server's pure pieces: the router, ETag matching, and
 * the promise that every route of the router table is in the OpenAPI
 * document. */
#include "respond.h"
#include "router.h"
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
    return tap_done();
}
