/* csv — CSV rendering of JSON rows (see csv.h). */
#include "csv.h"

#include "api.h"
#include "buf.h"
#include "respond.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int csv_wanted(const struct request *rq, struct response *rs)
{
    respond_header(rs, "Vary", "Accept"); /* JSON or CSV, by Accept */
    const char *format = api_query(rq, "format");
    if (format) {
        if (strcmp(format, "csv") == 0)
            return 1;
        if (strcmp(format, "json") == 0)
            return 0;
        respond_bad_param(rs, "format", "must be json or csv");
        return -1;
    }
    if (!rq->accept)
        return 0;
    /* Prefer whichever of the two appears first; q-values are not weighed. */
    const char *csv = strcasestr(rq->accept, "text/csv");
    const char *json = strcasestr(rq->accept, "application/json");
    return csv && (!json || csv < json) ? 1 : 0;
}

/* A text cell that a spreadsheet would run as a formula: OWASP's list of
 * leading characters (=, +, -, @, tab, carriage return). */
static bool formula_like(const char *s)
{
    return *s && strchr("=+-@\t\r", *s) != NULL;
}

/* Writes one cell, quoted when RFC 4180 needs it. A text cell that looks
 * like a formula gets a leading apostrophe, so opening the file in a
 * spreadsheet shows the text instead of running it; numbers and dates are
 * never text cells here, so they stay as they are. */
static void put_field(struct buf *b, const char *s, bool text)
{
    bool neutralise = text && formula_like(s);
    bool quote = strpbrk(s, ",\"\r\n") != NULL || (*s == ' ') ||
                 (*s && s[strlen(s) - 1] == ' ');
    if (!quote) {
        if (neutralise)
            buf_putc(b, '\'');
        buf_puts(b, s);
        return;
    }
    buf_putc(b, '"');
    if (neutralise)
        buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '"')
            buf_putc(b, '"');
        buf_putc(b, *s);
    }
    buf_putc(b, '"');
}

static void put_value(struct buf *b, const json_t *v)
{
    char num[32];
    switch (json_typeof(v)) {
    case JSON_STRING:
        put_field(b, json_string_value(v), true);
        break;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        buf_puts(b, num);
        break;
    case JSON_TRUE:
        buf_puts(b, "true");
        break;
    case JSON_FALSE:
        buf_puts(b, "false");
        break;
    case JSON_OBJECT: /* money: its value, a plain decimal */
        if (json_is_string(json_object_get(v, "value")))
            put_field(b, json_string_value(json_object_get(v, "value")), false);
        break;
    case JSON_ARRAY: {
        struct buf joined;
        buf_init(&joined, 1 << 20);
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            if (i)
                buf_putc(&joined, ';');
            if (json_is_string(item))
                buf_puts(&joined, json_string_value(item));
        }
        put_field(b, buf_str(&joined), true);
        buf_free(&joined);
        break;
    }
    default:
        break;
    }
}

static const json_t *field(const json_t *row, const char *path)
{
    char key[64];
    const json_t *v = row;
    while (v && *path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        v = json_object_get(v, key);
        path += n + (path[n] == '.');
    }
    return v;
}

void respond_csv(struct response *rs, const char *const columns[], const json_t *rows)
{
    struct buf b;
    buf_init(&b, (size_t)256 << 20);
    for (size_t c = 0; columns[c]; c++) {
        if (c)
            buf_putc(&b, ',');
        put_field(&b, columns[c], false);
    }
    buf_puts(&b, "\r\n");
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        for (size_t c = 0; columns[c]; c++) {
            if (c)
                buf_putc(&b, ',');
            const json_t *v = field(row, columns[c]);
            if (v)
                put_value(&b, v);
        }
        buf_puts(&b, "\r\n");
    }
    size_t len;
    char *text = buf_detach(&b, &len);
    respond_bytes(rs, 200, "text/csv; charset=utf-8", text, len);
    free(text);
}
