/* rates_csv — reading a "date,currency,per_usd" rates file (the shipped
 * history, `pledged rates import`), line by line, with every check a rate
 * must pass before any engine stores it. Both storage engines load through
 * it, so a line SQLite refuses PostgreSQL refuses too, for the same reason.
 *
 * Checks: the header; three fields; a real date from DATE_FIRST to
 * `tomorrow`; an upper-case ISO 4217 code that is not USD; a positive
 * decimal rate (rate_parse). Blank lines are skipped. Pure: no I/O.
 *
 * Ownership: the text is borrowed for the call; the strings a callback
 * gets are borrowed for that call only.
 */
#ifndef PLEDGED_RATES_CSV_H
#define PLEDGED_RATES_CSV_H

#include <stdbool.h>
#include <stddef.h>

/* A good line: its date, currency and rate as written. False stops the
 * reading (rates_csv_each then returns false). */
typedef bool rates_csv_row_fn(void *ctx, size_t lineno, const char *date, const char *currency,
                              const char *per_usd);
/* A refused line, with why. */
typedef void rates_csv_bad_fn(void *ctx, size_t lineno, const char *why);

/* Hands each line of text[0..len) to row or bad. False when the header is
 * wrong (with err) or when row returned false; true otherwise, whatever
 * the lines were. `tomorrow` is the latest date a rate may have. */
bool rates_csv_each(const char *text, size_t len, const char *tomorrow, rates_csv_row_fn *row,
                    rates_csv_bad_fn *bad, void *ctx, char *err, size_t errlen);

#endif
