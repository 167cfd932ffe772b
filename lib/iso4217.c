/* iso4217 — lookups in the generated currency table (see iso4217.h). */
#include "iso4217.h"

#include <string.h>

const struct currency *currency_find(const char *code)
{
    if (!code || strlen(code) != 3)
        return NULL;
    char key[4];
    for (int i = 0; i < 3; i++) {
        char c = code[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            return NULL;
        key[i] = c;
    }
    key[3] = '\0';
    size_t lo = 0, hi = iso4217_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(key, iso4217_table[mid].code);
        if (cmp == 0)
            return &iso4217_table[mid];
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
