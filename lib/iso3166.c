/* iso3166 — lookups in the generated ISO 3166-1 table (see iso3166.h). */
#include "iso3166.h"

#include "codes.h"

const struct country *country_find(const char *code)
{
    return code_find(code, 2, iso3166_table, iso3166_count, sizeof iso3166_table[0]);
}
