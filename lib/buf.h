/* buf — a growable byte buffer with a hard maximum size.
 *
 * Used for request bodies, SQL text built at run time and response bodies.
 * Invariants: after buf_init, `data` is NULL or a NUL-terminated block of
 * `len` bytes; `len <= max`. A buffer never grows past `max`: an append that
 * would do so fails and leaves the buffer as it was, so a caller can answer
 * "too large" instead of silently truncating.
 */
#ifndef PLEDGED_BUF_H
#define PLEDGED_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
    char *data;   /* owned; NULL until the first append */
    size_t len;   /* bytes in use, excluding the NUL terminator */
    size_t cap;   /* bytes allocated, including room for the NUL */
    size_t max;   /* the most `len` may ever be */
};

void buf_init(struct buf *b, size_t max);

/* Makes room for `extra` more bytes at once (fewer reallocations when the
 * size is known roughly); false past `max` or when out of memory. */
bool buf_reserve(struct buf *b, size_t extra);

/* Appends n bytes. Returns false (buffer unchanged) past `max` or when out
 * of memory. */
bool buf_append(struct buf *b, const void *p, size_t n);
bool buf_puts(struct buf *b, const char *s);
bool buf_putc(struct buf *b, char c);
bool buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The contents as a C string; "" for an empty buffer. Borrowed. */
const char *buf_str(const struct buf *b);

/* Hands the block to the caller (free() it) and empties the buffer.
 * Never NULL unless out of memory. */
char *buf_detach(struct buf *b, size_t *len);

void buf_reset(struct buf *b); /* len = 0, keeps the memory */
void buf_free(struct buf *b);

#endif
