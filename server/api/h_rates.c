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
#include "handlers.h"
#include "jsonx.h"
#include "list.h"
#include "money.h"
#include "page.h"
#include "rates.h"
#include "respond.h"
#include "store.h"

#include <stdlib.h>
#include <string.h>

static json_t *money_json(const char *code, const char *value)
{
    return json_pack("{s:s, s:s}", "currency", code, "value", value);
}

void h_currencies(const struct request *rq, struct response *rs)
{
    static const char *const columns[] = {"code", "name", "minor_units", "active",
                                          "latest_rate_date", "latest_rate_source", NULL};
    int csv = csv_wanted(rq, rs);
    if (csv < 0)
        return;
    struct db *db = store_reader();
    json_t *data = json_array();
    for (size_t i = 0; i < iso4217_count; i++) {
        const struct currency *c = &iso4217_table[i];
        /* How current each currency's rates are: its latest row, one seek
         * of the (currency, date) index. USD needs none. */
        struct rate_found f;
        enum store_status r = strcmp(c->code, "USD") == 0 || !db ? STORE_NOT_FOUND
                                                                : rates_in_force(db, c, NULL, &f);
        if (r == STORE_ERROR) {
            json_decref(data);
            respond_internal(rq, rs, "currency list failed");
            return;
        }
        json_array_append_new(
            data, json_pack("{s:s, s:s, s:i, s:b, s:s?, s:s?}", "code", c->code, "name", c->name,
                            "minor_units", c->minor_units, "active", c->active,
                            "latest_rate_date", r == STORE_OK ? f.rate_date : NULL,
                            "latest_rate_source", r == STORE_OK ? f.source : NULL));
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

static json_t *rate_json(const struct store_rate *r)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "date", r->date, "currency", r->currency,
                     "per_usd", r->per_usd, "source", r->source);
}

static bool append_rate(void *ctx, const struct store_rate *r)
{
    json_t *item = rate_json(r);
    return item && json_array_append_new(ctx, item) == 0;
}

static bool parse_filter(const struct request *rq, struct response *rs, union list_filter *f)
{
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
        return false;
    }
    json_decref(errors);
    f->rates = (struct store_rate_filter){c ? c->code : NULL, from, to};
    return true;
}

static enum store_status read_page(struct db *db, const union list_filter *f,
                                   const struct page *pg, json_t *data, struct page_end *end)
{
    return store_rate_list(db, &f->rates, pg, append_rate, data, end);
}

static const char *const rate_columns[] = {"date", "currency", "per_usd", "source", NULL};

static const struct list_spec rate_list = {
    parse_filter, store_rate_sorts, "date", rate_columns, read_page, "rates list failed",
};

void h_rates_list(const struct request *rq, struct response *rs)
{
    list_answer(&rate_list, rq, rs);
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
    const struct currency *c = rate_path(rq, rs);
    if (!c)
        return;
    const char *date = rq->params[1];
    struct db *db = store_reader();
    struct rate_found f;
    enum store_status r = db ? rates_in_force(db, c, date, &f) : STORE_ERROR;
    if (r == STORE_ERROR) {
        respond_internal(rq, rs, "rate look-up failed");
    } else if (r == STORE_NOT_FOUND) {
        respond_no_rate(db, rs, c->code, date);
    } else {
        respond_json_get(rq, rs,
                         json_pack("{s:s, s:s, s:s, s:s, s:s?}", "currency", c->code, "date", date,
                                   "per_usd", f.per_usd, "rate_date", f.rate_date, "source",
                                   f.source[0] ? f.source : NULL));
    }
}

/* The stored row for exactly (currency, date) as the API shows it (*out,
 * new ref), or STORE_NOT_FOUND. */
static enum store_status rate_row(struct db *db, const char *code, const char *date,
                                  json_t **out)
{
    struct store_rate r;
    enum store_status st = store_rate_get(db, code, date, &r);
    if (st != STORE_OK)
        return st;
    *out = json_pack("{s:s, s:s, s:s, s:s, s:s}", "currency", r.currency, "date", r.date,
                     "per_usd", r.per_usd, "source", r.source, "updated_at", r.updated_at);
    return *out ? STORE_OK : STORE_ERROR;
}

/* The rate's revision (issue 14), keyed "JPY/2026-02-10". */
static enum store_status record_rate(struct db *db, const char *code, const char *date,
                                     const json_t *after, bool existed)
{
    char key[32], now[21];
    snprintf(key, sizeof key, "%s/%s", code, date);
    store_now(now);
    char *text = jsonx_dump(after, NULL);
    int64_t last = 0;
    enum store_status st = text ? store_revision_last(db, RES_RATE, 0, key, &last) : STORE_ERROR;
    if (st == STORE_OK)
        st = store_revision_add(db, RES_RATE, 0, key, last + 1, existed ? "update" : "create",
                                text, now);
    free(text);
    return st;
}

/* PUT's transaction: the rate written (unless If-Match fails) and the
 * pledges that may use it brought in step. */
struct put_tx {
    const struct request *rq;
    struct response *rs;
    const struct currency *c;
    struct store_rate rate;
};

static enum store_status put_body(struct db *db, void *ctx)
{
    struct put_tx *t = ctx;
    const char *code = t->c->code, *date = t->rate.date;
    json_t *before = NULL, *after = NULL;
    enum store_status st = rate_row(db, code, date, &before);
    if (store_failed(st))
        return st;
    if (t->rq->if_match && (!before || !api_check_if_match(t->rq, t->rs, before))) {
        if (!before)
            respond_problem(t->rs, 412, "precondition-failed", "Precondition failed",
                            "If-Match was given but no %s rate exists for %s", code, date);
        json_decref(before);
        return STORE_ABORTED;
    }
    /* Pledges announced on this date or up to 14 days later may use it. */
    char until[DATE_TEXT];
    if (!date_add_days(date, RATE_MAX_AGE_DAYS, until))
        snprintf(until, sizeof until, "9999-12-31");
    st = store_rate_put_manual(db, &t->rate);
    if (st == STORE_OK)
        st = store_pledges_refresh_usd(db, code, date, until, 0);
    if (st == STORE_OK)
        st = rate_row(db, code, date, &after);
    if (st == STORE_NOT_FOUND)
        st = STORE_ERROR; /* written a moment ago */
    if (st == STORE_OK)
        st = record_rate(db, code, date, after, before != NULL);
    if (st == STORE_OK) {
        respond_json(t->rs, before ? 200 : 201, after);
        respond_etag(t->rs);
        if (!before)
            respond_header(t->rs, "Location", "/v1/rates/%s/%s", code, date);
    }
    json_decref(before);
    return st;
}

void h_rate_put(const struct request *rq, struct response *rs)
{
    static const char *const fields[] = {"per_usd", NULL};
    static const char *const read_only[] = {"currency", "date", "source", "updated_at", NULL};
    const struct currency *c = rate_path(rq, rs);
    if (!c)
        return;
    const char *date = rq->params[1];
    const json_t *body = rq->json;
    json_t *errors = json_array();
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
        return;
    }
    json_decref(errors);
    struct put_tx t = {rq, rs, c, {.source = "manual"}};
    snprintf(t.rate.currency, sizeof t.rate.currency, "%s", c->code);
    snprintf(t.rate.date, sizeof t.rate.date, "%s", date);
    rate_format(&r, t.rate.per_usd);
    store_now(t.rate.updated_at);
    api_write(rq, rs, put_body, &t, "rate write failed");
}

void h_convert(const struct request *rq, struct response *rs)
{
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
    struct db *db = store_reader();
    struct rate_found rf, rt;
    enum store_status a = db ? rates_in_force(db, cf, date, &rf) : STORE_ERROR;
    enum store_status b = a == STORE_OK ? rates_in_force(db, ct, date, &rt) : a;
    if (a == STORE_ERROR || b == STORE_ERROR) {
        respond_internal(rq, rs, "rate look-up failed");
        return;
    }
    if (a == STORE_NOT_FOUND || b == STORE_NOT_FOUND) {
        respond_no_rate(db, rs, a == STORE_NOT_FOUND ? cf->code : ct->code, date);
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
