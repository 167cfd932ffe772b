/* money — fixed-point amounts, rates and conversion (see money.h).
 *
 * Why the arithmetic cannot overflow before the final check: an amount is
 * below 10^19 minor units and a rate coefficient below 10^10, so their
 * product is below 10^29 < 2^128. Powers of ten are then applied either to
 * the divisor (coef × 10^k stays below 10^10 × 10^22 = 10^32) or digit by
 * digit to the quotient by long division, which stops as soon as the
 * quotient passes the result limit. The remainder is kept exactly, so the
 * single rounding at the end is exact too. */
#include "money.h"

#include <stdio.h>
#include <string.h>

const struct rate RATE_ONE = {1, 0};

static const money_u128 RESULT_LIMIT =
    (money_u128)1000000000000000ULL * (money_u128)1000000000000000ULL; /* 10^30 */

static money_u128 pow10_u128(int n)
{
    money_u128 p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

bool money_parse(const char *text, const struct currency *c, uint64_t *minor, char *why,
                 size_t whylen)
{
    const char *p = text;
    if (!*p) {
        snprintf(why, whylen, "must not be empty");
        return false;
    }
    if (*p == '-' || *p == '+') {
        snprintf(why, whylen, "%s", *p == '-' ? "must not be negative" : "must not have a sign");
        return false;
    }
    size_t int_digits = 0, frac_digits = 0;
    uint64_t v = 0;
    bool leading = true;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (leading && *p == '0' && p[1] >= '0' && p[1] <= '9')
            continue; /* leading zeros carry nothing */
        leading = false;
        if (++int_digits > MONEY_MAX_INT_DIGITS) {
            snprintf(why, whylen, "has more than %d integer digits", MONEY_MAX_INT_DIGITS);
            return false;
        }
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (int_digits == 0 && p == text) {
        snprintf(why, whylen, "must be a decimal number such as \"1234.50\"");
        return false;
    }
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9')) {
            snprintf(why, whylen, "must have digits after the decimal point");
            return false;
        }
        for (; *p >= '0' && *p <= '9'; p++) {
            if (++frac_digits > (size_t)c->minor_units) {
                if (c->minor_units == 0)
                    snprintf(why, whylen, "must be a whole number: %s has no minor unit", c->code);
                else
                    snprintf(why, whylen, "has more decimals than %s allows (%d)", c->code,
                             c->minor_units);
                return false;
            }
            v = v * 10 + (uint64_t)(*p - '0');
        }
    }
    if (*p == 'e' || *p == 'E') {
        snprintf(why, whylen, "must not use an exponent");
        return false;
    }
    if (*p) {
        snprintf(why, whylen, "must be a decimal number such as \"1234.50\"");
        return false;
    }
    for (size_t i = frac_digits; i < (size_t)c->minor_units; i++)
        v *= 10;
    *minor = v;
    return true;
}

/* Writes the decimal digits of v (at least min_digits, zero-padded). */
static size_t u128_digits(money_u128 v, size_t min_digits, char *out)
{
    char tmp[48];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v && n < sizeof tmp);
    while (n < min_digits && n < sizeof tmp)
        tmp[n++] = '0';
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
    return n;
}

/* Writes v / 10^decimals as a plain decimal. */
static void decimal_format(money_u128 v, int decimals, char out[MONEY_TEXT])
{
    char digits[48];
    size_t n = u128_digits(v, (size_t)decimals + 1, digits);
    size_t int_len = n - (size_t)decimals;
    memcpy(out, digits, int_len);
    if (decimals > 0) {
        out[int_len] = '.';
        memcpy(out + int_len + 1, digits + int_len, (size_t)decimals);
        out[n + 1] = '\0';
    } else {
        out[int_len] = '\0';
    }
}

void money_format(money_u128 minor, int minor_units, char out[MONEY_TEXT])
{
    decimal_format(minor, minor_units, out);
}

bool rate_parse(const char *text, struct rate *out, char *why, size_t whylen)
{
    const char *p = text;
    uint64_t coef = 0;
    int sig = 0, scale = 0;
    bool any = false, point = false;
    if (*p == '-' || *p == '+') {
        snprintf(why, whylen, "must be a positive decimal without a sign");
        return false;
    }
    for (; *p; p++) {
        if (*p == '.' && !point) {
            point = true;
            if (!any || !(p[1] >= '0' && p[1] <= '9')) {
                snprintf(why, whylen, "must be a decimal number such as \"151.73\"");
                return false;
            }
            continue;
        }
        if (*p < '0' || *p > '9') {
            snprintf(why, whylen, "%s",
                     *p == 'e' || *p == 'E' ? "must not use an exponent"
                                            : "must be a decimal number such as \"151.73\"");
            return false;
        }
        any = true;
        if (point && ++scale > RATE_MAX_SCALE) {
            snprintf(why, whylen, "has more than %d decimals", RATE_MAX_SCALE);
            return false;
        }
        if (coef == 0 && *p == '0')
            continue; /* leading zeros are not significant */
        if (++sig > RATE_MAX_DIGITS) {
            snprintf(why, whylen, "has more than %d significant digits", RATE_MAX_DIGITS);
            return false;
        }
        coef = coef * 10 + (uint64_t)(*p - '0');
    }
    if (!any) {
        snprintf(why, whylen, "must be a decimal number such as \"151.73\"");
        return false;
    }
    if (coef == 0) {
        snprintf(why, whylen, "must be greater than zero");
        return false;
    }
    out->coef = coef;
    out->scale = scale;
    return true;
}

void rate_format(const struct rate *r, char out[MONEY_TEXT])
{
    decimal_format(r->coef, r->scale, out);
}

/* Rounds q (with remainder r over divisor den) half to even. */
static money_u128 round_half_even(money_u128 q, money_u128 r, money_u128 den)
{
    money_u128 twice = r * 2; /* r < den <= 10^32, so no overflow */
    if (twice > den || (twice == den && (q & 1)))
        q++;
    return q;
}

enum convert_result money_convert(uint64_t amount, const struct currency *from,
                                  const struct rate *from_rate, const struct currency *to,
                                  const struct rate *to_rate, money_u128 *out)
{
    /* result = amount × to.coef × 10^e / from.coef, where
     * e = from.scale + to.minor - from.minor - to.scale. */
    money_u128 num = (money_u128)amount * to_rate->coef;
    int e = from_rate->scale + to->minor_units - from->minor_units - to_rate->scale;
    money_u128 den = from_rate->coef, q, r;
    if (e <= 0) {
        den *= pow10_u128(-e);
        q = num / den;
        r = num % den;
    } else {
        q = num / den;
        r = num % den;
        for (int i = 0; i < e; i++) {
            if (q >= RESULT_LIMIT)
                return CONVERT_OVERFLOW;
            money_u128 carry = r * 10; /* r < den <= 10^10 */
            q = q * 10 + carry / den;
            r = carry % den;
        }
    }
    q = round_half_even(q, r, den);
    if (q >= RESULT_LIMIT)
        return CONVERT_OVERFLOW;
    *out = q;
    return CONVERT_OK;
}

void rate_cross_format(const struct rate *from_rate, const struct rate *to_rate,
                       char out[MONEY_TEXT])
{
    /* to/from = to.coef × 10^from.scale / (from.coef × 10^to.scale). */
    int shift = from_rate->scale - to_rate->scale;
    money_u128 num = (money_u128)to_rate->coef * pow10_u128(shift > 0 ? shift : 0);
    money_u128 den = (money_u128)from_rate->coef * pow10_u128(shift < 0 ? -shift : 0);
    const money_u128 lo = 1000000000ULL, hi = 10000000000ULL; /* 10 significant digits */
    money_u128 q = num / den, r = num % den;
    int decimals = 0;
    if (q >= hi) {
        /* Too many integer digits: round away the low ones, with the
         * remainder r as a sticky bit. */
        money_u128 p = 1;
        while (q / p >= hi)
            p *= 10;
        money_u128 low = q % p, half = p / 2;
        q /= p;
        if (low > half || (low == half && (r > 0 || (q & 1))))
            q++;
        q *= p;
    } else {
        while (q < lo && decimals < 36) {
            money_u128 carry = r * 10;
            q = q * 10 + carry / den;
            r = carry % den;
            decimals++;
        }
        q = round_half_even(q, r, den);
        /* Drop zeros at the end of the decimals ("0.5000000000" -> "0.5"). */
        while (decimals > 0 && q % 10 == 0) {
            q /= 10;
            decimals--;
        }
    }
    decimal_format(q, decimals, out);
}

void rate_quotient(const struct rate *num, const struct rate *den, struct rate *out)
{
    /* value = (num.coef / den.coef) x 10^(den.scale - num.scale); Q holds
     * the quotient's digits with k more decimals than that. */
    const uint64_t lo = 1000000000ULL, hi = 10000000000ULL;
    money_u128 q = num->coef / den->coef, r = num->coef % den->coef;
    int k = 0;
    while (q < lo) {
        money_u128 carry = r * 10;
        q = q * 10 + carry / den->coef;
        r = carry % den->coef;
        k++;
    }
    if (r != 0) {
        q = round_half_even(q, r, den->coef);
        if (q == hi) {
            q /= 10;
            k--;
        }
    } else {
        while (k > 0 && q % 10 == 0) { /* exact: down to the ideal exponent */
            q /= 10;
            k--;
        }
    }
    int scale = k + num->scale - den->scale;
    while (scale < 0) {
        q *= 10;
        scale++;
    }
    while (scale > RATE_MAX_SCALE && q % 10 == 0) {
        q /= 10;
        scale--;
    }
    out->coef = (uint64_t)q;
    out->scale = scale;
}
