/* extract — every figure in an article: money, head counts, durations and
 * deadlines, fiscal years, with their qualifiers, in English, French or
 * Japanese. This is the entry point of lib/draft; POST /v1/drafts and
 * `pledged draft` build their answer from its list.
 *
 * The text is scanned once, left to right. At each place where a figure
 * may start, the recognisers are tried in order (fiscal year, deadline,
 * money, then a bare figure as people or a duration) and the first that
 * reads something wins; scanning goes on after what it read, so figures
 * never overlap and a figure is read once. Cost: linear in the text, a few
 * table look-ups per word.
 */
#ifndef PLEDGED_DRAFT_EXTRACT_H
#define PLEDGED_DRAFT_EXTRACT_H

#include "mention.h"

/* Appends the mentions of t to out, in text order. `fiscal_country` is the
 * ISO 3166 code whose fiscal-year convention applies (the committing
 * company's country), or NULL. False only when memory runs out (out keeps
 * what was found); a full list sets out->full and returns true. */
bool draft_extract(const struct utext *t, enum draft_lang lang, const char *fiscal_country,
                   struct mentions *out);

/* The article's language, from its script and its commonest words:
 * Japanese when kana or kanji make up a fifth of its letters, else French
 * or English by which language's function words are commoner (English on
 * a tie, and for text with neither). */
enum draft_lang draft_detect_language(const struct utext *t);

const char *draft_lang_code(enum draft_lang lang); /* "en", "fr", "ja" */

/* "en", "fr" or "ja" (any case) into *lang; false for anything else. */
bool draft_lang_parse(const char *code, enum draft_lang *lang);

#endif
