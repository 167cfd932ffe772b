/* company_input — validation of a company as a client sends it.
 *
 * The same rules serve POST (create: `name` required) and PATCH (RFC 7396
 * merge-patch: every field optional, null clears `country`, `website` and
 * `aliases`). No HTTP and no SQL here, so the rules are unit tested and
 * fuzzed directly.
 */
#ifndef PLEDGED_COMPANY_INPUT_H
#define PLEDGED_COMPANY_INPUT_H

#include "slug.h"

#include <jansson.h>
#include <stdbool.h>

#define COMPANY_NAME_MAX 200     /* characters */
#define COMPANY_ALIAS_MAX 100    /* characters per alias */
#define COMPANY_ALIASES_MAX 32   /* aliases per company */

enum input_mode { INPUT_CREATE, INPUT_PATCH };

/* What a body sets. A `has_*` flag says the field was present; the value
 * beside it is then valid (for country, "" means null; for website, NULL
 * means null). Strings are borrowed from the parsed body. */
struct company_input {
    bool has_slug, has_name, has_country, has_website, has_aliases;
    char slug[SLUG_MAX + 1];  /* given, or derived from name on create */
    const char *name;
    char country[3];          /* upper case, or "" for null */
    const char *website;      /* NULL for null */
    json_t *aliases;          /* new reference: an array of strings ([] for null) */
    int64_t id;               /* 0: a new id; only a restore (pledged import) sets one */
};

/* Validates `body` (an object) and fills `out`. Every problem is appended to
 * `errors` (see jsonx_error_add) with its field name; the result is usable
 * only when no error was added. Call company_input_free afterwards in all
 * cases. */
void company_input_parse(const json_t *body, enum input_mode mode,
                         struct company_input *out, json_t *errors);
void company_input_free(struct company_input *in);

#endif
