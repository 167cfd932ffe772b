/* mention — a figure, date, country or company found in an article: its type, where it is (code
 * points of the text as sent) and what it says, as POST /v1/drafts shows
 * it in `mentions`. The recognisers (amount.c, people.c, duration.c,
 * fiscal.c, dates.c, countries.c, companies.c) fill them; extract.c runs
 * them over a text.
 *
 * A list grows up to MENTIONS_MAX and then stops adding (a text with more
 * figures is not an article). Ownership: mentions_free frees the array;
 * every field of a mention is held inline.
 */
#ifndef PLEDGED_DRAFT_MENTION_H
#define PLEDGED_DRAFT_MENTION_H

#include "number.h"

#include <stdbool.h>
#include <stddef.h>

#define MENTIONS_MAX 10000

enum mention_type {
    MENTION_MONEY,
    MENTION_PEOPLE,
    MENTION_DURATION,
    MENTION_FISCAL_YEAR,
    MENTION_DATE,
    MENTION_COUNTRY,
    MENTION_COMPANY,
};

/* How much of a date the text gives; the API's announced_on_precision. */
enum date_precision { PRECISION_DAY, PRECISION_MONTH, PRECISION_YEAR };

/* How a figure was stated; the API's amount_qualifier and people_qualifier. */
enum qualifier {
    QUAL_NONE,     /* stated exactly: null */
    QUAL_ABOUT,    /* nearly, about, around, environ, 約: "about" */
    QUAL_AT_LEAST, /* more than, over, at least, plus de, 以上, 超, the low end of a range */
    QUAL_UP_TO,    /* up to, as much as, jusqu'à, 最大 */
};

struct mention {
    enum mention_type type;
    size_t start, end;            /* code points [start, end) of the text, qualifier included */
    char value[DNUM_TEXT];        /* money, people: the figure as an exact decimal */
    char currency[4];             /* money: ISO 4217 code */
    enum qualifier qualifier;     /* money, people */
    char range_to[DNUM_TEXT];     /* money, people: a range's upper bound ("$1-2 billion"); "" */
    char stated_usd[DNUM_TEXT];   /* money: the article's own US dollar figure, given in
                                   * parentheses after another currency; "" */
    int months;                   /* duration: 1 to 600; 0 for "by 2025" (ends_on only) */
    int year;                     /* fiscal year: the year as written (2024 for FY24) */
    int year2;                    /* fiscal year: the second year of "FY2024-25", or 0 */
    char starts_on[11], ends_on[11]; /* fiscal year; duration "by 2025" (ends_on); "" unknown */
    char date[11];                /* date: YYYY-MM-DD, the first day of its month or year
                                   * when the precision is coarser */
    enum date_precision precision; /* date */
    char code[3];                 /* country: ISO 3166-1 alpha-2 */
    int company;                  /* company: index in the caller's list of known companies */
};

struct mentions {
    struct mention *v; /* owned, n used of cap */
    size_t n, cap;
    bool full;         /* MENTIONS_MAX was reached and later figures were left out */
};

/* Adds a copy of m; false (and `full` set, or out of memory) when it could
 * not. */
bool mentions_add(struct mentions *list, const struct mention *m);
void mentions_free(struct mentions *list);

const char *qualifier_name(enum qualifier q); /* "about", ...; NULL for QUAL_NONE */
const char *mention_type_name(enum mention_type t);
const char *precision_name(enum date_precision p); /* "day", "month", "year" */

#endif
