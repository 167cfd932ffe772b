/* search — list filters (see search.h). */
#include "search.h"
#include "keyset.h"

#include "api.h"
#include "date.h"
#include "db.h"
#include "iso3166.h"
#include "iso4217.h"
#include "jsonx.h"
#include "money.h"
#include "page.h"
#include "pledge_input.h"
#include "records.h"
#include "respond.h"
#include "slug.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

static const char *enum_value(const char *v, const char *const values[])
{
    for (size_t i = 0; values[i]; i++)
        if (strcmp(v, values[i]) == 0)
            return values[i];
    return NULL;
}

static void date_filter(const struct request *rq, const char *name, char out[11], json_t *errors)
{
    const char *v = api_query(rq, name);
    int y, m, d;
    out[0] = '\0';
    if (!v)
        return;
    if (!date_parse(v, &y, &m, &d))
        jsonx_error_add(errors, name, "must be a real date YYYY-MM-DD");
    else
        snprintf(out, 11, "%s", v);
}

static void usd_filter(const struct request *rq, const char *name, int64_t *out, json_t *errors)
{
    const char *v = api_query(rq, name);
    uint64_t cents;
    char why[128];
    *out = -1;
    if (!v)
        return;
    if (!money_parse(v, currency_find("USD"), &cents, why, sizeof why) || cents > INT64_MAX)
        jsonx_error_add(errors, name, "must be a USD amount such as 1000000 or 2500000.50");
    else
        *out = (int64_t)cents;
}

bool filter_parse(const struct request *rq, struct response *rs, struct list_filter *f,
                  enum filter_target target)
{
    memset(f, 0, sizeof *f);
    f->min_usd = f->max_usd = -1;
    buf_init(&f->where, 8192);
    bool pledges = target == FILTER_PLEDGES;
    json_t *errors = json_array();

    const char *v = api_query(rq, "company");
    if (v) {
        if (pledges && strcmp(v, "joint") == 0) {
            buf_puts(&f->where, " AND p.company_id IS NULL");
        } else if (!slug_is_valid(v)) {
            jsonx_error_add(errors, "company", "must be a company slug%s",
                            pledges ? " or joint" : "");
        } else {
            struct db *db = db_reader();
            f->company_id = db ? company_id_of(db, v) : -2;
            if (f->company_id < 0)
                f->company_id = -2;
            if (f->company_id == -2) {
                json_decref(errors);
                respond_internal(rq, rs, "company look-up failed");
                return false;
            }
            if (f->company_id == 0)
                f->company_id = -1; /* matches nothing */
            buf_puts(&f->where, pledges ? " AND p.company_id = :company"
                                        : " AND a.id IN (SELECT announcement_id FROM"
                                          " announcement_companies WHERE company_id = :company)");
        }
    }
    v = api_query(rq, "country");
    if (v) {
        const struct country *c = country_find(v);
        if (!c) {
            jsonx_error_add(errors, "country", "must be an ISO 3166-1 alpha-2 code such as JP");
        } else {
            memcpy(f->country, c->code, 3);
            buf_puts(&f->where, pledges ? " AND p.country = :country"
                                        : " AND a.id IN (SELECT announcement_id FROM"
                                          " announcement_countries WHERE country = :country)");
        }
    }
    date_filter(rq, "from", f->from, errors);
    date_filter(rq, "to", f->to, errors);
    if (f->from[0] && f->to[0] && strcmp(f->from, f->to) > 0)
        jsonx_error_add(errors, "to", "must not be before from");
    if (f->from[0])
        buf_puts(&f->where, pledges ? " AND p.announced_on >= :from" : " AND a.announced_on >= :from");
    if (f->to[0])
        buf_puts(&f->where, pledges ? " AND p.announced_on <= :to" : " AND a.announced_on <= :to");
    v = api_query(rq, "q");
    if (v) {
        f->fts = text_check(v, 200, false) ? NULL : fts_query(v);
        if (!f->fts)
            jsonx_error_add(errors, "q", "must be 1 to 200 characters with at least one word");
        else
            buf_puts(&f->where,
                     pledges ? " AND (p.id IN (SELECT rowid FROM pledges_fts WHERE pledges_fts"
                               " MATCH :q) OR p.announcement_id IN (SELECT rowid FROM"
                               " announcements_fts WHERE announcements_fts MATCH :q))"
                             : " AND a.id IN (SELECT rowid FROM announcements_fts WHERE"
                               " announcements_fts MATCH :q)");
    }
    if (pledges) {
        v = api_query(rq, "announcement");
        if (v) {
            if (!id_param(v, &f->announcement_id))
                jsonx_error_add(errors, "announcement", "must be an announcement id");
            else
                buf_puts(&f->where, " AND p.announcement_id = :announcement");
        }
        v = api_query(rq, "kind");
        if (v) {
            if (!(f->kind = enum_value(v, pledge_kinds)))
                jsonx_error_add(errors, "kind", "must be one of investment, training, facility,"
                                                " research, partnership, target, other");
            else
                buf_puts(&f->where, " AND p.kind = :kind");
        }
        v = api_query(rq, "status");
        if (v) {
            if (!(f->status = enum_value(v, pledge_statuses)))
                jsonx_error_add(errors, "status",
                                "must be one of announced, in_progress, fulfilled, cancelled");
            else
                buf_puts(&f->where, " AND p.status = :status");
        }
        v = api_query(rq, "currency");
        if (v) {
            const struct currency *c = currency_find(v);
            if (!c) {
                jsonx_error_add(errors, "currency", "must be an ISO 4217 code such as JPY");
            } else {
                memcpy(f->currency, c->code, 4);
                buf_puts(&f->where, " AND p.amount_currency = :currency");
            }
        }
        usd_filter(rq, "min_usd", &f->min_usd, errors);
        usd_filter(rq, "max_usd", &f->max_usd, errors);
        if (f->min_usd >= 0 && f->max_usd >= 0 && f->min_usd > f->max_usd)
            jsonx_error_add(errors, "max_usd", "must not be less than min_usd");
        v = api_query(rq, "approximate");
        if (v) {
            /* A pledge is approximate when either of its figures carries a
             * qualifier ("nearly", "more than", "up to"). */
            if (strcmp(v, "true") == 0)
                buf_puts(&f->where, " AND (p.amount_qualifier IS NOT NULL OR"
                                    " p.people_qualifier IS NOT NULL)");
            else if (strcmp(v, "false") == 0)
                buf_puts(&f->where, " AND p.amount_qualifier IS NULL AND p.people_qualifier IS NULL");
            else
                jsonx_error_add(errors, "approximate", "must be true or false");
        }
        /* Plain comparisons, which no index serves: a page sorted by date
         * walks the date index and checks them. When few pledges match, the
         * page seeks the USD index instead (filter_choose_usd_seek). */
        if (f->min_usd >= 0)
            buf_puts(&f->where, " AND p.amount_usd_minor >= :min_usd");
        if (f->max_usd >= 0)
            buf_puts(&f->where, " AND p.amount_usd_minor <= :max_usd");
    }
    if (json_array_size(errors)) {
        respond_bad_params(rs, errors);
        filter_free(f);
        return false;
    }
    json_decref(errors);
    return true;
}

static void bind_named_text(sqlite3_stmt *st, const char *name, const char *v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static void bind_named_int(sqlite3_stmt *st, const char *name, int64_t v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i)
        sqlite3_bind_int64(st, i, v);
}

void filter_bind(const struct list_filter *f, sqlite3_stmt *st)
{
    bind_named_int(st, ":company", f->company_id);
    bind_named_int(st, ":announcement", f->announcement_id);
    bind_named_text(st, ":country", f->country);
    bind_named_text(st, ":currency", f->currency);
    bind_named_text(st, ":from", f->from);
    bind_named_text(st, ":to", f->to);
    if (f->kind)
        bind_named_text(st, ":kind", f->kind);
    if (f->status)
        bind_named_text(st, ":status", f->status);
    if (f->fts)
        bind_named_text(st, ":q", f->fts);
    bind_named_int(st, ":min_usd", f->min_usd);
    bind_named_int(st, ":max_usd", f->max_usd);
    bind_named_int(st, ":usd_lo", f->min_usd >= 0 ? f->min_usd : 0);
    bind_named_int(st, ":usd_hi", f->max_usd >= 0 ? f->max_usd : INT64_MAX);
}

void filter_bind_fn(const void *ctx, sqlite3_stmt *st)
{
    filter_bind(ctx, st);
}

void filter_free(struct list_filter *f)
{
    buf_free(&f->where);
    free(f->fts);
    f->fts = NULL;
}

bool filter_choose_usd_seek(struct db *db, struct list_filter *f)
{
    f->usd_seek = false;
    if (f->min_usd < 0 && f->max_usd < 0)
        return true;
    sqlite3_stmt *st = db_prepare(
        db, "SELECT count(*) FROM (SELECT 1 FROM pledges INDEXED BY pledges_by_usd"
            " WHERE coalesce(amount_usd_minor, -1) BETWEEN ?1 AND ?2 LIMIT ?3)");
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, f->min_usd >= 0 ? f->min_usd : 0);
    sqlite3_bind_int64(st, 2, f->max_usd >= 0 ? f->max_usd : INT64_MAX);
    sqlite3_bind_int(st, 3, USD_SEEK_MAX);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        f->usd_seek = sqlite3_column_int64(st, 0) < USD_SEEK_MAX;
    db_done(st);
    return rc == SQLITE_ROW;
}

bool id_param(const char *text, int64_t *id)
{
    return int_parse(text, 1, INT64_MAX, id);
}

static const struct sq_sort_column pledge_columns[] = {
    {"announced_on", "p.announced_on"},
    {"amount_usd", "coalesce(p.amount_usd_minor, -1)"},
    {"people", "coalesce(p.people, 0)"},
    {"created_at", "p.created_at"},
    {"updated_at", "p.updated_at"},
    {NULL, NULL},
};
static const struct sq_columns pledge_list = {pledge_columns, "p.id"};

static const struct sq_sort_column announcement_columns[] = {
    {"announced_on", "a.announced_on"},
    {"created_at", "a.created_at"},
    {"updated_at", "a.updated_at"},
    {NULL, NULL},
};
static const struct sq_columns announcement_list = {announcement_columns, "a.id"};

void pledge_list_sql(const struct list_filter *f, const struct page *pg, struct buf *sql)
{
    buf_puts(sql, "SELECT " PLEDGE_COLS);
    sq_page_select_keys(pg, &pledge_list, sql);
    buf_printf(sql, " FROM pledges p%s LEFT JOIN companies c ON c.id = p.company_id WHERE 1=1%s%s",
               f->usd_seek ? " INDEXED BY pledges_by_usd" : "", buf_str(&f->where),
               f->usd_seek ? " AND coalesce(p.amount_usd_minor, -1) BETWEEN :usd_lo AND :usd_hi"
                           : "");
    sq_page_where_after(pg, &pledge_list, sql);
    sq_page_order_limit(pg, &pledge_list, sql);
}

void pledge_count_sql(const struct list_filter *f, struct buf *sql)
{
    buf_printf(sql, "SELECT count(*) FROM pledges p%s WHERE 1=1%s%s",
               f->usd_seek ? " INDEXED BY pledges_by_usd" : "", buf_str(&f->where),
               f->usd_seek ? " AND coalesce(p.amount_usd_minor, -1) BETWEEN :usd_lo AND :usd_hi"
                           : "");
}

void announcement_list_sql(const struct list_filter *f, const struct page *pg, struct buf *sql)
{
    buf_puts(sql, "SELECT " ANNOUNCEMENT_COLS);
    sq_page_select_keys(pg, &announcement_list, sql);
    buf_printf(sql, " FROM announcements a WHERE 1=1%s", buf_str(&f->where));
    sq_page_where_after(pg, &announcement_list, sql);
    sq_page_order_limit(pg, &announcement_list, sql);
}
