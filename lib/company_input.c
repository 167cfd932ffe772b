/* company_input — field-by-field rules for companies (see company_input.h).
 * Each field is checked independently so one request reports all of its
 * problems together. */
#include "company_input.h"

#include "iso3166.h"
#include "jsonx.h"
#include "text.h"

#include <string.h>
#include <strings.h>

static const char *const company_fields[] = {"slug", "name", "country", "website",
                                             "aliases", NULL};
static const char *const company_read_only[] = {"pledge_count", "total_usd", "targets_usd",
                                                "created_at", "updated_at", "version",
                                                "created_by", "updated_by", NULL};

static void parse_aliases(const json_t *v, struct company_input *out, json_t *errors)
{
    out->aliases = json_array();
    if (json_is_null(v))
        return;
    if (!json_is_array(v)) {
        jsonx_error_add(errors, "aliases", "must be an array of strings, not %s",
                        jsonx_type(v));
        return;
    }
    if (json_array_size(v) > COMPANY_ALIASES_MAX) {
        jsonx_error_add(errors, "aliases", "must have at most %d items",
                        COMPANY_ALIASES_MAX);
        return;
    }
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        char field[48];
        snprintf(field, sizeof field, "aliases[%zu]", i);
        if (!json_is_string(item)) {
            jsonx_error_add(errors, field, "must be a string, not %s", jsonx_type(item));
            continue;
        }
        const char *s = json_string_value(item);
        const char *why = text_check(s, COMPANY_ALIAS_MAX, false);
        if (why) {
            jsonx_error_add(errors, field, "%s%s", why,
                            strcmp(why, "is too long") ? "" : " (at most 100 characters)");
            continue;
        }
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++) {
            json_t *other = json_array_get(v, j);
            dup = json_is_string(other) && strcasecmp(json_string_value(other), s) == 0;
        }
        if (dup) {
            jsonx_error_add(errors, field, "repeats an earlier alias");
            continue;
        }
        json_array_append(out->aliases, item);
    }
}

void company_input_parse(const json_t *body, enum input_mode mode,
                         struct company_input *out, json_t *errors)
{
    memset(out, 0, sizeof *out);
    jsonx_check_fields(body, company_fields, company_read_only, "", errors);

    json_t *v = json_object_get(body, "name");
    if (v) {
        out->has_name = true;
        if (!json_is_string(v)) {
            jsonx_error_add(errors, "name", "must be a string, not %s", jsonx_type(v));
        } else {
            const char *why = text_check(json_string_value(v), COMPANY_NAME_MAX, false);
            if (why)
                jsonx_error_add(errors, "name", "%s%s", why,
                                strcmp(why, "is too long") ? "" : " (at most 200 characters)");
            else
                out->name = json_string_value(v);
        }
    } else if (mode == INPUT_CREATE) {
        jsonx_error_add(errors, "name", "is required");
    }

    v = json_object_get(body, "slug");
    if (v) {
        out->has_slug = true;
        if (!json_is_string(v))
            jsonx_error_add(errors, "slug", "must be a string, not %s", jsonx_type(v));
        else if (!slug_is_valid(json_string_value(v)))
            jsonx_error_add(errors, "slug",
                            "must match [a-z][a-z0-9-]{0,63} (lower case letters, digits and '-', starting with a letter)");
        else
            strcpy(out->slug, json_string_value(v));
    } else if (mode == INPUT_CREATE && out->name) {
        out->has_slug = true;
        if (!slug_from_name(out->name, out->slug))
            jsonx_error_add(errors, "slug",
                            "cannot be derived from the name; give one matching [a-z][a-z0-9-]{0,63}");
    }

    v = json_object_get(body, "country");
    if (v) {
        out->has_country = true;
        if (json_is_null(v)) {
            out->country[0] = '\0';
        } else if (!json_is_string(v)) {
            jsonx_error_add(errors, "country", "must be a string, not %s", jsonx_type(v));
        } else {
            const struct country *c = country_find(json_string_value(v));
            if (!c)
                jsonx_error_add(errors, "country",
                                "must be an ISO 3166-1 alpha-2 country code such as \"JP\"");
            else
                memcpy(out->country, c->code, 3);
        }
    }

    v = json_object_get(body, "website");
    if (v) {
        out->has_website = true;
        if (json_is_null(v)) {
            out->website = NULL;
        } else if (!json_is_string(v)) {
            jsonx_error_add(errors, "website", "must be a string, not %s", jsonx_type(v));
        } else {
            const char *why = url_check_http(json_string_value(v));
            if (why)
                jsonx_error_add(errors, "website", "%s", why);
            else
                out->website = json_string_value(v);
        }
    }

    v = json_object_get(body, "aliases");
    if (v) {
        out->has_aliases = true;
        parse_aliases(v, out, errors);
    }
}

void company_input_free(struct company_input *in)
{
    json_decref(in->aliases);
    in->aliases = NULL;
}
