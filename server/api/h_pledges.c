/* h_pledges — /v1/pledges: list (filters, sorts, keyset pages, CSV),
 * create, read, merge-patch, delete. A pledge belongs to an announcement;
 * its company must be one of the announcement's (or null: joint) and its
 * evidence must cite the announcement's sources. */
#include "api.h"
#include "date.h"
#include "csv.h"
#include "handlers.h"
#include "keyset.h"
#include "jsonx.h"
#include "page.h"
#include "records.h"
#include "respond.h"
#include "search.h"

#include <stdlib.h>
#include <string.h>

static void respond_no_pledge(struct response *rs, const char *id)
{
    respond_problem(rs, 404, "not-found", "Not found", "no pledge has the id '%.40s'", id);
}

void h_pledge_get(const struct request *rq, struct response *rs)
{
    int64_t id;
    if (!api_query_check(rq, rs, (const char *const[]){NULL}))
        return;
    if (!id_param(rq->params[0], &id)) {
        respond_no_pledge(rs, rq->params[0]);
        return;
    }
    struct db *db = db_reader();
    json_t *doc = NULL;
    int found = db ? pledge_load(db, id, &doc) : -1;
    if (found < 0)
        respond_internal(rq, rs, "pledge read failed");
    else if (found == 0)
        respond_no_pledge(rs, rq->params[0]);
    else
        respond_json_get(rq, rs, doc);
}

/* The announcement's date, company slugs and source URLs (into the
 * caller's arrays, strings owned by `keep`): 1 found, 0 not, -1 error. Only
 * what a pledge is checked against is read, never the other pledges. */
static int announcement_context(struct db *db, int64_t id, char date[DATE_TEXT], json_t *keep)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT announced_on FROM announcements WHERE id = ?");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(date, DATE_TEXT, "%s", (const char *)sqlite3_column_text(st, 0));
    db_done(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? 0 : -1;
    json_t *companies = json_array(), *urls = json_array();
    json_object_set_new(keep, "companies", companies);
    json_object_set_new(keep, "urls", urls);
    static const char *const sql[2] = {
        "SELECT c.slug FROM announcement_companies ac JOIN companies c ON c.id = ac.company_id"
        " WHERE ac.announcement_id = ? ORDER BY ac.position",
        "SELECT url FROM sources WHERE announcement_id = ? ORDER BY position"};
    for (int i = 0; i < 2; i++) {
        st = db_prepare(db, sql[i]);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, id);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            json_array_append_new(i ? urls : companies,
                                  json_string((const char *)sqlite3_column_text(st, 0)));
        db_done(st);
        if (rc != SQLITE_DONE)
            return -1;
    }
    return 1;
}

/* Validates a stand-alone pledge document against its announcement and
 * resolves its company. Returns 1 when valid (*ann_date and *company_id
 * set), 0 when errors were added, -1 on a database error. */
static int pledge_validate(struct db *db, const json_t *doc, struct pledge_input *p,
                           char ann_date[DATE_TEXT], int64_t *company_id, json_t *errors)
{
    pledge_input_parse(doc, true, "", p, errors);
    if (!p->announcement_id)
        return 0;
    json_t *ctx = json_object();
    int found = announcement_context(db, p->announcement_id, ann_date, ctx);
    if (found <= 0) {
        if (found == 0)
            jsonx_error_add(errors, "announcement_id", "no announcement has the id %lld",
                            (long long)p->announcement_id);
        json_decref(ctx);
        return found;
    }
    const char *companies[ANN_COMPANIES_MAX], *urls[ANN_SOURCES_MAX];
    size_t nc = 0, ns = 0, i;
    json_t *item;
    json_array_foreach(json_object_get(ctx, "companies"), i, item)
        if (nc < ANN_COMPANIES_MAX)
            companies[nc++] = json_string_value(item);
    json_array_foreach(json_object_get(ctx, "urls"), i, item)
        if (ns < ANN_SOURCES_MAX)
            urls[ns++] = json_string_value(item);
    pledge_check_context(p, companies, nc, urls, ns, "", errors);
    int result = json_array_size(errors) ? 0 : 1;
    *company_id = 0;
    if (result == 1 && p->company) {
        *company_id = company_id_of(db, p->company);
        if (*company_id <= 0)
            result = -1; /* the announcement names it, so it exists */
    }
    p->company = NULL; /* borrowed from ctx, which goes now */
    json_decref(ctx);
    return result;
}

void h_pledges_create(const struct request *rq, struct response *rs)
{
    if (!api_require_token(rq, rs) || !api_query_check(rq, rs, (const char *const[]){NULL}))
        return;
    json_t *body = api_json_body(rq, rs, false);
    if (!body)
        return;
    json_t *errors = json_array(), *doc = NULL;
    struct pledge_input p;
    memset(&p, 0, sizeof p);
    char now[21], ann_date[DATE_TEXT] = "";
    db_now(now);
    bool failed = true;
    struct db *db = db_writer_lock();
    if (!db_begin(db))
        goto out;
    failed = false;
    enum store_status idem = api_idempotent_replay(rq, rs, db);
    if (idem != STORE_OK) {
        failed = store_failed(idem);
        goto out;
    }
    int64_t company_id = 0, id = 0;
    int r = pledge_validate(db, body, &p, ann_date, &company_id, errors);
    failed = r < 0;
    if (r == 0) {
        respond_invalid(rs, "Invalid pledge", errors);
        errors = NULL;
    }
    if (r <= 0)
        goto out;
    failed = true;
    sqlite3_stmt *st = db_prepare(db, "SELECT coalesce(max(position), -1) + 1 FROM pledges"
                                      " WHERE announcement_id = ?");
    if (!st)
        goto out;
    sqlite3_bind_int64(st, 1, p.announcement_id);
    int position = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    db_done(st);
    if (!pledge_insert(db, p.announcement_id, position, ann_date, &p, company_id, now, &id) ||
        pledge_load(db, id, &doc) != 1)
        goto out;
    respond_json(rs, 201, doc);
    doc = NULL;
    respond_etag(rs);
    respond_header(rs, "Location", "/v1/pledges/%lld", (long long)id);
    if (api_idempotent_store(rq, rs, db) != STORE_OK || !db_commit(db))
        goto out;
    failed = false;
out:
    db_rollback(db);
    db_writer_unlock();
    if (failed) {
        response_free(rs);
        respond_internal(rq, rs, "pledge create failed");
    }
    pledge_input_free(&p);
    json_decref(doc);
    json_decref(errors);
    json_decref(body);
}

void h_pledge_patch(const struct request *rq, struct response *rs)
{
    int64_t id;
    if (!api_require_token(rq, rs) || !api_query_check(rq, rs, (const char *const[]){NULL}))
        return;
    json_t *patch = api_json_body(rq, rs, true);
    if (!patch)
        return;
    if (!id_param(rq->params[0], &id)) {
        respond_no_pledge(rs, rq->params[0]);
        json_decref(patch);
        return;
    }
    json_t *errors = json_array(), *current = NULL, *merged = NULL, *doc = NULL;
    struct pledge_input p;
    memset(&p, 0, sizeof p);
    char now[21], ann_date[DATE_TEXT] = "";
    db_now(now);
    bool failed = true;
    struct db *db = db_writer_lock();
    if (!db_begin(db))
        goto out;
    int found = pledge_load(db, id, &current);
    failed = found < 0;
    if (found == 0)
        respond_no_pledge(rs, rq->params[0]);
    if (found <= 0 || !api_check_if_match(rq, rs, current))
        goto out;
    json_t *input = pledge_as_input(current);
    merged = jsonx_merge_patch(input, patch);
    json_decref(input);
    int64_t company_id = 0;
    int r = pledge_validate(db, merged, &p, ann_date, &company_id, errors);
    failed = r < 0;
    if (r == 0) {
        respond_invalid(rs, "Invalid pledge", errors);
        errors = NULL;
    }
    if (r <= 0)
        goto out;
    failed = true;
    if (!pledge_update(db, id, p.announcement_id, ann_date, &p, company_id, now) ||
        pledge_load(db, id, &doc) != 1 || !db_commit(db))
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
        respond_internal(rq, rs, "pledge update failed");
    }
    pledge_input_free(&p);
    json_decref(doc);
    json_decref(merged);
    json_decref(current);
    json_decref(errors);
    json_decref(patch);
}

void h_pledge_delete(const struct request *rq, struct response *rs)
{
    api_delete_by_id(rq, rs, pledge_load, pledge_delete, respond_no_pledge,
                     "pledge delete failed");
}

const struct sort_field pledge_sorts[] = {
    {"announced_on", SORT_TEXT},
    {"amount_usd", SORT_INT},
    {"people", SORT_INT},
    {"created_at", SORT_TEXT},
    {"updated_at", SORT_TEXT},
    {NULL, SORT_TEXT},
};

static json_t *pledge_row(struct db *db, sqlite3_stmt *st)
{
    (void)db;
    return pledge_json(st);
}

const char *const pledge_list_params[] = {
    "company", "announcement", "country", "kind", "status", "currency", "min_usd", "max_usd",
    "approximate", "from", "to", "q", "sort", "limit", "cursor", "count", "format", NULL};

void h_pledges_list(const struct request *rq, struct response *rs)
{
    static const char *const columns[] = {
        "id", "announcement_id", "announced_on", "announced_on_precision", "company", "kind",
        "description", "country", "amount.currency", "amount.value", "amount_qualifier",
        "amount_usd", "people", "people_qualifier", "starts_on", "ends_on", "duration_months", "status", "created_at",
        "updated_at", NULL};
    if (!api_query_check(rq, rs, pledge_list_params))
        return;
    struct list_filter f;
    if (!filter_parse(rq, rs, &f, FILTER_PLEDGES))
        return;
    int csv = csv_wanted(rq, rs);
    struct page pg;
    memset(&pg, 0, sizeof pg);
    if (csv < 0 || !page_parse(rq, rs, pledge_sorts, "-announced_on", &pg)) {
        page_free(&pg);
        filter_free(&f);
        return;
    }
    struct db *db = db_reader();
    if (!db || !filter_choose_usd_seek(db, &f)) {
        respond_internal(rq, rs, "pledge list failed");
        page_free(&pg);
        filter_free(&f);
        return;
    }
    struct buf sql, count;
    buf_init(&sql, 8192);
    buf_init(&count, 8192);
    pledge_list_sql(&f, &pg, &sql);
    pledge_count_sql(&f, &count);
    json_t *data = json_array();
    struct sq_json_rows rows = {pledge_row, data};
    struct page_end end;
    enum store_status st = sq_page_run(db, &pg, buf_str(&sql), buf_str(&count), filter_bind_fn,
                                       &f, sq_json_row, &rows, PLEDGE_NCOLS, &end);
    page_answer(rq, rs, st, &pg, csv, data, columns, &end, "pledge list failed");
    buf_free(&sql);
    buf_free(&count);
    page_free(&pg);
    filter_free(&f);
}
