/* render — stored records as the API's JSON (see render.h). */
#include "render.h"

#include "iso4217.h"
#include "jsonw.h"
#include "money.h"

#include <string.h>

static json_t *text_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* version, created_by, updated_by (issue 14). */
static void stamp_json(json_t *obj, const struct store_stamp *s)
{
    json_object_set_new(obj, "version", json_integer(s->version));
    json_object_set_new(obj, "created_by", text_or_null(s->created_by));
    json_object_set_new(obj, "updated_by", text_or_null(s->updated_by));
}

json_t *usd_json(__int128 cents)
{
    char text[MONEY_TEXT];
    money_format((money_u128)(cents < 0 ? 0 : cents), 2, text);
    return json_pack("{s:s, s:s}", "currency", "USD", "value", text);
}

json_t *company_json(const struct store_company *c)
{
    json_t *aliases = c->aliases ? json_loads(c->aliases, 0, NULL) : NULL;
    if (!json_is_array(aliases)) {
        json_decref(aliases);
        aliases = json_array();
    }
    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:I, s:I, s:o, s:o, s:s, s:s, s:I, s:o, s:o}",
                     "slug", c->slug, "name", text_or_null(c->name),
                     "country", text_or_null(c->country), "website", text_or_null(c->website),
                     "aliases", aliases, "pledge_count", (json_int_t)c->pledge_count,
                     "announcement_count", (json_int_t)c->announcement_count,
                     "total_usd", usd_json(c->totals.committed),
                     "targets_usd", usd_json(c->totals.targets),
                     "created_at", c->created_at, "updated_at", c->updated_at,
                     "version", (json_int_t)c->stamp.version,
                     "created_by", text_or_null(c->stamp.created_by),
                     "updated_by", text_or_null(c->stamp.updated_by));
}

/* A stored JSON array (evidence), or [] when it does not parse. */
static json_t *array_of(const char *text)
{
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    if (json_is_array(v))
        return v;
    json_decref(v);
    return json_array();
}

json_t *pledge_json(const struct store_pledge *s)
{
    json_t *p = json_object();
    json_object_set_new(p, "id", json_integer(s->id));
    json_object_set_new(p, "announcement_id", json_integer(s->announcement_id));
    json_object_set_new(p, "announced_on", text_or_null(s->announced_on));
    json_object_set_new(p, "announced_on_precision", text_or_null(s->precision));
    json_object_set_new(p, "company", text_or_null(s->company));
    json_object_set_new(p, "kind", text_or_null(s->kind));
    json_object_set_new(p, "description", text_or_null(s->description));
    json_object_set_new(p, "country", text_or_null(s->country));
    const struct currency *c = s->currency[0] ? currency_find(s->currency) : NULL;
    if (c) {
        char text[MONEY_TEXT];
        money_format((money_u128)s->amount_minor, c->minor_units, text);
        json_object_set_new(p, "amount", json_pack("{s:s, s:s}", "currency", c->code, "value", text));
    } else {
        json_object_set_new(p, "amount", json_null());
    }
    json_object_set_new(p, "amount_qualifier", text_or_null(s->amount_qualifier));
    if (s->usd_known) {
        json_t *usd = usd_json(s->usd_cents);
        json_object_set_new(usd, "rate", text_or_null(s->usd_rate));
        json_object_set_new(usd, "rate_date", text_or_null(s->usd_rate_date));
        json_object_set_new(usd, "rate_source", text_or_null(s->usd_rate_source));
        json_object_set_new(p, "amount_usd", usd);
    } else {
        json_object_set_new(p, "amount_usd", json_null());
        if (c)
            json_object_set_new(p, "amount_usd_error", text_or_null(s->usd_error));
    }
    json_object_set_new(p, "people", s->has_people ? json_integer(s->people) : json_null());
    json_object_set_new(p, "people_qualifier", text_or_null(s->people_qualifier));
    json_object_set_new(p, "starts_on", text_or_null(s->starts_on));
    json_object_set_new(p, "ends_on", text_or_null(s->ends_on));
    json_object_set_new(p, "duration_months",
                        s->has_duration ? json_integer(s->duration_months) : json_null());
    json_object_set_new(p, "status", text_or_null(s->status));
    json_object_set_new(p, "evidence", array_of(s->evidence));
    json_object_set_new(p, "created_at", text_or_null(s->created_at));
    json_object_set_new(p, "updated_at", text_or_null(s->updated_at));
    stamp_json(p, &s->stamp);
    return p;
}

json_t *announcement_json(const struct store_announcement *a, bool with_pledges)
{
    json_t *o = json_object(), *companies = json_array(), *countries = json_array(),
           *sources = json_array();
    json_object_set_new(o, "id", json_integer(a->id));
    json_object_set_new(o, "title", text_or_null(a->title));
    json_object_set_new(o, "announced_on", text_or_null(a->announced_on));
    json_object_set_new(o, "announced_on_precision", text_or_null(a->precision));
    json_object_set_new(o, "companies", companies);
    json_object_set_new(o, "countries", countries);
    json_object_set_new(o, "summary", text_or_null(a->summary));
    json_object_set_new(o, "sources", sources);
    for (size_t i = 0; i < a->n_companies; i++)
        json_array_append_new(companies, json_string(a->companies[i]));
    for (size_t i = 0; i < a->n_countries; i++)
        json_array_append_new(countries, json_string(a->countries[i]));
    for (size_t i = 0; i < a->n_sources; i++) {
        const struct store_source *s = &a->sources[i];
        json_array_append_new(sources,
                              json_pack("{s:o, s:o, s:o, s:o, s:o}", "url", text_or_null(s->url),
                                        "publisher", text_or_null(s->publisher), "title",
                                        text_or_null(s->title), "language",
                                        text_or_null(s->language), "published_on",
                                        text_or_null(s->published_on)));
    }
    if (with_pledges) {
        json_t *pledges = json_array();
        for (size_t i = 0; i < a->n_pledges; i++)
            json_array_append_new(pledges, pledge_json(&a->pledges[i]));
        json_object_set_new(o, "pledges", pledges);
    }
    json_object_set_new(o, "total_usd", usd_json(a->totals.committed));
    json_object_set_new(o, "targets_usd", usd_json(a->totals.targets));
    json_object_set_new(o, "pledge_count", json_integer(a->pledge_count));
    json_object_set_new(o, "created_at", text_or_null(a->created_at));
    json_object_set_new(o, "updated_at", text_or_null(a->updated_at));
    stamp_json(o, &a->stamp);
    return o;
}

/* Removes null members and the named keys from obj. */
static void strip(json_t *obj, const char *const drop[], const char *keep_null)
{
    for (size_t i = 0; drop[i]; i++)
        json_object_del(obj, drop[i]);
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(obj, tmp, key, v) {
        if (json_is_null(v) && !(keep_null && strcmp(key, keep_null) == 0))
            json_object_del(obj, key);
    }
}

json_t *pledge_as_input(const json_t *rendered)
{
    static const char *const drop[] = {"id", "announced_on", "announced_on_precision",
                                       "amount_usd", "amount_usd_error", "created_at",
                                       "updated_at", "version", "created_by", "updated_by",
                                       NULL};
    json_t *p = json_deep_copy(rendered);
    strip(p, drop, "company");
    return p;
}

json_t *announcement_as_input(const json_t *rendered)
{
    static const char *const drop[] = {"id", "total_usd", "targets_usd", "pledge_count",
                                       "created_at", "updated_at", "version", "created_by",
                                       "updated_by", NULL};
    static const char *const none[] = {NULL};
    json_t *a = json_deep_copy(rendered);
    strip(a, drop, NULL);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(a, "sources"), i, item)
        strip(item, none, NULL);
    json_t *pledges = json_object_get(a, "pledges");
    json_t *inputs = json_array();
    json_array_foreach(pledges, i, item) {
        json_t *p = pledge_as_input(item);
        json_object_del(p, "announcement_id");
        json_array_append_new(inputs, p);
    }
    if (pledges)
        json_object_set_new(a, "pledges", inputs);
    else
        json_decref(inputs);
    return a;
}

/* ---- the same, written straight into a buffer ---- */

/* A stored JSON array (evidence, aliases) as it is: every writer of those
 * columns stores jsonx_dump's compact output, which is what jansson would
 * write again; anything that is not an array is [] as above. */
static void stored_array(struct jsonw *w, const char *key, const char *text)
{
    size_t n = text ? strlen(text) : 0;
    jw_raw(w, key, n >= 2 && text[0] == '[' && text[n - 1] == ']' ? text : "[]");
}

static void stamp_members(struct jsonw *w, const struct store_stamp *s)
{
    jw_int(w, "version", s->version);
    jw_text_or_null(w, "created_by", s->created_by);
    jw_text_or_null(w, "updated_by", s->updated_by);
}

static void usd_members(struct jsonw *w, int64_t cents)
{
    char text[MONEY_TEXT];
    money_format((money_u128)(cents < 0 ? 0 : cents), 2, text);
    jw_text_or_null(w, "currency", "USD");
    jw_text_or_null(w, "value", text);
}

static void usd_write(struct jsonw *w, const char *key, __int128 cents)
{
    char text[MONEY_TEXT];
    money_format((money_u128)(cents < 0 ? 0 : cents), 2, text);
    jw_key(w, key);
    jw_begin_object(w);
    jw_text_or_null(w, "currency", "USD");
    jw_text_or_null(w, "value", text);
    jw_end_object(w);
}

static void pledge_members(struct jsonw *w, const struct store_pledge *s)
{
    jw_int(w, "id", s->id);
    jw_int(w, "announcement_id", s->announcement_id);
    jw_text_or_null(w, "announced_on", s->announced_on);
    jw_text_or_null(w, "announced_on_precision", s->precision);
    jw_text_or_null(w, "company", s->company);
    jw_text_or_null(w, "kind", s->kind);
    jw_text_or_null(w, "description", s->description);
    jw_text_or_null(w, "country", s->country);
    const struct currency *c = s->currency[0] ? currency_find(s->currency) : NULL;
    if (c) {
        char text[MONEY_TEXT];
        money_format((money_u128)s->amount_minor, c->minor_units, text);
        jw_key(w, "amount");
        jw_begin_object(w);
        jw_text_or_null(w, "currency", c->code);
        jw_text_or_null(w, "value", text);
        jw_end_object(w);
    } else {
        jw_null(w, "amount");
    }
    jw_text_or_null(w, "amount_qualifier", s->amount_qualifier);
    if (s->usd_known) {
        jw_key(w, "amount_usd");
        jw_begin_object(w);
        usd_members(w, s->usd_cents);
        jw_text_or_null(w, "rate", s->usd_rate);
        jw_text_or_null(w, "rate_date", s->usd_rate_date);
        jw_text_or_null(w, "rate_source", s->usd_rate_source);
        jw_end_object(w);
    } else {
        jw_null(w, "amount_usd");
        if (c)
            jw_text_or_null(w, "amount_usd_error", s->usd_error);
    }
    if (s->has_people)
        jw_int(w, "people", s->people);
    else
        jw_null(w, "people");
    jw_text_or_null(w, "people_qualifier", s->people_qualifier);
    jw_text_or_null(w, "starts_on", s->starts_on);
    jw_text_or_null(w, "ends_on", s->ends_on);
    if (s->has_duration)
        jw_int(w, "duration_months", s->duration_months);
    else
        jw_null(w, "duration_months");
    jw_text_or_null(w, "status", s->status);
    stored_array(w, "evidence", s->evidence);
    jw_text_or_null(w, "created_at", s->created_at);
    jw_text_or_null(w, "updated_at", s->updated_at);
    stamp_members(w, &s->stamp);
}

bool pledge_write_json(struct buf *b, const struct store_pledge *p)
{
    struct jsonw w;
    jw_init(&w, b);
    jw_begin_object(&w);
    pledge_members(&w, p);
    jw_end_object(&w);
    return w.ok;
}

bool company_write_json(struct buf *b, const struct store_company *c)
{
    struct jsonw w;
    jw_init(&w, b);
    jw_begin_object(&w);
    jw_key(&w, "slug");
    jw_string(&w, c->slug);
    jw_text_or_null(&w, "name", c->name);
    jw_text_or_null(&w, "country", c->country);
    jw_text_or_null(&w, "website", c->website);
    stored_array(&w, "aliases", c->aliases);
    jw_int(&w, "pledge_count", c->pledge_count);
    jw_int(&w, "announcement_count", c->announcement_count);
    usd_write(&w, "total_usd", c->totals.committed);
    usd_write(&w, "targets_usd", c->totals.targets);
    jw_key(&w, "created_at");
    jw_string(&w, c->created_at);
    jw_key(&w, "updated_at");
    jw_string(&w, c->updated_at);
    stamp_members(&w, &c->stamp);
    jw_end_object(&w);
    return w.ok;
}

bool announcement_write_json(struct buf *b, const struct store_announcement *a,
                             bool with_pledges)
{
    struct jsonw w;
    jw_init(&w, b);
    jw_begin_object(&w);
    jw_int(&w, "id", a->id);
    jw_text_or_null(&w, "title", a->title);
    jw_text_or_null(&w, "announced_on", a->announced_on);
    jw_text_or_null(&w, "announced_on_precision", a->precision);
    jw_key(&w, "companies");
    jw_begin_array(&w);
    for (size_t i = 0; i < a->n_companies; i++) {
        jw_element(&w);
        jw_string(&w, a->companies[i]);
    }
    jw_end_array(&w);
    jw_key(&w, "countries");
    jw_begin_array(&w);
    for (size_t i = 0; i < a->n_countries; i++) {
        jw_element(&w);
        jw_string(&w, a->countries[i]);
    }
    jw_end_array(&w);
    jw_text_or_null(&w, "summary", a->summary);
    jw_key(&w, "sources");
    jw_begin_array(&w);
    for (size_t i = 0; i < a->n_sources; i++) {
        const struct store_source *s = &a->sources[i];
        jw_element(&w);
        jw_begin_object(&w);
        jw_text_or_null(&w, "url", s->url);
        jw_text_or_null(&w, "publisher", s->publisher);
        jw_text_or_null(&w, "title", s->title);
        jw_text_or_null(&w, "language", s->language);
        jw_text_or_null(&w, "published_on", s->published_on);
        jw_end_object(&w);
    }
    jw_end_array(&w);
    if (with_pledges) {
        jw_key(&w, "pledges");
        jw_begin_array(&w);
        for (size_t i = 0; i < a->n_pledges; i++) {
            jw_element(&w);
            jw_begin_object(&w);
            pledge_members(&w, &a->pledges[i]);
            jw_end_object(&w);
        }
        jw_end_array(&w);
    }
    usd_write(&w, "total_usd", a->totals.committed);
    usd_write(&w, "targets_usd", a->totals.targets);
    jw_int(&w, "pledge_count", a->pledge_count);
    jw_text_or_null(&w, "created_at", a->created_at);
    jw_text_or_null(&w, "updated_at", a->updated_at);
    stamp_members(&w, &a->stamp);
    jw_end_object(&w);
    return w.ok;
}

bool render_pledge(struct buf *b, const void *record)
{
    return pledge_write_json(b, record);
}

bool render_company(struct buf *b, const void *record)
{
    return company_write_json(b, record);
}

bool render_announcement(struct buf *b, const void *record)
{
    return announcement_write_json(b, record, true);
}
