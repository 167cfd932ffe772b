/* duration — how long a pledge runs: "over the next two years", "a
 * three-year partnership", "sur deux ans", "au cours des deux prochaines
 * années", "3年間", "18 months"; and by when it ends: "by 2025", "d'ici
 * 2025", "2025年までに" (an ends_on of 31 December).
 */
#ifndef PLEDGED_DRAFT_DURATION_H
#define PLEDGED_DRAFT_DURATION_H

#include "mention.h"

/* With the figure d read at d->start: when a unit of time follows, fills m
 * (type, start, end, months) and returns true. 1 to 600 months; "46 years
 * ago" and "65 years old" are ages, not durations. */
bool duration_read(const struct utext *t, const struct dnum *d, enum draft_lang lang, struct mention *m);

/* "by 2025" and its French and Japanese forms starting at i (for Japanese,
 * at the year): fills m (type, start, end, ends_on) and returns true. */
bool deadline_read(const struct utext *t, size_t i, enum draft_lang lang, struct mention *m);

#endif
