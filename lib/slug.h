/* slug — the URL names of companies ("microsoft", "softbank-group").
 *
 * A slug is lower-case ASCII, `[a-z][a-z0-9-]{0,63}`, with no leading,
 * trailing or doubled '-'... except that a client may *give* any slug the
 * pattern allows; only derived slugs are also tidy.
 *
 * Ownership: nothing is allocated; outputs go into the caller's buffers.
 */
#ifndef PLEDGED_SLUG_H
#define PLEDGED_SLUG_H

#include <stdbool.h>
#include <stdint.h>

#define SLUG_MAX 64

/* True when s matches [a-z][a-z0-9-]{0,63}. */
bool slug_is_valid(const char *s);

/* The ASCII spelling of a Latin letter from U+00C0 to U+017F ("é" is "e",
 * "ß" is "ss", "Œ" is "oe"; "" for the signs × and ÷), or NULL outside
 * that range. Static strings. */
const char *latin_ascii(uint32_t cp);

/* Derives a slug from a company name: Latin letters with accents lose them
 * ("Société" -> "societe"), '&' becomes "and", every other run of
 * non-alphanumerics becomes one '-', the result is trimmed of '-' and cut at
 * 64 characters (never ending in '-'). Writes it to out and returns true when
 * the result is a valid slug; returns false (out undefined) when it is not,
 * e.g. for "3M" or a name in a non-Latin script. */
bool slug_from_name(const char *name, char out[SLUG_MAX + 1]);

#endif
