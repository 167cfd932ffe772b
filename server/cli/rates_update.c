/* rates_update — download, read and store the publishers' rates (see
 * rates_update.h). The network is used with no lock held; the writer is
 * taken only to store a file already read whole. */
#include "rates_update.h"

#include "fetch.h"
#include "fxfiles.h"
#include "rates.h"
#include "records.h"
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
};

static struct tally *tally_of(struct tally *t, size_t *n, const char *code)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(t[i].code, code) == 0)
            return &t[i];
    struct tally *x = &t[(*n)++];
    memset(x, 0, sizeof *x);
    memcpy(x->code, code, 4);
    return x;
}

static void note_date(struct tally *t, const char *date)
{
    if (!t->first[0] || strcmp(date, t->first) < 0)
        memcpy(t->first, date, DATE_TEXT);
    if (!t->last[0] || strcmp(date, t->last) > 0)
        memcpy(t->last, date, DATE_TEXT);
}

/* The latest fed-h10 date of code ("" when none). */
static bool fed_latest(struct db *db, const char *code, char out[DATE_TEXT])
{
    sqlite3_stmt *st = db_prepare(db, "SELECT date FROM rates WHERE currency = ?"
                                      " AND source = 'fed-h10' ORDER BY date DESC LIMIT 1");
    if (!st)
        return false;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    out[0] = '\0';
    if (rc == SQLITE_ROW)
        snprintf(out, DATE_TEXT, "%s", (const char *)sqlite3_column_text(st, 0));
    db_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* Stores the rows by the rules; fills the tallies. False on a database
 * error. */
static bool store(struct db *db, enum rates_feed feed, const struct rows *rows,
                  struct tally *tallies, size_t *n_tallies)
{
    const char *source = feed == FEED_FED ? "fed-h10" : "ecb-derived";
    char now[21];
    db_now(now);
    /* For the ECB: each Fed currency's latest Fed date, read once. */
    char latest[64][DATE_TEXT];
    size_t n_latest = 0;
    const char *latest_code[64];
    for (size_t i = 0; feed == FEED_ECB && fed_h10_currencies[i]; i++) {
        latest_code[n_latest] = fed_h10_currencies[i];
        if (!fed_latest(db, fed_h10_currencies[i], latest[n_latest]))
            return false;
        n_latest++;
    }
    for (size_t i = 0; i < rows->n; i++) {
        const struct fx_row *r = &rows->v[i];
        if (feed == FEED_ECB) {
            bool skip = false;
            for (size_t k = 0; k < n_latest && !skip; k++)
                skip = strcmp(latest_code[k], r->code) == 0 && strcmp(r->date, latest[k]) <= 0;
            if (skip)
                continue; /* the Fed covers that day */
        }
        char value[MONEY_TEXT];
        rate_format(&r->per_usd, value);
        sqlite3_stmt *st = db_prepare(db, "SELECT per_usd, source FROM rates WHERE currency = ?"
                                          " AND date = ?");
        if (!st)
            return false;
        sqlite3_bind_text(st, 1, r->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, r->date, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        char old_value[MONEY_TEXT] = "", old_source[16] = "";
        if (rc == SQLITE_ROW) {
            snprintf(old_value, sizeof old_value, "%s", (const char *)sqlite3_column_text(st, 0));
            snprintf(old_source, sizeof old_source, "%s", (const char *)sqlite3_column_text(st, 1));
        }
        db_done(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return false;
        bool exists = rc == SQLITE_ROW;
        if (exists) {
            if (strcmp(old_source, "manual") == 0)
                continue; /* a person's correction stands */
            if (feed == FEED_ECB && strcmp(old_source, "ecb-derived") != 0)
                continue; /* never over a Fed rate */
            if (strcmp(old_source, source) == 0 && strcmp(old_value, value) == 0)
                continue; /* nothing new */
        }
        st = db_prepare(db, exists ? "UPDATE rates SET per_usd = ?3, source = ?4, updated_at = ?5"
                                     " WHERE currency = ?1 AND date = ?2"
                                   : "INSERT INTO rates (currency, date, per_usd, source, updated_at)"
                                     " VALUES (?1, ?2, ?3, ?4, ?5)");
        if (!st)
            return false;
        sqlite3_bind_text(st, 1, r->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, r->date, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, source, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        db_done(st);
        if (rc != SQLITE_DONE)
            return false;
        if (*n_tallies == 64)
            return false; /* cannot happen: fewer than 64 currencies are published */
        struct tally *t = tally_of(tallies, n_tallies, r->code);
        if (exists)
            t->changed++;
        else
            t->added++;
        note_date(t, r->date);
    }
    /* Pledges follow: every one whose date a changed rate can be in force
     * for (the day itself and up to RATE_MAX_AGE_DAYS after). */
    for (size_t i = 0; i < *n_tallies; i++) {
        char until[DATE_TEXT];
        if (!date_add_days(tallies[i].last, RATE_MAX_AGE_DAYS, until) ||
            !pledges_refresh_usd(db, tallies[i].code, tallies[i].first, until, 0))
            return false;
    }
    return true;
}

static const char *feed_key(enum rates_feed f)
{
    return f == FEED_FED ? "fed-h10" : "ecb";
}

/* The validators kept from the last file of the feed. */
static void feed_validators(struct db *db, enum rates_feed f, const char *url, char etag[256],
                            char lm[128])
{
    etag[0] = lm[0] = '\0';
    sqlite3_stmt *st = db_prepare(db, "SELECT etag, last_modified FROM rates_feeds"
                                      " WHERE source = ? AND url = ?");
    if (!st)
        return;
    sqlite3_bind_text(st, 1, feed_key(f), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        if (sqlite3_column_text(st, 0))
            snprintf(etag, 256, "%s", (const char *)sqlite3_column_text(st, 0));
        if (sqlite3_column_text(st, 1))
            snprintf(lm, 128, "%s", (const char *)sqlite3_column_text(st, 1));
    }
    db_done(st);
}

/* Records the run in rates_feeds (inside the caller's transaction). */
static bool feed_record(struct db *db, enum rates_feed f, const char *url,
                        const struct fetch_result *fr, const char *error)
{
    char now[21];
    db_now(now);
    sqlite3_stmt *st = db_prepare(
        db, error ? "INSERT INTO rates_feeds (source, url, failed_at, failures, last_error)"
                    " VALUES (?1, ?2, ?3, 1, ?4) ON CONFLICT (source) DO UPDATE SET"
                    " failed_at = ?3, failures = failures + 1, last_error = ?4"
                  : "INSERT INTO rates_feeds (source, url, etag, last_modified, succeeded_at,"
                    " failures) VALUES (?1, ?2, ?5, ?6, ?3, 0) ON CONFLICT (source) DO UPDATE SET"
                    " url = ?2, etag = coalesce(?5, etag), last_modified = coalesce(?6,"
                    " last_modified), succeeded_at = ?3, failures = 0, last_error = NULL");
    if (!st)
        return false;
    sqlite3_bind_text(st, 1, feed_key(f), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    if (error) {
        sqlite3_bind_text(st, 4, error, -1, SQLITE_STATIC);
    } else if (fr && fr->status == 200) {
        if (fr->etag[0])
            sqlite3_bind_text(st, 5, fr->etag, -1, SQLITE_STATIC);
        if (fr->last_modified[0])
            sqlite3_bind_text(st, 6, fr->last_modified, -1, SQLITE_STATIC);
    }
    int rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_DONE;
}

static int by_code(const void *a, const void *b)
{
    return strcmp(((const struct tally *)a)->code, ((const struct tally *)b)->code);
}

/* The latest date of each currency after the run. */
static void print_tallies(struct db *db, FILE *out, struct tally *t, size_t n)
{
    qsort(t, n, sizeof *t, by_code);
    for (size_t i = 0; i < n; i++) {
        char latest[DATE_TEXT] = "?", src[16] = "";
        sqlite3_stmt *st = db_prepare(db, "SELECT date, source FROM rates WHERE currency = ?"
                                          " ORDER BY date DESC LIMIT 1");
        if (st) {
            sqlite3_bind_text(st, 1, t[i].code, -1, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW) {
                snprintf(latest, sizeof latest, "%s", (const char *)sqlite3_column_text(st, 0));
                snprintf(src, sizeof src, "%s", (const char *)sqlite3_column_text(st, 1));
            }
            db_done(st);
        }
        fprintf(out, "  %s  %4zu added  %4zu changed  latest %s (%s)\n", t[i].code, t[i].added,
                t[i].changed, latest, src);
    }
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
    feed_validators(reader, f, url, etag, lm);
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
    struct tally tallies[64];
    size_t n_tallies = 0;
    if (o->cancel && atomic_load(o->cancel)) { /* shutting down: touch nothing */
        snprintf(err, errlen, "%s from %s: stopped (shutting down); nothing changed", name, url);
        free(rows.v);
        free(csv);
        fetch_result_free(&fr);
        return false;
    }
    struct db *db = o->lock(o->lock_ctx);
    bool stored = false;
    if (db && db_begin(db)) {
        stored = ok && (fr.status == 304 || store(db, f, &rows, tallies, &n_tallies)) &&
                 feed_record(db, f, url, &fr, NULL) && db_commit(db);
        if (!stored) {
            db_rollback(db);
            if (ok && !why[0])
                snprintf(why, sizeof why, "the database refused the rates");
            /* The failure is counted in a transaction of its own. */
            if (db_begin(db) && !(feed_record(db, f, url, NULL, why) && db_commit(db)))
                db_rollback(db);
        }
    } else {
        snprintf(why, sizeof why, "the database is not available");
    }
    if (stored && o->out) {
        size_t added = 0, changed = 0;
        for (size_t i = 0; i < n_tallies; i++) {
            added += tallies[i].added;
            changed += tallies[i].changed;
        }
        if (fr.status == 304)
            fprintf(o->out, "%s: nothing new (the file is unchanged since the last update)\n", name);
        else if (added + changed == 0)
            fprintf(o->out, "%s: nothing new (%zu rates read, all already present)\n", name, rows.n);
        else
            fprintf(o->out, "%s: %zu rates read, %zu added, %zu changed\n", name, rows.n, added,
                    changed);
        print_tallies(db, o->out, tallies, n_tallies);
    }
    if (db)
        o->unlock(o->lock_ctx);
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
