/* drafts — a draft with its companies and matches from the database (see
 * drafts.h). */
#include "drafts.h"

#include "draft/match.h"
#include "page.h"
#include "money.h"
#include "pledge_input.h"

#include <stdlib.h>
#include <string.h>

/* ---- the known companies ---------------------------------------------------------------- */

struct known {
    struct draft_company *v;
    size_t n, cap;
    json_t *keep; /* the aliases arrays and copies of the strings, released together */
};

static bool add_company(void *ctx, const char *slug, const char *name, const char *country,
                        const char *aliases_json)
{
    struct known *k = ctx;
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 64;
        struct draft_company *v = realloc(k->v, cap * sizeof *v);
        if (!v)
            return false;
        k->v = v;
        k->cap = cap;
    }
    /* The strings live in JSON values kept until the draft is done. */
    json_t *item = json_pack("{s:s, s:s, s:s}", "slug", slug, "name", name, "country", country);
    json_t *aliases = aliases_json ? json_loads(aliases_json, 0, NULL) : NULL;
    if (!item) {
        json_decref(aliases);
        return false;
    }
    size_t n_aliases = json_is_array(aliases) ? json_array_size(aliases) : 0;
    const char **names = n_aliases ? calloc(n_aliases, sizeof *names) : NULL;
    for (size_t i = 0; names && i < n_aliases; i++)
        names[i] = json_string_value(json_array_get(aliases, i));
    json_object_set_new(item, "aliases", aliases ? aliases : json_array());
    json_array_append_new(k->keep, item);
    /* The alias pointers' array is freed with the list (known_free). */
    k->v[k->n++] = (struct draft_company){
        json_string_value(json_object_get(item, "slug")),
        json_string_value(json_object_get(item, "name")),
        country[0] ? json_string_value(json_object_get(item, "country")) : NULL,
        names, names ? n_aliases : 0};
    return true;
}

static enum store_status load_known(struct db *db, struct known *k)
{
    return store_company_name_each(db, add_company, k);
}

static void known_free(struct known *k)
{
    for (size_t i = 0; i < k->n; i++)
        free((void *)k->v[i].aliases);
    free(k->v);
    json_decref(k->keep);
}

/* ---- the draft's side of a match ----------------------------------------------------------- */

#define SIDE_MAX 64

struct side {
    struct match_side s;
    const char *companies[ANN_COMPANIES_MAX];
    char countries[ANN_COUNTRIES_MAX][3];
    struct match_amount amounts[SIDE_MAX];
    int64_t people[SIDE_MAX];
    const char *urls[ANN_SOURCES_MAX];
};

static void amount_of(const json_t *amount, struct side *d)
{
    const char *code = json_string_value(json_object_get(amount, "currency"));
    const char *value = json_string_value(json_object_get(amount, "value"));
    const struct currency *c = code ? currency_find(code) : NULL;
    uint64_t minor;
    char why[128];
    if (c && value && d->s.n_amounts < SIDE_MAX && money_parse(value, c, &minor, why, sizeof why)) {
        struct match_amount *a = &d->amounts[d->s.n_amounts++];
        memcpy(a->currency, c->code, 4);
        a->minor = minor;
    }
}

/* The draft's announcement as one side (pointers into ann). */
static void draft_side(const json_t *ann, struct side *d)
{
    memset(d, 0, sizeof *d);
    d->s.title = json_string_value(json_object_get(ann, "title"));
    const char *on = json_string_value(json_object_get(ann, "announced_on"));
    d->s.announced_on = on ? on : "";
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(ann, "companies"), i, v) if (i < ANN_COMPANIES_MAX)
        d->companies[d->s.n_companies++] = json_string_value(v);
    json_array_foreach(json_object_get(ann, "countries"), i, v) if (i < ANN_COUNTRIES_MAX)
        memcpy(d->countries[d->s.n_countries++], json_string_value(v), 3);
    json_array_foreach(json_object_get(ann, "sources"), i, v) if (i < ANN_SOURCES_MAX)
        d->urls[d->s.n_urls++] = json_string_value(json_object_get(v, "url"));
    json_array_foreach(json_object_get(ann, "pledges"), i, v) {
        if (json_object_get(v, "amount"))
            amount_of(json_object_get(v, "amount"), d);
        if (json_is_integer(json_object_get(v, "people")) && d->s.n_people < SIDE_MAX)
            d->people[d->s.n_people++] = json_integer_value(json_object_get(v, "people"));
    }
    d->s.companies = d->companies;
    d->s.countries = (const char(*)[3])d->countries;
    d->s.amounts = d->amounts;
    d->s.people = d->people;
    d->s.urls = d->urls;
}

static void stored_side(const struct store_announcement *a, struct side *c)
{
    memset(c, 0, sizeof *c);
    c->s.title = a->title;
    c->s.announced_on = a->announced_on;
    for (size_t i = 0; i < a->n_companies; i++)
        c->companies[c->s.n_companies++] = a->companies[i];
    for (size_t i = 0; i < a->n_countries; i++)
        memcpy(c->countries[c->s.n_countries++], a->countries[i], 3);
    for (size_t i = 0; i < a->n_sources; i++)
        c->urls[c->s.n_urls++] = a->sources[i].url;
    for (size_t i = 0; i < a->n_pledges; i++) {
        const struct store_pledge *p = &a->pledges[i];
        if (p->currency[0] && c->s.n_amounts < SIDE_MAX) {
            struct match_amount *m = &c->amounts[c->s.n_amounts++];
            memcpy(m->currency, p->currency, 4);
            m->minor = (uint64_t)p->amount_minor;
        }
        if (p->has_people && c->s.n_people < SIDE_MAX)
            c->people[c->s.n_people++] = p->people;
    }
    c->s.companies = c->companies;
    c->s.countries = (const char(*)[3])c->countries;
    c->s.amounts = c->amounts;
    c->s.people = c->people;
    c->s.urls = c->urls;
}

/* ---- candidates ---------------------------------------------------------------------------- */

#define CANDIDATES_MAX 100

struct candidates {
    int64_t ids[CANDIDATES_MAX];
    size_t n;
};

static bool add_candidate(void *ctx, const struct store_announcement *a)
{
    struct candidates *c = ctx;
    for (size_t i = 0; i < c->n; i++)
        if (c->ids[i] == a->id)
            return true;
    if (c->n < CANDIDATES_MAX)
        c->ids[c->n++] = a->id;
    return true;
}

/* The announcements that could be the draft's: those of its companies
 * within 60 days of its date (any date when it has none), and the one
 * that already has its URL. */
static enum store_status find_candidates(struct db *db, const struct side *d, struct candidates *c)
{
    for (size_t i = 0; i < d->s.n_urls; i++) {
        int64_t owner;
        enum store_status st = store_source_owner(db, d->urls[i], 0, &owner);
        if (st == STORE_OK && c->n < CANDIDATES_MAX)
            c->ids[c->n++] = owner;
        else if (st != STORE_NOT_FOUND)
            return st;
    }
    for (size_t i = 0; i < d->s.n_companies; i++) {
        struct record_filter f = {.target = FILTER_ANNOUNCEMENTS, .company = d->companies[i],
                                  .min_usd = -1, .max_usd = -1, .approximate = -1};
        if (d->s.announced_on[0]) {
            date_add_days(d->s.announced_on, -60, f.from);
            date_add_days(d->s.announced_on, 60, f.to);
        }
        struct page pg = {.n_keys = 1, .limit = 50, .desc = {true}};
        pg.keys[0] = &store_announcement_sorts[0]; /* announced_on, latest first */
        struct page_end end;
        enum store_status st = store_announcement_list(db, &f, &pg, add_candidate, c, &end);
        json_decref(end.next_after);
        if (st != STORE_OK)
            return st;
    }
    return STORE_OK;
}

/* ---- the proposal -------------------------------------------------------------------------- */

static json_t *source_json(const struct store_source *s)
{
    json_t *o = json_pack("{s:s}", "url", s->url);
    if (s->publisher)
        json_object_set_new(o, "publisher", json_string(s->publisher));
    if (s->title)
        json_object_set_new(o, "title", json_string(s->title));
    if (s->language[0])
        json_object_set_new(o, "language", json_string(s->language));
    if (s->published_on[0])
        json_object_set_new(o, "published_on", json_string(s->published_on));
    return o;
}

/* The stored pledge a draft pledge states again: same kind, and the same
 * amount or head count. */
static const struct store_pledge *same_pledge(const struct store_announcement *a, const json_t *dp)
{
    const char *kind = json_string_value(json_object_get(dp, "kind"));
    struct side one;
    memset(&one, 0, sizeof one);
    if (json_object_get(dp, "amount"))
        amount_of(json_object_get(dp, "amount"), &one);
    json_t *people = json_object_get(dp, "people");
    for (size_t i = 0; i < a->n_pledges; i++) {
        const struct store_pledge *p = &a->pledges[i];
        if (!kind || strcmp(p->kind, kind) != 0)
            continue;
        if (one.s.n_amounts && p->currency[0]) {
            struct match_amount m;
            memcpy(m.currency, p->currency, 4);
            m.minor = (uint64_t)p->amount_minor;
            if (match_same_amount(&one.amounts[0], &m))
                return p;
        }
        if (json_is_integer(people) && p->has_people && p->people == json_integer_value(people))
            return p;
    }
    return NULL;
}

/* {"action": "add_source", "announcement_id", "announcement": {patch},
 * "pledges": [{"pledge_id", "patch"}]}: the merge-patches that file the
 * article under the matched announcement. */
static json_t *proposal_json(const struct store_announcement *a, const json_t *ann)
{
    json_t *sources = json_array();
    for (size_t i = 0; i < a->n_sources; i++)
        json_array_append_new(sources, source_json(&a->sources[i]));
    json_t *mine = json_array_get(json_object_get(ann, "sources"), 0);
    if (mine && json_array_size(sources) < ANN_SOURCES_MAX)
        json_array_append(sources, mine);
    json_t *pledges = json_array();
    size_t i;
    json_t *dp;
    json_array_foreach(json_object_get(ann, "pledges"), i, dp) {
        const struct store_pledge *p = same_pledge(a, dp);
        if (!p)
            continue;
        json_t *evidence = p->evidence ? json_loads(p->evidence, 0, NULL) : NULL;
        if (!json_is_array(evidence)) {
            json_decref(evidence);
            evidence = json_array();
        }
        size_t j;
        json_t *e;
        json_array_foreach(json_object_get(dp, "evidence"), j, e) if (json_array_size(evidence) < EVIDENCE_MAX)
            json_array_append(evidence, e);
        json_array_append_new(pledges, json_pack("{s:I, s:{s:o}}", "pledge_id", (json_int_t)p->id,
                                                 "patch", "evidence", evidence));
    }
    return json_pack("{s:s, s:I, s:{s:o}, s:o}", "action", "add_source", "announcement_id",
                     (json_int_t)a->id, "announcement", "sources", sources, "pledges", pledges);
}

/* ---- matches ------------------------------------------------------------------------------- */

struct scored {
    int64_t id;
    double score;
    json_t *reasons;
};

static int by_score(const void *pa, const void *pb)
{
    const struct scored *a = pa, *b = pb;
    return a->score < b->score ? 1 : a->score > b->score ? -1 : (a->id > b->id) - (a->id < b->id);
}

static enum store_status add_matches(struct db *db, json_t *draft)
{
    json_t *ann = json_object_get(draft, "announcement");
    struct side d;
    draft_side(ann, &d);
    struct candidates c = {.n = 0};
    enum store_status st = find_candidates(db, &d, &c);
    struct scored scored[CANDIDATES_MAX];
    size_t n = 0;
    for (size_t i = 0; st == STORE_OK && i < c.n; i++) {
        struct store_announcement a;
        st = store_announcement_get(db, c.ids[i], true, &a);
        if (st == STORE_NOT_FOUND) {
            st = STORE_OK;
            continue;
        }
        if (st != STORE_OK)
            break;
        struct side s;
        stored_side(&a, &s);
        json_t *reasons = json_array();
        double score = match_score(&d.s, &s.s, reasons);
        store_announcement_free(&a);
        if (score >= 0.3)
            scored[n++] = (struct scored){c.ids[i], score, reasons};
        else
            json_decref(reasons);
    }
    qsort(scored, n, sizeof *scored, by_score);
    json_t *matches = json_array();
    for (size_t i = 0; i < n; i++) {
        if (i < 5)
            json_array_append_new(matches, json_pack("{s:I, s:f, s:O}", "announcement_id",
                                                     (json_int_t)scored[i].id, "score",
                                                     (double)(int)(scored[i].score * 100 + 0.5) / 100,
                                                     "reasons", scored[i].reasons));
        json_decref(scored[i].reasons);
    }
    json_object_set_new(draft, "matches", matches);
    json_t *proposal = NULL;
    if (st == STORE_OK && n && scored[0].score >= MATCH_PROPOSE) {
        struct store_announcement a;
        st = store_announcement_get(db, scored[0].id, true, &a);
        if (st == STORE_OK) {
            proposal = proposal_json(&a, ann);
            store_announcement_free(&a);
        }
    }
    json_object_set_new(draft, "proposal", proposal ? proposal : json_pack("{s:s}", "action", "create"));
    return st;
}

enum store_status drafts_answer(struct db *db, struct draft_request *req, json_t **out,
                                const char **why)
{
    *out = NULL;
    *why = NULL;
    struct known k = {.keep = json_array()};
    enum store_status st = load_known(db, &k);
    if (st == STORE_OK) {
        req->companies = k.v;
        req->n_companies = k.n;
        switch (draft_build(req, out)) {
        case DRAFT_OK:
            st = add_matches(db, *out);
            break;
        case DRAFT_INVALID_UTF8:
            *why = "is not valid UTF-8";
            st = STORE_ABORTED;
            break;
        case DRAFT_EMPTY:
            *why = "must not be empty";
            st = STORE_ABORTED;
            break;
        case DRAFT_NO_MEMORY:
            st = STORE_ERROR;
            break;
        }
    }
    req->companies = NULL;
    req->n_companies = 0;
    if (st != STORE_OK) {
        json_decref(*out);
        *out = NULL;
    }
    known_free(&k);
    return st;
}
