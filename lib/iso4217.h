/* iso4217 — currencies: ISO 4217 codes, names and minor units.
 *
 * The table (iso4217_table.c, generated) has the active currencies of ISO
 * 4217 List One plus the legacy codes the shipped historical rates still
 * quote (CYP, EEK, ... marked inactive), sorted by code. Minor units are how
 * many decimal digits an amount carries: JPY 0, USD 2, KWD 3, CLF 4.
 *
 * Ownership: entries are static and never freed; lookups return borrowed
 * pointers into the table.
 */
#ifndef PLEDGED_ISO4217_H
#define PLEDGED_ISO4217_H

#include <stdbool.h>
#include <stddef.h>

struct currency {
    char code[4];       /* three upper-case letters and a NUL */
    const char *name;   /* ISO 4217 English name */
    int minor_units;    /* 0 to 4 */
    bool active;        /* false for withdrawn codes kept for old rates */
};

extern const struct currency iso4217_table[];
extern const size_t iso4217_count;

/* The currency for `code` (three ASCII letters, any case), or NULL. Points
 * into the static table. */
const struct currency *currency_find(const char *code);

#endif
