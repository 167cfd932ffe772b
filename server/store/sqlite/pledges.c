/* pledges — pledges in SQLite (see store.h): read into structs, written
 * from validated input with their USD value at the rate in force (usd.c)
 * and their full-text row, and listed by keyset pages. */
#include "store.h"

#include "db.h"
#include "engine.h"
#include "filters.h"
#include "fts_sync.h"
#include "jsonx.h"
#include "keyset.h"
#include "records_sql.h"
#include "revisions.h"
#include "sq.h"
#include "usd_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct sort_field store_pledge_sorts[] = {
    {"announced_on", SORT_TEXT},
    {"amount_usd", SORT_INT},
    {"people", SORT_INT},
    {"created_at", SORT_TEXT},
    {"updated_at", SORT_TEXT},
    {NULL, SORT_TEXT},
};

static const struct sq_sort_column pledge_columns[] = {
    {"announced_on", "p.announced_on"},
    {"amount_usd", "coalesce(p.amount_usd_minor, -1)"},
    {"people", "coalesce(p.people, 0)"},
    {"created_at", "p.created_at"},
    {"updated_at", "p.updated_at"},
    {NULL, NULL},
};
static const struct sq_columns pledge_list = {pledge_columns, "p.id"};

static void text_at(sqlite3_stmt *st, int col, char *out, size_t len)
{
    sq_copy_text(out, len, sqlite3_column_text(st, col));
}

enum store_status sq_read_pledge(sqlite3_stmt *st, struct store_pledge *p)
{
    memset(p, 0, sizeof *p);
    p->id = sqlite3_column_int64(st, 0);
    p->announcement_id = sqlite3_column_int64(st, 1);
    text_at(st, 2, p->company, sizeof p->company);
    text_at(st, 3, p->kind, sizeof p->kind);
    text_at(st, 5, p->country, sizeof p->country);
    text_at(st, 6, p->currency, sizeof p->currency);
    p->amount_minor = sqlite3_column_int64(st, 7);
    p->usd_known = sqlite3_column_type(st, 8) != SQLITE_NULL;
    p->usd_cents = sqlite3_column_int64(st, 8);
    text_at(st, 9, p->usd_rate, sizeof p->usd_rate);
    text_at(st, 10, p->usd_rate_date, sizeof p->usd_rate_date);
    text_at(st, 11, p->usd_error, sizeof p->usd_error);
    p->has_people = sqlite3_column_type(st, 12) != SQLITE_NULL;
    p->people = sqlite3_column_int64(st, 12);
    text_at(st, 13, p->starts_on, sizeof p->starts_on);
    text_at(st, 14, p->ends_on, sizeof p->ends_on);
    p->has_duration = sqlite3_column_type(st, 15) != SQLITE_NULL;
    p->duration_months = sqlite3_column_int64(st, 15);
    text_at(st, 16, p->status, sizeof p->status);
    text_at(st, 18, p->created_at, sizeof p->created_at);
    text_at(st, 19, p->updated_at, sizeof p->updated_at);
    text_at(st, 20, p->announced_on, sizeof p->announced_on);
    text_at(st, 21, p->amount_qualifier, sizeof p->amount_qualifier);
    text_at(st, 22, p->people_qualifier, sizeof p->people_qualifier);
    text_at(st, 23, p->precision, sizeof p->precision);
    text_at(st, 24, p->usd_rate_source, sizeof p->usd_rate_source);
    sq_read_stamp(st, 25, &p->stamp);
    if (sq_dup_text(st, 4, &p->description) && sq_dup_text(st, 17, &p->evidence))
        return STORE_OK;
    store_pledge_free(p);
    return STORE_ERROR;
}

enum store_status sq_pledge_get(struct db *db, int64_t id, struct store_pledge *out)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT " PLEDGE_COLS " FROM pledges p"
                                  " LEFT JOIN companies c ON c.id = p.company_id"
                                  " WHERE p.id = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    enum store_status status = rc == SQLITE_ROW    ? sq_read_pledge(st, out)
                               : rc == SQLITE_DONE ? STORE_NOT_FOUND
                                                   : sq_status(rc);
    db_done(st);
    return status;
}

enum store_status sq_pledge_context(struct db *db, int64_t announcement_id,
                                       struct store_pledge_context *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = db_prepare(db, "SELECT announced_on FROM announcements WHERE id = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, announcement_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        text_at(st, 0, out->announced_on, sizeof out->announced_on);
    db_done(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? STORE_NOT_FOUND : sq_status(rc);
    st = db_prepare(db, "SELECT c.slug FROM announcement_companies ac JOIN companies c"
                        " ON c.id = ac.company_id WHERE ac.announcement_id = ? ORDER BY ac.position");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, announcement_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->n_companies < ANN_COMPANIES_MAX)
        text_at(st, 0, out->companies[out->n_companies++], SLUG_MAX + 1);
    db_done(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return sq_status(rc);
    st = db_prepare(db, "SELECT url FROM sources WHERE announcement_id = ? ORDER BY position");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, announcement_id);
    enum store_status status = STORE_OK;
    while (status == STORE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW &&
           out->n_urls < ANN_SOURCES_MAX) {
        if (!sq_dup_text(st, 0, &out->urls[out->n_urls]))
            status = STORE_ERROR;
        else
            out->n_urls++;
    }
    db_done(st);
    if (status == STORE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        status = sq_status(rc);
    if (status != STORE_OK)
        store_pledge_context_free(out);
    return status;
}

/* ---- writing ---- */

static void bind_int_or_null(sqlite3_stmt *st, int idx, int64_t v)
{
    if (v)
        sqlite3_bind_int64(st, idx, v);
    else
        sqlite3_bind_null(st, idx);
}

static bool step_done(sqlite3_stmt *st, enum store_status *status)
{
    *status = sq_run(st);
    return *status == STORE_OK;
}

/* The id of the pledge's company (0: joint), STORE_NOT_FOUND when unknown. */
static enum store_status pledge_company(struct db *db, const struct pledge_input *p, int64_t *id)
{
    *id = 0;
    if (!p->company)
        return STORE_OK;
    enum store_status st = store_company_ids(db, &p->company, 1, id);
    return st == STORE_OK && *id == 0 ? STORE_NOT_FOUND : st;
}

/* Binds the pledge fields shared by insert and update (?1..?19, ?21..?23;
 * ?20 is the caller's). *evidence_text (malloc'd) must outlive the step. */
static enum store_status bind_pledge(struct db *db, sqlite3_stmt *st, int64_t ann_id,
                                     const char *announced_on, const struct pledge_input *p,
                                     const char *now, char **evidence_text)
{
    struct store_usd usd = {0};
    int64_t company_id;
    enum store_status status = pledge_company(db, p, &company_id);
    if (status == STORE_OK && p->currency)
        status = store_usd_value(db, p->currency, p->amount_minor, announced_on, &usd);
    if (status != STORE_OK)
        return status;
    *evidence_text = jsonx_dump(p->evidence, NULL);
    sqlite3_bind_int64(st, 1, ann_id);
    bind_int_or_null(st, 2, company_id);
    sqlite3_bind_text(st, 3, p->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, p->status, -1, SQLITE_STATIC);
    sq_bind_text_or_null(st, 5, p->description);
    sq_bind_text_or_null(st, 6, p->country);
    if (p->currency) {
        sqlite3_bind_text(st, 7, p->currency->code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, (int64_t)p->amount_minor);
    }
    bind_int_or_null(st, 9, p->people);
    sq_bind_text_or_null(st, 10, p->starts_on);
    sq_bind_text_or_null(st, 11, p->ends_on);
    bind_int_or_null(st, 12, p->duration_months);
    sqlite3_bind_text(st, 13, *evidence_text ? *evidence_text : "[]", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 14, announced_on, -1, SQLITE_TRANSIENT);
    if (usd.known) {
        sqlite3_bind_int64(st, 15, usd.cents);
        sqlite3_bind_text(st, 16, usd.rate, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 17, usd.rate_date, -1, SQLITE_TRANSIENT);
        sq_bind_text_or_null(st, 23, usd.rate_source);
    } else if (p->currency) {
        sqlite3_bind_text(st, 18, usd.error, -1, SQLITE_TRANSIENT);
    }
    sqlite3_bind_text(st, 19, now, -1, SQLITE_TRANSIENT);
    sq_bind_text_or_null(st, 21, p->amount_qualifier);
    sq_bind_text_or_null(st, 22, p->people_qualifier);
    sq_bind_text_or_null(st, 24, db_actor_by(db));
    sqlite3_bind_int64(st, 25, p->id); /* the insert's (a restore); updates have no ?25 */
    return STORE_OK;
}

/* Runs the INSERT or UPDATE `sql` of one pledge: the shared fields bound by
 * bind_pledge, ?20 (the position, or the id) bound to param20. */
static enum store_status write_row(struct db *db, const char *sql, int64_t ann_id,
                                   const char *announced_on, const struct pledge_input *p,
                                   const char *now, int64_t param20)
{
    sqlite3_stmt *st = db_prepare(db, sql);
    if (!st)
        return STORE_ERROR;
    char *evidence = NULL;
    enum store_status status = bind_pledge(db, st, ann_id, announced_on, p, now, &evidence);
    if (status != STORE_OK) {
        db_done(st);
        return status;
    }
    sqlite3_bind_int64(st, 20, param20);
    step_done(st, &status);
    free(evidence);
    return status;
}

/* The position after the announcement's last pledge. */
static enum store_status next_position(struct db *db, int64_t ann_id, int *position)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT coalesce(max(position), -1) + 1 FROM pledges"
                                      " WHERE announcement_id = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, ann_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *position = sqlite3_column_int(st, 0);
    db_done(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_status(rc);
}

/* The date precision of announcement ?1, which a pledge keeps beside its
 * announced_on (0014; a trigger carries later changes). 'day' only when
 * there is no such announcement, which the foreign key then refuses. */
#define PRECISION_OF_1                                                                     \
    "coalesce((SELECT announced_on_precision FROM announcements WHERE id = ?1), 'day')"

enum store_status sq_pledge_insert(struct db *db, int64_t ann_id, int position,
                                      const char *announced_on, const struct pledge_input *p,
                                      const char *now, int64_t *id)
{
    enum store_status status = position < 0 ? next_position(db, ann_id, &position) : STORE_OK;
    if (status != STORE_OK)
        return status;
    status = write_row(db,
        "INSERT INTO pledges (announcement_id, company_id, kind, status, description, country,"
        " amount_currency, amount_minor, people, starts_on, ends_on, duration_months, evidence,"
        " announced_on, amount_usd_minor, usd_rate, usd_rate_date, usd_error, created_at,"
        " updated_at, position, amount_qualifier, people_qualifier, usd_rate_source,"
        " created_by, updated_by, id, announced_on_precision)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
        " ?18, ?19, ?19, ?20, ?21, ?22, ?23, ?24, ?24, nullif(?25, 0), " PRECISION_OF_1 ")",
        ann_id, announced_on, p, now, position);
    if (status != STORE_OK)
        return status;
    *id = sqlite3_last_insert_rowid(db_handle(db));
    return sq_fts_mark(db, FTS_PLEDGES, *id, true);
}

enum store_status sq_pledge_update(struct db *db, int64_t id, const char *announced_on,
                                      const struct pledge_input *p, const char *now)
{
    enum store_status status = write_row(db,
        "UPDATE pledges SET announcement_id = ?1, company_id = ?2, kind = ?3, status = ?4,"
        " description = ?5, country = ?6, amount_currency = ?7, amount_minor = ?8, people = ?9,"
        " starts_on = ?10, ends_on = ?11, duration_months = ?12, evidence = ?13,"
        " announced_on = ?14, amount_usd_minor = ?15, usd_rate = ?16, usd_rate_date = ?17,"
        " usd_error = ?18, updated_at = ?19, amount_qualifier = ?21, people_qualifier = ?22,"
        " usd_rate_source = ?23, version = version + 1, updated_by = ?24,"
        " announced_on_precision = " PRECISION_OF_1 " WHERE id = ?20",
        p->announcement_id, announced_on, p, now, id);
    return status == STORE_OK ? sq_fts_mark(db, FTS_PLEDGES, id, false) : status;
}

enum store_status sq_pledge_delete(struct db *db, int64_t id)
{
    enum store_status status =
        sq_tombstones(db, SQ_TOMBSTONE("pledge", "NULL", "pledges", "id"), id);
    if (status != STORE_OK)
        return status;
    sqlite3_stmt *st = db_prepare(db, "DELETE FROM pledges WHERE id = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    return step_done(st, &status) ? sq_fts_mark(db, FTS_PLEDGES, id, false) : status;
}

/* ---- the list ---- */

struct list_ctx {
    store_pledge_fn *fn;
    void *fn_ctx;
};

static enum store_status list_row(void *ctx, struct db *db, sqlite3_stmt *st)
{
    (void)db;
    struct list_ctx *l = ctx;
    struct store_pledge p;
    enum store_status status = sq_read_pledge(st, &p);
    if (status != STORE_OK)
        return status;
    bool ok = l->fn(l->fn_ctx, &p);
    store_pledge_free(&p);
    return ok ? STORE_OK : STORE_ERROR;
}

void sq_pledge_list_sql(const struct sq_filter *sf, const struct page *pg, struct buf *sql)
{
    buf_puts(sql, "SELECT " PLEDGE_COLS);
    sq_page_select_keys(pg, &pledge_list, sql);
    sq_filter_pledges_from(sf, true, false, sql);
    sq_page_where_after(pg, &pledge_list, sql);
    sq_page_order_limit(pg, &pledge_list, sql);
}

enum store_status sq_pledge_list(struct db *db, const struct record_filter *f,
                                    const struct page *pg, store_pledge_fn *fn, void *ctx,
                                    struct page_end *end)
{
    struct sq_filter sf;
    enum store_status status = sq_filter_init(db, f, &sf);
    struct buf sql, count;
    buf_init(&sql, 8192);
    buf_init(&count, 8192);
    if (status == STORE_OK) {
        sq_pledge_list_sql(&sf, pg, &sql);
        buf_puts(&count, "SELECT count(*)");
        sq_filter_pledges_from(&sf, false, true, &count);
        struct list_ctx l = {fn, ctx};
        status = sq_page_run(db, pg, buf_str(&sql), buf_str(&count), sq_filter_bind, &sf,
                             list_row, &l, PLEDGE_NCOLS, end);
    } else {
        end->next_after = NULL;
        end->total = -1;
    }
    buf_free(&sql);
    buf_free(&count);
    sq_filter_free(&sf);
    return status;
}
