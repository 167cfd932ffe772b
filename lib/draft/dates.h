/* dates — dates as articles write them, in English, French and Japanese:
 * "April 9, 2024", "9 April 2024", "le 9 avril 2024", "2024年4月9日", a
 * month alone ("April 2024", "in February", "avril 2024", "2024年4月"),
 * and dates relative to the day the article was published: a weekday
 * ("announced Tuesday", "ce mardi", "火曜日"), yesterday ("hier", "昨日"),
 * last month ("le mois dernier", "先月"), last year. A date without its
 * year takes the latest such date on or before publication. Without a
 * publication date, relative dates are not read.
 */
#ifndef PLEDGED_DRAFT_DATES_H
#define PLEDGED_DRAFT_DATES_H

#include "mention.h"

struct draft_day {
    int year, month, day; /* year 0: not known */
};

/* A date starting at i; fills m (type, start, end, date, precision) and
 * returns true. */
bool date_read(const struct utext *t, size_t i, enum draft_lang lang,
               const struct draft_day *published, struct mention *m);

#endif
