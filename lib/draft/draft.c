/* draft — the record proposed for an article (see draft.h): runs the
 * recognisers, picks the article's main company and country, builds the
 * pledges (pledges.c) and writes the answer as JSON. */
#include "draft.h"

#include "buf.h"
#include "pledges.h"
#include "slug.h"
#include "pledge_input.h"
#include "money.h"
#include "date.h"
#include "fiscal.h"
#include "cues.h"

#include <stdlib.h>
#include <string.h>

/* Everything one draft works on, freed together. */
struct work {
    const struct draft_request *req;
    struct utext t;
    enum draft_lang lang;
    struct company_names names;
    struct mentions mentions;
    struct span *sentences;
    size_t n_sentences;
    const char **home;  /* each known company's country */
    int main_company;
    char main_country[3];
    struct pledge_list pledges;
    json_t *warnings;
};

static char *span_text(const struct utext *t, size_t a, size_t b, size_t max_chars)
{
    struct buf out;
    buf_init(&out, 64 * 1024);
    bool cut = b - a > max_chars;
    if (cut) {
        b = a + max_chars - 1;
        while (b > a + max_chars / 2 && t->norm[b] != ' ')
            b--; /* at a word's end */
    }
    utext_append(t, a, b, &out);
    if (cut)
        buf_puts(&out, "\xE2\x80\xA6"); /* … */
    char *s = buf_detach(&out, NULL);
    return s ? s : strdup("");
}

static json_t *text_json(const struct utext *t, size_t a, size_t b, size_t max_chars)
{
    char *s = span_text(t, a, b, max_chars);
    json_t *v = json_string(s ? s : "");
    free(s);
    return v;
}

/* --- headlines ---------------------------------------------------------------------------- */

static bool is_headline(const struct work *w, size_t si)
{
    return sentence_is_headline(&w->t, w->sentences[si]);
}

static bool names_something(const struct work *w, size_t si)
{
    for (size_t k = 0; k < w->mentions.n; k++) {
        const struct mention *m = &w->mentions.v[k];
        if ((m->type == MENTION_COMPANY || m->type == MENTION_MONEY) &&
            sentence_of(w->sentences, w->n_sentences, m->start) == si)
            return true;
    }
    return false;
}

/* The title: among the first lines, the first headline that names a
 * company or an amount ("Post a Comment Print Share" is none), else the
 * first headline, else the first sentence. */
static size_t title_sentence(const struct work *w)
{
    size_t first_headline = SIZE_MAX;
    for (size_t si = 0; si < w->n_sentences && si < 6; si++) {
        if (!is_headline(w, si))
            continue;
        if (names_something(w, si))
            return si;
        if (first_headline == SIZE_MAX)
            first_headline = si;
    }
    return first_headline != SIZE_MAX ? first_headline : 0;
}

/* The sentence that best states a pledge: its first evidence that is no
 * headline, else its first. */
static size_t main_sentence(const struct work *w, const struct draft_pledge *p)
{
    for (int k = 0; k < p->n_evidence; k++)
        if (!is_headline(w, p->evidence[k]))
            return p->evidence[k];
    return p->evidence[0];
}

/* --- the main company, country and fiscal years ------------------------------------------------ */

static void choose_main(struct work *w)
{
    size_t n = w->req->n_companies;
    int best = -1, best_count = 0;
    int *count = calloc(n ? n : 1, sizeof *count);
    for (size_t k = 0; count && k < w->mentions.n; k++) {
        const struct mention *m = &w->mentions.v[k];
        if (m->type == MENTION_COMPANY && ++count[m->company] > best_count) {
            best_count = count[m->company];
            best = m->company;
        }
    }
    free(count);
    w->main_company = best;
    const char *home = best >= 0 ? w->home[best] : NULL;
    /* The commonest country, the company's home country counting only
     * when no other is named. */
    char codes[64][3];
    int counts[64], n_codes = 0, top = -1;
    for (size_t k = 0; k < w->mentions.n; k++) {
        const struct mention *m = &w->mentions.v[k];
        if (m->type != MENTION_COUNTRY)
            continue;
        int j = 0;
        while (j < n_codes && strcmp(codes[j], m->code) != 0)
            j++;
        if (j == n_codes) {
            if (n_codes == 64)
                continue;
            memcpy(codes[n_codes], m->code, 3);
            counts[n_codes++] = 0;
        }
        counts[j] += home && strcmp(home, m->code) == 0 ? 1 : 4;
        if (top < 0 || counts[j] > counts[top])
            top = j;
    }
    w->main_country[0] = '\0';
    if (top >= 0)
        memcpy(w->main_country, codes[top], 3);
    /* Fiscal years follow the main company's country. */
    for (size_t k = 0; k < w->mentions.n; k++) {
        struct mention *m = &w->mentions.v[k];
        if (m->type == MENTION_FISCAL_YEAR && !m->starts_on[0])
            fiscal_dates(home, m->year, m->year2, m->starts_on, m->ends_on);
    }
}

/* --- JSON ---------------------------------------------------------------------------------- */

static json_t *qualifier_json(enum qualifier q)
{
    return qualifier_name(q) ? json_string(qualifier_name(q)) : json_null();
}

static const char *new_company_slug(const struct work *w, int k, char slug[SLUG_MAX + 1])
{
    const struct new_company *n = &w->pledges.new_companies[k];
    char *name = span_text(&w->t, n->start, n->end, 200);
    bool ok = name && slug_from_name(name, slug);
    free(name);
    return ok ? slug : NULL;
}

static json_t *mention_json(const struct work *w, const struct mention *m)
{
    json_t *o = json_pack("{s:s, s:o, s:I, s:I}", "type", mention_type_name(m->type), "text",
                          text_json(&w->t, m->start, m->end, 2000), "start", (json_int_t)m->start,
                          "end", (json_int_t)m->end);
    switch (m->type) {
    case MENTION_MONEY:
        json_object_set_new(o, "value", json_string(m->value));
        json_object_set_new(o, "currency", json_string(m->currency));
        json_object_set_new(o, "qualifier", qualifier_json(m->qualifier));
        if (m->range_to[0])
            json_object_set_new(o, "range_to", json_string(m->range_to));
        if (m->stated_usd[0])
            json_object_set_new(o, "stated_usd", json_string(m->stated_usd));
        break;
    case MENTION_PEOPLE:
        json_object_set_new(o, "value", json_integer(strtoll(m->value, NULL, 10)));
        json_object_set_new(o, "qualifier", qualifier_json(m->qualifier));
        break;
    case MENTION_DURATION:
        json_object_set_new(o, "months", m->months ? json_integer(m->months) : json_null());
        if (m->ends_on[0])
            json_object_set_new(o, "ends_on", json_string(m->ends_on));
        break;
    case MENTION_FISCAL_YEAR:
        json_object_set_new(o, "year", json_integer(m->year));
        json_object_set_new(o, "starts_on", m->starts_on[0] ? json_string(m->starts_on) : json_null());
        json_object_set_new(o, "ends_on", m->ends_on[0] ? json_string(m->ends_on) : json_null());
        break;
    case MENTION_DATE:
        json_object_set_new(o, "value", json_string(m->date));
        json_object_set_new(o, "precision", json_string(precision_name(m->precision)));
        break;
    case MENTION_COUNTRY:
        json_object_set_new(o, "code", json_string(m->code));
        break;
    case MENTION_COMPANY:
        json_object_set_new(o, "slug", json_string(w->req->companies[m->company].slug));
        break;
    }
    return o;
}

static int by_start(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "start"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "start"));
    return x < y ? -1 : x > y;
}

static json_t *mentions_json(const struct work *w)
{
    size_t n = w->mentions.n + (size_t)w->pledges.n_new;
    json_t **items = malloc((n ? n : 1) * sizeof *items);
    if (!items)
        return json_array();
    size_t k = 0;
    for (size_t j = 0; j < w->mentions.n; j++)
        items[k++] = mention_json(w, &w->mentions.v[j]);
    for (int j = 0; j < w->pledges.n_new; j++) {
        const struct new_company *c = &w->pledges.new_companies[j];
        items[k++] = json_pack("{s:s, s:o, s:I, s:I, s:o}", "type", "company", "text",
                               text_json(&w->t, c->start, c->end, 200), "start",
                               (json_int_t)c->start, "end", (json_int_t)c->end, "name",
                               text_json(&w->t, c->start, c->end, 200));
    }
    qsort(items, k, sizeof *items, by_start);
    json_t *a = json_array();
    for (size_t j = 0; j < k; j++)
        json_array_append_new(a, items[j]);
    free(items);
    return a;
}

/* The slug a pledge's company goes by in the announcement, or NULL. */
static const char *pledge_slug(const struct work *w, const struct draft_pledge *p,
                               char buf[SLUG_MAX + 1])
{
    if (p->company >= 0)
        return w->req->companies[p->company].slug;
    if (p->new_company >= 0)
        return new_company_slug(w, p->new_company, buf);
    return NULL;
}

static void add_unique(json_t *a, const char *s)
{
    size_t k;
    json_t *v;
    json_array_foreach(a, k, v) if (strcmp(json_string_value(v), s) == 0) return;
    json_array_append_new(a, json_string(s));
}

static json_t *pledge_json(struct work *w, const struct draft_pledge *p, size_t n_companies)
{
    const struct utext *t = &w->t;
    struct span s = w->sentences[main_sentence(w, p)];
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(draft_kind_name(p->kind)));
    char slug[SLUG_MAX + 1];
    const char *company = pledge_slug(w, p, slug);
    json_object_set_new(o, "company", company && (!p->joint || n_companies == 1) ? json_string(company)
                                                                                  : json_null());
    json_object_set_new(o, "description", text_json(t, s.start, s.end, 500));
    if (p->country[0])
        json_object_set_new(o, "country", json_string(p->country));
    if (p->money) {
        const struct currency *c = currency_find(p->money->currency);
        uint64_t minor;
        char why[128];
        if (c && money_parse(p->money->value, c, &minor, why, sizeof why)) {
            json_object_set_new(o, "amount", json_pack("{s:s, s:s}", "currency", p->money->currency,
                                                       "value", p->money->value));
            if (p->money->qualifier != QUAL_NONE)
                json_object_set_new(o, "amount_qualifier", qualifier_json(p->money->qualifier));
            if (p->money->range_to[0]) {
                char *said = span_text(&w->t, p->money->start, p->money->end, 200);
                json_array_append_new(w->warnings,
                                      json_sprintf("\"%s\" is a range: recorded as at least %s %s (its "
                                                   "upper bound, %s, is in the mention)",
                                                   said ? said : "", p->money->value,
                                                   p->money->currency, p->money->range_to));
                free(said);
            }
        } else {
            json_array_append_new(w->warnings,
                                  json_sprintf("the amount %s %s cannot be recorded: %s",
                                               p->money->value, p->money->currency,
                                               c ? why : "an unknown currency"));
        }
    }
    if (p->people) {
        json_object_set_new(o, "people", json_integer(strtoll(p->people->value, NULL, 10)));
        if (p->people->qualifier != QUAL_NONE)
            json_object_set_new(o, "people_qualifier", qualifier_json(p->people->qualifier));
    }
    if (p->duration_months)
        json_object_set_new(o, "duration_months", json_integer(p->duration_months));
    if (p->starts_on[0])
        json_object_set_new(o, "starts_on", json_string(p->starts_on));
    if (p->ends_on[0])
        json_object_set_new(o, "ends_on", json_string(p->ends_on));
    json_object_set_new(o, "status", json_string(p->done ? "fulfilled" : "announced"));
    json_t *evidence = json_array();
    for (int k = 0; k < p->n_evidence && w->req->url; k++) {
        struct span e = w->sentences[p->evidence[k]];
        if (e.end - e.start <= QUOTE_MAX)
            json_array_append_new(evidence, json_pack("{s:s, s:o}", "source", w->req->url, "quote",
                                                      text_json(t, e.start, e.end, QUOTE_MAX)));
    }
    json_object_set_new(o, "evidence", evidence);
    return o;
}

/* The day the announcement was made: a date in a sentence that announces
 * a pledge, then in any of the first sentences that announce, then the
 * article's own date. */
static void announced_on(struct work *w, json_t *ann)
{
    const struct mention *found = NULL;
    for (int pass = 0; pass < 2 && !found; pass++) {
        for (size_t k = 0; k < w->mentions.n && !found; k++) {
            const struct mention *m = &w->mentions.v[k];
            if (m->type != MENTION_DATE)
                continue;
            size_t si = sentence_of(w->sentences, w->n_sentences, m->start);
            if (si == SIZE_MAX || !cue_in(&w->t, w->sentences[si], w->lang, CUE_ANNOUNCE))
                continue;
            bool holds_pledge = false;
            for (size_t p = 0; p < w->pledges.n; p++)
                for (int e = 0; e < w->pledges.v[p].n_evidence; e++)
                    holds_pledge = holds_pledge || w->pledges.v[p].evidence[e] == si;
            if (pass == 0 ? holds_pledge : si < 6)
                found = m;
        }
    }
    if (found) {
        json_object_set_new(ann, "announced_on", json_string(found->date));
        json_object_set_new(ann, "announced_on_precision", json_string(precision_name(found->precision)));
    } else if (w->req->published_on[0]) {
        json_object_set_new(ann, "announced_on", json_string(w->req->published_on));
        json_object_set_new(ann, "announced_on_precision", json_string("day"));
        json_array_append_new(w->warnings, json_string("announced_on is the article's date: the text "
                                                       "gives no date of the announcement"));
    } else {
        json_object_set_new(ann, "announced_on", json_null());
        json_object_set_new(ann, "announced_on_precision", json_string("day"));
        json_array_append_new(w->warnings, json_string("no date found: set announced_on (or send "
                                                       "published_on)"));
    }
}

static json_t *announcement_json(struct work *w)
{
    const struct draft_request *req = w->req;
    const struct utext *t = &w->t;
    json_t *ann = json_object();
    if (req->title) {
        json_object_set_new(ann, "title", json_string(req->title));
    } else {
        struct span ts = w->sentences[title_sentence(w)];
        json_object_set_new(ann, "title", text_json(t, ts.start, ts.end, TITLE_MAX));
    }
    announced_on(w, ann);
    /* Companies: those of the pledges (a joint pledge's all), else the main one. */
    json_t *companies = json_array(), *countries = json_array();
    for (size_t k = 0; k < w->pledges.n; k++) {
        const struct draft_pledge *p = &w->pledges.v[k];
        char slug[SLUG_MAX + 1];
        const char *s = pledge_slug(w, p, slug);
        if (s && !p->joint)
            add_unique(companies, s);
        for (int j = 0; j < p->n_joint; j++)
            add_unique(companies, req->companies[p->joint_companies[j]].slug);
        if (p->country[0])
            add_unique(countries, p->country);
    }
    if (json_array_size(companies) == 0 && w->main_company >= 0)
        add_unique(companies, req->companies[w->main_company].slug);
    if (json_array_size(countries) == 0 && w->main_country[0])
        add_unique(countries, w->main_country);
    for (int k = 0; k < w->pledges.n_new; k++) {
        char slug[SLUG_MAX + 1];
        if (!new_company_slug(w, k, slug)) {
            char *name = span_text(t, w->pledges.new_companies[k].start, w->pledges.new_companies[k].end, 200);
            json_array_append_new(w->warnings, json_sprintf("give the new company \"%s\" a slug, "
                                                            "and name it in companies", name ? name : ""));
            free(name);
        }
    }
    json_object_set_new(ann, "companies", companies);
    json_object_set_new(ann, "countries", countries);
    /* The summary: the sentence of the first pledge, else the first after the title. */
    size_t summary = SIZE_MAX;
    if (w->pledges.n) {
        summary = main_sentence(w, &w->pledges.v[0]);
    } else {
        for (size_t si = 0; si < w->n_sentences && summary == SIZE_MAX; si++)
            if (!is_headline(w, si))
                summary = si;
    }
    if (summary != SIZE_MAX)
        json_object_set_new(ann, "summary", text_json(t, w->sentences[summary].start,
                                                      w->sentences[summary].end, SUMMARY_MAX));
    json_t *sources = json_array();
    if (req->url) {
        json_t *src = json_pack("{s:s, s:s}", "url", req->url, "language", draft_lang_code(w->lang));
        if (req->title)
            json_object_set_new(src, "title", json_string(req->title));
        if (req->publisher)
            json_object_set_new(src, "publisher", json_string(req->publisher));
        if (req->published_on[0])
            json_object_set_new(src, "published_on", json_string(req->published_on));
        json_array_append_new(sources, src);
    } else {
        json_array_append_new(w->warnings, json_string("no url: the draft has no source and its "
                                                       "pledges no evidence"));
    }
    json_object_set_new(ann, "sources", sources);
    json_t *pledges = json_array();
    size_t n_companies = json_array_size(companies);
    for (size_t k = 0; k < w->pledges.n && k < ANN_PLEDGES_MAX; k++)
        json_array_append_new(pledges, pledge_json(w, &w->pledges.v[k], n_companies));
    json_object_set_new(ann, "pledges", pledges);
    if (w->pledges.n == 0)
        json_array_append_new(w->warnings, json_string("no pledge found: no sentence commits money, "
                                                       "training or hiring with a figure"));
    return ann;
}

static json_t *new_companies_json(const struct work *w)
{
    json_t *a = json_array();
    for (int k = 0; k < w->pledges.n_new; k++) {
        const struct new_company *n = &w->pledges.new_companies[k];
        char slug[SLUG_MAX + 1];
        const char *s = new_company_slug(w, k, slug);
        json_array_append_new(a, json_pack("{s:o, s:o, s:I, s:I}", "name",
                                           text_json(&w->t, n->start, n->end, 200), "slug",
                                           s ? json_string(s) : json_null(), "start",
                                           (json_int_t)n->start, "end", (json_int_t)n->end));
    }
    return a;
}

/* --- the draft ----------------------------------------------------------------------------- */

static void work_free(struct work *w)
{
    utext_free(&w->t);
    company_names_free(&w->names);
    mentions_free(&w->mentions);
    free(w->sentences);
    free(w->home);
    pledge_list_free(&w->pledges);
    json_decref(w->warnings);
}

enum draft_status draft_build(const struct draft_request *req, json_t **out)
{
    struct work w;
    memset(&w, 0, sizeof w);
    w.req = req;
    *out = NULL;
    if (!utext_from_utf8(&w.t, req->text, req->text_len))
        return DRAFT_INVALID_UTF8;
    if (ut_skip_spaces(&w.t, 0) == w.t.n) {
        utext_free(&w.t);
        return DRAFT_EMPTY;
    }
    enum draft_status status = DRAFT_NO_MEMORY;
    w.lang = req->language_given ? req->language : draft_detect_language(&w.t);
    w.warnings = json_array();
    w.home = calloc(req->n_companies ? req->n_companies : 1, sizeof *w.home);
    if (!w.warnings || !w.home)
        goto done;
    for (size_t k = 0; k < req->n_companies; k++) {
        const struct draft_company *c = &req->companies[k];
        w.home[k] = c->country;
        company_names_add(&w.names, c->name, (int)k);
        for (size_t j = 0; j < c->n_aliases; j++)
            company_names_add(&w.names, c->aliases[j], (int)k);
    }
    struct draft_scan scan = {.lang = w.lang, .companies = &w.names};
    if (req->published_on[0])
        date_parse(req->published_on, &scan.published.year, &scan.published.month, &scan.published.day);
    if (!draft_extract(&w.t, &scan, &w.mentions))
        goto done;
    w.n_sentences = sentences_split(&w.t, &w.sentences);
    if (w.n_sentences == SIZE_MAX) {
        w.sentences = NULL;
        goto done;
    }
    choose_main(&w);
    struct pledge_context pc = {&w.t, w.lang, &w.mentions, w.sentences, w.n_sentences,
                                w.main_company, w.home, ""};
    memcpy(pc.main_country, w.main_country, 3);
    if (!pledges_build(&pc, &w.pledges))
        goto done;
    json_t *ann = announcement_json(&w);
    *out = json_pack("{s:s, s:o, s:o, s:o, s:O}", "language", draft_lang_code(w.lang),
                     "announcement", ann, "new_companies", new_companies_json(&w), "mentions",
                     mentions_json(&w), "warnings", w.warnings);
    if (w.mentions.full)
        json_array_append_new(w.warnings, json_sprintf("only the first %d figures were read", MENTIONS_MAX));
    status = *out ? DRAFT_OK : DRAFT_NO_MEMORY;
done:
    work_free(&w);
    return status;
}
