/* date — calendar dates "YYYY-MM-DD" (proleptic Gregorian, years 1000-9999)
 * and day arithmetic, for rate look-ups ("the latest rate on or before D,
 * at most 14 days older") and date checks.
 *
 * Ownership: nothing is allocated; outputs go into the caller's
 * DATE_TEXT buffers.
 */
#ifndef PLEDGED_DATE_H
#define PLEDGED_DATE_H

#include <stdbool.h>
#include <stdint.h>

#define DATE_TEXT 11 /* "YYYY-MM-DD" and a NUL */

/* A real calendar date "YYYY-MM-DD" (years 1000-9999). False otherwise. */
bool date_parse(const char *s, int *year, int *month, int *day);

/* Days since 1970-01-01 (negative before). */
int64_t date_to_days(int year, int month, int day);
void date_from_days(int64_t days, int *year, int *month, int *day);

/* Writes year, month, day as "YYYY-MM-DD" (years 0-9999; out-of-range
 * parts are clamped, so the text is always 10 characters). Does not check
 * that the date exists: date_parse does. */
void date_format(int year, int month, int day, char out[DATE_TEXT]);

/* `s` (a valid date) moved by `delta` days, written to out. False when s is
 * not a date or the result leaves years 1000-9999. */
bool date_add_days(const char *s, int delta, char out[DATE_TEXT]);

/* The range of dates the service records (API.md §7): announcements,
 * sources and rates from DATE_FIRST to tomorrow (UTC); a pledge's
 * starts_on and ends_on from DATE_FIRST to DATE_LAST_PLANNED. Anything
 * else is almost certainly a typo, and one such date would stretch every
 * time series it falls in. */
#define DATE_FIRST "1970-01-01"
#define DATE_LAST_PLANNED "2100-12-31"

/* Tomorrow's date in UTC (from the system clock) into out. */
void date_tomorrow_utc(char out[DATE_TEXT]);

/* Whether the valid date `s` lies within [first, last] (both valid dates;
 * the fixed-width form orders like the calendar). */
bool date_within(const char *s, const char *first, const char *last);

#endif
