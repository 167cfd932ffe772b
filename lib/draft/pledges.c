/* pledges (drafts) — which figures are pledges and what they hold (see
 * pledges.h). One pass over the money and head-count mentions makes a
 * candidate from each figure a reader would record; a second merges the
 * candidates that state the same pledge. */
#include "pledges.h"

#include "countries.h"
#include "cues.h"

#include <stdlib.h>
#include <string.h>

const char *draft_kind_name(enum draft_kind k)
{
    static const char *const names[] = {"investment", "training", "facility", "research",
                                        "partnership", "target", "other"};
    return names[k];
}

/* The part of a sentence near a figure: the words that qualify it. */
static struct span window(struct span s, const struct mention *m)
{
    struct span w = {m->start > s.start + 80 ? m->start - 80 : s.start,
                     m->end + 60 < s.end ? m->end + 60 : s.end};
    return w;
}

static bool in_span(const struct mention *m, struct span s)
{
    return m->start >= s.start && m->start < s.end;
}

/* --- kinds ------------------------------------------------------------------------------- */

/* The kind of a money figure, or false when it is no pledge. */
static bool money_kind(const struct pledge_context *c, struct span s, const struct mention *m,
                       enum draft_kind *kind)
{
    struct span w = window(s, m);
    bool revenue = cue_in(c->t, w, c->lang, CUE_REVENUE);
    if (revenue && cue_in(c->t, s, c->lang, CUE_GOAL)) {
        *kind = KIND_TARGET;
        return true;
    }
    if (revenue || cue_in(c->t, w, c->lang, CUE_NOT_PLEDGE) || !cue_in(c->t, s, c->lang, CUE_COMMIT))
        return false;
    if (cue_in(c->t, s, c->lang, CUE_RESEARCH) && !cue_in(c->t, s, c->lang, CUE_INFRA))
        *kind = KIND_RESEARCH;
    else if (cue_in(c->t, s, c->lang, CUE_PARTNERSHIP) && !cue_in(c->t, w, c->lang, CUE_COMMIT))
        *kind = KIND_PARTNERSHIP;
    else
        *kind = KIND_INVESTMENT;
    return true;
}

static bool people_kind(const struct pledge_context *c, struct span s, const struct mention *m,
                        enum draft_kind *kind)
{
    if (cue_in(c->t, window(s, m), c->lang, CUE_NOT_PLEDGE))
        return false;
    if (cue_in(c->t, s, c->lang, CUE_TRAINING))
        *kind = KIND_TRAINING;
    else if (cue_in(c->t, s, c->lang, CUE_HIRING))
        *kind = KIND_OTHER;
    else
        return false;
    return true;
}

/* --- companies ----------------------------------------------------------------------------- */

static bool capital_at(const struct utext *t, size_t i)
{
    uint32_t c = t->cp[i];
    return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7);
}

static bool overlaps_mention(const struct mentions *ms, size_t a, size_t b)
{
    for (size_t k = 0; k < ms->n; k++)
        if (ms->v[k].start < b && a < ms->v[k].end)
            return true;
    return false;
}

static bool is_katakana_or_latin(uint32_t c)
{
    return (c >= 0x30A0 && c <= 0x30FF) || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == 0x30FB || c == '&' || c == '.';
}

/* The subject of a sentence that names a company pledged does not know:
 * "Oracle will invest", "AWS plans to", "Mistral AI a annoncé",
 * "オラクルは". Its span into *a, *b. */
static bool new_subject(const struct pledge_context *c, struct span s, size_t before, size_t *a,
                        size_t *b)
{
    const struct utext *t = c->t;
    if (c->lang == LANG_JA) {
        for (size_t i = s.start; i < before; i++) {
            if (!is_katakana_or_latin(t->norm[i]) || (i > s.start && is_katakana_or_latin(t->norm[i - 1])))
                continue;
            size_t e = i;
            while (e < before && (is_katakana_or_latin(t->norm[e]) || t->norm[e] == 0x30FC))
                e++;
            uint32_t next = ut_at(t, e);
            if (e - i >= 2 && (next == 0x306F /* は */ || next == 0x304C /* が */) &&
                !overlaps_mention(c->mentions, i, e)) {
                *a = i;
                *b = e;
                return true;
            }
        }
        return false;
    }
    static const char *const stop[] = {
        "the", "it", "this", "that", "these", "those", "in", "on", "at", "for", "also",
        "additionally", "furthermore", "moreover", "meanwhile", "however", "analysts", "officials",
        "le", "la", "les", "il", "elle", "ce", "cette", "ces", "en", "au", "dans", "pour", "selon",
        "un", "une", "l'", "a", "an", NULL,
    };
    static const char *const follow_en[] = {"will ", "plans", "intends", "aims", "is investing",
                                            "is to ", "has pledged", "pledged", "committed",
                                            "commits", "invests", "is set to", "would ", "announced",
                                            "is spending", "spends", "to invest", NULL};
    static const char *const follow_fr[] = {"va ", "investira", "investit", "prévoit", "compte",
                                            "entend", "a annoncé", "annonce", "s'engage",
                                            "injectera", "dépensera", "consacrera", "formera",
                                            "recrutera", "embauchera", "a promis", NULL};
    const char *const *follow = c->lang == LANG_FR ? follow_fr : follow_en;
    size_t i = s.start;
    while (i < before) {
        if (!ut_is_wordchar(t->norm[i]) || !ut_word_start(t, i) || !capital_at(t, i)) {
            i++;
            continue;
        }
        size_t sw = ut_match_any(t, i, stop, NULL);
        if (sw) { /* "The", "Le": no name */
            i = sw;
            continue;
        }
        /* A run of capitalised words, one space apart. */
        size_t e = i;
        for (;;) {
            while (e < t->n && (ut_is_wordchar(t->norm[e]) || t->norm[e] == '-' || t->norm[e] == '&'))
                e++;
            if (ut_at(t, e) == ' ' && e + 1 < before && capital_at(t, e + 1))
                e++;
            else
                break;
        }
        size_t k = ut_skip_spaces(t, e);
        if (k > e && ut_match_any(t, k, follow, NULL) &&
            !overlaps_mention(c->mentions, i, e)) {
            *a = i;
            *b = e;
            return true;
        }
        i = e;
    }
    return false;
}

static int add_new_company(const struct pledge_context *c, struct pledge_list *out, size_t a, size_t b)
{
    for (int k = 0; k < out->n_new; k++) {
        const struct new_company *n = &out->new_companies[k];
        if (n->end - n->start == b - a &&
            memcmp(c->t->norm + n->start, c->t->norm + a, (b - a) * sizeof(uint32_t)) == 0)
            return k;
    }
    if (out->n_new == NEW_COMPANIES_MAX)
        return -1;
    out->new_companies[out->n_new] = (struct new_company){a, b};
    return out->n_new++;
}

/* Adds v to list (n of at most max) unless it is there already. */
static void add_distinct(int *list, int *n, int max, int v)
{
    for (int j = 0; j < *n; j++)
        if (list[j] == v)
            return;
    if (*n < max)
        list[(*n)++] = v;
}

/* Whose pledge the figure m in sentence s is. */
static void assign_company(const struct pledge_context *c, struct span s, const struct mention *m,
                           struct draft_pledge *p, struct pledge_list *out)
{
    const struct mentions *ms = c->mentions;
    int before = -1, after[8], n_after = 0;
    int seen[8], n_seen = 0;
    for (size_t k = 0; k < ms->n; k++) {
        const struct mention *x = &ms->v[k];
        if (x->type != MENTION_COMPANY || !in_span(x, s))
            continue;
        if (x->end <= m->start) {
            before = x->company;
            add_distinct(seen, &n_seen, 8, x->company);
        } else if (x->start >= m->end) {
            add_distinct(after, &n_after, 8, x->company);
        }
    }
    static const char *const together[] = {"jointly", "together", "the two companies", "both companies",
                                           "conjointement", "ensemble", "les deux entreprises",
                                           "共同", "両社", NULL};
    bool jointly = false;
    for (size_t i = s.start; i < s.end && !jointly; i++)
        jointly = ut_match_any(c->t, i, together, NULL) != 0;
    /* "Microsoft and Hitachi have announced": the companies named together
     * last before the figure, joined by "and", "et", "と" or a comma. */
    int chain[8], n_chain = 0;
    const struct mention *prev = NULL;
    for (size_t k = 0; k < ms->n; k++) {
        const struct mention *x = &ms->v[k];
        if (x->type != MENTION_COMPANY || !in_span(x, s) || x->end > m->start)
            continue;
        static const char *const joins[] = {"and", "et", "&", ",", "と", "、", NULL};
        size_t a = prev ? ut_skip_spaces(c->t, prev->end) : 0, e = 0;
        bool joined = prev && (e = ut_match_any(c->t, a, joins, NULL)) && ut_skip_spaces(c->t, e) == x->start;
        if (!joined)
            n_chain = 0;
        add_distinct(chain, &n_chain, 8, x->company);
        prev = x;
    }
    if (n_chain >= 2 && prev && prev->company == before) {
        jointly = true;
        memcpy(seen, chain, sizeof(int) * (size_t)n_chain);
        n_seen = n_chain;
    }
    if (n_seen >= 2 && jointly) {
        p->joint = true;
        memcpy(p->joint_companies, seen, sizeof(int) * (size_t)n_seen);
        p->n_joint = n_seen;
        return;
    }
    if (before >= 0) {
        p->company = before;
        return;
    }
    size_t a, b;
    if (new_subject(c, s, m->start, &a, &b)) {
        p->new_company = add_new_company(c, out, a, b);
        if (p->new_company >= 0)
            return;
    }
    if (n_after >= 2) {
        p->joint = true;
        memcpy(p->joint_companies, after, sizeof(int) * (size_t)n_after);
        p->n_joint = n_after;
        return;
    }
    /* "The U.S. tech giant", "the company", "it": the company named last
     * before, known or new. */
    size_t last_end = 0;
    for (size_t k = ms->n; k-- > 0;) {
        const struct mention *x = &ms->v[k];
        if (x->type == MENTION_COMPANY && x->end <= m->start) {
            p->company = x->company;
            last_end = x->end;
            break;
        }
    }
    for (int k = 0; k < out->n_new; k++) {
        const struct new_company *n = &out->new_companies[k];
        if (n->end <= m->start && n->end > last_end) {
            p->company = -1;
            p->new_company = k;
            last_end = n->end;
        }
    }
    if (p->company < 0 && p->new_company < 0)
        p->company = c->main_company;
}

/* --- countries and time -------------------------------------------------------------------- */

static bool locative_before(const struct pledge_context *c, const struct mention *x)
{
    if (c->lang == LANG_JA) {
        uint32_t n = ut_at(c->t, x->end);
        return n == 0x306B /* に */ || n == 0x3067 /* で */ || n == 0x3078 /* へ */;
    }
    static const char *const en[] = {"in", "into", "across", "throughout", NULL};
    static const char *const fr[] = {"au", "aux", "en", "dans", "à", NULL};
    const char *const *list = c->lang == LANG_FR ? fr : en;
    for (int k = 0; list[k]; k++)
        if (ut_match_before(c->t, x->start, list[k]) != SIZE_MAX)
            return true;
    return false;
}

static void assign_country(const struct pledge_context *c, struct span s, const struct mention *m,
                           struct draft_pledge *p)
{
    const char *home = NULL;
    if (p->company >= 0 && c->home)
        home = c->home[p->company];
    int best = -100;
    /* Countries in the sentence, and any inside the figure ("three million Japanese workers"). */
    for (size_t i = m->start; i < m->end; i++) {
        struct mention x;
        if (ut_word_start(c->t, i) && country_read(c->t, i, &x)) {
            memcpy(p->country, x.code, 3);
            best = 1;
            break;
        }
    }
    for (size_t k = 0; k < c->mentions->n; k++) {
        const struct mention *x = &c->mentions->v[k];
        if (x->type != MENTION_COUNTRY || !in_span(x, s))
            continue;
        int score = (locative_before(c, x) ? 2 : 0) - (home && strcmp(home, x->code) == 0 ? 1 : 0);
        if (score > best) {
            best = score;
            memcpy(p->country, x->code, 3);
        }
    }
    /* Else the country named last before it in its paragraph ("Microsoft
     * is investing in Japan. ... The company aims to train ..."). */
    for (size_t k = c->mentions->n; !p->country[0] && k-- > 0;) {
        const struct mention *x = &c->mentions->v[k];
        if (x->end > m->start)
            continue;
        bool same_paragraph = true;
        for (size_t i = x->end; i < m->start && same_paragraph; i++)
            same_paragraph = c->t->cp[i] != '\n';
        if (!same_paragraph)
            break;
        if (x->type == MENTION_COUNTRY)
            memcpy(p->country, x->code, 3);
    }
    /* Else the company's own country when the article names it ("the
     * Japanese conglomerate"), else the article's country. */
    for (size_t k = 0; home && !p->country[0] && k < c->mentions->n; k++) {
        const struct mention *x = &c->mentions->v[k];
        if (x->type == MENTION_COUNTRY && strcmp(x->code, home) == 0)
            memcpy(p->country, home, 3);
    }
    /* A joint pledge of companies from several countries has none of its own. */
    if (!p->country[0] && !p->joint)
        memcpy(p->country, c->main_country, 3);
}

static size_t distance(const struct mention *a, const struct mention *b)
{
    return a->end <= b->start ? b->start - a->end : a->start >= b->end ? a->start - b->end : 0;
}

/* The clause of a sentence that holds m: between the separators (", ",
 * "; ", 、) around it. */
static struct span clause_of(const struct utext *t, struct span s, const struct mention *m)
{
    struct span c = s;
    for (size_t i = m->start; i > s.start; i--) {
        uint32_t x = t->norm[i - 1];
        if (x == 0x3001 || ((x == ',' || x == ';') && ut_at(t, i) == ' ')) {
            c.start = i;
            break;
        }
    }
    for (size_t i = m->end; i < s.end; i++) {
        uint32_t x = t->norm[i];
        if (x == 0x3001 || ((x == ',' || x == ';') && ut_at(t, i + 1) == ' ')) {
            c.end = i;
            break;
        }
    }
    return c;
}

/* The time mention of `type` nearest m inside span a, or NULL. */
static const struct mention *nearest(const struct mentions *ms, enum mention_type type,
                                     struct span a, const struct mention *m)
{
    const struct mention *best = NULL;
    for (size_t k = 0; k < ms->n; k++) {
        const struct mention *x = &ms->v[k];
        if (x->type == type && in_span(x, a) && (!best || distance(x, m) < distance(best, m)))
            best = x;
    }
    return best;
}

/* How long it runs: the duration (or deadline) and the fiscal year of its
 * clause; a fiscal year anywhere in its sentence; a duration elsewhere in
 * the sentence only when the sentence states no other figure ("3年間で" in
 * the clause of the head count is not the yen's). */
static void assign_time(const struct pledge_context *c, struct span s, const struct mention *m,
                        struct draft_pledge *p)
{
    struct span clause = clause_of(c->t, s, m);
    const struct mention *fiscal = nearest(c->mentions, MENTION_FISCAL_YEAR, clause, m);
    if (!fiscal)
        fiscal = nearest(c->mentions, MENTION_FISCAL_YEAR, s, m);
    const struct mention *duration = nearest(c->mentions, MENTION_DURATION, clause, m);
    if (!duration) {
        int figures = 0;
        for (size_t k = 0; k < c->mentions->n; k++) {
            const struct mention *x = &c->mentions->v[k];
            figures += (x->type == MENTION_MONEY || x->type == MENTION_PEOPLE) && in_span(x, s);
        }
        if (figures == 1)
            duration = nearest(c->mentions, MENTION_DURATION, s, m);
    }
    if (fiscal && fiscal->starts_on[0]) {
        memcpy(p->starts_on, fiscal->starts_on, sizeof p->starts_on);
        memcpy(p->ends_on, fiscal->ends_on, sizeof p->ends_on);
    }
    if (duration) {
        p->duration_months = duration->months;
        if (!p->ends_on[0])
            memcpy(p->ends_on, duration->ends_on, sizeof p->ends_on);
    }
}

/* --- merging ------------------------------------------------------------------------------- */

static bool same_money(const struct mention *a, const struct mention *b)
{
    if (strcmp(a->currency, b->currency) != 0)
        return false;
    if (strcmp(a->value, b->value) == 0)
        return true;
    if (a->qualifier != QUAL_ABOUT && b->qualifier != QUAL_ABOUT)
        return false;
    /* "nearly $3 billion" and "$2.9 billion": within a tenth of each other. */
    long double x = strtold(a->value, NULL), y = strtold(b->value, NULL);
    long double d = x > y ? x - y : y - x;
    return d <= (x > y ? x : y) / 10;
}

static bool same_pledge(const struct draft_pledge *a, const struct draft_pledge *b)
{
    if (a->kind != b->kind)
        return false;
    if (!a->money && !a->people && !b->money && !b->people) /* the same lab said twice */
        return a->company == b->company && a->new_company == b->new_company &&
               a->joint == b->joint && strcmp(a->country, b->country) == 0;
    if (a->money && b->money)
        return same_money(a->money, b->money);
    if (a->people && b->people)
        return strcmp(a->people->value, b->people->value) == 0;
    return false;
}

static void merge(struct draft_pledge *into, const struct draft_pledge *p)
{
    /* The body's statement beats a headline's; then an exact one a rough one. */
    bool better = into->headline && !p->headline;
    if (!better && into->headline == p->headline) {
        const struct mention *a = into->money ? into->money : into->people;
        const struct mention *b = p->money ? p->money : p->people;
        better = a && b && a->qualifier == QUAL_ABOUT && b->qualifier == QUAL_NONE;
    }
    if (better) {
        into->money = p->money ? p->money : into->money;
        into->people = p->people ? p->people : into->people;
        into->headline = false;
    }
    if (into->company < 0 && into->new_company < 0 && !into->joint) {
        into->company = p->company;
        into->new_company = p->new_company;
    }
    if (!into->duration_months)
        into->duration_months = p->duration_months;
    if (!into->starts_on[0])
        memcpy(into->starts_on, p->starts_on, sizeof into->starts_on);
    if (!into->ends_on[0])
        memcpy(into->ends_on, p->ends_on, sizeof into->ends_on);
    if (!into->country[0])
        memcpy(into->country, p->country, 3);
    for (int k = 0; k < p->n_evidence && into->n_evidence < DRAFT_EVIDENCE_MAX; k++) {
        bool dup = false;
        for (int j = 0; j < into->n_evidence; j++)
            dup = dup || into->evidence[j] == p->evidence[k];
        if (!dup)
            into->evidence[into->n_evidence++] = p->evidence[k];
    }
}

/* Adds p, or merges it into the pledge it states again; false when memory
 * runs out. */
static bool add_pledge(struct pledge_list *out, size_t *cap, const struct draft_pledge *p)
{
    size_t j = 0;
    while (j < out->n && !same_pledge(&out->v[j], p))
        j++;
    if (j < out->n) {
        merge(&out->v[j], p);
        return true;
    }
    if (out->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        struct draft_pledge *v = realloc(out->v, ncap * sizeof *v);
        if (!v)
            return false;
        out->v = v;
        *cap = ncap;
    }
    out->v[out->n++] = *p;
    return true;
}

/* Pledges with no figure: a sentence that names a company and commits it
 * to a lab, a facility or a partnership, or says it opened one. */
static bool figureless_pledges(const struct pledge_context *c, struct pledge_list *out, size_t *cap)
{
    for (size_t si = 0; si < c->n_sentences; si++) {
        struct span s = c->sentences[si];
        if (sentence_is_headline(c->t, s))
            continue;
        /* The verb that commits (or says it is done), and a company named
         * before it: its subject ("Microsoft will establish", "the
         * Taiwanese TSMC, was inaugurated"; not "... announced, with
         * contributions from IBM, Google and Micron"). */
        size_t verb = SIZE_MAX;
        for (enum cue q = CUE_ANNOUNCE; q <= CUE_DONE; q++) {
            size_t v = cue_at(c->t, s, c->lang, q);
            if (v < verb)
                verb = v;
        }
        bool figure = false, subject = false;
        for (size_t k = 0; k < c->mentions->n; k++) {
            const struct mention *x = &c->mentions->v[k];
            if (!in_span(x, s))
                continue;
            figure = figure || x->type == MENTION_MONEY || x->type == MENTION_PEOPLE;
            subject = subject || (x->type == MENTION_COMPANY && verb != SIZE_MAX && x->end <= verb);
        }
        if (figure || !subject)
            continue;
        struct draft_pledge p = {.company = -1, .new_company = -1};
        size_t at;
        if ((at = cue_at(c->t, s, c->lang, CUE_RESEARCH)) != SIZE_MAX)
            p.kind = KIND_RESEARCH;
        else if ((at = cue_at(c->t, s, c->lang, CUE_FACILITY)) != SIZE_MAX)
            p.kind = KIND_FACILITY;
        else if ((at = cue_at(c->t, s, c->lang, CUE_PARTNERSHIP)) != SIZE_MAX)
            p.kind = KIND_PARTNERSHIP;
        else
            continue;
        p.done = cue_in(c->t, s, c->lang, CUE_DONE);
        struct mention what = {.start = at, .end = at + 1}, who = {.start = verb, .end = verb + 1};
        p.evidence[p.n_evidence++] = si;
        assign_company(c, s, &who, &p, out);
        assign_country(c, s, &what, &p);
        assign_time(c, s, &what, &p);
        if (!add_pledge(out, cap, &p))
            return false;
    }
    return true;
}

/* A duration said apart from its figure: "L'investissement ... est prévu
 * pour les deux prochaines années", "over the next two years, Microsoft is
 * investing in Japan". A sentence with no figure that commits money and
 * gives a duration lends it to the one investment of its company (the
 * company it names, else the article's) that has none; with two such
 * investments it is nobody's. */
static void lend_durations(const struct pledge_context *c, struct pledge_list *out)
{
    for (size_t si = 0; si < c->n_sentences; si++) {
        struct span s = c->sentences[si];
        const struct mention *duration = NULL;
        int company = -1;
        bool figure = false;
        for (size_t k = 0; k < c->mentions->n; k++) {
            const struct mention *x = &c->mentions->v[k];
            if (!in_span(x, s))
                continue;
            figure = figure || x->type == MENTION_MONEY || x->type == MENTION_PEOPLE;
            if (x->type == MENTION_DURATION && x->months && !duration)
                duration = x;
            if (x->type == MENTION_COMPANY && company < 0)
                company = x->company;
        }
        if (figure || !duration || !cue_in(c->t, s, c->lang, CUE_COMMIT))
            continue;
        if (company < 0)
            company = c->main_company;
        struct draft_pledge *only = NULL;
        int candidates = 0;
        for (size_t j = 0; j < out->n; j++) {
            struct draft_pledge *p = &out->v[j];
            if (p->kind == KIND_INVESTMENT && p->money && p->company == company &&
                !p->duration_months && !p->ends_on[0]) {
                only = p;
                candidates++;
            }
        }
        if (candidates == 1) {
            only->duration_months = duration->months;
            if (only->n_evidence < DRAFT_EVIDENCE_MAX)
                only->evidence[only->n_evidence++] = si;
        }
    }
}

bool pledges_build(const struct pledge_context *c, struct pledge_list *out)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    for (size_t k = 0; k < c->mentions->n; k++) {
        const struct mention *m = &c->mentions->v[k];
        if (m->type != MENTION_MONEY && m->type != MENTION_PEOPLE)
            continue;
        /* "would invest $2." (a cut sentence), "$25 a month": amounts this
         * small are no corporate pledge. */
        if (m->type == MENTION_MONEY && strlen(m->value) < 4 && !strchr(m->value, '.'))
            continue;
        if (m->type == MENTION_MONEY && strchr(m->value, '.') && strchr(m->value, '.') - m->value < 4)
            continue;
        size_t si = sentence_of(c->sentences, c->n_sentences, m->start);
        if (si == SIZE_MAX)
            continue;
        struct span s = c->sentences[si];
        struct draft_pledge p = {.company = -1, .new_company = -1};
        bool is_pledge = m->type == MENTION_MONEY ? money_kind(c, s, m, &p.kind)
                                                  : people_kind(c, s, m, &p.kind);
        if (!is_pledge)
            continue;
        if (m->type == MENTION_MONEY)
            p.money = m;
        else
            p.people = m;
        p.evidence[p.n_evidence++] = si;
        p.headline = sentence_is_headline(c->t, s);
        assign_company(c, s, m, &p, out);
        assign_country(c, s, m, &p);
        assign_time(c, s, m, &p);
        if (!add_pledge(out, &cap, &p))
            return false;
    }
    if (!figureless_pledges(c, out, &cap))
        return false;
    lend_durations(c, out);
    return true;
}

void pledge_list_free(struct pledge_list *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}
