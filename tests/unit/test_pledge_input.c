/* Unit tests for lib/pledge_input: table-driven cases of pledges and
 * announcements, each with the exact set of error fields it must produce
 * (all errors of one body together); the figure qualifiers, date
 * precision and date ranges of API.md §7; context checks between a pledge
 * and its announcement. */
#include "date.h"
#include "jsonx.h"
#include "pledge_input.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The error fields, sorted and comma-separated, into out. */
static void error_fields(json_t *errors, char *out, size_t len)
{
    const char *names[64];
    size_t n = 0, i;
    json_t *e;
    json_array_foreach(errors, i, e) {
        if (n < 64)
            names[n++] = json_string_value(json_object_get(e, "field"));
    }
    for (size_t a = 1; a < n; a++) /* insertion sort: tiny lists */
        for (size_t b = a; b > 0 && strcmp(names[b - 1], names[b]) > 0; b--) {
            const char *t = names[b];
            names[b] = names[b - 1];
            names[b - 1] = t;
        }
    out[0] = '\0';
    size_t used = 0;
    for (size_t k = 0; k < n; k++)
        used += (size_t)snprintf(out + used, used < len ? len - used : 0, "%s%s", k ? "," : "",
                                 names[k]);
}

struct pledge_case {
    const char *body;
    const char *errors;      /* sorted error fields, "" for none */
    const char *amount_q, *people_q; /* expected qualifiers when valid (NULL: exact) */
};

static const struct pledge_case pledge_cases[] = {
    {"{\"kind\":\"other\",\"description\":\"x\"}", "", NULL, NULL},
    {"{\"kind\":\"training\",\"people\":50000,\"people_qualifier\":\"at_least\"}", "", NULL, "at_least"},
    {"{\"kind\":\"investment\",\"amount\":{\"currency\":\"USD\",\"value\":\"1\"},"
     "\"amount_qualifier\":\"about\"}", "", "about", NULL},
    {"{\"kind\":\"investment\",\"amount\":{\"currency\":\"USD\",\"value\":\"1\"},"
     "\"amount_qualifier\":\"up_to\",\"people\":3,\"people_qualifier\":\"about\"}", "", "up_to", "about"},
    {"{\"kind\":\"investment\",\"amount\":{\"currency\":\"USD\",\"value\":\"1\"},"
     "\"amount_qualifier\":null}", "", NULL, NULL},
    /* unknown qualifiers, wrong types, wrong case */
    {"{\"kind\":\"investment\",\"amount\":{\"currency\":\"USD\",\"value\":\"1\"},"
     "\"amount_qualifier\":\"nearly\"}", "amount_qualifier", NULL, NULL},
    {"{\"kind\":\"investment\",\"amount\":{\"currency\":\"USD\",\"value\":\"1\"},"
     "\"amount_qualifier\":\"ABOUT\"}", "amount_qualifier", NULL, NULL},
    {"{\"kind\":\"training\",\"people\":5,\"people_qualifier\":1}", "people_qualifier", NULL, NULL},
    {"{\"kind\":\"training\",\"people\":5,\"people_qualifier\":[\"about\"]}", "people_qualifier", NULL, NULL},
    {"{\"kind\":\"training\",\"people\":5,\"people_qualifier\":\"\"}", "people_qualifier", NULL, NULL},
    /* a qualifier without its figure */
    {"{\"kind\":\"training\",\"description\":\"x\",\"people_qualifier\":\"at_least\"}",
     "people_qualifier", NULL, NULL},
    {"{\"kind\":\"training\",\"description\":\"x\",\"people\":null,\"amount_qualifier\":\"about\"}",
     "amount_qualifier", NULL, NULL},
    {"{\"kind\":\"training\",\"people\":5,\"amount_qualifier\":\"about\"}", "amount_qualifier", NULL, NULL},
    /* a qualifier alone is no figure: the pledge still needs one */
    {"{\"kind\":\"training\",\"people_qualifier\":\"about\"}", "people_qualifier,pledge", NULL, NULL},
    /* pledge dates: 1970-01-01 to 2100-12-31 */
    {"{\"kind\":\"other\",\"description\":\"x\",\"starts_on\":\"1970-01-01\",\"ends_on\":\"2100-12-31\"}",
     "", NULL, NULL},
    {"{\"kind\":\"other\",\"description\":\"x\",\"starts_on\":\"1969-12-31\"}", "starts_on", NULL, NULL},
    {"{\"kind\":\"other\",\"description\":\"x\",\"ends_on\":\"2101-01-01\"}", "ends_on", NULL, NULL},
    {"{\"kind\":\"other\",\"description\":\"x\",\"starts_on\":\"1000-01-01\",\"ends_on\":\"9999-12-31\"}",
     "ends_on,starts_on", NULL, NULL},
    {"{\"kind\":\"other\",\"description\":\"x\",\"starts_on\":\"2030-01-01\",\"ends_on\":\"2029-12-31\"}",
     "ends_on", NULL, NULL},
    /* everything at once */
    {"{\"kind\":\"bribe\",\"status\":\"done\",\"people\":0,\"people_qualifier\":\"lots\","
     "\"amount\":{\"currency\":\"YEN\",\"value\":1.5},\"amount_qualifier\":\"about\","
     "\"starts_on\":\"2024-02-30\",\"duration_months\":601,\"colour\":\"red\"}",
     "amount.currency,amount.value,colour,duration_months,kind,people,people_qualifier,starts_on,status",
     NULL, NULL},
    {"{\"kind\":\"other\",\"description\":\"x\",\"amount_usd\":null,\"announced_on_precision\":\"day\"}",
     "amount_usd,announced_on_precision", NULL, NULL},
};

struct announcement_case {
    const char *body;
    const char *errors;
    const char *precision;   /* expected when valid */
};

static const struct announcement_case announcement_cases[] = {
    {"{\"title\":\"t\",\"announced_on\":\"2024-06-04\",\"companies\":[\"a\"]}", "", "day"},
    {"{\"title\":\"t\",\"announced_on\":\"2024-06-04\",\"announced_on_precision\":null,"
     "\"companies\":[\"a\"]}", "", "day"},
    {"{\"title\":\"t\",\"announced_on\":\"2024-05-01\",\"announced_on_precision\":\"month\","
     "\"companies\":[\"a\"]}", "", "month"},
    {"{\"title\":\"t\",\"announced_on\":\"2024-01-01\",\"announced_on_precision\":\"year\","
     "\"companies\":[\"a\"]}", "", "year"},
    {"{\"title\":\"t\",\"announced_on\":\"2024-01-01\",\"announced_on_precision\":\"month\","
     "\"companies\":[\"a\"]}", "", "month"},
    {"{\"title\":\"t\",\"announced_on\":\"2024-05-31\",\"announced_on_precision\":\"month\","
     "\"companies\":[\"a\"]}", "announced_on", NULL},
    {"{\"title\":\"t\",\"announced_on\":\"2024-05-01\",\"announced_on_precision\":\"year\","
     "\"companies\":[\"a\"]}", "announced_on", NULL},
    {"{\"title\":\"t\",\"announced_on\":\"2024-12-01\",\"announced_on_precision\":\"year\","
     "\"companies\":[\"a\"]}", "announced_on", NULL},
    {"{\"title\":\"t\",\"announced_on\":\"2024-05-06\",\"announced_on_precision\":\"week\","
     "\"companies\":[\"a\"]}", "announced_on_precision", NULL},
    {"{\"title\":\"t\",\"announced_on\":\"2024-05-06\",\"announced_on_precision\":\"Day\","
     "\"companies\":[\"a\"]}", "announced_on_precision", NULL},
    {"{\"title\":\"t\",\"announced_on\":\"2024-05-06\",\"announced_on_precision\":3,"
     "\"companies\":[\"a\"]}", "announced_on_precision", NULL},
    /* dates of announcements and sources: 1970-01-01 to tomorrow (UTC) */
    {"{\"title\":\"t\",\"announced_on\":\"1970-01-01\",\"companies\":[\"a\"]}", "", "day"},
    {"{\"title\":\"t\",\"announced_on\":\"1969-12-31\",\"companies\":[\"a\"]}", "announced_on", NULL},
    {"{\"title\":\"t\",\"announced_on\":\"9999-12-31\",\"companies\":[\"a\"]}", "announced_on", NULL},
    {"{\"title\":\"t\",\"announced_on\":\"1000-01-01\",\"companies\":[\"a\"]}", "announced_on", NULL},
    {"{\"title\":\"t\",\"announced_on\":\"2024-06-04\",\"companies\":[\"a\"],"
     "\"sources\":[{\"url\":\"https://e.com/a\",\"published_on\":\"3000-01-01\"}]}",
     "sources[0].published_on", NULL},
    {"{\"title\":\"t\",\"announced_on\":\"2024-06-04\",\"companies\":[\"a\"],"
     "\"sources\":[{\"url\":\"https://e.com/a\",\"published_on\":\"1969-07-20\"}]}",
     "sources[0].published_on", NULL},
    {"{\"title\":\"t\",\"announced_on\":\"2024-06-04\",\"companies\":[\"a\"],"
     "\"pledges\":[{\"kind\":\"other\",\"description\":\"x\",\"amount_qualifier\":\"about\"},"
     "{\"kind\":\"training\",\"people\":1,\"people_qualifier\":\"up_to\",\"ends_on\":\"2200-01-01\"}]}",
     "pledges[0].amount_qualifier,pledges[1].ends_on", NULL},
    {"{\"title\":\"t\",\"announced_on\":\"2024-06-04\",\"companies\":[\"a\"],\"targets_usd\":1}",
     "targets_usd", NULL},
};

/* Tomorrow, the day after, and today, computed here from the clock in a
 * different way from the library (gmtime rather than day numbers). */
static void utc_day(int offset, char out[DATE_TEXT])
{
    time_t t = time(NULL) + (time_t)offset * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, DATE_TEXT, "%Y-%m-%d", &tm);
}

static void announcement_dated(const char *date, char *errs, size_t len)
{
    char text[256];
    snprintf(text, sizeof text, "{\"title\":\"t\",\"announced_on\":\"%s\",\"companies\":[\"a\"]}", date);
    json_t *body = json_loads(text, 0, NULL), *errors = json_array();
    struct announcement_input a;
    announcement_input_parse(body, &a, errors);
    error_fields(errors, errs, len);
    announcement_input_free(&a);
    json_decref(errors);
    json_decref(body);
}

int main(void)
{
    char got[512];
    for (size_t i = 0; i < sizeof pledge_cases / sizeof pledge_cases[0]; i++) {
        const struct pledge_case *c = &pledge_cases[i];
        json_error_t jerr;
        json_t *body = json_loads(c->body, 0, &jerr), *errors = json_array();
        struct pledge_input p;
        pledge_input_parse(body, false, "", &p, errors);
        error_fields(errors, got, sizeof got);
        CHECK(strcmp(got, c->errors) == 0, "pledge %s -> errors [%s] (got [%s])", c->body, c->errors, got);
        if (!c->errors[0]) {
            bool aq = c->amount_q ? p.amount_qualifier && strcmp(p.amount_qualifier, c->amount_q) == 0
                                  : p.amount_qualifier == NULL;
            bool pq = c->people_q ? p.people_qualifier && strcmp(p.people_qualifier, c->people_q) == 0
                                  : p.people_qualifier == NULL;
            CHECK(aq && pq, "pledge %s keeps its qualifiers", c->body);
        }
        pledge_input_free(&p);
        json_decref(errors);
        json_decref(body);
    }
    for (size_t i = 0; i < sizeof announcement_cases / sizeof announcement_cases[0]; i++) {
        const struct announcement_case *c = &announcement_cases[i];
        json_t *body = json_loads(c->body, 0, NULL), *errors = json_array();
        struct announcement_input a;
        announcement_input_parse(body, &a, errors);
        error_fields(errors, got, sizeof got);
        CHECK(strcmp(got, c->errors) == 0, "announcement %s -> errors [%s] (got [%s])", c->body,
              c->errors, got);
        if (c->precision)
            CHECK(a.announced_on_precision && strcmp(a.announced_on_precision, c->precision) == 0,
                  "announcement %s has precision %s", c->body, c->precision);
        announcement_input_free(&a);
        json_decref(errors);
        json_decref(body);
    }

    /* "Tomorrow (UTC)" is the last date an announcement may have. Run the
     * check twice around the clock so a midnight between the two readings
     * cannot make it flaky. */
    char today[DATE_TEXT], tomorrow[DATE_TEXT], after[DATE_TEXT], lib[DATE_TEXT];
    utc_day(0, today);
    utc_day(1, tomorrow);
    utc_day(2, after);
    date_tomorrow_utc(lib);
    CHECK(strcmp(lib, tomorrow) == 0 || strcmp(lib, after) == 0,
          "date_tomorrow_utc is tomorrow in UTC (%s, gmtime says %s)", lib, tomorrow);
    announcement_dated(today, got, sizeof got);
    CHECK(got[0] == '\0', "an announcement dated today (%s) is accepted [%s]", today, got);
    announcement_dated(tomorrow, got, sizeof got);
    CHECK(got[0] == '\0', "an announcement dated tomorrow (%s) is accepted [%s]", tomorrow, got);
    announcement_dated(after, got, sizeof got);
    CHECK(strcmp(got, "announced_on") == 0, "an announcement dated the day after tomorrow (%s) is 422",
          after);

    /* date_within against a reference model: day numbers compared as
     * integers, over random valid dates. */
    srand(9);
    int mismatches = 0;
    for (int i = 0; i < 20000; i++) {
        int y[3], m[3], dd[3];
        char t[3][DATE_TEXT];
        int64_t n[3];
        for (int k = 0; k < 3; k++) {
            n[k] = date_to_days(1000, 1, 1) + rand() % (int)(date_to_days(9999, 12, 31) - date_to_days(1000, 1, 1));
            date_from_days(n[k], &y[k], &m[k], &dd[k]);
            snprintf(t[k], DATE_TEXT, "%04d-%02d-%02d", y[k], m[k], dd[k]);
        }
        bool want = n[0] >= n[1] && n[0] <= n[2];
        if (date_within(t[0], t[1], t[2]) != want)
            mismatches++;
    }
    CHECK(mismatches == 0, "date_within agrees with day-number comparison on 20,000 random triples (%d off)",
          mismatches);
    CHECK(date_within("1970-01-01", DATE_FIRST, DATE_LAST_PLANNED) &&
              date_within("2100-12-31", DATE_FIRST, DATE_LAST_PLANNED) &&
              !date_within("1969-12-31", DATE_FIRST, DATE_LAST_PLANNED) &&
              !date_within("2101-01-01", DATE_FIRST, DATE_LAST_PLANNED),
          "the range's ends are inside and the days beyond them outside");
    return tap_done();
}
