/* number — exact figures from article text (see number.h). Digits, words
 * and kanji are read by three small readers; a scale may follow any of
 * them. Every reader only advances on success. */
#include "number.h"

#include <stdio.h>
#include <string.h>

#define SIG_LIMIT 1000000000000000000ULL /* 10^18: m stays below it */
#define EXP_MAX 24                       /* 10^24: past a septillion, nobody pledges */
#define EXP_MIN (-6)

static void normalise(struct dnum *d)
{
    if (d->m == 0) {
        d->exp = 0;
        return;
    }
    while (d->m % 10 == 0) {
        d->m /= 10;
        d->exp++;
    }
}

bool dnum_scale(struct dnum *d, int k)
{
    if (d->m == 0)
        return true;
    if (d->exp + k > EXP_MAX || d->exp + k < EXP_MIN)
        return false;
    d->exp += k;
    return true;
}

/* d += m × 10^exp, exactly; false when the sum has too many digits. */
static bool dnum_add(struct dnum *d, uint64_t m, int exp)
{
    if (m == 0)
        return true;
    if (d->m == 0) {
        d->m = m;
        d->exp = exp;
        normalise(d);
        return d->exp <= EXP_MAX;
    }
    int e = d->exp < exp ? d->exp : exp;
    unsigned __int128 x = d->m, y = m;
    for (int k = d->exp; k > e; k--)
        if ((x *= 10) >= SIG_LIMIT)
            return false;
    for (int k = exp; k > e; k--)
        if ((y *= 10) >= SIG_LIMIT)
            return false;
    x += y;
    if (x >= SIG_LIMIT)
        return false;
    d->m = (uint64_t)x;
    d->exp = e;
    normalise(d);
    return d->exp <= EXP_MAX;
}

/* --- scales ------------------------------------------------------------------------------- */

struct scale {
    const char *word; /* lower-case, as folded text reads */
    int exp;
    bool attached;    /* only right after the digits ("2.9bn", never "2.9 b") */
};

static const struct scale scales_en[] = {
    {"thousand", 3, false}, {"million", 6, false}, {"billion", 9, false},
    {"trillion", 12, false}, {"mln", 6, false}, {"mn", 6, false}, {"bn", 9, false},
    {"tn", 12, false}, {"crore", 7, false}, {"lakh", 5, false}, {"k", 3, true}, {"m", 6, true},
    {"b", 9, true}, {NULL, 0, false},
};
static const struct scale scales_fr[] = {
    {"milliards", 9, false}, {"milliard", 9, false}, {"millions", 6, false},
    {"million", 6, false}, {"mille", 3, false}, {"billions", 12, false},
    {"billion", 12, false}, {"mrds", 9, false}, {"mrd", 9, false}, {"mds", 9, false},
    {"md", 9, false}, {"k", 3, true}, {"m", 6, true}, {NULL, 0, false},
};

/* A scale word after a figure that ends at j; returns its end and exponent. */
static size_t read_scale(const struct utext *t, size_t j, enum draft_lang lang, int *exp)
{
    const struct scale *list = lang == LANG_FR ? scales_fr : lang == LANG_EN ? scales_en : NULL;
    if (!list)
        return 0;
    size_t k = ut_skip_spaces(t, j);
    /* French writes millions before a sign as "385 M€", "2 M$". */
    if (lang == LANG_FR && ut_at(t, k) == 'm' &&
        (ut_at(t, k + 1) == 0x20AC || ut_at(t, k + 1) == '$' || ut_at(t, k + 1) == 0xA3)) {
        *exp = 6;
        return k + 1;
    }
    for (const struct scale *s = list; s->word; s++) {
        if (s->attached && k != j)
            continue;
        size_t end = ut_match(t, k, s->word);
        if (end) {
            *exp = s->exp;
            return end;
        }
    }
    return 0;
}

/* --- digits ------------------------------------------------------------------------------- */

static bool three_digits_then_end(const struct utext *t, size_t j)
{
    return ut_is_digit(ut_at(t, j)) && ut_is_digit(ut_at(t, j + 1)) &&
           ut_is_digit(ut_at(t, j + 2)) && !ut_is_digit(ut_at(t, j + 3));
}

/* Digits with grouping and decimals at i; returns their end, or 0. On
 * overflow returns the end with *overflow set. */
static size_t read_digits(const struct utext *t, size_t i, enum draft_lang lang, struct dnum *d,
                          bool *overflow)
{
    size_t j = i;
    unsigned __int128 m = 0;
    int sig = 0, exp = 0, intdigits = 0;
    *overflow = false;
#define PUSH(c)                                                                                    \
    do {                                                                                           \
        if (m == 0 && (c) == '0')                                                                  \
            break;                                                                                 \
        if (sig >= 18)                                                                             \
            *overflow = true;                                                                      \
        else {                                                                                     \
            m = m * 10 + ((c) - '0');                                                              \
            sig++;                                                                                 \
        }                                                                                          \
    } while (0)
    while (ut_is_digit(ut_at(t, j))) {
        PUSH(ut_at(t, j));
        j++;
    }
    if (j == i)
        return 0;
    size_t first = j - i;
    intdigits = (int)first;
    uint32_t group = lang == LANG_FR ? ' ' : ',';
    bool grouped = false;
    while (first <= 3 && ut_at(t, j) == group && three_digits_then_end(t, j + 1)) {
        for (int k = 1; k <= 3; k++)
            PUSH(ut_at(t, j + k));
        intdigits += 3;
        j += 4;
        grouped = true;
    }
    uint32_t mark = lang == LANG_FR ? ',' : '.';
    if (ut_at(t, j) == mark && ut_is_digit(ut_at(t, j + 1))) {
        j++;
        while (ut_is_digit(ut_at(t, j))) {
            unsigned __int128 before = m;
            PUSH(ut_at(t, j));
            if (m != before || m == 0)
                exp--; /* a digit taken (or a leading zero of 0.05) is a decimal place */
            if (exp < EXP_MIN)
                *overflow = true;
            j++;
        }
    }
#undef PUSH
    if (*overflow)
        return j;
    d->m = (uint64_t)m;
    d->exp = exp;
    d->grouped = grouped;
    d->digits = intdigits;
    normalise(d);
    return j;
}

/* --- words -------------------------------------------------------------------------------- */

static const char *const en_units[] = {
    "nineteen", "eighteen", "seventeen", "sixteen", "fifteen", "fourteen", "thirteen", "twelve",
    "eleven", "ten", "nine", "eight", "seven", "six", "five", "four", "three", "two", "one", NULL,
};
static const int en_unit_values[] = {19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
static const char *const en_tens[] = {
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", NULL,
};
static const char *const fr_units[] = {
    "dix-sept", "dix-huit", "dix-neuf", "seize", "quinze", "quatorze", "treize", "douze", "onze",
    "dix", "neuf", "huit", "sept", "six", "cinq", "quatre", "trois", "deux", "une", "un", NULL,
};
static const int fr_unit_values[] = {17, 18, 19, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1};
static const char *const fr_tens[] = {
    "quatre-vingts", "quatre-vingt", "vingt", "trente", "quarante", "cinquante", "soixante", NULL,
};
static const int fr_ten_values[] = {80, 80, 20, 30, 40, 50, 60};

/* A number from 1 to 99 in words at i; returns its end and value, or 0. */
static size_t read_below_hundred(const struct utext *t, size_t i, enum draft_lang lang, int *value)
{
    const char *const *units = lang == LANG_FR ? fr_units : en_units;
    const int *unit_values = lang == LANG_FR ? fr_unit_values : en_unit_values;
    int which;
    size_t end;
    if (lang == LANG_EN) {
        /* "twenty-five": the tens' end is no boundary when a hyphen follows. */
        for (int k = 0; en_tens[k]; k++) {
            size_t e = ut_match_at(t, i, en_tens[k], false);
            if (!e || ut_is_wordchar(ut_at(t, e)))
                continue;
            *value = 20 + 10 * k;
            if (ut_at(t, e) == '-' && (end = ut_match_any(t, e + 1, units, &which)) &&
                unit_values[which] <= 9) {
                *value += unit_values[which];
                return end;
            }
            return e;
        }
    } else {
        for (int k = 0; fr_tens[k]; k++) {
            size_t e = ut_match_at(t, i, fr_tens[k], false);
            if (!e || ut_is_wordchar(ut_at(t, e)))
                continue;
            int tens = fr_ten_values[k];
            *value = tens;
            /* vingt-deux, vingt et un, soixante-dix, soixante-et-onze, quatre-vingt-dix-neuf */
            int max_unit = tens == 60 || tens == 80 ? 19 : 9;
            size_t after = 0;
            if ((after = ut_match_at(t, e, "-et-", false)) || (after = ut_match_at(t, e, " et ", false)) ||
                (ut_at(t, e) == '-' && (after = e + 1))) {
                if ((end = ut_match_any(t, after, units, &which)) && unit_values[which] <= max_unit) {
                    *value += unit_values[which];
                    return end;
                }
            }
            return e;
        }
    }
    if ((end = ut_match_any(t, i, units, &which))) {
        *value = unit_values[which];
        return end;
    }
    return 0;
}

/* A number in words (1 to 999, "a" or "an" before a scale); returns its end. */
static size_t read_words(const struct utext *t, size_t i, enum draft_lang lang, int *value,
                         bool *needs_scale)
{
    *needs_scale = false;
    int v = 0;
    size_t end = read_below_hundred(t, i, lang, &v);
    const char *hundred = lang == LANG_FR ? "cent" : "hundred";
    if (end) {
        size_t k = ut_skip_spaces(t, end);
        size_t h = lang == LANG_FR ? (ut_match(t, k, "cents") ? ut_match(t, k, "cents") : ut_match(t, k, hundred))
                                   : ut_match(t, k, hundred);
        if (h && k > end) {
            v *= 100;
            end = h;
            int rest;
            size_t k2 = ut_skip_spaces(t, end);
            size_t a = lang == LANG_EN ? ut_match(t, k2, "and") : 0;
            size_t r = read_below_hundred(t, a ? ut_skip_spaces(t, a) : k2, lang, &rest);
            if (r && k2 > end) {
                v += rest;
                end = r;
            }
        }
        *value = v;
        return end;
    }
    if (lang == LANG_FR && (end = ut_match(t, i, "cent"))) {
        *value = 100;
        return end;
    }
    if (lang == LANG_EN && ((end = ut_match(t, i, "a")) || (end = ut_match(t, i, "an")))) {
        *value = 1;
        *needs_scale = true;
        return end;
    }
    if (lang == LANG_EN && (end = ut_match(t, i, "half a"))) {
        *value = 5; /* tenths: the caller scales by -1 */
        *needs_scale = true;
        return end;
    }
    return 0;
}

/* --- kanji and the Japanese units ------------------------------------------------------- */

static int kanji_digit(uint32_t c)
{
    static const uint32_t digits[] = {0x3007, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94,
                                      0x516D, 0x4E03, 0x516B, 0x4E5D}; /* 〇一二三四五六七八九 */
    for (int k = 0; k < 10; k++)
        if (digits[k] == c)
            return k;
    if (c == 0x96F6) /* 零 */
        return 0;
    return -1;
}

static int kanji_small_unit(uint32_t c) /* 十 百 千 */
{
    return c == 0x5341 ? 1 : c == 0x767E ? 2 : c == 0x5343 ? 3 : 0;
}

static int kanji_large_unit(uint32_t c) /* 万 億 兆 */
{
    return c == 0x4E07 ? 4 : c == 0x5104 ? 8 : c == 0x5146 ? 12 : 0;
}

/* Japanese: digits or kanji numerals with 十百千 and 万億兆, summed as
 * written ("1兆2000億", "三百万", "5千"). */
static bool read_japanese(const struct utext *t, size_t i, struct dnum *out)
{
    struct dnum total = {0}, section = {0}, cur = {0};
    bool have_cur = false, cur_kanji = false, any = false, ok = true;
    size_t j = i;
    for (;;) {
        uint32_t c = ut_at(t, j);
        int kd = kanji_digit(c), su = kanji_small_unit(c), lu = kanji_large_unit(c);
        if (ut_is_digit(c) && !have_cur) {
            bool overflow;
            size_t e = read_digits(t, j, LANG_JA, &cur, &overflow);
            if (overflow) {
                ok = false;
                j = e;
                break;
            }
            out->grouped = cur.grouped;
            out->digits = cur.digits;
            j = e;
            have_cur = true;
            cur_kanji = false;
        } else if (kd >= 0 && (!have_cur || cur_kanji)) {
            /* 二〇二四: kanji digits in a row are positional */
            if (have_cur)
                ok = ok && dnum_scale(&cur, 1) && dnum_add(&cur, (uint64_t)kd, 0);
            else
                cur = (struct dnum){.m = (uint64_t)kd};
            normalise(&cur);
            have_cur = cur_kanji = true;
            out->words = true;
            j++;
        } else if (su && (any || have_cur)) {
            struct dnum part = have_cur ? cur : (struct dnum){.m = 1};
            ok = ok && dnum_scale(&part, su) && dnum_add(&section, part.m, part.exp);
            have_cur = cur_kanji = false;
            cur = (struct dnum){0};
            out->words = true;
            j++;
        } else if (su && !any && !have_cur) {
            section = (struct dnum){.m = 1, .exp = su}; /* 十, 百, 千 alone */
            out->words = true;
            j++;
        } else if (lu && (have_cur || section.m)) {
            if (have_cur)
                ok = ok && dnum_add(&section, cur.m, cur.exp);
            ok = ok && dnum_scale(&section, lu) && dnum_add(&total, section.m, section.exp);
            section = cur = (struct dnum){0};
            have_cur = cur_kanji = false;
            out->scaled = true;
            out->scale = lu;
            j++;
        } else {
            break;
        }
        any = true;
        if (!ok)
            break;
    }
    if (!any)
        return false;
    if (have_cur)
        ok = ok && dnum_add(&section, cur.m, cur.exp);
    ok = ok && dnum_add(&total, section.m, section.exp);
    out->m = total.m;
    out->exp = total.exp;
    out->end = j;
    return ok;
}

/* --- the figure ------------------------------------------------------------------------ */

bool dnum_read(const struct utext *t, size_t i, enum draft_lang lang, struct dnum *out)
{
    memset(out, 0, sizeof *out);
    out->start = out->end = i;
    if (i >= t->n)
        return false;
    bool ok = true;
    if (lang == LANG_JA) {
        uint32_t c = ut_at(t, i);
        if (!ut_is_digit(c) && kanji_digit(c) < 0 && !kanji_small_unit(c))
            return false;
        if (!read_japanese(t, i, out))
            return false;
    } else if (ut_is_digit(ut_at(t, i))) {
        bool overflow;
        size_t e = read_digits(t, i, lang, out, &overflow);
        out->end = e;
        if (overflow)
            return false;
    } else {
        if (!ut_word_start(t, i))
            return false;
        int v;
        bool needs_scale;
        size_t e = read_words(t, i, lang, &v, &needs_scale);
        if (!e)
            return false;
        out->m = (uint64_t)v;
        out->words = true;
        out->end = e;
        if (ut_match(t, i, "half a"))
            out->exp = -1;
        normalise(out);
        int exp;
        if (needs_scale && !read_scale(t, e, lang, &exp))
            return false;
    }
    int exp;
    size_t s = read_scale(t, out->end, lang, &exp);
    if (s) {
        ok = dnum_scale(out, exp);
        out->scaled = true;
        out->scale = exp;
        out->end = s;
    }
    out->fraction = out->exp < 0;
    return ok;
}

void dnum_format(const struct dnum *d, char out[DNUM_TEXT])
{
    char digits[24];
    snprintf(digits, sizeof digits, "%llu", (unsigned long long)d->m);
    size_t n = strlen(digits);
    if (d->m == 0) {
        strcpy(out, "0");
        return;
    }
    if (d->exp >= 0) {
        size_t k = n;
        memcpy(out, digits, n);
        for (int z = 0; z < d->exp && k < DNUM_TEXT - 1; z++)
            out[k++] = '0';
        out[k] = '\0';
        return;
    }
    size_t frac = (size_t)(-d->exp);
    size_t k = 0;
    if (n <= frac) {
        out[k++] = '0';
        out[k++] = '.';
        for (size_t z = n; z < frac; z++)
            out[k++] = '0';
        memcpy(out + k, digits, n);
        k += n;
    } else {
        memcpy(out, digits, n - frac);
        k = n - frac;
        out[k++] = '.';
        memcpy(out + k, digits + n - frac, frac);
        k += frac;
    }
    out[k] = '\0';
}

bool dnum_integer(const struct dnum *d, int64_t *out)
{
    if (d->exp < 0)
        return false;
    unsigned __int128 v = d->m;
    for (int k = 0; k < d->exp; k++)
        if ((v *= 10) > (unsigned __int128)INT64_MAX)
            return false;
    *out = (int64_t)v;
    return true;
}

bool dnum_less(const struct dnum *a, const struct dnum *b)
{
    if (a->m == 0 || b->m == 0)
        return a->m == 0 && b->m != 0;
    /* Compare m × 10^exp through the digit count of each. */
    int da = 0, db = 0;
    for (uint64_t x = a->m; x; x /= 10)
        da++;
    for (uint64_t x = b->m; x; x /= 10)
        db++;
    if (da + a->exp != db + b->exp)
        return da + a->exp < db + b->exp;
    /* Same magnitude: line the significands up and compare. */
    unsigned __int128 x = a->m, y = b->m;
    for (int k = da; k < db; k++)
        x *= 10;
    for (int k = db; k < da; k++)
        y *= 10;
    return x < y;
}
