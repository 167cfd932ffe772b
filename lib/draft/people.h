/* people — head counts in article text: "train 3 million people", "more
 * than 50,000 generative AI professionals", "three million Japanese
 * workers", "trois millions de personnes", "300万人". A figure followed
 * (after at most three describing words in English, one in French) by a
 * word for people; in Japanese the counters 人 and 名.
 */
#ifndef PLEDGED_DRAFT_PEOPLE_H
#define PLEDGED_DRAFT_PEOPLE_H

#include "mention.h"

/* With the figure d already read at d->start: when a word for people
 * follows, fills m (type, start, end, value) and returns true. Only whole
 * numbers from 1 to 10^10 are head counts. */
bool people_read(const struct utext *t, const struct dnum *d, enum draft_lang lang, struct mention *m);

#endif
