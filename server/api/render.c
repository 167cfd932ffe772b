/* render — stored records as the API's JSON (see render.h). */
#include "render.h"

#include "iso4217.h"
#include "money.h"

#include <string.h>

static json_t *text_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

json_t *usd_json(__int128 cents)
{
    char text[MONEY_TEXT];
    money_format((money_u128)(cents < 0 ? 0 : cents), 2, text);
    return json_pack("{s:s, s:s}", "currency", "USD", "value", text);
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
                                       "updated_at", NULL};
    json_t *p = json_deep_copy(rendered);
    strip(p, drop, "company");
    return p;
}

json_t *announcement_as_input(const json_t *rendered)
{
    static const char *const drop[] = {"id", "total_usd", "targets_usd", "pledge_count",
                                       "created_at", "updated_at", NULL};
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
