/* handlers — every route's handler, one file per resource. */
#ifndef PLEDGED_HANDLERS_H
#define PLEDGED_HANDLERS_H

#include "request.h"

/* h_system.c */
handler_fn h_root, h_healthz, h_readyz, h_openapi;
/* h_companies.c */
handler_fn h_companies_list, h_companies_create, h_company_get, h_company_patch,
    h_company_delete;
/* h_rates.c */
handler_fn h_currencies, h_rates_list, h_rate_get, h_rate_put, h_convert;

#endif
