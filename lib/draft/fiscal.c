/* fiscal — fiscal years and their countries' conventions (see fiscal.h). */
#include "fiscal.h"

#include "date.h"

#include <stdio.h>
#include <string.h>

bool fiscal_dates(const char *country, int year, int year2, char starts_on[11], char ends_on[11])
{
    if (!country)
        return false;
    int start_year, start_month, end_month;
    if (strcmp(country, "JP") == 0 || strcmp(country, "IN") == 0) {
        start_month = 4, end_month = 3;
        /* Japan names a year by its start, India by its end; "2024-25" is
         * explicit in both. */
        start_year = year2 ? year : strcmp(country, "JP") == 0 ? year : year - 1;
    } else if (strcmp(country, "US") == 0) {
        start_month = 10, end_month = 9;
        start_year = year2 ? year : year - 1;
    } else {
        return false;
    }
    static const int last_day[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    date_format(start_year, start_month, 1, starts_on);
    date_format(start_year + 1, end_month, last_day[end_month], ends_on);
    return true;
}

/* Digits at k: 4 of a year 1990-2100, or 2 (FY24 is 2024). */
static size_t read_label(const struct utext *t, size_t k, int *year)
{
    int count;
    size_t e = ut_digits(t, k, 4, year, &count);
    if (!e || ut_is_wordchar(ut_at(t, e)) || (count != 2 && count != 4))
        return 0;
    if (count == 2)
        *year += 2000;
    return *year >= 1990 && *year <= 2100 ? e : 0;
}

/* "-25" or "/25" or "-2025" after a label: the second year, when it is the next. */
static size_t read_second(const struct utext *t, size_t e, int year, int *year2)
{
    if (ut_at(t, e) != '-' && ut_at(t, e) != '/')
        return e;
    int y;
    size_t f = read_label(t, e + 1, &y);
    if (!f || y != year + 1)
        return e;
    *year2 = y;
    return f;
}

bool fiscal_read(const struct utext *t, size_t i, enum draft_lang lang, const char *country,
                 struct mention *m)
{
    int year = 0, year2 = 0;
    size_t end = 0;
    if (lang == LANG_JA) {
        if (i > 0 && ut_is_digit(ut_at(t, i - 1)))
            return false;
        size_t e = read_label(t, i, &year); /* 年 is no word character */
        if (!e)
            return false;
        static const char *const trail[] = {"会計年度", "年度", NULL};
        end = ut_match_any(t, e, trail, NULL);
    } else {
        if (!ut_word_start(t, i))
            return false;
        static const char *const lead_en[] = {"fiscal year ", "fiscal ", "fy ", "fy", NULL};
        static const char *const lead_fr[] = {"exercice fiscal ", "exercice ", "année fiscale ",
                                              "annee fiscale ", NULL};
        size_t k = 0;
        const char *const *lead = lang == LANG_FR ? lead_fr : lead_en;
        for (int w = 0; lead[w] && !k; w++)
            k = ut_match_at(t, i, lead[w], false);
        if (!k)
            return false;
        end = read_label(t, k, &year);
        if (end)
            end = read_second(t, end, year, &year2);
    }
    if (!end)
        return false;
    memset(m, 0, sizeof *m);
    m->type = MENTION_FISCAL_YEAR;
    m->start = i;
    m->end = end;
    m->year = year;
    m->year2 = year2;
    if (!fiscal_dates(country, year, year2, m->starts_on, m->ends_on))
        m->starts_on[0] = m->ends_on[0] = '\0';
    return true;
}
