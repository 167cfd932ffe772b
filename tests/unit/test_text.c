/* Unit tests for lib/text: URL, date and integer parsing, text checks,
 * escaping. */
#include "buf.h"
#include "tap.h"
#include "date.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

int main(void)
{
    static const struct { const char *url; bool ok; } urls[] = {
        {"https://www.microsoft.com", true},
        {"http://example.com/", true},
        {"HTTPS://Example.COM/path?q=1#frag", true},
        {"https://example.com:8443/x", true},
        {"https://[2001:db8::1]/", true},
        {"https://[2001:db8::1]:443/", true},
        {"https://a-b.example", true},
        {"ftp://example.com", false},
        {"example.com", false},
        {"https://", false},
        {"https:///path", false},
        {"https://exa mple.com", false},
        {"https://example.com/a b", false},
        {"https://user:pw@example.com", false},
        {"https://example.com:0/", false},
        {"https://example.com:65536/", false},
        {"https://example.com:/", false},
        {"https://example.com:12a/", false},
        {"https://-bad.example", false},
        {"https://bad-.example", false},
        {"https://a..b", false},
        {"https://exa_mple.com", false},
        {"javascript:alert(1)", false},
        {"https://[]/", false},
        {"https://example.com/\x01", false},
        {"", false},
    };
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++)
        CHECK((url_check_http(urls[i].url) == NULL) == urls[i].ok, "url_check_http(\"%s\") %s",
              urls[i].url, urls[i].ok ? "accepts" : "refuses");
    char longurl[2100] = "https://example.com/";
    memset(longurl + 20, 'a', 2040);
    longurl[2060] = '\0';
    CHECK(url_check_http(longurl) != NULL, "a URL over 2048 bytes is refused");

    static const struct { const char *s; bool ok; } dates[] = {
        {"2024-04-09", true}, {"2024-02-29", true}, {"2000-02-29", true},
        {"2023-02-29", false}, {"1900-02-29", false}, {"2024-02-30", false},
        {"2024-04-31", false}, {"2024-13-01", false}, {"2024-00-10", false},
        {"2024-01-00", false}, {"2024-1-09", false}, {"24-04-09", false},
        {"2024-04-09T00:00:00Z", false}, {"2024/04/09", false}, {"", false},
        {"0999-01-01", false}, {"9999-12-31", true}, {"2024-04-0a", false},
    };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        int y, m, d;
        CHECK(date_parse(dates[i].s, &y, &m, &d) == dates[i].ok, "date_parse(\"%s\") %s",
              dates[i].s, dates[i].ok ? "accepts" : "refuses");
    }

    static const struct { const char *s; int64_t min, max; bool ok; int64_t v; } ints[] = {
        {"0", 0, 10, true, 0},     {"10", 0, 10, true, 10},   {"11", 0, 10, false, 0},
        {"-1", 0, 10, false, 0},   {"-5", -10, 10, true, -5}, {"+1", 0, 10, false, 0},
        {" 1", 0, 10, false, 0},   {"1 ", 0, 10, false, 0},   {"01", 0, 10, false, 0},
        {"", 0, 10, false, 0},     {"-", -10, 10, false, 0},  {"-0", -10, 10, false, 0},
        {"1e3", 0, 10000, false, 0}, {"0x10", 0, 100, false, 0},
        {"9223372036854775807", INT64_MIN, INT64_MAX, true, INT64_MAX},
        {"-9223372036854775808", INT64_MIN, INT64_MAX, true, INT64_MIN},
        {"9223372036854775808", INT64_MIN, INT64_MAX, false, 0},
        {"99999999999999999999999", INT64_MIN, INT64_MAX, false, 0},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        int64_t v = 12345;
        bool ok = int_parse(ints[i].s, ints[i].min, ints[i].max, &v);
        CHECK(ok == ints[i].ok && (!ok ? v == 12345 : v == ints[i].v), "int_parse(\"%s\") %s",
              ints[i].s, ints[i].ok ? "accepts" : "refuses and leaves *out alone");
    }

    static const struct { const char *s; size_t max; bool multiline; bool ok; } texts[] = {
        {"Hitachi", 200, false, true},
        {"Société Générale", 16, false, true},
        {"Société Générale!", 16, false, false},
        {"日立製作所", 5, false, true},
        {"", 10, false, false},
        {"   ", 10, false, false},
        {"a\tb", 10, false, false},
        {"a\tb", 10, true, true},
        {"line\nline", 20, false, false},
        {"line\nline", 20, true, true},
        {"bell\x07", 10, true, false},
        {"del\x7f", 10, false, false},
        {"\xc2\x85next-line", 20, false, false}, /* U+0085 is a C1 control */
        {"\xff\xfe", 10, false, false},
        {"\xc0\xaf", 10, false, false},          /* overlong '/' */
        {"\xed\xa0\x80", 10, false, false},      /* a UTF-16 surrogate */
        {"\xe6\x97", 10, false, false},          /* truncated sequence */
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        CHECK((text_check(texts[i].s, texts[i].max, texts[i].multiline) == NULL) == texts[i].ok,
              "text_check case %zu %s", i, texts[i].ok ? "accepts" : "refuses");
    CHECK(utf8_length("日立") == 2 && utf8_length("abc") == 3 && utf8_length("") == 0,
          "utf8_length counts code points");

    struct buf b;
    buf_init(&b, 1024);
    json_escape_append(&b, "a\"b\\c\n\x01");
    CHECK(strcmp(buf_str(&b), "a\\\"b\\\\c\\u000a\\u0001") == 0, "json_escape_append escapes (%s)",
          buf_str(&b));
    /* Bytes that are not UTF-8 become the text \xHH: the output is valid
     * JSON in valid UTF-8 whatever the input (the access log relies on it). */
    static const struct { const char *in, *out; } esc[] = {
        {"\xff", "\\\\xff"},
        {"/v1/\xff\xfe", "/v1/\\\\xff\\\\xfe"},
        {"\xed\xa0\x80", "\\\\xed\\\\xa0\\\\x80"},      /* a surrogate, encoded */
        {"\xc0\xaf", "\\\\xc0\\\\xaf"},                /* overlong '/' */
        {"日立 \xe6\x97", "日立 \\\\xe6\\\\x97"},          /* truncated sequence */
        {"ok é", "ok é"},
    };
    for (size_t i = 0; i < sizeof esc / sizeof esc[0]; i++) {
        buf_reset(&b);
        json_escape_append(&b, esc[i].in);
        CHECK(strcmp(buf_str(&b), esc[i].out) == 0 && utf8_valid(buf_str(&b)),
              "json_escape_append case %zu writes %s (got %s)", i, esc[i].out, buf_str(&b));
    }
    CHECK(utf8_valid("") && utf8_valid("日立") && !utf8_valid("\xff") && !utf8_valid("\xed\xa0\x80") &&
              !utf8_valid("\xc0\xaf") && !utf8_valid("\xf4\x90\x80\x80") && !utf8_valid("a\xe6\x97"),
          "utf8_valid refuses invalid bytes, surrogates, overlong forms and beyond U+10FFFF");
    char shown[32];
    text_shown("a\x01" "b\xff" "é", 100, shown, sizeof shown);
    CHECK(strcmp(shown, "a\\x01b\\xffé") == 0, "text_shown escapes control and invalid bytes (%s)", shown);
    text_shown("abcdefghijklmnopqrstuvwxyz0123456789", 100, shown, sizeof shown);
    CHECK(strlen(shown) < sizeof shown, "text_shown never overruns its buffer (%s)", shown);
    text_shown("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 100, shown, sizeof shown);
    CHECK(strlen(shown) < sizeof shown && strncmp(shown, "\\xff\\xff", 8) == 0,
          "text_shown stops whole when the buffer fills (%s)", shown);
    buf_reset(&b);
    url_encode_append(&b, "a b&c=d/é~");
    CHECK(strcmp(buf_str(&b), "a%20b%26c%3Dd%2F%C3%A9~") == 0, "url_encode_append encodes (%s)",
          buf_str(&b));
    buf_free(&b);

    /* buf refuses to pass its maximum and stays unchanged. */
    buf_init(&b, 8);
    CHECK(buf_puts(&b, "12345678") && b.len == 8, "buf fills to its maximum");
    CHECK(!buf_putc(&b, '9') && b.len == 8 && strcmp(buf_str(&b), "12345678") == 0,
          "buf refuses one byte more and is unchanged");
    CHECK(!buf_printf(&b, "%d", 1) && b.len == 8, "buf_printf refuses past the maximum");
    size_t len;
    char *p = buf_detach(&b, &len);
    CHECK(len == 8 && strcmp(p, "12345678") == 0 && b.data == NULL, "buf_detach hands over");
    free(p);
    p = buf_detach(&b, &len);
    CHECK(p && len == 0 && p[0] == '\0', "buf_detach of an empty buffer gives \"\"");
    free(p);

    /* Search words, as both engines split free text: runs between spaces
     * and tabs with a letter or digit; a trailing '*' asks for a prefix. */
    static const struct {
        const char *q, *words; /* words joined by '|', a prefix marked '*' */
    } split[] = {
        {"", ""},
        {"   \t ", ""},
        {"grid", "grid"},
        {"  grid\tcentres  ", "grid|centres"},
        {"data* centre", "data*|centre"},
        {"* ** --- !?", ""},            /* no letter or digit: not words */
        {"\"centres OR", "\"centres|OR"}, /* quotes stay part of a word */
        {"a*b x*", "a*b|x*"},           /* '*' inside a word is its own */
        {"日立 é*", "日立|é*"},          /* non-ASCII bytes count as letters */
        {"2.9 -", "2.9"},
    };
    for (size_t i = 0; i < sizeof split / sizeof split[0]; i++) {
        char got[128] = "";
        const char *q = split[i].q, *word;
        size_t n, used = 0;
        bool prefix;
        while (text_next_word(&q, &word, &n, &prefix) && used + n + 3 < sizeof got)
            used += (size_t)snprintf(got + used, sizeof got - used, "%s%.*s%s", used ? "|" : "",
                                     (int)n, word, prefix ? "*" : "");
        CHECK(strcmp(got, split[i].words) == 0 && *q == '\0' &&
                  text_has_word(split[i].q) == (split[i].words[0] != '\0'),
              "text_next_word splits \"%s\" into \"%s\" (got \"%s\")", split[i].q,
              split[i].words, got);
    }
    return tap_done();
}
