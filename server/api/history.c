/* history — record histories, versions, tombstones and the change feed
 * (see history.h). Reads only: revisions are written by revise.c and the
 * store, in the transactions of the changes they record. */
#include "history.h"

#include "api.h"
#include "app.h"
#include "date.h"
#include "jsonx.h"
#include "page.h"
#include "respond.h"
#include "search.h"
#include "slug.h"
#include "sse.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const collection[RES_COUNT] = {"companies", "announcements", "pledges",
                                                  "rates", "rates"};

/* The record's path, "/v1/pledges/42" or "/v1/companies/acme". */
static void record_path(const struct store_revision *r, char *out, size_t len)
{
    if (r->resource == RES_COMPANY)
        snprintf(out, len, "/v1/companies/%s", r->key);
    else if (r->resource == RES_RATE)
        snprintf(out, len, "/v1/rates/%s", r->key);
    else if (r->resource == RES_RATES_RUN)
        snprintf(out, len, "/v1/rates");
    else
        snprintf(out, len, "/v1/%s/%lld", collection[r->resource], (long long)r->record_id);
}

/* What the revision is of: an id, a company's slug, a rate's key, or a
 * rates run's source. */
static void identify(json_t *o, const struct store_revision *r)
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
static json_t *revision_json(const struct store_revision *r, const char *prev, bool with_record)
{
    json_t *rec = r->record ? json_loads(r->record, 0, NULL) : NULL;
    json_t *before = prev ? json_loads(prev, 0, NULL) : NULL;
    json_t *o = json_object();
    char path[64 + SLUG_MAX];
    record_path(r, path, sizeof path);
    json_object_set_new(o, "resource", json_string(store_resource_name(r->resource)));
    identify(o, r);
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
    bool failed;
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
        json_array_append_new(data, revision_json(&g.items[i], prev, true));
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
        json_t *doc = revision_json(&rev, have_prev ? prev.record : NULL, true);
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
        snprintf(path, sizeof path, "/v1/%s/%lld", collection[r], (long long)id);
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
        snprintf(path, len, "/v1/%s/%.40s", collection[r], p);
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

/* ---- across records: tombstones and the feed ---- */

/* ?resource=pledges,announcements as a mask (every resource when absent);
 * false after answering 400. */
static bool resource_mask(const struct request *rq, struct response *rs, unsigned *mask)
{
    const char *v = api_query(rq, "resource");
    *mask = v ? 0 : (1u << RES_RATES_RUN) - 1;
    while (v && *v) {
        const char *end = strchr(v, ',');
        size_t n = end ? (size_t)(end - v) : strlen(v);
        bool known = false;
        for (int r = 0; r < RES_RATES_RUN; r++) {
            if (strlen(collection[r]) == n && strncmp(v, collection[r], n) == 0) {
                *mask |= 1u << r;
                known = true;
            }
        }
        if (!known) {
            respond_bad_param(rs, "resource", "must be companies, announcements, pledges or "
                                              "rates, separated by commas");
            return false;
        }
        v = end ? end + 1 : v + n;
    }
    if (!*mask) {
        respond_bad_param(rs, "resource", "must name at least one resource");
        return false;
    }
    return true;
}

/* ?since= for the tombstones: an RFC 3339 UTC time or a date (its start),
 * as text comparable with `at`. */
static bool since_time(const struct request *rq, struct response *rs, char out[21])
{
    const char *v = api_query(rq, "since");
    out[0] = '\0';
    if (!v)
        return true;
    size_t n = strlen(v);
    char day[11];
    int y, m, d, hh, mm, ss;
    snprintf(day, sizeof day, "%.10s", v);
    bool ok = date_parse(day, &y, &m, &d) &&
              (n == 10 || (n == 20 && sscanf(v + 10, "T%2d:%2d:%2dZ", &hh, &mm, &ss) == 3 &&
                           v[13] == ':' && v[16] == ':' && v[19] == 'Z' && hh < 24 && mm < 60 &&
                           ss < 60 && hh >= 0 && mm >= 0 && ss >= 0));
    if (!ok) {
        respond_bad_param(rs, "since", "must be a date (2024-04-10) or a UTC time "
                                       "(2024-04-10T09:00:00Z)");
        return false;
    }
    snprintf(out, 21, "%s%s", v, n == 10 ? "T00:00:00Z" : "");
    return true;
}

struct feed_page {
    json_t *data;
    bool tombstones;
    int64_t last_seq;
    int64_t n, limit, seq_at_limit; /* the seq of the limit-th row */
};

static bool feed_one(void *ctx, const struct store_revision *r)
{
    struct feed_page *f = ctx;
    json_t *item;
    if (f->tombstones) {
        char path[64 + SLUG_MAX];
        record_path(r, path, sizeof path);
        item = json_object();
        json_object_set_new(item, "resource", json_string(store_resource_name(r->resource)));
        identify(item, r);
        json_object_set_new(item, "version", json_integer(r->version));
        json_object_set_new(item, "deleted_at", json_string(r->at));
        json_object_set_new(item, "deleted_by", r->by[0] ? json_string(r->by) : json_null());
        char history[80 + SLUG_MAX];
        snprintf(history, sizeof history, "%s/history", path);
        json_object_set_new(item, "history", json_string(history));
    } else {
        item = revision_json(r, NULL, true);
        json_object_del(item, "changes"); /* the feed carries the record after */
        char cursor[24];
        snprintf(cursor, sizeof cursor, "%lld", (long long)r->seq);
        json_object_set_new(item, "cursor", json_string(cursor));
    }
    f->last_seq = r->seq;
    if (++f->n == f->limit)
        f->seq_at_limit = r->seq;
    return item && json_array_append_new(f->data, item) == 0;
}

static const struct sort_field seq_sort[] = {{"seq", SORT_INT}, {NULL, SORT_INT}};

void h_deleted(const struct request *rq, struct response *rs)
{
    struct store_feed_query q = {.deletes_only = true};
    if (!resource_mask(rq, rs, &q.mask) || !since_time(rq, rs, q.since))
        return;
    struct page pg;
    if (page_parse(rq, rs, seq_sort, "seq", &pg)) {
        q.after = pg.after ? json_integer_value(json_array_get(pg.after, 0)) : 0;
        q.limit = pg.limit + 1;
        struct feed_page f = {json_array(), true, 0, 0, pg.limit, 0};
        enum store_status st = store_revisions_feed(store_reader(), &q, feed_one, &f);
        struct page_end end = {NULL, -1};
        if (st == STORE_OK && json_array_size(f.data) > (size_t)pg.limit) {
            json_array_remove(f.data, (size_t)pg.limit);
            end.next_after =
                json_pack("[I, I]", (json_int_t)f.seq_at_limit, (json_int_t)f.seq_at_limit);
        }
        page_answer(rq, rs, st, &pg, false, f.data, NULL, &end, "tombstone list failed");
    }
    page_free(&pg);
}

/* ---- the feed as Server-Sent Events ---- */

#define STREAM_BATCH 200   /* revisions read at once */
#define STREAM_ROUNDS 5    /* batches a fill may read before it lets others go */

struct stream_feed {
    unsigned mask;
    int64_t cursor;        /* the last seq sent */
    struct buf *out;
    bool failed;
};

/* One revision as an event: its seq is the id a client resumes from. */
static bool stream_one(void *ctx, const struct store_revision *r)
{
    struct stream_feed *f = ctx;
    json_t *item = revision_json(r, NULL, true);
    json_object_del(item, "changes");
    char cursor[24];
    snprintf(cursor, sizeof cursor, "%lld", (long long)r->seq);
    json_object_set_new(item, "cursor", json_string(cursor));
    char *text = jsonx_dump(item, NULL);
    json_decref(item);
    bool ok = text && buf_printf(f->out, "id: %lld\nevent: change\ndata: %s\n\n",
                                 (long long)r->seq, text);
    free(text);
    f->cursor = r->seq;
    return ok;
}

static bool stream_fill(void *ctx, struct buf *out)
{
    struct stream_feed *f = ctx;
    struct db *db = store_reader();
    if (!db)
        return true; /* try again at the next wake-up */
    f->out = out;
    for (int round = 0; round < STREAM_ROUNDS; round++) {
        size_t before = out->len;
        int64_t from = f->cursor;
        struct store_feed_query q = {.mask = f->mask, .after = from, .limit = STREAM_BATCH};
        if (store_revisions_feed(db, &q, stream_one, f) != STORE_OK) {
            /* A failed read is retried from where the last whole event
             * ended; an event cut by a full buffer is not sent. */
            out->len = before;
            if (out->data)
                out->data[out->len] = '\0';
            f->cursor = from;
            return out->len < out->max / 2; /* a client this far behind is cut off */
        }
        if (f->cursor == from || f->cursor - from < STREAM_BATCH)
            break;
    }
    return true;
}

/* GET /v1/changes with Accept: text/event-stream: what is new since
 * Last-Event-ID (or since; or from now on), then each commit as it comes. */
static void answer_stream(const struct request *rq, struct response *rs, unsigned mask,
                          int64_t after, bool from_now)
{
    if (rq->last_event_id && !int_parse(rq->last_event_id, 0, INT64_MAX, &after)) {
        respond_problem(rs, 400, "bad-header", "Invalid Last-Event-ID",
                        "Last-Event-ID must be the id of an event this feed sent");
        return;
    }
    if (from_now && !rq->last_event_id &&
        store_revisions_head(store_reader(), &after) != STORE_OK) {
        respond_internal(rq, rs, "change feed read failed");
        return;
    }
    struct stream_feed *f = calloc(1, sizeof *f);
    if (!f) {
        respond_internal(rq, rs, "out of memory");
        return;
    }
    f->mask = mask;
    f->cursor = after;
    struct sse *s = sse_open(stream_fill, free, f);
    if (!s) {
        respond_problem(rs, 503, "unavailable", "Too many streams",
                        "%u change streams are open, the most this server keeps; retry soon "
                        "or poll /v1/changes?since=", g_app.cfg.max_streams);
        respond_header(rs, "Retry-After", "5");
        return;
    }
    rs->status = 200;
    rs->stream = s;
    rs->content_type = "text/event-stream";
    respond_header(rs, "Cache-Control", "no-cache");
    respond_header(rs, "X-Accel-Buffering", "no"); /* nginx: pass events on at once */
}

/* Whether the client asks for an event stream. */
static bool wants_stream(const struct request *rq)
{
    return rq->accept && strstr(rq->accept, "text/event-stream") != NULL;
}

void h_changes(const struct request *rq, struct response *rs)
{
    struct store_feed_query q = {.limit = PAGE_DEFAULT_LIMIT};
    if (!resource_mask(rq, rs, &q.mask))
        return;
    const char *since = api_query(rq, "since"), *limit = api_query(rq, "limit");
    if (since && !int_parse(since, 0, INT64_MAX, &q.after)) {
        respond_bad_param(rs, "since", "is not a cursor this feed gave out (next_cursor); "
                                       "start with since=0");
        return;
    }
    if (wants_stream(rq)) {
        answer_stream(rq, rs, q.mask, q.after, since == NULL);
        return;
    }
    if (limit && !int_parse(limit, 1, PAGE_MAX_LIMIT, &q.limit)) {
        respond_bad_param(rs, "limit", "must be an integer from 1 to %d", PAGE_MAX_LIMIT);
        return;
    }
    struct feed_page f = {json_array(), false, q.after, 0, 0, 0};
    enum store_status st = store_revisions_feed(store_reader(), &q, feed_one, &f);
    if (st != STORE_OK) {
        json_decref(f.data);
        respond_internal(rq, rs, "change feed read failed");
        return;
    }
    /* next_cursor is always given: the last change served, or where the
     * request started when there was none yet. */
    char next[24];
    snprintf(next, sizeof next, "%lld", (long long)f.last_seq);
    json_t *doc = json_pack("{s:o, s:s}", "data", f.data, "next_cursor", next);
    respond_json(rs, 200, doc);
    const char *res = api_query(rq, "resource");
    respond_header(rs, "Link", "</v1/changes?since=%s%s%s&limit=%lld>; rel=\"next\"", next,
                   res ? "&resource=" : "", res ? res : "", (long long)q.limit);
}
