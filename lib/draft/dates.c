/* dates — absolute and relative dates in article text (see dates.h).
 * Month and weekday names are tables per language; a date is checked
 * against the calendar (lib/date.c) before it becomes a mention. */
#include "dates.h"

#include "date.h"

#include <stdio.h>
#include <string.h>

struct name {
    const char *text;
    int value; /* month 1-12, or weekday 0-6 from Monday */
};

static const struct name months_en[] = {
    {"january", 1}, {"february", 2}, {"march", 3}, {"april", 4}, {"may", 5}, {"june", 6},
    {"july", 7}, {"august", 8}, {"september", 9}, {"october", 10}, {"november", 11},
    {"december", 12}, {"jan.", 1}, {"feb.", 2}, {"mar.", 3}, {"apr.", 4}, {"jun.", 6},
    {"jul.", 7}, {"aug.", 8}, {"sept.", 9}, {"sep.", 9}, {"oct.", 10}, {"nov.", 11},
    {"dec.", 12}, {"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4}, {"jun", 6}, {"jul", 7},
    {"aug", 8}, {"sept", 9}, {"sep", 9}, {"oct", 10}, {"nov", 11}, {"dec", 12}, {NULL, 0},
};
static const struct name months_fr[] = {
    {"janvier", 1}, {"février", 2}, {"fevrier", 2}, {"mars", 3}, {"avril", 4}, {"mai", 5},
    {"juin", 6}, {"juillet", 7}, {"août", 8}, {"aout", 8}, {"septembre", 9}, {"octobre", 10},
    {"novembre", 11}, {"décembre", 12}, {"decembre", 12}, {NULL, 0},
};
static const struct name weekdays_en[] = {
    {"monday", 0}, {"tuesday", 1}, {"wednesday", 2}, {"thursday", 3}, {"friday", 4},
    {"saturday", 5}, {"sunday", 6}, {NULL, 0},
};
static const struct name weekdays_fr[] = {
    {"lundi", 0}, {"mardi", 1}, {"mercredi", 2}, {"jeudi", 3}, {"vendredi", 4},
    {"samedi", 5}, {"dimanche", 6}, {NULL, 0},
};
static const struct name weekdays_ja[] = {
    {"月曜日", 0}, {"火曜日", 1}, {"水曜日", 2}, {"木曜日", 3}, {"金曜日", 4},
    {"土曜日", 5}, {"日曜日", 6}, {NULL, 0},
};

static size_t match_name(const struct utext *t, size_t i, const struct name *list, int *value)
{
    for (const struct name *n = list; n->text; n++) {
        size_t e = ut_match(t, i, n->text);
        if (e) {
            *value = n->value;
            return e;
        }
    }
    return 0;
}

static bool capitalised(const struct utext *t, size_t i)
{
    return t->cp[i] >= 'A' && t->cp[i] <= 'Z';
}

static bool set_date(struct mention *m, size_t start, size_t end, int y, int mo, int d,
                     enum date_precision p)
{
    char text[DATE_TEXT];
    int yy, mm, dd;
    if (y < 1970 || y > 2100)
        return false;
    date_format(y, mo, p == PRECISION_DAY ? d : 1, text);
    if (!date_parse(text, &yy, &mm, &dd))
        return false;
    memset(m, 0, sizeof *m);
    m->type = MENTION_DATE;
    m->start = start;
    m->end = end;
    memcpy(m->date, text, DATE_TEXT);
    m->precision = p;
    return true;
}

/* The year of a month and day given without one: the latest on or before
 * publication. */
static int year_for(const struct draft_day *pub, int month, int day)
{
    if (month > pub->month || (month == pub->month && day > pub->day))
        return pub->year - 1;
    return pub->year;
}

/* 1 to 31 at k, with an English ordinal suffix or the French "1er". */
static size_t read_day(const struct utext *t, size_t k, int *day)
{
    int count;
    size_t e = ut_digits(t, k, 2, day, &count);
    if (!e || *day < 1 || *day > 31)
        return 0;
    static const char *const suffixes[] = {"st", "nd", "rd", "th", "er", NULL};
    size_t s = ut_match_any(t, e, suffixes, NULL);
    if (s)
        return s;
    return ut_is_wordchar(ut_at(t, e)) ? 0 : e;
}

/* ", 2024" or " 2024" after k: the year, or 0. */
static size_t read_year_after(const struct utext *t, size_t k, int *year)
{
    size_t j = k;
    if (ut_at(t, j) == ',')
        j++;
    size_t y = ut_skip_spaces(t, j);
    if (y == k)
        return 0;
    int count;
    size_t e = ut_digits(t, y, 4, year, &count);
    if (!e || count != 4 || ut_is_wordchar(ut_at(t, e)))
        return 0;
    return e;
}

static void relative_day(const struct draft_day *pub, int back, int *y, int *mo, int *d)
{
    date_from_days(date_to_days(pub->year, pub->month, pub->day) - back, y, mo, d);
}

/* The latest date on or before publication that falls on weekday w. */
static void last_weekday(const struct draft_day *pub, int w, int *y, int *mo, int *d)
{
    int64_t days = date_to_days(pub->year, pub->month, pub->day);
    int today = (int)(((days % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
    int back = (today - w + 7) % 7;
    date_from_days(days - back, y, mo, d);
}

static bool read_latin(const struct utext *t, size_t i, enum draft_lang lang,
                       const struct draft_day *pub, struct mention *m)
{
    const struct name *months = lang == LANG_FR ? months_fr : months_en;
    int month, day, year;
    size_t e;
    /* Month first: "April 9, 2024", "April 2024", "Apr. 9"; but not the
     * month of a day that was no date ("31 février 2024"). */
    size_t before = i;
    while (before > 0 && t->norm[before - 1] == ' ')
        before--;
    bool after_day = before < i && before > 0 && ut_is_digit(t->norm[before - 1]);
    if (!after_day && (lang == LANG_FR || capitalised(t, i)) && (e = match_name(t, i, months, &month))) {
        size_t k = ut_skip_spaces(t, e);
        size_t d = k > e ? read_day(t, k, &day) : 0;
        if (d && lang == LANG_EN) {
            size_t y = read_year_after(t, d, &year);
            if (y)
                return set_date(m, i, y, year, month, day, PRECISION_DAY);
            if (pub->year)
                return set_date(m, i, d, year_for(pub, month, day), month, day, PRECISION_DAY);
            return false;
        }
        size_t y = read_year_after(t, e, &year);
        if (y && ut_at(t, e) != ',')
            return set_date(m, i, y, year, month, 1, PRECISION_MONTH);
        /* A month alone, after "in", "en", "since", "depuis": the latest before publication. */
        static const char *const lead[] = {"in", "en", "since", "depuis", "early", "late", "mid-",
                                           "début", "fin", "courant", NULL};
        bool led = false;
        for (int w = 0; lead[w] && !led; w++)
            led = ut_match_before(t, i, lead[w]) != SIZE_MAX;
        if (led && pub->year)
            return set_date(m, i, e, year_for(pub, month, 1), month, 1, PRECISION_MONTH);
        return false;
    }
    /* Day first: "9 April 2024", "le 1er avril" */
    if ((e = read_day(t, i, &day))) {
        size_t k = ut_skip_spaces(t, e);
        size_t n = k > e && (lang == LANG_FR || capitalised(t, k)) ? match_name(t, k, months, &month) : 0;
        if (!n)
            return false;
        size_t y = read_year_after(t, n, &year);
        if (y && ut_at(t, n) != ',')
            return set_date(m, i, y, year, month, day, PRECISION_DAY);
        if (pub->year)
            return set_date(m, i, n, year_for(pub, month, day), month, day, PRECISION_DAY);
        return false;
    }
    /* ISO 8601: 2024-04-09 */
    int count;
    if ((e = ut_digits(t, i, 4, &year, &count)) && count == 4 && ut_at(t, e) == '-') {
        size_t f = ut_digits(t, e + 1, 2, &month, &count);
        if (f && count == 2 && ut_at(t, f) == '-') {
            size_t g = ut_digits(t, f + 1, 2, &day, &count);
            if (g && count == 2 && !ut_is_wordchar(ut_at(t, g)))
                return set_date(m, i, g, year, month, day, PRECISION_DAY);
        }
        return false;
    }
    if (!pub->year)
        return false;
    int y, mo, d, w;
    /* A weekday: the latest one on or before publication. */
    if ((lang == LANG_FR || capitalised(t, i)) &&
        (e = match_name(t, i, lang == LANG_FR ? weekdays_fr : weekdays_en, &w))) {
        last_weekday(pub, w, &y, &mo, &d);
        return set_date(m, i, e, y, mo, d, PRECISION_DAY);
    }
    if ((e = ut_match(t, i, lang == LANG_FR ? "hier" : "yesterday"))) {
        relative_day(pub, 1, &y, &mo, &d);
        return set_date(m, i, e, y, mo, d, PRECISION_DAY);
    }
    if ((e = ut_match(t, i, lang == LANG_FR ? "le mois dernier" : "last month"))) {
        y = pub->month == 1 ? pub->year - 1 : pub->year;
        mo = pub->month == 1 ? 12 : pub->month - 1;
        return set_date(m, i, e, y, mo, 1, PRECISION_MONTH);
    }
    static const char *const last_year_en[] = {"last year", NULL};
    static const char *const last_year_fr[] = {"l'an dernier", "l'année dernière", "l'an passé",
                                               "l'année passée", NULL};
    if ((e = ut_match_any(t, i, lang == LANG_FR ? last_year_fr : last_year_en, NULL)))
        return set_date(m, i, e, pub->year - 1, 1, 1, PRECISION_YEAR);
    return false;
}

static bool read_japanese(const struct utext *t, size_t i, const struct draft_day *pub,
                          struct mention *m)
{
    int year = 0, month, day, count;
    size_t e = ut_digits(t, i, 4, &year, &count);
    size_t k = i;
    if (e && count == 4 && ut_at(t, e) == 0x5E74 /* 年 */ && ut_is_digit(ut_at(t, e + 1))) {
        k = e + 1;
    } else {
        year = 0;
    }
    if (k > i || (ut_is_digit(ut_at(t, i)) && (i == 0 || !ut_is_digit(ut_at(t, i - 1))))) {
        size_t f = ut_digits(t, k, 2, &month, &count);
        if (!f || ut_at(t, f) != 0x6708 /* 月 */ || month < 1 || month > 12)
            return false;
        size_t g = ut_digits(t, f + 1, 2, &day, &count);
        if (g && ut_at(t, g) == 0x65E5 /* 日 */) {
            if (!year && !pub->year)
                return false;
            return set_date(m, i, g + 1, year ? year : year_for(pub, month, day), month, day,
                            PRECISION_DAY);
        }
        if (!year)
            return false; /* "4月" alone is too often a season or a schedule */
        return set_date(m, i, f + 1, year, month, 1, PRECISION_MONTH);
    }
    if (!pub->year)
        return false;
    int y, mo, d, w;
    if ((e = match_name(t, i, weekdays_ja, &w))) {
        last_weekday(pub, w, &y, &mo, &d);
        return set_date(m, i, e, y, mo, d, PRECISION_DAY);
    }
    if ((e = ut_match(t, i, "昨日"))) {
        relative_day(pub, 1, &y, &mo, &d);
        return set_date(m, i, e, y, mo, d, PRECISION_DAY);
    }
    if ((e = ut_match(t, i, "先月"))) {
        y = pub->month == 1 ? pub->year - 1 : pub->year;
        mo = pub->month == 1 ? 12 : pub->month - 1;
        return set_date(m, i, e, y, mo, 1, PRECISION_MONTH);
    }
    if ((e = ut_match(t, i, "昨年")) || (e = ut_match(t, i, "去年")))
        return set_date(m, i, e, pub->year - 1, 1, 1, PRECISION_YEAR);
    return false;
}

bool date_read(const struct utext *t, size_t i, enum draft_lang lang,
               const struct draft_day *published, struct mention *m)
{
    static const struct draft_day none = {0, 0, 0};
    const struct draft_day *pub = published ? published : &none;
    if (lang == LANG_JA)
        return read_japanese(t, i, pub, m);
    return read_latin(t, i, lang, pub, m);
}
