/* usd_value — a pledge's amount in US dollars (see usd_value.h), the same
 * for both engines: the rate comes through rates_in_force. */
#include "usd_value.h"

#include "rates.h"

#include <stdio.h>
#include <string.h>

enum store_status store_usd_value(struct db *db, const struct currency *c, uint64_t minor,
                                  const char *date, struct store_usd *out)
{
    memset(out, 0, sizeof *out);
    struct rate_found f;
    enum store_status r = rates_in_force(db, c, date, &f);
    if (r != STORE_OK && r != STORE_NOT_FOUND)
        return r;
    if (r == STORE_NOT_FOUND) {
        rates_none_text(db, c->code, date, out->error, sizeof out->error);
        return STORE_OK;
    }
    const struct currency *usd = currency_find("USD");
    money_u128 cents;
    if (money_convert(minor, c, &f.rate, usd, &RATE_ONE, &cents) != CONVERT_OK ||
        cents > (money_u128)INT64_MAX) {
        snprintf(out->error, sizeof out->error, "the amount in USD is too large to represent");
        return STORE_OK;
    }
    out->known = true;
    out->cents = (int64_t)cents;
    rate_cross_format(&f.rate, &RATE_ONE, out->rate);
    snprintf(out->rate_date, sizeof out->rate_date, "%s", f.rate_date);
    snprintf(out->rate_source, sizeof out->rate_source, "%s", f.source);
    return STORE_OK;
}
