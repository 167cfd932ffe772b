/* jsonw — JSON straight into a buffer, as jansson writes it (see jsonw.h). */
#include "jsonw.h"

#include "text.h"

#include <inttypes.h>
#include <stdio.h>
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

void jw_string(struct jsonw *w, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!w->ok)
        return;
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

void jw_key(struct jsonw *w, const char *key)
{
    if (!w->first)
        put(w, ",", 1);
    w->first = false;
    jw_string(w, key);
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
    char text[24];
    int n = snprintf(text, sizeof text, "%" PRId64, v);
    jw_key(w, key);
    put(w, text, (size_t)n);
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
