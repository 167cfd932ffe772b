/* search — list filters (see search.h). */
#include "search.h"

#include "api.h"
#include "date.h"
#include "iso3166.h"
#include "iso4217.h"
#include "jsonx.h"
#include "money.h"
#include "pledge_input.h"
#include "respond.h"
#include "slug.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

static const char *enum_value(const char *v, const char *const values[])
{
    for (size_t i = 0; values[i]; i++)
        if (strcmp(v, values[i]) == 0)
            return values[i];
    return NULL;
}

static void date_filter(const struct request *rq, const char *name, char out[11], json_t *errors)
{
    const char *v = api_query(rq, name);
    int y, m, d;
    out[0] = '\0';
    if (!v)
        return;
    if (!date_parse(v, &y, &m, &d))
        jsonx_error_add(errors, name, "must be a real date YYYY-MM-DD");
    else
        snprintf(out, 11, "%s", v);
}

static void usd_filter(const struct request *rq, const char *name, int64_t *out, json_t *errors)
{
    const char *v = api_query(rq, name);
    uint64_t cents;
    char why[128];
    *out = -1;
    if (!v)
        return;
    if (!money_parse(v, currency_find("USD"), &cents, why, sizeof why) || cents > INT64_MAX)
        jsonx_error_add(errors, name, "must be a USD amount such as 1000000 or 2500000.50");
    else
        *out = (int64_t)cents;
}

bool filter_parse(const struct request *rq, struct response *rs, struct record_filter *f,
                  enum filter_target target)
{
    memset(f, 0, sizeof *f);
    f->target = target;
    f->min_usd = f->max_usd = -1;
    f->approximate = -1;
    bool pledges = target == FILTER_PLEDGES;
    json_t *errors = json_array();

    const char *v = api_query(rq, "company");
    if (v) {
        if (pledges && strcmp(v, "joint") == 0)
            f->joint = true;
        else if (!slug_is_valid(v))
            jsonx_error_add(errors, "company", "must be a company slug%s",
                            pledges ? " or joint" : "");
        else
            f->company = v; /* an unknown slug matches nothing */
    }
    v = api_query(rq, "country");
    if (v) {
        const struct country *c = country_find(v);
        if (!c)
            jsonx_error_add(errors, "country", "must be an ISO 3166-1 alpha-2 code such as JP");
        else
            memcpy(f->country, c->code, 3);
    }
    date_filter(rq, "from", f->from, errors);
    date_filter(rq, "to", f->to, errors);
    if (f->from[0] && f->to[0] && strcmp(f->from, f->to) > 0)
        jsonx_error_add(errors, "to", "must not be before from");
    v = api_query(rq, "q");
    if (v) {
        if (text_check(v, 200, false) || !text_has_word(v))
            jsonx_error_add(errors, "q", "must be 1 to 200 characters with at least one word");
        else
            f->q = v;
    }
    if (pledges) {
        v = api_query(rq, "announcement");
        if (v) {
            if (!id_param(v, &f->announcement_id))
                jsonx_error_add(errors, "announcement", "must be an announcement id");
        }
        v = api_query(rq, "kind");
        if (v) {
            if (!(f->kind = enum_value(v, pledge_kinds)))
                jsonx_error_add(errors, "kind", "must be one of investment, training, facility,"
                                                " research, partnership, target, other");
        }
        v = api_query(rq, "status");
        if (v) {
            if (!(f->status = enum_value(v, pledge_statuses)))
                jsonx_error_add(errors, "status",
                                "must be one of announced, in_progress, fulfilled, cancelled");
        }
        v = api_query(rq, "currency");
        if (v) {
            const struct currency *c = currency_find(v);
            if (!c)
                jsonx_error_add(errors, "currency", "must be an ISO 4217 code such as JPY");
            else
                memcpy(f->currency, c->code, 4);
        }
        usd_filter(rq, "min_usd", &f->min_usd, errors);
        usd_filter(rq, "max_usd", &f->max_usd, errors);
        if (f->min_usd >= 0 && f->max_usd >= 0 && f->min_usd > f->max_usd)
            jsonx_error_add(errors, "max_usd", "must not be less than min_usd");
        v = api_query(rq, "approximate");
        if (v) {
            if (strcmp(v, "true") == 0)
                f->approximate = 1;
            else if (strcmp(v, "false") == 0)
                f->approximate = 0;
            else
                jsonx_error_add(errors, "approximate", "must be true or false");
        }
    }
    if (json_array_size(errors)) {
        respond_bad_params(rs, errors);
        return false;
    }
    json_decref(errors);
    return true;
}

bool id_param(const char *text, int64_t *id)
{
    return int_parse(text, 1, INT64_MAX, id);
}
