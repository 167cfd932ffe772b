/* duration — lengths of time and deadlines (see duration.h). */
#include "duration.h"

#include "date.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct unit {
    const char *text;
    int months; /* per one */
};

static const struct unit units_en[] = {
    {"years", 12}, {"year", 12}, {"months", 1}, {"month", 1}, {"decades", 120}, {"decade", 120},
    {NULL, 0},
};
static const struct unit units_fr[] = {
    {"années", 12}, {"annees", 12}, {"année", 12}, {"annee", 12}, {"ans", 12}, {"an", 12},
    {"mois", 1}, {NULL, 0},
};
static const struct unit units_ja[] = {
    {"年間", 12}, {"か月間", 1}, {"カ月間", 1}, {"ヶ月間", 1}, {"ケ月間", 1}, {"ヵ月間", 1},
    {"か月", 1}, {"カ月", 1}, {"ヶ月", 1}, {"ケ月", 1}, {"ヵ月", 1}, {NULL, 0},
};

static size_t match_unit(const struct utext *t, size_t k, const struct unit *list, int *months)
{
    for (const struct unit *u = list; u->text; u++) {
        size_t e = ut_match(t, k, u->text);
        if (e) {
            *months = u->months;
            return e;
        }
    }
    return 0;
}

bool duration_read(const struct utext *t, const struct dnum *d, enum draft_lang lang, struct mention *m)
{
    int64_t n;
    if (!dnum_integer(d, &n) || n < 1 || n > 600 || d->scaled)
        return false;
    int per = 0;
    size_t end = 0;
    if (lang == LANG_JA) {
        end = match_unit(t, d->end, units_ja, &per);
    } else if (lang == LANG_EN) {
        /* "two years", and "three-year" used as an adjective */
        size_t k = ut_at(t, d->end) == '-' ? d->end + 1 : ut_skip_spaces(t, d->end);
        if (k == d->end)
            return false;
        end = match_unit(t, k, units_en, &per);
        if (end) {
            size_t a = ut_skip_spaces(t, end);
            if (ut_match(t, a, "ago") || ut_match(t, a, "old") || ut_match(t, end, "-old") ||
                ut_match(t, a, "of age") || ut_match_before(t, d->start, "aged") != SIZE_MAX)
                return false;
        }
    } else {
        size_t k = ut_skip_spaces(t, d->end);
        if (k == d->end)
            return false;
        static const char *const between[] = {"prochaines", "prochains", "dernières", "derniers",
                                              "premières", "premiers", NULL};
        size_t b = ut_match_any(t, k, between, NULL);
        if (b)
            k = ut_skip_spaces(t, b);
        end = match_unit(t, k, units_fr, &per);
        /* "il y a 46 ans" is a date in the past, "a 65 ans", "âgés de 65 ans" an age */
        static const char *const before_age[] = {"il y a", "a", "âgé de", "âgée de", "âgés de",
                                                 "âgées de", "de plus de", "de moins de", NULL};
        for (int w = 0; end && before_age[w]; w++)
            if (ut_match_before(t, d->start, before_age[w]) != SIZE_MAX)
                return false;
        if (end && (ut_match(t, ut_skip_spaces(t, end), "plus tôt") ||
                    ut_match(t, ut_skip_spaces(t, end), "auparavant")))
            return false;
    }
    if (!end || n * per > 600)
        return false;
    memset(m, 0, sizeof *m);
    m->type = MENTION_DURATION;
    m->start = d->start;
    m->end = end;
    m->months = (int)(n * per);
    return true;
}

/* A plain year from 2000 to 2100 at k: its value and end, or 0. */
static size_t read_year(const struct utext *t, size_t k, int *year)
{
    int count;
    size_t e = ut_digits(t, k, 4, year, &count);
    return e && count == 4 && *year >= 2000 && *year <= 2100 ? e : 0;
}

bool deadline_read(const struct utext *t, size_t i, enum draft_lang lang, struct mention *m)
{
    static const char *const lead_en[] = {"by the end of ", "by end-",
                                          "by ", NULL};
    static const char *const lead_fr[] = {"d'ici la fin de ", "d'ici à la fin de ", "d'ici fin ",
                                          "d'ici à ", "d'ici a ", "d'ici ", "à l'horizon ", NULL};
    int year = 0;
    size_t end = 0;
    if (lang == LANG_JA) {
        size_t e = read_year(t, i, &year);
        if (!e || !(i == 0 || !ut_is_digit(ut_at(t, i - 1))))
            return false;
        static const char *const trail[] = {"年末までに", "年までに", "年度末までに", "年まで", NULL};
        end = ut_match_any(t, e, trail, NULL);
    } else {
        if (!ut_word_start(t, i))
            return false;
        size_t k = ut_match_any(t, i, lang == LANG_FR ? lead_fr : lead_en, NULL);
        if (!k)
            return false;
        end = read_year(t, k, &year);
        if (end && ut_is_wordchar(ut_at(t, end)))
            end = 0;
    }
    if (!end)
        return false;
    memset(m, 0, sizeof *m);
    m->type = MENTION_DURATION;
    m->start = i;
    m->end = end;
    date_format(year, 12, 31, m->ends_on);
    return true;
}
