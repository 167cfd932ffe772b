/* jsonw — JSON written straight into a struct buf, byte for byte as
 * jansson's json_dumps(JSON_COMPACT | JSON_PRESERVE_ORDER) writes it, so
 * the hot answers (one pledge, announcement or company) need no tree.
 *
 * Strings are escaped as jansson escapes them: \" and \\, \b \f \n \r \t,
 * other characters below U+0020 as \u00XX (upper-case hex); everything
 * else, U+007F and non-ASCII included, is copied as it is. A string that is
 * not valid UTF-8 is refused (false), as jansson refuses to hold one.
 *
 * Each function appends and returns false when the buffer is full or the
 * input is refused; the buffer's contents are then unspecified. A writer
 * object tracks whether a comma is due: jw->first.
 */
#ifndef PLEDGED_JSONW_H
#define PLEDGED_JSONW_H

#include "buf.h"

#include <stdbool.h>
#include <stdint.h>

struct jsonw {
    struct buf *b;    /* borrowed */
    bool first;       /* no member written yet in the open object or array */
    bool ok;          /* false after any failed append; every call is then a no-op */
};

void jw_init(struct jsonw *w, struct buf *b);

/* A string value (s valid UTF-8), escaped. */
void jw_string(struct jsonw *w, const char *s);
/* Starts "key": in the open object (a comma first when due). */
void jw_key(struct jsonw *w, const char *key);
void jw_begin_object(struct jsonw *w);
void jw_end_object(struct jsonw *w);
void jw_begin_array(struct jsonw *w);
void jw_end_array(struct jsonw *w);
/* Before an array element: a comma when due. */
void jw_element(struct jsonw *w);

/* Members: "key":value. A NULL or empty text is written as null. */
void jw_text_or_null(struct jsonw *w, const char *key, const char *s);
void jw_int(struct jsonw *w, const char *key, int64_t v);
void jw_null(struct jsonw *w, const char *key);
/* "key": followed by raw, already valid JSON text. */
void jw_raw(struct jsonw *w, const char *key, const char *raw);

#endif
