/* usd_value — a pledge's amount in US dollars at the rate in force on its
 * announcement's date, as both engines store it with the pledge: the cents,
 * the rate shown (USD per unit), the rate's own date and source, or why
 * there is no value (no rate yet, or too large to represent).
 *
 * Ownership: the caller's struct is filled in; nothing is allocated. */
#ifndef PLEDGED_USD_VALUE_H
#define PLEDGED_USD_VALUE_H

#include "store.h"

#include <stdbool.h>
#include <stdint.h>

struct store_usd {
    bool known;
    int64_t cents;
    char rate[MONEY_TEXT];
    char rate_date[DATE_TEXT];
    char rate_source[STORE_WORD];   /* "" for USD */
    char error[160];
};

/* The USD value of an amount at the rate in force on `date` (rates_in_force,
 * either engine). A missing rate or an overflow is a result, with its
 * reason in out->error; STORE_ERROR only when the store fails. */
enum store_status store_usd_value(struct db *db, const struct currency *c, uint64_t minor,
                                  const char *date, struct store_usd *out);

#endif
