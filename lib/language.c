/* language — BCP 47 tag checks (see language.h). */
#include "language.h"

#include <string.h>

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

bool language_check(const char *tag, char out[LANGUAGE_MAX + 1])
{
    size_t n = strlen(tag);
    if (n == 0 || n > LANGUAGE_MAX)
        return false;
    size_t i = 0, sub = 0;
    while (i < n) {
        size_t len = strcspn(tag + i, "-");
        if (len == 0 || len > 8)
            return false;
        for (size_t k = 0; k < len; k++) {
            char c = tag[i + k];
            if (sub == 0 ? !is_alpha(c) : !is_alnum(c))
                return false;
            /* canonical case: region (2 letters) upper, script (4 letters) title */
            if (sub > 0 && len == 2 && is_alpha(tag[i]) && is_alpha(tag[i + 1]))
                out[i + k] = upper(c);
            else if (sub > 0 && len == 4 && is_alpha(tag[i]))
                out[i + k] = k == 0 ? upper(c) : lower(c);
            else
                out[i + k] = lower(c);
        }
        if (sub == 0) {
            if (len < 2 || len > 3)
                return false;
            if (len == 2) {
                bool known = false;
                for (size_t j = 0; j < iso639_1_count && !known; j++)
                    known = out[0] == iso639_1_codes[j][0] && out[1] == iso639_1_codes[j][1];
                if (!known)
                    return false;
            }
        }
        i += len;
        if (i < n) {
            if (i + 1 == n)
                return false; /* trailing '-' */
            out[i++] = '-';
        }
        sub++;
    }
    out[n] = '\0';
    return true;
}
