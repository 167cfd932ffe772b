/* jsonx — strict JSON parsing and field-error collection (see jsonx.h).
 *
 * jansson already refuses invalid UTF-8 and "\u0000" (we never pass
 * JSON_ALLOW_NUL) and, with JSON_REJECT_DUPLICATES, duplicate keys; this file
 * adds the depth limit and the wording of messages. */
#include "jsonx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether containers nest at most JSONX_MAX_DEPTH deep; `depth` counts the
 * containers around v, v included when it is one. */
static bool within_depth(const json_t *v, int depth)
{
    if ((json_is_object(v) || json_is_array(v)) && depth > JSONX_MAX_DEPTH)
        return false;
    if (json_is_object(v)) {
        const char *k;
        json_t *item;
        json_object_foreach((json_t *)v, k, item)
            if (!within_depth(item, depth + 1))
                return false;
    } else if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
            if (!within_depth(item, depth + 1))
                return false;
    }
    return true;
}

json_t *jsonx_parse_object(const char *text, size_t len, char *err, size_t errlen)
{
    json_error_t je;
    if (len == 0) {
        snprintf(err, errlen, "the request body is empty; a JSON object is expected");
        return NULL;
    }
    json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (!v) {
        snprintf(err, errlen, "malformed JSON at line %d, column %d: %s", je.line,
                 je.column, je.text);
        return NULL;
    }
    if (!json_is_object(v)) {
        snprintf(err, errlen, "the request body must be a JSON object, not %s",
                 jsonx_type(v));
        json_decref(v);
        return NULL;
    }
    if (!within_depth(v, 1)) {
        snprintf(err, errlen, "JSON nested deeper than %d levels", JSONX_MAX_DEPTH);
        json_decref(v);
        return NULL;
    }
    return v;
}

const char *jsonx_type(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    case JSON_NULL: return "null";
    }
    return "unknown";
}

void jsonx_error_add(json_t *errors, const char *field, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field, "message", msg));
}

static bool listed(const char *key, const char *const list[])
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcmp(key, list[i]) == 0)
            return true;
    return false;
}

void jsonx_check_fields(const json_t *obj, const char *const allowed[],
                        const char *const read_only[], const char *prefix,
                        json_t *errors)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value) {
        if (listed(key, allowed))
            continue;
        char field[256];
        snprintf(field, sizeof field, "%s%s%s", prefix, *prefix ? "." : "", key);
        if (listed(key, read_only))
            jsonx_error_add(errors, field, "is read-only");
        else
            jsonx_error_add(errors, field, "unknown field");
    }
}

char *jsonx_dump(const json_t *v, size_t *len)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    if (s && len)
        *len = strlen(s);
    return s;
}

json_t *jsonx_merge_patch(const json_t *target, const json_t *patch)
{
    if (!json_is_object(patch))
        return json_deep_copy(patch);
    json_t *result = json_is_object(target) ? json_deep_copy(target) : json_object();
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)patch, key, value) {
        if (json_is_null(value)) {
            json_object_del(result, key);
        } else {
            json_t *merged = jsonx_merge_patch(json_object_get(result, key), value);
            json_object_set_new(result, key, merged);
        }
    }
    return result;
}

json_t *jsonx_merge_diff(const json_t *from, const json_t *to)
{
    if (!to)
        return json_null();
    if (!json_is_object(from) || !json_is_object(to))
        return json_deep_copy(to);
    json_t *patch = json_object();
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)from, key, value) {
        if (!json_object_get(to, key))
            json_object_set_new(patch, key, json_null());
    }
    json_object_foreach((json_t *)to, key, value) {
        json_t *before = json_object_get(from, key);
        if (before && json_equal(before, value))
            continue;
        json_object_set_new(patch, key,
                            before && json_is_object(before) && json_is_object(value)
                                ? jsonx_merge_diff(before, value)
                                : json_deep_copy(value));
    }
    return patch;
}
