/* Unit tests for lib/slug: validation and derivation from names. */
#include "slug.h"
#include "tap.h"

#include <string.h>

int main(void)
{
    static const struct { const char *s; bool valid; } valid_cases[] = {
        {"microsoft", true},   {"a", true},        {"softbank-group", true},
        {"x1", true},          {"a-", true},       {"a--b", true},
        {"", false},           {"1abc", false},    {"-abc", false},
        {"Microsoft", false},  {"micro soft", false}, {"micro_soft", false},
        {"société", false},    {"abc/def", false}, {"abc.def", false},
        {"a234567890123456789012345678901234567890123456789012345678901234", true},
        {"a2345678901234567890123456789012345678901234567890123456789012345", false},
    };
    for (size_t i = 0; i < sizeof valid_cases / sizeof valid_cases[0]; i++)
        CHECK(slug_is_valid(valid_cases[i].s) == valid_cases[i].valid, "slug_is_valid(\"%s\") is %s",
              valid_cases[i].s, valid_cases[i].valid ? "true" : "false");

    static const struct { const char *name; const char *slug; } derive_cases[] = {
        {"Microsoft", "microsoft"},
        {"SoftBank Group", "softbank-group"},
        {"  Hitachi, Ltd.  ", "hitachi-ltd"},
        {"Société Générale", "societe-generale"},
        {"Nestlé", "nestle"},
        {"Ørsted", "orsted"},
        {"Straße AG", "strasse-ag"},
        {"Łódź Tech", "lodz-tech"},
        {"Œuvre", "oeuvre"},
        {"AT&T", "at-and-t"},
        {"McDonald's", "mcdonalds"},
        {"Taiwan Semiconductor Manufacturing Co. (TSMC)", "taiwan-semiconductor-manufacturing-co-tsmc"},
        {"Arm -- Holdings", "arm-holdings"},
        {"日立製作所 Hitachi", "hitachi"},
        {"Amazon.com, Inc.", "amazon-com-inc"},
    };
    for (size_t i = 0; i < sizeof derive_cases / sizeof derive_cases[0]; i++) {
        char out[SLUG_MAX + 1];
        bool ok = slug_from_name(derive_cases[i].name, out);
        CHECK(ok && strcmp(out, derive_cases[i].slug) == 0, "slug_from_name(\"%s\") = \"%s\" (got \"%s\")",
              derive_cases[i].name, derive_cases[i].slug, ok ? out : "(failed)");
    }

    static const char *const underivable[] = {"3M", "日立", "", "---", "123"};
    for (size_t i = 0; i < sizeof underivable / sizeof underivable[0]; i++) {
        char out[SLUG_MAX + 1];
        CHECK(!slug_from_name(underivable[i], out), "no slug from \"%s\"", underivable[i]);
    }

    /* A long name is cut at 64 characters and never ends in '-'. */
    char out[SLUG_MAX + 1];
    const char *long_name = "Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu";
    CHECK(slug_from_name(long_name, out) && strlen(out) <= 64 && out[strlen(out) - 1] != '-' &&
              slug_is_valid(out),
          "long names are cut to a valid slug (\"%s\")", out);
    char exact[200];
    memset(exact, 'a', 70);
    exact[70] = '\0';
    CHECK(slug_from_name(exact, out) && strlen(out) == 64, "a 70-letter name gives 64 letters");
    return tap_done();
}
