/* stats — the rows behind /v1/stats (see store.h): for the totals, the
 * groups kept by migration 0009 when nothing is filtered or only a kind, a
 * status, a country or a currency is, else one pass over the matching
 * pledges; one statement for the summary.
 *
 * Sums are exact. SQLite's sum() of 64-bit integers raises an error rather
 * than overflow, so the summary's money is kept in two parts (migration
 * 0008's triggers), the amount divided by 10^9 and its remainder, which
 * cannot overflow for any realistic row count, and recombined in 128 bits. */
#include "store.h"

#include "db.h"
#include "engine.h"
#include "filters.h"
#include "searches.h"
#include "sq.h"

#include <string.h>

#define SPLIT 1000000000LL

/* The pledges column each group's key comes from. */
static const char *const group_columns[] = {
    [STATS_COMPANY] = "p.company_id",
    [STATS_COUNTRY] = "p.country",
    [STATS_KIND] = "p.kind",
    [STATS_STATUS] = "p.status",
    [STATS_CURRENCY] = "p.amount_currency",
    [STATS_YEAR] = "p.announced_on",
    /* A date known only to the year has no month: it is not January. */
    /* The few announcements known only to the year are read once into a
     * set (migration 0009's partial index), not looked up for each row. */
    [STATS_MONTH] = "CASE WHEN p.announcement_id IN (SELECT id FROM announcements"
                    " WHERE announced_on_precision = 'year') THEN NULL ELSE p.announced_on END",
};

static const char *const group_dims[] = {
    [STATS_COMPANY] = "company", [STATS_COUNTRY] = "country", [STATS_KIND] = "kind",
    [STATS_STATUS] = "status",   [STATS_CURRENCY] = "currency", [STATS_YEAR] = "year",
    [STATS_MONTH] = "month",
};

/* Reads the statement's current row into r (its text borrowed until the
 * next step). */
typedef void stats_row_fn(sqlite3_stmt *st, struct store_stats_row *r);

/* A kept group: key, then the seven figures, money in two parts. */
static void kept_row(sqlite3_stmt *st, struct store_stats_row *r)
{
    const char *key = (const char *)sqlite3_column_text(st, 0);
    *r = (struct store_stats_row){
        .key = key && key[0] ? key : NULL,
        .pledges = sqlite3_column_int64(st, 1),
        .usd.committed =
            (__int128)sqlite3_column_int64(st, 2) * SPLIT + sqlite3_column_int64(st, 3),
        .usd.targets =
            (__int128)sqlite3_column_int64(st, 4) * SPLIT + sqlite3_column_int64(st, 5),
        .people = sqlite3_column_int64(st, 6),
        .approximate = sqlite3_column_int64(st, 7),
    };
}

/* One pledge: key, USD cents, people, kind, whether approximate. */
static void pledge_row(sqlite3_stmt *st, struct store_stats_row *r)
{
    *r = (struct store_stats_row){
        .key = (const char *)sqlite3_column_text(st, 0),
        .pledges = 1,
        .people = sqlite3_column_int64(st, 2),
        .approximate = sqlite3_column_int(st, 4) != 0,
    };
    usd_totals_add(&r->usd, (const char *)sqlite3_column_text(st, 3), sqlite3_column_int64(st, 1));
}

/* Hands each row of a bound statement to fn, then the statement back. */
static enum store_status each_stats_row(sqlite3_stmt *st, stats_row_fn *read,
                                        store_stats_fn *fn, void *ctx)
{
    enum store_status status = STORE_OK;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_stats_row r;
        read(st, &r);
        if (!fn(ctx, &r)) {
            status = STORE_ERROR;
            break;
        }
    }
    if (status == STORE_OK && rc != SQLITE_DONE)
        status = sq_status(rc);
    db_done(st);
    return status;
}

/* The figures' sums over a kept table and what the log still holds (a
 * write committed without the store's fold), by key. */
#define KEPT_SUMS                                                                        \
    "SELECT key, sum(pledges), sum(committed_hi), sum(committed_lo), sum(targets_hi),"   \
    " sum(targets_lo), sum(people), sum(approximate) FROM ("
#define KEPT_FIGURES \
    " key, pledges, committed_hi, committed_lo, targets_hi, targets_lo, people, approximate"

/* All pledges, or those of one key of the group_by itself (?2). */
static const char kept_single_sql[] =
    KEPT_SUMS "SELECT" KEPT_FIGURES " FROM pledge_groups"
    " WHERE dim = ?1 AND (?2 IS NULL OR key = ?2)"
    " UNION ALL SELECT" KEPT_FIGURES " FROM pledge_group_log_groups"
    " WHERE dim = ?1 AND (?2 IS NULL OR key = ?2)) GROUP BY key HAVING sum(pledges) > 0";
/* The pledges of one value (?2) of a filter (?1), by another group_by (?3). */
static const char kept_pair_sql[] =
    KEPT_SUMS "SELECT" KEPT_FIGURES " FROM pledge_group_pairs WHERE filter_dim = ?1"
    " AND filter_key = ?2 AND dim = ?3 UNION ALL SELECT" KEPT_FIGURES
    " FROM pledge_group_log_pairs WHERE filter_dim = ?1 AND filter_key = ?2 AND dim = ?3)"
    " GROUP BY key HAVING sum(pledges) > 0";

/* The kept totals f can be answered from: none at all, or exactly one of
 * kind, status, country, currency (migration 0009 keeps each of their
 * values by every group_by). False otherwise. */
static bool kept_filter(const struct record_filter *f, const char **dim, const char **key)
{
    *dim = *key = NULL;
    int n = 0;
    if (f->kind)
        n++, *dim = "kind", *key = f->kind;
    if (f->status)
        n++, *dim = "status", *key = f->status;
    if (f->country[0])
        n++, *dim = "country", *key = f->country;
    if (f->currency[0])
        n++, *dim = "currency", *key = f->currency;
    if (n > 1 || f->company || f->joint || f->announcement_id || f->from[0] || f->to[0] ||
        f->min_usd >= 0 || f->max_usd >= 0 || f->q || f->approximate >= 0)
        return false;
    return true;
}

static enum store_status kept_groups(struct db *db, enum stats_group group, const char *fdim,
                                     const char *fkey, store_stats_fn *fn, void *ctx)
{
    bool pair = fdim && strcmp(fdim, group_dims[group]) != 0;
    sqlite3_stmt *st = db_prepare(db, pair ? kept_pair_sql : kept_single_sql);
    if (!st)
        return STORE_ERROR;
    if (pair) {
        sqlite3_bind_text(st, 1, fdim, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, fkey, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, group_dims[group], -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_text(st, 1, group_dims[group], -1, SQLITE_STATIC);
        if (fkey) /* filtered by the group_by itself: that one group */
            sqlite3_bind_text(st, 2, fkey, -1, SQLITE_STATIC);
    }
    return each_stats_row(st, kept_row, fn, ctx);
}

/* Whether f filters only by fields that a pledge shares with many others
 * (kind, status, country, currency, approximate, a USD range): a read of
 * the whole table in rowid order then beats an index seek and a lookup of
 * each matching row (a quarter of a million pledges: 120 ms against 370). */
static bool broad_only(const struct record_filter *f)
{
    return !f->company && !f->joint && !f->announcement_id && !f->from[0] && !f->to[0] &&
           !f->q;
}

/* Whether f is free text and nothing else. */
static bool text_only(const struct record_filter *f)
{
    return f->q && !f->company && !f->joint && !f->announcement_id && !f->kind && !f->status &&
           !f->country[0] && !f->currency[0] && !f->from[0] && !f->to[0] && f->min_usd < 0 &&
           f->max_usd < 0 && f->approximate < 0;
}

/* The kept totals of a one-word search (migration 0015), when the word is
 * kept, counted through (0017) and no pledge waits to be counted again;
 * STORE_NOT_FOUND otherwise. */
static enum store_status search_groups(struct db *db, const char *token, enum stats_group group,
                                       store_stats_fn *fn, void *ctx)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT bit FROM pledge_searches WHERE token = ?"
                                      " AND counted_to IS NULL"
                                      " AND NOT EXISTS (SELECT 1 FROM pledge_search_dirty)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int bit = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    db_done(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? STORE_NOT_FOUND : sq_status(rc);
    st = db_prepare(db, "SELECT" KEPT_FIGURES " FROM pledge_search_groups"
                        " WHERE bit = ? AND dim = ? AND pledges > 0");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, bit);
    sqlite3_bind_text(st, 2, group_dims[group], -1, SQLITE_STATIC);
    return each_stats_row(st, kept_row, fn, ctx);
}

/* Hands rows on, counting the pledges they hold. */
struct counting {
    store_stats_fn *fn;
    void *ctx;
    long long pledges;
};

static bool count_row(void *ctx, const struct store_stats_row *r)
{
    struct counting *c = ctx;
    c->pledges += r->pledges;
    return c->fn(c->ctx, r);
}

enum store_status sq_stats_each(struct db *db, const struct record_filter *f,
                                   enum stats_group group, store_stats_fn *fn, void *ctx)
{
    const char *fdim, *fkey;
    if (kept_filter(f, &fdim, &fkey))
        return kept_groups(db, group, fdim, fkey, fn, ctx);
    char token[SEARCH_TOKEN_MAX + 1];
    bool word = text_only(f) && store_search_totals_at() > 0 && sq_search_token(db, f->q, token);
    if (word) {
        enum store_status kept = search_groups(db, token, group, fn, ctx);
        if (kept != STORE_NOT_FOUND)
            return kept;
    }
    struct sq_filter sf;
    /* Stats read every match: free text never walks a page's order. */
    enum store_status status = sq_filter_init_as(db, f, &sf, 0);
    struct buf sql;
    buf_init(&sql, 8192);
    buf_printf(&sql, "SELECT %s, p.amount_usd_minor, p.people, p.kind,"
                     " p.amount_qualifier IS NOT NULL OR p.people_qualifier IS NOT NULL"
                     " FROM pledges p%s WHERE 1=1%s",
               group_columns[group], broad_only(f) ? " NOT INDEXED" : "", buf_str(&sf.where));
    sqlite3_stmt *st = status == STORE_OK ? db_prepare(db, buf_str(&sql)) : NULL;
    if (status == STORE_OK && !st)
        status = STORE_ERROR;
    struct counting counted = {fn, ctx, 0};
    if (st) {
        sq_filter_bind(&sf, st);
        status = each_stats_row(st, pledge_row, count_row, &counted);
    }
    buf_free(&sql);
    sq_filter_free(&sf);
    if (word && status == STORE_OK) /* many: kept from now on */
        sq_search_want(token, counted.pledges);
    return status;
}

enum store_status sq_company_names(struct db *db, int64_t id, char slug[SLUG_MAX + 1],
                                      char *name, size_t name_len)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT slug, name FROM companies WHERE id = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        sq_copy_text(slug, SLUG_MAX + 1, sqlite3_column_text(st, 0));
        sq_copy_text(name, name_len, sqlite3_column_text(st, 1));
    }
    db_done(st);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : sq_status(rc);
}

enum store_status sq_company_name_each(struct db *db, store_company_name_fn *fn, void *ctx)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT slug, name, coalesce(country, ''), aliases"
                                      " FROM companies ORDER BY slug");
    if (!st)
        return STORE_ERROR;
    int rc;
    enum store_status out = STORE_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3))) {
            out = STORE_ERROR;
            break;
        }
    }
    if (out == STORE_OK && rc != SQLITE_DONE)
        out = sq_status(rc);
    db_done(st);
    return out;
}

/* How precisely the first (last) announcement date is known: the most
 * precise of the announcements on that date ("2024-01-01" may be a day, or
 * stand for "some time in 2024"). */
#define PRECISION_AT(fn)                                                                  \
    " (SELECT announced_on_precision FROM announcements WHERE announced_on ="             \
    " (SELECT " fn "(announced_on) FROM announcements) ORDER BY CASE"                     \
    " announced_on_precision WHEN 'day' THEN 0 WHEN 'month' THEN 1 ELSE 2 END LIMIT 1)"

enum store_status sq_summary(struct db *db, struct store_summary *out)
{
    /* The pledges' totals are kept by triggers (migration 0008); the rest
     * is an index seek each. */
    sqlite3_stmt *st = db_prepare(db,
        "SELECT (SELECT count(*) FROM companies), (SELECT count(*) FROM announcements),"
        " t.pledges, (SELECT min(announced_on) FROM announcements),"
        " (SELECT max(announced_on) FROM announcements),"
        " t.committed_hi, t.committed_lo, t.without_usd, t.people, t.targets_hi, t.targets_lo,"
        " t.approximate,"
        PRECISION_AT("min") "," PRECISION_AT("max") ","
        " (SELECT max(date) FROM rates)"
        " FROM pledge_totals t WHERE t.id = 1");
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->companies = sqlite3_column_int64(st, 0);
        out->announcements = sqlite3_column_int64(st, 1);
        out->pledges = sqlite3_column_int64(st, 2);
        sq_copy_text(out->first_on, sizeof out->first_on, sqlite3_column_text(st, 3));
        sq_copy_text(out->last_on, sizeof out->last_on, sqlite3_column_text(st, 4));
        out->totals.committed =
            (__int128)sqlite3_column_int64(st, 5) * SPLIT + sqlite3_column_int64(st, 6);
        out->pledges_without_usd = sqlite3_column_int64(st, 7);
        out->people = sqlite3_column_int64(st, 8);
        out->totals.targets =
            (__int128)sqlite3_column_int64(st, 9) * SPLIT + sqlite3_column_int64(st, 10);
        out->approximate = sqlite3_column_int64(st, 11);
        sq_copy_text(out->first_precision, sizeof out->first_precision,
                     sqlite3_column_text(st, 12));
        sq_copy_text(out->last_precision, sizeof out->last_precision,
                     sqlite3_column_text(st, 13));
        sq_copy_text(out->rates_as_of, sizeof out->rates_as_of, sqlite3_column_text(st, 14));
    }
    db_done(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_status(rc);
}
