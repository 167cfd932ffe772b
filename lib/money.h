/* money — exact decimal amounts, exchange rates and conversion.
 *
 * No floating point anywhere. An amount is an unsigned count of its
 * currency's minor units (¥300,000,000,000 is 300000000000 with JPY;
 * US$2.9 billion is 290000000000 with USD). A rate is a decimal with at
 * most 10 significant digits, kept as coef / 10^scale ("151.7300" is
 * 1517300 / 10^4), meaning units of the currency per one US dollar.
 *
 * Conversion from A to B is amount × per_usd(B) / per_usd(A), carried out
 * in 128-bit integers so that every allowed amount (up to 15 integer digits
 * and 4 decimals) times every allowed rate fits, then rounded once, half to
 * even, to B's minor units. A result that would not fit is an error, never
 * a wrong number.
 */
#ifndef PLEDGED_MONEY_H
#define PLEDGED_MONEY_H

#include "iso4217.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef unsigned __int128 money_u128;

#define MONEY_MAX_INT_DIGITS 15   /* integer digits an input amount may have */
#define RATE_MAX_DIGITS 10        /* significant digits of a rate */
#define RATE_MAX_SCALE 18         /* decimals of a rate */
#define MONEY_RESULT_MAX_DIGITS 30 /* digits a converted amount may have */
#define MONEY_TEXT 48             /* room for any formatted amount or rate */

struct rate {
    uint64_t coef;  /* 1 to 9999999999 */
    int scale;      /* 0 to RATE_MAX_SCALE: value = coef / 10^scale */
};

/* Parses a non-negative decimal amount for currency c: digits, optionally
 * '.' and more digits, with at most c->minor_units decimals and at most 15
 * integer digits. Refuses an empty string, signs (including '+'),
 * exponents, white space, a bare or trailing '.'. On failure returns false
 * and writes why (a phrase such as "has more decimals than JPY allows (0)")
 * to `why`; *minor is untouched. */
bool money_parse(const char *text, const struct currency *c, uint64_t *minor, char *why,
                 size_t whylen);

/* Writes minor units as a decimal with exactly `minor_units` decimals
 * ("2900000000.00"). Never fails for values below 10^39. */
void money_format(money_u128 minor, int minor_units, char out[MONEY_TEXT]);

/* Parses a positive rate ("151.73", "0.9340556697"): at most 10 significant
 * digits and 18 decimals, no sign, exponent or white space, not zero. The
 * scale is kept as written ("151.7300" keeps 4 decimals). */
bool rate_parse(const char *text, struct rate *out, char *why, size_t whylen);

/* The rate as written: coef with `scale` decimals ("151.7300"). */
void rate_format(const struct rate *r, char out[MONEY_TEXT]);

/* The rate of exactly one: USD per USD. */
extern const struct rate RATE_ONE;

enum convert_result { CONVERT_OK, CONVERT_OVERFLOW };

/* Converts `amount` minor units of `from` (worth from_rate per USD) into
 * minor units of `to` (to_rate per USD), rounded half to even. Converting a
 * currency into itself at the same rate is the identity. */
enum convert_result money_convert(uint64_t amount, const struct currency *from,
                                  const struct rate *from_rate, const struct currency *to,
                                  const struct rate *to_rate, money_u128 *out);

/* The cross rate to/from (units of `to` per unit of `from`), rounded half to
 * even to 10 significant digits, as a plain decimal ("0.006403343523"). */
void rate_cross_format(const struct rate *from_rate, const struct rate *to_rate,
                       char out[MONEY_TEXT]);

/* num / den as a rate, the way the shipped rates were computed (Python's
 * decimal module, 10 significant digits, ROUND_HALF_EVEN): an inexact
 * quotient has exactly 10 significant digits (trailing zeros kept, as
 * "1.234567890"); an exact one has its digits down to the ideal scale
 * (den's decimals less num's), as 1/0.8 = "1.25" and 10/0.5 = "20".
 * Used to invert USD-per-unit quotes and to cross ECB rates through USD.
 * Never fails: both rates are positive and the quotient fits. */
void rate_quotient(const struct rate *num, const struct rate *den, struct rate *out);

#endif
