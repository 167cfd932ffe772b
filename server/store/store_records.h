/* store_records — the store's announcements, pledges, their filters and
 * stats: part of the engine-neutral interface (store.h, whose conventions
 * hold here too, includes this file at its end).
 */
#ifndef PLEDGED_STORE_RECORDS_H
#define PLEDGED_STORE_RECORDS_H

#include "store.h"

/* ---- Pledges ------------------------------------------------------------- */

#define STORE_WORD 16          /* kinds, statuses, qualifiers, precisions, sources */

/* A pledge as stored. Text fields are "" when absent; description and
 * evidence are owned (release with store_pledge_free). */
struct store_pledge {
    int64_t id, announcement_id;
    char announced_on[DATE_TEXT];
    char precision[STORE_WORD];      /* the announcement's: day, month, year */
    char company[SLUG_MAX + 1];      /* "" for a joint pledge */
    char kind[STORE_WORD], status[STORE_WORD];
    char *description;               /* NULL when absent */
    char country[3];
    char currency[4];                /* "" when the pledge has no amount */
    int64_t amount_minor;
    char amount_qualifier[STORE_WORD];
    bool usd_known;                  /* the amount in USD, when a rate was in force */
    int64_t usd_cents;
    char usd_rate[MONEY_TEXT], usd_rate_date[DATE_TEXT], usd_rate_source[STORE_WORD];
    char usd_error[160];             /* why usd_known is false, for an amount */
    bool has_people;
    int64_t people;
    char people_qualifier[STORE_WORD];
    char starts_on[DATE_TEXT], ends_on[DATE_TEXT];
    bool has_duration;
    int64_t duration_months;
    char *evidence;                  /* a JSON array of {source, quote}, as stored */
    char created_at[21], updated_at[21];
    struct store_stamp stamp;
};
void store_pledge_free(struct store_pledge *p);

/* The pledge with this id, or STORE_NOT_FOUND. */
enum store_status store_pledge_get(struct db *db, int64_t id, struct store_pledge *out);

/* What a pledge is checked against: its announcement's date, companies and
 * source URLs (pledge_check_context), or STORE_NOT_FOUND. */
struct store_pledge_context {
    char announced_on[DATE_TEXT];
    char companies[ANN_COMPANIES_MAX][SLUG_MAX + 1];
    size_t n_companies;
    char *urls[ANN_SOURCES_MAX];     /* owned */
    size_t n_urls;
};
enum store_status store_pledge_context(struct db *db, int64_t announcement_id,
                                       struct store_pledge_context *out);
void store_pledge_context_free(struct store_pledge_context *c);

/* Inserts validated pledge p of announcement ann_id (dated announced_on)
 * at `position` (-1: after the announcement's last), with its USD value at
 * the rate in force; *id gets its id. p->company must exist (unknown:
 * STORE_NOT_FOUND). */
enum store_status store_pledge_insert(struct db *db, int64_t ann_id, int position,
                                      const char *announced_on, const struct pledge_input *p,
                                      const char *now, int64_t *id);
/* Rewrites pledge `id` from p (keeping created_at and its position). */
enum store_status store_pledge_update(struct db *db, int64_t id, const char *announced_on,
                                      const struct pledge_input *p, const char *now);
/* Deletes pledge `id`, recording its tombstone (a 'delete' revision). */
enum store_status store_pledge_delete(struct db *db, int64_t id);

/* Recomputes the USD value of pledges with an amount in `currency` (NULL:
 * any) announced from `from` to `to` (NULL: unbounded), or of one
 * announcement (ann_id > 0), at the rates now in force. Only rows whose
 * value changes are written. */
enum store_status store_pledges_refresh_usd(struct db *db, const char *currency,
                                            const char *from, const char *to, int64_t ann_id);

/* ---- Announcements ------------------------------------------------------ */

struct store_source {
    char *url, *publisher, *title;   /* owned; publisher, title NULL when absent */
    char language[LANGUAGE_MAX + 1];
    char published_on[DATE_TEXT];
};

/* An announcement as stored, with its companies, countries, sources and
 * totals, and its pledges when asked for. Owned: store_announcement_free. */
struct store_announcement {
    int64_t id;
    char *title, *summary;           /* summary NULL when absent */
    char announced_on[DATE_TEXT], precision[STORE_WORD];
    char created_at[21], updated_at[21];
    char companies[ANN_COMPANIES_MAX][SLUG_MAX + 1];
    size_t n_companies;
    char countries[ANN_COUNTRIES_MAX][3];
    size_t n_countries;
    struct store_source sources[ANN_SOURCES_MAX];
    size_t n_sources;
    int64_t pledge_count;
    struct usd_totals totals;
    struct store_pledge *pledges;    /* with_pledges only; n_pledges of them */
    size_t n_pledges;
    struct store_stamp stamp;
};
void store_announcement_free(struct store_announcement *a);

enum store_status store_announcement_get(struct db *db, int64_t id, bool with_pledges,
                                         struct store_announcement *out);

/* Each company slug's id into ids[i] (0 when no company has it). */
enum store_status store_company_ids(struct db *db, const char *const slugs[], size_t n,
                                    int64_t ids[]);

/* The announcement other than `except` that has `url` among its sources:
 * STORE_OK with *owner, or STORE_NOT_FOUND. */
enum store_status store_source_owner(struct db *db, const char *url, int64_t except,
                                     int64_t *owner);

/* Writes a validated announcement (its companies must exist): with *id 0
 * inserts it and its pledges, setting *id; otherwise replaces announcement
 * *id's own fields, companies, countries and sources, and with
 * replace_pledges its pledges too (the old ones get tombstones); without,
 * its pledges keep theirs but follow its date (and their USD values the
 * rates of that date), each one a new version when the date changes. Rows
 * written get a new version; the caller records the revisions (it renders
 * the representations). */
enum store_status store_announcement_write(struct db *db, const struct announcement_input *a,
                                           bool replace_pledges, const char *now, int64_t *id);
/* Deletes the announcement and its pledges, recording each one's tombstone. */
enum store_status store_announcement_delete(struct db *db, int64_t id);

/* Calls fn with every announcement's id, in order (export); fn returning
 * false stops with STORE_ERROR. */
enum store_status store_announcement_ids(struct db *db, bool (*fn)(void *ctx, int64_t id),
                                         void *ctx);

/* ---- Filters of the announcement and pledge lists (and the stats) -------- */

enum filter_target { FILTER_ANNOUNCEMENTS, FILTER_PLEDGES };

/* Every value is checked before it gets here; the engine turns it into its
 * own query, so a filter never runs a query while it is parsed. */
struct record_filter {
    enum filter_target target;
    const char *company;             /* slug; NULL: any */
    bool joint;                      /* pledges of no single company */
    int64_t announcement_id;         /* 0: any */
    const char *kind, *status;       /* static; NULL: any */
    char country[3], currency[4];    /* "": any */
    char from[DATE_TEXT], to[DATE_TEXT];
    int64_t min_usd, max_usd;        /* US cents; -1: unbounded */
    const char *q;                   /* free text (has a word); NULL: none */
    int approximate;                 /* -1 any, 0 exact figures only, 1 approximate only */
};

/* Called for each record of a page; borrowed for the call. False (out of
 * memory) stops the page with STORE_ERROR. */
typedef bool store_pledge_fn(void *ctx, const struct store_pledge *p);
typedef bool store_announcement_fn(void *ctx, const struct store_announcement *a);

/* Sort fields. Pledges: announced_on, amount_usd, people, created_at,
 * updated_at. Announcements: announced_on, created_at, updated_at. */
extern const struct sort_field store_pledge_sorts[];
extern const struct sort_field store_announcement_sorts[];

enum store_status store_pledge_list(struct db *db, const struct record_filter *f,
                                    const struct page *pg, store_pledge_fn *fn, void *ctx,
                                    struct page_end *end);
/* Announcements come without their pledges (counts and totals included). */
enum store_status store_announcement_list(struct db *db, const struct record_filter *f,
                                          const struct page *pg, store_announcement_fn *fn,
                                          void *ctx, struct page_end *end);

/* ---- Stats ---------------------------------------------------------------- */

enum stats_group {
    STATS_COMPANY, STATS_COUNTRY, STATS_KIND, STATS_STATUS, STATS_CURRENCY, STATS_YEAR,
    STATS_MONTH,
};

/* Matching pledges with one key, as the totals take them: one pledge, or
 * a group the store has summed already. */
struct store_stats_row {
    const char *key;   /* borrowed for the call: the company id, country, kind, status,
                        * currency or announcement date (or its year or month); NULL for none
                        * (a joint pledge, no country, no amount; for STATS_MONTH a date
                        * known only to the year) */
    int64_t pledges;
    struct usd_totals usd;   /* committed money and targets, US cents */
    __int128 people;
    int64_t approximate;     /* pledges whose amount or people figure carries a qualifier */
};
/* False (out of memory) stops with STORE_ERROR. */
typedef bool store_stats_fn(void *ctx, const struct store_stats_row *r);

/* Calls fn for the pledges f matches (f->target is FILTER_PLEDGES), by
 * key: the caller adds rows of the same key up. With no filter, or only
 * one of kind, status, country and currency, the rows are the kept totals
 * of each key (migration 0009), one a key; otherwise each matching pledge
 * is a row. */
enum store_status store_stats_each(struct db *db, const struct record_filter *f,
                                   enum stats_group group, store_stats_fn *fn, void *ctx);

/* Every company's slug, name, country ("" when none) and aliases (a JSON
 * array, as stored), by slug, borrowed for the call: what a draft reads
 * an article against. Nothing else is read (no counts, no totals). fn
 * returning false (out of memory) stops with STORE_ERROR. */
typedef bool store_company_name_fn(void *ctx, const char *slug, const char *name,
                                   const char *country, const char *aliases);
enum store_status store_company_name_each(struct db *db, store_company_name_fn *fn, void *ctx);

/* The slug and name of the company with this id (STATS_COMPANY's keys). */
enum store_status store_company_names(struct db *db, int64_t id, char slug[SLUG_MAX + 1],
                                      char *name, size_t name_len);

/* The figures of GET /v1/stats/summary. Dates are "" when there are no
 * announcements (no rates). */
struct store_summary {
    int64_t companies, announcements, pledges;
    struct usd_totals totals;        /* committed money and targets */
    int64_t approximate, people, pledges_without_usd;
    char first_on[DATE_TEXT], last_on[DATE_TEXT];
    char first_precision[STORE_WORD], last_precision[STORE_WORD];
    char rates_as_of[DATE_TEXT];
};
enum store_status store_summary(struct db *db, struct store_summary *out);

#endif
