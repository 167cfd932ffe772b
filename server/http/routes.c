/* routes — the route table, and what each route declares (router.h):
 * the token it needs, the query parameters it takes, its body, whether an
 * Idempotency-Key is honoured. Every route here must also be in
 * server/api/openapi.json; a unit test fails when one is missing. */
#include "handlers.h"
#include "feed.h"
#include "history.h"
#include "router.h"

#include <stddef.h>

/* A page of a list: its sort, size, position and total, JSON or CSV. */
#define PAGE_PARAMS "sort", "limit", "cursor", "count", "format"
#define PLEDGE_FILTERS                                                                   \
    "company", "announcement", "country", "kind", "status", "currency", "min_usd", "max_usd", \
        "approximate", "from", "to", "q"

static const char *const companies_list[] = {"q", "country", PAGE_PARAMS, NULL};
static const char *const announcements_list[] = {"company", "country", "from", "to", "q",
                                                 PAGE_PARAMS, NULL};
static const char *const pledges_list[] = {PLEDGE_FILTERS, PAGE_PARAMS, NULL};
static const char *const stats_totals[] = {"group_by", PLEDGE_FILTERS, "format", NULL};
static const char *const currencies[] = {"format", NULL};
static const char *const rates_list[] = {"currency", "from", "to", PAGE_PARAMS, NULL};
static const char *const convert[] = {"amount", "from", "to", "date", NULL};
static const char *const one_version[] = {"version", NULL};
static const char *const root_params[] = {"live", NULL}; /* the page's own: ?live=off */
static const char *const history_list[] = {"limit", "cursor", NULL};
static const char *const deleted_list[] = {"resource", "since", "limit", "cursor", NULL};
static const char *const changes_list[] = {"resource", "since", "limit", NULL};

#define READ(path, h) {"GET", path, h, ROUTE_OPEN, NULL, ROUTE_NO_BODY, false, false}
#define READ_ANY(path, h) {"GET", path, h, ROUTE_OPEN, NULL, ROUTE_NO_BODY, false, true}
#define LIST(path, h, params) {"GET", path, h, ROUTE_OPEN, params, ROUTE_NO_BODY, false, false}
#define CREATE(path, h) {"POST", path, h, ROUTE_WRITER, NULL, ROUTE_JSON, true, false}
#define PATCH(path, h) {"PATCH", path, h, ROUTE_WRITER, NULL, ROUTE_MERGE_PATCH, false, false}
#define DELETE(path, h) {"DELETE", path, h, ROUTE_WRITER, NULL, ROUTE_NO_BODY, false, false}

const struct route routes[] = {
    LIST("/", h_root, root_params),
    READ("/dashboard.js", h_dashboard_js),
    READ("/dashboard-drafts.js", h_dashboard_drafts_js),
    READ_ANY("/healthz", h_healthz),
    READ_ANY("/readyz", h_readyz),
    READ("/metrics", h_metrics),
    READ_ANY("/v1/openapi.json", h_openapi),
    LIST("/v1/companies", h_companies_list, companies_list),
    CREATE("/v1/companies", h_companies_create),
    LIST("/v1/companies/{slug}", h_company_get, one_version),
    LIST("/v1/companies/{slug}/history", h_company_history, history_list),
    READ("/v1/companies/{slug}/history/{version}", h_company_history_version),
    PATCH("/v1/companies/{slug}", h_company_patch),
    DELETE("/v1/companies/{slug}", h_company_delete),
    LIST("/v1/announcements", h_announcements_list, announcements_list),
    CREATE("/v1/announcements", h_announcements_create),
    LIST("/v1/announcements/{id}", h_announcement_get, one_version),
    LIST("/v1/announcements/{id}/history", h_announcement_history, history_list),
    READ("/v1/announcements/{id}/history/{version}", h_announcement_history_version),
    PATCH("/v1/announcements/{id}", h_announcement_patch),
    DELETE("/v1/announcements/{id}", h_announcement_delete),
    LIST("/v1/pledges", h_pledges_list, pledges_list),
    CREATE("/v1/pledges", h_pledges_create),
    LIST("/v1/pledges/{id}", h_pledge_get, one_version),
    LIST("/v1/pledges/{id}/history", h_pledge_history, history_list),
    READ("/v1/pledges/{id}/history/{version}", h_pledge_history_version),
    PATCH("/v1/pledges/{id}", h_pledge_patch),
    DELETE("/v1/pledges/{id}", h_pledge_delete),
    LIST("/v1/stats/totals", h_stats_totals, stats_totals),
    READ("/v1/stats/summary", h_stats_summary),
    LIST("/v1/stats/totals.svg", h_stats_totals_svg, stats_totals),
    LIST("/v1/currencies", h_currencies, currencies),
    LIST("/v1/rates", h_rates_list, rates_list),
    READ("/v1/rates/{currency}/{date}", h_rate_get),
    {"PUT", "/v1/rates/{currency}/{date}", h_rate_put, ROUTE_WRITER, NULL, ROUTE_JSON, false,
     false},
    LIST("/v1/convert", h_convert, convert),
    {"POST", "/v1/drafts", h_drafts_create, ROUTE_TOKEN, NULL, ROUTE_JSON, false, false},
    LIST("/v1/deleted", h_deleted, deleted_list),
    LIST("/v1/changes", h_changes, changes_list),
};

const size_t routes_count = sizeof routes / sizeof routes[0];
