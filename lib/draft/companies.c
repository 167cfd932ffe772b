/* companies — matching known company names in text (see companies.h). */
#include "companies.h"

#include "slug.h"

#include <stdlib.h>
#include <string.h>

uint32_t ut_base(uint32_t c)
{
    /* slug.c's spelling of Latin letters, where it is one letter ("é" is
     * "e"; "æ", "ß" and "þ" stay themselves, one code point for one). */
    const char *ascii = latin_ascii(c);
    return ascii && ascii[0] && !ascii[1] ? (uint32_t)(unsigned char)ascii[0] : c;
}

bool company_names_add(struct company_names *list, const char *name, int company)
{
    struct utext t;
    if (!utext_from_utf8(&t, name, strlen(name)))
        return false;
    /* Trim spaces at both ends; keep the inner ones as one space. */
    size_t a = 0, b = t.n;
    while (a < b && t.norm[a] == ' ')
        a++;
    while (b > a && t.norm[b - 1] == ' ')
        b--;
    if (a == b) {
        utext_free(&t);
        return false;
    }
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 32;
        struct company_name *v = realloc(list->v, cap * sizeof *v);
        if (!v) {
            utext_free(&t);
            return false;
        }
        list->v = v;
        list->cap = cap;
    }
    uint32_t *text = malloc((b - a) * sizeof *text);
    if (!text) {
        utext_free(&t);
        return false;
    }
    size_t len = 0;
    for (size_t k = a; k < b; k++)
        if (!(t.norm[k] == ' ' && len && text[len - 1] == ' '))
            text[len++] = ut_base(t.norm[k]);
    utext_free(&t);
    list->v[list->n++] = (struct company_name){text, len, company};
    list->sorted = false;
    return true;
}

void company_names_free(struct company_names *list)
{
    for (size_t k = 0; k < list->n; k++)
        free(list->v[k].text);
    free(list->v);
    memset(list, 0, sizeof *list);
}

/* Names sort by their first two code points (a name of one has 0 for the
 * second), then longest first: the names that can start at a place are one
 * run, found by binary search, even when a thousand begin with "Company". */
static uint64_t key_of(const struct company_name *c)
{
    return (uint64_t)c->text[0] << 32 | (c->len > 1 ? c->text[1] : 0);
}

static int by_key_then_longest(const void *pa, const void *pb)
{
    const struct company_name *a = pa, *b = pb;
    uint64_t x = key_of(a), y = key_of(b);
    if (x != y)
        return x < y ? -1 : 1;
    if (a->len != b->len)
        return a->len > b->len ? -1 : 1;
    return 0;
}

/* The first name whose key is at least `key`. */
static size_t lower_bound(const struct company_names *list, uint64_t key)
{
    size_t lo = 0, hi = list->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key_of(&list->v[mid]) < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t match_name(const struct utext *t, size_t i, const struct company_name *c)
{
    size_t k = i;
    for (size_t j = 0; j < c->len; j++) {
        if (c->text[j] == ' ') {
            if (ut_at(t, k) != ' ')
                return 0;
            k = ut_skip_spaces(t, k);
            continue;
        }
        if (k >= t->n || ut_base(t->norm[k]) != c->text[j])
            return 0;
        k++;
    }
    if (ut_is_wordchar(c->text[c->len - 1]) && ut_is_wordchar(ut_at(t, k)))
        return 0;
    return k;
}

bool company_read(const struct utext *t, size_t i, struct company_names *list, struct mention *m)
{
    if (!list || list->n == 0 || i >= t->n)
        return false;
    if (!list->sorted) {
        qsort(list->v, list->n, sizeof *list->v, by_key_then_longest);
        list->sorted = true;
    }
    uint64_t first = (uint64_t)ut_base(t->norm[i]) << 32;
    uint64_t keys[2] = {first | (i + 1 < t->n ? ut_base(t->norm[i + 1]) : 0), first};
    size_t best_end = 0;
    int best = -1;
    for (int w = 0; w < 2 && !(w == 1 && keys[0] == keys[1]); w++) {
        for (size_t k = lower_bound(list, keys[w]); k < list->n && key_of(&list->v[k]) == keys[w]; k++) {
            size_t e = match_name(t, i, &list->v[k]);
            if (e > best_end) { /* longest first within a run: the first match of a run is its best */
                best_end = e;
                best = list->v[k].company;
                break;
            }
        }
    }
    if (best < 0)
        return false;
    memset(m, 0, sizeof *m);
    m->type = MENTION_COMPANY;
    m->start = i;
    m->end = best_end;
    m->company = best;
    return true;
}
