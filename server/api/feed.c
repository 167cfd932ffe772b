/* feed — across records: the tombstones (GET /v1/deleted) and the change
 * feed (GET /v1/changes), as JSON pages or as Server-Sent Events (see
 * feed.h). Reads only. */
#include "feed.h"

#include "api.h"
#include "app.h"
#include "date.h"
#include "history.h"
#include "jsonx.h"
#include "page.h"
#include "respond.h"
#include "sse.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- across records: tombstones and the feed ---- */

/* ?resource=pledges,announcements as a mask (every resource when absent);
 * a bad value is added to `errors`. */
static void resource_mask(const struct request *rq, json_t *errors, unsigned *mask)
{
    const char *v = api_query(rq, "resource");
    *mask = v ? 0 : (1u << RES_RATES_RUN) - 1;
    while (v && *v) {
        const char *end = strchr(v, ',');
        size_t n = end ? (size_t)(end - v) : strlen(v);
        bool known = false;
        for (int r = 0; r < RES_RATES_RUN; r++) {
            if (strlen(history_collection[r]) == n && strncmp(v, history_collection[r], n) == 0) {
                *mask |= 1u << r;
                known = true;
            }
        }
        if (!known) {
            jsonx_error_add(errors, "resource", "must be companies, announcements, pledges or "
                                                "rates, separated by commas");
            return;
        }
        v = end ? end + 1 : v + n;
    }
    if (!*mask)
        jsonx_error_add(errors, "resource", "must name at least one resource");
}

/* ?since= for the tombstones: an RFC 3339 UTC time or a date (its start),
 * as text comparable with `at`; a bad value is added to `errors`. */
static void since_time(const struct request *rq, json_t *errors, char out[21])
{
    const char *v = api_query(rq, "since");
    out[0] = '\0';
    if (!v)
        return;
    size_t n = strlen(v);
    char day[11];
    int y, m, d, hh, mm, ss;
    snprintf(day, sizeof day, "%.10s", v);
    bool ok = date_parse(day, &y, &m, &d) &&
              (n == 10 || (n == 20 && sscanf(v + 10, "T%2d:%2d:%2dZ", &hh, &mm, &ss) == 3 &&
                           v[13] == ':' && v[16] == ':' && v[19] == 'Z' && hh < 24 && mm < 60 &&
                           ss < 60 && hh >= 0 && mm >= 0 && ss >= 0));
    if (ok)
        snprintf(out, 21, "%s%s", v, n == 10 ? "T00:00:00Z" : "");
    else
        jsonx_error_add(errors, "since", "must be a date (2024-04-10) or a UTC time "
                                         "(2024-04-10T09:00:00Z)");
}

/* Answers 400 listing every bad parameter and returns false when `errors`
 * holds any (it is taken either way). */
static bool params_ok(struct response *rs, json_t *errors)
{
    if (!json_array_size(errors)) {
        json_decref(errors);
        return true;
    }
    respond_bad_params(rs, errors);
    return false;
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
        history_record_path(r, path, sizeof path);
        item = json_object();
        json_object_set_new(item, "resource", json_string(store_resource_name(r->resource)));
        history_identify(item, r);
        json_object_set_new(item, "version", json_integer(r->version));
        json_object_set_new(item, "deleted_at", json_string(r->at));
        json_object_set_new(item, "deleted_by", r->by[0] ? json_string(r->by) : json_null());
        char history[80 + SLUG_MAX];
        snprintf(history, sizeof history, "%s/history", path);
        json_object_set_new(item, "history", json_string(history));
    } else {
        item = history_revision_json(r, NULL, true);
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
    json_t *errors = json_array();
    resource_mask(rq, errors, &q.mask);
    since_time(rq, errors, q.since);
    if (!params_ok(rs, errors))
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
};

/* One revision as an event: its seq is the id a client resumes from. */
static bool stream_one(void *ctx, const struct store_revision *r)
{
    struct stream_feed *f = ctx;
    json_t *item = history_revision_json(r, NULL, true);
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

/* Writes what is new for the stream into out; false to cut the client off. */
static bool stream_read(struct stream_feed *f, struct buf *out)
{
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

static bool stream_fill(void *ctx, struct buf *out)
{
    bool keep = stream_read(ctx, out);
    store_reader_release(); /* called outside any request: readers.h */
    return keep;
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
    json_t *errors = json_array();
    resource_mask(rq, errors, &q.mask);
    const char *since = api_query(rq, "since"), *limit = api_query(rq, "limit");
    if (since && !int_parse(since, 0, INT64_MAX, &q.after))
        jsonx_error_add(errors, "since", "is not a cursor this feed gave out (next_cursor); "
                                         "start with since=0");
    if (limit && !int_parse(limit, 1, PAGE_MAX_LIMIT, &q.limit))
        jsonx_error_add(errors, "limit", "must be an integer from 1 to %d", PAGE_MAX_LIMIT);
    if (!params_ok(rs, errors))
        return;
    if (wants_stream(rq)) {
        answer_stream(rq, rs, q.mask, q.after, since == NULL);
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
