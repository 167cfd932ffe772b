/* jsonw — JSON straight into a buffer, as jansson writes it (see jsonw.h). */
#include "jsonw.h"

#include "text.h"

#include <stdint.h>
#include <string.h>

void jw_init(struct jsonw *w, struct buf *b)
{
    w->b = b;
    w->first = true;
    w->ok = true;
}

static void put(struct jsonw *w, const char *s, size_t n)
{
    if (w->ok && !buf_append(w->b, s, n))
        w->ok = false;
}

/* Whether any of the 8 bytes of x is zero (exact, as a whole). */
static inline uint64_t any_zero(uint64_t x)
{
    return (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;
}

/* Whether any byte of x is below 0x20, non-ASCII, '"' or '\\'. */
static inline bool any_special(uint64_t x)
{
    uint64_t below = (x - 0x2020202020202020ULL) & ~x; /* a byte < 0x20 sets its top bit */
    return ((below | x) & 0x8080808080808080ULL) || any_zero(x ^ 0x2222222222222222ULL) ||
           any_zero(x ^ 0x5C5C5C5C5C5C5C5CULL);
}

/* The length of the first run of s's n bytes that a JSON string holds as
 * they are and that needs no UTF-8 check: printable ASCII but '"' and
 * '\\'. Eight bytes a step (the answers' text is mostly such runs), then
 * one at a time from the word that has a special byte. */
static size_t plain_run(const char *s, size_t n)
{
    size_t i = 0;
    for (uint64_t x; i + 8 <= n; i += 8) {
        memcpy(&x, s + i, 8);
        if (any_special(x))
            break;
    }
    for (unsigned char c; i < n && (c = (unsigned char)s[i]) >= 0x20 && c < 0x80 && c != '"' &&
                          c != '\\';)
        i++;
    return i;
}

/* pre, then the n bytes of s, then post (each of pre and post 0 to 2
 * bytes), with one reservation: most strings and every key go this way. */
static void put_around(struct jsonw *w, const char *pre, size_t npre, const char *s, size_t n,
                       const char *post, size_t npost)
{
    struct buf *b = w->b;
    if (!w->ok || !buf_reserve(b, npre + n + npost)) {
        w->ok = false;
        return;
    }
    char *at = b->data + b->len;
    memcpy(at, pre, npre);
    memcpy(at + npre, s, n);
    memcpy(at + npre + n, post, npost);
    b->len += npre + n + npost;
    b->data[b->len] = '\0';
}

/* The escaping path: s has a byte below U+0020, '"', '\\' or non-ASCII. */
static void string_escaped(struct jsonw *w, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!utf8_valid(s)) {
        w->ok = false;
        return;
    }
    put(w, "\"", 1);
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put(w, run, (size_t)(p - run));
        run = p + 1;
        switch (c) {
        case '"': put(w, "\\\"", 2); break;
        case '\\': put(w, "\\\\", 2); break;
        case '\b': put(w, "\\b", 2); break;
        case '\f': put(w, "\\f", 2); break;
        case '\n': put(w, "\\n", 2); break;
        case '\r': put(w, "\\r", 2); break;
        case '\t': put(w, "\\t", 2); break;
        default: {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(w, esc, 6);
        }
        }
    }
    put(w, run, strlen(run));
    put(w, "\"", 1);
}

void jw_string(struct jsonw *w, const char *s)
{
    if (!w->ok)
        return;
    size_t len = strlen(s), n = plain_run(s, len);
    if (n == len)
        put_around(w, "\"", 1, s, n, "\"", 1);
    else
        string_escaped(w, s);
}

void jw_key(struct jsonw *w, const char *key)
{
    bool comma = !w->first;
    w->first = false;
    if (!w->ok)
        return;
    size_t len = strlen(key), n = plain_run(key, len);
    if (n == len) { /* every key the API writes */
        put_around(w, comma ? ",\"" : "\"", comma ? 2 : 1, key, n, "\":", 2);
        return;
    }
    if (comma)
        put(w, ",", 1);
    string_escaped(w, key);
    put(w, ":", 1);
}

void jw_begin_object(struct jsonw *w)
{
    put(w, "{", 1);
    w->first = true;
}

void jw_end_object(struct jsonw *w)
{
    put(w, "}", 1);
    w->first = false;
}

void jw_begin_array(struct jsonw *w)
{
    put(w, "[", 1);
    w->first = true;
}

void jw_end_array(struct jsonw *w)
{
    put(w, "]", 1);
    w->first = false;
}

void jw_element(struct jsonw *w)
{
    if (!w->first)
        put(w, ",", 1);
    w->first = false;
}

void jw_text_or_null(struct jsonw *w, const char *key, const char *s)
{
    jw_key(w, key);
    if (s && *s)
        jw_string(w, s);
    else
        put(w, "null", 4);
}

void jw_int(struct jsonw *w, const char *key, int64_t v)
{
    char text[24]; /* digits from the end: no printf on the hot answers */
    char *at = text + sizeof text;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        *--at = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        *--at = '-';
    jw_key(w, key);
    put(w, at, (size_t)(text + sizeof text - at));
}

void jw_null(struct jsonw *w, const char *key)
{
    jw_key(w, key);
    put(w, "null", 4);
}

void jw_raw(struct jsonw *w, const char *key, const char *raw)
{
    jw_key(w, key);
    put(w, raw, strlen(raw));
}
