/* h_rates — currencies, exchange rates and conversion (API.md §3):
 *   GET /v1/currencies
 *   GET /v1/rates?currency=&from=&to=      a series, paged, JSON or CSV
 *   GET /v1/rates/{currency}/{date}        the rate in force on a date
 *   PUT /v1/rates/{currency}/{date}        add or correct a rate
 *   GET /v1/convert?amount=&from=&to=&date=
 */
#include "api.h"
#include "csv.h"
#include "date.h"
#include "db.h"
#include "handlers.h"
#include "keyset.h"
#include "jsonx.h"
#include "money.h"
#include "page.h"
#include "rates.h"
#include "records.h"
#include "respond.h"

#include <stdlib.h>
#include <string.h>

static json_t *money_json(const char *code, const char *value)
{
    return json_pack("{s:s, s:s}", "currency", code, "value", value);
}

void h_currencies(const struct request *rq, struct response *rs)
{
    static const char *const allowed[] = {"format", NULL};
    static const char *const columns[] = {"code", "name", "minor_units", "active",
                                          "latest_rate_date", "latest_rate_source", NULL};
    if (!api_query_check(rq, rs, allowed))
        return;
    int csv = csv_wanted(rq, rs);
    if (csv < 0)
        return;
    struct db *db = db_reader();
    json_t *data = json_array();
    for (size_t i = 0; i < iso4217_count; i++) {
        const struct currency *c = &iso4217_table[i];
        /* How current each currency's rates are: its latest row, one seek
         * of the (currency, date) index. USD needs none. */
        struct rate_found f;
        enum rate_lookup r = strcmp(c->code, "USD") == 0 || !db ? RATE_NONE
                                                                : rates_in_force(db, c, NULL, &f);
        if (r == RATE_ERROR) {
            json_decref(data);
            respond_internal(rq, rs, "currency list failed");
            return;
        }
        json_array_append_new(
            data, json_pack("{s:s, s:s, s:i, s:b, s:s?, s:s?}", "code", c->code, "name", c->name,
                            "minor_units", c->minor_units, "active", c->active,
                            "latest_rate_date", r == RATE_FOUND ? f.rate_date : NULL,
                            "latest_rate_source", r == RATE_FOUND ? f.source : NULL));
    }
    if (csv) {
        respond_csv(rs, columns, data);
        json_decref(data);
        respond_with_etag(rq, rs);
        return;
    }
    respond_json_get(rq, rs, json_pack("{s:o}", "data", data));
}

/* Reads a currency from a query parameter or path segment; adds an error
 * under `field` when it is not an ISO 4217 code. */
static const struct currency *currency_param(const char *value, const char *field, json_t *errors)
{
    const struct currency *c = currency_find(value);
    if (!c)
        jsonx_error_add(errors, field, "must be an ISO 4217 currency code such as JPY");
    return c;
}

static bool date_param(const char *value, const char *field, json_t *errors)
{
    int y, m, d;
    if (date_parse(value, &y, &m, &d))
        return true;
    jsonx_error_add(errors, field, "must be a real date YYYY-MM-DD");
    return false;
}

/* The values of the rates list's filters, bound by name. */
struct rate_filter {
    const char *currency, *from, *to; /* NULL: no filter */
};

static void rate_bind(const void *ctx, sqlite3_stmt *st)
{
    const struct rate_filter *f = ctx;
    const char *names[3] = {":currency", ":from", ":to"};
    const char *values[3] = {f->currency, f->from, f->to};
    for (int i = 0; i < 3; i++)
        if (values[i])
            sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, names[i]), values[i], -1,
                              SQLITE_STATIC);
}

/* The columns rate_point reads (date, currency, per_usd, source); the
 * page's key columns follow them. */
#define RATE_POINT_COLS 4

static json_t *rate_point(struct db *db, sqlite3_stmt *st)
{
    (void)db;
    return json_pack("{s:s, s:s, s:s, s:s}", "date", sqlite3_column_text(st, 0), "currency",
                     sqlite3_column_text(st, 1), "per_usd", sqlite3_column_text(st, 2), "source",
                     sqlite3_column_text(st, 3));
}

static const struct sort_field rate_sorts[] = {
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

void h_rates_list(const struct request *rq, struct response *rs)
{
    static const char *const allowed[] = {"currency", "from", "to", "sort", "limit", "cursor",
                                          "count", "format", NULL};
    static const char *const columns[] = {"date", "currency", "per_usd", "source", NULL};
    if (!api_query_check(rq, rs, allowed))
        return;
    json_t *errors = json_array();
    const char *code = api_query(rq, "currency"), *from = api_query(rq, "from"),
               *to = api_query(rq, "to");
    const struct currency *c = code ? currency_param(code, "currency", errors) : NULL;
    bool from_ok = from && date_param(from, "from", errors);
    bool to_ok = to && date_param(to, "to", errors);
    if (from_ok && to_ok && strcmp(from, to) > 0)
        jsonx_error_add(errors, "to", "must not be before from");
    if (json_array_size(errors)) {
        respond_bad_params(rs, errors);
        return;
    }
    json_decref(errors);
    int csv = csv_wanted(rq, rs);
    if (csv < 0)
        return;
    struct page pg;
    if (!page_parse(rq, rs, rate_sorts, "date", &pg)) {
        page_free(&pg);
        return;
    }
    struct buf filter, sql;
    buf_init(&filter, 1024);
    buf_init(&sql, 4096);
    if (c)
        buf_puts(&filter, " AND r.currency = :currency");
    if (from)
        buf_puts(&filter, " AND r.date >= :from");
    if (to)
        buf_puts(&filter, " AND r.date <= :to");
    buf_puts(&sql, "SELECT r.date, r.currency, r.per_usd, r.source");
    sq_page_select_keys(&pg, &rate_list, &sql);
    buf_printf(&sql, " FROM rates r WHERE 1=1%s", buf_str(&filter));
    sq_page_where_after(&pg, &rate_list, &sql);
    sq_page_order_limit(&pg, &rate_list, &sql);

    struct buf count;
    buf_init(&count, 4096);
    buf_printf(&count, "SELECT count(*) FROM rates r WHERE 1=1%s", buf_str(&filter));
    struct rate_filter rf = {c ? c->code : NULL, from, to};
    json_t *data = json_array();
    struct sq_json_rows rows = {rate_point, data};
    struct page_end end;
    enum store_status st = sq_page_run(db_reader(), &pg, buf_str(&sql), buf_str(&count),
                                       rate_bind, &rf, sq_json_row, &rows, RATE_POINT_COLS, &end);
    page_answer(rq, rs, st, &pg, csv, data, columns, &end, "rates list failed");
    buf_free(&filter);
    buf_free(&sql);
    buf_free(&count);
    page_free(&pg);
}

/* Checks the {currency}/{date} path; answers 400 naming the bad part. */
static const struct currency *rate_path(const struct request *rq, struct response *rs)
{
    json_t *errors = json_array();
    const struct currency *c = currency_param(rq->params[0], "currency", errors);
    date_param(rq->params[1], "date", errors);
    if (json_array_size(errors)) {
        respond_bad_path(rs, errors);
        return NULL;
    }
    json_decref(errors);
    return c;
}

/* 404: no rate of `code` is in force on `date` (NULL: none at all). */
static void respond_no_rate(struct db *db, struct response *rs, const char *code,
                            const char *date)
{
    char why[160];
    rates_none_text(db, code, date, why, sizeof why);
    respond_problem(rs, 404, "no-rate", "No rate in force", "%s", why);
}

void h_rate_get(const struct request *rq, struct response *rs)
{
    if (!api_query_check(rq, rs, (const char *const[]){NULL}))
        return;
    const struct currency *c = rate_path(rq, rs);
    if (!c)
        return;
    const char *date = rq->params[1];
    struct db *db = db_reader();
    struct rate_found f;
    enum rate_lookup r = db ? rates_in_force(db, c, date, &f) : RATE_ERROR;
    if (r == RATE_ERROR) {
        respond_internal(rq, rs, "rate look-up failed");
    } else if (r == RATE_NONE) {
        respond_no_rate(db, rs, c->code, date);
    } else {
        respond_json_get(rq, rs,
                         json_pack("{s:s, s:s, s:s, s:s, s:s?}", "currency", c->code, "date", date,
                                   "per_usd", f.per_usd, "rate_date", f.rate_date, "source",
                                   f.source[0] ? f.source : NULL));
    }
}

/* The stored row for exactly (currency, date), or NULL; *err on failure. */
static json_t *rate_row(struct db *db, const char *code, const char *date, bool *err)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT per_usd, source, updated_at FROM rates"
                                      " WHERE currency = ? AND date = ?");
    *err = !st;
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
    json_t *row = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        row = json_pack("{s:s, s:s, s:s, s:s, s:s}", "currency", code, "date", date, "per_usd",
                        sqlite3_column_text(st, 0), "source", sqlite3_column_text(st, 1),
                        "updated_at", sqlite3_column_text(st, 2));
    else if (rc != SQLITE_DONE)
        *err = true;
    db_done(st);
    return row;
}

void h_rate_put(const struct request *rq, struct response *rs)
{
    static const char *const fields[] = {"per_usd", NULL};
    static const char *const read_only[] = {"currency", "date", "source", "updated_at", NULL};
    if (!api_require_token(rq, rs))
        return;
    if (!api_query_check(rq, rs, (const char *const[]){NULL}))
        return;
    const struct currency *c = rate_path(rq, rs);
    if (!c)
        return;
    const char *date = rq->params[1];
    json_t *body = api_json_body(rq, rs, false);
    if (!body)
        return;
    json_t *errors = json_array(), *before = NULL, *after = NULL;
    jsonx_check_fields(body, fields, read_only, "", errors);
    if (strcmp(c->code, "USD") == 0)
        jsonx_error_add(errors, "currency", "USD is 1 per USD by definition");
    char tomorrow[DATE_TEXT];
    date_tomorrow_utc(tomorrow);
    if (!date_within(date, DATE_FIRST, tomorrow))
        jsonx_error_add(errors, "date", "must be from %s to %s: a rate is published for a day "
                                        "that has come", DATE_FIRST, tomorrow);
    json_t *v = json_object_get(body, "per_usd");
    char text[MONEY_TEXT] = "", why[128];
    struct rate r = {0, 0};
    bool have_text = false;
    if (!v) {
        jsonx_error_add(errors, "per_usd", "is required");
    } else if (json_is_integer(v)) {
        snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        have_text = true;
    } else if (json_is_string(v)) {
        snprintf(text, sizeof text, "%s", json_string_value(v));
        have_text = true;
        if (strlen(json_string_value(v)) >= sizeof text) {
            jsonx_error_add(errors, "per_usd", "is too long");
            have_text = false;
        }
    } else {
        jsonx_error_add(errors, "per_usd", "must be a decimal string such as \"153.91\"%s",
                        json_is_real(v) ? " (a JSON number with a fraction may already have "
                                          "lost precision)"
                                        : "");
    }
    if (have_text && !rate_parse(text, &r, why, sizeof why))
        jsonx_error_add(errors, "per_usd", "%s", why);
    if (json_array_size(errors)) {
        respond_invalid(rs, "Invalid rate", errors);
        json_decref(body);
        return;
    }
    json_decref(errors);
    char canonical[MONEY_TEXT];
    rate_format(&r, canonical);
    char now[21];
    db_now(now);
    bool err = false;
    struct db *db = db_writer_lock();
    if (!db_begin(db))
        goto db_fail;
    before = rate_row(db, c->code, date, &err);
    if (err)
        goto db_fail;
    if (rq->if_match && (!before || !api_check_if_match(rq, rs, before))) {
        if (!before)
            respond_problem(rs, 412, "precondition-failed", "Precondition failed",
                            "If-Match was given but no %s rate exists for %s", c->code, date);
        db_rollback(db);
        db_writer_unlock();
        goto done;
    }
    sqlite3_stmt *st = db_prepare(
        db, "INSERT INTO rates (currency, date, per_usd, source, updated_at)"
            " VALUES (?1, ?2, ?3, 'manual', ?4) ON CONFLICT (currency, date) DO UPDATE"
            " SET per_usd = excluded.per_usd, source = 'manual', updated_at = excluded.updated_at"
            " WHERE per_usd IS NOT excluded.per_usd");
    if (!st)
        goto db_fail;
    sqlite3_bind_text(st, 1, c->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, canonical, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    db_done(st);
    if (rc != SQLITE_DONE)
        goto db_fail;
    /* Pledges announced on this date or up to 14 days later may use it. */
    char until[DATE_TEXT];
    if (!date_add_days(date, RATE_MAX_AGE_DAYS, until))
        snprintf(until, sizeof until, "9999-12-31");
    if (!pledges_refresh_usd(db, c->code, date, until, 0))
        goto db_fail;
    after = rate_row(db, c->code, date, &err);
    if (err || !after || !db_commit(db))
        goto db_fail;
    db_writer_unlock();
    respond_json(rs, before ? 200 : 201, after);
    after = NULL;
    respond_etag(rs);
    if (!before)
        respond_header(rs, "Location", "/v1/rates/%s/%s", c->code, date);
    goto done;
db_fail:
    db_rollback(db);
    db_writer_unlock();
    respond_internal(rq, rs, "rate write failed");
done:
    json_decref(before);
    json_decref(after);
    json_decref(body);
}

void h_convert(const struct request *rq, struct response *rs)
{
    static const char *const allowed[] = {"amount", "from", "to", "date", NULL};
    if (!api_query_check(rq, rs, allowed))
        return;
    json_t *errors = json_array();
    const char *amount = api_query(rq, "amount"), *from = api_query(rq, "from"),
               *to = api_query(rq, "to"), *date = api_query(rq, "date");
    const struct currency *cf = NULL, *ct = NULL;
    if (!from)
        jsonx_error_add(errors, "from", "is required");
    else
        cf = currency_param(from, "from", errors);
    if (!to)
        jsonx_error_add(errors, "to", "is required");
    else
        ct = currency_param(to, "to", errors);
    uint64_t minor = 0;
    char why[128];
    if (!amount)
        jsonx_error_add(errors, "amount", "is required");
    else if (cf && !money_parse(amount, cf, &minor, why, sizeof why))
        jsonx_error_add(errors, "amount", "%s", why);
    if (date)
        date_param(date, "date", errors);
    if (json_array_size(errors)) {
        respond_bad_params(rs, errors);
        return;
    }
    json_decref(errors);
    struct db *db = db_reader();
    struct rate_found rf, rt;
    enum rate_lookup a = db ? rates_in_force(db, cf, date, &rf) : RATE_ERROR;
    enum rate_lookup b = a == RATE_FOUND ? rates_in_force(db, ct, date, &rt) : a;
    if (a == RATE_ERROR || b == RATE_ERROR) {
        respond_internal(rq, rs, "rate look-up failed");
        return;
    }
    if (a == RATE_NONE || b == RATE_NONE) {
        respond_no_rate(db, rs, a == RATE_NONE ? cf->code : ct->code, date);
        return;
    }
    money_u128 out;
    if (money_convert(minor, cf, &rf.rate, ct, &rt.rate, &out) != CONVERT_OK) {
        respond_problem(rs, 422, "overflow", "Amount too large",
                        "the converted amount does not fit in %d digits", MONEY_RESULT_MAX_DIGITS);
        return;
    }
    char from_text[MONEY_TEXT], to_text[MONEY_TEXT], cross[MONEY_TEXT];
    money_format(minor, cf->minor_units, from_text);
    money_format(out, ct->minor_units, to_text);
    rate_cross_format(&rf.rate, &rt.rate, cross);
    /* The older of the two publication dates is the one the answer rests on. */
    const char *rate_date = !rf.rate_date[0] ? rt.rate_date
                            : !rt.rate_date[0] ? rf.rate_date
                            : strcmp(rf.rate_date, rt.rate_date) < 0 ? rf.rate_date
                                                                     : rt.rate_date;
    json_t *rates = json_array();
    const struct rate_found *sides[2] = {&rf, &rt};
    const struct currency *curs[2] = {cf, ct};
    for (int i = 0; i < 2; i++) {
        if (strcmp(curs[i]->code, "USD") == 0 || (i == 1 && cf == ct))
            continue;
        json_array_append_new(rates, json_pack("{s:s, s:s, s:s}", "currency", curs[i]->code,
                                               "per_usd", sides[i]->per_usd, "rate_date",
                                               sides[i]->rate_date));
    }
    json_t *doc = json_pack("{s:o, s:o, s:s, s:o, s:o}", "from", money_json(cf->code, from_text),
                            "to", money_json(ct->code, to_text), "rate", cross, "rate_date",
                            rate_date[0] ? json_string(rate_date) : json_null(), "rates", rates);
    if (date)
        json_object_set_new(doc, "date", json_string(date));
    respond_json_get(rq, rs, doc);
}
