/* pledge_input — field rules for pledges (see pledge_input.h; the
 * announcement's are in announcement_input.c). Each field is checked on
 * its own so that one request reports every problem it has. */
#include "pledge_input.h"

#include "fields.h"
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
                                               "version", "created_by", "updated_by", NULL};

/* Builds "prefix.name" (or "name") into out. */
static void amount_field(const json_t *obj, const char *prefix, struct pledge_input *out,
                         json_t *errors)
{
    char field[160], sub[160];
    json_t *v = json_object_get(obj, "amount");
    if (!v || json_is_null(v))
        return;
    field_path(field, sizeof field, prefix, "amount");
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
        jsonx_error_add(errors, field_path(sub, sizeof sub, field, "currency"), "is required");
    else if (!json_is_string(cur) || !(c = currency_find(json_string_value(cur))))
        jsonx_error_add(errors, field_path(sub, sizeof sub, field, "currency"),
                        "must be an ISO 4217 currency code such as \"JPY\"%s%s%s",
                        json_is_string(cur) ? ", not '" : "",
                        json_is_string(cur) ? json_string_value(cur) : "",
                        json_is_string(cur) ? "'" : "");
    char text[64] = "", why[128];
    bool have = false;
    if (!val) {
        jsonx_error_add(errors, field_path(sub, sizeof sub, field, "value"), "is required");
    } else if (json_is_integer(val)) {
        if (json_integer_value(val) < 0)
            jsonx_error_add(errors, field_path(sub, sizeof sub, field, "value"), "must not be negative");
        else
            have = snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value(val)) > 0;
    } else if (json_is_string(val) && strlen(json_string_value(val)) < sizeof text) {
        snprintf(text, sizeof text, "%s", json_string_value(val));
        have = true;
    } else {
        jsonx_error_add(errors, field_path(sub, sizeof sub, field, "value"), "%s",
                        json_is_real(val)
                            ? "must be a decimal string or an integer: a JSON number with a "
                              "fraction may already have lost precision"
                            : "must be a decimal string such as \"2900000000.00\"");
    }
    if (have && c) {
        if (!money_parse(text, c, &out->amount_minor, why, sizeof why))
            jsonx_error_add(errors, field_path(sub, sizeof sub, field, "value"), "%s", why);
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
    const char *q = field_enum(obj, name, figure_qualifiers, NULL, prefix, errors);
    json_t *fig = json_object_get(obj, figure);
    if (q && (!fig || json_is_null(fig))) {
        jsonx_error_add(errors, field_path(field, sizeof field, prefix, name),
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
    field_path(field, sizeof field, prefix, "evidence");
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
            jsonx_error_add(errors, field_path(sub, sizeof sub, item_path, "source"), "%s", why);
        const char *quote = field_text(item, "quote", QUOTE_MAX, true, true, item_path, errors);
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
        out->announcement_id = field_int(body, "announcement_id", 1, INT64_MAX, prefix, errors);
    if (standalone && !json_object_get(body, "announcement_id"))
        jsonx_error_add(errors, field_path(field, sizeof field, prefix, "announcement_id"), "is required");

    json_t *c = json_object_get(body, "company");
    if (c) {
        out->company_given = true;
        if (!json_is_null(c)) {
            if (!json_is_string(c) || !slug_is_valid(json_string_value(c)))
                jsonx_error_add(errors, field_path(field, sizeof field, prefix, "company"),
                                "must be a company slug, or null for a joint pledge");
            else
                out->company = json_string_value(c);
        }
    }
    out->kind = field_enum(body, "kind", pledge_kinds, NULL, prefix, errors);
    out->status = field_enum(body, "status", pledge_statuses, "announced", prefix, errors);
    out->description = field_text(body, "description", DESCRIPTION_MAX, true, false, prefix, errors);
    field_country(body, "country", prefix, out->country, errors);
    amount_field(body, prefix, out, errors);
    out->people = field_int(body, "people", 1, PEOPLE_MAX, prefix, errors);
    out->amount_qualifier = qualifier_field(body, "amount", prefix, errors);
    out->people_qualifier = qualifier_field(body, "people", prefix, errors);
    bool starts_ok = field_date(body, "starts_on", false, DATE_FIRST, DATE_LAST_PLANNED, prefix,
                                out->starts_on, errors);
    bool ends_ok = field_date(body, "ends_on", false, DATE_FIRST, DATE_LAST_PLANNED, prefix,
                              out->ends_on, errors);
    if (starts_ok && ends_ok && out->starts_on[0] && out->ends_on[0] &&
        strcmp(out->ends_on, out->starts_on) < 0)
        jsonx_error_add(errors, field_path(field, sizeof field, prefix, "ends_on"),
                        "must not be before starts_on");
    out->duration_months = (int)field_int(body, "duration_months", 1, DURATION_MAX, prefix, errors);
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
            jsonx_error_add(errors, field_path(field, sizeof field, prefix, "company"),
                            "is required when the announcement has several companies "
                            "(null for a joint pledge)");
    } else if (p->company) {
        bool found = false;
        for (size_t i = 0; i < n_companies && !found; i++)
            found = strcmp(companies[i], p->company) == 0;
        if (!found)
            jsonx_error_add(errors, field_path(field, sizeof field, prefix, "company"),
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
            snprintf(sub, sizeof sub, "%s[%zu].source", field_path(field, sizeof field, prefix, "evidence"), i);
            jsonx_error_add(errors, sub, "must be one of the announcement's source URLs");
        }
    }
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
