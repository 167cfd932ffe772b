/* sentences — sentence boundaries (see sentences.h). */
#include "sentences.h"

#include <stdint.h>
#include <stdlib.h>

static bool is_closer(uint32_t c)
{
    return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0x201D || c == 0x2019 ||
           c == 0xBB || c == 0x300D || c == 0x300F || c == 0xFF09;
}

/* The word before the full stop at dot, folded: an abbreviation? */
static bool abbreviation_before(const struct utext *t, size_t dot)
{
    static const char *const words[] = {
        "u.s", "u.k", "u.n", "e.u", "inc", "corp", "co", "ltd", "plc", "llc", "no", "nos", "mr",
        "mrs", "ms", "dr", "st", "jr", "sr", "vs", "e.g", "i.e", "approx", "est", "dept", "gov",
        "prof", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
        "nov", "dec", "mt", "ft", "av", "bros", "cie", "mme", "mlle", "m", "env", NULL,
    };
    size_t a = dot;
    while (a > 0 && (ut_is_wordchar(t->norm[a - 1]) || t->norm[a - 1] == '.'))
        a--;
    if (a == dot)
        return false;
    /* A single capital letter: an initial. */
    if (dot - a == 1 && t->cp[a] >= 'A' && t->cp[a] <= 'Z')
        return true;
    for (int k = 0; words[k]; k++)
        if (ut_match_at(t, a, words[k], false) == dot)
            return true;
    return false;
}

static bool lower_start(const struct utext *t, size_t k)
{
    uint32_t c = t->cp[k];
    return (c >= 'a' && c <= 'z') || (c >= 0xDF && c <= 0xFF && c != 0xF7);
}

size_t sentences_split(const struct utext *t, struct span **out)
{
    size_t n = 0, cap = 16;
    struct span *v = malloc(cap * sizeof *v);
    if (!v)
        return SIZE_MAX;
    size_t start = 0;
    for (size_t i = 0; i <= t->n; i++) {
        size_t end = SIZE_MAX; /* where the sentence ends, exclusive; next starts after */
        size_t next = i + 1;
        if (i == t->n || t->cp[i] == '\n' || t->cp[i] == '\r' || t->cp[i] == 0x2029) {
            end = i;
        } else {
            uint32_t c = t->norm[i];
            bool cjk_stop = c == 0x3002 || t->cp[i] == 0xFF01 || t->cp[i] == 0xFF1F;
            if (cjk_stop || c == '.' || c == '!' || c == '?') {
                size_t k = i + 1;
                while (k < t->n && is_closer(t->norm[k]))
                    k++;
                if (cjk_stop) {
                    end = k;
                    next = k;
                } else if (k == t->n || t->norm[k] == ' ') {
                    size_t w = ut_skip_spaces(t, k);
                    bool ends = w >= t->n || t->cp[k] == '\n' || !lower_start(t, w);
                    if (ends && c == '.' && abbreviation_before(t, i))
                        ends = w < t->n && t->cp[k] == '\n';
                    if (ends) {
                        end = k;
                        next = k;
                    }
                }
            }
        }
        if (end == SIZE_MAX)
            continue;
        size_t a = start, b = end;
        while (a < b && t->norm[a] == ' ')
            a++;
        while (b > a && t->norm[b - 1] == ' ')
            b--;
        if (a < b) {
            if (n == cap) {
                struct span *w = realloc(v, (cap *= 2) * sizeof *v);
                if (!w) {
                    free(v);
                    return SIZE_MAX;
                }
                v = w;
            }
            v[n++] = (struct span){a, b};
        }
        start = next;
        i = next - 1;
    }
    *out = v;
    return n;
}

size_t sentence_of(const struct span *s, size_t n, size_t i)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid].end <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && s[lo].start <= i ? lo : SIZE_MAX;
}

bool sentence_is_headline(const struct utext *t, struct span s)
{
    size_t e = s.end;
    while (e > s.start + 1 && is_closer(t->norm[e - 1]))
        e--;
    uint32_t last = t->norm[e - 1];
    return !(last == '.' || last == '!' || last == '?' || last == 0x3002 || t->cp[e - 1] == 0xFF01 ||
             t->cp[e - 1] == 0xFF1F);
}
