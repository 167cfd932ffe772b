/* jsonx — the JSON helpers the API needs on top of jansson.
 *
 * Ownership follows jansson's words: a function that returns a *new*
 * reference gives the caller one json_decref to do; *borrowed* means the
 * value lives as long as its container. Field errors are collected in a JSON
 * array of {"field": "...", "message": "..."} objects so a handler can report
 * every problem of a request at once.
 */
#ifndef PLEDGED_JSONX_H
#define PLEDGED_JSONX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Deepest nesting of arrays and objects a request body may have. */
#define JSONX_MAX_DEPTH 32

/* Parses `len` bytes as exactly one JSON object. Returns a new reference, or
 * NULL with a message in err (for a 400 answer) when the text is not valid
 * JSON, has a duplicate key, holds a NUL character, nests deeper than
 * JSONX_MAX_DEPTH, or is not an object at the top. */
json_t *jsonx_parse_object(const char *text, size_t len, char *err, size_t errlen);

/* "object", "array", "string", "integer", "number", "boolean" or "null". */
const char *jsonx_type(const json_t *v);

/* Appends {"field": field, "message": <formatted>} to the array `errors`. */
void jsonx_error_add(json_t *errors, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Appends an "unknown field" error (or "is read-only" for a name listed in
 * read_only) for every key of obj not in `allowed`. Both lists end in NULL;
 * read_only may be NULL. `prefix` (may be "") is put before each field name
 * with a '.' when not empty. */
void jsonx_check_fields(const json_t *obj, const char *const allowed[],
                        const char *const read_only[], const char *prefix,
                        json_t *errors);

/* Compact serialisation, malloc'd (free() it), keys in insertion order.
 * NULL only when out of memory. */
char *jsonx_dump(const json_t *v, size_t *len);

/* RFC 7396 JSON merge patch: a new document (new reference) that is
 * `target` with `patch` applied. An object patch merges key by key, a null
 * member removes that key, anything else (arrays included) replaces
 * whole. Neither input is changed. */
json_t *jsonx_merge_patch(const json_t *target, const json_t *patch);

/* The RFC 7396 merge patch that turns `from` into `to` (new reference):
 * members of `to` that differ (objects compared member by member), and
 * null for members `to` lacks. A merge patch cannot tell "became null"
 * from "was removed": both are null. Not an object on either side: `to`
 * itself (null when to is NULL, as after a delete). For every pair,
 * merge_patch(from, merge_diff(from, to)) equals `to` less its null
 * members (tests/unit/test_jsonx.c checks it). */
json_t *jsonx_merge_diff(const json_t *from, const json_t *to);

#endif
