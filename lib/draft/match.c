/* match — scoring an announcement against a draft (see match.h). */
#include "match.h"

#include "date.h"
#include "utext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool match_same_amount(const struct match_amount *a, const struct match_amount *b)
{
    if (strcmp(a->currency, b->currency) != 0)
        return false;
    uint64_t hi = a->minor > b->minor ? a->minor : b->minor;
    uint64_t lo = a->minor > b->minor ? b->minor : a->minor;
    return (unsigned __int128)(hi - lo) * 20 <= hi; /* within 5% of the larger */
}

/* A title's words as 64-bit hashes of their folded code points, into a
 * new sorted array without repeats; returns how many. */
static size_t title_words(const char *s, uint64_t **out)
{
    *out = NULL;
    struct utext t;
    if (!s || !utext_from_utf8(&t, s, strlen(s)))
        return 0;
    uint64_t *w = malloc((t.n + 1) * sizeof *w);
    size_t n = 0;
    for (size_t i = 0; w && i < t.n; i++) {
        uint64_t h = 1469598103934665603ULL;
        if (ut_is_wordchar(t.norm[i]) && ut_word_start(&t, i)) {
            size_t e = i;
            while (e < t.n && ut_is_wordchar(t.norm[e]))
                h = (h ^ t.norm[e++]) * 1099511628211ULL;
            if (e - i >= 3)
                w[n++] = h;
        } else if (ut_is_cjk(t.norm[i]) && i + 1 < t.n && ut_is_cjk(t.norm[i + 1])) {
            h = ((h ^ t.norm[i]) * 1099511628211ULL ^ t.norm[i + 1]) * 1099511628211ULL;
            w[n++] = h;
        }
    }
    utext_free(&t);
    if (!w)
        return 0;
    for (size_t i = 1; i < n; i++) /* insertion sort: titles are short */
        for (size_t j = i; j > 0 && w[j - 1] > w[j]; j--) {
            uint64_t x = w[j];
            w[j] = w[j - 1];
            w[j - 1] = x;
        }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || w[k - 1] != w[i])
            w[k++] = w[i];
    *out = w;
    return k;
}

double match_title_similarity(const char *a, const char *b)
{
    uint64_t *x, *y;
    size_t nx = title_words(a, &x), ny = title_words(b, &y);
    size_t common = 0, i = 0, j = 0;
    while (i < nx && j < ny) {
        if (x[i] == y[j])
            common++, i++, j++;
        else if (x[i] < y[j])
            i++;
        else
            j++;
    }
    free(x);
    free(y);
    size_t all = nx + ny - common;
    return all ? (double)common / (double)all : 0.0;
}

double match_score(const struct match_side *d, const struct match_side *c, json_t *reasons)
{
    for (size_t i = 0; i < d->n_urls; i++)
        for (size_t j = 0; j < c->n_urls; j++)
            if (strcmp(d->urls[i], c->urls[j]) == 0) {
                json_array_append_new(reasons, json_string("already a source"));
                return 1.0;
            }
    double score = 0;
    bool company = false, amount = false, people = false, country = false;
    for (size_t i = 0; i < d->n_companies && !company; i++)
        for (size_t j = 0; j < c->n_companies && !company; j++)
            company = strcmp(d->companies[i], c->companies[j]) == 0;
    for (size_t i = 0; i < d->n_amounts && !amount; i++)
        for (size_t j = 0; j < c->n_amounts && !amount; j++)
            amount = match_same_amount(&d->amounts[i], &c->amounts[j]);
    for (size_t i = 0; i < d->n_people && !people; i++)
        for (size_t j = 0; j < c->n_people && !people; j++)
            people = d->people[i] == c->people[j];
    for (size_t i = 0; i < d->n_countries && !country; i++)
        for (size_t j = 0; j < c->n_countries && !country; j++)
            country = strcmp(d->countries[i], c->countries[j]) == 0;
    if (company)
        score += 0.30, json_array_append_new(reasons, json_string("same company"));
    if (amount)
        score += 0.25, json_array_append_new(reasons, json_string("same amount"));
    if (people)
        score += 0.10, json_array_append_new(reasons, json_string("same people count"));
    if (country)
        score += 0.15, json_array_append_new(reasons, json_string("same country"));
    int y1, m1, d1, y2, m2, d2;
    if (d->announced_on && c->announced_on && date_parse(d->announced_on, &y1, &m1, &d1) &&
        date_parse(c->announced_on, &y2, &m2, &d2)) {
        int64_t apart = date_to_days(y1, m1, d1) - date_to_days(y2, m2, d2);
        if (apart < 0)
            apart = -apart;
        if (apart <= 30) {
            score += 0.10 * (1.0 - (double)apart / 31.0);
            json_array_append_new(reasons, json_sprintf("dates %lld day%s apart", (long long)apart,
                                                        apart == 1 ? "" : "s"));
        }
    }
    double similar = match_title_similarity(d->title, c->title);
    if (similar > 0) {
        score += 0.10 * similar;
        json_array_append_new(reasons, json_sprintf("title similarity %.2f", similar));
    }
    return score > 1 ? 1 : score;
}
