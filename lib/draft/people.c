/* people — head counts (see people.h): nouns per language, and the words
 * that may stand between the figure and the noun. */
#include "people.h"

#include <string.h>

static const char *const nouns_en[] = {
    "young people", "job seekers", "people", "persons", "person", "individuals", "individual",
    "workers", "worker", "professionals", "employees", "staff", "students", "developers",
    "engineers", "learners", "citizens", "residents", "teachers", "women", "girls", "youths",
    "jobs", "researchers", "scientists", "specialists", "experts", "technicians", "graduates",
    "apprentices", "participants", "educators", "civil servants", "officials", "children",
    NULL,
};
static const char *const nouns_fr[] = {
    "personnes", "personne", "individus", "travailleurs", "salariés", "salaries", "employés",
    "employes", "étudiants", "etudiants", "développeurs", "developpeurs", "professionnels",
    "ingénieurs", "ingenieurs", "jeunes", "femmes", "emplois", "citoyens", "habitants",
    "apprenants", "élèves", "eleves", "enseignants", "chercheurs", "spécialistes", "experts",
    "techniciens", "diplômés", "agents", "fonctionnaires", NULL,
};
static const char *const counters_ja[] = {"人", "名", NULL};

/* Words that end the search for a noun: a figure is no head count across them. */
static const char *const stops_en[] = {
    "of", "in", "by", "to", "from", "and", "or", "the", "a", "an", "for", "with", "on", "at",
    "over", "years", "year", "months", "month", "dollars", "yen", "euros", "times", "per",
    "percent", "than", "who", "which", "that", "is", "are", "was", "were", "will", NULL,
};

static size_t next_word_end(const struct utext *t, size_t k)
{
    size_t e = k;
    while (ut_is_wordchar(ut_at(t, e)) || (ut_at(t, e) == '-' && ut_is_wordchar(ut_at(t, e + 1))))
        e++;
    return e;
}

bool people_read(const struct utext *t, const struct dnum *d, enum draft_lang lang, struct mention *m)
{
    int64_t count;
    if (!dnum_integer(d, &count) || count < 1 || count > 10000000000LL)
        return false;
    size_t end = 0;
    if (lang == LANG_JA) {
        end = ut_match_any(t, d->end, counters_ja, NULL);
    } else {
        size_t k = ut_skip_spaces(t, d->end);
        if (k == d->end)
            return false;
        if (lang == LANG_FR)
            k = ut_skip_de(t, k);
        int modifiers = lang == LANG_FR ? 1 : 3;
        for (int w = 0; w <= modifiers && !end; w++) {
            end = ut_match_any(t, k, lang == LANG_FR ? nouns_fr : nouns_en, NULL);
            if (end)
                break;
            if (lang == LANG_EN && ut_match_any(t, k, stops_en, NULL))
                return false;
            size_t e = next_word_end(t, k);
            if (e == k || ut_at(t, e) != ' ')
                return false;
            k = ut_skip_spaces(t, e);
        }
    }
    if (!end)
        return false;
    memset(m, 0, sizeof *m);
    m->type = MENTION_PEOPLE;
    m->start = d->start;
    m->end = end;
    dnum_format(d, m->value);
    return true;
}
