/* Unit tests for lib/rates_csv: every reason a line is refused, table-
 * driven, with the line number each reason is given for; good lines handed
 * over as written (CRLF, blank lines, a last line without a newline); a
 * wrong header refusing the whole text; a callback that stops the reading. */
#include "rates_csv.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

struct seen {
    char rows[8][64];
    size_t n_rows;
    char bad[8][160];
    size_t n_bad;
    size_t stop_after; /* 0: never */
};

static bool on_row(void *ctx, size_t lineno, const char *date, const char *code, const char *value)
{
    struct seen *s = ctx;
    if (s->n_rows < 8)
        snprintf(s->rows[s->n_rows], sizeof s->rows[0], "%zu %s %s %s", lineno, date, code, value);
    s->n_rows++;
    return !(s->stop_after && s->n_rows >= s->stop_after);
}

static void on_bad(void *ctx, size_t lineno, const char *why)
{
    struct seen *s = ctx;
    if (s->n_bad < 8)
        snprintf(s->bad[s->n_bad], sizeof s->bad[0], "%zu %s", lineno, why);
    s->n_bad++;
}

int main(void)
{
    static const char *const tomorrow = "2026-11-28";
    static const struct {
        const char *line, *why; /* why: the start of the reason, or NULL for a good line */
    } lines[] = {
        {"2024-04-10,JPY,151.78", NULL},
        {"2024-04-10,EUR,0.9204", NULL},
        {"2024-04-10,JPY", "expected three fields"},
        {"2024-04-10,JPY,1,2", "expected three fields"},
        {"2024-02-30,JPY,150", "'2024-02-30' is not a date"},
        {"10/04/2024,JPY,150", "'10/04/2024' is not a date"},
        {"2026-11-29,JPY,150", "2026-11-29 is not from"},
        {"1899-12-31,JPY,150", "1899-12-31 is not from"},
        {"2024-04-10,jpy,150", "'jpy' is not an upper-case ISO 4217 code"},
        {"2024-04-10,XYZ,150", "'XYZ' is not an upper-case ISO 4217 code"},
        {"2024-04-10,USD,1", "USD is 1 per USD"},
        {"2024-04-10,JPY,0", "per_usd '0'"},
        {"2024-04-10,JPY,-1", "per_usd '-1'"},
        {"2024-04-10,JPY,1e3", "per_usd '1e3'"},
        {"2024-04-10,JPY,", "per_usd ''"},
        {"2026-11-28,GBP,0.79", NULL},
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "date,currency,per_usd\n%s\n", lines[i].line);
        struct seen s = {0};
        char err[128] = "";
        bool ok = rates_csv_each(text, strlen(text), tomorrow, on_row, on_bad, &s, err, sizeof err);
        if (lines[i].why)
            CHECK(ok && s.n_rows == 0 && s.n_bad == 1 &&
                  strncmp(s.bad[0], "2 ", 2) == 0 && strstr(s.bad[0], lines[i].why) == s.bad[0] + 2,
                  "\"%s\" is refused on line 2: %s (got \"%s\")", lines[i].line, lines[i].why, s.bad[0]);
        else
            CHECK(ok && s.n_rows == 1 && s.n_bad == 0, "\"%s\" is a rate (%s)", lines[i].line, s.rows[0]);
    }

    static const char crlf[] = "date,currency,per_usd\r\n2024-04-10,JPY,151.7800\r\n\r\n\n"
                               "2024-04-11,JPY,153.2";
    struct seen s = {0};
    char err[128] = "";
    CHECK(rates_csv_each(crlf, strlen(crlf), tomorrow, on_row, on_bad, &s, err, sizeof err) &&
          s.n_rows == 2 && s.n_bad == 0 && strcmp(s.rows[0], "2 2024-04-10 JPY 151.7800") == 0 &&
          strcmp(s.rows[1], "5 2024-04-11 JPY 153.2") == 0,
          "CRLF and blank lines: rates as written, with their own line numbers (%s | %s)", s.rows[0],
          s.rows[1]);

    char longline[300];
    memset(longline, '9', sizeof longline);
    memcpy(longline, "date,currency,per_usd\n2024-04-10,JPY,", 37);
    longline[sizeof longline - 1] = '\n';
    memset(&s, 0, sizeof s);
    CHECK(rates_csv_each(longline, sizeof longline, tomorrow, on_row, on_bad, &s, err, sizeof err) &&
          s.n_bad == 1 && strcmp(s.bad[0], "2 line too long") == 0,
          "a line of 128 bytes or more is refused as too long, not cut (%s)", s.bad[0]);

    static const char *const headers[] = {"", "date,currency", "currency,date,per_usd",
                                          "date,currency,per_usd,source", "Date,Currency,Per_USD"};
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "%s\n2024-04-10,JPY,151.78\n", headers[i]);
        memset(&s, 0, sizeof s);
        err[0] = '\0';
        CHECK(!rates_csv_each(text, strlen(text), tomorrow, on_row, on_bad, &s, err, sizeof err) &&
              s.n_rows == 0 && strstr(err, "line 1 must be the header") != NULL,
              "header \"%s\" refuses the whole file before any row (%s)", headers[i], err);
    }

    static const char three[] = "date,currency,per_usd\n2024-04-10,JPY,1\n2024-04-11,JPY,2\n"
                                "2024-04-12,JPY,3\n";
    memset(&s, 0, sizeof s);
    s.stop_after = 2;
    CHECK(!rates_csv_each(three, strlen(three), tomorrow, on_row, on_bad, &s, err, sizeof err) &&
          s.n_rows == 2, "a row callback that returns false stops the reading (%zu rows)", s.n_rows);
    return tap_done();
}
