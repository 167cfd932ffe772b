/* h_announcements — /v1/announcements: list, create (with sources and
 * embedded pledges, all or nothing), read, merge-patch, delete.
 *
 * Writes hold the writer for one BEGIN IMMEDIATE transaction: any invalid
 * part, unknown company or taken source URL rolls the whole request back
 * and is reported with its path, every error at once. */
#include "api.h"
#include "csv.h"
#include "date.h"
#include "handlers.h"
#include "keyset.h"
#include "iso3166.h"
#include "jsonx.h"
#include "page.h"
#include "records.h"
#include "respond.h"
#include "search.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

static void respond_no_announcement(struct response *rs, const char *id)
{
    respond_problem(rs, 404, "not-found", "Not found", "no announcement has the id '%.40s'", id);
}

void h_announcement_get(const struct request *rq, struct response *rs)
{
    int64_t id;
    if (!api_query_check(rq, rs, (const char *const[]){NULL}))
        return;
    if (!id_param(rq->params[0], &id)) {
        respond_no_announcement(rs, rq->params[0]);
        return;
    }
    struct db *db = db_reader();
    json_t *doc = NULL;
    int found = db ? announcement_load(db, id, &doc) : -1;
    if (found < 0)
        respond_internal(rq, rs, "announcement read failed");
    else if (found == 0)
        respond_no_announcement(rs, rq->params[0]);
    else
        respond_json_get(rq, rs, doc);
}

/* Answers 409 for a source URL that another announcement has. */
static void respond_conflict(struct response *rs, json_t *conflict)
{
    respond_problem(rs, 409, "conflict", "Conflict", "%s %s",
                    json_string_value(json_object_get(conflict, "field")),
                    json_string_value(json_object_get(conflict, "message")));
}

void h_announcements_create(const struct request *rq, struct response *rs)
{
    if (!api_require_token(rq, rs) || !api_query_check(rq, rs, (const char *const[]){NULL}))
        return;
    json_t *body = api_json_body(rq, rs, false);
    if (!body)
        return;
    json_t *errors = json_array(), *doc = NULL;
    char now[21];
    db_now(now);
    bool failed = false;
    struct db *db = db_writer_lock();
    if (!db_begin(db)) {
        failed = true;
        goto out;
    }
    enum store_status idem = api_idempotent_replay(rq, rs, db);
    if (idem != STORE_OK) {
        failed = store_failed(idem);
        goto out;
    }
    int64_t id = 0;
    json_t *conflict = NULL;
    int r = announcement_create(db, body, now, &id, errors, &conflict);
    if (r < 0) {
        failed = true;
    } else if (r == 0) {
        respond_invalid(rs, "Invalid announcement", errors);
        errors = NULL;
    } else if (r == 2) {
        respond_conflict(rs, conflict);
        json_decref(conflict);
    } else if (r == 1) {
        if (announcement_load(db, id, &doc) != 1) {
            failed = true;
            goto out;
        }
        respond_json(rs, 201, doc);
        doc = NULL;
        respond_etag(rs);
        respond_header(rs, "Location", "/v1/announcements/%lld", (long long)id);
        if (api_idempotent_store(rq, rs, db) != STORE_OK || !db_commit(db)) {
            failed = true;
            goto out;
        }
    }
out:
    db_rollback(db); /* no-op after a commit */
    db_writer_unlock();
    if (failed) {
        response_free(rs);
        respond_internal(rq, rs, "announcement create failed");
    }
    json_decref(doc);
    json_decref(errors);
    json_decref(body);
}

void h_announcement_patch(const struct request *rq, struct response *rs)
{
    int64_t id;
    if (!api_require_token(rq, rs) || !api_query_check(rq, rs, (const char *const[]){NULL}))
        return;
    json_t *patch = api_json_body(rq, rs, true);
    if (!patch)
        return;
    if (!id_param(rq->params[0], &id)) {
        respond_no_announcement(rs, rq->params[0]);
        json_decref(patch);
        return;
    }
    json_t *errors = json_array(), *current = NULL, *merged = NULL, *doc = NULL;
    struct announcement_input a;
    memset(&a, 0, sizeof a);
    int64_t ids[ANN_COMPANIES_MAX] = {0};
    char now[21];
    db_now(now);
    bool failed = true;
    struct db *db = db_writer_lock();
    if (!db_begin(db))
        goto out;
    int found = announcement_load(db, id, &current);
    if (found <= 0) {
        failed = found < 0;
        if (found == 0)
            respond_no_announcement(rs, rq->params[0]);
        goto out;
    }
    failed = false;
    if (!api_check_if_match(rq, rs, current))
        goto out;
    json_t *input = announcement_as_input(current);
    merged = jsonx_merge_patch(input, patch);
    json_decref(input);
    announcement_input_parse(merged, &a, errors);
    failed = true;
    if (!announcement_resolve_companies(db, &a, ids, errors))
        goto out;
    failed = false;
    if (json_array_size(errors)) {
        respond_invalid(rs, "Invalid announcement", errors);
        errors = NULL;
        goto out;
    }
    json_t *conflict = NULL;
    int taken = announcement_sources_free(db, &a, id, &conflict);
    failed = taken < 0;
    if (taken > 0) {
        respond_conflict(rs, conflict);
        json_decref(conflict);
    }
    if (taken)
        goto out;
    failed = true;
    if (!announcement_write(db, &a, ids, now, &id))
        goto out;
    if (json_object_get(patch, "pledges")) {
        /* Arrays given are replaced whole: the old pledges go. */
        size_t i;
        json_t *old;
        json_array_foreach(json_object_get(current, "pledges"), i, old)
            if (!pledge_delete(db, json_integer_value(json_object_get(old, "id"))))
                goto out;
        for (i = 0; i < a.n_pledges; i++) {
            int64_t pid;
            if (!pledge_insert(db, id, (int)i, a.announced_on, &a.pledges[i],
                               announcement_pledge_company(&a, ids, &a.pledges[i]), now, &pid))
                goto out;
        }
    } else {
        sqlite3_stmt *st = db_prepare(db, "UPDATE pledges SET announced_on = ? WHERE"
                                          " announcement_id = ? AND announced_on != ?");
        if (!st)
            goto out;
        sqlite3_bind_text(st, 1, a.announced_on, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, id);
        sqlite3_bind_text(st, 3, a.announced_on, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        db_done(st);
        if (rc != SQLITE_DONE || !pledges_refresh_usd(db, NULL, NULL, NULL, id))
            goto out;
    }
    if (announcement_load(db, id, &doc) != 1 || !db_commit(db))
        goto out;
    failed = false;
    respond_json(rs, 200, doc);
    doc = NULL;
    respond_etag(rs);
out:
    db_rollback(db);
    db_writer_unlock();
    if (failed) {
        response_free(rs);
        respond_internal(rq, rs, "announcement update failed");
    }
    announcement_input_free(&a);
    json_decref(doc);
    json_decref(merged);
    json_decref(current);
    json_decref(errors);
    json_decref(patch);
}

void h_announcement_delete(const struct request *rq, struct response *rs)
{
    api_delete_by_id(rq, rs, announcement_load, announcement_delete, respond_no_announcement,
                     "announcement delete failed");
}

static json_t *announcement_row(struct db *db, sqlite3_stmt *st)
{
    return announcement_json(db, st, false);
}

const struct sort_field announcement_sorts[] = {
    {"announced_on", SORT_TEXT},
    {"created_at", SORT_TEXT},
    {"updated_at", SORT_TEXT},
    {NULL, SORT_TEXT},
};

void h_announcements_list(const struct request *rq, struct response *rs)
{
    static const char *const allowed[] = {"company", "country", "from", "to", "q", "sort",
                                          "limit", "cursor", "count", "format", NULL};
    static const char *const columns[] = {"id", "title", "announced_on",
                                          "announced_on_precision", "companies", "countries",
                                          "summary", "pledge_count", "total_usd", "targets_usd",
                                          "created_at", "updated_at", NULL};
    if (!api_query_check(rq, rs, allowed))
        return;
    struct list_filter f;
    if (!filter_parse(rq, rs, &f, FILTER_ANNOUNCEMENTS))
        return;
    int csv = csv_wanted(rq, rs);
    struct page pg;
    memset(&pg, 0, sizeof pg);
    if (csv < 0 || !page_parse(rq, rs, announcement_sorts, "-announced_on", &pg)) {
        page_free(&pg);
        filter_free(&f);
        return;
    }
    struct buf sql, count;
    buf_init(&sql, 8192);
    buf_init(&count, 8192);
    announcement_list_sql(&f, &pg, &sql);
    buf_printf(&count, "SELECT count(*) FROM announcements a WHERE 1=1%s", buf_str(&f.where));
    json_t *data = json_array();
    struct sq_json_rows rows = {announcement_row, data};
    struct page_end end;
    enum store_status st = sq_page_run(db_reader(), &pg, buf_str(&sql), buf_str(&count),
                                       filter_bind_fn, &f, sq_json_row, &rows,
                                       ANNOUNCEMENT_NCOLS, &end);
    page_answer(rq, rs, st, &pg, csv, data, columns, &end, "announcement list failed");
    buf_free(&sql);
    buf_free(&count);
    page_free(&pg);
    filter_free(&f);
}
