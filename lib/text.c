/* text — bounded string checks and parsers (see text.h). Hand-written rather
 * than sscanf/strtol so that every accepted form is spelled out here and
 * nothing lenient ("+1", " 1", "1e3", "01") slips through. */
#include "text.h"

#include "buf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

size_t utf8_decode_n(const unsigned char *s, size_t left, uint32_t *cp)
{
    if (left == 0)
        return 0;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t c, min;
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2, c = s[0] & 0x1Fu, min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3, c = s[0] & 0x0Fu, min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4, c = s[0] & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if (len > left)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

/* The same in a NUL-terminated string: a NUL ends any sequence early. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    return utf8_decode_n(s, SIZE_MAX, cp);
}

const char *text_check(const char *s, size_t max_chars, bool multiline)
{
    size_t chars = 0;
    bool visible = false;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        size_t len = utf8_decode(p, &cp);
        if (!len)
            return "must be valid UTF-8";
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
            if (!(multiline && (cp == '\n' || cp == '\t' || cp == '\r')))
                return "must not contain control characters";
        }
        if (cp != ' ' && cp != '\t' && cp != '\n' && cp != '\r' && cp != 0xA0)
            visible = true;
        chars++;
        p += len;
    }
    if (!visible)
        return "must not be empty";
    if (chars > max_chars)
        return "is too long";
    return NULL;
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

const char *url_check_http(const char *s)
{
    static const char *const bad = "must be an http or https URL";
    size_t n = strlen(s);
    if (n == 0 || n > 2048)
        return n ? "is too long (at most 2048 characters)" : bad;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7F)
            return "must not contain white space or control characters";
    }
    const char *p;
    if (strncasecmp(s, "http://", 7) == 0)
        p = s + 7;
    else if (strncasecmp(s, "https://", 8) == 0)
        p = s + 8;
    else
        return bad;
    size_t auth_len = strcspn(p, "/?#");
    if (memchr(p, '@', auth_len))
        return "must not contain user information";
    const char *host = p, *end = p + auth_len;
    const char *port = NULL;
    if (*host == '[') { /* IPv6 literal */
        const char *close = memchr(host, ']', auth_len);
        if (!close || close == host + 1)
            return "has an invalid host";
        for (const char *q = host + 1; q < close; q++)
            if (!(is_alnum(*q) || *q == ':' || *q == '.'))
                return "has an invalid host";
        if (close + 1 < end) {
            if (close[1] != ':')
                return "has an invalid host";
            port = close + 2;
        }
    } else {
        const char *colon = memchr(host, ':', auth_len);
        const char *host_end = colon ? colon : end;
        if (host_end == host)
            return "must have a host";
        char prev = '.';
        for (const char *q = host; q < host_end; q++) {
            if (*q == '.') {
                if (prev == '.' || prev == '-')
                    return "has an invalid host";
            } else if (*q == '-') {
                if (prev == '.')
                    return "has an invalid host";
            } else if (!is_alnum(*q)) {
                return "has an invalid host";
            }
            prev = *q;
        }
        if (prev == '-')
            return "has an invalid host";
        if (colon)
            port = colon + 1;
    }
    if (port) {
        long v = 0;
        if (port == end || end - port > 5)
            return "has an invalid port";
        for (const char *q = port; q < end; q++) {
            if (*q < '0' || *q > '9')
                return "has an invalid port";
            v = v * 10 + (*q - '0');
        }
        if (v < 1 || v > 65535)
            return "has an invalid port";
    }
    return NULL;
}

bool int_parse(const char *s, int64_t min, int64_t max, int64_t *out)
{
    const char *p = s;
    bool neg = false;
    if (*p == '-') {
        neg = true;
        p++;
    }
    if (*p < '0' || *p > '9')
        return false;
    if (p[0] == '0' && p[1] != '\0')
        return false;
    uint64_t v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        unsigned digit = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - digit) / 10)
            return false;
        v = v * 10 + digit;
        if (v > (uint64_t)INT64_MAX + 1)
            return false;
    }
    int64_t r;
    if (neg) {
        if (v == 0)
            return false; /* "-0" */
        r = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX)
            return false;
        r = (int64_t)v;
    }
    if (r < min || r > max)
        return false;
    *out = r;
    return true;
}

/* The escaped form of the character at p (see json_escape_append) into
 * out: its length, and in *consumed the bytes of p it stands for. */
static size_t escape_one(const unsigned char *p, char out[6], size_t *consumed)
{
    static const char hex[] = "0123456789abcdef";
    uint32_t cp;
    size_t len = *p >= 0x80 ? utf8_decode(p, &cp) : 1;
    *consumed = len ? len : 1;
    if (len == 0) {
        /* Not UTF-8: the byte is shown as the four characters \xHH, so the
         * output stays valid JSON in valid UTF-8. */
        memcpy(out, (char[5]){'\\', '\\', 'x', hex[*p >> 4], hex[*p & 15]}, 5);
        return 5;
    }
    if (*p == '"' || *p == '\\') {
        out[0] = '\\';
        out[1] = (char)*p;
        return 2;
    }
    if (*p < 0x20 || *p == 0x7F) {
        memcpy(out, (char[6]){'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]}, 6);
        return 6;
    }
    memcpy(out, p, len);
    return len;
}

bool json_escape_append(struct buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        char esc[6];
        size_t used, n = escape_one(p, esc, &used);
        if (!buf_append(b, esc, n))
            return false;
        p += used;
    }
    return true;
}

bool json_escape_into(char *out, size_t cap, size_t *pos, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        char esc[6];
        size_t used, n = escape_one(p, esc, &used);
        if (n > cap - *pos)
            return false;
        memcpy(out + *pos, esc, n);
        *pos += n;
        p += used;
    }
    return true;
}

bool utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        size_t len = utf8_decode(p, &cp);
        if (!len)
            return false;
        p += len;
    }
    return true;
}

void text_shown(const char *s, size_t max_bytes, char *out, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && n + 5 < len && (size_t)(p - (const unsigned char *)s) < max_bytes) {
        uint32_t cp;
        size_t l = utf8_decode(p, &cp);
        if (l == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
            size_t bytes = l ? l : 1;
            for (size_t i = 0; i < bytes && n + 5 < len; i++) {
                out[n++] = '\\';
                out[n++] = 'x';
                out[n++] = hex[p[i] >> 4];
                out[n++] = hex[p[i] & 15];
            }
            p += bytes;
        } else {
            if (n + l + 1 > len)
                break;
            memcpy(out + n, p, l);
            n += l;
            p += l;
        }
    }
    out[n] = '\0';
}

bool url_encode_append(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool ok;
        if (is_alnum((char)*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            ok = buf_putc(b, (char)*p);
        } else {
            char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            ok = buf_append(b, esc, 3);
        }
        if (!ok)
            return false;
    }
    return true;
}

bool text_is_word(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)p[i] >= 0x80 || ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z') ||
            (p[i] >= '0' && p[i] <= '9'))
            return true;
    return false;
}

bool text_next_word(const char **p, const char **word, size_t *len, bool *prefix)
{
    for (const char *q = *p;;) {
        q += strspn(q, " \t");
        size_t n = strcspn(q, " \t");
        if (!n) {
            *p = q;
            return false;
        }
        *prefix = n > 1 && q[n - 1] == '*';
        *word = q;
        *len = *prefix ? n - 1 : n;
        q += n;
        if (text_is_word(*word, *len)) {
            *p = q;
            return true;
        }
    }
}

bool text_has_word(const char *q)
{
    const char *word;
    size_t len;
    bool prefix;
    return text_next_word(&q, &word, &len, &prefix);
}
