/* filters — record filters as SQL (see filters.h). */
#include "filters.h"

#include "fts.h"
#include "sq.h"

#include <stdlib.h>
#include <string.h>

static enum store_status company_id(struct db *db, const char *slug, int64_t *id)
{
    int64_t ids[1];
    enum store_status st = store_company_ids(db, &slug, 1, ids);
    *id = ids[0] ? ids[0] : -1; /* -1 matches nothing */
    return st;
}

/* Pledges: a seek of the USD index when the range matches few of them. */
static enum store_status choose_usd_seek(struct db *db, struct sq_filter *sf)
{
    const struct record_filter *f = sf->f;
    sf->usd_seek = false;
    if (f->min_usd < 0 && f->max_usd < 0)
        return STORE_OK;
    sqlite3_stmt *st = db_prepare(
        db, "SELECT count(*) FROM (SELECT 1 FROM pledges INDEXED BY pledges_by_usd"
            " WHERE coalesce(amount_usd_minor, -1) BETWEEN ?1 AND ?2 LIMIT ?3)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, f->min_usd >= 0 ? f->min_usd : 0);
    sqlite3_bind_int64(st, 2, f->max_usd >= 0 ? f->max_usd : INT64_MAX);
    sqlite3_bind_int(st, 3, USD_SEEK_MAX);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        sf->usd_seek = sqlite3_column_int64(st, 0) < USD_SEEK_MAX;
    db_done(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_status(rc);
}

static void pledge_clauses(const struct record_filter *f, bool fts_walk, struct buf *w)
{
    if (f->joint)
        buf_puts(w, " AND p.company_id IS NULL");
    else if (f->company)
        buf_puts(w, " AND p.company_id = :company");
    if (f->country[0])
        buf_puts(w, " AND p.country = :country");
    if (f->from[0])
        buf_puts(w, " AND p.announced_on >= :from");
    if (f->to[0])
        buf_puts(w, " AND p.announced_on <= :to");
    if (f->q && fts_walk)
        buf_puts(w, " AND (EXISTS (SELECT 1 FROM pledges_fts WHERE pledges_fts MATCH :q"
                    " AND rowid = p.id) OR EXISTS (SELECT 1 FROM announcements_fts WHERE"
                    " announcements_fts MATCH :q AND rowid = p.announcement_id))");
    else if (f->q)
        buf_puts(w, " AND (p.id IN (SELECT rowid FROM pledges_fts WHERE pledges_fts"
                    " MATCH :q) OR p.announcement_id IN (SELECT rowid FROM"
                    " announcements_fts WHERE announcements_fts MATCH :q))");
    if (f->announcement_id)
        buf_puts(w, " AND p.announcement_id = :announcement");
    if (f->kind)
        buf_puts(w, " AND p.kind = :kind");
    if (f->status)
        buf_puts(w, " AND p.status = :status");
    if (f->currency[0])
        buf_puts(w, " AND p.amount_currency = :currency");
    /* A pledge is approximate when either of its figures carries a
     * qualifier ("nearly", "more than", "up to"). */
    if (f->approximate == 1)
        buf_puts(w, " AND (p.amount_qualifier IS NOT NULL OR p.people_qualifier IS NOT NULL)");
    else if (f->approximate == 0)
        buf_puts(w, " AND p.amount_qualifier IS NULL AND p.people_qualifier IS NULL");
    /* Plain comparisons, which no index serves: a page sorted by date walks
     * the date index and checks them. When few pledges match, the page
     * seeks the USD index instead (choose_usd_seek). */
    if (f->min_usd >= 0)
        buf_puts(w, " AND p.amount_usd_minor >= :min_usd");
    if (f->max_usd >= 0)
        buf_puts(w, " AND p.amount_usd_minor <= :max_usd");
}

static void announcement_clauses(const struct record_filter *f, struct buf *w)
{
    if (f->company)
        buf_puts(w, " AND a.id IN (SELECT announcement_id FROM announcement_companies"
                    " WHERE company_id = :company)");
    if (f->country[0])
        buf_puts(w, " AND a.id IN (SELECT announcement_id FROM announcement_countries"
                    " WHERE country = :country)");
    if (f->from[0])
        buf_puts(w, " AND a.announced_on >= :from");
    if (f->to[0])
        buf_puts(w, " AND a.announced_on <= :to");
    if (f->q)
        buf_puts(w, " AND a.id IN (SELECT rowid FROM announcements_fts WHERE"
                    " announcements_fts MATCH :q)");
}

/* Pledges: whether the word is common enough for a page to walk its order
 * (see FTS_WALK_FACTOR). */
static enum store_status choose_fts_walk(struct db *db, struct sq_filter *sf)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT pledges FROM pledge_totals WHERE id = 1");
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    int64_t pledges = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    db_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sq_status(rc);
    int64_t enough = 1;
    while (enough * enough < FTS_WALK_FACTOR * pledges)
        enough *= 2; /* a power of two past the square root is close enough */
    st = db_prepare(db, "SELECT count(*) FROM (SELECT rowid FROM pledges_fts"
                        " WHERE pledges_fts MATCH ?1 LIMIT ?2)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, sf->fts, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, enough);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        sf->fts_walk = sqlite3_column_int64(st, 0) >= enough && pledges > 0;
    db_done(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_status(rc);
}

enum store_status sq_filter_init(struct db *db, const struct record_filter *f,
                                 struct sq_filter *out)
{
    return sq_filter_init_as(db, f, out, -1);
}

enum store_status sq_filter_init_as(struct db *db, const struct record_filter *f,
                                    struct sq_filter *out, int walk)
{
    memset(out, 0, sizeof *out);
    out->f = f;
    buf_init(&out->where, 8192);
    buf_init(&out->where_all, 8192);
    if (!db)
        return STORE_ERROR;
    enum store_status st = STORE_OK;
    if (f->company && !f->joint)
        st = company_id(db, f->company, &out->company_id);
    if (st == STORE_OK && f->q && !(out->fts = sq_fts_query(f->q)))
        st = STORE_ERROR; /* out of memory: the API has checked q has a word */
    if (st == STORE_OK && f->target == FILTER_PLEDGES && f->q && walk < 0)
        st = choose_fts_walk(db, out);
    else
        out->fts_walk = f->target == FILTER_PLEDGES && f->q && walk > 0;
    if (st == STORE_OK && f->target == FILTER_PLEDGES) {
        pledge_clauses(f, out->fts_walk, &out->where);
        if (out->fts_walk)
            pledge_clauses(f, false, &out->where_all);
        st = choose_usd_seek(db, out);
    } else if (st == STORE_OK) {
        announcement_clauses(f, &out->where);
    }
    return st;
}

const struct buf *sq_filter_where_all(const struct sq_filter *sf)
{
    return sf->fts_walk ? &sf->where_all : &sf->where;
}

void sq_filter_free(struct sq_filter *sf)
{
    buf_free(&sf->where);
    buf_free(&sf->where_all);
    free(sf->fts);
    sf->fts = NULL;
}

static void bind_named_text(sqlite3_stmt *st, const char *name, const char *v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i && v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static void bind_named_int(sqlite3_stmt *st, const char *name, int64_t v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i)
        sqlite3_bind_int64(st, i, v);
}

void sq_filter_bind(const void *ctx, sqlite3_stmt *st)
{
    const struct sq_filter *sf = ctx;
    const struct record_filter *f = sf->f;
    bind_named_int(st, ":company", sf->company_id);
    bind_named_int(st, ":announcement", f->announcement_id);
    bind_named_text(st, ":country", f->country);
    bind_named_text(st, ":currency", f->currency);
    bind_named_text(st, ":from", f->from);
    bind_named_text(st, ":to", f->to);
    bind_named_text(st, ":kind", f->kind);
    bind_named_text(st, ":status", f->status);
    bind_named_text(st, ":q", sf->fts);
    bind_named_int(st, ":min_usd", f->min_usd);
    bind_named_int(st, ":max_usd", f->max_usd);
    bind_named_int(st, ":usd_lo", f->min_usd >= 0 ? f->min_usd : 0);
    bind_named_int(st, ":usd_hi", f->max_usd >= 0 ? f->max_usd : INT64_MAX);
}

void sq_filter_pledges_from(const struct sq_filter *sf, bool join_company, bool all,
                            struct buf *sql)
{
    buf_printf(sql, " FROM pledges p%s%s WHERE 1=1%s%s",
               sf->usd_seek ? " INDEXED BY pledges_by_usd" : "",
               join_company ? " LEFT JOIN companies c ON c.id = p.company_id" : "",
               buf_str(all ? sq_filter_where_all(sf) : &sf->where),
               sf->usd_seek ? " AND coalesce(p.amount_usd_minor, -1) BETWEEN :usd_lo AND :usd_hi"
                            : "");
}
