/* bulk — import, export and seed (see bulk.h). */
#include "bulk.h"

#include "company_input.h"
#include "jsonx.h"
#include "render.h"
#include "restore.h"
#include "revise.h"
#include "save.h"
#include "store.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH_LINES 1000
#define LINE_MAX_BYTES (1 << 20)

static void report_errors(FILE *report, size_t lineno, const char *what, json_t *errors)
{
    fprintf(report, "line %zu: %s\n", lineno, what);
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e)
        fprintf(report, "  %s: %s\n", json_string_value(json_object_get(e, "field")),
                json_string_value(json_object_get(e, "message")));
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What importing one line did. */
enum line_result { LINE_WRITTEN, LINE_SKIPPED, LINE_REFUSED };

struct line_tx {
    const json_t *obj;
    bool seed;
    bool restore_ok;    /* the database was empty when the import began */
    size_t lineno;
    FILE *report;
    enum line_result result;
};

/* A line with history (restore.h): restored, or refused with the reason. */
static enum store_status import_history_line(struct db *db, struct line_tx *t, const char *now,
                                             json_t *errors)
{
    if (!t->restore_ok) {
        fprintf(t->report, "line %zu: a line with history (\"restore\" or \"revision\") "
                           "goes into an empty database only: its ids are kept\n", t->lineno);
        return STORE_ABORTED;
    }
    json_t *conflict = NULL;
    enum store_status st = restore_line(db, t->obj, now, errors, &conflict);
    if (st == STORE_ABORTED && conflict)
        fprintf(t->report, "line %zu: %s %s\n", t->lineno,
                json_string_value(json_object_get(conflict, "field")),
                json_string_value(json_object_get(conflict, "message")));
    else if (st == STORE_ABORTED)
        report_errors(t->report, t->lineno, "cannot restore", errors);
    json_decref(conflict);
    return st;
}

/* Imports one parsed line, inside its own savepoint: STORE_OK when written;
 * STORE_ABORTED (rolled back) when skipped or refused, as t->result says;
 * otherwise a database failure. */
static enum store_status import_line(struct db *db, void *ctx)
{
    struct line_tx *t = ctx;
    char now[21];
    store_now(now);
    json_t *errors = json_array();
    enum store_status st;
    json_t *company = json_object_get(t->obj, "company");
    t->result = LINE_REFUSED;
    if (restore_line_has_history(t->obj)) {
        st = import_history_line(db, t, now, errors);
    } else if (company && json_object_size(t->obj) == 1) {
        struct company_input in;
        memset(&in, 0, sizeof in);
        if (!json_is_object(company))
            jsonx_error_add(errors, "company", "must be an object");
        else
            company_input_parse(company, INPUT_CREATE, &in, errors);
        st = json_array_size(errors) ? STORE_ABORTED : store_company_insert(db, &in, now);
        if (st == STORE_OK)
            st = revise_new_company(db, in.slug, now);
        if (st == STORE_ABORTED)
            report_errors(t->report, t->lineno, "invalid company", errors);
        if (st == STORE_CONFLICT)
            t->result = LINE_SKIPPED;
        company_input_free(&in);
    } else {
        int64_t id = 0;
        json_t *conflict = NULL;
        st = announcement_save(db, t->obj, true, now, &id, errors, &conflict);
        if (st == STORE_OK)
            st = revise_announcement(db, id, true, now);
        if (st == STORE_ABORTED && conflict && t->seed)
            t->result = LINE_SKIPPED;
        else if (st == STORE_ABORTED && conflict)
            fprintf(t->report, "line %zu: %s %s\n", t->lineno,
                    json_string_value(json_object_get(conflict, "field")),
                    json_string_value(json_object_get(conflict, "message")));
        else if (st == STORE_ABORTED)
            report_errors(t->report, t->lineno, "invalid announcement", errors);
        json_decref(conflict);
    }
    json_decref(errors);
    if (st == STORE_OK)
        t->result = LINE_WRITTEN;
    return st == STORE_CONFLICT ? STORE_ABORTED : st;
}

/* The state of an import between batches. */
struct import {
    FILE *in;
    long long size, consumed;
    bool seed, eof, restore_ok, restored;
    FILE *report, *progress;
    bool tty;
    char *line;
    size_t cap, lineno;
    double start, last_shown;
    struct import_result *res;
};

static void show_progress(struct import *im)
{
    double t = now_seconds();
    if (!im->tty || t - im->last_shown < 0.25)
        return;
    double rate = (double)im->res->lines / (t - im->start > 0 ? t - im->start : 1e-9);
    if (im->size > 0 && im->consumed > 0) {
        double eta = (t - im->start) * (double)(im->size - im->consumed) / (double)im->consumed;
        fprintf(im->progress, "\r%zu lines, %.0f lines/s, ETA %.0f s   ", im->res->lines, rate,
                eta);
    } else {
        fprintf(im->progress, "\r%zu lines, %.0f lines/s   ", im->res->lines, rate);
    }
    fflush(im->progress);
    im->last_shown = t;
}

/* The next non-empty line, parsed; NULL at the end (im->eof) or for a line
 * refused before it reaches the store (counted and reported). */
static json_t *next_object(struct import *im)
{
    ssize_t n = getline(&im->line, &im->cap, im->in);
    if (n <= 0) {
        im->eof = true;
        return NULL;
    }
    im->lineno++;
    im->consumed += n;
    while (n > 0 && (im->line[n - 1] == '\n' || im->line[n - 1] == '\r'))
        im->line[--n] = '\0';
    if (n == 0)
        return NULL;
    im->res->lines++;
    if (n > LINE_MAX_BYTES) {
        fprintf(im->report, "line %zu: longer than %d bytes\n", im->lineno, LINE_MAX_BYTES);
        im->res->refused++;
        return NULL;
    }
    char err[256];
    json_t *obj = jsonx_parse_object(im->line, (size_t)n, err, sizeof err);
    if (!obj) {
        fprintf(im->report, "line %zu: %s\n", im->lineno, err);
        im->res->refused++;
    }
    return obj;
}

/* One transaction of up to BATCH_LINES lines, each in its own savepoint. */
static enum store_status import_batch(struct db *db, void *ctx)
{
    struct import *im = ctx;
    for (size_t in_batch = 0; in_batch < BATCH_LINES && !im->eof;) {
        json_t *obj = next_object(im);
        if (!obj)
            continue;
        struct line_tx t = {obj, im->seed, im->restore_ok, im->lineno, im->report, LINE_REFUSED};
        bool history = restore_line_has_history(obj);
        enum store_status st = store_nested(db, import_line, &t);
        im->restored |= history && t.result == LINE_WRITTEN;
        json_decref(obj);
        if (store_failed(st))
            return st;
        im->res->imported += t.result == LINE_WRITTEN;
        im->res->skipped += t.result == LINE_SKIPPED;
        im->res->refused += t.result == LINE_REFUSED;
        in_batch++;
        show_progress(im);
    }
    /* Restored ids stay taken, deleted records' included. */
    return im->restored ? store_history_restored(db) : STORE_OK;
}

/* Every line, batch after batch, in the one transaction of a bulk load. */
static enum store_status import_all(struct db *db, void *ctx)
{
    struct import *im = ctx;
    enum store_status st = STORE_OK;
    while (st == STORE_OK && !im->eof)
        st = import_batch(db, im);
    return st == STORE_OK && ferror(im->in) ? STORE_ERROR : st;
}

/* A line of the generated benchmark data or of an export is 200 to 300
 * bytes a pledge; fewer bytes a pledge only makes the estimate high. */
#define BYTES_PER_PLEDGE 256
#define BULK_MIN_PLEDGES 20000

enum import_mode bulk_import_mode(long long size, int64_t pledges)
{
    long long incoming = size / BYTES_PER_PLEDGE;
    /* Rebuilding an index sorts every row, old and new, once; inserting
     * costs a few page visits per row in each index. Rebuild when the new
     * rows are many and at least as many as the old. */
    return incoming >= BULK_MIN_PLEDGES && incoming >= pledges ? IMPORT_BULK : IMPORT_BATCHES;
}

bool bulk_import(struct db *db, FILE *in, long long size, bool seed, enum import_mode mode,
                 FILE *report, FILE *progress, struct import_result *res)
{
    memset(res, 0, sizeof *res);
    bool empty = false;
    if (store_history_empty(db, &empty) != STORE_OK)
        return false;
    struct import im = {.in = in, .size = size, .seed = seed, .restore_ok = empty,
                        .report = report,
                        .progress = progress, .tty = progress && isatty(fileno(progress)),
                        .start = now_seconds(), .res = res};
    bool ok = true;
    if (mode == IMPORT_BULK) {
        ok = store_bulk_write_on(db, import_all, &im) == STORE_OK;
        if (!ok)
            res->imported = res->skipped = 0;
    } else {
        while (ok && !im.eof)
            ok = store_write_on(db, import_batch, &im) == STORE_OK;
    }
    if (ferror(in))
        ok = false;
    if (im.tty)
        fprintf(progress, "\r%*s\r", 60, "");
    free(im.line);
    return ok;
}

struct export {
    FILE *out;
    bool with_history;
};

/* Each company of a page as an import line. */
static bool export_company(void *ctx, const struct store_company *sc)
{
    struct export *e = ctx;
    json_t *c = json_pack("{s:s, s:s}", "slug", sc->slug, "name", sc->name);
    if (sc->country[0])
        json_object_set_new(c, "country", json_string(sc->country));
    if (sc->website)
        json_object_set_new(c, "website", json_string(sc->website));
    json_t *aliases = sc->aliases ? json_loads(sc->aliases, 0, NULL) : NULL;
    if (json_array_size(aliases))
        json_object_set_new(c, "aliases", aliases);
    else
        json_decref(aliases);
    json_t *line = json_pack("{s:o}", "company", c);
    if (e->with_history)
        json_object_set_new(line, "restore", restore_of_company(sc));
    char *text = jsonx_dump(line, NULL);
    json_decref(line);
    bool ok = text && fprintf(e->out, "%s\n", text) > 0;
    free(text);
    return ok;
}

static enum store_status export_companies(struct db *db, struct export *e)
{
    struct page pg = {.n_keys = 1, .limit = 500};
    pg.keys[0] = &store_company_sorts[0]; /* slug */
    struct store_company_filter all = {NULL, NULL};
    enum store_status st;
    do {
        struct page_end end;
        st = store_company_list(db, &all, &pg, export_company, e, &end);
        json_decref(pg.after);
        pg.after = end.next_after;
    } while (st == STORE_OK && pg.after);
    json_decref(pg.after);
    return st;
}

struct id_list {
    int64_t *ids;
    size_t n, cap;
};

static bool collect_id(void *ctx, int64_t id)
{
    struct id_list *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1024;
        int64_t *grown = realloc(l->ids, cap * sizeof *grown);
        if (!grown)
            return false;
        l->ids = grown;
        l->cap = cap;
    }
    l->ids[l->n++] = id;
    return true;
}

static bool export_announcement(struct db *db, int64_t id, const struct export *e)
{
    struct store_announcement a;
    if (store_announcement_get(db, id, true, &a) != STORE_OK)
        return false;
    json_t *doc = announcement_json(&a, true);
    json_t *input = doc ? announcement_as_input(doc) : NULL;
    json_decref(doc);
    if (input && e->with_history)
        json_object_set_new(input, "restore", restore_of_announcement(&a));
    store_announcement_free(&a);
    FILE *out = e->out;
    char *text = input ? jsonx_dump(input, NULL) : NULL;
    json_decref(input);
    bool ok = text && fprintf(out, "%s\n", text) > 0;
    free(text);
    return ok;
}

bool bulk_export(struct db *db, FILE *out, bool with_history)
{
    struct export e = {out, with_history};
    struct id_list l = {0};
    bool ok = export_companies(db, &e) == STORE_OK &&
              store_announcement_ids(db, collect_id, &l) == STORE_OK;
    for (size_t i = 0; ok && i < l.n; i++)
        ok = export_announcement(db, l.ids[i], &e);
    free(l.ids);
    if (ok && with_history)
        ok = restore_export_revisions(db, out);
    return ok && fflush(out) == 0;
}
