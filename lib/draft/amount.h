/* amount — amounts of money in article text: a currency sign or
 * code before the figure ("US$2.9bn", "€5 million", "RM10 billion"), or a
 * currency word after it ("300 billion yen", "2,9 milliards de dollars",
 * "300億円"); a range ("$1-2 billion", "1～2億ドル") and a conversion the
 * article gives in parentheses ("300 billion yen ($1.92 billion)").
 * Qualifiers around the amount are the caller's (qualifier.h).
 */
#ifndef PLEDGED_DRAFT_AMOUNT_H
#define PLEDGED_DRAFT_AMOUNT_H

#include "mention.h"

/* Reads an amount of money starting at i. On success fills m (type,
 * start, end, value, currency, range_to, stated_usd; qualifier QUAL_AT_LEAST
 * for a range, else QUAL_NONE) and returns true; false when no amount
 * starts at i (a bare figure is not one). */
bool money_read(const struct utext *t, size_t i, enum draft_lang lang, struct mention *m);

/* The currency written after a figure that ends at j ("yen", "de dollars",
 * "円"); its ISO code in code[4] and the end, or 0. */
size_t currency_after(const struct utext *t, size_t j, enum draft_lang lang, char code[4]);

#endif
