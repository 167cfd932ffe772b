/* qualifier — the words of approximation around a figure (see
 * qualifier.h), table-driven: one table per language and side, longest
 * phrases first so "more than" wins over "than". */
#include "qualifier.h"

#include <stdint.h>

struct qword {
    const char *text; /* lower-case, as utext folds */
    enum qualifier q;
};

static const struct qword before_en[] = {
    {"approximately", QUAL_ABOUT}, {"an estimated", QUAL_ABOUT}, {"close to", QUAL_ABOUT},
    {"just under", QUAL_ABOUT}, {"roughly", QUAL_ABOUT}, {"around", QUAL_ABOUT},
    {"nearly", QUAL_ABOUT}, {"almost", QUAL_ABOUT}, {"about", QUAL_ABOUT}, {"some", QUAL_ABOUT},
    {"approx.", QUAL_ABOUT},
    {"in excess of", QUAL_AT_LEAST}, {"upwards of", QUAL_AT_LEAST}, {"more than", QUAL_AT_LEAST},
    {"at least", QUAL_AT_LEAST}, {"just over", QUAL_AT_LEAST}, {"over", QUAL_AT_LEAST},
    {"a maximum of", QUAL_UP_TO}, {"as much as", QUAL_UP_TO}, {"as many as", QUAL_UP_TO},
    {"up to", QUAL_UP_TO},
    {NULL, QUAL_NONE},
};
static const struct qword before_fr[] = {
    {"approximativement", QUAL_ABOUT}, {"de l'ordre de", QUAL_ABOUT}, {"autour de", QUAL_ABOUT},
    {"près de", QUAL_ABOUT}, {"pres de", QUAL_ABOUT}, {"presque", QUAL_ABOUT},
    {"environ", QUAL_ABOUT}, {"quelque", QUAL_ABOUT},
    {"pas moins de", QUAL_AT_LEAST}, {"plus de", QUAL_AT_LEAST}, {"plus d'", QUAL_AT_LEAST},
    {"au moins", QUAL_AT_LEAST}, {"au-delà de", QUAL_AT_LEAST},
    {"jusqu'à", QUAL_UP_TO}, {"jusqu'a", QUAL_UP_TO}, {"au maximum", QUAL_UP_TO},
    {NULL, QUAL_NONE},
};
static const struct qword before_ja[] = {
    {"およそ", QUAL_ABOUT}, {"約", QUAL_ABOUT}, {"ほぼ", QUAL_ABOUT},
    {"少なくとも", QUAL_AT_LEAST},
    {"最大で", QUAL_UP_TO}, {"最大", QUAL_UP_TO}, {"最高", QUAL_UP_TO},
    {NULL, QUAL_NONE},
};
static const struct qword after_ja[] = {
    {"以上", QUAL_AT_LEAST}, {"超", QUAL_AT_LEAST}, {"余り", QUAL_AT_LEAST}, {"強", QUAL_AT_LEAST},
    {"程度", QUAL_ABOUT}, {"前後", QUAL_ABOUT}, {"ほど", QUAL_ABOUT},
    {"以下", QUAL_UP_TO},
    {NULL, QUAL_NONE},
};
static const struct qword after_en[] = {
    {"or more", QUAL_AT_LEAST}, {"and more", QUAL_AT_LEAST}, {NULL, QUAL_NONE},
};
static const struct qword after_fr[] = {
    {"ou plus", QUAL_AT_LEAST}, {"et plus", QUAL_AT_LEAST}, {NULL, QUAL_NONE},
};

enum qualifier qualifier_before(const struct utext *t, size_t start, enum draft_lang lang,
                                size_t *qstart)
{
    const struct qword *list = lang == LANG_FR ? before_fr : lang == LANG_JA ? before_ja : before_en;
    for (const struct qword *w = list; w->text; w++) {
        size_t p = ut_match_before(t, start, w->text);
        if (p == SIZE_MAX)
            continue;
        /* The words and the figure: a space between them in English and
         * French, except after an apostrophe ("plus d'un milliard"). */
        if (lang != LANG_JA && t->norm[start - 1] != ' ' && t->norm[start - 1] != '\'')
            continue;
        *qstart = p;
        return w->q;
    }
    return QUAL_NONE;
}

enum qualifier qualifier_after(const struct utext *t, size_t end, enum draft_lang lang, size_t *qend)
{
    const struct qword *list = lang == LANG_FR ? after_fr : lang == LANG_JA ? after_ja : after_en;
    size_t k = lang == LANG_JA ? end : ut_skip_spaces(t, end);
    if (lang != LANG_JA && k == end)
        return QUAL_NONE;
    for (const struct qword *w = list; w->text; w++) {
        size_t e = ut_match_at(t, k, w->text, lang != LANG_JA);
        if (e) {
            *qend = e;
            return w->q;
        }
    }
    return QUAL_NONE;
}
