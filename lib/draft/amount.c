/* amount — amounts with their currency (see amount.h). Currencies
 * come from two tables, signs and codes before the figure and words after
 * it, longest first; the figure itself is number.c's. */
#include "amount.h"

#include <string.h>

struct cur {
    const char *text; /* lower-case, as utext folds */
    const char *code; /* ISO 4217 */
};

/* Before the figure, in every language. Letters need a word start. */
static const struct cur before[] = {
    {"us$", "USD"}, {"us $", "USD"}, {"u.s.$", "USD"}, {"a$", "AUD"}, {"au$", "AUD"},
    {"s$", "SGD"}, {"sg$", "SGD"}, {"c$", "CAD"}, {"ca$", "CAD"}, {"hk$", "HKD"},
    {"nt$", "TWD"}, {"nz$", "NZD"}, {"r$", "BRL"}, {"$", "USD"}, {"€", "EUR"}, {"£", "GBP"},
    {"¥", "JPY"}, {"₹", "INR"}, {"₩", "KRW"}, {"rm", "MYR"}, {"rs.", "INR"}, {"rs", "INR"},
    {"usd", "USD"}, {"jpy", "JPY"}, {"eur", "EUR"}, {"gbp", "GBP"}, {"aud", "AUD"},
    {"sgd", "SGD"}, {"myr", "MYR"}, {"inr", "INR"}, {"cny", "CNY"}, {"rmb", "CNY"},
    {"krw", "KRW"}, {"cad", "CAD"}, {"chf", "CHF"}, {"hkd", "HKD"}, {"twd", "TWD"},
    {"nzd", "NZD"}, {NULL, NULL},
};

static const struct cur after_en[] = {
    {"u.s. dollars", "USD"}, {"us dollars", "USD"}, {"american dollars", "USD"},
    {"australian dollars", "AUD"}, {"singapore dollars", "SGD"}, {"canadian dollars", "CAD"},
    {"hong kong dollars", "HKD"}, {"new zealand dollars", "NZD"}, {"dollars", "USD"},
    {"dollar", "USD"}, {"yen", "JPY"}, {"euros", "EUR"}, {"euro", "EUR"},
    {"pounds sterling", "GBP"}, {"pounds", "GBP"}, {"sterling", "GBP"}, {"ringgit", "MYR"},
    {"rupees", "INR"}, {"rupee", "INR"}, {"yuan", "CNY"}, {"renminbi", "CNY"}, {"won", "KRW"},
    {"swiss francs", "CHF"},
    {"usd", "USD"}, {"jpy", "JPY"}, {"eur", "EUR"}, {"gbp", "GBP"}, {"aud", "AUD"},
    {"sgd", "SGD"}, {"myr", "MYR"}, {"inr", "INR"}, {"cny", "CNY"}, {"krw", "KRW"},
    {"cad", "CAD"}, {"chf", "CHF"}, {NULL, NULL},
};

/* French: after "de" or "d'" when a scale word came first ("2 milliards de
 * dollars"), directly otherwise ("500 dollars", "2,9 Md$"). */
static const struct cur after_fr[] = {
    {"dollars américains", "USD"}, {"dollars americains", "USD"}, {"dollars us", "USD"},
    {"dollars des états-unis", "USD"}, {"dollars canadiens", "CAD"},
    {"dollars australiens", "AUD"}, {"dollars de singapour", "SGD"}, {"dollars", "USD"},
    {"dollar", "USD"}, {"euros", "EUR"}, {"euro", "EUR"}, {"yens", "JPY"}, {"yen", "JPY"},
    {"livres sterling", "GBP"}, {"livres", "GBP"}, {"ringgits", "MYR"}, {"ringgit", "MYR"},
    {"roupies", "INR"}, {"roupie", "INR"}, {"yuans", "CNY"}, {"yuan", "CNY"},
    {"francs suisses", "CHF"},
    {"$ us", "USD"}, {"$", "USD"}, {"€", "EUR"}, {"£", "GBP"}, {"¥", "JPY"},
    {"usd", "USD"}, {"eur", "EUR"}, {"jpy", "JPY"}, {"gbp", "GBP"}, {NULL, NULL},
};

static const struct cur after_ja[] = {
    {"シンガポールドル", "SGD"}, {"米ドル", "USD"}, {"豪ドル", "AUD"}, {"ドル", "USD"},
    {"円", "JPY"}, {"ユーロ", "EUR"}, {"ポンド", "GBP"}, {"リンギット", "MYR"},
    {"ルピー", "INR"}, {"人民元", "CNY"}, {"ウォン", "KRW"}, {NULL, NULL},
};

static bool letter_pattern(const char *p)
{
    return (p[0] >= 'a' && p[0] <= 'z');
}

/* A sign or code before a figure at i; returns where the figure starts. */
static size_t currency_before(const struct utext *t, size_t i, char code[4])
{
    for (const struct cur *c = before; c->text; c++) {
        if (letter_pattern(c->text) && !ut_word_start(t, i))
            continue;
        size_t e = ut_match_at(t, i, c->text, false);
        if (!e)
            continue;
        /* A code is a word of its own: "usd 2" or "usd2", never "usda". */
        if (ut_is_wordchar(ut_at(t, e)) && !ut_is_digit(ut_at(t, e)))
            continue;
        size_t k = ut_skip_spaces(t, e);
        if (k - e > 1 || !ut_is_digit(ut_at(t, k)))
            continue;
        memcpy(code, c->code, 4);
        return k;
    }
    return 0;
}

size_t currency_after(const struct utext *t, size_t j, enum draft_lang lang, char code[4])
{
    const struct cur *list = lang == LANG_FR ? after_fr : lang == LANG_JA ? after_ja : after_en;
    size_t k = lang == LANG_JA ? j : ut_skip_spaces(t, j);
    if (lang == LANG_FR)
        k = ut_skip_de(t, k);
    for (const struct cur *c = list; c->text; c++) {
        size_t e = ut_match(t, k, c->text);
        if (!e)
            continue;
        /* "2,9 Md$" joins; a word after a figure needs the space. */
        if (letter_pattern(c->text) && lang != LANG_JA && k == j)
            continue;
        memcpy(code, c->code, 4);
        return e;
    }
    return 0;
}

/* A range's second half after the figure that ends at j ("-2 billion",
 * " to $2 billion", "～2億"): reads it into hi and returns its end, or 0. */
static size_t range_high(const struct utext *t, size_t j, enum draft_lang lang, const char *code,
                         struct dnum *hi)
{
    size_t k = ut_skip_spaces(t, j);
    size_t e = 0;
    if (ut_at(t, k) == '-' || ut_at(t, k) == 0x301C /* 〜 */ || ut_at(t, k) == '~')
        e = k + 1;
    else if (lang == LANG_EN)
        e = ut_match(t, k, "to");
    else if (lang == LANG_FR)
        e = ut_match(t, k, "à") ? ut_match(t, k, "à") : ut_match(t, k, "a");
    if (!e)
        return 0;
    e = ut_skip_spaces(t, e);
    char again[4];
    size_t f = currency_before(t, e, again);
    if (f) {
        if (strcmp(again, code) != 0)
            return 0;
        e = f;
    }
    if (!dnum_read(t, e, lang, hi))
        return 0;
    return hi->end;
}

/* "($1.92 billion)" or "（約19億ドル）" after an amount that ends at j: the
 * article's own US dollar figure, into out; returns the end, or 0. */
static size_t stated_usd(const struct utext *t, size_t j, enum draft_lang lang, char out[DNUM_TEXT])
{
    static const char *const approx[] = {"about ", "approximately ", "around ", "roughly ",
                                         "some ", "nearly ", "environ ", "près de ", "約", "or ",
                                         "soit ", NULL};
    size_t k = ut_skip_spaces(t, j);
    if (ut_at(t, k) != '(')
        return 0;
    k = ut_skip_spaces(t, k + 1);
    size_t a = ut_match_any(t, k, approx, NULL);
    if (a)
        k = ut_skip_spaces(t, a);
    struct mention inner;
    if (!money_read(t, k, lang, &inner) || strcmp(inner.currency, "USD") != 0 ||
        inner.range_to[0] || inner.stated_usd[0])
        return 0;
    size_t close = ut_skip_spaces(t, inner.end);
    if (ut_at(t, close) != ')')
        return 0;
    memcpy(out, inner.value, DNUM_TEXT);
    return close + 1;
}

bool money_read(const struct utext *t, size_t i, enum draft_lang lang, struct mention *m)
{
    memset(m, 0, sizeof *m);
    m->type = MENTION_MONEY;
    m->start = i;
    char code[4] = "";
    size_t f = currency_before(t, i, code);
    struct dnum d;
    if (!dnum_read(t, f ? f : i, lang, &d) || d.m == 0)
        return false;
    size_t end = d.end;
    struct dnum hi;
    size_t r = range_high(t, end, lang, code, &hi);
    if (r && hi.m != 0) {
        /* "$1-2 billion": the low end shares the high end's scale; and
         * "$25,000 to 400 start-ups" is no range. */
        struct dnum lo = d;
        if ((lo.scaled || !hi.scaled || dnum_scale(&lo, hi.scale)) && dnum_less(&lo, &hi)) {
            d = lo;
            end = r;
            dnum_format(&hi, m->range_to);
            m->qualifier = QUAL_AT_LEAST;
        }
    }
    if (!f) {
        size_t c = currency_after(t, end, lang, code);
        if (!c)
            return false;
        end = c;
    }
    dnum_format(&d, m->value);
    memcpy(m->currency, code, 4);
    m->end = end;
    if (strcmp(code, "USD") != 0) {
        size_t s = stated_usd(t, end, lang, m->stated_usd);
        if (s)
            m->end = s;
    }
    return true;
}
