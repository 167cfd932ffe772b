/* announcements — announcements in SQLite (see store.h): read with their
 * companies, countries, sources, totals and (when asked) pledges; written
 * whole from validated input with their full-text row; listed by keyset
 * pages. */
#include "store.h"

#include "db.h"
#include "engine.h"
#include "filters.h"
#include "fts_sync.h"
#include "keyset.h"
#include "records_sql.h"
#include "revisions.h"
#include "sq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANNOUNCEMENT_COLS                                                              \
    "a.id, a.title, a.announced_on, a.summary, a.created_at, a.updated_at,"           \
    " a.announced_on_precision, a.version, a.created_by, a.updated_by"
#define ANNOUNCEMENT_NCOLS 10

const struct sort_field store_announcement_sorts[] = {
    {"announced_on", SORT_TEXT},
    {"created_at", SORT_TEXT},
    {"updated_at", SORT_TEXT},
    {NULL, SORT_TEXT},
};

static const struct sq_sort_column announcement_columns[] = {
    {"announced_on", "a.announced_on"},
    {"created_at", "a.created_at"},
    {"updated_at", "a.updated_at"},
    {NULL, NULL},
};
static const struct sq_columns announcement_list = {announcement_columns, "a.id"};

static void text_at(sqlite3_stmt *st, int col, char *out, size_t len)
{
    sq_copy_text(out, len, sqlite3_column_text(st, col));
}

/* Steps a statement bound to one id, calling row for each of its rows. */
static enum store_status each_row(struct db *db, const char *sql, int64_t id,
                                  enum store_status (*row)(sqlite3_stmt *st, void *ctx),
                                  void *ctx)
{
    sqlite3_stmt *st = db_prepare(db, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    enum store_status status = STORE_OK;
    int rc;
    while (status == STORE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        status = row(st, ctx);
    if (status == STORE_OK && rc != SQLITE_DONE)
        status = sq_status(rc);
    db_done(st);
    return status;
}

static enum store_status company_row(sqlite3_stmt *st, void *ctx)
{
    struct store_announcement *a = ctx;
    if (a->n_companies < ANN_COMPANIES_MAX)
        text_at(st, 0, a->companies[a->n_companies++], SLUG_MAX + 1);
    return STORE_OK;
}

static enum store_status country_row(sqlite3_stmt *st, void *ctx)
{
    struct store_announcement *a = ctx;
    if (a->n_countries < ANN_COUNTRIES_MAX)
        text_at(st, 0, a->countries[a->n_countries++], 3);
    return STORE_OK;
}

static enum store_status source_row(sqlite3_stmt *st, void *ctx)
{
    struct store_announcement *a = ctx;
    if (a->n_sources == ANN_SOURCES_MAX)
        return STORE_OK;
    struct store_source *s = &a->sources[a->n_sources++];
    memset(s, 0, sizeof *s);
    text_at(st, 3, s->language, sizeof s->language);
    text_at(st, 4, s->published_on, sizeof s->published_on);
    return sq_dup_text(st, 0, &s->url) && sq_dup_text(st, 1, &s->publisher) &&
                   sq_dup_text(st, 2, &s->title)
               ? STORE_OK
               : STORE_ERROR;
}

static enum store_status total_row(sqlite3_stmt *st, void *ctx)
{
    struct store_announcement *a = ctx;
    a->pledge_count++;
    usd_totals_add(&a->totals, (const char *)sqlite3_column_text(st, 1),
                   sqlite3_column_int64(st, 0));
    return STORE_OK;
}

static enum store_status pledge_row(sqlite3_stmt *st, void *ctx)
{
    struct store_announcement *a = ctx;
    size_t n = a->n_pledges;
    if ((n & (n - 1)) == 0) { /* 0, 1, 2, 4, 8...: the capacity doubles at 8, 16, 32... */
        size_t cap = n < 4 ? 8 : n * 2;
        struct store_pledge *grown = n && n < 8 ? a->pledges
                                                : realloc(a->pledges, cap * sizeof *grown);
        if (!grown)
            return STORE_ERROR;
        a->pledges = grown;
    }
    struct store_pledge *p = &a->pledges[a->n_pledges];
    enum store_status status = sq_read_pledge(st, p);
    if (status != STORE_OK)
        return status;
    a->n_pledges++;
    usd_totals_add(&a->totals, p->kind, p->usd_known ? p->usd_cents : 0);
    return STORE_OK;
}

/* The announcement on the row st is on (ANNOUNCEMENT_COLS), with all it
 * holds. */
static enum store_status read_announcement(struct db *db, sqlite3_stmt *st, bool with_pledges,
                                           struct store_announcement *a)
{
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(st, 0);
    text_at(st, 2, a->announced_on, sizeof a->announced_on);
    text_at(st, 4, a->created_at, sizeof a->created_at);
    text_at(st, 5, a->updated_at, sizeof a->updated_at);
    text_at(st, 6, a->precision, sizeof a->precision);
    sq_read_stamp(st, 7, &a->stamp);
    enum store_status status = sq_dup_text(st, 1, &a->title) && sq_dup_text(st, 3, &a->summary)
                                   ? STORE_OK
                                   : STORE_ERROR;
    if (status == STORE_OK)
        status = each_row(db, "SELECT c.slug FROM announcement_companies ac JOIN companies c"
                              " ON c.id = ac.company_id WHERE ac.announcement_id = ?"
                              " ORDER BY ac.position",
                          a->id, company_row, a);
    if (status == STORE_OK)
        status = each_row(db, "SELECT country FROM announcement_countries"
                              " WHERE announcement_id = ? ORDER BY position",
                          a->id, country_row, a);
    if (status == STORE_OK)
        status = each_row(db, "SELECT url, publisher, title, language, published_on"
                              " FROM sources WHERE announcement_id = ? ORDER BY position",
                          a->id, source_row, a);
    if (status == STORE_OK && with_pledges) {
        status = each_row(db, "SELECT " PLEDGE_COLS " FROM pledges p LEFT JOIN companies c"
                              " ON c.id = p.company_id WHERE p.announcement_id = ?"
                              " ORDER BY p.position",
                          a->id, pledge_row, a);
        a->pledge_count = (int64_t)a->n_pledges;
    } else if (status == STORE_OK) {
        /* Just the kinds and USD amounts, for the totals. */
        status = each_row(db, "SELECT amount_usd_minor, kind FROM pledges"
                              " WHERE announcement_id = ?",
                          a->id, total_row, a);
    }
    if (status != STORE_OK)
        store_announcement_free(a);
    return status;
}

enum store_status sq_announcement_get(struct db *db, int64_t id, bool with_pledges,
                                         struct store_announcement *out)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT " ANNOUNCEMENT_COLS " FROM announcements a"
                                  " WHERE a.id = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    enum store_status status = rc == SQLITE_ROW    ? read_announcement(db, st, with_pledges, out)
                               : rc == SQLITE_DONE ? STORE_NOT_FOUND
                                                   : sq_status(rc);
    db_done(st);
    return status;
}

enum store_status sq_company_ids(struct db *db, const char *const slugs[], size_t n,
                                    int64_t ids[])
{
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *st = db_prepare(db, "SELECT id FROM companies WHERE slug = ?");
        if (!st)
            return STORE_ERROR;
        sqlite3_bind_text(st, 1, slugs[i], -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        ids[i] = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        db_done(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return sq_status(rc);
    }
    return STORE_OK;
}

enum store_status sq_source_owner(struct db *db, const char *url, int64_t except,
                                     int64_t *owner)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT announcement_id FROM sources WHERE url = ?"
                                      " AND announcement_id != ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, except);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *owner = sqlite3_column_int64(st, 0);
    db_done(st);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : sq_status(rc);
}

/* ---- writing ---- */

static enum store_status exec_id(struct db *db, const char *sql, int64_t id)
{
    sqlite3_stmt *st = db_prepare(db, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    return sq_run(st);
}

/* The announcement's own row: inserted when *id is 0 (setting it), else
 * rewritten with its companies, countries and sources removed. */
static enum store_status write_row(struct db *db, const struct announcement_input *a,
                                   const char *now, int64_t *id)
{
    sqlite3_stmt *st;
    enum store_status status = STORE_OK;
    if (*id == 0) {
        st = db_prepare(db, "INSERT INTO announcements (title, announced_on, summary, created_at,"
                            " updated_at, announced_on_precision, created_by, updated_by, id)"
                            " VALUES (?1, ?2, ?3, ?4, ?4, ?6, ?7, ?7, nullif(?8, 0))");
    } else {
        static const char *const clear[] = {
            "DELETE FROM announcement_companies WHERE announcement_id = ?",
            "DELETE FROM announcement_countries WHERE announcement_id = ?",
            "DELETE FROM sources WHERE announcement_id = ?"};
        for (size_t i = 0; i < 3 && status == STORE_OK; i++)
            status = exec_id(db, clear[i], *id);
        if (status != STORE_OK)
            return status;
        st = db_prepare(db, "UPDATE announcements SET title = ?1, announced_on = ?2, summary = ?3,"
                            " updated_at = ?4, announced_on_precision = ?6,"
                            " version = version + 1, updated_by = ?7 WHERE id = ?5");
    }
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, a->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->announced_on, -1, SQLITE_STATIC);
    sq_bind_text_or_null(st, 3, a->summary);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    if (*id)
        sqlite3_bind_int64(st, 5, *id);
    sqlite3_bind_text(st, 6, a->announced_on_precision ? a->announced_on_precision : "day", -1,
                      SQLITE_STATIC);
    sq_bind_text_or_null(st, 7, db_actor_by(db));
    if (*id == 0)
        sqlite3_bind_int64(st, 8, a->id);
    status = sq_run(st);
    if (status == STORE_OK && *id == 0)
        *id = sqlite3_last_insert_rowid(db_handle(db));
    return status;
}

/* Its companies (which must exist), countries and sources, in order. */
static enum store_status write_parts(struct db *db, const struct announcement_input *a,
                                     int64_t id)
{
    int64_t company_ids[ANN_COMPANIES_MAX];
    enum store_status status = store_company_ids(db, a->companies, a->n_companies, company_ids);
    for (size_t i = 0; status == STORE_OK && i < a->n_companies; i++) {
        sqlite3_stmt *st = db_prepare(db, "INSERT INTO announcement_companies (announcement_id,"
                                          " company_id, position) VALUES (?, ?, ?)");
        if (!st || !company_ids[i])
            return st ? STORE_NOT_FOUND : STORE_ERROR;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, company_ids[i]);
        sqlite3_bind_int(st, 3, (int)i);
        status = sq_run(st);
    }
    for (size_t i = 0; status == STORE_OK && i < a->n_countries; i++) {
        sqlite3_stmt *st = db_prepare(db, "INSERT INTO announcement_countries (announcement_id,"
                                          " country, position) VALUES (?, ?, ?)");
        if (!st)
            return STORE_ERROR;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, a->countries[i], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, (int)i);
        status = sq_run(st);
    }
    for (size_t i = 0; status == STORE_OK && i < a->n_sources; i++) {
        const struct source_input *s = &a->sources[i];
        sqlite3_stmt *st = db_prepare(db, "INSERT INTO sources (announcement_id, position, url,"
                                          " publisher, title, language, published_on)"
                                          " VALUES (?, ?, ?, ?, ?, ?, ?)");
        if (!st)
            return STORE_ERROR;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, (int)i);
        sqlite3_bind_text(st, 3, s->url, -1, SQLITE_STATIC);
        sq_bind_text_or_null(st, 4, s->publisher);
        sq_bind_text_or_null(st, 5, s->title);
        sq_bind_text_or_null(st, 6, s->language);
        sq_bind_text_or_null(st, 7, s->published_on);
        status = sq_run(st);
    }
    return status;
}

/* Pledges kept through a patch follow the announcement's date (a new
 * version of each whose date changes), and their USD values the rates of
 * that date. */
static enum store_status pledges_follow(struct db *db, const struct announcement_input *a,
                                        int64_t id, const char *now)
{
    sqlite3_stmt *st = db_prepare(db, "UPDATE pledges SET announced_on = ?1, updated_at = ?4,"
                                      " version = version + 1, updated_by = ?5"
                                      " WHERE announcement_id = ?2 AND announced_on != ?3");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, a->announced_on, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_text(st, 3, a->announced_on, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    sq_bind_text_or_null(st, 5, db_actor_by(db));
    enum store_status status = sq_run(st);
    return status == STORE_OK ? store_pledges_refresh_usd(db, NULL, NULL, NULL, id) : status;
}

static enum store_status mark_pledge(sqlite3_stmt *st, void *db)
{
    return sq_fts_mark(db, FTS_PLEDGES, sqlite3_column_int64(st, 0), false);
}

/* Deletes the announcement's pledges, marking their full-text entries and
 * recording their tombstones. */
static enum store_status delete_pledges(struct db *db, int64_t id)
{
    enum store_status status =
        each_row(db, "SELECT id FROM pledges WHERE announcement_id = ?", id, mark_pledge, db);
    if (status == STORE_OK)
        status = sq_tombstones(
            db, SQ_TOMBSTONE("pledge", "NULL", "pledges", "announcement_id"), id);
    return status == STORE_OK ? exec_id(db, "DELETE FROM pledges WHERE announcement_id = ?", id)
                              : status;
}

enum store_status sq_announcement_write(struct db *db, const struct announcement_input *a,
                                           bool replace_pledges, const char *now, int64_t *id)
{
    bool insert = *id == 0;
    enum store_status status = write_row(db, a, now, id);
    if (status == STORE_OK)
        status = write_parts(db, a, *id);
    if (status == STORE_OK)
        status = sq_fts_mark(db, FTS_ANNOUNCEMENTS, *id, insert);
    if (status == STORE_OK && !insert && !replace_pledges)
        return pledges_follow(db, a, *id, now);
    if (status == STORE_OK && !insert)
        status = delete_pledges(db, *id);
    for (size_t i = 0; status == STORE_OK && i < a->n_pledges; i++) {
        int64_t pid;
        status = store_pledge_insert(db, *id, (int)i, a->announced_on, &a->pledges[i], now, &pid);
    }
    return status;
}

enum store_status sq_announcement_delete(struct db *db, int64_t id)
{
    enum store_status status = delete_pledges(db, id);
    if (status == STORE_OK)
        status = sq_fts_mark(db, FTS_ANNOUNCEMENTS, id, false);
    if (status == STORE_OK)
        status = sq_tombstones(
            db, SQ_TOMBSTONE("announcement", "NULL", "announcements", "id"), id);
    return status == STORE_OK ? exec_id(db, "DELETE FROM announcements WHERE id = ?", id) : status;
}

enum store_status sq_announcement_ids(struct db *db, bool (*fn)(void *ctx, int64_t id),
                                         void *ctx)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT id FROM announcements ORDER BY id");
    return st ? sq_each_id(st, fn, ctx) : STORE_ERROR;
}

/* ---- the list ---- */

struct list_ctx {
    store_announcement_fn *fn;
    void *fn_ctx;
};

static enum store_status list_row(void *ctx, struct db *db, sqlite3_stmt *st)
{
    struct list_ctx *l = ctx;
    struct store_announcement a;
    enum store_status status = read_announcement(db, st, false, &a);
    if (status != STORE_OK)
        return status;
    bool ok = l->fn(l->fn_ctx, &a);
    store_announcement_free(&a);
    return ok ? STORE_OK : STORE_ERROR;
}

void sq_announcement_list_sql(const struct sq_filter *sf, const struct page *pg,
                              struct buf *sql)
{
    buf_puts(sql, "SELECT " ANNOUNCEMENT_COLS);
    sq_page_select_keys(pg, &announcement_list, sql);
    buf_printf(sql, " FROM announcements a WHERE 1=1%s", buf_str(&sf->where));
    sq_page_where_after(pg, &announcement_list, sql);
    sq_page_order_limit(pg, &announcement_list, sql);
}

enum store_status sq_announcement_list(struct db *db, const struct record_filter *f,
                                          const struct page *pg, store_announcement_fn *fn,
                                          void *ctx, struct page_end *end)
{
    struct sq_filter sf;
    enum store_status status = sq_filter_init(db, f, &sf);
    struct buf sql, count;
    buf_init(&sql, 8192);
    buf_init(&count, 8192);
    end->next_after = NULL;
    end->total = -1;
    if (status == STORE_OK) {
        sq_announcement_list_sql(&sf, pg, &sql);
        buf_printf(&count, "SELECT count(*) FROM announcements a WHERE 1=1%s",
                   buf_str(&sf.where));
        struct list_ctx l = {fn, ctx};
        status = sq_page_run(db, pg, buf_str(&sql), buf_str(&count), sq_filter_bind, &sf,
                             list_row, &l, ANNOUNCEMENT_NCOLS, end);
    }
    buf_free(&sql);
    buf_free(&count);
    sq_filter_free(&sf);
    return status;
}
