/* h_pledges — /v1/pledges: list (filters, sorts, keyset pages, CSV),
 * create, read, merge-patch, delete. A pledge belongs to an announcement;
 * its company must be one of the announcement's (or null: joint) and its
 * evidence must cite the announcement's sources.
 *
 * Requests in, store calls, responses out: each write is one store_write
 * body that answers from the stored pledge, read back inside the
 * transaction. */
#include "api.h"
#include "csv.h"
#include "handlers.h"
#include "jsonx.h"
#include "list.h"
#include "page.h"
#include "render.h"
#include "history.h"
#include "respond.h"
#include "revise.h"
#include "search.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void respond_no_pledge(struct db *db, struct response *rs, const char *id)
{
    if (!revise_respond_gone_id(db, rs, RES_PLEDGE, "pledges", id))
        respond_problem(rs, 404, "not-found", "Not found", "no pledge has the id '%.40s'", id);
}

/* The pledge's representation (*out, new ref), or STORE_NOT_FOUND. */
static enum store_status pledge_load(struct db *db, int64_t id, json_t **out)
{
    struct store_pledge p;
    enum store_status st = store_pledge_get(db, id, &p);
    if (st != STORE_OK)
        return st;
    *out = pledge_json(&p);
    store_pledge_free(&p);
    return *out ? STORE_OK : STORE_ERROR;
}

void h_pledge_get(const struct request *rq, struct response *rs)
{
    int64_t id;
    if (!id_param(rq->params[0], &id)) {
        respond_no_pledge(NULL, rs, rq->params[0]);
        return;
    }
    if (api_query(rq, "version")) {
        history_answer_version(rq, rs, RES_PLEDGE, id);
        return;
    }
    struct store_pledge p;
    enum store_status st = store_pledge_get(store_reader(), id, &p);
    if (st == STORE_NOT_FOUND) {
        respond_no_pledge(store_reader(), rs, rq->params[0]);
    } else if (st != STORE_OK) {
        respond_internal(rq, rs, "pledge read failed");
    } else {
        /* The hot read: written straight from the row, no tree. */
        api_answer_record(rq, rs, render_pledge, &p, 2048, "pledge render failed");
        store_pledge_free(&p);
    }
}

/* Validates a stand-alone pledge document against its announcement (which
 * sets p's company when the announcement has one and the document none).
 * STORE_OK when valid (*ann_date set), STORE_ABORTED when errors were
 * added, or the store's failure. p->company then points into ctx. */
static enum store_status pledge_validate(struct db *db, const json_t *doc,
                                         struct pledge_input *p, struct store_pledge_context *ctx,
                                         json_t *errors)
{
    memset(ctx, 0, sizeof *ctx);
    pledge_input_parse(doc, true, "", p, errors);
    if (!p->announcement_id)
        return STORE_ABORTED;
    enum store_status st = store_pledge_context(db, p->announcement_id, ctx);
    if (st == STORE_NOT_FOUND) {
        jsonx_error_add(errors, "announcement_id", "no announcement has the id %lld",
                        (long long)p->announcement_id);
        return STORE_ABORTED;
    }
    if (st != STORE_OK)
        return st;
    const char *companies[ANN_COMPANIES_MAX];
    for (size_t i = 0; i < ctx->n_companies; i++)
        companies[i] = ctx->companies[i];
    pledge_check_context(p, companies, ctx->n_companies, (const char *const *)ctx->urls,
                         ctx->n_urls, "", errors);
    return json_array_size(errors) ? STORE_ABORTED : STORE_OK;
}

/* ---- create and merge-patch ---- */

/* Validates doc and writes it as pledge `id` (0: a new one), answering with
 * the stored pledge. */
static enum store_status save_pledge(struct db *db, const struct request *rq,
                                     struct response *rs, int64_t id, const json_t *doc)
{
    (void)rq;
    json_t *errors = json_array();
    struct pledge_input p;
    struct store_pledge_context ctx;
    enum store_status st = pledge_validate(db, doc, &p, &ctx, errors);
    if (st == STORE_ABORTED) {
        respond_invalid(rs, "Invalid pledge", errors);
        errors = NULL;
    }
    char now[21];
    store_now(now);
    bool create = id == 0;
    if (st == STORE_OK && create)
        st = store_pledge_insert(db, p.announcement_id, -1, ctx.announced_on, &p, now, &id);
    else if (st == STORE_OK)
        st = store_pledge_update(db, id, ctx.announced_on, &p, now);
    struct store_pledge stored;
    if (st == STORE_OK)
        st = store_pledge_get(db, id, &stored);
    if (st == STORE_OK) {
        /* Written straight from the row: this runs on the writer's thread. */
        struct buf b;
        buf_init(&b, RENDER_MAX);
        buf_reserve(&b, 2048);
        bool written = pledge_write_json(&b, &stored);
        if (written)
            st = revise_pledge(db, &stored, buf_str(&b), now);
        store_pledge_free(&stored);
        if (written && st == STORE_OK) {
            respond_json_buf(rs, create ? 201 : 200, &b);
            respond_etag(rs);
            if (create)
                respond_header(rs, "Location", "/v1/pledges/%lld", (long long)id);
        } else if (!written) {
            st = STORE_ERROR;
        }
        buf_free(&b);
    } else if (st == STORE_NOT_FOUND) {
        st = STORE_ERROR; /* the company or the pledge went while we held the lock */
    }
    pledge_input_free(&p);
    store_pledge_context_free(&ctx);
    json_decref(errors);
    return st;
}

void h_pledges_create(const struct request *rq, struct response *rs)
{
    api_create(rq, rs, save_pledge, "pledge create failed");
}

void h_pledge_patch(const struct request *rq, struct response *rs)
{
    static const struct api_patch patch = {pledge_load, pledge_as_input, save_pledge,
                                           respond_no_pledge, "pledge update failed"};
    api_patch_by_id(rq, rs, &patch);
}

/* ---- delete ---- */

void h_pledge_delete(const struct request *rq, struct response *rs)
{
    api_delete_by_id(rq, rs, pledge_load, store_pledge_delete, respond_no_pledge,
                     "pledge delete failed");
}

/* ---- list ---- */

static bool append_pledge(void *ctx, const struct store_pledge *p)
{
    json_t *item = pledge_json(p);
    return item && json_array_append_new(ctx, item) == 0;
}

static bool parse_filter(const struct request *rq, struct response *rs, union list_filter *f)
{
    return filter_parse(rq, rs, &f->records, FILTER_PLEDGES);
}

static enum store_status read_page(struct db *db, const union list_filter *f,
                                   const struct page *pg, json_t *data, struct page_end *end)
{
    return store_pledge_list(db, &f->records, pg, append_pledge, data, end);
}

static const char *const pledge_columns[] = {
    "id", "announcement_id", "announced_on", "announced_on_precision", "company", "kind",
    "description", "country", "amount.currency", "amount.value", "amount_qualifier",
    "amount_usd", "people", "people_qualifier", "starts_on", "ends_on", "duration_months",
    "status", "created_at", "updated_at", NULL};

static const struct list_spec pledge_list = {
    parse_filter, store_pledge_sorts, "-announced_on", pledge_columns, read_page,
    "pledge list failed",
};

void h_pledges_list(const struct request *rq, struct response *rs)
{
    list_answer(&pledge_list, rq, rs);
}
