/* match — how probably an article's draft reports an announcement already
 * recorded. Four of the five articles pledged began from report the same
 * Microsoft announcement; the third one about it must not become a second
 * announcement.
 *
 * The score (0 to 1) adds what the two share, each reason weighed by how
 * much it tells:
 *   already a source     the article's URL is one of its sources: 1 at once
 *   same company         0.30 (a company of the draft is one of its)
 *   same amount          0.25 (an amount in the same currency within 5%)
 *   same people count    0.10
 *   same country         0.15
 *   dates N days apart   0.10, less with every day up to 30
 *   title similarity     0.10 times the share of title words in common
 * so that the same company, amount and country within days reach about
 * 0.8, and a company's unrelated announcement of the same month about 0.4.
 */
#ifndef PLEDGED_DRAFT_MATCH_H
#define PLEDGED_DRAFT_MATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MATCH_PROPOSE 0.6 /* from this score the draft proposes adding the article as a source */

struct match_amount {
    char currency[4];
    uint64_t minor; /* minor units of the currency */
};

/* One side of a comparison: the draft, or a recorded announcement. Every
 * pointer is borrowed; counts may be 0. */
struct match_side {
    const char *title;            /* or NULL */
    const char *announced_on;     /* YYYY-MM-DD, or "" */
    const char *const *companies; /* slugs */
    size_t n_companies;
    const char (*countries)[3];
    size_t n_countries;
    const struct match_amount *amounts;
    size_t n_amounts;
    const int64_t *people;
    size_t n_people;
    const char *const *urls;      /* source URLs */
    size_t n_urls;
};

/* The score of candidate for draft, appending to reasons (a JSON array)
 * a string for each thing they share ("same company", "dates 1 day
 * apart", "title similarity 0.42", ...). */
double match_score(const struct match_side *draft, const struct match_side *candidate,
                   json_t *reasons);

/* Whether two amounts are the same pledge's: one currency, within 5%. */
bool match_same_amount(const struct match_amount *a, const struct match_amount *b);

/* The share of words (Latin words of 3 letters or more; pairs of Japanese
 * characters) the two titles have in common, 0 to 1 (Jaccard). */
double match_title_similarity(const char *a, const char *b);

#endif
