/* utext — an article's text as code points, for the draft recognisers.
 *
 * The recognisers (money, people, durations, fiscal years) work on code
 * points, not bytes: a mention's start and end are offsets in code points
 * of the text as sent (the API's contract), and Japanese needs no byte
 * arithmetic. Beside the code points as written, `norm` holds a folded
 * copy that patterns are matched against, one code point for one, so an
 * offset in either is the same offset:
 *   - full-width ASCII (U+FF01 to U+FF5E) becomes ASCII ("３億" reads "3億");
 *   - every space (no-break, narrow no-break, thin, ideographic, tab,
 *     line breaks) becomes ' ';
 *   - typographic apostrophes become ', dashes '-';
 *   - Latin letters are lower-cased (ASCII, Latin-1, capital letters with
 *     a lower-case partner in Latin Extended-A).
 * Keeping the mapping one to one is why this is not full NFKC, which may
 * turn one code point into several ("㍿" into four) and so move offsets.
 *
 * Ownership: utext_from_utf8 allocates both arrays; utext_free frees them.
 * Invariant after a successful utext_from_utf8: cp and norm hold n code
 * points each (both non-NULL, even for empty text).
 */
#ifndef PLEDGED_DRAFT_UTEXT_H
#define PLEDGED_DRAFT_UTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

struct utext {
    uint32_t *cp;   /* the text as written, n code points; owned */
    uint32_t *norm; /* the folded copy described above, n code points; owned */
    size_t n;       /* code points */
};

/* Decodes `len` bytes of UTF-8 into t. False, with t emptied, when the
 * bytes are not valid UTF-8 (overlong forms, surrogates, code points past
 * U+10FFFF, a NUL byte) or memory runs out. */
bool utext_from_utf8(struct utext *t, const char *s, size_t len);
void utext_free(struct utext *t);

/* Appends code points [start, end) as written, in UTF-8, to b. False when
 * b is full. */
bool utext_append(const struct utext *t, size_t start, size_t end, struct buf *b);

/* The folded code point at i, or 0 past the end (so patterns can look
 * ahead without bounds checks). */
static inline uint32_t ut_at(const struct utext *t, size_t i)
{
    return i < t->n ? t->norm[i] : 0;
}

/* A letter or digit of an alphabetic script (Latin, Greek, Cyrillic...):
 * what a word is made of where words are separated by spaces. Japanese
 * kana and kanji are not: they join without spaces, so no word boundary
 * is asked of them. */
bool ut_is_wordchar(uint32_t c);
bool ut_is_digit(uint32_t c); /* ASCII 0-9 (after folding, full-width too) */
bool ut_is_cjk(uint32_t c);   /* kana, kanji, CJK punctuation */

/* Whether position i starts a word: i is 0 or the code point before it is
 * no word character. */
bool ut_word_start(const struct utext *t, size_t i);

/* Matches `pattern` (lower-case UTF-8) at position i of the folded text and
 * returns the position just after it, or 0 when it does not match. A space
 * in the pattern matches one or more spaces; a pattern that ends in a word
 * character must not be followed by one ("bn" does not match "bnx").
 * The caller checks where the match may start (ut_word_start). */
size_t ut_match(const struct utext *t, size_t i, const char *pattern);
/* The same, asking for the boundary after the match only when `boundary`
 * ("usd" before "2.9bn", "rm" before "10"). */
size_t ut_match_at(const struct utext *t, size_t i, const char *pattern, bool boundary);

/* Tries each pattern of a NULL-terminated list at i; returns the end of
 * the first (longest first is the caller's order) that matches and its
 * index in *which, or 0. */
size_t ut_match_any(const struct utext *t, size_t i, const char *const *patterns, int *which);

/* Whether `pattern` ends just before position i, spaces between allowed,
 * and starts a word: its start, or SIZE_MAX. ("il y a" before "46 ans".) */
size_t ut_match_before(const struct utext *t, size_t i, const char *pattern);

/* The digits at k, at most `max` of them (a longer run is refused): their
 * value in *value and count in *count; returns their end, or 0 when there
 * is no digit at k or more than max. */
size_t ut_digits(const struct utext *t, size_t k, int max, int *value, int *count);

/* After a French "de " or "d'" at k (as in "3 milliards de dollars",
 * "1 million d'euros"), or k itself when there is none. */
size_t ut_skip_de(const struct utext *t, size_t k);

/* Skips spaces from i; returns the first position that is not one. */
size_t ut_skip_spaces(const struct utext *t, size_t i);

/* Decodes one code point from UTF-8 at *s (valid UTF-8 assumed, as
 * patterns are) and advances *s. */
uint32_t ut_decode(const char **s);

#endif
