/* announcement_input — field rules for an announcement with its sources
 * and embedded pledges (see pledge_input.h). Each field is checked on its
 * own so that one request reports every problem it has. */
#include "pledge_input.h"

#include "fields.h"
#include "iso3166.h"
#include "jsonx.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ann_fields[] = {"title", "announced_on", "announced_on_precision",
                                         "companies", "countries", "summary", "sources",
                                         "pledges", NULL};
static const char *const ann_read_only[] = {"id", "total_usd", "targets_usd", "pledge_count", "created_at",
                                            "updated_at", "version", "created_by", "updated_by",
                                            NULL};
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
            jsonx_error_add(errors, field_path(field, sizeof field, prefix, "url"), "%s", why);
        } else {
            s.url = json_string_value(url);
            for (size_t j = 0; j < out->n_sources; j++)
                if (strcmp(out->sources[j].url, s.url) == 0)
                    jsonx_error_add(errors, field_path(field, sizeof field, prefix, "url"),
                                    "repeats sources[%zu]", j);
        }
        s.publisher = field_text(item, "publisher", PUBLISHER_MAX, false, false, prefix, errors);
        s.title = field_text(item, "title", SOURCE_TITLE_MAX, false, false, prefix, errors);
        json_t *lang = json_object_get(item, "language");
        if (lang && !json_is_null(lang) &&
            (!json_is_string(lang) || !language_check(json_string_value(lang), s.language)))
            jsonx_error_add(errors, field_path(field, sizeof field, prefix, "language"),
                            "must be a BCP 47 language tag such as \"en\" or \"fr\"");
        field_date(item, "published_on", false, DATE_FIRST, tomorrow, prefix, s.published_on,
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
    out->title = field_text(body, "title", TITLE_MAX, false, true, "", errors);
    field_date(body, "announced_on", true, DATE_FIRST, tomorrow, "", out->announced_on, errors);
    out->announced_on_precision = field_enum(body, "announced_on_precision", date_precisions,
                                             "day", "", errors);
    precision_check(out, errors);
    out->summary = field_text(body, "summary", SUMMARY_MAX, true, false, "", errors);

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
