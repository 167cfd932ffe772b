/* number — reading a figure written in an article, in English, French or
 * Japanese, exactly.
 *
 * A figure is kept as m × 10^exp with m below 10^18: "2.9 billion" is
 * 29 × 10^8, "2,9 milliards" the same, "300億" 3 × 10^10, "1兆2000億"
 * 12 × 10^11. No floating point: the value is printed back as an exact
 * decimal string (dnum_format).
 *
 * What is read, at a position where a figure may start:
 *   - digits, with grouping (English and Japanese "1,500,000"; French
 *     "1 500 000" with any space, no-break and narrow ones included) and
 *     decimals (English and Japanese "2.9", French "2,9"); full-width
 *     digits arrive here already folded by utext;
 *   - number words: English one to ninety-nine and "a", "half a" and
 *     "hundred" before a scale ("three million", "a billion", "half a
 *     billion"); French un to quatre-vingt-dix-neuf
 *     ("trois millions", "deux milliards");
 *   - Japanese kanji numerals (三, 三百, 三千五百) and the large units 万,
 *     億, 兆 after digits or kanji, compound ones included ("3億5000万");
 *   - a scale after the number: English thousand, million, billion,
 *     trillion, the Indian crore (10^7) and lakh (10^5), and the attached
 *     k, m, mn, bn, b, tn; French mille,
 *     million(s), milliard(s), Md/Mds. French "billion" is 10^12 and is read
 *     so.
 * Which decimal mark and which words apply depends on the language; a
 * figure's language is the article's.
 */
#ifndef PLEDGED_DRAFT_NUMBER_H
#define PLEDGED_DRAFT_NUMBER_H

#include "utext.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum draft_lang { LANG_EN, LANG_FR, LANG_JA };

#define DNUM_TEXT 48 /* room for any formatted figure */

struct dnum {
    uint64_t m;        /* significand, below 10^18 */
    int exp;           /* value = m × 10^exp; -6 to 24 */
    size_t start, end; /* code points of the figure (scale included) */
    bool words;        /* written in words, wholly or in part ("three million") */
    bool scaled;       /* a scale word or unit was read (million, bn, 億) */
    int scale;         /* its exponent (6 for million; the last of 兆億万); 0 when none */
    bool grouped;      /* digits were grouped ("1,500") */
    bool fraction;     /* the value is not a whole number */
    int digits;        /* integer digits as written before any scale (4 for "2024") */
};

/* Reads the figure that starts at i, if one does. i must be where a word
 * may start (the caller scans left to right and skips what it read). On
 * success fills out and returns true; out->end is after the scale, if any.
 * False when no figure starts at i, or when one does but its value passes
 * 10^24 or 18 significant digits (then out->end still says where it ends,
 * so the caller can skip it). */
bool dnum_read(const struct utext *t, size_t i, enum draft_lang lang, struct dnum *out);

/* The exact value as a plain decimal ("2900000000", "1.5", "0.25"). */
void dnum_format(const struct dnum *d, char out[DNUM_TEXT]);

/* The value as a whole number, when it is one and fits in 63 bits. */
bool dnum_integer(const struct dnum *d, int64_t *out);

/* Whether a's value is below b's. */
bool dnum_less(const struct dnum *a, const struct dnum *b);

/* Multiplies d by 10^k (a scale read apart from the number, as the
 * "billion" that "$1-2 billion" shares); false on overflow. */
bool dnum_scale(struct dnum *d, int k);

#endif
