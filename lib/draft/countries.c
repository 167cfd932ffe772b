/* countries — matching the generated table of names (see countries.h):
 * a binary search finds the names that begin with the folded code point
 * at i, and they are tried longest first. */
#include "countries.h"

#include <string.h>

static bool is_katakana(uint32_t c)
{
    return (c >= 0x30A0 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF);
}

/* A name as written, case included, at i; returns its end or 0. */
static size_t match_exact(const struct utext *t, size_t i, const char *text)
{
    size_t k = i;
    while (*text) {
        uint32_t want = ut_decode(&text);
        if (k >= t->n || t->cp[k] != want)
            return 0;
        k++;
    }
    if (ut_is_wordchar(ut_at(t, k)) || (t->cp[k - 1] != '.' && ut_at(t, k) == '.' &&
                                        ut_is_wordchar(ut_at(t, k + 1))))
        return 0;
    return k;
}

static size_t match_one(const struct utext *t, size_t i, const struct country_name *c)
{
    if (c->flags & COUNTRY_EXACT)
        return match_exact(t, i, c->text);
    size_t e = ut_match(t, i, c->text);
    if (!e)
        return 0;
    if ((c->flags & COUNTRY_CAPITAL) && t->cp[i] == t->norm[i])
        return 0; /* not written with a capital */
    if (c->flags & COUNTRY_CJK) {
        if (is_katakana(t->norm[i]) && i > 0 && is_katakana(t->norm[i - 1]))
            return 0;
        if (is_katakana(t->norm[e - 1]) && is_katakana(ut_at(t, e)))
            return 0;
    }
    return e;
}

bool country_read(const struct utext *t, size_t i, struct mention *m)
{
    if (i >= t->n)
        return false;
    uint32_t first = t->norm[i];
    size_t lo = 0, hi = country_names_count;
    while (lo < hi) { /* the first entry whose key is >= first */
        size_t mid = lo + (hi - lo) / 2;
        if (country_names[mid].first < first)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k < country_names_count && country_names[k].first == first; k++) {
        size_t e = match_one(t, i, &country_names[k]);
        if (e) {
            memset(m, 0, sizeof *m);
            m->type = MENTION_COUNTRY;
            m->start = i;
            m->end = e;
            memcpy(m->code, country_names[k].code, 3);
            return true;
        }
    }
    return false;
}
