/* rates — exchange rates in the store (part of the store interface, beside
 * store.h; the SQLite engine is store/sqlite/rates.c): the rate in force on
 * a date, rows by (currency, date), the rates list, the feeds' bookkeeping,
 * and bulk loading from CSV (the shipped history, `pledged rates import`).
 *
 * The rate in force for currency C on date D is the latest published rate
 * on or before D and at most RATE_MAX_AGE_DAYS older (weekends and
 * holidays have no rows). USD is always exactly 1.
 */
#ifndef PLEDGED_RATES_H
#define PLEDGED_RATES_H

#include "date.h"
#include "money.h"
#include "store.h"

#include <stdbool.h>
#include <stdio.h>

#define RATE_MAX_AGE_DAYS 14

struct rate_found {
    struct rate rate;             /* per USD */
    char per_usd[MONEY_TEXT];     /* as stored ("154.8700") */
    char rate_date[DATE_TEXT];    /* the date it was published */
    char source[16];              /* fed-h10, ecb-derived, manual; "" for USD */
};

/* The rate in force for c on `date` ("YYYY-MM-DD"), or its latest rate when
 * date is NULL: STORE_OK with *out, or STORE_NOT_FOUND. USD answers 1 dated
 * `date` (or "" without one). A stored rate that does not parse is
 * STORE_ERROR: never a guess. */
enum store_status rates_in_force(struct db *db, const struct currency *c, const char *date,
                                 struct rate_found *out);

/* Why no rate is in force for `code` on `date` (NULL: no rate at all), as
 * the API says it in problems and in a pledge's amount_usd_error: a date
 * after the currency's latest rate says that no rate is published yet and
 * which day the latest is ("no JPY rate published yet for 2026-11-20
 * (latest: 2026-04-13)"). Looks the latest date up in db. */
void rates_none_text(struct db *db, const char *code, const char *date, char *out, size_t len);

/* One stored rate. */
struct store_rate {
    char currency[4];
    char date[DATE_TEXT];
    char per_usd[MONEY_TEXT];     /* as stored ("154.8700") */
    char source[STORE_WORD];      /* fed-h10, ecb-derived, manual */
    char updated_at[21];
};

/* The row for exactly (currency, date), or STORE_NOT_FOUND. */
enum store_status store_rate_get(struct db *db, const char *currency, const char *date,
                                 struct store_rate *out);
/* Inserts r, or rewrites the row of its (currency, date). */
enum store_status store_rate_put(struct db *db, const struct store_rate *r);
/* A person's rate (source manual): inserted, or written over the row of
 * its (currency, date) when per_usd differs (else nothing changes). */
enum store_status store_rate_put_manual(struct db *db, const struct store_rate *r);
/* The latest date of currency's rates from `source` ("" when none). */
enum store_status store_rate_latest_from(struct db *db, const char *currency,
                                         const char *source, char out[DATE_TEXT]);

/* The rates list: filters (NULL: any), sorts date and currency. */
struct store_rate_filter {
    const char *currency, *from, *to;
};
extern const struct sort_field store_rate_sorts[];
/* r is borrowed for the call; false stops with STORE_ERROR. */
typedef bool store_rate_fn(void *ctx, const struct store_rate *r);
enum store_status store_rate_list(struct db *db, const struct store_rate_filter *f,
                                  const struct page *pg, store_rate_fn *fn, void *ctx,
                                  struct page_end *end);

/* A feed's conditional-request validators from its last file at `url`
 * ("" when none). */
enum store_status store_feed_validators(struct db *db, const char *source, const char *url,
                                        char etag[256], char last_modified[128]);
/* Records a run of a feed: a success (etag, last_modified: the new file's,
 * NULL to keep the old ones) when error is NULL, else a failure. */
enum store_status store_feed_record(struct db *db, const char *source, const char *url,
                                    const char *error, const char *etag,
                                    const char *last_modified, const char *now);

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
