/* language — BCP 47 language tags as sources carry them ("en", "fr",
 * "ja", "pt-BR", "zh-Hant-TW").
 *
 * The check is the tag's syntax (RFC 5646: a primary subtag of 2-3
 * letters, then subtags of 1-8 letters or digits) plus, for the common
 * two-letter primary subtags, membership of ISO 639-1. The result is
 * canonical case: language lower, region upper, script title case.
 */
#ifndef PLEDGED_LANGUAGE_H
#define PLEDGED_LANGUAGE_H

#include <stdbool.h>
#include <stddef.h>

#define LANGUAGE_MAX 35

extern const char iso639_1_codes[][3];
extern const size_t iso639_1_count;

/* Writes the canonical form of `tag` to out and returns true when it is a
 * well-formed tag with a known primary language. */
bool language_check(const char *tag, char out[LANGUAGE_MAX + 1]);

#endif
