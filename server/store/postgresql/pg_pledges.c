/* pg_pledges — pledges in PostgreSQL (store.h's contract, as
 * store/sqlite/pledges.c and usd.c keep it): read into structs, written
 * from validated input with their USD value at the rate in force
 * (usd_value.c), deleted with a tombstone, listed by keyset pages, and
 * their USD values brought in step with the rates. Their full-text vector
 * is a generated column. */
#include "pg_keyset.h"
#include "pg_records.h"

#include "jsonx.h"
#include "usd_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct pg_sort_column pledge_columns[] = {
    {"announced_on", "p.announced_on", "p.announced_on::text", "::date"},
    {"amount_usd", "coalesce(p.amount_usd_minor, -1)", "coalesce(p.amount_usd_minor, -1)",
     "::bigint"},
    {"people", "coalesce(p.people, 0)", "coalesce(p.people, 0)", "::bigint"},
    {"created_at", "p.created_at", "rfc3339(p.created_at)", "::timestamptz"},
    {"updated_at", "p.updated_at", "rfc3339(p.updated_at)", "::timestamptz"},
    {NULL, NULL, NULL, NULL},
};
static const struct pg_columns pledge_list = {pledge_columns, "p.id"};

static bool dup_at(const PGresult *r, int row, int col, char **out)
{
    *out = NULL;
    if (PQgetisnull(r, row, col))
        return true;
    return (*out = strdup(PQgetvalue(r, row, col))) != NULL;
}

enum store_status pg_read_pledge(const PGresult *r, int row, struct store_pledge *p)
{
    memset(p, 0, sizeof *p);
    p->id = pg_int(r, row, 0);
    p->announcement_id = pg_int(r, row, 1);
    pg_copy(p->company, sizeof p->company, r, row, 2);
    pg_copy(p->kind, sizeof p->kind, r, row, 3);
    pg_copy(p->country, sizeof p->country, r, row, 5);
    pg_copy(p->currency, sizeof p->currency, r, row, 6);
    p->amount_minor = pg_int(r, row, 7);
    p->usd_known = !PQgetisnull(r, row, 8);
    p->usd_cents = pg_int(r, row, 8);
    pg_copy(p->usd_rate, sizeof p->usd_rate, r, row, 9);
    pg_copy(p->usd_rate_date, sizeof p->usd_rate_date, r, row, 10);
    pg_copy(p->usd_error, sizeof p->usd_error, r, row, 11);
    p->has_people = !PQgetisnull(r, row, 12);
    p->people = pg_int(r, row, 12);
    pg_copy(p->starts_on, sizeof p->starts_on, r, row, 13);
    pg_copy(p->ends_on, sizeof p->ends_on, r, row, 14);
    p->has_duration = !PQgetisnull(r, row, 15);
    p->duration_months = pg_int(r, row, 15);
    pg_copy(p->status, sizeof p->status, r, row, 16);
    pg_copy(p->created_at, sizeof p->created_at, r, row, 18);
    pg_copy(p->updated_at, sizeof p->updated_at, r, row, 19);
    pg_copy(p->announced_on, sizeof p->announced_on, r, row, 20);
    pg_copy(p->amount_qualifier, sizeof p->amount_qualifier, r, row, 21);
    pg_copy(p->people_qualifier, sizeof p->people_qualifier, r, row, 22);
    pg_copy(p->precision, sizeof p->precision, r, row, 23);
    pg_copy(p->usd_rate_source, sizeof p->usd_rate_source, r, row, 24);
    p->stamp.version = pg_int(r, row, 25);
    pg_copy(p->stamp.created_by, sizeof p->stamp.created_by, r, row, 26);
    pg_copy(p->stamp.updated_by, sizeof p->stamp.updated_by, r, row, 27);
    if (dup_at(r, row, 4, &p->description) && dup_at(r, row, 17, &p->evidence))
        return STORE_OK;
    store_pledge_free(p);
    return STORE_ERROR;
}

enum store_status pg_pledge_get(struct db *db, int64_t id, struct store_pledge *out)
{
    struct pg_params pp = {0};
    pg_param_int(&pp, id);
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT " PG_PLEDGE_COLS " FROM pledges p LEFT JOIN"
                                    " companies c ON c.id = p.company_id WHERE p.id = $1",
                         pp.n, pp.v, &st, NULL);
    if (r)
        st = PQntuples(r) == 1 ? pg_read_pledge(r, 0, out) : STORE_NOT_FOUND;
    PQclear(r);
    return st;
}

enum store_status pg_pledge_context(struct db *db, int64_t announcement_id,
                                    struct store_pledge_context *out)
{
    memset(out, 0, sizeof *out);
    struct pg_params pp = {0};
    pg_param_int(&pp, announcement_id);
    enum store_status st;
    /* The date on every row, then its companies' slugs and its URLs in order. */
    PGresult *r = pg_run(
        pg_of(db),
        "SELECT a.announced_on::text, 0 AS part, ac.position, c.slug FROM announcements a"
        " LEFT JOIN announcement_companies ac ON ac.announcement_id = a.id"
        " LEFT JOIN companies c ON c.id = ac.company_id WHERE a.id = $1"
        " UNION ALL SELECT a.announced_on::text, 1, s.position, s.url FROM announcements a"
        " JOIN sources s ON s.announcement_id = a.id WHERE a.id = $1 ORDER BY 2, 3",
        pp.n, pp.v, &st, NULL);
    int rows = r ? PQntuples(r) : 0;
    if (r && rows == 0)
        st = STORE_NOT_FOUND;
    for (int i = 0; st == STORE_OK && i < rows; i++) {
        pg_copy(out->announced_on, sizeof out->announced_on, r, i, 0);
        if (PQgetisnull(r, i, 3))
            continue; /* an announcement without companies */
        if (strcmp(PQgetvalue(r, i, 1), "0") == 0 && out->n_companies < ANN_COMPANIES_MAX)
            pg_copy(out->companies[out->n_companies++], SLUG_MAX + 1, r, i, 3);
        else if (strcmp(PQgetvalue(r, i, 1), "1") == 0 && out->n_urls < ANN_SOURCES_MAX) {
            if (!(out->urls[out->n_urls] = strdup(PQgetvalue(r, i, 3))))
                st = STORE_ERROR;
            else
                out->n_urls++;
        }
    }
    PQclear(r);
    if (st != STORE_OK)
        store_pledge_context_free(out);
    return st;
}

/* ---- writing ---- */

/* The id of the pledge's company ("" for a joint pledge: NULL),
 * STORE_NOT_FOUND when unknown. */
static enum store_status company_of(struct db *db, const struct pledge_input *p,
                                    char id[24])
{
    id[0] = '\0';
    if (!p->company)
        return STORE_OK;
    int64_t found = 0;
    enum store_status st = store_company_ids(db, &p->company, 1, &found);
    if (st == STORE_OK && !found)
        return STORE_NOT_FOUND;
    snprintf(id, 24, "%lld", (long long)found);
    return st;
}

static int int_or_null(struct pg_params *pp, int64_t v)
{
    return v ? pg_param_int(pp, v) : pg_param(pp, NULL);
}

/* What insert and update share, $1 to $23 in this order. */
struct pledge_row {
    char company_id[24], amount[24];
    struct store_usd usd;
    char *evidence;
};

static enum store_status bind_pledge(struct db *db, struct pg_params *pp, int64_t ann_id,
                                     const char *announced_on, const struct pledge_input *p,
                                     const char *now, struct pledge_row *row)
{
    memset(row, 0, sizeof *row);
    enum store_status st = company_of(db, p, row->company_id);
    if (st == STORE_OK && p->currency)
        st = store_usd_value(db, p->currency, p->amount_minor, announced_on, &row->usd);
    if (st != STORE_OK)
        return st;
    if (!(row->evidence = jsonx_dump(p->evidence, NULL)))
        return STORE_ERROR;
    const struct store_usd *u = &row->usd;
    pg_param_int(pp, ann_id);                               /* $1 */
    pg_param_or_null(pp, row->company_id);
    pg_param(pp, p->kind);
    pg_param(pp, p->status);
    pg_param(pp, p->description);                           /* $5 */
    pg_param_or_null(pp, p->country);
    pg_param(pp, p->currency ? p->currency->code : NULL);
    snprintf(row->amount, sizeof row->amount, "%llu", (unsigned long long)p->amount_minor);
    pg_param(pp, p->currency ? row->amount : NULL);
    int_or_null(pp, p->people);
    pg_param_or_null(pp, p->starts_on);                     /* $10 */
    pg_param_or_null(pp, p->ends_on);
    int_or_null(pp, p->duration_months);
    pg_param(pp, row->evidence);
    pg_param(pp, announced_on);
    if (u->known)                                           /* $15 */
        pg_param_int(pp, u->cents);
    else
        pg_param(pp, NULL);
    pg_param(pp, u->known ? u->rate : NULL);
    pg_param(pp, u->known ? u->rate_date : NULL);
    pg_param(pp, !u->known && p->currency ? u->error : NULL);
    pg_param(pp, now);
    pg_param(pp, p->amount_qualifier);                      /* $20 */
    pg_param(pp, p->people_qualifier);
    pg_param(pp, u->known && u->rate_source[0] ? u->rate_source : NULL);
    pg_param(pp, pg_of(db)->by);                            /* $23 */
    return STORE_OK;
}

enum store_status pg_pledge_insert(struct db *db, int64_t ann_id, int position,
                                   const char *announced_on, const struct pledge_input *p,
                                   const char *now, int64_t *id)
{
    struct pg_params pp = {0};
    struct pledge_row row;
    enum store_status st = bind_pledge(db, &pp, ann_id, announced_on, p, now, &row);
    if (st == STORE_OK) {
        pg_param_int(&pp, position); /* $24: -1, after the last */
        int_or_null(&pp, p->id);     /* $25: a restore keeps its id */
        PGresult *r = pg_run(pg_of(db),
            "INSERT INTO pledges (announcement_id, company_id, kind, status, description,"
            " country, amount_currency, amount_minor, people, starts_on, ends_on,"
            " duration_months, evidence, announced_on, amount_usd_minor, usd_rate,"
            " usd_rate_date, usd_error, created_at, updated_at, amount_qualifier,"
            " people_qualifier, usd_rate_source, created_by, updated_by, position, id)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,"
            " $17, $18, $19, $19, $20, $21, $22, $23, $23, CASE WHEN $24::int >= 0 THEN $24"
            " ELSE (SELECT coalesce(max(position), -1) + 1 FROM pledges WHERE announcement_id"
            " = $1) END, coalesce($25, nextval(pg_get_serial_sequence('pledges', 'id'))))"
            " RETURNING id",
            pp.n, pp.v, &st, NULL);
        if (r)
            *id = pg_int(r, 0, 0);
        PQclear(r);
        if (st == STORE_OK && p->id) { /* the identity moves past a restored id */
            r = pg_run(pg_of(db), "SELECT setval(pg_get_serial_sequence('pledges', 'id'),"
                                  " greatest((SELECT max(id) FROM pledges), 1))",
                       0, NULL, &st, NULL);
            PQclear(r);
        }
    }
    free(row.evidence);
    return st;
}

enum store_status pg_pledge_update(struct db *db, int64_t id, const char *announced_on,
                                   const struct pledge_input *p, const char *now)
{
    struct pg_params pp = {0};
    struct pledge_row row;
    enum store_status st = bind_pledge(db, &pp, p->announcement_id, announced_on, p, now, &row);
    if (st == STORE_OK) {
        pg_param_int(&pp, id); /* $24 */
        PGresult *r = pg_run(pg_of(db),
            "UPDATE pledges SET announcement_id = $1, company_id = $2, kind = $3, status = $4,"
            " description = $5, country = $6, amount_currency = $7, amount_minor = $8,"
            " people = $9, starts_on = $10, ends_on = $11, duration_months = $12,"
            " evidence = $13, announced_on = $14, amount_usd_minor = $15, usd_rate = $16,"
            " usd_rate_date = $17, usd_error = $18, updated_at = $19, amount_qualifier = $20,"
            " people_qualifier = $21, usd_rate_source = $22, version = version + 1,"
            " updated_by = $23 WHERE id = $24",
            pp.n, pp.v, &st, NULL);
        PQclear(r);
    }
    free(row.evidence);
    return st;
}

/* Records the tombstones of the pledges `where` ($1) selects, then deletes
 * them. */
enum store_status pg_pledges_delete_where(struct db *db, const char *where, int64_t id)
{
    return pg_delete_with_tombstones(db, "pledge", "NULL", "pledges", where, id);
}

enum store_status pg_pledge_delete(struct db *db, int64_t id)
{
    return pg_pledges_delete_where(db, "id = $1", id);
}

/* ---- the list ---- */

struct list_ctx {
    store_pledge_fn *fn;
    void *fn_ctx;
};

static enum store_status list_row(void *ctx, struct db *db, const PGresult *r, int row)
{
    (void)db;
    struct list_ctx *l = ctx;
    struct store_pledge p;
    enum store_status st = pg_read_pledge(r, row, &p);
    if (st != STORE_OK)
        return st;
    bool ok = l->fn(l->fn_ctx, &p);
    store_pledge_free(&p);
    return ok ? STORE_OK : STORE_ERROR;
}

enum store_status pg_pledge_list(struct db *db, const struct record_filter *f,
                                 const struct page *pg, store_pledge_fn *fn, void *ctx,
                                 struct page_end *end)
{
    struct pg_params pp = {0};
    struct pg_filter pf;
    enum store_status st = pg_filter_init(db, f, &pp, &pf);
    end->next_after = NULL;
    end->total = -1;
    if (st == STORE_OK) {
        struct buf from, count;
        buf_init(&from, 4096);
        buf_init(&count, 4096);
        buf_printf(&from, " FROM pledges p LEFT JOIN companies c ON c.id = p.company_id"
                          " WHERE true%s", buf_str(&pf.where));
        buf_printf(&count, "SELECT count(*) FROM pledges p WHERE true%s", buf_str(&pf.where));
        struct list_ctx l = {fn, ctx};
        st = pg_page_run(db, pg, &pledge_list, "SELECT " PG_PLEDGE_COLS, buf_str(&from),
                         buf_str(&count), &pp, list_row, &l, PG_PLEDGE_NCOLS, end);
        buf_free(&from);
        buf_free(&count);
    }
    pg_filter_free(&pf);
    return st;
}

/* ---- USD values that follow the rates ---- */

/* Whether the stored USD columns of row i (see refresh) say the same as u. */
static bool same_usd(const PGresult *r, int i, const struct store_usd *u)
{
    if (!u->known)
        return PQgetisnull(r, i, 4) && strcmp(PQgetvalue(r, i, 7), u->error) == 0;
    return !PQgetisnull(r, i, 4) && pg_int(r, i, 4) == u->cents &&
           strcmp(PQgetvalue(r, i, 5), u->rate) == 0 &&
           strcmp(PQgetvalue(r, i, 6), u->rate_date) == 0 &&
           strcmp(PQgetvalue(r, i, 8), u->rate_source) == 0;
}

static enum store_status write_usd(struct db *db, const char *id, const struct store_usd *u,
                                   const char *now)
{
    struct pg_params pp = {0};
    if (u->known)
        pg_param_int(&pp, u->cents);
    else
        pg_param(&pp, NULL);
    pg_param(&pp, u->known ? u->rate : NULL);
    pg_param(&pp, u->known ? u->rate_date : NULL);
    pg_param(&pp, u->known ? NULL : u->error);
    pg_param(&pp, now);
    pg_param(&pp, u->known && u->rate_source[0] ? u->rate_source : NULL);
    pg_param(&pp, id);
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "UPDATE pledges SET amount_usd_minor = $1, usd_rate = $2,"
                                    " usd_rate_date = $3, usd_error = $4, updated_at = $5,"
                                    " usd_rate_source = $6 WHERE id = $7",
                         pp.n, pp.v, &st, NULL);
    PQclear(r);
    return st;
}

enum store_status pg_pledges_refresh_usd(struct db *db, const char *currency, const char *from,
                                         const char *to, int64_t ann_id)
{
    struct pg_params pp = {0};
    pg_param(&pp, currency);
    pg_param(&pp, from);
    pg_param(&pp, to);
    pg_param_int(&pp, ann_id);
    enum store_status st;
    PGresult *r = pg_run(pg_of(db),
        "SELECT id, amount_currency, amount_minor, announced_on::text, amount_usd_minor,"
        " usd_rate::text, usd_rate_date::text, usd_error, usd_rate_source FROM pledges"
        " WHERE amount_currency IS NOT NULL AND ($1::text IS NULL OR amount_currency = $1)"
        " AND ($2::date IS NULL OR announced_on >= $2) AND ($3::date IS NULL OR"
        " announced_on <= $3) AND ($4::bigint = 0 OR announcement_id = $4) ORDER BY id",
        pp.n, pp.v, &st, NULL);
    char now[21];
    store_now(now);
    for (int i = 0; st == STORE_OK && r && i < PQntuples(r); i++) {
        const struct currency *c = currency_find(PQgetvalue(r, i, 1));
        struct store_usd usd;
        st = c ? store_usd_value(db, c, (uint64_t)pg_int(r, i, 2), PQgetvalue(r, i, 3), &usd)
               : STORE_ERROR;
        if (st == STORE_OK && !same_usd(r, i, &usd))
            st = write_usd(db, PQgetvalue(r, i, 0), &usd, now);
    }
    PQclear(r);
    return st;
}
