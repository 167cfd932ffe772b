/* h_companies — /v1/companies: list, create, read, merge-patch, delete.
 *
 * Requests in, store calls, responses out: reads use the thread's read
 * connection, and each write is one store_write body that answers the
 * request from the stored representation, read back inside the
 * transaction. */
#include "api.h"
#include "company_input.h"
#include "csv.h"
#include "handlers.h"
#include "iso3166.h"
#include "jsonx.h"
#include "list.h"
#include "page.h"
#include "render.h"
#include "store.h"
#include "history.h"
#include "respond.h"
#include "revise.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads the company and its representation: STORE_OK with *out (new ref)
 * and, when c is given, the stored company (release it). */
static enum store_status company_load(struct db *db, const char *slug, json_t **out,
                                      struct store_company *c)
{
    struct store_company mine;
    struct store_company *into = c ? c : &mine;
    enum store_status st = store_company_get(db, slug, into);
    if (st != STORE_OK)
        return st;
    *out = company_json(into);
    if (!c || !*out)
        store_company_free(into);
    return *out ? STORE_OK : STORE_ERROR;
}

static void respond_no_company(struct response *rs, const char *slug)
{
    respond_problem(rs, 404, "not-found", "Not found", "no company has the slug '%.80s'", slug);
}

/* 410 when the company that had this slug was deleted, else 404. */
static void respond_missing_company(struct db *db, struct response *rs, const char *slug)
{
    int64_t id;
    char path[32 + SLUG_MAX];
    snprintf(path, sizeof path, "/v1/companies/%s", slug);
    if (db && slug_is_valid(slug) && store_company_id_by_slug(db, slug, &id) == STORE_OK &&
        revise_respond_gone(db, rs, RES_COMPANY, id, path))
        return;
    respond_no_company(rs, slug);
}

/* The representation of company `slug` and revision of it just written. */
static enum store_status company_written(struct db *db, const char *slug, const char *now,
                                         json_t **out)
{
    struct store_company c;
    enum store_status st = company_load(db, slug, out, &c);
    if (st != STORE_OK)
        return st;
    char *text = jsonx_dump(*out, NULL);
    st = text ? revise_company(db, &c, text, now) : STORE_ERROR;
    free(text);
    store_company_free(&c);
    if (st != STORE_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return st;
}

/* Answers 409 for a slug that is taken. */
static void respond_slug_taken(struct response *rs, const char *slug)
{
    respond_problem(rs, 409, "conflict", "Conflict",
                    "a company with the slug '%s' exists already: /v1/companies/%s", slug, slug);
}

void h_company_get(const struct request *rq, struct response *rs)
{
    const char *slug = rq->params[0];
    if (!slug_is_valid(slug)) {
        respond_no_company(rs, slug);
        return;
    }
    if (api_query(rq, "version")) {
        int64_t id;
        enum store_status st = store_company_id_by_slug(store_reader(), slug, &id);
        if (st == STORE_OK)
            history_answer_version(rq, rs, RES_COMPANY, id);
        else if (st == STORE_NOT_FOUND)
            respond_no_company(rs, slug);
        else
            respond_internal(rq, rs, "company history read failed");
        return;
    }
    struct store_company c;
    enum store_status st = store_company_get(store_reader(), slug, &c);
    if (st == STORE_NOT_FOUND) {
        respond_missing_company(store_reader(), rs, slug);
    } else if (st != STORE_OK) {
        respond_internal(rq, rs, "company read failed");
    } else {
        api_answer_record(rq, rs, render_company, &c, 1024, "company render failed");
        store_company_free(&c);
    }
}

/* Appends each company of a page to a JSON array. */
static bool append_company(void *ctx, const struct store_company *c)
{
    json_t *item = company_json(c);
    return item && json_array_append_new(ctx, item) == 0;
}

static bool parse_filter(const struct request *rq, struct response *rs, union list_filter *f)
{
    const char *q = api_query(rq, "q"), *country = api_query(rq, "country");
    const struct country *ctry = NULL;
    if (country && !(ctry = country_find(country))) {
        respond_bad_param(rs, "country", "must be an ISO 3166-1 alpha-2 code such as JP");
        return false;
    }
    if (q && text_check(q, 200, false)) {
        respond_bad_param(rs, "q", "must be 1 to 200 characters of text");
        return false;
    }
    f->companies = (struct store_company_filter){ctry ? ctry->code : NULL, q};
    return true;
}

static enum store_status read_page(struct db *db, const union list_filter *f,
                                   const struct page *pg, json_t *data, struct page_end *end)
{
    return store_company_list(db, &f->companies, pg, append_company, data, end);
}

static const char *const company_columns[] = {"slug", "name", "country", "website", "aliases",
                                              "created_at", "updated_at", NULL};

static const struct list_spec company_list = {
    parse_filter, store_company_sorts, "slug", company_columns, read_page, "company list failed",
};

void h_companies_list(const struct request *rq, struct response *rs)
{
    list_answer(&company_list, rq, rs);
}

/* Reads the body as a company in `mode` (in borrows from rq->json); false
 * after answering 422. Release in with company_input_free either way. */
static bool company_body(const struct request *rq, struct response *rs, enum input_mode mode,
                         struct company_input *in)
{
    json_t *errors = json_array();
    company_input_parse(rq->json, mode, in, errors);
    if (!json_array_size(errors)) {
        json_decref(errors);
        return true;
    }
    respond_invalid(rs, "Invalid company", errors);
    return false;
}

/* ---- create ---- */

struct create_tx {
    const struct request *rq;
    struct response *rs;
    const struct company_input *in;
};

static enum store_status create_body(struct db *db, void *ctx)
{
    struct create_tx *t = ctx;
    char now[21];
    store_now(now);
    enum store_status st = store_company_insert(db, t->in, now);
    if (st == STORE_CONFLICT) {
        respond_slug_taken(t->rs, t->in->slug);
        return st;
    }
    json_t *company = NULL;
    if (st == STORE_OK)
        st = company_written(db, t->in->slug, now, &company);
    if (st != STORE_OK)
        return st == STORE_NOT_FOUND ? STORE_ERROR : st;
    respond_json(t->rs, 201, company);
    respond_etag(t->rs);
    respond_header(t->rs, "Location", "/v1/companies/%s", t->in->slug);
    return STORE_OK;
}

void h_companies_create(const struct request *rq, struct response *rs)
{
    struct company_input in;
    if (company_body(rq, rs, INPUT_CREATE, &in)) {
        struct create_tx t = {rq, rs, &in};
        api_write(rq, rs, create_body, &t, "company insert failed");
    }
    company_input_free(&in);
}

/* ---- merge-patch ---- */

struct patch_tx {
    const struct request *rq;
    struct response *rs;
    const char *slug;               /* the path's */
    const struct company_input *in; /* the patch */
};

/* The company a PATCH or DELETE changes, read inside its transaction:
 * STORE_OK with *cur (release it with store_company_free); otherwise the
 * request is answered: STORE_NOT_FOUND (404), STORE_ABORTED (412, If-Match)
 * or the store's failure. */
static enum store_status company_to_change(struct db *db, const struct request *rq,
                                           struct response *rs, const char *slug,
                                           struct store_company *cur)
{
    json_t *current = NULL;
    enum store_status st = company_load(db, slug, &current, cur);
    if (st == STORE_NOT_FOUND)
        respond_missing_company(db, rs, slug);
    if (st != STORE_OK)
        return st;
    bool matches = api_check_if_match(rq, rs, current);
    json_decref(current);
    if (matches)
        return STORE_OK;
    store_company_free(cur);
    return STORE_ABORTED;
}

/* The patched value of a text field: the input's when given, else the
 * current one (NULL for none). */
static const char *patched(bool given, const char *value, const char *current)
{
    const char *v = given ? value : current;
    return v && *v ? v : NULL;
}

static enum store_status patch_body(struct db *db, void *ctx)
{
    struct patch_tx *t = ctx;
    const struct company_input *in = t->in;
    struct store_company cur;
    json_t *updated = NULL;
    enum store_status st = company_to_change(db, t->rq, t->rs, t->slug, &cur);
    if (st != STORE_OK)
        return st;
    char *aliases = in->has_aliases ? jsonx_dump(in->aliases, NULL)
                              : strdup(cur.aliases ? cur.aliases : "[]");
    struct store_company_fields f = {
        .slug = in->has_slug ? in->slug : cur.slug,
        .name = in->has_name ? in->name : cur.name,
        .country = patched(in->has_country, in->country, cur.country),
        .website = patched(in->has_website, in->website, cur.website),
        .aliases = aliases,
    };
    char now[21];
    store_now(now);
    st = aliases ? store_company_update(db, cur.id, &f, now) : STORE_ERROR;
    if (st == STORE_CONFLICT)
        respond_slug_taken(t->rs, f.slug);
    if (st == STORE_OK)
        st = company_written(db, f.slug, now, &updated);
    if (st == STORE_NOT_FOUND)
        st = STORE_ERROR; /* written a moment ago */
    if (st != STORE_OK)
        goto out;
    respond_json(t->rs, 200, updated);
    respond_etag(t->rs);
    if (in->has_slug && strcmp(in->slug, t->slug) != 0)
        respond_header(t->rs, "Content-Location", "/v1/companies/%s", in->slug);
out:
    free(aliases);
    store_company_free(&cur);
    return st;
}

void h_company_patch(const struct request *rq, struct response *rs)
{
    const char *slug = rq->params[0];
    struct company_input in;
    bool parsed = company_body(rq, rs, INPUT_PATCH, &in);
    if (parsed && !slug_is_valid(slug)) {
        respond_no_company(rs, slug);
    } else if (parsed) {
        struct patch_tx t = {rq, rs, slug, &in};
        api_write(rq, rs, patch_body, &t, "company update failed");
    }
    company_input_free(&in);
}

/* ---- delete ---- */

struct delete_tx {
    const struct request *rq;
    struct response *rs;
    const char *slug;
};

static enum store_status delete_body(struct db *db, void *ctx)
{
    struct delete_tx *t = ctx;
    struct store_company cur;
    enum store_status st = company_to_change(db, t->rq, t->rs, t->slug, &cur);
    if (st != STORE_OK)
        return st;
    if (cur.pledge_count || cur.announcement_count) {
        long long a = cur.announcement_count, p = cur.pledge_count;
        respond_problem(t->rs, 409, "conflict", "Conflict",
                        "company '%s' is named by %lld announcement%s and %lld pledge%s; "
                        "change or delete those first",
                        t->slug, a, a == 1 ? "" : "s", p, p == 1 ? "" : "s");
        st = STORE_CONFLICT;
    } else {
        st = store_company_delete(db, cur.id);
        if (st == STORE_OK)
            t->rs->status = 204;
    }
    store_company_free(&cur);
    return st;
}

void h_company_delete(const struct request *rq, struct response *rs)
{
    const char *slug = rq->params[0];
    if (!slug_is_valid(slug)) {
        respond_no_company(rs, slug);
        return;
    }
    struct delete_tx t = {rq, rs, slug};
    api_write(rq, rs, delete_body, &t, "company delete failed");
}
