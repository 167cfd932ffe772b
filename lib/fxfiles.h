/* fxfiles — the two publishers' exchange-rate files, read exactly as they
 * are published (format samples: ../shared/data/formats/):
 *
 *  - The Federal Reserve's H.10 release from its Data Download Program, CSV
 *    "series in columns": metadata rows, a "Currency:" row of codes, a
 *    "Time Period" row of series ids, then one row per US business day,
 *    "ND" where nothing was published. Columns are read by series id, never
 *    by position alone (header rows may have more cells than data rows).
 *    RXI_N.B.* series are units per US dollar and are taken as written;
 *    RXI$US_N.B.* series (AUD, EUR, GBP, NZD) are US dollars per unit and
 *    are inverted to 10 significant digits, half to even (rate_quotient).
 *    The Venezuela series (RXI_N.B.VES) is left out: it spans
 *    redenominations, so no one ISO 4217 code fits it.
 *  - The ECB's euro reference rates, full history (eurofxref-hist.csv):
 *    "Date,USD,JPY,...," with a trailing comma, newest first, units per
 *    euro, "N/A" where there is none. Each currency is crossed through the
 *    USD column: per_usd = (per euro) / (USD per euro); the euro itself is
 *    1 / (USD per euro).
 *
 * Both readers are all-or-nothing: a file that is not in the format (no
 * "Time Period" row, a value such as "abc", a bad date, a truncated last
 * line, no rows at all) is refused whole with a reason, and the callback
 * has then been called for nothing the caller should keep. Pure: no I/O.
 *
 * Ownership: the text is borrowed for the call; each row is borrowed by
 * the callback for its call only (copy what you keep).
 */
#ifndef PLEDGED_FXFILES_H
#define PLEDGED_FXFILES_H

#include "date.h"
#include "money.h"

#include <stdbool.h>
#include <stddef.h>

/* The 22 currencies the Fed's H.10 publishes (as used here), NULL-ended. */
extern const char *const fed_h10_currencies[];
bool fed_h10_publishes(const char *code);

/* One rate found in a file: units of `code` per US dollar on `date`. */
struct fx_row {
    char date[DATE_TEXT];
    char code[4];
    struct rate per_usd;
};

/* Called for each rate; returning false stops the reading (an error). */
typedef bool fx_row_fn(void *ctx, const struct fx_row *row);

/* Reads an H.10 DDP CSV. Rows before `since` (YYYY-MM-DD or NULL) are
 * skipped. False with a one-line reason in err. */
bool fed_h10_read(const char *text, size_t len, const char *since, fx_row_fn *fn, void *ctx,
                  char *err, size_t errlen);

/* Reads eurofxref-hist.csv, crossing every currency through USD (the euro
 * included). Rows before `since` are skipped. False with a reason. */
bool ecb_hist_read(const char *text, size_t len, const char *since, fx_row_fn *fn, void *ctx,
                   char *err, size_t errlen);

#endif
