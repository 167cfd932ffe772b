/* fields — readers of one field of a JSON object, shared by the input
 * validators (pledge_input.c, announcement_input.c). Each adds its own
 * error, under the field's full path, and never stops the others (see
 * fields.h). */
#include "fields.h"

#include "iso3166.h"
#include "jsonx.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *field_path(char *out, size_t len, const char *prefix, const char *name)
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
const char *field_text(const json_t *obj, const char *name, size_t max, bool multiline,
                       bool required, const char *prefix, json_t *errors)
{
    char field[160];
    json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v)) {
        if (required)
            jsonx_error_add(errors, field_path(field, sizeof field, prefix, name), "is required");
        return NULL;
    }
    if (!json_is_string(v)) {
        jsonx_error_add(errors, field_path(field, sizeof field, prefix, name),
                        "must be a string, not %s", jsonx_type(v));
        return NULL;
    }
    const char *why = text_check(json_string_value(v), max, multiline);
    if (why) {
        if (strcmp(why, "is too long") == 0)
            jsonx_error_add(errors, field_path(field, sizeof field, prefix, name),
                            "is too long (at most %zu characters)", max);
        else
            jsonx_error_add(errors, field_path(field, sizeof field, prefix, name), "%s", why);
        return NULL;
    }
    return json_string_value(v);
}

/* A date field within [first, last]; writes "" when absent or invalid. */
bool field_date(const json_t *obj, const char *name, bool required, const char *first,
                const char *last, const char *prefix, char out[DATE_TEXT], json_t *errors)
{
    char field[160];
    out[0] = '\0';
    json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v)) {
        if (required)
            jsonx_error_add(errors, field_path(field, sizeof field, prefix, name), "is required");
        return !required;
    }
    int y, m, d;
    if (!json_is_string(v) || !date_parse(json_string_value(v), &y, &m, &d)) {
        jsonx_error_add(errors, field_path(field, sizeof field, prefix, name),
                        "must be a real date YYYY-MM-DD");
        return false;
    }
    if (!date_within(json_string_value(v), first, last)) {
        jsonx_error_add(errors, field_path(field, sizeof field, prefix, name),
                        "must be from %s to %s", first, last);
        return false;
    }
    snprintf(out, DATE_TEXT, "%s", json_string_value(v));
    return true;
}

const char *field_enum(const json_t *obj, const char *name, const char *const values[],
                       const char *dflt, const char *prefix, json_t *errors)
{
    char field[160];
    json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v)) {
        if (!dflt)
            jsonx_error_add(errors, field_path(field, sizeof field, prefix, name), "is required");
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
    jsonx_error_add(errors, field_path(field, sizeof field, prefix, name), "must be one of %s", list);
    return NULL;
}

void field_country(const json_t *obj, const char *name, const char *prefix,
                   char out[3], json_t *errors)
{
    char field[160];
    out[0] = '\0';
    json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v))
        return;
    const struct country *c = json_is_string(v) ? country_find(json_string_value(v)) : NULL;
    if (!c)
        jsonx_error_add(errors, field_path(field, sizeof field, prefix, name),
                        "must be an ISO 3166-1 alpha-2 country code such as \"JP\"");
    else
        memcpy(out, c->code, 3);
}

/* An integer within [min, max]; 0 when absent or invalid. */
int64_t field_int(const json_t *obj, const char *name, int64_t min, int64_t max,
                  const char *prefix, json_t *errors)
{
    char field[160];
    json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        jsonx_error_add(errors, field_path(field, sizeof field, prefix, name),
                        "must be an integer from %lld to %lld", (long long)min, (long long)max);
        return 0;
    }
    return json_integer_value(v);
}
