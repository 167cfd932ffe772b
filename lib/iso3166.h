/* iso3166 — the ISO 3166-1 alpha-2 country list.
 *
 * The table (iso3166_table.c) is generated from Debian's iso-codes and sorted
 * by code, so a lookup is a binary search over 249 entries. Input is accepted
 * in any case; codes are always upper case on output.
 *
 * Ownership: entries are static and never freed; lookups return borrowed
 * pointers into the table.
 */
#ifndef PLEDGED_ISO3166_H
#define PLEDGED_ISO3166_H

#include <stddef.h>

struct country {
    char code[3];      /* two upper-case letters and a NUL */
    const char *name;  /* English short name, UTF-8 */
};

extern const struct country iso3166_table[];
extern const size_t iso3166_count;

/* The entry for `code` (exactly two ASCII letters, any case), or NULL.
 * The result points into the static table. */
const struct country *country_find(const char *code);

#endif
