/* h_companies — /v1/companies: list, create, read, merge-patch, delete.
 *
 * Reads use the calling thread's read connection; writes take the writer,
 * run in one BEGIN IMMEDIATE transaction and answer with the stored
 * representation, read back inside that transaction. */
#include "api.h"
#include "company_input.h"
#include "csv.h"
#include "db.h"
#include "handlers.h"
#include "iso3166.h"
#include "jsonx.h"
#include "page.h"
#include "records.h"
#include "respond.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

#define COMPANY_COLS \
    "c.slug, c.name, c.country, c.website, c.aliases, c.created_at, c.updated_at, c.id"
#define COMPANY_NCOLS 8

static const struct sort_field company_sorts[] = {
    {"slug", "c.slug", SORT_TEXT},
    {"name", "c.name", SORT_TEXT},
    {"created_at", "c.created_at", SORT_TEXT},
    {"updated_at", "c.updated_at", SORT_TEXT},
    {NULL, NULL, SORT_TEXT},
};

static json_t *text_or_null(sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    return s ? json_string((const char *)s) : json_null();
}

/* Adds pledge_count, announcement_count, total_usd (committed money) and
 * targets_usd (the company's own pledges; joint ones are not split) to c.
 * False on a database error. */
static bool company_totals(struct db *db, int64_t id, json_t *c)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT amount_usd_minor, kind FROM pledges"
                                      " WHERE company_id = ?");
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, id);
    struct usd_totals totals = {0};
    int64_t count = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        count++;
        usd_totals_add(&totals, (const char *)sqlite3_column_text(st, 1),
                       sqlite3_column_int64(st, 0));
    }
    db_done(st);
    if (rc != SQLITE_DONE)
        return false;
    st = db_prepare(db, "SELECT count(*) FROM announcement_companies WHERE company_id = ?");
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, id);
    int64_t announcements = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    db_done(st);
    if (announcements < 0)
        return false;
    json_object_set_new(c, "pledge_count", json_integer(count));
    json_object_set_new(c, "announcement_count", json_integer(announcements));
    json_object_set_new(c, "total_usd", usd_json(totals.committed));
    json_object_set_new(c, "targets_usd", usd_json(totals.targets));
    return true;
}

/* The representation of the row `st` is on (columns COMPANY_COLS). New ref,
 * NULL on a database error. */
static json_t *company_json(struct db *db, sqlite3_stmt *st)
{
    json_t *aliases = json_loads((const char *)sqlite3_column_text(st, 4), 0, NULL);
    json_t *c = json_object();
    json_object_set_new(c, "slug", text_or_null(st, 0));
    json_object_set_new(c, "name", text_or_null(st, 1));
    json_object_set_new(c, "country", text_or_null(st, 2));
    json_object_set_new(c, "website", text_or_null(st, 3));
    json_object_set_new(c, "aliases", json_is_array(aliases) ? aliases : json_array());
    if (!json_is_array(aliases))
        json_decref(aliases);
    if (!company_totals(db, sqlite3_column_int64(st, 7), c)) {
        json_decref(c);
        return NULL;
    }
    json_object_set_new(c, "created_at", text_or_null(st, 5));
    json_object_set_new(c, "updated_at", text_or_null(st, 6));
    return c;
}

/* Loads one company. Returns 1 and sets *out (new ref) and *id when found,
 * 0 when not, -1 on a database error. */
static int company_load(struct db *db, const char *slug, json_t **out, int64_t *id)
{
    sqlite3_stmt *st =
        db_prepare(db, "SELECT " COMPANY_COLS " FROM companies c WHERE c.slug = ?");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        *out = company_json(db, st);
        if (id)
            *id = sqlite3_column_int64(st, 7);
        found = *out ? 1 : -1;
    } else if (rc != SQLITE_DONE) {
        found = -1;
    }
    db_done(st);
    return found;
}

static void respond_no_company(struct response *rs, const char *slug)
{
    respond_problem(rs, 404, "not-found", "Not found", "no company has the slug '%.80s'", slug);
}

void h_company_get(const struct request *rq, struct response *rs)
{
    const char *slug = rq->params[0];
    if (!api_query_check(rq, rs, (const char *const[]){NULL}))
        return;
    if (!slug_is_valid(slug)) {
        respond_no_company(rs, slug);
        return;
    }
    struct db *db = db_reader();
    json_t *company = NULL;
    int found = db ? company_load(db, slug, &company, NULL) : -1;
    if (found < 0)
        respond_internal(rq, rs, "company read failed");
    else if (found == 0)
        respond_no_company(rs, slug);
    else
        respond_json_get(rq, rs, company);
}

/* Escapes LIKE wildcards so q matches literally, and wraps it in '%'. */
static char *like_pattern(const char *q)
{
    struct buf b;
    buf_init(&b, 1024);
    buf_putc(&b, '%');
    for (const char *p = q; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            buf_putc(&b, '\\');
        buf_putc(&b, *p);
    }
    buf_putc(&b, '%');
    return buf_detach(&b, NULL);
}

/* The values of the company list's filters, bound by name. */
struct company_filter {
    const char *country; /* NULL: no filter */
    char *pattern;       /* owned LIKE pattern for q, or NULL */
};

static void company_bind(const void *ctx, sqlite3_stmt *st)
{
    const struct company_filter *f = ctx;
    if (f->country)
        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":country"), f->country, -1,
                          SQLITE_STATIC);
    if (f->pattern)
        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":q"), f->pattern, -1,
                          SQLITE_STATIC);
}

static const char company_filter_q[] =
    " AND (c.name LIKE :q ESCAPE '\\' OR EXISTS (SELECT 1 FROM json_each(c.aliases) a"
    " WHERE a.value LIKE :q ESCAPE '\\'))";

void h_companies_list(const struct request *rq, struct response *rs)
{
    static const char *const allowed[] = {"q", "country", "sort", "limit", "cursor", "count",
                                          "format", NULL};
    static const char *const columns[] = {"slug", "name", "country", "website", "aliases",
                                          "created_at", "updated_at", NULL};
    if (!api_query_check(rq, rs, allowed))
        return;
    int csv = csv_wanted(rq, rs);
    if (csv < 0)
        return;
    const char *q = api_query(rq, "q"), *country = api_query(rq, "country");
    const struct country *ctry = NULL;
    if (country && !(ctry = country_find(country))) {
        respond_bad_param(rs, "country", "must be an ISO 3166-1 alpha-2 code such as JP");
        return;
    }
    if (q && text_check(q, 200, false)) {
        respond_bad_param(rs, "q", "must be 1 to 200 characters of text");
        return;
    }
    struct page pg;
    if (!page_parse(rq, rs, company_sorts, "slug", "c.id", &pg)) {
        page_free(&pg);
        return;
    }
    struct buf filter, sql, count;
    buf_init(&filter, 4096);
    buf_init(&sql, 8192);
    buf_init(&count, 8192);
    struct company_filter cf = {ctry ? ctry->code : NULL, q ? like_pattern(q) : NULL};
    if (ctry)
        buf_puts(&filter, " AND c.country = :country");
    if (q)
        buf_puts(&filter, company_filter_q);
    buf_puts(&sql, "SELECT " COMPANY_COLS);
    page_select_keys(&pg, &sql);
    buf_printf(&sql, " FROM companies c WHERE 1=1%s", buf_str(&filter));
    page_where_after(&pg, &sql);
    page_order_limit(&pg, &sql);
    buf_printf(&count, "SELECT count(*) FROM companies c WHERE 1=1%s", buf_str(&filter));
    json_t *data = json_array();
    char *next = NULL;
    int64_t total = -1;
    bool ok = page_run(db_reader(), &pg, buf_str(&sql), buf_str(&count), company_bind, &cf,
                  company_json, COMPANY_NCOLS, data, &next, &total);
    page_answer(rq, rs, ok, csv, data, columns, next, total, "company list failed");
    free(cf.pattern);
    buf_free(&filter);
    buf_free(&sql);
    buf_free(&count);
    page_free(&pg);
}

/* Answers 409 for a slug that is taken. */
static void respond_slug_taken(struct response *rs, const char *slug)
{
    respond_problem(rs, 409, "conflict", "Conflict",
                    "a company with the slug '%s' exists already: /v1/companies/%s", slug, slug);
}

void h_companies_create(const struct request *rq, struct response *rs)
{
    if (!api_require_token(rq, rs))
        return;
    if (!api_query_check(rq, rs, (const char *const[]){NULL}))
        return;
    json_t *body = api_json_body(rq, rs, false);
    if (!body)
        return;
    json_t *errors = json_array();
    struct company_input in;
    company_input_parse(body, INPUT_CREATE, &in, errors);
    if (json_array_size(errors)) {
        respond_invalid(rs, "Invalid company", errors);
        errors = NULL;
        goto done;
    }
    char now[21];
    db_now(now);
    struct db *db = db_writer_lock();
    json_t *company = NULL;
    bool replay_failed = false;
    if (!db_begin(db))
        goto db_fail;
    if (api_idempotent_replay(rq, rs, db, &replay_failed)) {
        db_rollback(db);
        db_writer_unlock();
        goto done;
    }
    int r = company_insert(db, &in, now);
    if (r == 0) {
        db_rollback(db);
        db_writer_unlock();
        respond_slug_taken(rs, in.slug);
        goto done;
    }
    if (r < 0 || company_load(db, in.slug, &company, NULL) != 1)
        goto db_fail;
    respond_json(rs, 201, company);
    company = NULL;
    respond_etag(rs);
    respond_header(rs, "Location", "/v1/companies/%s", in.slug);
    if (!api_idempotent_store(rq, rs, db) || !db_commit(db))
        goto db_fail;
    db_writer_unlock();
    goto done;
db_fail:
    db_rollback(db);
    db_writer_unlock();
    json_decref(company);
    response_free(rs);
    respond_internal(rq, rs, "company insert failed");
done:
    json_decref(errors);
    company_input_free(&in);
    json_decref(body);
}

/* The patched value of a text column: the input's when given, else the
 * current representation's (NULL for JSON null). */
static const char *current_text(const json_t *current, const char *field)
{
    return json_string_value(json_object_get(current, field));
}

void h_company_patch(const struct request *rq, struct response *rs)
{
    const char *slug = rq->params[0];
    if (!api_require_token(rq, rs))
        return;
    if (!api_query_check(rq, rs, (const char *const[]){NULL}))
        return;
    json_t *body = api_json_body(rq, rs, true);
    if (!body)
        return;
    json_t *errors = json_array(), *current = NULL, *updated = NULL;
    char *aliases = NULL;
    struct company_input in;
    company_input_parse(body, INPUT_PATCH, &in, errors);
    if (json_array_size(errors)) {
        respond_invalid(rs, "Invalid company", errors);
        errors = NULL;
        goto done;
    }
    if (!slug_is_valid(slug)) {
        respond_no_company(rs, slug);
        goto done;
    }
    struct db *db = db_writer_lock();
    int64_t id = 0;
    if (!db_begin(db))
        goto db_fail;
    int found = company_load(db, slug, &current, &id);
    if (found < 0)
        goto db_fail;
    if (found == 0) {
        db_rollback(db);
        db_writer_unlock();
        respond_no_company(rs, slug);
        goto done;
    }
    if (!api_check_if_match(rq, rs, current)) {
        db_rollback(db);
        db_writer_unlock();
        goto done;
    }
    const char *new_slug = in.has_slug ? in.slug : current_text(current, "slug");
    const char *name = in.has_name ? in.name : current_text(current, "name");
    const char *country = in.has_country ? (in.country[0] ? in.country : NULL)
                                         : current_text(current, "country");
    const char *website = in.has_website ? in.website : current_text(current, "website");
    aliases = jsonx_dump(in.has_aliases ? in.aliases : json_object_get(current, "aliases"), NULL);
    char now[21];
    db_now(now);
    sqlite3_stmt *st = db_prepare(
        db, "UPDATE companies SET slug = :slug, name = :name, country = :country,"
            " website = :website, aliases = :aliases, updated_at = :now"
            " WHERE id = :id AND (slug IS NOT :slug OR name COLLATE BINARY IS NOT :name"
            " OR country IS NOT :country OR website IS NOT :website OR aliases IS NOT :aliases)");
    if (!st || !aliases)
        goto db_fail;
    sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":slug"), new_slug, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":name"), name, -1, SQLITE_STATIC);
    if (country)
        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":country"), country, -1,
                          SQLITE_STATIC);
    if (website)
        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":website"), website, -1,
                          SQLITE_STATIC);
    sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":aliases"), aliases, -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":now"), now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":id"), id);
    int rc = sqlite3_step(st);
    db_done(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE) {
        db_rollback(db);
        db_writer_unlock();
        respond_slug_taken(rs, new_slug);
        goto done;
    }
    if (rc != SQLITE_DONE)
        goto db_fail;
    /* new_slug may point into `current`; read back before releasing it. */
    if (company_load(db, new_slug, &updated, NULL) != 1 || !db_commit(db))
        goto db_fail;
    db_writer_unlock();
    respond_json(rs, 200, updated);
    updated = NULL;
    respond_etag(rs);
    if (in.has_slug && strcmp(in.slug, slug) != 0)
        respond_header(rs, "Content-Location", "/v1/companies/%s", in.slug);
    goto done;
db_fail:
    db_rollback(db);
    db_writer_unlock();
    respond_internal(rq, rs, "company update failed");
done:
    free(aliases);
    json_decref(updated);
    json_decref(current);
    json_decref(errors);
    company_input_free(&in);
    json_decref(body);
}

void h_company_delete(const struct request *rq, struct response *rs)
{
    const char *slug = rq->params[0];
    if (!api_require_token(rq, rs))
        return;
    if (!api_query_check(rq, rs, (const char *const[]){NULL}))
        return;
    if (!slug_is_valid(slug)) {
        respond_no_company(rs, slug);
        return;
    }
    json_t *current = NULL;
    int64_t id = 0;
    struct db *db = db_writer_lock();
    if (!db_begin(db))
        goto db_fail;
    int found = company_load(db, slug, &current, &id);
    if (found < 0)
        goto db_fail;
    if (found == 0) {
        db_rollback(db);
        db_writer_unlock();
        respond_no_company(rs, slug);
        return;
    }
    if (!api_check_if_match(rq, rs, current)) {
        db_rollback(db);
        db_writer_unlock();
        json_decref(current);
        return;
    }
    int64_t pledges = json_integer_value(json_object_get(current, "pledge_count"));
    int64_t announcements = json_integer_value(json_object_get(current, "announcement_count"));
    if (pledges || announcements) {
        db_rollback(db);
        db_writer_unlock();
        json_decref(current);
        respond_problem(rs, 409, "conflict", "Conflict",
                        "company '%s' is named by %lld announcement%s and %lld pledge%s; "
                        "change or delete those first",
                        slug, (long long)announcements, announcements == 1 ? "" : "s",
                        (long long)pledges, pledges == 1 ? "" : "s");
        return;
    }
    sqlite3_stmt *st = db_prepare(db, "DELETE FROM companies WHERE id = ?");
    if (!st)
        goto db_fail;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    db_done(st);
    if (rc != SQLITE_DONE || !db_commit(db))
        goto db_fail;
    db_writer_unlock();
    json_decref(current);
    rs->status = 204;
    return;
db_fail:
    db_rollback(db);
    db_writer_unlock();
    json_decref(current);
    respond_internal(rq, rs, "company delete failed");
}
