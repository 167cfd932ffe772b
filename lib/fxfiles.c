/* fxfiles — readers of the Fed's H.10 and the ECB's reference-rate files
 * (see fxfiles.h). Both files are small CSV (a few MB for the ECB's whole
 * history); each is read line by line in one pass. */
#include "fxfiles.h"

#include "iso4217.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const fed_h10_currencies[] = {"AUD", "BRL", "CAD", "CHF", "CNY", "DKK", "EUR", "GBP",
                                          "HKD", "INR", "JPY", "KRW", "LKR", "MXN", "MYR", "NOK",
                                          "NZD", "SEK", "SGD", "THB", "TWD", "ZAR", NULL};

bool fed_h10_publishes(const char *code)
{
    for (size_t i = 0; fed_h10_currencies[i]; i++)
        if (strcmp(fed_h10_currencies[i], code) == 0)
            return true;
    return false;
}

#define MAX_COLS 64
#define CELL_MAX 64

/* One CSV line split into cells (quotes removed; a quoted cell may hold
 * commas, doubled quotes stand for one). */
struct line {
    char cells[MAX_COLS][CELL_MAX];
    size_t n;
};

/* Splits the next line off [*p, end). False at the end of the text, or
 * when a line has too many or too long cells (err set). */
static bool next_line(const char **p, const char *end, struct line *out, bool *complete,
                      char *err, size_t errlen)
{
    if (*p >= end)
        return false;
    const char *s = *p;
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    const char *stop = nl ? nl : end;
    *complete = nl != NULL;
    *p = nl ? nl + 1 : end;
    if (stop > s && stop[-1] == '\r')
        stop--;
    out->n = 0;
    size_t len = 0;
    bool quoted = false;
    for (const char *c = s;; c++) {
        if (out->n == MAX_COLS) { /* checked before the cell is written */
            snprintf(err, errlen, "a line has more than %d cells", MAX_COLS);
            return false;
        }
        if (c == stop || (*c == ',' && !quoted)) {
            out->cells[out->n][len] = '\0';
            out->n++;
            len = 0;
            if (c == stop)
                break;
            continue;
        }
        if (*c == '"') {
            if (quoted && c + 1 < stop && c[1] == '"') {
                c++;
            } else {
                quoted = !quoted;
                continue;
            }
        }
        if (len + 1 >= CELL_MAX) {
            snprintf(err, errlen, "a cell is longer than %d bytes", CELL_MAX - 1);
            return false;
        }
        out->cells[out->n][len++] = *c;
    }
    return true;
}

static bool value_rate(const char *text, struct rate *out, const char *what, const char *date,
                       char *err, size_t errlen)
{
    char why[128];
    if (rate_parse(text, out, why, sizeof why))
        return true;
    snprintf(err, errlen, "%s on %s is '%.20s', which %s", what, date, text, why);
    return false;
}

/* The rate written back as text is what gets stored, so a quotient must
 * read back as itself: at most 18 decimals and at most 10 significant
 * digits (a cross rate of 2.3 × 10^10 yen a dollar, from a USD value of
 * 0.0718, has 11 and is refused). */
static bool storable(const struct rate *r)
{
    if (r->scale > RATE_MAX_SCALE || r->coef == 0)
        return false;
    char text[MONEY_TEXT], why[128];
    struct rate back;
    rate_format(r, text);
    return rate_parse(text, &back, why, sizeof why) && back.coef == r->coef &&
           back.scale == r->scale;
}

bool fed_h10_read(const char *text, size_t len, const char *since, fx_row_fn *fn, void *ctx,
                  char *err, size_t errlen)
{
    const char *p = text, *end = text + len;
    struct line line, codes = {0}; /* 4 KiB each, on the stack: the reader is re-entrant */
    bool have_codes = false, have_ids = false, complete = true;
    struct { char code[4]; bool invert; bool use; } cols[MAX_COLS] = {{{0}, 0, 0}};
    size_t ncols = 0, rows = 0, lineno = 0;
    err[0] = '\0';
    while (next_line(&p, end, &line, &complete, err, errlen)) {
        lineno++;
        if (line.n == 1 && line.cells[0][0] == '\0')
            continue; /* a blank line */
        if (!have_ids) {
            if (strcmp(line.cells[0], "Currency:") == 0) {
                codes = line;
                have_codes = true;
            } else if (strcmp(line.cells[0], "Time Period") == 0) {
                if (!have_codes) {
                    snprintf(err, errlen, "the \"Currency:\" row is missing before \"Time Period\"");
                    return false;
                }
                ncols = line.n;
                for (size_t i = 1; i < line.n; i++) {
                    const char *id = line.cells[i];
                    bool inv = strncmp(id, "RXI$US_N.B.", 11) == 0;
                    bool per = strncmp(id, "RXI_N.B.", 8) == 0;
                    const char *code = i < codes.n ? codes.cells[i] : "";
                    cols[i].use = (inv || per) && strcmp(id, "RXI_N.B.VES") != 0 &&
                                  fed_h10_publishes(code);
                    cols[i].invert = inv;
                    snprintf(cols[i].code, sizeof cols[i].code, "%.3s", code);
                }
                have_ids = true;
            }
            continue;
        }
        const char *date = line.cells[0];
        int y, m, d;
        if (!date_parse(date, &y, &m, &d)) {
            snprintf(err, errlen, "line %zu: '%.20s' is not a date%s", lineno, date,
                     complete ? "" : " (the file ends mid-line: truncated?)");
            return false;
        }
        if (!complete) {
            snprintf(err, errlen, "line %zu: the file ends mid-line (truncated?)", lineno);
            return false;
        }
        if (line.n > ncols) {
            snprintf(err, errlen, "line %zu has more cells than the \"Time Period\" row", lineno);
            return false;
        }
        rows++;
        if (since && strcmp(date, since) < 0)
            continue;
        for (size_t i = 1; i < line.n; i++) {
            const char *v = line.cells[i];
            if (!cols[i].use || strcmp(v, "ND") == 0 || v[0] == '\0')
                continue;
            struct fx_row row;
            memcpy(row.date, date, DATE_TEXT); /* a valid date: exactly 10 bytes and a NUL */
            memcpy(row.code, cols[i].code, 4);
            struct rate quoted;
            char what[48];
            snprintf(what, sizeof what, "the %s value", cols[i].code);
            if (!value_rate(v, &quoted, what, date, err, errlen))
                return false;
            if (cols[i].invert)
                rate_quotient(&RATE_ONE, &quoted, &row.per_usd);
            else
                row.per_usd = quoted;
            if (!storable(&row.per_usd)) {
                snprintf(err, errlen, "the %s value on %s is out of range", row.code, date);
                return false;
            }
            if (!fn(ctx, &row)) {
                snprintf(err, errlen, "stopped at %s %s", row.code, date);
                return false;
            }
        }
    }
    if (err[0])
        return false;
    if (!have_ids) {
        snprintf(err, errlen, "no \"Time Period\" row: not an H.10 Data Download Program file");
        return false;
    }
    if (rows == 0) {
        snprintf(err, errlen, "no rows of rates");
        return false;
    }
    return true;
}

bool ecb_hist_read(const char *text, size_t len, const char *since, fx_row_fn *fn, void *ctx,
                   char *err, size_t errlen)
{
    const char *p = text, *end = text + len;
    struct line header, line;
    bool complete = true;
    err[0] = '\0';
    if (!next_line(&p, end, &header, &complete, err, errlen) || strcmp(header.cells[0], "Date") != 0) {
        if (!err[0])
            snprintf(err, errlen, "the first line is not the header \"Date,USD,...\"");
        return false;
    }
    size_t usd_col = 0;
    for (size_t i = 1; i < header.n; i++)
        if (strcmp(header.cells[i], "USD") == 0)
            usd_col = i;
    if (!usd_col) {
        snprintf(err, errlen, "the header has no USD column to cross through");
        return false;
    }
    size_t rows = 0, lineno = 1;
    while (next_line(&p, end, &line, &complete, err, errlen)) {
        lineno++;
        if (line.n == 1 && line.cells[0][0] == '\0')
            continue;
        const char *date = line.cells[0];
        int y, m, d;
        if (!date_parse(date, &y, &m, &d) || !complete) {
            snprintf(err, errlen, "line %zu: %s", lineno,
                     complete ? "no date in the first cell" : "the file ends mid-line (truncated?)");
            return false;
        }
        if (line.n > header.n) {
            snprintf(err, errlen, "line %zu has more cells than the header", lineno);
            return false;
        }
        rows++;
        if (since && strcmp(date, since) < 0)
            continue;
        if (usd_col >= line.n || strcmp(line.cells[usd_col], "N/A") == 0 ||
            line.cells[usd_col][0] == '\0')
            continue; /* no USD rate that day: nothing can be crossed */
        struct rate usd_per_eur;
        if (!value_rate(line.cells[usd_col], &usd_per_eur, "the USD value", date, err, errlen))
            return false;
        struct fx_row row;
        memcpy(row.date, date, DATE_TEXT); /* a valid date: exactly 10 bytes and a NUL */
        memcpy(row.code, "EUR", 4);
        rate_quotient(&RATE_ONE, &usd_per_eur, &row.per_usd);
        if (!storable(&row.per_usd)) {
            snprintf(err, errlen, "the EUR rate on %s (1 / the USD value) is out of range", date);
            return false;
        }
        if (!fn(ctx, &row))
            return false;
        for (size_t i = 1; i < line.n; i++) {
            const char *v = line.cells[i], *code = header.cells[i];
            if (i == usd_col || v[0] == '\0' || strcmp(v, "N/A") == 0)
                continue;
            const struct currency *c = currency_find(code);
            if (!c || strcmp(c->code, code) != 0 || strcmp(code, "EUR") == 0)
                continue; /* a column pledged has no code for: nothing to store */
            struct rate per_eur;
            char what[48];
            snprintf(what, sizeof what, "the %.3s value", code);
            if (!value_rate(v, &per_eur, what, date, err, errlen))
                return false;
            memcpy(row.code, c->code, 4);
            rate_quotient(&per_eur, &usd_per_eur, &row.per_usd);
            if (!storable(&row.per_usd)) {
                snprintf(err, errlen, "the %s cross rate on %s is out of range", code, date);
                return false;
            }
            if (!fn(ctx, &row))
                return false;
        }
    }
    if (err[0])
        return false;
    if (rows == 0) {
        snprintf(err, errlen, "no rows of rates");
        return false;
    }
    return true;
}
