/* fields — readers of one field of a JSON object, shared by the input
 * validators (pledge_input.c, announcement_input.c).
 *
 * Each reads obj[name], checks it, and on a problem appends an error (see
 * jsonx_error_add) under the field's full path, `prefix` + name
 * ("pledges[2].amount"); it never stops the others, so one request reports
 * every problem it has. Strings returned are borrowed from obj.
 */
#ifndef PLEDGED_FIELDS_H
#define PLEDGED_FIELDS_H

#include "date.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* prefix + "." + name (or name alone for an empty prefix) into out. */
const char *field_path(char *out, size_t len, const char *prefix, const char *name);

/* A string of at most max characters (multiline: newlines allowed); NULL
 * when absent, null or bad. */
const char *field_text(const json_t *obj, const char *name, size_t max, bool multiline,
                       bool required, const char *prefix, json_t *errors);

/* A real date YYYY-MM-DD from first to last into out ("" when absent);
 * false when bad. */
bool field_date(const json_t *obj, const char *name, bool required, const char *first,
                const char *last, const char *prefix, char out[DATE_TEXT], json_t *errors);

/* One of values (returned from the table, static); when absent, dflt, or
 * an error when dflt is NULL. */
const char *field_enum(const json_t *obj, const char *name, const char *const values[],
                       const char *dflt, const char *prefix, json_t *errors);

/* An ISO 3166-1 alpha-2 code into out ("" when absent or null). */
void field_country(const json_t *obj, const char *name, const char *prefix, char out[3],
                   json_t *errors);

/* An integer from min to max; 0 when absent or null. */
int64_t field_int(const json_t *obj, const char *name, int64_t min, int64_t max,
                  const char *prefix, json_t *errors);

#endif
