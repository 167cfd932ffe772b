/* history — a record's history and its versions, and revisions as the API
 * shows them (see history.h). Reads only: revisions are written by
 * revise.c and the store, in the transactions of the changes they record. */
#include "history.h"

#include "api.h"
#include "jsonx.h"
#include "page.h"
#include "respond.h"
#include "search.h"
#include "slug.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const history_collection[RES_COUNT] = {"companies", "announcements", "pledges",
                                                  "rates", "rates"};

/* The record's path, "/v1/pledges/42" or "/v1/companies/acme". */
void history_record_path(const struct store_revision *r, char *out, size_t len)
{
    if (r->resource == RES_COMPANY)
        snprintf(out, len, "/v1/companies/%s", r->key);
    else if (r->resource == RES_RATE)
        snprintf(out, len, "/v1/rates/%s", r->key);
    else if (r->resource == RES_RATES_RUN)
        snprintf(out, len, "/v1/rates");
    else
        snprintf(out, len, "/v1/%s/%lld", history_collection[r->resource], (long long)r->record_id);
}

void history_identify(json_t *o, const struct store_revision *r)
{
    if (r->resource == RES_COMPANY)
        json_object_set_new(o, "slug", json_string(r->key));
    else if (r->resource == RES_RATE)
        json_object_set_new(o, "key", json_string(r->key));
    else if (r->resource == RES_RATES_RUN)
        json_object_set_new(o, "source", json_string(r->key));
    else
        json_object_set_new(o, "id", json_integer(r->record_id));
}

/* A revision as answered; prev is the version before's record (NULL when
 * there is none). with_record: the record after the change too. */
json_t *history_revision_json(const struct store_revision *r, const char *prev, bool with_record)
{
    json_t *rec = r->record ? json_loads(r->record, 0, NULL) : NULL;
    json_t *before = prev ? json_loads(prev, 0, NULL) : NULL;
    json_t *o = json_object();
    char path[64 + SLUG_MAX];
    history_record_path(r, path, sizeof path);
    json_object_set_new(o, "resource", json_string(store_resource_name(r->resource)));
    history_identify(o, r);
    json_object_set_new(o, "version", json_integer(r->version));
    json_object_set_new(o, "action", json_string(r->action));
    json_object_set_new(o, "at", json_string(r->at));
    json_object_set_new(o, "by", r->by[0] ? json_string(r->by) : json_null());
    json_object_set_new(o, "request_id", r->request_id[0] ? json_string(r->request_id)
                                                           : json_null());
    json_t *none = json_object(); /* the first known version: changes from nothing */
    json_object_set_new(o, "changes", rec ? jsonx_merge_diff(before ? before : none, rec)
                                          : json_null());
    json_decref(none);
    if (with_record)
        json_object_set_new(o, "record", rec ? json_incref(rec) : json_null());
    json_object_set_new(o, "href", json_string(path));
    json_decref(rec);
    json_decref(before);
    return o;
}

/* ---- one record's history ---- */

static const struct sort_field version_sort[] = {{"version", SORT_INT}, {NULL, SORT_INT}};

struct gather {
    struct store_revision *items;
    size_t n, cap;
};

static bool gather_one(void *ctx, const struct store_revision *r)
{
    struct gather *g = ctx;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        struct store_revision *items = realloc(g->items, cap * sizeof *items);
        if (!items)
            return false;
        g->items = items;
        g->cap = cap;
    }
    g->items[g->n] = *r;
    g->items[g->n].record = r->record ? strdup(r->record) : NULL;
    if (r->record && !g->items[g->n].record)
        return false;
    g->n++;
    return true;
}

static void gather_free(struct gather *g)
{
    for (size_t i = 0; i < g->n; i++)
        store_revision_free(&g->items[i]);
    free(g->items);
}

/* Answers the history of (r, id), newest first, a keyset page at a time. */
static void answer_history(const struct request *rq, struct response *rs, enum store_resource r,
                           int64_t id, const char *path)
{
    struct page pg;
    if (!page_parse(rq, rs, version_sort, "-version", &pg)) {
        page_free(&pg);
        return;
    }
    int64_t below = pg.after ? json_integer_value(json_array_get(pg.after, 0)) : 0;
    struct gather g = {0};
    /* One more than the page: the version before the page's last, for its
     * changes, and whether there is a next page. */
    enum store_status st = store_revisions_of(store_reader(), r, id, below, pg.limit + 2,
                                              gather_one, &g);
    if (st == STORE_OK && g.n == 0 && below == 0) {
        respond_problem(rs, 404, "not-found", "Not found", "%s has no history", path);
        gather_free(&g);
        page_free(&pg);
        return;
    }
    json_t *data = json_array();
    size_t shown = g.n < (size_t)pg.limit ? g.n : (size_t)pg.limit;
    for (size_t i = 0; st == STORE_OK && i < shown; i++) {
        const char *prev = i + 1 < g.n ? g.items[i + 1].record : NULL;
        if (i + 1 < g.n && g.items[i + 1].version != g.items[i].version - 1)
            prev = NULL; /* pruned between them */
        json_array_append_new(data, history_revision_json(&g.items[i], prev, true));
    }
    struct page_end end = {NULL, -1};
    if (st == STORE_OK && g.n > shown && shown > 0)
        end.next_after = json_pack("[I, I]", (json_int_t)g.items[shown - 1].version,
                                   (json_int_t)g.items[shown - 1].seq);
    page_answer(rq, rs, st, &pg, false, data, NULL, &end, "history read failed");
    gather_free(&g);
    page_free(&pg);
}

/* One version of (r, id): the revision (as_record false) or the record as
 * it was (as_record). */
static void answer_version(const struct request *rq, struct response *rs, enum store_resource r,
                           int64_t id, const char *path, const char *version_text,
                           bool as_record)
{
    int64_t version;
    if (!int_parse(version_text, 1, INT64_MAX, &version)) {
        if (as_record)
            respond_bad_param(rs, "version", "must be a positive integer");
        else
            respond_problem(rs, 404, "not-found", "Not found", "%s has no version '%.20s'", path,
                            version_text);
        return;
    }
    struct db *db = store_reader();
    struct store_revision rev, prev = {0};
    enum store_status st = store_revision_get(db, r, id, version, &rev);
    if (st == STORE_NOT_FOUND) {
        respond_problem(rs, 404, "not-found", "Not found", "%s has no version %lld", path,
                        (long long)version);
        return;
    }
    if (st != STORE_OK) {
        respond_internal(rq, rs, "history read failed");
        return;
    }
    if (as_record && !rev.record) {
        respond_problem(rs, 404, "not-found", "Not found",
                        "version %lld of %s is its deletion: there is no record to show; "
                        "see %s/history", (long long)version, path, path);
    } else if (as_record) {
        respond_bytes(rs, 200, "application/json", rev.record, strlen(rev.record));
        respond_with_etag(rq, rs);
    } else {
        bool have_prev = version > 1 && store_revision_get(db, r, id, version - 1, &prev) ==
                                            STORE_OK;
        json_t *doc = history_revision_json(&rev, have_prev ? prev.record : NULL, true);
        respond_json(rs, 200, doc);
        respond_with_etag(rq, rs);
        store_revision_free(&prev);
    }
    store_revision_free(&rev);
}

void history_answer_version(const struct request *rq, struct response *rs,
                            enum store_resource r, int64_t id)
{
    char path[64 + SLUG_MAX];
    if (r == RES_COMPANY)
        snprintf(path, sizeof path, "/v1/companies/%s", rq->params[0]);
    else
        snprintf(path, sizeof path, "/v1/%s/%lld", history_collection[r], (long long)id);
    answer_version(rq, rs, r, id, path, api_query(rq, "version"), true);
}

/* The record a history route names: false after answering 404. */
static bool history_target(const struct request *rq, struct response *rs, enum store_resource r,
                           int64_t *id, char *path, size_t len)
{
    const char *p = rq->params[0];
    bool ok;
    if (r == RES_COMPANY) {
        ok = slug_is_valid(p);
        enum store_status st = ok ? store_company_id_by_slug(store_reader(), p, id)
                                  : STORE_NOT_FOUND;
        if (store_failed(st)) {
            respond_internal(rq, rs, "history read failed");
            return false;
        }
        ok = st == STORE_OK;
        snprintf(path, len, "/v1/companies/%.64s", p);
    } else {
        ok = id_param(p, id);
        snprintf(path, len, "/v1/%s/%.40s", history_collection[r], p);
    }
    if (!ok)
        respond_problem(rs, 404, "not-found", "Not found", "%s has no history", path);
    return ok;
}

static void history(const struct request *rq, struct response *rs, enum store_resource r,
                    bool one_version)
{
    int64_t id;
    char path[64 + SLUG_MAX];
    if (!history_target(rq, rs, r, &id, path, sizeof path))
        return;
    if (one_version)
        answer_version(rq, rs, r, id, path, rq->params[1], false);
    else
        answer_history(rq, rs, r, id, path);
}

void h_company_history(const struct request *rq, struct response *rs)
{
    history(rq, rs, RES_COMPANY, false);
}

void h_company_history_version(const struct request *rq, struct response *rs)
{
    history(rq, rs, RES_COMPANY, true);
}

void h_announcement_history(const struct request *rq, struct response *rs)
{
    history(rq, rs, RES_ANNOUNCEMENT, false);
}

void h_announcement_history_version(const struct request *rq, struct response *rs)
{
    history(rq, rs, RES_ANNOUNCEMENT, true);
}

void h_pledge_history(const struct request *rq, struct response *rs)
{
    history(rq, rs, RES_PLEDGE, false);
}

void h_pledge_history_version(const struct request *rq, struct response *rs)
{
    history(rq, rs, RES_PLEDGE, true);
}
