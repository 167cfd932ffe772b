/* iso3166 — lookups in the generated ISO 3166-1 table (see iso3166.h). */
#include "iso3166.h"

#include <string.h>

const struct country *country_find(const char *code)
{
    if (!code || strlen(code) != 2)
        return NULL;
    char key[3];
    for (int i = 0; i < 2; i++) {
        char c = code[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            return NULL;
        key[i] = c;
    }
    key[2] = '\0';
    size_t lo = 0, hi = iso3166_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(key, iso3166_table[mid].code);
        if (cmp == 0)
            return &iso3166_table[mid];
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
