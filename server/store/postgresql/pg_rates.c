/* pg_rates — exchange rates in PostgreSQL (rates.h's contract, as
 * store/sqlite/rates.c keeps it): the rate in force on a date, rows by
 * (currency, date), the rates list. Rates are `numeric` and come back as
 * written ("154.8700"); dates are `date`, shown as YYYY-MM-DD. */
#include "pg.h"
#include "pg_keyset.h"

#include "rates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IN_FORCE_SQL                                                                       \
    "SELECT date::text, per_usd::text, source FROM rates WHERE currency = $1"             \
    " AND date <= $2::date AND date >= $3::date ORDER BY date DESC LIMIT 1"
#define LATEST_SQL \
    "SELECT date::text, per_usd::text, source FROM rates WHERE currency = $1 ORDER BY date DESC LIMIT 1"

enum store_status pg_rates_in_force(struct db *db, const struct currency *c, const char *date,
                                    struct rate_found *out)
{
    /* USD is answered before the engine is asked (rates_in_force) */
    char oldest[DATE_TEXT];
    if (date && !date_add_days(date, -RATE_MAX_AGE_DAYS, oldest))
        return STORE_NOT_FOUND;
    const char *const params[] = {c->code, date, oldest};
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), date ? IN_FORCE_SQL : LATEST_SQL, date ? 3 : 1, params, &st,
                         NULL);
    if (r && PQntuples(r) == 0) {
        st = STORE_NOT_FOUND;
    } else if (r) {
        const char *v = PQgetvalue(r, 0, 1);
        char why[128];
        if (strlen(v) < sizeof out->per_usd && rate_parse(v, &out->rate, why, sizeof why)) {
            pg_copy(out->rate_date, sizeof out->rate_date, r, 0, 0);
            snprintf(out->per_usd, sizeof out->per_usd, "%s", v);
            pg_copy(out->source, sizeof out->source, r, 0, 2);
        } else {
            st = STORE_ERROR; /* a stored rate that does not parse: never guess */
        }
    }
    PQclear(r);
    return st;
}

void pg_rates_latest(struct db *db, const char *code, char latest[DATE_TEXT])
{
    const char *const params[] = {code};
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), LATEST_SQL, 1, params, &st, NULL);
    latest[0] = '\0';
    if (r && PQntuples(r) == 1)
        pg_copy(latest, DATE_TEXT, r, 0, 0);
    PQclear(r);
}

enum store_status pg_rate_get(struct db *db, const char *currency, const char *date,
                              struct store_rate *out)
{
    const char *const params[] = {currency, date};
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT per_usd::text, source, rfc3339(updated_at) FROM rates"
                                    " WHERE currency = $1 AND date = $2::date", 2, params, &st,
                         NULL);
    if (r && PQntuples(r) == 1) {
        snprintf(out->currency, sizeof out->currency, "%s", currency);
        snprintf(out->date, sizeof out->date, "%s", date);
        pg_copy(out->per_usd, sizeof out->per_usd, r, 0, 0);
        pg_copy(out->source, sizeof out->source, r, 0, 1);
        pg_copy(out->updated_at, sizeof out->updated_at, r, 0, 2);
    } else if (r) {
        st = STORE_NOT_FOUND;
    }
    PQclear(r);
    return st;
}

enum store_status pg_rate_put(struct db *db, const struct store_rate *r)
{
    const char *const params[] = {r->currency, r->date, r->per_usd, r->source, r->updated_at};
    enum store_status st;
    PGresult *res = pg_run(pg_of(db), "INSERT INTO rates (currency, date, per_usd, source,"
                                      " updated_at) VALUES ($1, $2, $3, $4, $5)"
                                      " ON CONFLICT (currency, date) DO UPDATE"
                                      " SET per_usd = excluded.per_usd, source = excluded.source,"
                                      " updated_at = excluded.updated_at", 5, params, &st, NULL);
    PQclear(res);
    return st;
}

enum store_status pg_rate_put_manual(struct db *db, const struct store_rate *r)
{
    /* Rates compared as written, so "0.90" over "0.9" is a change, as in
     * SQLite. */
    const char *const params[] = {r->currency, r->date, r->per_usd, r->updated_at};
    enum store_status st;
    PGresult *res = pg_run(pg_of(db), "INSERT INTO rates (currency, date, per_usd, source,"
                                      " updated_at) VALUES ($1, $2, $3, 'manual', $4)"
                                      " ON CONFLICT (currency, date) DO UPDATE"
                                      " SET per_usd = excluded.per_usd, source = 'manual',"
                                      " updated_at = excluded.updated_at WHERE"
                                      " rates.per_usd::text IS DISTINCT FROM excluded.per_usd::text",
                           4, params, &st, NULL);
    PQclear(res);
    return st;
}

enum store_status pg_rate_latest_from(struct db *db, const char *currency, const char *source,
                                      char out[DATE_TEXT])
{
    const char *const params[] = {currency, source};
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT date::text FROM rates WHERE currency = $1"
                                    " AND source = $2 ORDER BY date DESC LIMIT 1", 2, params, &st,
                         NULL);
    out[0] = '\0';
    if (r && PQntuples(r) == 1)
        pg_copy(out, DATE_TEXT, r, 0, 0);
    PQclear(r);
    return st;
}

/* ---- the list ---- */

static const struct pg_sort_column rate_columns[] = {
    {"date", "r.date", "r.date::text", "::date"},
    {"currency", "r.currency COLLATE \"C\"", "r.currency", ""},
    {NULL, NULL, NULL, NULL},
};
static const struct pg_columns rate_list = {rate_columns, "r.id"};

#define RATE_LIST_COLS 5

struct list_ctx {
    store_rate_fn *fn;
    void *fn_ctx;
};

static enum store_status list_row(void *ctx, struct db *db, const PGresult *res, int row)
{
    (void)db;
    const struct list_ctx *l = ctx;
    struct store_rate r;
    pg_copy(r.date, sizeof r.date, res, row, 0);
    pg_copy(r.currency, sizeof r.currency, res, row, 1);
    pg_copy(r.per_usd, sizeof r.per_usd, res, row, 2);
    pg_copy(r.source, sizeof r.source, res, row, 3);
    pg_copy(r.updated_at, sizeof r.updated_at, res, row, 4);
    return l->fn(l->fn_ctx, &r) ? STORE_OK : STORE_ERROR;
}

enum store_status pg_rate_list(struct db *db, const struct store_rate_filter *f,
                               const struct page *pg, store_rate_fn *fn, void *ctx,
                               struct page_end *end)
{
    struct pg_params pp = {0};
    struct buf where, count;
    buf_init(&where, 1024);
    buf_init(&count, 1024);
    buf_puts(&where, " FROM rates r WHERE true");
    if (f->currency)
        buf_printf(&where, " AND r.currency = $%d", pg_param(&pp, f->currency));
    if (f->from)
        buf_printf(&where, " AND r.date >= $%d::date", pg_param(&pp, f->from));
    if (f->to)
        buf_printf(&where, " AND r.date <= $%d::date", pg_param(&pp, f->to));
    buf_printf(&count, "SELECT count(*)%s", buf_str(&where));
    struct list_ctx l = {fn, ctx};
    enum store_status st = pg_page_run(
        db, pg, &rate_list,
        "SELECT r.date::text, r.currency, r.per_usd::text, r.source, rfc3339(r.updated_at)",
        buf_str(&where), buf_str(&count), &pp, list_row, &l, RATE_LIST_COLS, end);
    buf_free(&where);
    buf_free(&count);
    return st;
}

enum store_status pg_rate_load_row(struct db *db, const char *code, const char *date,
                                   const char *per_usd, const char *source, const char *now,
                                   bool upsert, bool *changed)
{
    const char *const params[] = {code, date, per_usd, source, now};
    enum store_status st;
    /* A row already there is no error inside the transaction (which a
     * unique violation would abort): DO NOTHING, and no row counted. A
     * correction compares the rate as written, as SQLite's text does. */
    PGresult *r = pg_run(
        pg_of(db),
        upsert ? "INSERT INTO rates (currency, date, per_usd, source, updated_at)"
                 " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (currency, date) DO UPDATE"
                 " SET per_usd = excluded.per_usd, source = excluded.source,"
                 " updated_at = excluded.updated_at"
                 " WHERE rates.per_usd::text IS DISTINCT FROM excluded.per_usd::text"
               : "INSERT INTO rates (currency, date, per_usd, source, updated_at)"
                 " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (currency, date) DO NOTHING",
        5, params, &st, NULL);
    *changed = r && strcmp(PQcmdTuples(r), "0") != 0;
    PQclear(r);
    if (st == STORE_OK && !upsert && !*changed)
        st = STORE_CONFLICT;
    return st;
}
