/* Handlers driven without sockets: each test builds a `struct request`
 * (request.h) as the HTTP layer would, runs the route (its declared checks,
 * then its handler) against a freshly migrated database in a temporary folder, and asserts
 * on the `struct response` it fills: status, problem type, headers, body.
 * Covers create, read, merge-patch, delete and list of companies,
 * announcements and pledges, with the failures in between. */
#include "api.h"
#include "auth.h"
#include "db.h"
#include "handlers.h"
#include "migrate.h"
#include "request.h"
#include "tap.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char bearer[80];

/* A request: method, path, one optional path parameter, body, and up to
 * three query pairs ("k", "v", ...). */
static struct request req(const char *method, const char *path, const char *param,
                          const char *body, const char *const *query)
{
    struct request rq = {.method = method, .path = path, .request_id = "unit-test",
                         .client_ip = "127.0.0.1", .body = body ? body : "",
                         .body_len = body ? strlen(body) : 0};
    rq.params[0] = param;
    if (body) {
        rq.content_type = "application/json";
        rq.authorization = bearer;
    } else if (strcmp(method, "DELETE") == 0) {
        rq.authorization = bearer;
    }
    for (size_t i = 0; query && query[i]; i += 2)
        rq.query[rq.n_query++] = (struct query_arg){query[i], query[i + 1]};
    return rq;
}

/* Calls h through its route, as the HTTP layer does (the route's checks,
 * then h), and parses the answer's body (new ref, or NULL for none). */
static json_t *call(handler_fn *h, const struct request *rq, struct response *rs)
{
    memset(rs, 0, sizeof *rs);
    const struct route *route = NULL;
    for (size_t i = 0; i < routes_count && !route; i++)
        if (routes[i].handler == h && strcmp(routes[i].method, rq->method) == 0)
            route = &routes[i];
    if (!route) {
        rs->status = 999; /* a test that names the wrong handler fails loudly */
        return NULL;
    }
    api_run(route, rq, rs);
    return rs->body ? json_loads(rs->body, 0, NULL) : NULL;
}

/* Calls h and keeps only the answer's status. */
static unsigned status_of(handler_fn *h, const struct request *rq)
{
    struct response rs;
    json_t *doc = call(h, rq, &rs);
    json_decref(doc);
    response_free(&rs);
    return rs.status;
}

static const char *header(const struct response *rs, const char *name)
{
    for (size_t i = 0; i < rs->n_headers; i++)
        if (strcmp(rs->headers[i].name, name) == 0)
            return rs->headers[i].value;
    return NULL;
}

static const char *str(json_t *doc, const char *key)
{
    return json_string_value(json_object_get(doc, key));
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    db_global_init();
    char dir[] = "/tmp/pledged-handlers-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char path[128], err[256], token[TOKEN_LEN + 1];
    snprintf(path, sizeof path, "%s/h.db", dir);
    struct db *db = db_open(path, false, err, sizeof err);
    int applied = 0;
    CHECK(db && migrate_apply(db, &applied, err, sizeof err) && token_add(db, "unit", false, token, err, sizeof err),
          "a migrated database with a token (%s)", err);
    db_close(db);
    snprintf(bearer, sizeof bearer, "Bearer %s", token);
    CHECK(store_pool_start(path, err, sizeof err), "the pool and its writer start (%s)", err);
    struct response rs;
    json_t *doc;

    /* --- companies --- */
    struct request rq = req("POST", "/v1/companies", NULL, "{\"name\":\"Hitachi\",\"country\":\"jp\"}", NULL);
    doc = call(h_companies_create, &rq, &rs);
    CHECK(rs.status == 201 && header(&rs, "Location") && strcmp(header(&rs, "Location"), "/v1/companies/hitachi") == 0 &&
              doc && strcmp(str(doc, "slug"), "hitachi") == 0 && strcmp(str(doc, "country"), "JP") == 0,
          "POST /v1/companies creates hitachi (201, Location)");
    json_decref(doc);
    response_free(&rs);
    rq = req("POST", "/v1/companies", NULL, "{\"name\":\"Hitachi\"}", NULL);
    doc = call(h_companies_create, &rq, &rs);
    CHECK(rs.status == 409 && doc && strcmp(str(doc, "type"), "/problems/conflict") == 0,
          "the same slug again is 409 conflict");
    json_decref(doc);
    response_free(&rs);
    rq = req("POST", "/v1/companies", NULL, "{\"name\":\"\",\"country\":\"XX\",\"colour\":1}", NULL);
    doc = call(h_companies_create, &rq, &rs);
    CHECK(rs.status == 422 && doc && json_array_size(json_object_get(doc, "errors")) == 3,
          "an invalid company is 422 with all three errors");
    json_decref(doc);
    response_free(&rs);
    rq = req("POST", "/v1/companies", NULL, "{\"name\":\"Nope\"}", NULL);
    rq.authorization = NULL;
    doc = call(h_companies_create, &rq, &rs);
    CHECK(rs.status == 401 && header(&rs, "WWW-Authenticate"), "no token is 401 with WWW-Authenticate");
    json_decref(doc);
    response_free(&rs);
    rq = req("GET", "/v1/companies/hitachi", "hitachi", NULL, NULL);
    doc = call(h_company_get, &rq, &rs);
    const char *etag = header(&rs, "ETag");
    char etag_copy[64] = "";
    if (etag)
        snprintf(etag_copy, sizeof etag_copy, "%s", etag);
    CHECK(rs.status == 200 && etag && doc && strcmp(str(doc, "name"), "Hitachi") == 0 &&
              strcmp(json_string_value(json_object_get(json_object_get(doc, "total_usd"), "value")), "0.00") == 0,
          "GET a company: 200 with an ETag and totals");
    json_decref(doc);
    response_free(&rs);
    rq = req("PATCH", "/v1/companies/hitachi", "hitachi", "{\"website\":\"https://www.hitachi.com\"}", NULL);
    rq.if_match = "\"stale\"";
    doc = call(h_company_patch, &rq, &rs);
    CHECK(rs.status == 412, "PATCH with a stale If-Match is 412 (%u)", rs.status);
    json_decref(doc);
    response_free(&rs);
    rq.if_match = etag_copy;
    doc = call(h_company_patch, &rq, &rs);
    CHECK(rs.status == 200 && doc && strcmp(str(doc, "website"), "https://www.hitachi.com") == 0,
          "PATCH with the current ETag changes the company");
    json_decref(doc);
    response_free(&rs);
    static const char *const q_jp[] = {"country", "JP", "count", "true", NULL};
    rq = req("GET", "/v1/companies", NULL, NULL, q_jp);
    doc = call(h_companies_list, &rq, &rs);
    CHECK(rs.status == 200 && doc && json_integer_value(json_object_get(doc, "total")) == 1 &&
              json_array_size(json_object_get(doc, "data")) == 1,
          "GET /v1/companies?country=JP lists it, with the total");
    json_decref(doc);
    response_free(&rs);
    static const char *const q_bad[] = {"colour", "red", NULL};
    rq = req("GET", "/v1/companies", NULL, NULL, q_bad);
    doc = call(h_companies_list, &rq, &rs);
    CHECK(rs.status == 400 && doc && strcmp(str(doc, "type"), "/problems/bad-parameter") == 0,
          "an unknown query parameter is 400 naming it");
    json_decref(doc);
    response_free(&rs);

    /* --- announcements and pledges --- */
    rq = req("POST", "/v1/announcements", NULL,
             "{\"title\":\"Hitachi plans\",\"announced_on\":\"2024-06-04\",\"companies\":[\"hitachi\"],"
             "\"sources\":[{\"url\":\"https://example.com/h\"}],"
             "\"pledges\":[{\"kind\":\"investment\",\"amount\":{\"currency\":\"JPY\",\"value\":\"300000000000\"}},"
             "{\"kind\":\"target\",\"amount\":{\"currency\":\"USD\",\"value\":\"18900000000\"}}]}",
             NULL);
    doc = call(h_announcements_create, &rq, &rs);
    json_int_t ann = doc ? json_integer_value(json_object_get(doc, "id")) : 0;
    CHECK(rs.status == 201 && ann > 0 &&
              strcmp(json_string_value(json_object_get(json_object_get(doc, "total_usd"), "value")),
                     "1937108542.65") == 0 &&
              strcmp(json_string_value(json_object_get(json_object_get(doc, "targets_usd"), "value")),
                     "18900000000.00") == 0,
          "POST an announcement with pledges: committed US$1,937,108,542.65, the target apart");
    json_int_t pid = doc ? json_integer_value(json_object_get(
                               json_array_get(json_object_get(doc, "pledges"), 0), "id"))
                         : 0;
    json_decref(doc);
    response_free(&rs);
    char id[24], ann_id[24];
    snprintf(id, sizeof id, "%lld", (long long)pid);
    snprintf(ann_id, sizeof ann_id, "%lld", (long long)ann);
    rq = req("POST", "/v1/announcements", NULL,
             "{\"title\":\"Dup\",\"announced_on\":\"2024-06-04\",\"companies\":[\"hitachi\"],"
             "\"sources\":[{\"url\":\"https://example.com/h\"}]}",
             NULL);
    doc = call(h_announcements_create, &rq, &rs);
    CHECK(rs.status == 409, "a source URL already filed is 409 (%u)", rs.status);
    json_decref(doc);
    response_free(&rs);
    rq = req("PATCH", "/v1/pledges/x", id, "{\"status\":\"in_progress\",\"amount_qualifier\":\"about\"}", NULL);
    rq.content_type = "application/merge-patch+json";
    doc = call(h_pledge_patch, &rq, &rs);
    CHECK(rs.status == 200 && doc && strcmp(str(doc, "status"), "in_progress") == 0 &&
              strcmp(str(doc, "amount_qualifier"), "about") == 0,
          "PATCH a pledge (merge patch): status and qualifier");
    json_decref(doc);
    response_free(&rs);
    rq = req("PATCH", "/v1/pledges/x", id, "{\"kind\":\"bribe\",\"people_qualifier\":\"about\"}", NULL);
    doc = call(h_pledge_patch, &rq, &rs);
    CHECK(rs.status == 422 && doc && json_array_size(json_object_get(doc, "errors")) == 2,
          "an invalid pledge patch is 422 with both errors, and nothing changes");
    json_decref(doc);
    response_free(&rs);
    const char *const q_ann[] = {"announcement", ann_id, "approximate", "true", NULL};
    rq = req("GET", "/v1/pledges", NULL, NULL, q_ann);
    doc = call(h_pledges_list, &rq, &rs);
    CHECK(rs.status == 200 && doc && json_array_size(json_object_get(doc, "data")) == 1,
          "GET /v1/pledges?announcement=&approximate=true lists the qualified pledge");
    json_decref(doc);
    response_free(&rs);
    rq = req("GET", "/v1/pledges", NULL, NULL, q_ann);
    rq.accept = "text/csv";
    doc = call(h_pledges_list, &rq, &rs);
    CHECK(rs.status == 200 && rs.content_type && strncmp(rs.content_type, "text/csv", 8) == 0 && rs.body &&
              strncmp(rs.body, "id,announcement_id,", 19) == 0 && header(&rs, "Vary"),
          "the same list as CSV for Accept: text/csv, with Vary");
    json_decref(doc);
    response_free(&rs);
    rq = req("DELETE", "/v1/pledges/x", id, NULL, NULL);
    doc = call(h_pledge_delete, &rq, &rs);
    CHECK(rs.status == 204 && !rs.body, "DELETE a pledge: 204");
    json_decref(doc);
    response_free(&rs);
    rq = req("GET", "/v1/pledges/x", id, NULL, NULL);
    CHECK(status_of(h_pledge_get, &rq) == 410, "the deleted pledge is 410 Gone");
    rq = req("DELETE", "/v1/companies/hitachi", "hitachi", NULL, NULL);
    CHECK(status_of(h_company_delete, &rq) == 409,
          "a company an announcement names cannot be deleted (409)");
    rq = req("DELETE", "/v1/announcements/x", ann_id, NULL, NULL);
    CHECK(status_of(h_announcement_delete, &rq) == 204, "DELETE the announcement: 204");
    rq = req("DELETE", "/v1/companies/hitachi", "hitachi", NULL, NULL);
    CHECK(status_of(h_company_delete, &rq) == 204, "then the company can go (204)");

    store_pool_stop();
    char f[200];
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(f, sizeof f, "%s%s", path, suffixes[i]);
        unlink(f);
    }
    rmdir(dir);
    return tap_done();
}
