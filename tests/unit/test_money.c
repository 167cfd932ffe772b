/* Unit tests for lib/money and lib/iso4217: parsing, formatting, rates,
 * conversion (rounding ties both ways, 0, the largest amounts, JPY, USD,
 * KWD, overflow), and properties over many random values: converting a
 * currency into itself is the identity, and conversion is monotone in the
 * amount. */
#include "date.h"
#include "money.h"
#include "tap.h"

#include <string.h>

static const struct currency *cur(const char *code)
{
    return currency_find(code);
}

static struct rate rate_of(const char *text)
{
    struct rate r = {0, 0};
    char why[128];
    rate_parse(text, &r, why, sizeof why);
    return r;
}

static char *u128_text(money_u128 v, char out[MONEY_TEXT])
{
    money_format(v, 0, out);
    return out;
}

/* xorshift64*: a fixed seed, so a failure reproduces. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

int main(void)
{
    /* --- ISO 4217 ------------------------------------------------------ */
    bool sorted = true;
    for (size_t i = 1; i < iso4217_count; i++)
        sorted = sorted && strcmp(iso4217_table[i - 1].code, iso4217_table[i].code) < 0;
    CHECK(sorted && iso4217_count > 150, "the currency table is sorted (%zu codes)", iso4217_count);
    static const struct { const char *code; const char *expect; int minor; } curs[] = {
        {"JPY", "JPY", 0}, {"jpy", "JPY", 0}, {"USD", "USD", 2}, {"usd", "USD", 2},
        {"KWD", "KWD", 3}, {"BHD", "BHD", 3}, {"CLF", "CLF", 4}, {"KRW", "KRW", 0},
        {"EUR", "EUR", 2}, {"MYR", "MYR", 2}, {"ISK", "ISK", 0}, {"EEK", "EEK", 2},
        {"YEN", NULL, 0}, {"XAU", NULL, 0}, {"XXX", NULL, 0}, {"US", NULL, 0},
        {"USDX", NULL, 0}, {"", NULL, 0}, {"U$D", NULL, 0},
    };
    for (size_t i = 0; i < sizeof curs / sizeof curs[0]; i++) {
        const struct currency *c = currency_find(curs[i].code);
        if (curs[i].expect)
            CHECK(c && strcmp(c->code, curs[i].expect) == 0 && c->minor_units == curs[i].minor,
                  "currency_find(\"%s\") is %s with %d minor units", curs[i].code,
                  curs[i].expect, curs[i].minor);
        else
            CHECK(!c, "currency_find(\"%s\") is none", curs[i].code);
    }
    CHECK(cur("EEK") && !cur("EEK")->active && cur("JPY")->active, "legacy codes are inactive");
    bool rates_known = true;
    static const char *const shipped[] = {"AUD", "BGN", "BRL", "CAD", "CHF", "CNY", "CYP", "CZK",
        "DKK", "EEK", "EUR", "GBP", "HKD", "HRK", "HUF", "IDR", "ILS", "INR", "ISK", "JPY",
        "KRW", "LKR", "LTL", "LVL", "MTL", "MXN", "MYR", "NOK", "NZD", "PHP", "PLN", "ROL",
        "RON", "RUB", "SEK", "SGD", "SIT", "SKK", "THB", "TRL", "TRY", "TWD", "ZAR"};
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++)
        rates_known = rates_known && cur(shipped[i]);
    CHECK(rates_known, "every currency of the shipped rates is in the table");

    /* --- parsing amounts ---------------------------------------------- */
    static const struct { const char *text, *code; bool ok; uint64_t minor; const char *why; } amounts[] = {
        {"300000000000", "JPY", true, 300000000000ULL, NULL},
        {"2900000000.00", "USD", true, 290000000000ULL, NULL},
        {"2900000000", "USD", true, 290000000000ULL, NULL},
        {"2900000000.5", "USD", true, 290000000050ULL, NULL},
        {"0", "USD", true, 0, NULL},
        {"0.00", "USD", true, 0, NULL},
        {"007", "JPY", true, 7, NULL},
        {"1.234", "KWD", true, 1234, NULL},
        {"1.2345", "CLF", true, 12345, NULL},
        {"999999999999999", "JPY", true, 999999999999999ULL, NULL},
        {"999999999999999.99", "USD", true, 99999999999999999ULL, NULL},
        {"999999999999999.9999", "CLF", true, 9999999999999999999ULL, NULL},
        {"0000000000000000001", "JPY", true, 1, NULL},
        {"1000000000000000", "JPY", false, 0, "integer digits"},
        {"1.5", "JPY", false, 0, "whole number"},
        {"1.0", "JPY", false, 0, "whole number"},
        {"1.005", "USD", false, 0, "more decimals than USD allows (2)"},
        {"1.2345", "KWD", false, 0, "more decimals than KWD"},
        {"", "USD", false, 0, "empty"},
        {"-1", "USD", false, 0, "negative"},
        {"+1", "USD", false, 0, "sign"},
        {"1e9", "USD", false, 0, "exponent"},
        {"1E9", "USD", false, 0, "exponent"},
        {"1.", "USD", false, 0, "after the decimal point"},
        {".5", "USD", false, 0, "decimal number"},
        {".", "USD", false, 0, "decimal number"},
        {" 1", "USD", false, 0, "decimal number"},
        {"1 ", "USD", false, 0, "decimal number"},
        {"1,000", "USD", false, 0, "decimal number"},
        {"1.2.3", "USD", false, 0, "decimal number"},
        {"NaN", "USD", false, 0, "decimal number"},
        {"0x10", "USD", false, 0, "decimal number"},
        {"１", "USD", false, 0, "decimal number"},
    };
    for (size_t i = 0; i < sizeof amounts / sizeof amounts[0]; i++) {
        uint64_t minor = 42;
        char why[128] = "";
        bool ok = money_parse(amounts[i].text, cur(amounts[i].code), &minor, why, sizeof why);
        if (amounts[i].ok)
            CHECK(ok && minor == amounts[i].minor, "money_parse(\"%s\", %s) = %llu", amounts[i].text,
                  amounts[i].code, (unsigned long long)amounts[i].minor);
        else
            CHECK(!ok && minor == 42 && strstr(why, amounts[i].why),
                  "money_parse(\"%s\", %s) refused: %s (got \"%s\")", amounts[i].text,
                  amounts[i].code, amounts[i].why, why);
    }

    /* --- formatting ----------------------------------------------------- */
    static const struct { uint64_t minor; int units; const char *text; } fmts[] = {
        {290000000000ULL, 2, "2900000000.00"}, {300000000000ULL, 0, "300000000000"},
        {0, 2, "0.00"}, {0, 0, "0"}, {5, 2, "0.05"}, {1234, 3, "1.234"}, {1, 4, "0.0001"},
        {9999999999999999999ULL, 4, "999999999999999.9999"},
    };
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        char out[MONEY_TEXT];
        money_format(fmts[i].minor, fmts[i].units, out);
        CHECK(strcmp(out, fmts[i].text) == 0, "money_format(%llu, %d) = %s (got %s)",
              (unsigned long long)fmts[i].minor, fmts[i].units, fmts[i].text, out);
    }
    char big[MONEY_TEXT];
    money_format((money_u128)999999999999999999ULL * 1000000000000ULL, 2, big);
    CHECK(strcmp(big, "9999999999999999990000000000.00") == 0, "money_format past 64 bits (%s)", big);

    /* --- rates --------------------------------------------------------- */
    static const struct { const char *text; bool ok; uint64_t coef; int scale; const char *out; } rates[] = {
        {"151.7300", true, 1517300, 4, "151.7300"},
        {"0.9340556697", true, 9340556697ULL, 10, "0.9340556697"},
        {"1", true, 1, 0, "1"},
        {"16250.5", true, 162505, 1, "16250.5"},
        {"9999999999", true, 9999999999ULL, 0, "9999999999"},
        {"0.000000000000000001", true, 1, 18, "0.000000000000000001"},
        {"00.5", true, 5, 1, "0.5"},
        {"0", false, 0, 0, "greater than zero"},
        {"0.0000", false, 0, 0, "greater than zero"},
        {"12345678901", false, 0, 0, "significant digits"},
        {"1.2345678901", false, 0, 0, "significant digits"},
        {"0.0000000000000000001", false, 0, 0, "decimals"},
        {"-1", false, 0, 0, "sign"},
        {"+1", false, 0, 0, "sign"},
        {"1e3", false, 0, 0, "exponent"},
        {"", false, 0, 0, "decimal number"},
        {"1.", false, 0, 0, "decimal number"},
        {".5", false, 0, 0, "decimal number"},
        {"1.5.", false, 0, 0, "decimal number"},
        {"15 3", false, 0, 0, "decimal number"},
    };
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        struct rate r = {7, 7};
        char why[128] = "", out[MONEY_TEXT] = "";
        bool ok = rate_parse(rates[i].text, &r, why, sizeof why);
        if (ok)
            rate_format(&r, out);
        if (rates[i].ok)
            CHECK(ok && r.coef == rates[i].coef && r.scale == rates[i].scale &&
                      strcmp(out, rates[i].out) == 0,
                  "rate_parse(\"%s\") = %s", rates[i].text, rates[i].out);
        else
            CHECK(!ok && strstr(why, rates[i].out), "rate_parse(\"%s\") refused: %s (got %s)",
                  rates[i].text, rates[i].out, why);
    }

    /* --- conversion ----------------------------------------------------- */
    static const struct {
        uint64_t amount; const char *from, *from_rate, *to, *to_rate; const char *expect;
    } conv[] = {
        /* the article's figure: ¥300 billion on 2024-06-04 (Fed H.10: 154.8700) */
        {300000000000ULL, "JPY", "154.8700", "USD", "1", "193710854265"},
        {290000000000ULL, "USD", "1", "USD", "1", "290000000000"},
        {0, "JPY", "154.87", "USD", "1", "0"},
        /* ties: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, 3.5 -> 4 cents */
        {1, "JPY", "200", "USD", "1", "0"},
        {3, "JPY", "200", "USD", "1", "2"},
        {5, "JPY", "200", "USD", "1", "2"},
        {7, "JPY", "200", "USD", "1", "4"},
        /* just off a tie goes to the nearer side */
        {1, "JPY", "199.9999999", "USD", "1", "1"},
        {1, "JPY", "200.0000001", "USD", "1", "0"},
        /* KWD has 3 decimals: 1.000 KWD at 0.3075/USD = $3.2520... */
        {1000, "KWD", "0.3075", "USD", "1", "325"},
        /* $1.00 = 0.3075 KWD = 307.5 fils: a tie, to even 308 */
        {100, "USD", "1", "KWD", "0.3075", "308"},
        /* ¥1,000,000 -> KWD via USD */
        {1000000, "JPY", "154.87", "KWD", "0.3075", "1985536"},
        /* the largest amounts */
        {99999999999999999ULL, "USD", "1", "JPY", "154.87", "154869999999999998"},
        {9999999999999999999ULL, "CLF", "0.0000251", "USD", "1", "3984063745019920318327"},
        {999999999999999ULL, "JPY", "9999999999", "JPY", "9999999999", "999999999999999"},
    };
    for (size_t i = 0; i < sizeof conv / sizeof conv[0]; i++) {
        struct rate rf = rate_of(conv[i].from_rate), rt = rate_of(conv[i].to_rate);
        money_u128 out = 0;
        char text[MONEY_TEXT] = "";
        enum convert_result res =
            money_convert(conv[i].amount, cur(conv[i].from), &rf, cur(conv[i].to), &rt, &out);
        CHECK(res == CONVERT_OK && strcmp(u128_text(out, text), conv[i].expect) == 0,
              "%llu %s @%s -> %s @%s = %s (got %s)", (unsigned long long)conv[i].amount,
              conv[i].from, conv[i].from_rate, conv[i].to, conv[i].to_rate, conv[i].expect, text);
    }
    {
        struct rate tiny = rate_of("0.000000000000000001"), one = RATE_ONE;
        money_u128 out = 0;
        CHECK(money_convert(99999999999999999ULL, cur("USD"), &tiny, cur("USD"), &one, &out) ==
                  CONVERT_OVERFLOW,
              "a result past 10^30 is an overflow error, not a number");
        CHECK(money_convert(1, cur("USD"), &tiny, cur("USD"), &one, &out) == CONVERT_OK &&
                  out == (money_u128)1000000000000000000ULL,
              "a tiny rate with a small amount still converts exactly");
    }

    /* --- cross rates for display --------------------------------------- */
    static const struct { const char *from, *to, *expect; } cross[] = {
        {"154.8700", "1", "0.006457028475"}, {"1", "154.8700", "154.87"},
        {"154.87", "4.7534", "0.03069283916"}, {"0.3075", "154.87", "503.6422764"},
        {"1", "3", "3"}, {"2", "1", "0.5"}, {"3", "2", "0.6666666667"},
        {"1", "0.000000000000000001", "0.000000000000000001"},
        {"9999999999", "1", "0.0000000001"}, {"1", "9999999999", "9999999999"},
        {"0.9340556697", "1", "1.0706"}, {"0.000000000000000001", "9999999999", "9999999999000000000000000000"},
    };
    for (size_t i = 0; i < sizeof cross / sizeof cross[0]; i++) {
        struct rate a = rate_of(cross[i].from), b = rate_of(cross[i].to);
        char out[MONEY_TEXT];
        rate_cross_format(&a, &b, out);
        CHECK(strcmp(out, cross[i].expect) == 0, "cross rate %s -> %s = %s (got %s)",
              cross[i].from, cross[i].to, cross[i].expect, out);
    }

    /* --- properties over random values --------------------------------- */
    static const char *const codes[] = {"JPY", "USD", "KWD", "CLF", "EUR", "IDR"};
    size_t ncodes = sizeof codes / sizeof codes[0];
    int identity_bad = 0, monotone_bad = 0, overflow_seen = 0, runs = 20000;
    for (int i = 0; i < runs; i++) {
        const struct currency *a = cur(codes[rng() % ncodes]), *b = cur(codes[rng() % ncodes]);
        struct rate ra = {1 + rng() % 9999999999ULL, (int)(rng() % 11)};
        struct rate rb = {1 + rng() % 9999999999ULL, (int)(rng() % 11)};
        uint64_t limit = 1;
        for (int k = 0; k < MONEY_MAX_INT_DIGITS + a->minor_units; k++)
            limit *= 10;
        uint64_t x = rng() % limit, y = rng() % limit;
        if (x > y) {
            uint64_t t = x;
            x = y;
            y = t;
        }
        money_u128 same = 0, cx = 0, cy = 0;
        if (money_convert(x, a, &ra, a, &ra, &same) != CONVERT_OK || same != x)
            identity_bad++;
        enum convert_result r1 = money_convert(x, a, &ra, b, &rb, &cx);
        enum convert_result r2 = money_convert(y, a, &ra, b, &rb, &cy);
        if (r1 == CONVERT_OK && r2 == CONVERT_OK) {
            if (cx > cy)
                monotone_bad++;
        } else {
            overflow_seen++;
            if (r1 == CONVERT_OVERFLOW && r2 == CONVERT_OK)
                monotone_bad++; /* a smaller amount cannot overflow when a larger did not */
        }
    }
    CHECK(identity_bad == 0, "%d random conversions into the same currency are the identity", runs);
    CHECK(monotone_bad == 0, "%d random pairs convert monotonically (%d overflowed)", runs, overflow_seen);

    /* --- dates ---------------------------------------------------------- */
    static const struct { const char *from; int delta; const char *expect; } days[] = {
        {"2024-06-04", -14, "2024-05-21"}, {"2024-03-01", -1, "2024-02-29"},
        {"2023-03-01", -1, "2023-02-28"}, {"2024-12-31", 1, "2025-01-01"},
        {"2000-02-28", 1, "2000-02-29"}, {"1900-02-28", 1, "1900-03-01"},
        {"1970-01-01", 0, "1970-01-01"}, {"1999-12-31", 9132, "2024-12-31"},
    };
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        char out[DATE_TEXT] = "";
        CHECK(date_add_days(days[i].from, days[i].delta, out) && strcmp(out, days[i].expect) == 0,
              "%s %+d days = %s (got %s)", days[i].from, days[i].delta, days[i].expect, out);
    }
    char out[DATE_TEXT];
    CHECK(!date_add_days("9999-12-31", 1, out) && !date_add_days("2024-02-30", 1, out),
          "date_add_days refuses bad dates and years past 9999");
    CHECK(date_to_days(1970, 1, 1) == 0 && date_to_days(2024, 6, 4) == 19878,
          "day numbers count from 1970-01-01");
    return tap_done();
}
