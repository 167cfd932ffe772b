/* slug — validation and derivation of company slugs (see slug.h).
 *
 * Derivation transliterates the Latin-1 Supplement and the common letters of
 * Latin Extended-A, which covers the company names of the languages the
 * service sees (French, German, Nordic, Spanish, Turkish, Polish...). Other
 * scripts are dropped; when nothing usable remains the caller asks the
 * client for an explicit slug instead of guessing. */
#include "slug.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

bool slug_is_valid(const char *s)
{
    if (!(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    size_t n = 1;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
        if (n >= SLUG_MAX)
            return false;
    }
    return true;
}

/* ASCII spelling of U+00C0..U+00FF; "" for signs that are not letters. */
static const char *const latin1[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y",
};

/* ASCII spelling of a code point in U+0100..U+017F (Latin Extended-A). */
static const char *latin_ext_a(uint32_t cp)
{
    static const char base[] =
        "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll"
        "lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
    size_t i = cp - 0x100;
    if (cp == 0x132 || cp == 0x133)
        return "ij";
    if (cp == 0x152 || cp == 0x153)
        return "oe";
    if (i >= sizeof base - 1)
        return "";
    static const char *const one[26] = {"a", "b", "c", "d", "e", "f", "g", "h", "i",
                                        "j", "k", "l", "m", "n", "o", "p", "q", "r",
                                        "s", "t", "u", "v", "w", "x", "y", "z"};
    return one[base[i] - 'a'];
}

const char *latin_ascii(uint32_t cp)
{
    if (cp >= 0xC0 && cp < 0x100)
        return latin1[cp - 0xC0];
    if (cp >= 0x100 && cp < 0x180)
        return latin_ext_a(cp);
    return NULL;
}

bool slug_from_name(const char *name, char out[SLUG_MAX + 1])
{
    size_t n = 0;
    bool pending_dash = false;
    const unsigned char *p = (const unsigned char *)name;
    while (*p) {
        const char *piece;
        char ascii[2] = {0, 0};
        uint32_t cp = *p;
        size_t len = 1;
        if (cp >= 0xC0 && cp < 0xE0 && (p[1] & 0xC0) == 0x80) {
            cp = ((cp & 0x1Fu) << 6) | (p[1] & 0x3Fu);
            len = 2;
        } else if (cp >= 0x80) { /* other scripts and symbols: a separator */
            len = 1;
            while ((p[len] & 0xC0) == 0x80)
                len++;
            cp = 0x20;
        }
        if (cp < 0x80) {
            char c = (char)cp;
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                ascii[0] = c;
                piece = ascii;
            } else if (c == '\'') { /* "McDonald's" -> "mcdonalds" */
                piece = "";
            } else if (c == '&') {
                piece = "-and-";
            } else {
                piece = "-";
            }
        } else if (cp >= 0xC0 && cp <= 0xFF) {
            piece = latin1[cp - 0xC0];
            if (!*piece)
                piece = "-";
        } else if (cp >= 0x100 && cp <= 0x17F) {
            piece = latin_ext_a(cp);
        } else {
            piece = "-";
        }
        for (const char *q = piece; *q; q++) {
            if (*q == '-') {
                pending_dash = n > 0;
                continue;
            }
            if (pending_dash) {
                if (n + 1 >= SLUG_MAX)
                    goto done;
                out[n++] = '-';
                pending_dash = false;
            }
            if (n >= SLUG_MAX)
                goto done;
            out[n++] = *q;
        }
        p += len;
    }
done:
    while (n > 0 && out[n - 1] == '-')
        n--;
    out[n] = '\0';
    return slug_is_valid(out);
}
