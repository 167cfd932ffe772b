/* rates — rate look-ups and CSV loading (see rates.h). */
#include "rates.h"

#include "db.h"
#include "engine.h"
#include "keyset.h"
#include "rates_csv.h"
#include "sq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

extern const unsigned char shipped_rates_csv_z[];
extern const size_t shipped_rates_csv_z_len;
extern const size_t shipped_rates_csv_len;

char *shipped_rates_text(size_t *len)
{
    char *text = malloc(shipped_rates_csv_len + 1);
    uLongf got = (uLongf)shipped_rates_csv_len;
    if (!text || uncompress((Bytef *)text, &got, shipped_rates_csv_z,
                            (uLong)shipped_rates_csv_z_len) != Z_OK ||
        got != shipped_rates_csv_len) {
        free(text);
        return NULL;
    }
    text[got] = '\0';
    *len = (size_t)got;
    return text;
}

const char RATES_IN_FORCE_SQL[] =
    "SELECT date, per_usd, source FROM rates WHERE currency = ?1 AND date <= ?2 AND date >= ?3"
    " ORDER BY date DESC LIMIT 1";
const char RATES_LATEST_SQL[] =
    "SELECT date, per_usd, source FROM rates WHERE currency = ?1 ORDER BY date DESC LIMIT 1";

static enum store_status look_up(struct db *db, const struct currency *c, const char *date,
                                 struct rate_found *out)
{
    char oldest[DATE_TEXT];
    if (date && !date_add_days(date, -RATE_MAX_AGE_DAYS, oldest))
        return STORE_NOT_FOUND;
    sqlite3_stmt *st = db_prepare(db, date ? RATES_IN_FORCE_SQL : RATES_LATEST_SQL);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, c->code, -1, SQLITE_STATIC);
    if (date) {
        sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, oldest, -1, SQLITE_STATIC);
    }
    enum store_status res = STORE_NOT_FOUND;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 0);
        const char *v = (const char *)sqlite3_column_text(st, 1);
        char why[128];
        if (d && v && strlen(v) < sizeof out->per_usd && rate_parse(v, &out->rate, why, sizeof why)) {
            snprintf(out->rate_date, sizeof out->rate_date, "%s", d);
            snprintf(out->per_usd, sizeof out->per_usd, "%s", v);
            const char *src = (const char *)sqlite3_column_text(st, 2);
            snprintf(out->source, sizeof out->source, "%s", src ? src : "");
            res = STORE_OK;
        } else {
            res = STORE_ERROR; /* a stored rate that does not parse: never guess */
        }
    } else if (rc != SQLITE_DONE) {
        res = sq_status(rc);
    }
    db_done(st);
    return res;
}

/* The memo of a write transaction's look-ups (db.h: db_rate_epoch): the
 * pledges of an announcement, or of a day's announcements, share a rate,
 * and each look-up is two seeks. Direct-mapped by currency and date; a
 * slot from another epoch is empty. A bulk load widens it (sq.h): its
 * look-ups spread over every currency and day of the file, and a seek
 * whose page its own writes pushed out of the cache is a read from disk. */
#define MEMO_SLOTS 256
#define MEMO_SLOTS_WIDE 65536

struct memo_slot {
    uint64_t epoch;
    char code[4];
    char date[DATE_TEXT];
    enum store_status status;
    struct rate_found found;
};

struct memo {
    size_t n;
    struct memo_slot slot[];
};

static struct memo *memo_new(void **memo, size_t n)
{
    free(*memo);
    struct memo *m = calloc(1, sizeof *m + n * sizeof m->slot[0]);
    if (m)
        m->n = n;
    *memo = m;
    return m;
}

void sq_rates_memo_wide(struct db *db, bool wide)
{
    void **memo;
    db_rate_epoch(db, &memo);
    if (wide)
        memo_new(memo, MEMO_SLOTS_WIDE);
    else {
        free(*memo);
        *memo = NULL;
    }
}

static struct memo_slot *memo_slot(struct db *db, const char *code, const char *date,
                                   uint64_t *epoch)
{
    void **memo;
    *epoch = db_rate_epoch(db, &memo);
    if (!*epoch)
        return NULL;
    struct memo *m = *memo ? *memo : memo_new(memo, MEMO_SLOTS);
    if (!m)
        return NULL;
    uint32_t h = 2166136261u;
    for (const char *p = code; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (const char *p = date; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return &m->slot[h % m->n];
}

enum store_status sq_rates_in_force(struct db *db, const struct currency *c, const char *date,
                                    struct rate_found *out)
{
    uint64_t epoch = 0;
    struct memo_slot *m = date && strlen(c->code) < sizeof m->code && strlen(date) < DATE_TEXT
                              ? memo_slot(db, c->code, date, &epoch) : NULL;
    if (m && m->epoch == epoch && strcmp(m->code, c->code) == 0 && strcmp(m->date, date) == 0) {
        *out = m->found;
        return m->status;
    }
    enum store_status st = look_up(db, c, date, out);
    if (m && (st == STORE_OK || st == STORE_NOT_FOUND)) {
        m->epoch = epoch;
        snprintf(m->code, sizeof m->code, "%s", c->code);
        snprintf(m->date, sizeof m->date, "%s", date);
        m->status = st;
        m->found = *out;
    }
    return st;
}

void sq_rates_latest(struct db *db, const char *code, char latest[DATE_TEXT])
{
    latest[0] = '\0';
    sqlite3_stmt *st = db_prepare(db, RATES_LATEST_SQL);
    if (!st)
        return;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(latest, DATE_TEXT, "%s", (const char *)sqlite3_column_text(st, 0));
    db_done(st);
}

enum store_status sq_rate_load_row(struct db *db, const char *code, const char *date,
                                   const char *per_usd, const char *source, const char *now,
                                   bool upsert, bool *changed)
{
    sqlite3_stmt *st = db_prepare(
        db, upsert ? "INSERT INTO rates (currency, date, per_usd, source, updated_at)"
                     " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (currency, date) DO UPDATE"
                     " SET per_usd = excluded.per_usd, source = excluded.source,"
                     " updated_at = excluded.updated_at WHERE per_usd IS NOT excluded.per_usd"
                   : "INSERT INTO rates (currency, date, per_usd, source, updated_at)"
                     " VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, per_usd, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    db_rates_changed(db);
    enum store_status status = sq_run(st);
    *changed = status == STORE_OK && sqlite3_changes(db_handle(db)) > 0;
    return status;
}

/* ---- rows ---- */

enum store_status sq_rate_get(struct db *db, const char *currency, const char *date,
                                 struct store_rate *out)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT per_usd, source, updated_at FROM rates"
                                      " WHERE currency = ? AND date = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, currency, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        sq_copy_text(out->currency, sizeof out->currency, (const unsigned char *)currency);
        sq_copy_text(out->date, sizeof out->date, (const unsigned char *)date);
        sq_copy_text(out->per_usd, sizeof out->per_usd, sqlite3_column_text(st, 0));
        sq_copy_text(out->source, sizeof out->source, sqlite3_column_text(st, 1));
        sq_copy_text(out->updated_at, sizeof out->updated_at, sqlite3_column_text(st, 2));
    }
    db_done(st);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : sq_status(rc);
}

static enum store_status put(struct db *db, const char *sql, const struct store_rate *r)
{
    sqlite3_stmt *st = db_prepare(db, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, r->currency, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->per_usd, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, r->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, r->updated_at, -1, SQLITE_STATIC);
    db_rates_changed(db);
    return sq_run(st);
}

enum store_status sq_rate_put(struct db *db, const struct store_rate *r)
{
    return put(db, "INSERT INTO rates (currency, date, per_usd, source, updated_at)"
                   " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (currency, date) DO UPDATE"
                   " SET per_usd = excluded.per_usd, source = excluded.source,"
                   " updated_at = excluded.updated_at",
               r);
}

enum store_status sq_rate_put_manual(struct db *db, const struct store_rate *r)
{
    return put(db, "INSERT INTO rates (currency, date, per_usd, source, updated_at)"
                   " VALUES (?1, ?2, ?3, 'manual', ?5) ON CONFLICT (currency, date) DO UPDATE"
                   " SET per_usd = excluded.per_usd, source = 'manual',"
                   " updated_at = excluded.updated_at WHERE per_usd IS NOT excluded.per_usd",
               r);
}

enum store_status sq_rate_latest_from(struct db *db, const char *currency,
                                         const char *source, char out[DATE_TEXT])
{
    sqlite3_stmt *st = db_prepare(db, "SELECT date FROM rates WHERE currency = ?"
                                      " AND source = ? ORDER BY date DESC LIMIT 1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, currency, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    out[0] = '\0';
    if (rc == SQLITE_ROW)
        sq_copy_text(out, DATE_TEXT, sqlite3_column_text(st, 0));
    db_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_status(rc);
}

/* ---- the list ---- */

const struct sort_field store_rate_sorts[] = {
    {"date", SORT_TEXT},
    {"currency", SORT_TEXT},
    {NULL, SORT_TEXT},
};
static const struct sq_sort_column rate_columns[] = {
    {"date", "r.date"},
    {"currency", "r.currency"},
    {NULL, NULL},
};
static const struct sq_columns rate_list = {rate_columns, "r.id"};

/* The columns list_row reads; the page's key columns follow them. */
#define RATE_LIST_COLS 5

struct list_ctx {
    const struct store_rate_filter *filter;
    store_rate_fn *fn;
    void *fn_ctx;
};

static void list_bind(const void *ctx, sqlite3_stmt *st)
{
    const struct store_rate_filter *f = ((const struct list_ctx *)ctx)->filter;
    sq_bind_named(st, ":currency", f->currency);
    sq_bind_named(st, ":from", f->from);
    sq_bind_named(st, ":to", f->to);
}

static enum store_status list_row(void *ctx, struct db *db, sqlite3_stmt *st)
{
    (void)db;
    const struct list_ctx *l = ctx;
    struct store_rate r;
    sq_copy_text(r.date, sizeof r.date, sqlite3_column_text(st, 0));
    sq_copy_text(r.currency, sizeof r.currency, sqlite3_column_text(st, 1));
    sq_copy_text(r.per_usd, sizeof r.per_usd, sqlite3_column_text(st, 2));
    sq_copy_text(r.source, sizeof r.source, sqlite3_column_text(st, 3));
    sq_copy_text(r.updated_at, sizeof r.updated_at, sqlite3_column_text(st, 4));
    return l->fn(l->fn_ctx, &r) ? STORE_OK : STORE_ERROR;
}

enum store_status sq_rate_list(struct db *db, const struct store_rate_filter *f,
                                  const struct page *pg, store_rate_fn *fn, void *ctx,
                                  struct page_end *end)
{
    struct buf where, sql, count;
    buf_init(&where, 1024);
    buf_init(&sql, 4096);
    buf_init(&count, 4096);
    if (f->currency)
        buf_puts(&where, " AND r.currency = :currency");
    if (f->from)
        buf_puts(&where, " AND r.date >= :from");
    if (f->to)
        buf_puts(&where, " AND r.date <= :to");
    buf_puts(&sql, "SELECT r.date, r.currency, r.per_usd, r.source, r.updated_at");
    sq_page_select_keys(pg, &rate_list, &sql);
    buf_printf(&sql, " FROM rates r WHERE 1=1%s", buf_str(&where));
    sq_page_where_after(pg, &rate_list, &sql);
    sq_page_order_limit(pg, &rate_list, &sql);
    buf_printf(&count, "SELECT count(*) FROM rates r WHERE 1=1%s", buf_str(&where));
    struct list_ctx l = {f, fn, ctx};
    enum store_status status = sq_page_run(db, pg, buf_str(&sql), buf_str(&count), list_bind,
                                           &l, list_row, &l, RATE_LIST_COLS, end);
    buf_free(&where);
    buf_free(&sql);
    buf_free(&count);
    return status;
}
