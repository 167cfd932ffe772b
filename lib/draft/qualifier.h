/* qualifier — how a figure was stated: "nearly $3 billion", "more than
 * 50,000 professionals", "up to 1 million", "plus de 2 milliards", "約3億円",
 * "5万人以上". English and French put the words before the figure;
 * Japanese puts 約 and 最大 before and 以上, 超 after.
 */
#ifndef PLEDGED_DRAFT_QUALIFIER_H
#define PLEDGED_DRAFT_QUALIFIER_H

#include "mention.h"

/* The qualifier that ends just before `start` (spaces between allowed), or
 * QUAL_NONE; on a match *qstart is where its words begin. */
enum qualifier qualifier_before(const struct utext *t, size_t start, enum draft_lang lang,
                                size_t *qstart);

/* The qualifier that follows `end` (Japanese 以上, 超, 程度...; English "or
 * more"), or QUAL_NONE; on a match *qend is where it ends. */
enum qualifier qualifier_after(const struct utext *t, size_t end, enum draft_lang lang, size_t *qend);

#endif
