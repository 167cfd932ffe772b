/* rates_load — CSV rates into either engine (rates.h's rates_load_csv):
 * the lines read and checked once (lib's rates_csv), each good one put by
 * the engine (store_rate_load_row), every refusal reported the same way. */
#include "engine.h"
#include "rates.h"
#include "rates_csv.h"

#include <stdio.h>
#include <string.h>

/* The state of one rates_load_csv. */
struct csv_load {
    struct db *db;
    const char *source, *now;
    bool upsert;
    FILE *report;
    struct rates_load_result *res;
    char *err;
    size_t errlen;
};

static void refuse(struct csv_load *l, size_t lineno, const char *why)
{
    l->res->bad++;
    if (l->report)
        fprintf(l->report, "line %zu: %s\n", lineno, why);
}

static void csv_bad(void *ctx, size_t lineno, const char *why)
{
    struct csv_load *l = ctx;
    l->res->lines++;
    refuse(l, lineno, why);
}

static bool csv_row(void *ctx, size_t lineno, const char *date, const char *code,
                    const char *value)
{
    struct csv_load *l = ctx;
    l->res->lines++;
    bool changed = false;
    enum store_status st =
        store_rate_load_row(l->db, code, date, value, l->source, l->now, l->upsert, &changed);
    if (st == STORE_CONFLICT) {
        refuse(l, lineno, "a rate for this currency and date is already loaded");
        return true;
    }
    if (st != STORE_OK) {
        snprintf(l->err, l->errlen, "line %zu: the database refused the rate%s", lineno,
                 st == STORE_BUSY ? " (busy or unreachable)" : "");
        return false;
    }
    l->res->loaded += changed;
    return true;
}

bool rates_load_csv(struct db *db, const char *text, size_t len, const char *source,
                    bool upsert, bool strict, FILE *report, struct rates_load_result *res,
                    char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    char now[21], tomorrow[DATE_TEXT];
    store_now(now);
    date_tomorrow_utc(tomorrow);
    struct csv_load l = {db, source, now, upsert, report, res, err, errlen};
    if (!rates_csv_each(text, len, tomorrow, csv_row, csv_bad, &l, err, errlen))
        return false;
    if (strict && res->bad) {
        snprintf(err, errlen, "%zu bad line%s", res->bad, res->bad == 1 ? "" : "s");
        return false;
    }
    return true;
}
