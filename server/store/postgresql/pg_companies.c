/* pg_companies — companies in PostgreSQL (store.h's contract, as
 * store/sqlite/companies.c keeps it): read with their counts and totals,
 * inserted, rewritten, deleted with a tombstone, listed by keyset pages.
 * Names order and match without regard to ASCII case, slugs in byte order,
 * as SQLite's NOCASE and BINARY do, whatever the database's collation. */
#include "pg.h"
#include "pg_keyset.h"

#include "jsonx.h"
#include "like.h"

#include <stdlib.h>
#include <string.h>

#define COMPANY_COLS                                                                      \
    "c.slug, c.name, c.country, c.website, c.aliases::text, rfc3339(c.created_at),"       \
    " rfc3339(c.updated_at), c.id, c.version, c.created_by, c.updated_by"
#define COMPANY_NCOLS 11

static const struct pg_sort_column company_columns[] = {
    {"slug", "c.slug COLLATE \"C\"", "c.slug", ""},
    {"name", "lower(c.name COLLATE \"C\")", "lower(c.name COLLATE \"C\")", ""},
    {"created_at", "c.created_at", "rfc3339(c.created_at)", "::timestamptz"},
    {"updated_at", "c.updated_at", "rfc3339(c.updated_at)", "::timestamptz"},
    {NULL, NULL, NULL, NULL},
};
static const struct pg_columns company_list = {company_columns, "c.id"};

static char *dup_value(const PGresult *r, int row, int col, bool *ok)
{
    if (PQgetisnull(r, row, col))
        return NULL;
    char *s = strdup(PQgetvalue(r, row, col));
    if (!s)
        *ok = false;
    return s;
}

/* Counts and sums the company's own pledges (joint ones are not split) and
 * its announcements into c. */
static enum store_status read_totals(struct db *db, struct store_company *c)
{
    struct pg_params pp = {0};
    pg_param_int(&pp, c->id);
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT amount_usd_minor, kind FROM pledges"
                                    " WHERE company_id = $1", 1, pp.v, &st, NULL);
    for (int i = 0; r && i < PQntuples(r); i++) {
        c->pledge_count++;
        usd_totals_add(&c->totals, PQgetvalue(r, i, 1),
                       PQgetisnull(r, i, 0) ? 0 : strtoll(PQgetvalue(r, i, 0), NULL, 10));
    }
    PQclear(r);
    if (st != STORE_OK)
        return st;
    r = pg_run(pg_of(db), "SELECT count(*) FROM announcement_companies WHERE company_id = $1", 1,
               pp.v, &st, NULL);
    if (r)
        c->announcement_count = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return st;
}

/* The company on row `row` (COMPANY_COLS), with its totals. */
static enum store_status read_company(struct db *db, const PGresult *r, int row,
                                      struct store_company *c)
{
    memset(c, 0, sizeof *c);
    pg_copy(c->slug, sizeof c->slug, r, row, 0);
    pg_copy(c->country, sizeof c->country, r, row, 2);
    pg_copy(c->created_at, sizeof c->created_at, r, row, 5);
    pg_copy(c->updated_at, sizeof c->updated_at, r, row, 6);
    c->id = strtoll(PQgetvalue(r, row, 7), NULL, 10);
    c->stamp.version = strtoll(PQgetvalue(r, row, 8), NULL, 10);
    pg_copy(c->stamp.created_by, sizeof c->stamp.created_by, r, row, 9);
    pg_copy(c->stamp.updated_by, sizeof c->stamp.updated_by, r, row, 10);
    bool ok = true;
    c->name = dup_value(r, row, 1, &ok);
    c->website = dup_value(r, row, 3, &ok);
    c->aliases = dup_value(r, row, 4, &ok);
    enum store_status st = ok ? read_totals(db, c) : STORE_ERROR;
    if (st != STORE_OK)
        store_company_free(c);
    return st;
}

static enum store_status one_company(struct db *db, const char *where, const char *value,
                                     struct store_company *out)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT " COMPANY_COLS " FROM companies c WHERE %s", where);
    const char *const params[] = {value};
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), sql, 1, params, &st, NULL);
    if (r)
        st = PQntuples(r) == 1 ? read_company(db, r, 0, out) : STORE_NOT_FOUND;
    PQclear(r);
    return st;
}

enum store_status pg_company_get(struct db *db, const char *slug, struct store_company *out)
{
    return one_company(db, "c.slug = $1", slug, out);
}

enum store_status pg_company_get_id(struct db *db, int64_t id, struct store_company *out)
{
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)id);
    return one_company(db, "c.id = $1::bigint", text, out);
}

enum store_status pg_company_insert(struct db *db, const struct company_input *in,
                                    const char *now)
{
    struct pg_db *p = pg_of(db);
    char *aliases = in->aliases ? jsonx_dump(in->aliases, NULL) : NULL;
    if (in->aliases && !aliases)
        return STORE_ERROR;
    struct pg_params pp = {0};
    pg_param(&pp, in->slug);
    pg_param(&pp, in->name);
    pg_param_or_null(&pp, in->country);
    pg_param(&pp, in->website);
    pg_param(&pp, aliases ? aliases : "[]");
    pg_param(&pp, now);
    pg_param(&pp, p->by);
    /* A restore keeps its id, and the identity moves past it. */
    if (in->id)
        pg_param_int(&pp, in->id);
    enum store_status st;
    PGresult *r = pg_run(p, in->id ? "INSERT INTO companies (slug, name, country, website,"
                                     " aliases, created_at, updated_at, created_by, updated_by, id)"
                                     " VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $7, $8)"
                                   : "INSERT INTO companies (slug, name, country, website,"
                                     " aliases, created_at, updated_at, created_by, updated_by)"
                                     " VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $7)",
                         pp.n, pp.v, &st, NULL);
    PQclear(r);
    if (st == STORE_OK && in->id) {
        r = pg_run(p, "SELECT setval(pg_get_serial_sequence('companies', 'id'),"
                      " (SELECT max(id) FROM companies))", 0, NULL, &st, NULL);
        PQclear(r);
    }
    free(aliases);
    return st;
}

enum store_status pg_company_update(struct db *db, int64_t id,
                                    const struct store_company_fields *f, const char *now)
{
    struct pg_db *p = pg_of(db);
    struct pg_params pp = {0};
    pg_param(&pp, f->slug);
    pg_param(&pp, f->name);
    pg_param_or_null(&pp, f->country);
    pg_param(&pp, f->website);
    pg_param(&pp, f->aliases);
    pg_param(&pp, now);
    pg_param(&pp, p->by);
    pg_param_int(&pp, id);
    enum store_status st;
    PGresult *r = pg_run(p, "UPDATE companies SET slug = $1, name = $2, country = $3,"
                            " website = $4, aliases = $5::json, updated_at = $6,"
                            " version = version + 1, updated_by = $7"
                            " WHERE id = $8 AND (slug IS DISTINCT FROM $1"
                            " OR name IS DISTINCT FROM $2 OR country IS DISTINCT FROM $3"
                            " OR website IS DISTINCT FROM $4 OR aliases::text IS DISTINCT FROM $5)",
                         pp.n, pp.v, &st, NULL);
    PQclear(r);
    return st;
}

enum store_status pg_company_delete(struct db *db, int64_t id)
{
    return pg_delete_with_tombstones(db, "company", "slug", "companies", "id = $1", id);
}

/* ---- the list ---- */

struct list_ctx {
    store_company_fn *fn;
    void *fn_ctx;
};

static enum store_status list_row(void *ctx, struct db *db, const PGresult *r, int row)
{
    struct list_ctx *l = ctx;
    struct store_company c;
    enum store_status st = read_company(db, r, row, &c);
    if (st != STORE_OK)
        return st;
    bool ok = l->fn(l->fn_ctx, &c);
    store_company_free(&c);
    return ok ? STORE_OK : STORE_ERROR;
}

enum store_status pg_company_list(struct db *db, const struct store_company_filter *f,
                                  const struct page *pg, store_company_fn *fn, void *ctx,
                                  struct page_end *end)
{
    char *pattern = f->q ? like_pattern(f->q) : NULL;
    if (f->q && !pattern)
        return STORE_ERROR;
    struct pg_params pp = {0};
    struct buf where, count;
    buf_init(&where, 4096);
    buf_init(&count, 4096);
    buf_puts(&where, " FROM companies c WHERE true");
    if (f->country)
        buf_printf(&where, " AND c.country = $%d", pg_param(&pp, f->country));
    if (pattern) {
        /* ASCII case folded, as SQLite's LIKE does */
        int n = pg_param(&pp, pattern);
        buf_printf(&where, " AND (lower(c.name COLLATE \"C\") LIKE lower($%d COLLATE \"C\")"
                           " OR EXISTS (SELECT 1 FROM json_array_elements_text(c.aliases) a"
                           " WHERE lower(a COLLATE \"C\") LIKE lower($%d COLLATE \"C\")))", n, n);
    }
    buf_printf(&count, "SELECT count(*)%s", buf_str(&where));
    struct list_ctx l = {fn, ctx};
    enum store_status st = pg_page_run(db, pg, &company_list, "SELECT " COMPANY_COLS,
                                       buf_str(&where), buf_str(&count), &pp, list_row, &l,
                                       COMPANY_NCOLS, end);
    buf_free(&where);
    buf_free(&count);
    free(pattern);
    return st;
}
