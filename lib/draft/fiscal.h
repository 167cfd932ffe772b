/* fiscal — fiscal years: "fiscal 2024", "fiscal year 2024", "FY2024",
 * "FY24", "FY2024-25", "l'exercice 2024", "2024年度".
 *
 * Which months a fiscal year covers depends on the country of the company
 * that reports in it, and a year's label differs too:
 *   - Japan: April to March, named by the year it starts in (fiscal 2024
 *     is 2024-04-01 to 2025-03-31);
 *   - India: April to March, named by the year it ends in (FY2024 is
 *     2023-04-01 to 2024-03-31; FY2024-25 starts in April 2024);
 *   - the United States (the federal year): October to September, named by
 *     the year it ends in (FY2024 is 2023-10-01 to 2024-09-30);
 *   - anywhere else the dates are unknown and left empty: companies choose
 *     their own year.
 */
#ifndef PLEDGED_DRAFT_FISCAL_H
#define PLEDGED_DRAFT_FISCAL_H

#include "mention.h"

/* A fiscal year starting at i; `country` is the reporting company's ISO
 * 3166 code (NULL when unknown). Fills m (type, start, end, year, and
 * starts_on/ends_on when the convention is known) and returns true. */
bool fiscal_read(const struct utext *t, size_t i, enum draft_lang lang, const char *country,
                 struct mention *m);

/* The convention alone, for a year as labelled (and the second year of a
 * "2024-25" label, or 0): false when the country has none we know. */
bool fiscal_dates(const char *country, int year, int year2, char starts_on[11], char ends_on[11]);

#endif
