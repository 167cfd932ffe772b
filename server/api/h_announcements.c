/* h_announcements — /v1/announcements: list, create (with sources and
 * embedded pledges, all or nothing), read, merge-patch, delete.
 *
 * Each write is one store_write body: any invalid part, unknown company or
 * taken source URL rolls the whole request back and is reported with its
 * path, every error at once. */
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
#include "save.h"
#include "search.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void respond_no_announcement(struct db *db, struct response *rs, const char *id)
{
    if (!revise_respond_gone_id(db, rs, RES_ANNOUNCEMENT, "announcements", id))
        respond_problem(rs, 404, "not-found", "Not found", "no announcement has the id '%.40s'",
                        id);
}

/* The announcement's representation with its pledges (*out, new ref), or
 * STORE_NOT_FOUND. */
static enum store_status announcement_load(struct db *db, int64_t id, json_t **out)
{
    struct store_announcement a;
    enum store_status st = store_announcement_get(db, id, true, &a);
    if (st != STORE_OK)
        return st;
    *out = announcement_json(&a, true);
    store_announcement_free(&a);
    return *out ? STORE_OK : STORE_ERROR;
}

void h_announcement_get(const struct request *rq, struct response *rs)
{
    int64_t id;
    if (!id_param(rq->params[0], &id)) {
        respond_no_announcement(NULL, rs, rq->params[0]);
        return;
    }
    if (api_query(rq, "version")) {
        history_answer_version(rq, rs, RES_ANNOUNCEMENT, id);
        return;
    }
    struct store_announcement a;
    enum store_status st = store_announcement_get(store_reader(), id, true, &a);
    if (st == STORE_NOT_FOUND) {
        respond_no_announcement(store_reader(), rs, rq->params[0]);
    } else if (st != STORE_OK) {
        respond_internal(rq, rs, "announcement read failed");
    } else {
        api_answer_record(rq, rs, render_announcement, &a, 8192, "announcement render failed");
        store_announcement_free(&a);
    }
}

/* Answers 409 for a source URL that another announcement has. */
static void respond_conflict(struct response *rs, json_t *conflict)
{
    respond_problem(rs, 409, "conflict", "Conflict", "%s %s",
                    json_string_value(json_object_get(conflict, "field")),
                    json_string_value(json_object_get(conflict, "message")));
}

/* ---- create and merge-patch ---- */

/* Saves doc as announcement `id` (0: a new one) and answers with it. A
 * patch replaces the pledges only when it gives "pledges" (arrays given are
 * replaced whole). */
static enum store_status save_announcement(struct db *db, const struct request *rq,
                                           struct response *rs, int64_t id, const json_t *doc)
{
    json_t *errors = json_array(), *conflict = NULL, *stored = NULL;
    char now[21];
    store_now(now);
    bool create = id == 0;
    bool replace_pledges = create || json_object_get(rq->json, "pledges") != NULL;
    enum store_status st =
        announcement_save(db, doc, replace_pledges, now, &id, errors, &conflict);
    if (st == STORE_ABORTED && conflict) {
        respond_conflict(rs, conflict);
    } else if (st == STORE_ABORTED) {
        respond_invalid(rs, "Invalid announcement", errors);
        errors = NULL;
    }
    if (st == STORE_OK)
        st = revise_announcement(db, id, create, now);
    if (st == STORE_OK)
        st = announcement_load(db, id, &stored);
    if (st == STORE_OK) {
        respond_json(rs, create ? 201 : 200, stored);
        respond_etag(rs);
        if (create)
            respond_header(rs, "Location", "/v1/announcements/%lld", (long long)id);
    } else if (st == STORE_NOT_FOUND) {
        st = STORE_ERROR; /* written a moment ago */
    }
    json_decref(conflict);
    json_decref(errors);
    return st;
}

void h_announcements_create(const struct request *rq, struct response *rs)
{
    api_create(rq, rs, save_announcement, "announcement create failed");
}

void h_announcement_patch(const struct request *rq, struct response *rs)
{
    static const struct api_patch patch = {announcement_load, announcement_as_input,
                                           save_announcement, respond_no_announcement,
                                           "announcement update failed"};
    api_patch_by_id(rq, rs, &patch);
}

void h_announcement_delete(const struct request *rq, struct response *rs)
{
    api_delete_by_id(rq, rs, announcement_load, store_announcement_delete,
                     respond_no_announcement, "announcement delete failed");
}

/* ---- list ---- */

static bool append_announcement(void *ctx, const struct store_announcement *a)
{
    json_t *item = announcement_json(a, false);
    return item && json_array_append_new(ctx, item) == 0;
}

static bool parse_filter(const struct request *rq, struct response *rs, union list_filter *f)
{
    return filter_parse(rq, rs, &f->records, FILTER_ANNOUNCEMENTS);
}

static enum store_status read_page(struct db *db, const union list_filter *f,
                                   const struct page *pg, json_t *data, struct page_end *end)
{
    return store_announcement_list(db, &f->records, pg, append_announcement, data, end);
}

static const char *const announcement_columns[] = {"id", "title", "announced_on",
                                      "announced_on_precision", "companies", "countries",
                                      "summary", "pledge_count", "total_usd", "targets_usd",
                                      "created_at", "updated_at", NULL};

static const struct list_spec announcement_list = {
    parse_filter, store_announcement_sorts, "-announced_on", announcement_columns, read_page,
    "announcement list failed",
};

void h_announcements_list(const struct request *rq, struct response *rs)
{
    list_answer(&announcement_list, rq, rs);
}
