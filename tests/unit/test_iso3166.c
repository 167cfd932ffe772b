/* Unit tests for lib/iso3166: the real ISO 3166-1 list, case-insensitive. */
#include "iso3166.h"
#include "tap.h"

#include <string.h>

int main(void)
{
    CHECK(iso3166_count == 249, "249 countries (got %zu)", iso3166_count);
    bool sorted = true;
    for (size_t i = 1; i < iso3166_count; i++)
        sorted = sorted && strcmp(iso3166_table[i - 1].code, iso3166_table[i].code) < 0;
    CHECK(sorted, "the table is sorted by code, without duplicates");

    static const struct { const char *code; const char *expect; } cases[] = {
        {"JP", "JP"}, {"jp", "JP"}, {"Jp", "JP"}, {"US", "US"}, {"MY", "MY"},
        {"TW", "TW"}, {"GB", "GB"}, {"IN", "IN"}, {"ID", "ID"}, {"TH", "TH"},
        {"AD", "AD"}, {"ZW", "ZW"},
        {"UK", NULL},  /* not an ISO code, although people write it */
        {"EU", NULL},  /* exceptionally reserved, not a country */
        {"XX", NULL}, {"J", NULL}, {"JPN", NULL}, {"", NULL}, {"J1", NULL},
        {"j\xc3", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct country *c = country_find(cases[i].code);
        if (cases[i].expect)
            CHECK(c && strcmp(c->code, cases[i].expect) == 0, "country_find(\"%s\") -> %s",
                  cases[i].code, cases[i].expect);
        else
            CHECK(c == NULL, "country_find(\"%s\") -> none", cases[i].code);
    }
    const struct country *jp = country_find("jp");
    CHECK(jp && strcmp(jp->name, "Japan") == 0, "JP is Japan");
    CHECK(country_find(NULL) == NULL, "NULL is no country");
    return tap_done();
}
