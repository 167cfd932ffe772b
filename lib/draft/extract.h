/* extract — every figure in an article: money, head counts, durations and
 * deadlines, fiscal years, dates, countries and known companies, with
 * their qualifiers, in English, French or Japanese. This is the entry point of lib/draft; POST /v1/drafts and
 * `pledged draft` build their answer from its list.
 *
 * The text is scanned once, left to right. At each place where a figure
 * may start, the recognisers are tried in order (fiscal year, deadline,
 * date, money, company, country, then a bare figure as people or a
 * duration) and the first that
 * reads something wins; scanning goes on after what it read, so figures
 * never overlap and a figure is read once. Cost: linear in the text, a few
 * table look-ups per word.
 */
#ifndef PLEDGED_DRAFT_EXTRACT_H
#define PLEDGED_DRAFT_EXTRACT_H

#include "companies.h"
#include "dates.h"
#include "mention.h"

/* What a scan needs besides the text. */
struct draft_scan {
    enum draft_lang lang;
    const char *fiscal_country;      /* ISO 3166 code whose fiscal-year convention applies
                                      * (the committing company's country), or NULL */
    struct draft_day published;      /* the article's date (year 0: unknown), for relative
                                      * dates */
    struct company_names *companies; /* the known companies' names, or NULL */
};

/* Appends the mentions of t to out, in text order. False only when memory
 * runs out (out keeps what was found); a full list sets out->full and
 * returns true. */
bool draft_extract(const struct utext *t, const struct draft_scan *scan, struct mentions *out);

/* The article's language, from its script and its commonest words:
 * Japanese when kana or kanji make up a fifth of its letters, else French
 * or English by which language's function words are commoner (English on
 * a tie, and for text with neither). */
enum draft_lang draft_detect_language(const struct utext *t);

const char *draft_lang_code(enum draft_lang lang); /* "en", "fr", "ja" */

/* "en", "fr" or "ja" (any case) into *lang; false for anything else. */
bool draft_lang_parse(const char *code, enum draft_lang *lang);

#endif
