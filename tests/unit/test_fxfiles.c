/* Unit tests for lib/fxfiles and rate_quotient: the two publishers' real
 * format samples (../shared/data/formats) are read, and every rate they
 * give is compared with the row the shipped data has for the same currency
 * and day (data/usd_rates.csv, computed by the publisher's own tooling with
 * Python's decimal module): the reference model. Malformed files are
 * refused whole. usage: test_fxfiles FORMATS_DIR SHIPPED_CSV */
#include "fxfiles.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    fclose(f);
    if (s) {
        s[n] = '\0';
        *len = (size_t)n;
    }
    return s;
}

/* The shipped rows, as "YYYY-MM-DD,CUR" -> per_usd text, in a sorted array. */
struct shipped {
    char key[16];
    char per_usd[24];
};
static struct shipped *ship;
static size_t n_ship;

static int by_key(const void *a, const void *b)
{
    return strcmp(((const struct shipped *)a)->key, ((const struct shipped *)b)->key);
}

static const char *shipped_rate(const char *date, const char *code)
{
    struct shipped k;
    snprintf(k.key, sizeof k.key, "%s,%s", date, code);
    struct shipped *hit = bsearch(&k, ship, n_ship, sizeof *ship, by_key);
    return hit ? hit->per_usd : NULL;
}

struct tally {
    size_t rows, compared, equal;
    bool ecb;                /* compare only currencies the Fed lacks */
    char first_diff[160];
};

static bool compare(void *ctx, const struct fx_row *row)
{
    struct tally *t = ctx;
    t->rows++;
    if (t->ecb && fed_h10_publishes(row->code))
        return true;
    const char *want = shipped_rate(row->date, row->code);
    if (!want)
        return true;
    char got[MONEY_TEXT];
    rate_format(&row->per_usd, got);
    t->compared++;
    if (strcmp(got, want) == 0)
        t->equal++;
    else if (!t->first_diff[0])
        snprintf(t->first_diff, sizeof t->first_diff, "%s %s: got %s, shipped %s", row->date,
                 row->code, got, want);
    return true;
}

static bool count_only(void *ctx, const struct fx_row *row)
{
    (void)row;
    ++*(size_t *)ctx;
    return true;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_fxfiles FORMATS_DIR SHIPPED_CSV\n");
        return 2;
    }
    /* rate_quotient, table-driven: Python decimal (prec 10, half even). */
    static const struct { const char *num, *den, *want; } q[] = {
        {"1", "1.0706", "0.9340556697"},   /* EUR 2024-05-02 in data/README.md */
        {"1", "0.8", "1.25"},              /* exact: no trailing zeros */
        {"1", "0.8000", "1.25"},
        {"10", "0.5", "20"},               /* exact, above the ideal exponent */
        {"1", "3", "0.3333333333"},
        {"2", "3", "0.6666666667"},        /* rounds up */
        {"1", "1.1", "0.9090909091"},
        {"1.9558", "1.0718", "1.824780743"},
        {"17422.11", "1.0718", "16255.00093"},
        {"1", "1.0001", "0.9999000100"},     /* inexact: ten digits, trailing zeros kept */
        {"1", "1", "1"},
        {"1.0", "1", "1.0"},               /* exact, ideal exponent -1 */
        {"4", "1.6", "2.5"},
        {"0.125", "1", "0.125"},
    };
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        struct rate a, b, r;
        char why[64], got[MONEY_TEXT];
        bool ok = rate_parse(q[i].num, &a, why, sizeof why) && rate_parse(q[i].den, &b, why, sizeof why);
        if (ok) {
            rate_quotient(&a, &b, &r);
            rate_format(&r, got);
        }
        CHECK(ok && strcmp(got, q[i].want) == 0, "%s / %s = %s (got %s)", q[i].num, q[i].den, q[i].want,
              ok ? got : "?");
    }

    size_t len = 0;
    char *csv = slurp(argv[2], &len);
    CHECK(csv != NULL, "the shipped rates are readable (%s)", argv[2]);
    if (!csv)
        return tap_done();
    ship = malloc(sizeof *ship * 250000);
    for (char *line = strtok(csv, "\n"); line && n_ship < 250000; line = strtok(NULL, "\n")) {
        char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        if (!c2 || strncmp(line, "date", 4) == 0)
            continue;
        *c2 = '\0';
        snprintf(ship[n_ship].key, sizeof ship[n_ship].key, "%s", line);
        snprintf(ship[n_ship].per_usd, sizeof ship[n_ship].per_usd, "%s", c2 + 1);
        n_ship++;
    }
    qsort(ship, n_ship, sizeof *ship, by_key);

    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/fed-h10-ddp-sample.csv", argv[1]);
    char *fed = slurp(path, &len);
    CHECK(fed != NULL, "the Fed sample is readable (%s)", path);
    struct tally t = {0};
    bool ok = fed && fed_h10_read(fed, len, NULL, compare, &t, err, sizeof err);
    CHECK(ok, "the Fed H.10 sample reads (%s)", ok ? "ok" : err);
    CHECK(t.compared > 300 && t.compared == t.rows && t.equal == t.compared,
          "every Fed rate, inverted ones included, equals the shipped row (%zu of %zu; %s)", t.equal,
          t.compared, t.first_diff[0] ? t.first_diff : "no difference");
    size_t since_rows = 0;
    ok = fed && fed_h10_read(fed, len, "2024-05-24", count_only, &since_rows, err, sizeof err);
    CHECK(ok && since_rows > 0 && since_rows < t.rows,
          "--since keeps only later days (%zu of %zu)", since_rows, t.rows);

    snprintf(path, sizeof path, "%s/ecb-eurofxref-hist-sample.csv", argv[1]);
    char *ecb = slurp(path, &len);
    struct tally e = {.ecb = true};
    ok = ecb && ecb_hist_read(ecb, len, NULL, compare, &e, err, sizeof err);
    CHECK(ok, "the ECB sample reads (%s)", ok ? "ok" : err);
    CHECK(e.compared > 150 && e.equal == e.compared,
          "every ECB cross rate of a currency the Fed lacks equals the shipped ecb-derived row "
          "(%zu of %zu; %s)", e.equal, e.compared, e.first_diff[0] ? e.first_diff : "no difference");

    /* Malformed files are refused whole, with a reason. */
    static const struct { const char *what, *text; int which; const char *says; } bad[] = {
        {"an empty Fed file", "", 0, "Time Period"},
        {"a Fed file without the Time Period row",
         "\"Series Description\",\"Japanese Yen\"\n\"Currency:\",\"JPY\"\n2024-01-02,141.0000\n", 0,
         "Time Period"},
        {"a Fed value 'abc'",
         "\"Currency:\",\"JPY\"\n\"Time Period\",\"RXI_N.B.JA\"\n2024-01-02,abc\n", 0, "abc"},
        {"a truncated Fed file",
         "\"Currency:\",\"JPY\"\n\"Time Period\",\"RXI_N.B.JA\"\n2024-01-02,141.0000\n2024-01-0", 0,
         "truncated"},
        {"a Fed file with a header only", "\"Currency:\",\"JPY\"\n\"Time Period\",\"RXI_N.B.JA\"\n", 0,
         "no rows"},
        {"an empty ECB file", "", 1, "header"},
        {"an ECB file without USD", "Date,JPY,\n2024-04-30,168.27,\n", 1, "USD"},
        {"an ECB value 'abc'", "Date,USD,JPY,\n2024-04-30,1.0718,abc,\n", 1, "abc"},
        {"a truncated ECB file", "Date,USD,JPY,\n2024-04-30,1.0718,168.27,\n2024-04-2", 1, "truncated"},
        {"an ECB file with a header only", "Date,USD,JPY,\n", 1, "no rows"},
        /* 1 / 1680682224 has 19 decimals: the EUR row itself must be
         * storable, as every cross rate is (found by the fuzzer). */
        {"an ECB USD value whose inverse has too many decimals",
         "Date,USD,JPY,\n2024-04-30,1680682224,168.27,\n", 1, "EUR rate on 2024-04-30"},
        /* 1680682224 / 0.0718 is 23,407,830,418.9...: a cross rate of 11
         * significant digits, which the rates' table cannot hold and which
         * would not read back (found by the fuzzer). */
        {"an ECB cross rate of 11 significant digits",
         "Date,USD,JPY,\n2024-04-30,0.0718,1680682224,\n", 1, "JPY cross rate on 2024-04-30"},
        {"an HTML error page", "<html><body>Service unavailable</body></html>\n", 1, "header"},
    };
    /* A line of more cells than a reader holds (found by the fuzzer: it
     * once wrote past the last cell). */
    char wide[512] = "Date,USD";
    for (int i = 0; i < 70; i++)
        strcat(wide, ",JPY");
    strcat(wide, "\n2024-04-30,1.07\n");
    size_t n_wide = 0;
    CHECK(!ecb_hist_read(wide, strlen(wide), NULL, count_only, &n_wide, err, sizeof err) &&
              strstr(err, "more than 64 cells"),
          "a header of 72 cells is refused, not overrun (%s)", err);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = 0;
        bool r = bad[i].which == 0
                     ? fed_h10_read(bad[i].text, strlen(bad[i].text), NULL, count_only, &n, err, sizeof err)
                     : ecb_hist_read(bad[i].text, strlen(bad[i].text), NULL, count_only, &n, err, sizeof err);
        CHECK(!r && strstr(err, bad[i].says), "%s is refused (%s)", bad[i].what, err);
    }
    free(fed);
    free(ecb);
    free(ship);
    free(csv);
    return tap_done();
}
