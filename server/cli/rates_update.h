/* rates_update — `pledged rates update` and the daemon's refresh: download
 * the publishers' files (fetch.h), read them (fxfiles.h, zipread.h) and
 * bring the rates table forward, per source all or nothing.
 *
 * The rules (API.md §7, and the shipped data's own in data/README.md):
 *  - a Fed H.10 rate is stored as fed-h10; it replaces an ecb-derived rate
 *    of the same day (the Fed's value arrived) but never a manual one;
 *  - an ECB cross rate is stored as ecb-derived for a currency the Fed does
 *    not publish, and for a Fed currency only on days after the Fed's
 *    latest rate of it (the Fed lags the ECB by weeks); it never replaces a
 *    fed-h10 or manual rate;
 *  - every pledge whose USD value used a rate that changed, or had none,
 *    follows in the same transaction.
 * A download, file or database failure leaves the database as it was; the
 * feed's failure is counted in rates_feeds (for /metrics) either way.
 */
#ifndef PLEDGED_RATES_UPDATE_H
#define PLEDGED_RATES_UPDATE_H

#include "store.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

/* The publishers' own addresses: the Board's Data Download Program package
 * of the H.10 daily rates (CSV, series in columns), and the ECB's full
 * history of euro reference rates. Overridden by --fed-url, --ecb-url. */
#define FED_H10_URL                                                                       \
    "https://www.federalreserve.gov/datadownload/Output.aspx?rel=H10"                     \
    "&series=60f32914ab61dfab590e0e470153e3ae&lastobs=&from=&to=&filetype=csv"           \
    "&label=include&layout=seriescolumn&type=package"
#define ECB_HIST_URL "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"

enum rates_feed { FEED_FED, FEED_ECB };

struct rates_update_options {
    bool fed, ecb;               /* which sources */
    const char *since;           /* only dates from then on; NULL: all */
    const char *fed_url, *ecb_url;
    long timeout_s;              /* total per download; 0: 120 */
    size_t max_bytes;            /* largest file taken; 0: FETCH_MAX_BYTES */
    const atomic_bool *cancel;   /* stops a download under way (SIGTERM); may be NULL */
    FILE *out;                   /* what was added and changed, per currency; NULL: silent */
    /* Where to write: the CLI's own connection, or NULL for the daemon's
     * writer (store_write). */
    struct db *writer;
};

/* Runs the update; true when every source asked for succeeded (a 304 is a
 * success). reader is the CLI's own connection, or NULL for the daemon's
 * (store_reader, released before each download: no snapshot is held for
 * the length of a download). On failure err holds one line naming the
 * source and its URL ("fed-h10 from https://...: HTTP 404; nothing
 * changed"). */
bool rates_update(struct db *reader, const struct rates_update_options *o, char *err,
                  size_t errlen);

#endif
