/* pg_stats — the rows behind /v1/stats on PostgreSQL (store.h's
 * contract): each key's pledges summed by the database in one GROUP BY,
 * and the summary in one statement. Nothing is kept between requests, as
 * SQLite's kept totals are (migrations 0008 and 0009): PostgreSQL reads a
 * few hundred thousand rows a second per core, and keeping sums in shared
 * rows would make every write on every replica wait for the same row.
 *
 * Sums are exact: sum() of bigints is numeric, read back into 128 bits. */
#include "pg_records.h"

#include <stdio.h>
#include <string.h>

/* Each group_by's key, as text: what SQLite's rows carry (the company's
 * id; the date cut to its year or month, as the API cuts it). */
static const char *const group_keys[] = {
    [STATS_COMPANY] = "p.company_id::text",
    [STATS_COUNTRY] = "p.country",
    [STATS_KIND] = "p.kind",
    [STATS_STATUS] = "p.status",
    [STATS_CURRENCY] = "p.amount_currency",
    [STATS_YEAR] = "to_char(p.announced_on, 'YYYY')",
    /* A date known only to the year has no month: it is not January. */
    [STATS_MONTH] = "CASE WHEN p.announcement_id IN (SELECT id FROM announcements"
                    " WHERE announced_on_precision = 'year') THEN NULL"
                    " ELSE to_char(p.announced_on, 'YYYY-MM') END",
};

enum store_status pg_stats_each(struct db *db, const struct record_filter *f,
                                enum stats_group group, store_stats_fn *fn, void *ctx)
{
    struct pg_params pp = {0};
    struct pg_filter pf;
    enum store_status st = pg_filter_init(db, f, &pp, &pf);
    if (st == STORE_OK) {
        struct buf sql;
        buf_init(&sql, 8192);
        buf_printf(&sql, "SELECT %s, count(*),"
                         " coalesce(sum(p.amount_usd_minor) FILTER (WHERE p.kind <> 'target'), 0),"
                         " coalesce(sum(p.amount_usd_minor) FILTER (WHERE p.kind = 'target'), 0),"
                         " coalesce(sum(p.people), 0), count(*) FILTER (WHERE"
                         " p.amount_qualifier IS NOT NULL OR p.people_qualifier IS NOT NULL)"
                         " FROM pledges p WHERE true%s GROUP BY 1",
                   group_keys[group], buf_str(&pf.where));
        PGresult *r = pg_run(pg_of(db), buf_str(&sql), pp.n, pp.v, &st, NULL);
        for (int i = 0; st == STORE_OK && r && i < PQntuples(r); i++) {
            struct store_stats_row row = {
                .key = PQgetisnull(r, i, 0) ? NULL : PQgetvalue(r, i, 0),
                .pledges = pg_int(r, i, 1),
                .usd = {pg_int128(r, i, 2), pg_int128(r, i, 3)},
                .people = pg_int128(r, i, 4),
                .approximate = pg_int(r, i, 5),
            };
            if (!fn(ctx, &row))
                st = STORE_ERROR;
        }
        PQclear(r);
        buf_free(&sql);
    }
    pg_filter_free(&pf);
    return st;
}

enum store_status pg_company_names(struct db *db, int64_t id, char slug[SLUG_MAX + 1],
                                   char *name, size_t name_len)
{
    struct pg_params pp = {0};
    pg_param_int(&pp, id);
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT slug, name FROM companies WHERE id = $1", pp.n,
                         pp.v, &st, NULL);
    if (r && PQntuples(r)) {
        pg_copy(slug, SLUG_MAX + 1, r, 0, 0);
        pg_copy(name, name_len, r, 0, 1);
    } else if (r) {
        st = STORE_NOT_FOUND;
    }
    PQclear(r);
    return st;
}

enum store_status pg_company_name_each(struct db *db, store_company_name_fn *fn, void *ctx)
{
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT slug, name, coalesce(country, ''), aliases::text"
                                    " FROM companies ORDER BY slug COLLATE \"C\"", 0, NULL, &st, NULL);
    for (int i = 0; r && st == STORE_OK && i < PQntuples(r); i++)
        if (!fn(ctx, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), PQgetvalue(r, i, 3)))
            st = STORE_ERROR;
    PQclear(r);
    return st;
}

/* How precisely the first (last) announcement date is known: the most
 * precise of the announcements on that date. */
#define PRECISION_AT(fn)                                                                  \
    " (SELECT announced_on_precision FROM announcements WHERE announced_on ="             \
    " (SELECT " fn "(announced_on) FROM announcements) ORDER BY CASE"                     \
    " announced_on_precision WHEN 'day' THEN 0 WHEN 'month' THEN 1 ELSE 2 END LIMIT 1)"

enum store_status pg_summary(struct db *db, struct store_summary *out)
{
    enum store_status st;
    PGresult *r = pg_run(pg_of(db),
        "SELECT (SELECT count(*) FROM companies), (SELECT count(*) FROM announcements),"
        " count(*), (SELECT min(announced_on)::text FROM announcements),"
        " (SELECT max(announced_on)::text FROM announcements),"
        " coalesce(sum(amount_usd_minor) FILTER (WHERE kind <> 'target'), 0),"
        " count(*) FILTER (WHERE amount_minor IS NOT NULL AND amount_usd_minor IS NULL),"
        " coalesce(sum(people), 0),"
        " coalesce(sum(amount_usd_minor) FILTER (WHERE kind = 'target'), 0),"
        " count(*) FILTER (WHERE amount_qualifier IS NOT NULL OR people_qualifier IS NOT NULL),"
        PRECISION_AT("min") "," PRECISION_AT("max") ","
        " (SELECT max(date)::text FROM rates) FROM pledges",
        0, NULL, &st, NULL);
    if (r) {
        memset(out, 0, sizeof *out);
        out->companies = pg_int(r, 0, 0);
        out->announcements = pg_int(r, 0, 1);
        out->pledges = pg_int(r, 0, 2);
        pg_copy(out->first_on, sizeof out->first_on, r, 0, 3);
        pg_copy(out->last_on, sizeof out->last_on, r, 0, 4);
        out->totals.committed = pg_int128(r, 0, 5);
        out->pledges_without_usd = pg_int(r, 0, 6);
        out->people = (int64_t)pg_int128(r, 0, 7);
        out->totals.targets = pg_int128(r, 0, 8);
        out->approximate = pg_int(r, 0, 9);
        pg_copy(out->first_precision, sizeof out->first_precision, r, 0, 10);
        pg_copy(out->last_precision, sizeof out->last_precision, r, 0, 11);
        pg_copy(out->rates_as_of, sizeof out->rates_as_of, r, 0, 12);
    }
    PQclear(r);
    return st;
}
