/* sentences — an article cut into sentences, for evidence quotes: each
 * pledge's evidence is the sentence that states it, verbatim.
 *
 * A sentence ends at a line break, at 。！？ (Japanese needs no space
 * after them), and at . ! ? followed by a space and a word that does not
 * begin in lower case, with closing quotes or brackets kept in the
 * sentence. A full stop does not end one after an abbreviation (U.S.,
 * Inc., Corp., No., Mr., Jan., ...) or an initial ("Suzanne P. Clark"),
 * and a decimal point has no space after it. Spans are trimmed of spaces.
 *
 * Ownership: sentences_split allocates *out; the caller frees it.
 */
#ifndef PLEDGED_DRAFT_SENTENCES_H
#define PLEDGED_DRAFT_SENTENCES_H

#include "utext.h"

struct span {
    size_t start, end; /* code points [start, end) */
};

/* The sentences of t in order into a new array *out; returns how many (0
 * for text of spaces only), or SIZE_MAX when memory runs out. */
size_t sentences_split(const struct utext *t, struct span **out);

/* A headline: a sentence that ends without a full stop (a title, a
 * caption, a line of the page around the article). */
bool sentence_is_headline(const struct utext *t, struct span s);

/* The index of the sentence holding code point i, or SIZE_MAX. */
size_t sentence_of(const struct span *s, size_t n, size_t i);

#endif
