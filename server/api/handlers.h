/* handlers — every route's handler, one file per resource.
 *
 * Ownership: a handler borrows the request and fills the response, which
 * then owns its body and header values (request.h).
 */
#ifndef PLEDGED_HANDLERS_H
#define PLEDGED_HANDLERS_H

#include "request.h"

/* h_system.c */
handler_fn h_root, h_dashboard_js, h_dashboard_drafts_js, h_healthz, h_readyz, h_openapi, h_metrics;
/* h_companies.c */
handler_fn h_companies_list, h_companies_create, h_company_get, h_company_patch,
    h_company_delete;
/* h_announcements.c */
handler_fn h_announcements_list, h_announcements_create, h_announcement_get,
    h_announcement_patch, h_announcement_delete;
/* h_pledges.c */
handler_fn h_pledges_list, h_pledges_create, h_pledge_get, h_pledge_patch, h_pledge_delete;
/* h_stats.c */
handler_fn h_stats_totals, h_stats_summary;
/* h_charts.c */
handler_fn h_stats_totals_svg;
/* h_drafts.c */
handler_fn h_drafts_create;
/* h_rates.c */
handler_fn h_currencies, h_rates_list, h_rate_get, h_rate_put, h_convert;

#endif
