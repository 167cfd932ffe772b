/* utext — decoding an article into code points and a folded copy, and the
 * small matching helpers every recogniser uses (see utext.h). */
#include "utext.h"

#include "buf.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

static uint32_t fold(uint32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c >= 0xFF01 && c <= 0xFF5E) /* full-width ASCII */
        return fold(c - 0xFEE0);
    if (c == 0xFFE0 || c == 0xFFE1 || c == 0xFFE5) /* full-width ¢ £ ¥ */
        return c == 0xFFE0 ? 0xA2 : c == 0xFFE1 ? 0xA3 : 0xA5;
    if (c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x85 ||
        c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
        c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000)
        return ' ';
    if (c == 0x2018 || c == 0x2019 || c == 0x201B || c == 0x2032 || c == 0x02BC)
        return '\'';
    if (c == 0x2010 || c == 0x2011 || c == 0x2012 || c == 0x2013 || c == 0x2014 ||
        c == 0x2212 || c == 0xFE63)
        return '-';
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) /* Latin-1 capitals */
        return c + 32;
    if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x138 && c != 0x149 && c != 0x178 &&
        c != 0x17F) {
        /* Latin Extended-A pairs capital/small alternately; the run from
         * U+0139 to U+0148 and from U+0179 to U+017E is shifted by one. */
        bool odd_capitals = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
        if (odd_capitals ? (c & 1) : !(c & 1))
            return c + 1;
    }
    return c;
}

uint32_t ut_decode(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t c = p[0];
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (n == 2)
        c &= 0x1F;
    else if (n == 3)
        c &= 0x0F;
    else if (n == 4)
        c &= 0x07;
    for (int k = 1; k < n; k++)
        c = (c << 6) | (p[k] & 0x3F);
    *s += n;
    return c;
}

bool utext_from_utf8(struct utext *t, const char *s, size_t len)
{
    memset(t, 0, sizeof *t);
    /* At most one code point per byte; one allocation holds both arrays. */
    uint32_t *mem = malloc((len ? len : 1) * 2 * sizeof *mem);
    if (!mem)
        return false;
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t k = utf8_decode_n(p + i, len - i, &c);
        if (k == 0 || c == 0) {
            free(mem);
            return false;
        }
        mem[n++] = c;
        i += k;
    }
    t->cp = mem;
    t->norm = mem + (len ? len : 1);
    t->n = n;
    for (size_t i = 0; i < n; i++)
        t->norm[i] = fold(mem[i]);
    return true;
}

void utext_free(struct utext *t)
{
    free(t->cp); /* norm lives in the same block */
    memset(t, 0, sizeof *t);
}

bool utext_append(const struct utext *t, size_t start, size_t end, struct buf *b)
{
    for (size_t i = start; i < end && i < t->n; i++) {
        uint32_t c = t->cp[i];
        char u[4];
        size_t k;
        if (c < 0x80)
            u[0] = (char)c, k = 1;
        else if (c < 0x800)
            u[0] = (char)(0xC0 | (c >> 6)), u[1] = (char)(0x80 | (c & 0x3F)), k = 2;
        else if (c < 0x10000)
            u[0] = (char)(0xE0 | (c >> 12)), u[1] = (char)(0x80 | ((c >> 6) & 0x3F)),
            u[2] = (char)(0x80 | (c & 0x3F)), k = 3;
        else
            u[0] = (char)(0xF0 | (c >> 18)), u[1] = (char)(0x80 | ((c >> 12) & 0x3F)),
            u[2] = (char)(0x80 | ((c >> 6) & 0x3F)), u[3] = (char)(0x80 | (c & 0x3F)), k = 4;
        if (!buf_append(b, u, k))
            return false;
    }
    return true;
}

bool ut_is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

bool ut_is_cjk(uint32_t c)
{
    return (c >= 0x3000 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFF61 && c <= 0xFF9F);
}

bool ut_is_wordchar(uint32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || ut_is_digit(c);
    if (c == 0xD7 || c == 0xF7)
        return false;
    return (c >= 0xC0 && c <= 0x24F) ||   /* Latin-1 letters, Latin Extended-A and B */
           (c >= 0x370 && c <= 0x52F) ||  /* Greek, Cyrillic */
           (c >= 0x1E00 && c <= 0x1EFF);  /* Latin Extended Additional */
}

bool ut_word_start(const struct utext *t, size_t i)
{
    return i == 0 || !ut_is_wordchar(t->norm[i - 1]);
}

size_t ut_skip_spaces(const struct utext *t, size_t i)
{
    while (i < t->n && t->norm[i] == ' ')
        i++;
    return i;
}

size_t ut_match_at(const struct utext *t, size_t i, const char *pattern, bool boundary)
{
    uint32_t last = 0;
    while (*pattern) {
        uint32_t want = ut_decode(&pattern);
        if (want == ' ') {
            if (ut_at(t, i) != ' ')
                return 0;
            i = ut_skip_spaces(t, i);
        } else {
            if (ut_at(t, i) != want)
                return 0;
            i++;
        }
        last = want;
    }
    if (boundary && ut_is_wordchar(last) && ut_is_wordchar(ut_at(t, i)))
        return 0;
    return i;
}

size_t ut_match(const struct utext *t, size_t i, const char *pattern)
{
    return ut_match_at(t, i, pattern, true);
}

size_t ut_match_any(const struct utext *t, size_t i, const char *const *patterns, int *which)
{
    for (int k = 0; patterns[k]; k++) {
        size_t end = ut_match(t, i, patterns[k]);
        if (end) {
            if (which)
                *which = k;
            return end;
        }
    }
    return 0;
}

size_t ut_match_before(const struct utext *t, size_t i, const char *pattern)
{
    size_t edge = i;
    while (edge > 0 && t->norm[edge - 1] == ' ')
        edge--;
    size_t len = utf8_length(pattern);
    if (len > edge)
        return SIZE_MAX;
    size_t start = edge - len;
    if (ut_match_at(t, start, pattern, false) != edge || !ut_word_start(t, start))
        return SIZE_MAX;
    return start;
}

size_t ut_digits(const struct utext *t, size_t k, int max, int *value, int *count)
{
    int v = 0, n = 0;
    size_t e = k;
    while (ut_is_digit(ut_at(t, e))) {
        if (++n > max)
            return 0;
        v = v * 10 + (int)(ut_at(t, e++) - '0');
    }
    if (n == 0)
        return 0;
    *value = v;
    *count = n;
    return e;
}

size_t ut_skip_de(const struct utext *t, size_t k)
{
    size_t de = ut_match(t, k, "de");
    if (de && ut_at(t, de) == ' ')
        return ut_skip_spaces(t, de);
    de = ut_match_at(t, k, "d'", false);
    return de ? de : k;
}
