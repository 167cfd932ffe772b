/* money_convert against a slow, obviously right reference model, as SQLite
 * tests its arithmetic: random amounts, currencies and rates; the model
 * works on arrays of decimal digits (schoolbook multiplication by powers of
 * ten, long division by the 10-digit rate), never on the fixed-width tricks
 * money.c uses, and rounds half to even from the exact remainder. */
#include "money.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIGITS 80

/* A non-negative integer as decimal digits, most significant first. */
struct big {
    unsigned char d[DIGITS];
    int n; /* digits in use (0 is one digit "0") */
};

static void big_from_u128(struct big *b, money_u128 v)
{
    unsigned char tmp[DIGITS];
    int n = 0;
    do {
        tmp[n++] = (unsigned char)(v % 10);
        v /= 10;
    } while (v);
    b->n = n;
    for (int i = 0; i < n; i++)
        b->d[i] = tmp[n - 1 - i];
}

static void big_times_pow10(struct big *b, int k)
{
    for (int i = 0; i < k; i++)
        b->d[b->n++] = 0;
}

/* Long division by a small divisor: *q = b / div, returns b mod div. */
static uint64_t big_div(const struct big *b, uint64_t div, struct big *q)
{
    money_u128 r = 0;
    q->n = 0;
    for (int i = 0; i < b->n; i++) {
        r = r * 10 + b->d[i];
        unsigned char digit = (unsigned char)(r / div);
        r %= div;
        if (q->n || digit)
            q->d[q->n++] = digit;
    }
    if (!q->n)
        q->d[q->n++] = 0;
    return (uint64_t)r;
}

/* The model: amount (minor units of `from`) into minor units of `to`.
 * value = amount x 10^-mf x (to.coef x 10^-ts) / (from.coef x 10^-fs) x 10^mt
 *       = amount x to.coef x 10^(fs + mt) / (from.coef x 10^(ts + mf)).
 * False when the result has more than MONEY_RESULT_MAX_DIGITS digits. */
static bool model(uint64_t amount, int mf, const struct rate *from, int mt, const struct rate *to,
                  money_u128 *out)
{
    struct big n, q;
    big_from_u128(&n, (money_u128)amount * to->coef);
    big_times_pow10(&n, from->scale + mt);
    uint64_t r1 = big_div(&n, from->coef, &q); /* q = floor(N / c), r1 = N mod c */
    int s = to->scale + mf;                   /* then divide by 10^s */
    int keep = q.n - s;
    money_u128 low = 0, p10 = 1; /* q mod 10^s, the digits shifted out */
    for (int i = (keep > 0 ? keep : 0); i < q.n; i++)
        low = low * 10 + q.d[i];
    for (int i = 0; i < s; i++)
        p10 *= 10;
    if (keep > MONEY_RESULT_MAX_DIGITS)
        return false;
    money_u128 result = 0;
    for (int i = 0; i < keep; i++)
        result = result * 10 + q.d[i];
    /* Exact remainder of N / (c x 10^s) is low x c + r1, against c x 10^s. */
    money_u128 rem = low * from->coef + r1, whole = (money_u128)from->coef * p10;
    if (rem * 2 > whole || (rem * 2 == whole && (result & 1)))
        result++;
    int nd = 0;
    for (money_u128 v = result; v; v /= 10)
        nd++;
    if (nd > MONEY_RESULT_MAX_DIGITS)
        return false;
    *out = result;
    return true;
}

static uint64_t rnd64(void)
{
    return ((uint64_t)rand() << 42) ^ ((uint64_t)rand() << 21) ^ (uint64_t)rand();
}

int main(void)
{
    srand(20261127);
    static const char *const codes[] = {"USD", "JPY", "EUR", "KWD", "BHD", "CLF", "IDR", "GBP"};
    size_t n_codes = sizeof codes / sizeof codes[0];
    int compared = 0, agree = 0, overflow_agree = 0;
    char first[300] = "";
    for (int i = 0; i < 100000; i++) {
        const struct currency *cf = currency_find(codes[rand() % n_codes]),
                              *ct = currency_find(codes[rand() % n_codes]);
        struct rate rf = {1 + rnd64() % 9999999999ULL, rand() % (RATE_MAX_SCALE + 1)};
        struct rate rt = {1 + rnd64() % 9999999999ULL, rand() % (RATE_MAX_SCALE + 1)};
        /* amounts up to 15 integer digits plus the minor units */
        uint64_t limit = 1000000000000000ULL;
        for (int k = 0; k < cf->minor_units; k++)
            limit *= 10;
        uint64_t amount = i % 7 == 0 ? rnd64() % 1000 : rnd64() % limit;
        money_u128 got = 0, want = 0;
        enum convert_result r = money_convert(amount, cf, &rf, ct, &rt, &got);
        bool ok = model(amount, cf->minor_units, &rf, ct->minor_units, &rt, &want);
        compared++;
        if (r == CONVERT_OK && ok && got == want)
            agree++;
        else if (r == CONVERT_OVERFLOW && !ok)
            overflow_agree++;
        else if (!first[0])
            snprintf(first, sizeof first, "%llu %s at %llu/10^%d -> %s at %llu/10^%d: %s vs model %s",
                     (unsigned long long)amount, cf->code, (unsigned long long)rf.coef, rf.scale,
                     ct->code, (unsigned long long)rt.coef, rt.scale,
                     r == CONVERT_OK ? "ok" : "overflow", ok ? "ok" : "overflow");
    }
    CHECK(agree + overflow_agree == compared,
          "money_convert equals the digit-array model on %d random conversions "
          "(%d equal, %d overflow in both) %s", compared, agree, overflow_agree, first);
    CHECK(agree > compared / 2, "most conversions fit (%d of %d)", agree, compared);
    return tap_done();
}
