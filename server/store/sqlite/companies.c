/* companies — companies in SQLite (see store.h): read with their counts and
 * totals, inserted, rewritten, deleted and listed by keyset pages. The only
 * code that knows the companies table. */
#include "store.h"

#include "db.h"
#include "engine.h"
#include "jsonx.h"
#include "keyset.h"
#include "like.h"
#include "revisions.h"
#include "sq.h"

#include <stdlib.h>
#include <string.h>

#define COMPANY_COLS \
    "c.slug, c.name, c.country, c.website, c.aliases, c.created_at, c.updated_at, c.id,"   \
    " c.version, c.created_by, c.updated_by"
#define COMPANY_NCOLS 11

const struct sort_field store_company_sorts[] = {
    {"slug", SORT_TEXT},
    {"name", SORT_TEXT},
    {"created_at", SORT_TEXT},
    {"updated_at", SORT_TEXT},
    {NULL, SORT_TEXT},
};

static const struct sq_sort_column company_columns[] = {
    {"slug", "c.slug"},
    {"name", "c.name"},
    {"created_at", "c.created_at"},
    {"updated_at", "c.updated_at"},
    {NULL, NULL},
};
static const struct sq_columns company_list = {company_columns, "c.id"};

void store_company_free(struct store_company *c)
{
    free(c->name);
    free(c->website);
    free(c->aliases);
    c->name = c->website = c->aliases = NULL;
}

/* Counts and sums the company's own pledges (joint ones are not split) and
 * its announcements into c. */
static enum store_status read_totals(struct db *db, struct store_company *c)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT amount_usd_minor, kind FROM pledges"
                                      " WHERE company_id = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, c->id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        c->pledge_count++;
        usd_totals_add(&c->totals, (const char *)sqlite3_column_text(st, 1),
                       sqlite3_column_int64(st, 0));
    }
    db_done(st);
    if (rc != SQLITE_DONE)
        return sq_status(rc);
    st = db_prepare(db, "SELECT count(*) FROM announcement_companies WHERE company_id = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, c->id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        c->announcement_count = sqlite3_column_int64(st, 0);
    db_done(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_status(rc);
}

/* The company on the row st is on (COMPANY_COLS), with its totals. */
static enum store_status read_company(struct db *db, sqlite3_stmt *st, struct store_company *c)
{
    memset(c, 0, sizeof *c);
    sq_copy_text(c->slug, sizeof c->slug, sqlite3_column_text(st, 0));
    sq_copy_text(c->country, sizeof c->country, sqlite3_column_text(st, 2));
    sq_copy_text(c->created_at, sizeof c->created_at, sqlite3_column_text(st, 5));
    sq_copy_text(c->updated_at, sizeof c->updated_at, sqlite3_column_text(st, 6));
    c->id = sqlite3_column_int64(st, 7);
    sq_read_stamp(st, 8, &c->stamp);
    enum store_status status = STORE_ERROR;
    if (sq_dup_text(st, 1, &c->name) && sq_dup_text(st, 3, &c->website) &&
        sq_dup_text(st, 4, &c->aliases))
        status = read_totals(db, c);
    if (status != STORE_OK)
        store_company_free(c);
    return status;
}

/* The one company a bound statement finds, or STORE_NOT_FOUND; hands the
 * statement back. */
static enum store_status one_company(struct db *db, sqlite3_stmt *st, struct store_company *out)
{
    int rc = sqlite3_step(st);
    enum store_status status = rc == SQLITE_ROW    ? read_company(db, st, out)
                               : rc == SQLITE_DONE ? STORE_NOT_FOUND
                                                   : sq_status(rc);
    db_done(st);
    return status;
}

enum store_status sq_company_get(struct db *db, const char *slug, struct store_company *out)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT " COMPANY_COLS " FROM companies c WHERE c.slug = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    return one_company(db, st, out);
}

enum store_status sq_company_get_id(struct db *db, int64_t id, struct store_company *out)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT " COMPANY_COLS " FROM companies c WHERE c.id = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    return one_company(db, st, out);
}

enum store_status sq_company_insert(struct db *db, const struct company_input *in,
                                       const char *now)
{
    char *aliases = in->aliases ? jsonx_dump(in->aliases, NULL) : NULL;
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO companies (slug, name, country, website,"
                                      " aliases, created_at, updated_at, created_by,"
                                      " updated_by, id)"
                                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, nullif(?9, 0))");
    enum store_status status = STORE_ERROR;
    if (!st || (in->aliases && !aliases))
        goto out;
    sqlite3_bind_text(st, 1, in->slug, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, in->name, -1, SQLITE_STATIC);
    sq_bind_text_or_null(st, 3, in->country);
    sq_bind_text_or_null(st, 4, in->website);
    sqlite3_bind_text(st, 5, aliases ? aliases : "[]", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
    sq_bind_text_or_null(st, 8, db_actor_by(db));
    sqlite3_bind_int64(st, 9, in->id);
    int rc = sqlite3_step(st);
    status = rc == SQLITE_DONE ? STORE_OK : sq_status(rc);
out:
    db_done(st);
    free(aliases);
    return status;
}

enum store_status sq_company_update(struct db *db, int64_t id,
                                       const struct store_company_fields *f, const char *now)
{
    sqlite3_stmt *st = db_prepare(
        db, "UPDATE companies SET slug = :slug, name = :name, country = :country,"
            " website = :website, aliases = :aliases, updated_at = :now,"
            " version = version + 1, updated_by = :by"
            " WHERE id = :id AND (slug IS NOT :slug OR name COLLATE BINARY IS NOT :name"
            " OR country IS NOT :country OR website IS NOT :website OR aliases IS NOT :aliases)");
    if (!st)
        return STORE_ERROR;
    sq_bind_named(st, ":slug", f->slug);
    sq_bind_named(st, ":name", f->name);
    sq_bind_named(st, ":country", f->country);
    sq_bind_named(st, ":website", f->website);
    sq_bind_named(st, ":aliases", f->aliases);
    sq_bind_named(st, ":now", now);
    sq_bind_named(st, ":by", db_actor_by(db));
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":id"), id);
    return sq_run(st);
}

enum store_status sq_company_delete(struct db *db, int64_t id)
{
    enum store_status status =
        sq_tombstones(db, SQ_TOMBSTONE("company", "slug", "companies", "id"), id);
    if (status != STORE_OK)
        return status;
    sqlite3_stmt *st = db_prepare(db, "DELETE FROM companies WHERE id = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    return sq_run(st);
}

/* ---- the list ---- */

struct list_ctx {
    const struct store_company_filter *filter;
    char *pattern;             /* owned LIKE pattern for q, or NULL */
    store_company_fn *fn;
    void *fn_ctx;
};

static void list_bind(const void *ctx, sqlite3_stmt *st)
{
    const struct list_ctx *l = ctx;
    if (l->filter->country)
        sq_bind_named(st, ":country", l->filter->country);
    if (l->pattern)
        sq_bind_named(st, ":q", l->pattern);
}

static enum store_status list_row(void *ctx, struct db *db, sqlite3_stmt *st)
{
    struct list_ctx *l = ctx;
    struct store_company c;
    enum store_status status = read_company(db, st, &c);
    if (status != STORE_OK)
        return status;
    bool ok = l->fn(l->fn_ctx, &c);
    store_company_free(&c);
    return ok ? STORE_OK : STORE_ERROR;
}

static const char filter_q[] =
    " AND (c.name LIKE :q ESCAPE '\\' OR EXISTS (SELECT 1 FROM json_each(c.aliases) a"
    " WHERE a.value LIKE :q ESCAPE '\\'))";

enum store_status sq_company_list(struct db *db, const struct store_company_filter *f,
                                     const struct page *pg, store_company_fn *fn, void *ctx,
                                     struct page_end *end)
{
    struct list_ctx l = {f, f->q ? like_pattern(f->q) : NULL, fn, ctx};
    struct buf where, sql, count;
    buf_init(&where, 4096);
    buf_init(&sql, 8192);
    buf_init(&count, 8192);
    if (f->country)
        buf_puts(&where, " AND c.country = :country");
    if (f->q)
        buf_puts(&where, filter_q);
    buf_puts(&sql, "SELECT " COMPANY_COLS);
    sq_page_select_keys(pg, &company_list, &sql);
    buf_printf(&sql, " FROM companies c WHERE 1=1%s", buf_str(&where));
    sq_page_where_after(pg, &company_list, &sql);
    sq_page_order_limit(pg, &company_list, &sql);
    buf_printf(&count, "SELECT count(*) FROM companies c WHERE 1=1%s", buf_str(&where));
    enum store_status status =
        (f->q && !l.pattern)
            ? STORE_ERROR
            : sq_page_run(db, pg, buf_str(&sql), buf_str(&count), list_bind, &l, list_row, &l,
                          COMPANY_NCOLS, end);
    free(l.pattern);
    buf_free(&where);
    buf_free(&sql);
    buf_free(&count);
    return status;
}
