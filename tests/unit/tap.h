/* tap — a tiny TAP producer for the unit tests: every check prints
 * "ok N - what" or "not ok N - what", and tap_done prints the plan. meson
 * runs these with protocol 'tap', and tests/summary.py counts the lines. */
#ifndef PLEDGED_TAP_H
#define PLEDGED_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int tap_count, tap_failures;

__attribute__((format(printf, 4, 5))) static bool tap_check(bool ok, const char *file,
                                                            int line, const char *fmt, ...)
{
    char name[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    for (char *p = name; *p; p++) /* a test name is one line of printable text */
        if ((unsigned char)*p < 0x20 || *p == '#')
            *p = '?';
    printf("%sok %d - %s\n", ok ? "" : "not ", ++tap_count, name);
    if (!ok) {
        printf("#   failed at %s:%d\n", file, line);
        tap_failures++;
    }
    fflush(stdout);
    return ok;
}

#define CHECK(cond, ...) tap_check((cond), __FILE__, __LINE__, __VA_ARGS__)

static inline int tap_done(void)
{
    printf("1..%d\n", tap_count);
    return tap_failures ? 1 : 0;
}

#endif
