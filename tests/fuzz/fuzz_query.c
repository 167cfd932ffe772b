/* libFuzzer target for the parsers of query strings and path segments:
 * integers (limit, ids), dates, slugs, URLs, language tags, free text and
 * the FTS5 query built from it. Properties: accepted values re-parse the
 * same, derived slugs are valid, and the FTS query is only quoted words. */
#include "date.h"
#include "fts.h"
#include "language.h"
#include "slug.h"
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    int64_t v;
    if (int_parse(s, 1, 500, &v) && (v < 1 || v > 500))
        abort();
    int y, m, d;
    if (date_parse(s, &y, &m, &d)) {
        char out[DATE_TEXT];
        if (!date_add_days(s, 0, out) || strcmp(out, s) != 0)
            abort();
    }
    char slug[SLUG_MAX + 1];
    if (slug_from_name(s, slug) && !slug_is_valid(slug))
        abort();
    url_check_http(s);
    text_check(s, 200, false);
    char lang[LANGUAGE_MAX + 1];
    if (language_check(s, lang)) {
        char again[LANGUAGE_MAX + 1];
        if (!language_check(lang, again) || strcmp(again, lang) != 0)
            abort();
    }
    char *q = sq_fts_query(s);
    if ((q != NULL) != text_has_word(s))
        abort(); /* the API's check and the query agree on what a word is */
    if (q) {
        /* Only "quoted words", optionally followed by " *", separated by spaces. */
        bool in_quote = false;
        for (const char *p = q; *p; p++) {
            if (*p == '"') {
                if (in_quote && p[1] == '"') {
                    p++;
                    continue;
                }
                in_quote = !in_quote;
            } else if (!in_quote && *p != ' ' && *p != '*') {
                abort();
            }
        }
        if (in_quote)
            abort();
        free(q);
    }
    free(s);
    return 0;
}
