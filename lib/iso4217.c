/* iso4217 — lookups in the generated currency table (see iso4217.h). */
#include "iso4217.h"

#include "codes.h"

const struct currency *currency_find(const char *code)
{
    return code_find(code, 3, iso4217_table, iso4217_count, sizeof iso4217_table[0]);
}
