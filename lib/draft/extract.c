/* extract — the scan that runs every recogniser over a text, and language
 * detection (see extract.h). */
#include "extract.h"

#include "countries.h"
#include "duration.h"
#include "fiscal.h"
#include "amount.h"
#include "people.h"
#include "qualifier.h"

#include <string.h>
#include <strings.h>

/* Qualifiers before or after a money or people figure widen its span. */
static void qualify(const struct utext *t, enum draft_lang lang, struct mention *m)
{
    size_t qs, qe;
    enum qualifier q = qualifier_before(t, m->start, lang, &qs);
    if (q != QUAL_NONE) {
        if (m->qualifier == QUAL_NONE)
            m->qualifier = q;
        m->start = qs;
        return;
    }
    q = qualifier_after(t, m->end, lang, &qe);
    if (q != QUAL_NONE) {
        if (m->qualifier == QUAL_NONE)
            m->qualifier = q;
        m->end = qe;
    }
}

/* Where a figure or a phrase may begin: the start of a word, or any
 * character of a script without spaces, or a sign. */
static bool may_start(const struct utext *t, size_t i)
{
    uint32_t c = t->norm[i];
    if (c == ' ')
        return false;
    if (ut_is_wordchar(c))
        return ut_word_start(t, i);
    return true;
}

bool draft_extract(const struct utext *t, const struct draft_scan *scan, struct mentions *out)
{
    enum draft_lang lang = scan->lang;
    size_t i = 0;
    while (i < t->n) {
        if (!may_start(t, i)) {
            i++;
            continue;
        }
        struct mention m;
        bool found = fiscal_read(t, i, lang, scan->fiscal_country, &m) ||
                     deadline_read(t, i, lang, &m) || date_read(t, i, lang, &scan->published, &m);
        if (!found && money_read(t, i, lang, &m)) {
            qualify(t, lang, &m);
            found = true;
        }
        if (!found)
            found = company_read(t, i, scan->companies, &m) || country_read(t, i, &m);
        size_t next = i + 1;
        if (!found) {
            struct dnum d;
            if (dnum_read(t, i, lang, &d)) {
                if (people_read(t, &d, lang, &m)) {
                    qualify(t, lang, &m);
                    found = true;
                } else if (duration_read(t, &d, lang, &m)) {
                    found = true;
                }
            }
            if (d.end > next)
                next = d.end; /* a figure is read once */
        }
        if (found) {
            if (!mentions_add(out, &m))
                return out->full;
            next = m.end > i ? m.end : i + 1;
        } else if (ut_is_wordchar(t->norm[i])) {
            while (next < t->n && ut_is_wordchar(t->norm[next]))
                next++; /* the rest of a word starts nothing */
        }
        i = next;
    }
    return true;
}

enum draft_lang draft_detect_language(const struct utext *t)
{
    static const char *const fr_words[] = {"le", "la", "les", "des", "du", "une", "est", "et",
                                           "dans", "pour", "qui", "que", "au", "aux", "sur",
                                           "avec", "par", "en", "il", "elle", NULL};
    static const char *const en_words[] = {"the", "and", "of", "to", "in", "is", "that", "for",
                                           "with", "on", "its", "will", "by", "it", "has",
                                           "said", "from", "as", NULL};
    size_t cjk = 0, letters = 0, fr = 0, en = 0;
    for (size_t i = 0; i < t->n; i++) {
        uint32_t c = t->norm[i];
        if (ut_is_cjk(c) && c > 0x3040) /* kana and kanji, not CJK punctuation */
            cjk++, letters++;
        else if (ut_is_wordchar(c))
            letters++;
        if (!ut_is_wordchar(c) || !ut_word_start(t, i))
            continue;
        if (ut_match_any(t, i, fr_words, NULL) || ut_match_at(t, i, "l'", false) ||
            ut_match_at(t, i, "d'", false) || ut_match_at(t, i, "qu'", false))
            fr++;
        else if (ut_match_any(t, i, en_words, NULL))
            en++;
    }
    if (letters && cjk * 5 >= letters)
        return LANG_JA;
    return fr > en ? LANG_FR : LANG_EN;
}

const char *draft_lang_code(enum draft_lang lang)
{
    return lang == LANG_FR ? "fr" : lang == LANG_JA ? "ja" : "en";
}

bool draft_lang_parse(const char *code, enum draft_lang *lang)
{
    if (!code)
        return false;
    if (strcasecmp(code, "en") == 0)
        *lang = LANG_EN;
    else if (strcasecmp(code, "fr") == 0)
        *lang = LANG_FR;
    else if (strcasecmp(code, "ja") == 0)
        *lang = LANG_JA;
    else
        return false;
    return true;
}
