/* records — announcements and pledges in SQLite (see records.h). */
#include "records.h"

#include "company_input.h"
#include "jsonx.h"
#include "money.h"
#include "rates.h"

#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static json_t *col_text(sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    return s ? json_string((const char *)s) : json_null();
}

static json_t *col_int(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? json_null()
                                                       : json_integer(sqlite3_column_int64(st, col));
}

json_t *usd_json(__int128 cents)
{
    char text[MONEY_TEXT];
    money_format((money_u128)(cents < 0 ? 0 : cents), 2, text);
    return json_pack("{s:s, s:s}", "currency", "USD", "value", text);
}

json_t *pledge_json(sqlite3_stmt *st)
{
    json_t *p = json_object();
    json_object_set_new(p, "id", col_int(st, 0));
    json_object_set_new(p, "announcement_id", col_int(st, 1));
    json_object_set_new(p, "announced_on", col_text(st, 20));
    json_object_set_new(p, "announced_on_precision", col_text(st, 23));
    json_object_set_new(p, "company", col_text(st, 2));
    json_object_set_new(p, "kind", col_text(st, 3));
    json_object_set_new(p, "description", col_text(st, 4));
    json_object_set_new(p, "country", col_text(st, 5));
    const char *code = (const char *)sqlite3_column_text(st, 6);
    const struct currency *c = code ? currency_find(code) : NULL;
    if (c) {
        char text[MONEY_TEXT];
        money_format((money_u128)sqlite3_column_int64(st, 7), c->minor_units, text);
        json_object_set_new(p, "amount", json_pack("{s:s, s:s}", "currency", c->code, "value", text));
    } else {
        json_object_set_new(p, "amount", json_null());
    }
    json_object_set_new(p, "amount_qualifier", col_text(st, 21));
    if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
        json_t *usd = usd_json(sqlite3_column_int64(st, 8));
        json_object_set_new(usd, "rate", col_text(st, 9));
        json_object_set_new(usd, "rate_date", col_text(st, 10));
        json_object_set_new(usd, "rate_source", col_text(st, 24));
        json_object_set_new(p, "amount_usd", usd);
    } else {
        json_object_set_new(p, "amount_usd", json_null());
        if (c)
            json_object_set_new(p, "amount_usd_error", col_text(st, 11));
    }
    json_object_set_new(p, "people", col_int(st, 12));
    json_object_set_new(p, "people_qualifier", col_text(st, 22));
    json_object_set_new(p, "starts_on", col_text(st, 13));
    json_object_set_new(p, "ends_on", col_text(st, 14));
    json_object_set_new(p, "duration_months", col_int(st, 15));
    json_object_set_new(p, "status", col_text(st, 16));
    json_t *ev = json_loads((const char *)sqlite3_column_text(st, 17), 0, NULL);
    json_object_set_new(p, "evidence", json_is_array(ev) ? ev : json_array());
    if (!json_is_array(ev))
        json_decref(ev);
    json_object_set_new(p, "created_at", col_text(st, 18));
    json_object_set_new(p, "updated_at", col_text(st, 19));
    return p;
}

int pledge_load(struct db *db, int64_t id, json_t **out)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT " PLEDGE_COLS " FROM pledges p"
                                      " LEFT JOIN companies c ON c.id = p.company_id WHERE p.id = ?");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
    if (found == 1)
        *out = pledge_json(st);
    db_done(st);
    return found;
}

/* Appends each row's column 0 (text) of `sql` bound to id to arr. */
static bool text_list(struct db *db, const char *sql, int64_t id, json_t *arr)
{
    sqlite3_stmt *st = db_prepare(db, sql);
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, col_text(st, 0));
    db_done(st);
    return rc == SQLITE_DONE;
}

json_t *announcement_json(struct db *db, sqlite3_stmt *row, bool with_pledges)
{
    int64_t id = sqlite3_column_int64(row, 0);
    json_t *a = json_object(), *companies = json_array(), *countries = json_array(),
           *sources = json_array(), *pledges = with_pledges ? json_array() : NULL;
    json_object_set_new(a, "id", json_integer(id));
    json_object_set_new(a, "title", col_text(row, 1));
    json_object_set_new(a, "announced_on", col_text(row, 2));
    json_object_set_new(a, "announced_on_precision", col_text(row, 6));
    json_object_set_new(a, "companies", companies);
    json_object_set_new(a, "countries", countries);
    json_object_set_new(a, "summary", col_text(row, 3));
    json_object_set_new(a, "sources", sources);
    json_t *created = col_text(row, 4), *updated = col_text(row, 5);
    bool ok = text_list(db, "SELECT c.slug FROM announcement_companies ac JOIN companies c"
                            " ON c.id = ac.company_id WHERE ac.announcement_id = ? ORDER BY ac.position",
                        id, companies) &&
              text_list(db, "SELECT country FROM announcement_countries WHERE announcement_id = ?"
                            " ORDER BY position",
                        id, countries);
    sqlite3_stmt *st = ok ? db_prepare(db, "SELECT url, publisher, title, language, published_on"
                                           " FROM sources WHERE announcement_id = ? ORDER BY position")
                          : NULL;
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            json_array_append_new(sources, json_pack("{s:o, s:o, s:o, s:o, s:o}", "url",
                                                     col_text(st, 0), "publisher", col_text(st, 1),
                                                     "title", col_text(st, 2), "language",
                                                     col_text(st, 3), "published_on",
                                                     col_text(st, 4)));
        ok = rc == SQLITE_DONE;
        db_done(st);
    }
    /* Pledges (or just their kinds and USD amounts) for the totals. */
    struct usd_totals totals = {0};
    int64_t count = 0;
    st = ok ? db_prepare(db, with_pledges
                                 ? "SELECT " PLEDGE_COLS " FROM pledges p LEFT JOIN companies c"
                                   " ON c.id = p.company_id WHERE p.announcement_id = ? ORDER BY p.position"
                                 : "SELECT amount_usd_minor, kind FROM pledges WHERE announcement_id = ?")
            : NULL;
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        int rc, usd_col = with_pledges ? 8 : 0, kind_col = with_pledges ? 3 : 1;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            count++;
            usd_totals_add(&totals, (const char *)sqlite3_column_text(st, kind_col),
                           sqlite3_column_int64(st, usd_col));
            if (with_pledges)
                json_array_append_new(pledges, pledge_json(st));
        }
        ok = rc == SQLITE_DONE;
        db_done(st);
    } else {
        ok = false;
    }
    if (with_pledges)
        json_object_set_new(a, "pledges", pledges);
    json_object_set_new(a, "total_usd", usd_json(totals.committed));
    json_object_set_new(a, "targets_usd", usd_json(totals.targets));
    json_object_set_new(a, "pledge_count", json_integer(count));
    json_object_set_new(a, "created_at", created);
    json_object_set_new(a, "updated_at", updated);
    if (!ok) {
        json_decref(a);
        return NULL;
    }
    return a;
}

int announcement_load(struct db *db, int64_t id, json_t **out)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT " ANNOUNCEMENT_COLS " FROM announcements a WHERE a.id = ?");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    int found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
    if (found == 1) {
        *out = announcement_json(db, st, true);
        if (!*out)
            found = -1;
    }
    db_done(st);
    return found;
}

/* Removes null members and the named keys from obj. */
static void strip(json_t *obj, const char *const drop[], const char *keep_null)
{
    for (size_t i = 0; drop[i]; i++)
        json_object_del(obj, drop[i]);
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(obj, tmp, key, v) {
        if (json_is_null(v) && !(keep_null && strcmp(key, keep_null) == 0))
            json_object_del(obj, key);
    }
}

json_t *pledge_as_input(const json_t *rendered)
{
    static const char *const drop[] = {"id", "announced_on", "announced_on_precision",
                                       "amount_usd", "amount_usd_error", "created_at",
                                       "updated_at", NULL};
    json_t *p = json_deep_copy(rendered);
    strip(p, drop, "company");
    return p;
}

json_t *announcement_as_input(const json_t *rendered)
{
    static const char *const drop[] = {"id", "total_usd", "targets_usd", "pledge_count",
                                       "created_at", "updated_at", NULL};
    static const char *const none[] = {NULL};
    json_t *a = json_deep_copy(rendered);
    strip(a, drop, NULL);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(a, "sources"), i, item)
        strip(item, none, NULL);
    json_t *pledges = json_object_get(a, "pledges");
    json_t *inputs = json_array();
    json_array_foreach(pledges, i, item) {
        json_t *p = pledge_as_input(item);
        json_object_del(p, "announcement_id");
        json_array_append_new(inputs, p);
    }
    if (pledges)
        json_object_set_new(a, "pledges", inputs);
    else
        json_decref(inputs);
    return a;
}

int64_t company_id_of(struct db *db, const char *slug)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT id FROM companies WHERE slug = ?");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : rc == SQLITE_DONE ? 0 : -1;
    db_done(st);
    return id;
}

struct usd_result {
    bool known;
    int64_t cents;
    char rate[MONEY_TEXT];
    char rate_date[DATE_TEXT];
    char rate_source[16];   /* "" for USD */
    char error[160];
};

/* The USD value of an amount at the rate in force on `date`. False only on
 * a database error; a missing rate or an overflow is a result. */
static bool usd_value(struct db *db, const struct currency *c, uint64_t minor, const char *date,
                      struct usd_result *out)
{
    memset(out, 0, sizeof *out);
    struct rate_found f;
    enum rate_lookup r = rates_in_force(db, c, date, &f);
    if (r == RATE_ERROR)
        return false;
    if (r == RATE_NONE) {
        rates_none_text(db, c->code, date, out->error, sizeof out->error);
        return true;
    }
    const struct currency *usd = currency_find("USD");
    money_u128 cents;
    if (money_convert(minor, c, &f.rate, usd, &RATE_ONE, &cents) != CONVERT_OK ||
        cents > (money_u128)INT64_MAX) {
        snprintf(out->error, sizeof out->error, "the amount in USD is too large to represent");
        return true;
    }
    out->known = true;
    out->cents = (int64_t)cents;
    rate_cross_format(&f.rate, &RATE_ONE, out->rate);
    snprintf(out->rate_date, sizeof out->rate_date, "%s", f.rate_date);
    snprintf(out->rate_source, sizeof out->rate_source, "%s", f.source);
    return true;
}

static void bind_text_or_null(sqlite3_stmt *st, int idx, const char *s)
{
    if (s && *s)
        sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, idx);
}

static void bind_int_or_null(sqlite3_stmt *st, int idx, int64_t v)
{
    if (v)
        sqlite3_bind_int64(st, idx, v);
    else
        sqlite3_bind_null(st, idx);
}

static bool pledge_fts_sync(struct db *db, int64_t id, const char *description)
{
    sqlite3_stmt *st = db_prepare(db, "DELETE FROM pledges_fts WHERE rowid = ?");
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    db_done(st);
    if (rc != SQLITE_DONE)
        return false;
    if (!description)
        return true;
    st = db_prepare(db, "INSERT INTO pledges_fts (rowid, description) VALUES (?, ?)");
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, description, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_DONE;
}

/* Binds the pledge fields shared by insert and update (?1..?19, ?21, ?22;
 * ?20 is the caller's). */
static bool bind_pledge(struct db *db, sqlite3_stmt *st, int64_t ann_id, const char *announced_on,
                        const struct pledge_input *p, int64_t company_id, const char *now,
                        char **evidence_text)
{
    struct usd_result usd = {0};
    if (p->currency && !usd_value(db, p->currency, p->amount_minor, announced_on, &usd))
        return false;
    *evidence_text = jsonx_dump(p->evidence, NULL);
    sqlite3_bind_int64(st, 1, ann_id);
    bind_int_or_null(st, 2, company_id);
    sqlite3_bind_text(st, 3, p->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, p->status, -1, SQLITE_STATIC);
    bind_text_or_null(st, 5, p->description);
    bind_text_or_null(st, 6, p->country);
    if (p->currency) {
        sqlite3_bind_text(st, 7, p->currency->code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, (int64_t)p->amount_minor);
    }
    bind_int_or_null(st, 9, p->people);
    bind_text_or_null(st, 10, p->starts_on);
    bind_text_or_null(st, 11, p->ends_on);
    bind_int_or_null(st, 12, p->duration_months);
    sqlite3_bind_text(st, 13, *evidence_text ? *evidence_text : "[]", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 14, announced_on, -1, SQLITE_TRANSIENT);
    if (usd.known) {
        sqlite3_bind_int64(st, 15, usd.cents);
        sqlite3_bind_text(st, 16, usd.rate, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 17, usd.rate_date, -1, SQLITE_TRANSIENT);
    } else if (p->currency) {
        sqlite3_bind_text(st, 18, usd.error, -1, SQLITE_TRANSIENT);
    }
    sqlite3_bind_text(st, 19, now, -1, SQLITE_TRANSIENT);
    bind_text_or_null(st, 21, p->amount_qualifier);
    bind_text_or_null(st, 22, p->people_qualifier);
    if (usd.known)
        bind_text_or_null(st, 23, usd.rate_source);
    return true;
}

bool pledge_insert(struct db *db, int64_t ann_id, int position, const char *announced_on,
                   const struct pledge_input *p, int64_t company_id, const char *now, int64_t *id)
{
    sqlite3_stmt *st = db_prepare(
        db, "INSERT INTO pledges (announcement_id, company_id, kind, status, description, country,"
            " amount_currency, amount_minor, people, starts_on, ends_on, duration_months, evidence,"
            " announced_on, amount_usd_minor, usd_rate, usd_rate_date, usd_error, created_at,"
            " updated_at, position, amount_qualifier, people_qualifier, usd_rate_source)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
            " ?18, ?19, ?19, ?20, ?21, ?22, ?23)");
    char *evidence = NULL;
    if (!st || !bind_pledge(db, st, ann_id, announced_on, p, company_id, now, &evidence)) {
        db_done(st);
        return false;
    }
    sqlite3_bind_int(st, 20, position);
    int rc = sqlite3_step(st);
    db_done(st);
    free(evidence);
    if (rc != SQLITE_DONE)
        return false;
    *id = sqlite3_last_insert_rowid(db_handle(db));
    return pledge_fts_sync(db, *id, p->description);
}

bool pledge_update(struct db *db, int64_t id, int64_t ann_id, const char *announced_on,
                   const struct pledge_input *p, int64_t company_id, const char *now)
{
    sqlite3_stmt *st = db_prepare(
        db, "UPDATE pledges SET announcement_id = ?1, company_id = ?2, kind = ?3, status = ?4,"
            " description = ?5, country = ?6, amount_currency = ?7, amount_minor = ?8, people = ?9,"
            " starts_on = ?10, ends_on = ?11, duration_months = ?12, evidence = ?13,"
            " announced_on = ?14, amount_usd_minor = ?15, usd_rate = ?16, usd_rate_date = ?17,"
            " usd_error = ?18, updated_at = ?19, amount_qualifier = ?21, people_qualifier = ?22,"
            " usd_rate_source = ?23 WHERE id = ?20");
    char *evidence = NULL;
    if (!st || !bind_pledge(db, st, ann_id, announced_on, p, company_id, now, &evidence)) {
        db_done(st);
        return false;
    }
    sqlite3_bind_int64(st, 20, id);
    int rc = sqlite3_step(st);
    db_done(st);
    free(evidence);
    return rc == SQLITE_DONE && pledge_fts_sync(db, id, p->description);
}

bool pledge_delete(struct db *db, int64_t id)
{
    sqlite3_stmt *st = db_prepare(db, "DELETE FROM pledges WHERE id = ?");
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_DONE && pledge_fts_sync(db, id, NULL);
}

static bool exec_id(struct db *db, const char *sql, int64_t id)
{
    sqlite3_stmt *st = db_prepare(db, sql);
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_DONE;
}

bool announcement_write(struct db *db, const struct announcement_input *a,
                        const int64_t company_ids[], const char *now, int64_t *id)
{
    sqlite3_stmt *st;
    if (*id == 0) {
        st = db_prepare(db, "INSERT INTO announcements (title, announced_on, summary, created_at,"
                            " updated_at, announced_on_precision) VALUES (?1, ?2, ?3, ?4, ?4, ?6)");
    } else {
        st = db_prepare(db, "UPDATE announcements SET title = ?1, announced_on = ?2, summary = ?3,"
                            " updated_at = ?4, announced_on_precision = ?6 WHERE id = ?5");
        if (!exec_id(db, "DELETE FROM announcement_companies WHERE announcement_id = ?", *id) ||
            !exec_id(db, "DELETE FROM announcement_countries WHERE announcement_id = ?", *id) ||
            !exec_id(db, "DELETE FROM sources WHERE announcement_id = ?", *id))
            return false;
    }
    if (!st)
        return false;
    sqlite3_bind_text(st, 1, a->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->announced_on, -1, SQLITE_STATIC);
    bind_text_or_null(st, 3, a->summary);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    if (*id)
        sqlite3_bind_int64(st, 5, *id);
    sqlite3_bind_text(st, 6, a->announced_on_precision ? a->announced_on_precision : "day", -1,
                      SQLITE_STATIC);
    int rc = sqlite3_step(st);
    db_done(st);
    if (rc != SQLITE_DONE)
        return false;
    if (*id == 0)
        *id = sqlite3_last_insert_rowid(db_handle(db));
    for (size_t i = 0; i < a->n_companies; i++) {
        st = db_prepare(db, "INSERT INTO announcement_companies (announcement_id, company_id,"
                            " position) VALUES (?, ?, ?)");
        if (!st)
            return false;
        sqlite3_bind_int64(st, 1, *id);
        sqlite3_bind_int64(st, 2, company_ids[i]);
        sqlite3_bind_int(st, 3, (int)i);
        rc = sqlite3_step(st);
        db_done(st);
        if (rc != SQLITE_DONE)
            return false;
    }
    for (size_t i = 0; i < a->n_countries; i++) {
        st = db_prepare(db, "INSERT INTO announcement_countries (announcement_id, country,"
                            " position) VALUES (?, ?, ?)");
        if (!st)
            return false;
        sqlite3_bind_int64(st, 1, *id);
        sqlite3_bind_text(st, 2, a->countries[i], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, (int)i);
        rc = sqlite3_step(st);
        db_done(st);
        if (rc != SQLITE_DONE)
            return false;
    }
    for (size_t i = 0; i < a->n_sources; i++) {
        const struct source_input *s = &a->sources[i];
        st = db_prepare(db, "INSERT INTO sources (announcement_id, position, url, publisher, title,"
                            " language, published_on) VALUES (?, ?, ?, ?, ?, ?, ?)");
        if (!st)
            return false;
        sqlite3_bind_int64(st, 1, *id);
        sqlite3_bind_int(st, 2, (int)i);
        sqlite3_bind_text(st, 3, s->url, -1, SQLITE_STATIC);
        bind_text_or_null(st, 4, s->publisher);
        bind_text_or_null(st, 5, s->title);
        bind_text_or_null(st, 6, s->language);
        bind_text_or_null(st, 7, s->published_on);
        rc = sqlite3_step(st);
        db_done(st);
        if (rc != SQLITE_DONE)
            return false;
    }
    return announcement_fts_sync(db, *id);
}

bool announcement_fts_sync(struct db *db, int64_t id)
{
    if (!exec_id(db, "DELETE FROM announcements_fts WHERE rowid = ?", id))
        return false;
    return exec_id(db,
                   "INSERT INTO announcements_fts (rowid, title, summary, sources)"
                   " SELECT a.id, a.title, coalesce(a.summary, ''),"
                   " (SELECT coalesce(group_concat(coalesce(s.title, '') || ' ' ||"
                   " coalesce(s.publisher, ''), ' '), '') FROM sources s"
                   " WHERE s.announcement_id = a.id)"
                   " FROM announcements a WHERE a.id = ?",
                   id);
}

bool announcement_delete(struct db *db, int64_t id)
{
    return exec_id(db, "DELETE FROM pledges_fts WHERE rowid IN"
                       " (SELECT id FROM pledges WHERE announcement_id = ?)", id) &&
           exec_id(db, "DELETE FROM announcements_fts WHERE rowid = ?", id) &&
           exec_id(db, "DELETE FROM announcements WHERE id = ?", id);
}

bool pledges_refresh_usd(struct db *db, const char *currency, const char *from, const char *to,
                         int64_t ann_id)
{
    sqlite3_stmt *sel = db_prepare(
        db, "SELECT id, amount_currency, amount_minor, announced_on, amount_usd_minor, usd_rate,"
            " usd_rate_date, usd_error, usd_rate_source FROM pledges WHERE amount_currency IS NOT NULL"
            " AND (?1 IS NULL OR amount_currency = ?1) AND (?2 IS NULL OR announced_on >= ?2)"
            " AND (?3 IS NULL OR announced_on <= ?3) AND (?4 = 0 OR announcement_id = ?4)");
    if (!sel)
        return false;
    bind_text_or_null(sel, 1, currency);
    bind_text_or_null(sel, 2, from);
    bind_text_or_null(sel, 3, to);
    sqlite3_bind_int64(sel, 4, ann_id);
    /* Collect first: updating rows while stepping over them is fragile. */
    struct change { int64_t id; struct usd_result usd; } *changes = NULL;
    size_t n = 0, cap = 0;
    bool ok = true;
    int rc;
    while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
        const struct currency *c = currency_find((const char *)sqlite3_column_text(sel, 1));
        struct usd_result usd;
        if (!c || !usd_value(db, c, (uint64_t)sqlite3_column_int64(sel, 2),
                             (const char *)sqlite3_column_text(sel, 3), &usd)) {
            ok = false;
            break;
        }
        const char *old_rate = (const char *)sqlite3_column_text(sel, 5);
        const char *old_date = (const char *)sqlite3_column_text(sel, 6);
        const char *old_err = (const char *)sqlite3_column_text(sel, 7);
        const char *old_src = (const char *)sqlite3_column_text(sel, 8);
        bool same = usd.known ? sqlite3_column_type(sel, 4) != SQLITE_NULL &&
                                    sqlite3_column_int64(sel, 4) == usd.cents && old_rate &&
                                    strcmp(old_rate, usd.rate) == 0 && old_date &&
                                    strcmp(old_date, usd.rate_date) == 0 &&
                                    strcmp(old_src ? old_src : "", usd.rate_source) == 0
                              : sqlite3_column_type(sel, 4) == SQLITE_NULL && old_err &&
                                    strcmp(old_err, usd.error) == 0;
        if (same)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            struct change *grown = realloc(changes, cap * sizeof *changes);
            if (!grown) {
                ok = false;
                break;
            }
            changes = grown;
        }
        changes[n].id = sqlite3_column_int64(sel, 0);
        changes[n].usd = usd;
        n++;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        ok = false;
    db_done(sel);
    char now[21];
    db_now(now);
    for (size_t i = 0; ok && i < n; i++) {
        sqlite3_stmt *up = db_prepare(db, "UPDATE pledges SET amount_usd_minor = ?, usd_rate = ?,"
                                          " usd_rate_date = ?, usd_error = ?, updated_at = ?,"
                                          " usd_rate_source = ?7 WHERE id = ?6");
        if (!up) {
            ok = false;
            break;
        }
        const struct usd_result *u = &changes[i].usd;
        if (u->known) {
            sqlite3_bind_int64(up, 1, u->cents);
            sqlite3_bind_text(up, 2, u->rate, -1, SQLITE_STATIC);
            sqlite3_bind_text(up, 3, u->rate_date, -1, SQLITE_STATIC);
            if (u->rate_source[0])
                sqlite3_bind_text(up, 7, u->rate_source, -1, SQLITE_STATIC);
        } else {
            sqlite3_bind_text(up, 4, u->error, -1, SQLITE_STATIC);
        }
        sqlite3_bind_text(up, 5, now, -1, SQLITE_STATIC);
        sqlite3_bind_int64(up, 6, changes[i].id);
        ok = sqlite3_step(up) == SQLITE_DONE;
        db_done(up);
    }
    free(changes);
    return ok;
}

int source_owner(struct db *db, const char *url, int64_t except, int64_t *owner)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT announcement_id FROM sources WHERE url = ?"
                                      " AND announcement_id != ?");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, except);
    int rc = sqlite3_step(st);
    int found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
    if (found == 1)
        *owner = sqlite3_column_int64(st, 0);
    db_done(st);
    return found;
}

/* Resolves the announcement's company slugs to ids; each unknown one is an
 * error at companies[i]. False on a database error. */
bool announcement_resolve_companies(struct db *db, const struct announcement_input *a, int64_t ids[],
                              json_t *errors)
{
    for (size_t i = 0; i < a->n_companies; i++) {
        ids[i] = company_id_of(db, a->companies[i]);
        if (ids[i] < 0)
            return false;
        if (ids[i] == 0) {
            char field[48];
            snprintf(field, sizeof field, "companies[%zu]", i);
            jsonx_error_add(errors, field, "no company has the slug '%s'; create it first",
                            a->companies[i]);
        }
    }
    return true;
}

/* The id of the pledge's company among the announcement's (0: joint). */
int64_t announcement_pledge_company(const struct announcement_input *a, const int64_t ids[],
                                 const struct pledge_input *p)
{
    for (size_t i = 0; p->company && i < a->n_companies; i++)
        if (strcmp(a->companies[i], p->company) == 0)
            return ids[i];
    return 0;
}

int announcement_sources_free(struct db *db, const struct announcement_input *a, int64_t self,
                              json_t **conflict)
{
    for (size_t i = 0; i < a->n_sources; i++) {
        int64_t owner = 0;
        int r = source_owner(db, a->sources[i].url, self, &owner);
        if (r < 0)
            return -1;
        if (r == 1) {
            char field[48], msg[2300];
            snprintf(field, sizeof field, "sources[%zu].url", i);
            snprintf(msg, sizeof msg,
                     "%s is already a source of announcement %lld (/v1/announcements/%lld)",
                     a->sources[i].url, (long long)owner, (long long)owner);
            *conflict = json_pack("{s:s, s:s, s:I}", "field", field, "message", msg,
                                  "announcement_id", (json_int_t)owner);
            return 1;
        }
    }
    return 0;
}

int announcement_create(struct db *db, const json_t *body, const char *now, int64_t *id,
                        json_t *errors, json_t **conflict)
{
    struct announcement_input a;
    int64_t ids[ANN_COMPANIES_MAX] = {0};
    int result = -1;
    announcement_input_parse(body, &a, errors);
    if (!announcement_resolve_companies(db, &a, ids, errors))
        goto done;
    if (json_array_size(errors)) {
        result = 0;
        goto done;
    }
    int taken = announcement_sources_free(db, &a, 0, conflict);
    if (taken) {
        result = taken < 0 ? -1 : 2;
        goto done;
    }
    *id = 0;
    if (!announcement_write(db, &a, ids, now, id))
        goto done;
    for (size_t i = 0; i < a.n_pledges; i++) {
        int64_t pid;
        if (!pledge_insert(db, *id, (int)i, a.announced_on, &a.pledges[i],
                           announcement_pledge_company(&a, ids, &a.pledges[i]), now, &pid))
            goto done;
    }
    result = 1;
done:
    announcement_input_free(&a);
    return result;
}


