/* routes — the route table. Every route here must also be in
 * server/openapi.json; a unit test fails when one is missing. */
#include "handlers.h"
#include "router.h"

const struct route routes[] = {
    {"GET", "/", h_root},
    {"GET", "/dashboard.js", h_dashboard_js},
    {"GET", "/healthz", h_healthz},
    {"GET", "/readyz", h_readyz},
    {"GET", "/metrics", h_metrics},
    {"GET", "/v1/openapi.json", h_openapi},
    {"GET", "/v1/companies", h_companies_list},
    {"POST", "/v1/companies", h_companies_create},
    {"GET", "/v1/companies/{slug}", h_company_get},
    {"PATCH", "/v1/companies/{slug}", h_company_patch},
    {"DELETE", "/v1/companies/{slug}", h_company_delete},
    {"GET", "/v1/announcements", h_announcements_list},
    {"POST", "/v1/announcements", h_announcements_create},
    {"GET", "/v1/announcements/{id}", h_announcement_get},
    {"PATCH", "/v1/announcements/{id}", h_announcement_patch},
    {"DELETE", "/v1/announcements/{id}", h_announcement_delete},
    {"GET", "/v1/pledges", h_pledges_list},
    {"POST", "/v1/pledges", h_pledges_create},
    {"GET", "/v1/pledges/{id}", h_pledge_get},
    {"PATCH", "/v1/pledges/{id}", h_pledge_patch},
    {"DELETE", "/v1/pledges/{id}", h_pledge_delete},
    {"GET", "/v1/stats/totals", h_stats_totals},
    {"GET", "/v1/stats/summary", h_stats_summary},
    {"GET", "/v1/stats/totals.svg", h_stats_totals_svg},
    {"GET", "/v1/currencies", h_currencies},
    {"GET", "/v1/rates", h_rates_list},
    {"GET", "/v1/rates/{currency}/{date}", h_rate_get},
    {"PUT", "/v1/rates/{currency}/{date}", h_rate_put},
    {"GET", "/v1/convert", h_convert},
};

const size_t routes_count = sizeof routes / sizeof routes[0];
