/* pg_announcements — announcements in PostgreSQL (store.h's contract, as
 * store/sqlite/announcements.c keeps it): read with their companies,
 * countries, sources and totals in one statement (and their pledges in a
 * second, when asked), written whole from validated input with their
 * full-text vector, deleted with their pledges' and their own tombstones,
 * listed by keyset pages. */
#include "pg_keyset.h"
#include "pg_records.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The row's own columns, then its parts as JSON arrays and its pledges'
 * count and totals (the lateral join t). */
#define ANNOUNCEMENT_COLS                                                                   \
    "a.id, a.title, a.announced_on::text, a.summary, rfc3339(a.created_at),"               \
    " rfc3339(a.updated_at), a.announced_on_precision, a.version, a.created_by,"           \
    " a.updated_by, (SELECT json_agg(c.slug ORDER BY ac.position) FROM"                    \
    " announcement_companies ac JOIN companies c ON c.id = ac.company_id"                  \
    " WHERE ac.announcement_id = a.id)::text, (SELECT json_agg(country ORDER BY position)"  \
    " FROM announcement_countries WHERE announcement_id = a.id)::text,"                    \
    " (SELECT json_agg(json_build_array(url, publisher, title, language,"                  \
    " published_on::text) ORDER BY position) FROM sources WHERE announcement_id = a.id)::text," \
    " t.pledges, t.committed, t.targets"
#define ANNOUNCEMENT_NCOLS 16
#define ANNOUNCEMENT_FROM                                                                   \
    " FROM announcements a CROSS JOIN LATERAL (SELECT count(*) AS pledges,"                \
    " coalesce(sum(amount_usd_minor) FILTER (WHERE kind <> 'target'), 0) AS committed,"    \
    " coalesce(sum(amount_usd_minor) FILTER (WHERE kind = 'target'), 0) AS targets"        \
    " FROM pledges WHERE announcement_id = a.id) t"

static const struct pg_sort_column announcement_columns[] = {
    {"announced_on", "a.announced_on", "a.announced_on::text", "::date"},
    {"created_at", "a.created_at", "rfc3339(a.created_at)", "::timestamptz"},
    {"updated_at", "a.updated_at", "rfc3339(a.updated_at)", "::timestamptz"},
    {NULL, NULL, NULL, NULL},
};
static const struct pg_columns announcement_list = {announcement_columns, "a.id"};

static bool dup_json(json_t *v, char **out)
{
    *out = NULL;
    return !json_is_string(v) || (*out = strdup(json_string_value(v))) != NULL;
}

static void copy_json(json_t *v, char *out, size_t len)
{
    snprintf(out, len, "%s", json_is_string(v) ? json_string_value(v) : "");
}

/* The parts kept as JSON arrays in columns 10 to 12. */
static bool read_parts(const PGresult *r, int row, struct store_announcement *a)
{
    json_t *companies = json_loads(PQgetvalue(r, row, 10), JSON_DECODE_ANY, NULL);
    json_t *countries = json_loads(PQgetvalue(r, row, 11), JSON_DECODE_ANY, NULL);
    json_t *sources = json_loads(PQgetvalue(r, row, 12), JSON_DECODE_ANY, NULL);
    bool ok = true;
    size_t i;
    json_t *v;
    json_array_foreach(companies, i, v) {
        if (a->n_companies < ANN_COMPANIES_MAX)
            copy_json(v, a->companies[a->n_companies++], SLUG_MAX + 1);
    }
    json_array_foreach(countries, i, v) {
        if (a->n_countries < ANN_COUNTRIES_MAX)
            copy_json(v, a->countries[a->n_countries++], 3);
    }
    json_array_foreach(sources, i, v) {
        if (a->n_sources == ANN_SOURCES_MAX)
            break;
        struct store_source *s = &a->sources[a->n_sources++];
        memset(s, 0, sizeof *s);
        ok = ok && dup_json(json_array_get(v, 0), &s->url) &&
             dup_json(json_array_get(v, 1), &s->publisher) &&
             dup_json(json_array_get(v, 2), &s->title);
        copy_json(json_array_get(v, 3), s->language, sizeof s->language);
        copy_json(json_array_get(v, 4), s->published_on, sizeof s->published_on);
    }
    /* a part that failed to parse (out of memory) is NULL, unlike an empty one */
    ok = ok && (companies || PQgetisnull(r, row, 10)) && (countries || PQgetisnull(r, row, 11)) &&
         (sources || PQgetisnull(r, row, 12));
    json_decref(companies);
    json_decref(countries);
    json_decref(sources);
    return ok;
}

static enum store_status read_pledges(struct db *db, struct store_announcement *a)
{
    struct pg_params pp = {0};
    pg_param_int(&pp, a->id);
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT " PG_PLEDGE_COLS " FROM pledges p LEFT JOIN"
                                    " companies c ON c.id = p.company_id"
                                    " WHERE p.announcement_id = $1 ORDER BY p.position",
                         pp.n, pp.v, &st, NULL);
    int rows = r ? PQntuples(r) : 0;
    if (rows && !(a->pledges = calloc((size_t)rows, sizeof *a->pledges)))
        st = STORE_ERROR;
    a->totals = (struct usd_totals){0, 0};
    for (int i = 0; st == STORE_OK && i < rows; i++) {
        struct store_pledge *p = &a->pledges[i];
        st = pg_read_pledge(r, i, p);
        if (st == STORE_OK) {
            a->n_pledges++;
            usd_totals_add(&a->totals, p->kind, p->usd_known ? p->usd_cents : 0);
        }
    }
    a->pledge_count = (int64_t)a->n_pledges;
    PQclear(r);
    return st;
}

/* The announcement on row `row` (ANNOUNCEMENT_COLS), with all it holds. */
static enum store_status read_announcement(struct db *db, const PGresult *r, int row,
                                           bool with_pledges, struct store_announcement *a)
{
    memset(a, 0, sizeof *a);
    a->id = pg_int(r, row, 0);
    pg_copy(a->announced_on, sizeof a->announced_on, r, row, 2);
    pg_copy(a->created_at, sizeof a->created_at, r, row, 4);
    pg_copy(a->updated_at, sizeof a->updated_at, r, row, 5);
    pg_copy(a->precision, sizeof a->precision, r, row, 6);
    a->stamp.version = pg_int(r, row, 7);
    pg_copy(a->stamp.created_by, sizeof a->stamp.created_by, r, row, 8);
    pg_copy(a->stamp.updated_by, sizeof a->stamp.updated_by, r, row, 9);
    a->pledge_count = pg_int(r, row, 13);
    a->totals.committed = pg_int128(r, row, 14);
    a->totals.targets = pg_int128(r, row, 15);
    bool ok = (a->title = strdup(PQgetvalue(r, row, 1))) != NULL &&
              (PQgetisnull(r, row, 3) || (a->summary = strdup(PQgetvalue(r, row, 3)))) &&
              read_parts(r, row, a);
    enum store_status st = ok ? STORE_OK : STORE_ERROR;
    if (st == STORE_OK && with_pledges)
        st = read_pledges(db, a);
    if (st != STORE_OK)
        store_announcement_free(a);
    return st;
}

enum store_status pg_announcement_get(struct db *db, int64_t id, bool with_pledges,
                                      struct store_announcement *out)
{
    struct pg_params pp = {0};
    pg_param_int(&pp, id);
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT " ANNOUNCEMENT_COLS ANNOUNCEMENT_FROM
                                    " WHERE a.id = $1", pp.n, pp.v, &st, NULL);
    if (r)
        st = PQntuples(r) == 1 ? read_announcement(db, r, 0, with_pledges, out)
                               : STORE_NOT_FOUND;
    PQclear(r);
    return st;
}

enum store_status pg_company_ids(struct db *db, const char *const slugs[], size_t n,
                                 int64_t ids[])
{
    for (size_t i = 0; i < n; i++) {
        enum store_status st;
        PGresult *r = pg_run(pg_of(db), "SELECT id FROM companies WHERE slug = $1", 1,
                             &slugs[i], &st, NULL);
        ids[i] = r && PQntuples(r) ? pg_int(r, 0, 0) : 0;
        PQclear(r);
        if (st != STORE_OK)
            return st;
    }
    return STORE_OK;
}

enum store_status pg_source_owner(struct db *db, const char *url, int64_t except,
                                  int64_t *owner)
{
    struct pg_params pp = {0};
    pg_param(&pp, url);
    pg_param_int(&pp, except);
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT announcement_id FROM sources WHERE url = $1"
                                    " AND announcement_id <> $2", pp.n, pp.v, &st, NULL);
    if (r && PQntuples(r))
        *owner = pg_int(r, 0, 0);
    else if (r)
        st = STORE_NOT_FOUND;
    PQclear(r);
    return st;
}

/* ---- writing ---- */

static enum store_status run(struct db *db, const char *sql, struct pg_params *pp)
{
    enum store_status st;
    PQclear(pg_run(pg_of(db), sql, pp->n, pp->v, &st, NULL));
    return st;
}

/* The text search reads: title, summary, each source's title and
 * publisher (SQLite's announcements_fts holds the same). */
static char *search_text(const struct announcement_input *a)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    buf_puts(&b, a->title);
    buf_printf(&b, " %s", a->summary ? a->summary : "");
    for (size_t i = 0; i < a->n_sources; i++)
        buf_printf(&b, " %s %s", a->sources[i].title ? a->sources[i].title : "",
                   a->sources[i].publisher ? a->sources[i].publisher : "");
    return buf_detach(&b, NULL);
}

/* The announcement's own row: inserted when *id is 0 (setting it), else
 * rewritten with its companies, countries and sources removed. */
static enum store_status write_row(struct db *db, const struct announcement_input *a,
                                   const char *now, int64_t *id)
{
    char *search = search_text(a);
    if (!search)
        return STORE_ERROR;
    struct pg_params pp = {0};
    pg_param(&pp, a->title);
    pg_param(&pp, a->announced_on);
    pg_param(&pp, a->summary);
    pg_param(&pp, now);
    pg_param(&pp, a->announced_on_precision ? a->announced_on_precision : "day");
    pg_param(&pp, pg_of(db)->by);
    pg_param(&pp, search);
    enum store_status st = STORE_OK;
    if (*id == 0) {
        if (a->id)
            pg_param_int(&pp, a->id); /* a restore keeps its id */
        else
            pg_param(&pp, NULL);
        PGresult *r = pg_run(pg_of(db),
            "INSERT INTO announcements (title, announced_on, summary, created_at, updated_at,"
            " announced_on_precision, created_by, updated_by, search, id) VALUES ($1, $2, $3,"
            " $4, $4, $5, $6, $6, to_tsvector('simple', pledged_fold($7)),"
            " coalesce($8, nextval(pg_get_serial_sequence('announcements', 'id')))) RETURNING id",
            pp.n, pp.v, &st, NULL);
        if (r)
            *id = pg_int(r, 0, 0);
        PQclear(r);
        if (st == STORE_OK && a->id)
            st = run(db, "SELECT setval(pg_get_serial_sequence('announcements', 'id'),"
                         " (SELECT max(id) FROM announcements))", &(struct pg_params){0});
    } else {
        struct pg_params one = {0};
        pg_param_int(&one, *id);
        st = run(db, "DELETE FROM announcement_companies WHERE announcement_id = $1", &one);
        if (st == STORE_OK)
            st = run(db, "DELETE FROM announcement_countries WHERE announcement_id = $1", &one);
        if (st == STORE_OK)
            st = run(db, "DELETE FROM sources WHERE announcement_id = $1", &one);
        pg_param_int(&pp, *id);
        if (st == STORE_OK)
            st = run(db, "UPDATE announcements SET title = $1, announced_on = $2, summary = $3,"
                         " updated_at = $4, announced_on_precision = $5, version = version + 1,"
                         " updated_by = $6, search = to_tsvector('simple', pledged_fold($7))"
                         " WHERE id = $8", &pp);
    }
    free(search);
    return st;
}

/* Its companies (which must exist), countries and sources, in order. */
static enum store_status write_parts(struct db *db, const struct announcement_input *a,
                                     int64_t id)
{
    int64_t company_ids[ANN_COMPANIES_MAX];
    enum store_status st = pg_company_ids(db, a->companies, a->n_companies, company_ids);
    for (size_t i = 0; st == STORE_OK && i < a->n_companies; i++) {
        if (!company_ids[i])
            return STORE_NOT_FOUND;
        struct pg_params pp = {0};
        pg_param_int(&pp, id);
        pg_param_int(&pp, company_ids[i]);
        pg_param_int(&pp, (int64_t)i);
        st = run(db, "INSERT INTO announcement_companies (announcement_id, company_id, position)"
                     " VALUES ($1, $2, $3)", &pp);
    }
    for (size_t i = 0; st == STORE_OK && i < a->n_countries; i++) {
        struct pg_params pp = {0};
        pg_param_int(&pp, id);
        pg_param(&pp, a->countries[i]);
        pg_param_int(&pp, (int64_t)i);
        st = run(db, "INSERT INTO announcement_countries (announcement_id, country, position)"
                     " VALUES ($1, $2, $3)", &pp);
    }
    for (size_t i = 0; st == STORE_OK && i < a->n_sources; i++) {
        const struct source_input *s = &a->sources[i];
        struct pg_params pp = {0};
        pg_param_int(&pp, id);
        pg_param_int(&pp, (int64_t)i);
        pg_param(&pp, s->url);
        pg_param(&pp, s->publisher);
        pg_param(&pp, s->title);
        pg_param_or_null(&pp, s->language);
        pg_param_or_null(&pp, s->published_on);
        st = run(db, "INSERT INTO sources (announcement_id, position, url, publisher, title,"
                     " language, published_on) VALUES ($1, $2, $3, $4, $5, $6, $7)", &pp);
    }
    return st;
}

/* Pledges kept through a patch follow the announcement's date (a new
 * version of each whose date changes), and their USD values the rates of
 * that date. */
static enum store_status pledges_follow(struct db *db, const struct announcement_input *a,
                                        int64_t id, const char *now)
{
    struct pg_params pp = {0};
    pg_param(&pp, a->announced_on);
    pg_param_int(&pp, id);
    pg_param(&pp, now);
    pg_param(&pp, pg_of(db)->by);
    enum store_status st = run(db, "UPDATE pledges SET announced_on = $1, updated_at = $3,"
                                   " version = version + 1, updated_by = $4"
                                   " WHERE announcement_id = $2 AND announced_on <> $1", &pp);
    return st == STORE_OK ? store_pledges_refresh_usd(db, NULL, NULL, NULL, id) : st;
}

enum store_status pg_announcement_write(struct db *db, const struct announcement_input *a,
                                        bool replace_pledges, const char *now, int64_t *id)
{
    bool insert = *id == 0;
    enum store_status st = write_row(db, a, now, id);
    if (st == STORE_OK)
        st = write_parts(db, a, *id);
    if (st == STORE_OK && !insert && !replace_pledges)
        return pledges_follow(db, a, *id, now);
    if (st == STORE_OK && !insert)
        st = pg_pledges_delete_where(db, "announcement_id = $1", *id);
    for (size_t i = 0; st == STORE_OK && i < a->n_pledges; i++) {
        int64_t pid;
        st = store_pledge_insert(db, *id, (int)i, a->announced_on, &a->pledges[i], now, &pid);
    }
    return st;
}

enum store_status pg_announcement_delete(struct db *db, int64_t id)
{
    enum store_status st = pg_pledges_delete_where(db, "announcement_id = $1", id);
    return st == STORE_OK ? pg_delete_with_tombstones(db, "announcement", "NULL", "announcements",
                                                      "id = $1", id)
                          : st;
}

enum store_status pg_announcement_ids(struct db *db, bool (*fn)(void *ctx, int64_t id),
                                      void *ctx)
{
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT id FROM announcements ORDER BY id", 0, NULL, &st,
                         NULL);
    for (int i = 0; st == STORE_OK && r && i < PQntuples(r); i++)
        if (!fn(ctx, pg_int(r, i, 0)))
            st = STORE_ERROR;
    PQclear(r);
    return st;
}

/* ---- the list ---- */

struct list_ctx {
    store_announcement_fn *fn;
    void *fn_ctx;
};

static enum store_status list_row(void *ctx, struct db *db, const PGresult *r, int row)
{
    struct list_ctx *l = ctx;
    struct store_announcement a;
    enum store_status st = read_announcement(db, r, row, false, &a);
    if (st != STORE_OK)
        return st;
    bool ok = l->fn(l->fn_ctx, &a);
    store_announcement_free(&a);
    return ok ? STORE_OK : STORE_ERROR;
}

enum store_status pg_announcement_list(struct db *db, const struct record_filter *f,
                                       const struct page *pg, store_announcement_fn *fn,
                                       void *ctx, struct page_end *end)
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
        buf_printf(&from, ANNOUNCEMENT_FROM " WHERE true%s", buf_str(&pf.where));
        buf_printf(&count, "SELECT count(*) FROM announcements a WHERE true%s",
                   buf_str(&pf.where));
        struct list_ctx l = {fn, ctx};
        st = pg_page_run(db, pg, &announcement_list, "SELECT " ANNOUNCEMENT_COLS,
                         buf_str(&from), buf_str(&count), &pp, list_row, &l,
                         ANNOUNCEMENT_NCOLS, end);
        buf_free(&from);
        buf_free(&count);
    }
    pg_filter_free(&pf);
    return st;
}
