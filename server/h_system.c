/* h_system — the service's own endpoints: an index at /, liveness,
 * readiness and the OpenAPI document. */
#include "app.h"
#include "db.h"
#include "handlers.h"
#include "migrate.h"
#include "respond.h"

#include <stddef.h>

extern const char openapi_json[];
extern const size_t openapi_json_len;

void h_root(const struct request *rq, struct response *rs)
{
    respond_json_get(rq, rs,
                     json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s}}", "service", "pledged",
                               "version", PLEDGED_VERSION, "documentation",
                               "/v1/openapi.json", "links", "companies", "/v1/companies",
                               "health", "/healthz", "readiness", "/readyz"));
}

void h_healthz(const struct request *rq, struct response *rs)
{
    (void)rq;
    respond_json(rs, 200, json_pack("{s:s}", "status", "ok"));
}

void h_readyz(const struct request *rq, struct response *rs)
{
    (void)rq;
    struct db *db = db_reader();
    int current = db ? migrate_current(db) : -1;
    int latest = migrate_latest();
    if (current != latest) {
        respond_problem(rs, 503, "unavailable", "Not ready",
                        "database schema version %d, expected %d", current, latest);
        return;
    }
    respond_json(rs, 200, json_pack("{s:s, s:i}", "status", "ready", "schema_version", current));
}

void h_openapi(const struct request *rq, struct response *rs)
{
    respond_bytes(rs, 200, "application/json", openapi_json, openapi_json_len);
    respond_with_etag(rq, rs);
}
