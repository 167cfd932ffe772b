/* codes — binary search of code tables (see codes.h). */
#include "codes.h"

#include <string.h>

const void *code_find(const char *code, size_t len, const void *table, size_t count,
                      size_t size)
{
    char key[8];
    if (!code || len >= sizeof key || strlen(code) != len)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        char c = code[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            return NULL;
        key[i] = c;
    }
    key[len] = '\0';
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *entry = (const char *)table + mid * size;
        int cmp = strcmp(key, entry);
        if (cmp == 0)
            return entry;
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
