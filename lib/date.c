/* date — parsing and day arithmetic (see date.h). The day-number
 * conversions are Howard Hinnant's days_from_civil / civil_from_days, which
 * are exact for the whole proleptic Gregorian calendar. */
#include "date.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool date_parse(const char *s, int *year, int *month, int *day)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
        return false;
    if (y < 1000 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int last = mdays[m - 1] + (m == 2 && leap);
    if (d > last)
        return false;
    *year = y, *month = m, *day = d;
    return true;
}

int64_t date_to_days(int year, int month, int day)
{
    int64_t y = month <= 2 ? year - 1 : year;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (month + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void date_from_days(int64_t days, int *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = (int)m;
    *day = (int)d;
}

void date_format(int year, int month, int day, char out[DATE_TEXT])
{
    unsigned y = year < 0 ? 0 : year > 9999 ? 9999 : (unsigned)year;
    unsigned m = month < 0 ? 0 : month > 99 ? 99 : (unsigned)month;
    unsigned d = day < 0 ? 0 : day > 99 ? 99 : (unsigned)day;
    snprintf(out, DATE_TEXT, "%04u-%02u-%02u", y, m, d);
}

bool date_add_days(const char *s, int delta, char out[DATE_TEXT])
{
    int y, m, d;
    if (!date_parse(s, &y, &m, &d))
        return false;
    date_from_days(date_to_days(y, m, d) + delta, &y, &m, &d);
    if (y < 1000 || y > 9999)
        return false;
    date_format(y, m, d, out);
    return true;
}

void date_tomorrow_utc(char out[DATE_TEXT])
{
    int64_t today = (int64_t)(time(NULL) / 86400);
    int y, m, d;
    date_from_days(today + 1, &y, &m, &d);
    date_format(y, m, d, out);
}

bool date_within(const char *s, const char *first, const char *last)
{
    return strcmp(s, first) >= 0 && strcmp(s, last) <= 0;
}
