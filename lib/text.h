/* text — bounded checks and parsers for strings that come from the network.
 *
 * Every function here is total: it never reads past the NUL and says why it
 * refused. Nothing here allocates but the appenders, which write into a
 * capped struct buf (and may grow it up to its cap). Messages are short English phrases the
 * API shows as-is in a problem document ("must be an http or https URL").
 */
#ifndef PLEDGED_TEXT_H
#define PLEDGED_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* Number of code points in valid UTF-8 `s` (bytes 0x80-0xBF not counted). */
size_t utf8_length(const char *s);

/* NULL when `s` is valid UTF-8 of 1 to max_chars code points, not only white
 * space, with no control characters (tab and newline are allowed only when
 * multiline); otherwise why not. */
const char *text_check(const char *s, size_t max_chars, bool multiline);

/* NULL when `s` is an absolute http:// or https:// URL with a host, no
 * user-info, an optional port 1-65535, no white space or control characters,
 * at most 2048 bytes; otherwise why not. */
const char *url_check_http(const char *s);

/* Parses a whole decimal integer (digits only, optional leading '-', no
 * white space, no '+', no leading zeros beyond "0") within [min, max].
 * False, with *out untouched, otherwise. */
bool int_parse(const char *s, int64_t min, int64_t max, int64_t *out);

/* Appends `s` to b as the inside of a JSON string (quotes not added),
 * escaping '"', '\\' and control characters; a byte that is not part of
 * valid UTF-8 is written as the text \xHH, so the result is always valid
 * JSON and valid UTF-8 (an access log line stays parseable whatever a
 * client sends). False if b is full. */
bool json_escape_append(struct buf *b, const char *s);
/* The same into out[*pos..cap), advancing *pos; false (out unfinished)
 * when it does not fit. Allocates nothing. */
bool json_escape_into(char *out, size_t cap, size_t *pos, const char *s);

/* Decodes the UTF-8 sequence at s, of which `left` bytes may be read: its
 * length and code point, or 0 when it is not valid UTF-8 (overlong forms,
 * surrogates, past U+10FFFF, cut short). A NUL byte decodes as U+0000. */
size_t utf8_decode_n(const unsigned char *s, size_t left, uint32_t *cp);

/* Whether s is valid UTF-8 (no overlong forms, no surrogates). */
bool utf8_valid(const char *s);

/* A printable rendering of untrusted text for messages: valid, printable
 * UTF-8 is copied, and every other byte (invalid UTF-8, control characters
 * including a NUL decoded from %00) is written as \xHH. At most max_bytes
 * of s are read and out (len bytes) is always NUL-terminated. */
void text_shown(const char *s, size_t max_bytes, char *out, size_t len);

/* Appends `s` percent-encoded for a URL query component (RFC 3986
 * unreserved characters are kept). False if b is full. */
bool url_encode_append(struct buf *b, const char *s);

/* Whether p[0..len) is a word of a search: it has a letter or a digit (any
 * non-ASCII byte counts as a letter). */
bool text_is_word(const char *p, size_t len);
/* Whether free text q has a word among its runs without white space (a
 * trailing '*' of a run, for prefix search, is not part of its word). */
bool text_has_word(const char *q);
/* The next word of free text at *p, as both engines' searches split it:
 * runs between spaces and tabs that are words (text_is_word), a trailing
 * '*' of a run asking for a prefix. Sets *word and *len (without the '*')
 * and *prefix, advances *p past the run; false at the end. */
bool text_next_word(const char **p, const char **word, size_t *len, bool *prefix);

#endif
