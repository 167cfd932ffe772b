/* pledge_input — field rules for pledges and announcements (see
 * pledge_input.h). Each field is checked on its own so that one request
 * reports every problem it has. */
#include "pledge_input.h"

#include "iso3166.h"
#include "jsonx.h"
#include "money.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const pledge_kinds[] = {"investment", "training", "facility", "research",
                                    "partnership", "target", "other", NULL};
const char *const pledge_statuses[] = {"announced", "in_progress", "fulfilled", "cancelled",
                                       NULL};
const char *const figure_qualifiers[] = {"about", "at_least", "up_to", NULL};
const char *const date_precisions[] = {"day", "month", "year", NULL};

static const char *const pledge_fields[] = {
    "company", "kind", "description", "country", "amount", "amount_qualifier", "people",
    "people_qualifier", "starts_on", "ends_on", "duration_months", "status", "evidence", NULL};
static const char *const pledge_fields_standalone[] = {
    "announcement_id", "company", "kind", "description", "country", "amount",
    "amount_qualifier", "people", "people_qualifier", "starts_on", "ends_on", "duration_months",
    "status", "evidence", NULL};
static const char *const pledge_read_only[] = {"id", "announced_on", "announced_on_precision", "amount_usd",
                                               "amount_usd_error", "created_at", "updated_at",
                                               NULL};

/* Builds "prefix.name" (or "name") into out. */
static const char *path(char *out, size_t len, const char *prefix, const char *name)
{
    size_t n = 0;
    for (const char *p = prefix; *p && n + 1 < len; p++)
        out[n++] = *p;
    if (*prefix && *name != '[' && n + 1 < len)
        out[n++] = '.';
    for (const char *p = name; *p && n + 1 < len; p++)
        out[n++] = *p;
    out[n] = '\0';
    return out;
}

/* A text field; returns the string or NULL (absent, null or invalid). */
static const char *text_field(const json_t *obj, const char *name, size_t max, bool multiline,
                              bool required, const char *prefix, json_t *errors)
{
    char field[160];
    json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v)) {
        if (required)
            jsonx_error_add(errors, path(field, sizeof field, prefix, name), "is required");
        return NULL;
    }
    if (!json_is_string(v)) {
        jsonx_error_add(errors, path(field, sizeof field, prefix, name),
                        "must be a string, not %s", jsonx_type(v));
        return NULL;
    }
    const char *why = text_check(json_string_value(v), max, multiline);
    if (why) {
        if (strcmp(why, "is too long") == 0)
            jsonx_error_add(errors, path(field, sizeof field, prefix, name),
                            "is too long (at most %zu characters)", max);
        else
            jsonx_error_add(errors, path(field, sizeof field, prefix, name), "%s", why);
        return NULL;
    }
    return json_string_value(v);
}

/* A date field within [first, last]; writes "" when absent or invalid. */
static bool date_field(const json_t *obj, const char *name, bool required, const char *first,
                       const char *last, const char *prefix, char out[DATE_TEXT], json_t *errors)
{
    char field[160];
    out[0] = '\0';
    json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v)) {
        if (required)
            jsonx_error_add(errors, path(field, sizeof field, prefix, name), "is required");
        return !required;
    }
    int y, m, d;
    if (!json_is_string(v) || !date_parse(json_string_value(v), &y, &m, &d)) {
        jsonx_error_add(errors, path(field, sizeof field, prefix, name),
                        "must be a real date YYYY-MM-DD");
        return false;
    }
    if (!date_within(json_string_value(v), first, last)) {
        jsonx_error_add(errors, path(field, sizeof field, prefix, name),
                        "must be from %s to %s", first, last);
        return false;
    }
    snprintf(out, DATE_TEXT, "%s", json_string_value(v));
    return true;
}

static const char *enum_field(const json_t *obj, const char *name, const char *const values[],
                              const char *dflt, const char *prefix, json_t *errors)
{
    char field[160];
    json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v)) {
        if (!dflt)
            jsonx_error_add(errors, path(field, sizeof field, prefix, name), "is required");
        return dflt;
    }
    if (json_is_string(v))
        for (size_t i = 0; values[i]; i++)
            if (strcmp(json_string_value(v), values[i]) == 0)
                return values[i];
    char list[256];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; values[i] && used < sizeof list; i++) {
        int n = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", values[i]);
        if (n < 0)
            break;
        used += (size_t)n; /* past the end only when truncated: the loop stops */
    }
    jsonx_error_add(errors, path(field, sizeof field, prefix, name), "must be one of %s", list);
    return NULL;
}

static void country_field(const json_t *obj, const char *name, const char *prefix,
                          char out[3], json_t *errors)
{
    char field[160];
    out[0] = '\0';
    json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v))
        return;
    const struct country *c = json_is_string(v) ? country_find(json_string_value(v)) : NULL;
    if (!c)
        jsonx_error_add(errors, path(field, sizeof field, prefix, name),
                        "must be an ISO 3166-1 alpha-2 country code such as \"JP\"");
    else
        memcpy(out, c->code, 3);
}

/* An integer within [min, max]; 0 when absent or invalid. */
static int64_t int_field(const json_t *obj, const char *name, int64_t min, int64_t max,
                         const char *prefix, json_t *errors)
{
    char field[160];
    json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        jsonx_error_add(errors, path(field, sizeof field, prefix, name),
                        "must be an integer from %lld to %lld", (long long)min, (long long)max);
        return 0;
    }
    return json_integer_value(v);
}

static void amount_field(const json_t *obj, const char *prefix, struct pledge_input *out,
                         json_t *errors)
{
    char field[160], sub[160];
    json_t *v = json_object_get(obj, "amount");
    if (!v || json_is_null(v))
        return;
    path(field, sizeof field, prefix, "amount");
    if (!json_is_object(v)) {
        jsonx_error_add(errors, field,
                        "must be an object {\"currency\": \"JPY\", \"value\": \"300000000000\"}");
        return;
    }
    static const char *const allowed[] = {"currency", "value", NULL};
    jsonx_check_fields(v, allowed, NULL, field, errors);
    json_t *cur = json_object_get(v, "currency"), *val = json_object_get(v, "value");
    const struct currency *c = NULL;
    if (!cur)
        jsonx_error_add(errors, path(sub, sizeof sub, field, "currency"), "is required");
    else if (!json_is_string(cur) || !(c = currency_find(json_string_value(cur))))
        jsonx_error_add(errors, path(sub, sizeof sub, field, "currency"),
                        "must be an ISO 4217 currency code such as \"JPY\"%s%s%s",
                        json_is_string(cur) ? ", not '" : "",
                        json_is_string(cur) ? json_string_value(cur) : "",
                        json_is_string(cur) ? "'" : "");
    char text[64] = "", why[128];
    bool have = false;
    if (!val) {
        jsonx_error_add(errors, path(sub, sizeof sub, field, "value"), "is required");
    } else if (json_is_integer(val)) {
        if (json_integer_value(val) < 0)
            jsonx_error_add(errors, path(sub, sizeof sub, field, "value"), "must not be negative");
        else
            have = snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value(val)) > 0;
    } else if (json_is_string(val) && strlen(json_string_value(val)) < sizeof text) {
        snprintf(text, sizeof text, "%s", json_string_value(val));
        have = true;
    } else {
        jsonx_error_add(errors, path(sub, sizeof sub, field, "value"), "%s",
                        json_is_real(val)
                            ? "must be a decimal string or an integer: a JSON number with a "
                              "fraction may already have lost precision"
                            : "must be a decimal string such as \"2900000000.00\"");
    }
    if (have && c) {
        if (!money_parse(text, c, &out->amount_minor, why, sizeof why))
            jsonx_error_add(errors, path(sub, sizeof sub, field, "value"), "%s", why);
        else
            out->currency = c;
    }
}

/* `figure`_qualifier: NULL (stated exactly) or one of figure_qualifiers; a
 * qualifier needs its figure. */
static const char *qualifier_field(const json_t *obj, const char *figure, const char *prefix,
                                   json_t *errors)
{
    char name[32], field[160];
    snprintf(name, sizeof name, "%s_qualifier", figure);
    json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v))
        return NULL;
    const char *q = enum_field(obj, name, figure_qualifiers, NULL, prefix, errors);
    json_t *fig = json_object_get(obj, figure);
    if (q && (!fig || json_is_null(fig))) {
        jsonx_error_add(errors, path(field, sizeof field, prefix, name),
                        "needs %s: a qualifier says how a figure was stated", figure);
        return NULL;
    }
    return q;
}

static void evidence_field(const json_t *obj, const char *prefix, struct pledge_input *out,
                           json_t *errors)
{
    char field[160], item_path[200], sub[240];
    out->evidence = json_array();
    json_t *v = json_object_get(obj, "evidence");
    if (!v || json_is_null(v))
        return;
    path(field, sizeof field, prefix, "evidence");
    if (!json_is_array(v)) {
        jsonx_error_add(errors, field, "must be an array of {\"source\", \"quote\"}");
        return;
    }
    if (json_array_size(v) > EVIDENCE_MAX) {
        jsonx_error_add(errors, field, "must have at most %d items", EVIDENCE_MAX);
        return;
    }
    static const char *const allowed[] = {"source", "quote", NULL};
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        snprintf(item_path, sizeof item_path, "%s[%zu]", field, i);
        if (!json_is_object(item)) {
            jsonx_error_add(errors, item_path, "must be an object {\"source\", \"quote\"}");
            continue;
        }
        jsonx_check_fields(item, allowed, NULL, item_path, errors);
        json_t *src = json_object_get(item, "source");
        const char *why = json_is_string(src) ? url_check_http(json_string_value(src))
                                              : "must be one of the announcement's source URLs";
        if (why)
            jsonx_error_add(errors, path(sub, sizeof sub, item_path, "source"), "%s", why);
        const char *quote = text_field(item, "quote", QUOTE_MAX, true, true, item_path, errors);
        if (!why && quote)
            json_array_append_new(out->evidence, json_pack("{s:s, s:s}", "source",
                                                           json_string_value(src), "quote", quote));
    }
}

void pledge_input_parse(const json_t *body, bool standalone, const char *prefix,
                        struct pledge_input *out, json_t *errors)
{
    char field[160];
    memset(out, 0, sizeof *out);
    if (!json_is_object(body)) {
        jsonx_error_add(errors, *prefix ? prefix : "pledge", "must be an object");
        out->evidence = json_array();
        return;
    }
    jsonx_check_fields(body, standalone ? pledge_fields_standalone : pledge_fields,
                       pledge_read_only, prefix, errors);
    if (standalone)
        out->announcement_id = int_field(body, "announcement_id", 1, INT64_MAX, prefix, errors);
    if (standalone && !json_object_get(body, "announcement_id"))
        jsonx_error_add(errors, path(field, sizeof field, prefix, "announcement_id"), "is required");

    json_t *c = json_object_get(body, "company");
    if (c) {
        out->company_given = true;
        if (!json_is_null(c)) {
            if (!json_is_string(c) || !slug_is_valid(json_string_value(c)))
                jsonx_error_add(errors, path(field, sizeof field, prefix, "company"),
                                "must be a company slug, or null for a joint pledge");
            else
                out->company = json_string_value(c);
        }
    }
    out->kind = enum_field(body, "kind", pledge_kinds, NULL, prefix, errors);
    out->status = enum_field(body, "status", pledge_statuses, "announced", prefix, errors);
    out->description = text_field(body, "description", DESCRIPTION_MAX, true, false, prefix, errors);
    country_field(body, "country", prefix, out->country, errors);
    amount_field(body, prefix, out, errors);
    out->people = int_field(body, "people", 1, PEOPLE_MAX, prefix, errors);
    out->amount_qualifier = qualifier_field(body, "amount", prefix, errors);
    out->people_qualifier = qualifier_field(body, "people", prefix, errors);
    bool starts_ok = date_field(body, "starts_on", false, DATE_FIRST, DATE_LAST_PLANNED, prefix,
                                out->starts_on, errors);
    bool ends_ok = date_field(body, "ends_on", false, DATE_FIRST, DATE_LAST_PLANNED, prefix,
                              out->ends_on, errors);
    if (starts_ok && ends_ok && out->starts_on[0] && out->ends_on[0] &&
        strcmp(out->ends_on, out->starts_on) < 0)
        jsonx_error_add(errors, path(field, sizeof field, prefix, "ends_on"),
                        "must not be before starts_on");
    out->duration_months = (int)int_field(body, "duration_months", 1, DURATION_MAX, prefix, errors);
    evidence_field(body, prefix, out, errors);

    bool has_amount = json_object_get(body, "amount") && !json_is_null(json_object_get(body, "amount"));
    bool has_people = json_object_get(body, "people") && !json_is_null(json_object_get(body, "people"));
    bool has_desc = json_object_get(body, "description") &&
                    !json_is_null(json_object_get(body, "description"));
    if (!has_amount && !has_people && !has_desc)
        jsonx_error_add(errors, *prefix ? prefix : "pledge",
                        "needs at least one of amount, people, description");
}

void pledge_input_free(struct pledge_input *p)
{
    json_decref(p->evidence);
    p->evidence = NULL;
}

void pledge_check_context(struct pledge_input *p, const char *const companies[],
                          size_t n_companies, const char *const source_urls[], size_t n_sources,
                          const char *prefix, json_t *errors)
{
    char field[160], sub[200];
    if (!p->company_given) {
        if (n_companies == 1)
            p->company = companies[0];
        else if (n_companies > 1)
            jsonx_error_add(errors, path(field, sizeof field, prefix, "company"),
                            "is required when the announcement has several companies "
                            "(null for a joint pledge)");
    } else if (p->company) {
        bool found = false;
        for (size_t i = 0; i < n_companies && !found; i++)
            found = strcmp(companies[i], p->company) == 0;
        if (!found)
            jsonx_error_add(errors, path(field, sizeof field, prefix, "company"),
                            "'%s' is not one of the announcement's companies", p->company);
    }
    size_t i;
    json_t *item;
    json_array_foreach(p->evidence, i, item) {
        const char *url = json_string_value(json_object_get(item, "source"));
        bool found = false;
        for (size_t j = 0; j < n_sources && !found; j++)
            found = strcmp(source_urls[j], url) == 0;
        if (!found) {
            snprintf(sub, sizeof sub, "%s[%zu].source", path(field, sizeof field, prefix, "evidence"), i);
            jsonx_error_add(errors, sub, "must be one of the announcement's source URLs");
        }
    }
}

static const char *const ann_fields[] = {"title", "announced_on", "announced_on_precision",
                                         "companies", "countries", "summary", "sources",
                                         "pledges", NULL};
static const char *const ann_read_only[] = {"id", "total_usd", "targets_usd", "pledge_count", "created_at",
                                            "updated_at", NULL};
static const char *const source_fields[] = {"url", "publisher", "title", "language",
                                            "published_on", NULL};

static void sources_field(const json_t *body, const char *tomorrow,
                          struct announcement_input *out, json_t *errors)
{
    json_t *v = json_object_get(body, "sources");
    if (!v || json_is_null(v))
        return;
    if (!json_is_array(v)) {
        jsonx_error_add(errors, "sources", "must be an array of sources");
        return;
    }
    if (json_array_size(v) > ANN_SOURCES_MAX) {
        jsonx_error_add(errors, "sources", "must have at most %d items", ANN_SOURCES_MAX);
        return;
    }
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        char prefix[48], field[80];
        snprintf(prefix, sizeof prefix, "sources[%zu]", i);
        if (!json_is_object(item)) {
            jsonx_error_add(errors, prefix, "must be an object with a url");
            continue;
        }
        jsonx_check_fields(item, source_fields, NULL, prefix, errors);
        struct source_input s = {0};
        json_t *url = json_object_get(item, "url");
        const char *why = !url ? "is required"
                          : json_is_string(url) ? url_check_http(json_string_value(url))
                                                : "must be an http or https URL";
        if (why) {
            jsonx_error_add(errors, path(field, sizeof field, prefix, "url"), "%s", why);
        } else {
            s.url = json_string_value(url);
            for (size_t j = 0; j < out->n_sources; j++)
                if (strcmp(out->sources[j].url, s.url) == 0)
                    jsonx_error_add(errors, path(field, sizeof field, prefix, "url"),
                                    "repeats sources[%zu]", j);
        }
        s.publisher = text_field(item, "publisher", PUBLISHER_MAX, false, false, prefix, errors);
        s.title = text_field(item, "title", SOURCE_TITLE_MAX, false, false, prefix, errors);
        json_t *lang = json_object_get(item, "language");
        if (lang && !json_is_null(lang) &&
            (!json_is_string(lang) || !language_check(json_string_value(lang), s.language)))
            jsonx_error_add(errors, path(field, sizeof field, prefix, "language"),
                            "must be a BCP 47 language tag such as \"en\" or \"fr\"");
        date_field(item, "published_on", false, DATE_FIRST, tomorrow, prefix, s.published_on,
                   errors);
        if (s.url)
            out->sources[out->n_sources++] = s;
    }
}

/* With month precision the date is the 1st of its month; with year
 * precision, 1 January (API.md §7). */
static void precision_check(const struct announcement_input *a, json_t *errors)
{
    const char *p = a->announced_on_precision;
    if (!p || !a->announced_on[0])
        return;
    if (strcmp(p, "month") == 0 && strcmp(a->announced_on + 8, "01") != 0)
        jsonx_error_add(errors, "announced_on",
                        "must be the first day of the month when announced_on_precision is "
                        "\"month\" (%.7s-01)", a->announced_on);
    else if (strcmp(p, "year") == 0 && strcmp(a->announced_on + 5, "01-01") != 0)
        jsonx_error_add(errors, "announced_on",
                        "must be 1 January when announced_on_precision is \"year\" (%.4s-01-01)",
                        a->announced_on);
}

void announcement_input_parse(const json_t *body, struct announcement_input *out,
                              json_t *errors)
{
    memset(out, 0, sizeof *out);
    char tomorrow[DATE_TEXT];
    date_tomorrow_utc(tomorrow);
    jsonx_check_fields(body, ann_fields, ann_read_only, "", errors);
    out->title = text_field(body, "title", TITLE_MAX, false, true, "", errors);
    date_field(body, "announced_on", true, DATE_FIRST, tomorrow, "", out->announced_on, errors);
    out->announced_on_precision = enum_field(body, "announced_on_precision", date_precisions,
                                             "day", "", errors);
    precision_check(out, errors);
    out->summary = text_field(body, "summary", SUMMARY_MAX, true, false, "", errors);

    json_t *v = json_object_get(body, "companies");
    if (!v || json_is_null(v)) {
        jsonx_error_add(errors, "companies", "is required: the slugs of the companies announcing");
    } else if (!json_is_array(v) || json_array_size(v) == 0) {
        jsonx_error_add(errors, "companies", "must be a non-empty array of company slugs");
    } else if (json_array_size(v) > ANN_COMPANIES_MAX) {
        jsonx_error_add(errors, "companies", "must have at most %d items", ANN_COMPANIES_MAX);
    } else {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            char field[48];
            snprintf(field, sizeof field, "companies[%zu]", i);
            if (!json_is_string(item) || !slug_is_valid(json_string_value(item))) {
                jsonx_error_add(errors, field, "must be a company slug");
                continue;
            }
            bool dup = false;
            for (size_t j = 0; j < out->n_companies && !dup; j++)
                dup = strcmp(out->companies[j], json_string_value(item)) == 0;
            if (dup)
                jsonx_error_add(errors, field, "repeats an earlier company");
            else
                out->companies[out->n_companies++] = json_string_value(item);
        }
    }

    v = json_object_get(body, "countries");
    if (v && !json_is_null(v)) {
        if (!json_is_array(v) || json_array_size(v) > ANN_COUNTRIES_MAX) {
            jsonx_error_add(errors, "countries", "must be an array of at most %d country codes",
                            ANN_COUNTRIES_MAX);
        } else {
            size_t i;
            json_t *item;
            json_array_foreach(v, i, item) {
                char field[48];
                snprintf(field, sizeof field, "countries[%zu]", i);
                const struct country *c = json_is_string(item) ? country_find(json_string_value(item)) : NULL;
                if (!c) {
                    jsonx_error_add(errors, field, "must be an ISO 3166-1 alpha-2 code such as \"JP\"");
                    continue;
                }
                bool dup = false;
                for (size_t j = 0; j < out->n_countries && !dup; j++)
                    dup = strcmp(out->countries[j], c->code) == 0;
                if (dup)
                    jsonx_error_add(errors, field, "repeats an earlier country");
                else
                    memcpy(out->countries[out->n_countries++], c->code, 3);
            }
        }
    }

    sources_field(body, tomorrow, out, errors);

    v = json_object_get(body, "pledges");
    if (v && !json_is_null(v)) {
        if (!json_is_array(v)) {
            jsonx_error_add(errors, "pledges", "must be an array of pledges");
        } else if (json_array_size(v) > ANN_PLEDGES_MAX) {
            jsonx_error_add(errors, "pledges", "must have at most %d items", ANN_PLEDGES_MAX);
        } else {
            out->pledges = calloc(json_array_size(v) + 1, sizeof *out->pledges);
            if (!out->pledges) {
                jsonx_error_add(errors, "pledges", "could not be read (out of memory)");
                return;
            }
            const char *urls[ANN_SOURCES_MAX];
            for (size_t j = 0; j < out->n_sources; j++)
                urls[j] = out->sources[j].url;
            size_t i;
            json_t *item;
            json_array_foreach(v, i, item) {
                char prefix[48];
                snprintf(prefix, sizeof prefix, "pledges[%zu]", i);
                struct pledge_input *p = &out->pledges[out->n_pledges++];
                pledge_input_parse(item, false, prefix, p, errors);
                pledge_check_context(p, out->companies, out->n_companies, urls, out->n_sources,
                                     prefix, errors);
            }
        }
    }
}

void announcement_input_free(struct announcement_input *a)
{
    for (size_t i = 0; i < a->n_pledges; i++)
        pledge_input_free(&a->pledges[i]);
    free(a->pledges);
    a->pledges = NULL;
    a->n_pledges = 0;
}

bool pledge_kind_is_target(const char *kind)
{
    return kind && strcmp(kind, "target") == 0;
}

void usd_totals_add(struct usd_totals *t, const char *kind, int64_t cents)
{
    if (pledge_kind_is_target(kind))
        t->targets += cents;
    else
        t->committed += cents;
}
