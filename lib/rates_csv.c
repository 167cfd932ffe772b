/* rates_csv — reading a rates file line by line (see rates_csv.h). */
#include "rates_csv.h"

#include "codes.h"
#include "date.h"
#include "money.h"

#include <stdio.h>
#include <string.h>

#define HEADER "date,currency,per_usd"

/* Splits the next line off [*p, end); returns its length without CR/LF. */
static size_t next_line(const char **p, const char *end, const char **line)
{
    const char *s = *p;
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    const char *stop = nl ? nl : end;
    *p = nl ? nl + 1 : end;
    *line = s;
    size_t n = (size_t)(stop - s);
    if (n > 0 && s[n - 1] == '\r')
        n--;
    return n;
}

/* Why a line's fields are not a rate, in why; empty when they are. */
static void check_fields(const char *date, const char *code, const char *value,
                         const char *tomorrow, char *why, size_t whylen)
{
    int y, m, d;
    const struct currency *c = currency_find(code);
    struct rate r;
    char rwhy[128];
    why[0] = '\0';
    if (!date_parse(date, &y, &m, &d))
        snprintf(why, whylen, "'%.20s' is not a date YYYY-MM-DD", date);
    else if (!date_within(date, DATE_FIRST, tomorrow))
        snprintf(why, whylen, "%s is not from %s to %s", date, DATE_FIRST, tomorrow);
    else if (!c || strcmp(c->code, code) != 0)
        snprintf(why, whylen, "'%.10s' is not an upper-case ISO 4217 code", code);
    else if (strcmp(code, "USD") == 0)
        snprintf(why, whylen, "USD is 1 per USD by definition");
    else if (!rate_parse(value, &r, rwhy, sizeof rwhy))
        snprintf(why, whylen, "per_usd '%.24s' %s", value, rwhy);
}

bool rates_csv_each(const char *text, size_t len, const char *tomorrow, rates_csv_row_fn *row,
                    rates_csv_bad_fn *bad, void *ctx, char *err, size_t errlen)
{
    const char *p = text, *end = text + len, *line;
    size_t n = next_line(&p, end, &line), lineno = 1;
    if (n != strlen(HEADER) || memcmp(line, HEADER, n) != 0) {
        snprintf(err, errlen, "line 1 must be the header " HEADER);
        return false;
    }
    while (p < end) {
        n = next_line(&p, end, &line);
        lineno++;
        if (n == 0)
            continue;
        char buf[128], why[256];
        if (n >= sizeof buf) {
            bad(ctx, lineno, "line too long");
            continue;
        }
        memcpy(buf, line, n);
        buf[n] = '\0';
        char *date = buf, *code = strchr(buf, ','), *value = code ? strchr(code + 1, ',') : NULL;
        if (!value || strchr(value + 1, ',')) {
            bad(ctx, lineno, "expected three fields: date,currency,per_usd");
            continue;
        }
        *code++ = '\0';
        *value++ = '\0';
        check_fields(date, code, value, tomorrow, why, sizeof why);
        if (why[0])
            bad(ctx, lineno, why);
        else if (!row(ctx, lineno, date, code, value))
            return false;
    }
    return true;
}
