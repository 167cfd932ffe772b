/* rates_update — download, read and store the publishers' rates (see
 * rates_update.h). The network is used with no lock held; the writer is
 * taken only to store a file already read whole. */
#include "rates_update.h"

#include "fetch.h"
#include "fxfiles.h"
#include "jsonx.h"
#include "rates.h"
#include "store.h"

#include <stdio.h>
#include "zipread.h"

#include <stdlib.h>
#include <string.h>

struct rows {
    struct fx_row *v;
    size_t n, cap;
};

static bool keep_row(void *ctx, const struct fx_row *row)
{
    struct rows *r = ctx;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 4096;
        struct fx_row *grown = realloc(r->v, cap * sizeof *grown);
        if (!grown)
            return false;
        r->v = grown;
        r->cap = cap;
    }
    r->v[r->n++] = *row;
    return true;
}

/* What one currency gained in one run. */
struct tally {
    char code[4];
    size_t added, changed;
    char first[DATE_TEXT], last[DATE_TEXT]; /* changed dates, for the pledges */
    char latest[DATE_TEXT], latest_source[STORE_WORD]; /* after the run */
};

static struct tally *tally_of(struct tally *t, size_t *n, const char *code)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(t[i].code, code) == 0)
            return &t[i];
    struct tally *x = &t[(*n)++];
    memset(x, 0, sizeof *x);
    memcpy(x->code, code, 4);
    snprintf(x->latest, sizeof x->latest, "?");
    return x;
}

static void note_date(struct tally *t, const char *date)
{
    if (!t->first[0] || strcmp(date, t->first) < 0)
        memcpy(t->first, date, DATE_TEXT);
    if (!t->last[0] || strcmp(date, t->last) > 0)
        memcpy(t->last, date, DATE_TEXT);
}

/* Whether the rule lets a row of `feed` (value, source) go over the stored
 * one; *exists says whether there is one. */
static enum store_status may_write(struct db *db, const struct fx_row *r, const char *value,
                                   const char *source, bool ecb, bool *exists)
{
    struct store_rate old;
    enum store_status st = store_rate_get(db, r->code, r->date, &old);
    *exists = st == STORE_OK;
    if (st == STORE_NOT_FOUND)
        return STORE_OK;
    if (st != STORE_OK)
        return st;
    if (strcmp(old.source, "manual") == 0)
        return STORE_ABORTED; /* a person's correction stands */
    if (ecb && strcmp(old.source, "ecb-derived") != 0)
        return STORE_ABORTED; /* never over a Fed rate */
    if (strcmp(old.source, source) == 0 && strcmp(old.per_usd, value) == 0)
        return STORE_ABORTED; /* nothing new */
    return STORE_OK;
}

/* Stores the rows by the rules and fills the tallies; the pledges whose
 * rates changed follow. */
static enum store_status store_rows(struct db *db, enum rates_feed feed, const struct rows *rows,
                                    struct tally *tallies, size_t *n_tallies)
{
    bool ecb = feed == FEED_ECB;
    struct store_rate w = {.source = ""};
    snprintf(w.source, sizeof w.source, "%s", ecb ? "ecb-derived" : "fed-h10");
    store_now(w.updated_at);
    /* For the ECB: each Fed currency's latest Fed date, read once. */
    char latest[64][DATE_TEXT];
    const char *latest_code[64];
    size_t n_latest = 0;
    enum store_status st = STORE_OK;
    for (size_t i = 0; ecb && fed_h10_currencies[i] && st == STORE_OK; i++, n_latest++) {
        latest_code[n_latest] = fed_h10_currencies[i];
        st = store_rate_latest_from(db, fed_h10_currencies[i], "fed-h10", latest[n_latest]);
    }
    for (size_t i = 0; i < rows->n && st == STORE_OK; i++) {
        const struct fx_row *r = &rows->v[i];
        bool skip = false;
        for (size_t k = 0; k < n_latest && !skip; k++)
            skip = strcmp(latest_code[k], r->code) == 0 && strcmp(r->date, latest[k]) <= 0;
        if (skip)
            continue; /* the Fed covers that day */
        rate_format(&r->per_usd, w.per_usd);
        memcpy(w.currency, r->code, sizeof w.currency);
        memcpy(w.date, r->date, sizeof w.date);
        bool exists;
        st = may_write(db, r, w.per_usd, w.source, ecb, &exists);
        if (st == STORE_ABORTED) {
            st = STORE_OK;
            continue;
        }
        if (st == STORE_OK)
            st = store_rate_put(db, &w);
        if (st != STORE_OK)
            break;
        if (*n_tallies == 64)
            return STORE_ERROR; /* cannot happen: fewer than 64 currencies are published */
        struct tally *t = tally_of(tallies, n_tallies, r->code);
        if (exists)
            t->changed++;
        else
            t->added++;
        note_date(t, r->date);
    }
    /* Pledges follow: every one whose date a changed rate can be in force
     * for (the day itself and up to RATE_MAX_AGE_DAYS after). */
    for (size_t i = 0; i < *n_tallies && st == STORE_OK; i++) {
        char until[DATE_TEXT];
        st = date_add_days(tallies[i].last, RATE_MAX_AGE_DAYS, until)
                 ? store_pledges_refresh_usd(db, tallies[i].code, tallies[i].first, until, 0)
                 : STORE_ERROR;
    }
    return st;
}

static const char *feed_key(enum rates_feed f)
{
    return f == FEED_FED ? "fed-h10" : "ecb";
}

static int by_code(const void *a, const void *b)
{
    return strcmp(((const struct tally *)a)->code, ((const struct tally *)b)->code);
}

/* What each currency gained, and its latest rate after the run (read in
 * the run's transaction). */
static void print_tallies(FILE *out, struct tally *t, size_t n)
{
    qsort(t, n, sizeof *t, by_code);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  %s  %4zu added  %4zu changed  latest %s (%s)\n", t[i].code, t[i].added,
                t[i].changed, t[i].latest, t[i].latest_source);
}

/* A run's transaction: the rows stored by the rules (none for a 304) and
 * the feed's success recorded, or nothing. */
struct run {
    enum rates_feed feed;
    const char *url;
    const struct rows *rows;
    const struct fetch_result *fr;
    struct tally tallies[64];
    size_t n_tallies;
    const char *why;            /* failure_body: what went wrong */
    const char *by, *by_after;  /* the run's actor, and the connection's after it */
};

/* The run's revision (issue 14: recorded per run, not per row): what it
 * read and what it added and changed per currency. Nothing for a run that
 * changed nothing. */
static enum store_status record_run(struct db *db, const struct run *r, const char *now)
{
    size_t added = 0, changed = 0;
    json_t *currencies = json_object();
    for (size_t i = 0; i < r->n_tallies; i++) {
        const struct tally *t = &r->tallies[i];
        added += t->added;
        changed += t->changed;
        json_object_set_new(currencies, t->code,
                            json_pack("{s:I, s:I, s:s, s:s}", "added", (json_int_t)t->added,
                                      "changed", (json_int_t)t->changed, "latest", t->latest,
                                      "latest_source", t->latest_source));
    }
    const char *name = feed_key(r->feed);
    enum store_status st = STORE_OK;
    if (added + changed > 0) {
        json_t *doc = json_pack("{s:s, s:s, s:I, s:I, s:I, s:O}", "source", name, "url", r->url,
                                "rates_read", (json_int_t)r->rows->n, "added",
                                (json_int_t)added, "changed", (json_int_t)changed,
                                "currencies", currencies);
        char *text = doc ? jsonx_dump(doc, NULL) : NULL;
        int64_t last = 0;
        st = text ? store_revision_last(db, RES_RATES_RUN, 0, name, &last) : STORE_ERROR;
        if (st == STORE_OK)
            st = store_revision_add(db, RES_RATES_RUN, 0, name, last + 1, "update", text, now);
        free(text);
        json_decref(doc);
    }
    json_decref(currencies);
    return st;
}

static enum store_status run_body(struct db *db, void *ctx)
{
    struct run *r = ctx;
    store_actor_set(db, r->by, NULL);
    enum store_status st =
        r->fr->status == 304 ? STORE_OK : store_rows(db, r->feed, r->rows, r->tallies, &r->n_tallies);
    for (size_t i = 0; i < r->n_tallies && st == STORE_OK; i++) {
        struct rate_found f;
        const struct currency *c = currency_find(r->tallies[i].code);
        if (c && rates_in_force(db, c, NULL, &f) == STORE_OK) {
            memcpy(r->tallies[i].latest, f.rate_date, DATE_TEXT);
            snprintf(r->tallies[i].latest_source, sizeof r->tallies[i].latest_source, "%s",
                     f.source);
        }
    }
    char now[21];
    store_now(now);
    bool fresh = r->fr->status == 200;
    if (st == STORE_OK)
        st = store_feed_record(db, feed_key(r->feed), r->url, NULL,
                               fresh ? r->fr->etag : NULL, fresh ? r->fr->last_modified : NULL,
                               now);
    if (st == STORE_OK)
        st = record_run(db, r, now);
    store_actor_set(db, r->by_after, NULL);
    return st;
}

/* The failure is counted in a transaction of its own. */
static enum store_status failure_body(struct db *db, void *ctx)
{
    struct run *r = ctx;
    char now[21];
    store_now(now);
    return store_feed_record(db, feed_key(r->feed), r->url, r->why, NULL, NULL, now);
}

static enum store_status write(const struct rates_update_options *o, store_tx_fn *body,
                               void *ctx)
{
    return o->writer ? store_write_on(o->writer, body, ctx) : store_write(body, ctx);
}

/* One source: download, read, store. */
static bool update_one(struct db *reader, const struct rates_update_options *o, enum rates_feed f,
                       char *err, size_t errlen)
{
    const char *url = f == FEED_FED ? o->fed_url : o->ecb_url;
    const char *name = feed_key(f);
    struct fetch_request rq = {.url = url, .total_timeout_s = o->timeout_s,
                               .max_bytes = o->max_bytes, .cancel = o->cancel};
    char etag[256], lm[128];
    struct db *db = reader ? reader : store_reader();
    if (!db || store_feed_validators(db, name, url, etag, lm) != STORE_OK)
        etag[0] = lm[0] = '\0'; /* an unconditional download then */
    if (!reader)
        store_reader_release();
    rq.etag = etag;
    rq.last_modified = lm;
    struct fetch_result fr;
    bool ok = fetch_get(&rq, &fr);
    struct rows rows = {0};
    char why[300] = "";
    char *csv = NULL;
    size_t csv_len = 0;
    if (!ok) {
        snprintf(why, sizeof why, "%s", fr.error);
    } else if (fr.status == 200) {
        const char *text = fr.body;
        size_t len = fr.len;
        if (f == FEED_ECB && len >= 4 && memcmp(fr.body, "PK\x03\x04", 4) == 0) {
            if (!zip_extract((const unsigned char *)fr.body, fr.len, "eurofxref-hist.csv",
                             FETCH_MAX_BYTES, &csv, &csv_len, why, sizeof why))
                ok = false;
            text = csv;
            len = csv_len;
        }
        if (ok)
            ok = f == FEED_FED ? fed_h10_read(text, len, o->since, keep_row, &rows, why, sizeof why)
                               : ecb_hist_read(text, len, o->since, keep_row, &rows, why, sizeof why);
    }
    if (o->cancel && atomic_load(o->cancel)) { /* shutting down: touch nothing */
        snprintf(err, errlen, "%s from %s: stopped (shutting down); nothing changed", name, url);
        free(rows.v);
        free(csv);
        fetch_result_free(&fr);
        return false;
    }
    struct run *run = calloc(1, sizeof *run);
    bool stored = false;
    if (run) {
        *run = (struct run){.feed = f, .url = url, .rows = &rows, .fr = &fr, .why = why,
                            .by = o->writer ? "cli" : "rates-refresh",
                            .by_after = o->writer ? "cli" : NULL};
        enum store_status st = ok ? write(o, run_body, run) : STORE_ABORTED;
        stored = st == STORE_OK;
        if (!stored && ok)
            snprintf(why, sizeof why, "%s", st == STORE_BUSY ? "the database is busy"
                                            : "the database refused the rates");
        if (!stored)
            (void)write(o, failure_body, run);
    } else {
        snprintf(why, sizeof why, "out of memory");
    }
    if (stored && o->out) {
        size_t added = 0, changed = 0;
        for (size_t i = 0; i < run->n_tallies; i++) {
            added += run->tallies[i].added;
            changed += run->tallies[i].changed;
        }
        if (fr.status == 304)
            fprintf(o->out, "%s: nothing new (the file is unchanged since the last update)\n", name);
        else if (added + changed == 0)
            fprintf(o->out, "%s: nothing new (%zu rates read, all already present)\n", name, rows.n);
        else
            fprintf(o->out, "%s: %zu rates read, %zu added, %zu changed\n", name, rows.n, added,
                    changed);
        print_tallies(o->out, run->tallies, run->n_tallies);
    }
    free(run);
    if (!stored)
        snprintf(err, errlen, "%s from %s: %s; nothing changed", name, url, why);
    free(rows.v);
    free(csv);
    fetch_result_free(&fr);
    return stored;
}

bool rates_update(struct db *reader, const struct rates_update_options *o, char *err,
                  size_t errlen)
{
    bool ok = true;
    char one[600];
    err[0] = '\0';
    /* The Fed first: the ECB's rows for Fed currencies start after it. */
    if (o->fed && !update_one(reader, o, FEED_FED, one, sizeof one)) {
        ok = false;
        snprintf(err, errlen, "%s", one);
    }
    if (o->ecb && !update_one(reader, o, FEED_ECB, one, sizeof one)) {
        if (!ok) {
            size_t n = strlen(err);
            snprintf(err + n, errlen - n, "\n%s", one);
        } else {
            snprintf(err, errlen, "%s", one);
        }
        ok = false;
    }
    return ok;
}
