/* Unit tests for lib/date: parsing (table-driven, the calendar's edge
 * cases), and the day-number conversions against a dead-simple reference
 * model that walks the calendar one day at a time from 1000-01-01 to
 * 9999-12-31 (every day the service can hold), as SQLite tests its own
 * arithmetic. */
#include "date.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int main(void)
{
    static const struct { const char *text; bool ok; } parse[] = {
        {"2024-02-29", true},  {"2023-02-29", false}, {"1900-02-29", false}, {"2000-02-29", true},
        {"2024-04-31", false}, {"2024-12-31", true},  {"2024-13-01", false}, {"2024-00-10", false},
        {"2024-01-00", false}, {"1000-01-01", true},  {"0999-12-31", false}, {"9999-12-31", true},
        {"2024-1-01", false},  {"2024-01-1", false},  {"20240101", false},   {"2024/01/01", false},
        {" 2024-01-01", false}, {"2024-01-01 ", false}, {"2024-01-01T00", false}, {"", false},
        {"abcd-ef-gh", false}, {"+024-01-01", false},
    };
    for (size_t i = 0; i < sizeof parse / sizeof parse[0]; i++) {
        int y, m, d;
        CHECK(date_parse(parse[i].text, &y, &m, &d) == parse[i].ok, "date_parse(\"%s\") is %s",
              parse[i].text, parse[i].ok ? "a date" : "refused");
    }

    /* The reference model: count days one at a time. */
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 1000, m = 1, d = 1;
    int64_t n = date_to_days(1000, 1, 1);
    size_t wrong_to = 0, wrong_from = 0, wrong_text = 0, days = 0;
    int64_t epoch = 0;
    for (;;) {
        days++;
        if (date_to_days(y, m, d) != n)
            wrong_to++;
        int yy, mm, dd;
        date_from_days(n, &yy, &mm, &dd);
        if (yy != y || mm != m || dd != d)
            wrong_from++;
        if (y == 1970 && m == 1 && d == 1)
            epoch = n;
        if (days % 997 == 0) { /* the text form parses back to the same day */
            char text[48]; /* room for any int: the compiler cannot see y <= 9999 */
            int py, pm, pd;
            snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
            if (!date_parse(text, &py, &pm, &pd) || py != y || pm != m || pd != d)
                wrong_text++;
        }
        if (y == 9999 && m == 12 && d == 31)
            break;
        n++;
        if (++d > mdays[m - 1] + (m == 2 && leap(y))) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
    CHECK(wrong_to == 0 && wrong_from == 0 && wrong_text == 0,
          "date_to_days and date_from_days agree with walking the calendar on all %zu days "
          "(%zu, %zu, %zu off)", days, wrong_to, wrong_from, wrong_text);
    CHECK(epoch == 0, "1970-01-01 is day 0 (%lld)", (long long)epoch);

    static const struct { const char *from; int delta; const char *want; } add[] = {
        {"2024-02-28", 1, "2024-02-29"}, {"2024-02-29", 1, "2024-03-01"}, {"2023-12-31", 1, "2024-01-01"},
        {"2024-04-13", -14, "2024-03-30"}, {"2024-03-01", -1, "2024-02-29"}, {"1000-01-01", -1, NULL},
        {"9999-12-31", 1, NULL}, {"2024-02-30", 1, NULL},
    };
    for (size_t i = 0; i < sizeof add / sizeof add[0]; i++) {
        char out[DATE_TEXT] = "";
        bool ok = date_add_days(add[i].from, add[i].delta, out);
        CHECK(add[i].want ? ok && strcmp(out, add[i].want) == 0 : !ok, "%s %+d days is %s (got %s)",
              add[i].from, add[i].delta, add[i].want ? add[i].want : "refused", ok ? out : "refused");
    }
    CHECK(date_within("2024-01-01", "2024-01-01", "2024-01-01") && !date_within("2024-01-02", "2024-01-01", "2024-01-01"),
          "date_within includes both ends and nothing past them");
    return tap_done();
}
