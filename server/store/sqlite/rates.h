/* rates — exchange rates in the database: the rate in force on a date, and
 * bulk loading from CSV (the shipped history, `pledged rates import`).
 *
 * The rate in force for currency C on date D is the latest published rate
 * on or before D and at most RATE_MAX_AGE_DAYS older (weekends and
 * holidays have no rows). USD is always exactly 1.
 */
#ifndef PLEDGED_RATES_H
#define PLEDGED_RATES_H

#include "date.h"
#include "db.h"
#include "money.h"

#include <stdbool.h>
#include <stdio.h>

#define RATE_MAX_AGE_DAYS 14

/* The statement behind rates_in_force (for the query-plan test). */
extern const char RATES_IN_FORCE_SQL[];
extern const char RATES_LATEST_SQL[];

struct rate_found {
    struct rate rate;             /* per USD */
    char per_usd[MONEY_TEXT];     /* as stored ("154.8700") */
    char rate_date[DATE_TEXT];    /* the date it was published */
    char source[16];              /* fed-h10, ecb-derived, manual; "" for USD */
};

enum rate_lookup { RATE_FOUND, RATE_NONE, RATE_ERROR };

/* The rate in force for c on `date` ("YYYY-MM-DD"), or its latest rate when
 * date is NULL. USD answers 1 dated `date` (or "" without one). */
enum rate_lookup rates_in_force(struct db *db, const struct currency *c, const char *date,
                                struct rate_found *out);

/* Why no rate is in force for `code` on `date` (NULL: no rate at all), as
 * the API says it in problems and in a pledge's amount_usd_error: a date
 * after the currency's latest rate says that no rate is published yet and
 * which day the latest is ("no JPY rate published yet for 2026-11-20
 * (latest: 2026-04-13)"). Looks the latest date up in db. */
void rates_none_text(struct db *db, const char *code, const char *date, char *out, size_t len);

struct rates_load_result {
    size_t lines;   /* data lines read */
    size_t loaded;  /* rows inserted or changed */
    size_t bad;     /* lines refused (reported to `report`) */
};

/* Loads "date,currency,per_usd" CSV text (first line the header) into the
 * rates table inside the caller's transaction. Each bad line is reported to
 * `report` (may be NULL) with its line number and why. With `upsert` an
 * existing (currency, date) row is corrected; without it, it is an error.
 * Returns false on a database error or when `strict` and any line is bad. */
bool rates_load_csv(struct db *db, const char *text, size_t len, const char *source,
                    bool upsert, bool strict, FILE *report, struct rates_load_result *res,
                    char *err, size_t errlen);

/* The rates history compiled into the binary (data/usd_rates.csv, kept
 * compressed with zlib: it is most of the binary otherwise). Returns the
 * CSV text (new, malloc'd, NUL-terminated; the caller frees it) and its
 * length, or NULL when it does not inflate (out of memory). */
char *shipped_rates_text(size_t *len);

#endif
