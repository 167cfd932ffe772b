/* pledge_input — validation of pledges and announcements as clients send
 * them (the shape of POST /v1/announcements, POST /v1/pledges and of each
 * line of `pledged import`).
 *
 * Only creation is validated here: a PATCH is applied to the stored
 * document as an RFC 7396 merge patch first (jsonx_merge_patch), and the
 * result is validated whole, so one set of rules serves both. Every error
 * is appended to `errors` with its path ("pledges[2].amount.currency").
 * Rules that need the database (companies exist, source URLs are unused)
 * are the server's; rules between a pledge and its announcement (company
 * among the announcement's, evidence citing its sources) are here, in
 * pledge_check_context, for both embedded and stand-alone pledges.
 *
 * Strings are borrowed from the parsed body; call *_free in all cases.
 */
#ifndef PLEDGED_PLEDGE_INPUT_H
#define PLEDGED_PLEDGE_INPUT_H

#include "date.h"
#include "iso4217.h"
#include "language.h"
#include "slug.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TITLE_MAX 300          /* characters */
#define SUMMARY_MAX 5000
#define DESCRIPTION_MAX 2000
#define QUOTE_MAX 2000
#define PUBLISHER_MAX 200
#define SOURCE_TITLE_MAX 500
#define ANN_COMPANIES_MAX 20   /* companies per announcement */
#define ANN_COUNTRIES_MAX 50
#define ANN_SOURCES_MAX 20
#define ANN_PLEDGES_MAX 200
#define EVIDENCE_MAX 20
#define PEOPLE_MAX 10000000000LL
#define DURATION_MAX 600       /* months */

extern const char *const pledge_kinds[];    /* NULL-terminated */
extern const char *const pledge_statuses[]; /* NULL-terminated */
/* How a figure was stated (API.md §7): about, at_least, up_to; a NULL
 * qualifier means the figure was stated exactly. NULL-terminated. */
extern const char *const figure_qualifiers[];
/* How precisely an announcement's date is known: day, month, year. */
extern const char *const date_precisions[];

struct pledge_input {
    bool company_given;        /* false: take the announcement's only company */
    const char *company;       /* slug, or NULL for a joint pledge */
    const char *kind;          /* one of pledge_kinds (static) */
    const char *status;        /* one of pledge_statuses (static) */
    const char *description;   /* NULL when absent */
    char country[3];           /* "" when absent */
    const struct currency *currency; /* NULL when no amount */
    uint64_t amount_minor;
    const char *amount_qualifier; /* one of figure_qualifiers (static), NULL: exact */
    int64_t people;            /* 0 when absent */
    const char *people_qualifier; /* as amount_qualifier, for people */
    char starts_on[DATE_TEXT], ends_on[DATE_TEXT]; /* "" when absent */
    int duration_months;       /* 0 when absent */
    json_t *evidence;          /* new ref: [{"source", "quote"}], possibly [] */
    int64_t announcement_id;   /* stand-alone pledges only */
    int64_t id;                /* 0: a new id; only a restore (pledged import) sets one */
};

/* Dates: a pledge's starts_on and ends_on lie in DATE_FIRST to
 * DATE_LAST_PLANNED; an announcement's date and its sources' published_on
 * in DATE_FIRST to tomorrow (UTC, read from the clock at each call).
 *
 * Validates one pledge object. `prefix` ("" or "pledges[2]") goes before
 * field names; `standalone` requires announcement_id. */
void pledge_input_parse(const json_t *body, bool standalone, const char *prefix,
                        struct pledge_input *out, json_t *errors);
void pledge_input_free(struct pledge_input *p);

/* Checks a pledge against its announcement: a given company must be one of
 * `companies`; an omitted one becomes the only company (or is an error when
 * there are several); evidence must cite one of `source_urls`. */
void pledge_check_context(struct pledge_input *p, const char *const companies[],
                          size_t n_companies, const char *const source_urls[], size_t n_sources,
                          const char *prefix, json_t *errors);

struct source_input {
    const char *url;
    const char *publisher, *title;  /* NULL when absent */
    char language[LANGUAGE_MAX + 1]; /* "" when absent */
    char published_on[DATE_TEXT];    /* "" when absent */
};

struct announcement_input {
    const char *title;
    char announced_on[DATE_TEXT];
    const char *announced_on_precision;            /* one of date_precisions (static) */
    const char *summary;                           /* NULL when absent */
    const char *companies[ANN_COMPANIES_MAX];      /* slugs */
    size_t n_companies;
    char countries[ANN_COUNTRIES_MAX][3];
    size_t n_countries;
    struct source_input sources[ANN_SOURCES_MAX];
    size_t n_sources;
    struct pledge_input *pledges;                  /* owned array */
    size_t n_pledges;
    int64_t id;                /* 0: a new id; only a restore (pledged import) sets one */
};

/* Validates an announcement with its sources and embedded pledges. */
void announcement_input_parse(const json_t *body, struct announcement_input *out,
                              json_t *errors);
void announcement_input_free(struct announcement_input *a);

/* Money totals count committed money only: every kind but "target"
 * (API.md §7). A pledge's USD value (cents, 0 when unknown) goes to the
 * committed or the targets sum by its kind. */
struct usd_totals {
    __int128 committed;    /* US cents, every kind but target */
    __int128 targets;      /* US cents, kind target */
};
void usd_totals_add(struct usd_totals *t, const char *kind, int64_t cents);
bool pledge_kind_is_target(const char *kind);

#endif
