/* h_stats — dashboard figures:
 *   GET /v1/stats/totals?group_by=...   (JSON, CSV; and .svg in h_charts.c)
 *   GET /v1/stats/summary
 *
 * Totals are exact: the store hands over the matching pledges by key (one
 * at a time, or summed already when nothing is filtered) and the groups
 * are summed here in 128 bits.
 *
 * Money totals count committed money only: pledges of kind "target" (a
 * revenue goal, not money anyone spends) are summed apart as targets_usd
 * and never added in (API.md §7). `approximate` counts the pledges whose
 * amount or people figure carries a qualifier. */
#include "api.h"
#include "csv.h"
#include "handlers.h"
#include "iso3166.h"
#include "iso4217.h"
#include "keytab.h"
#include "render.h"
#include "respond.h"
#include "search.h"
#include "stats.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    enum stats_group group;
    int prefix;            /* >0: the key is the store's key's first `prefix` bytes */
    const char *null_key, *null_label;
} groupings[] = {
    {"company", STATS_COMPANY, 0, "joint", "Joint pledges"},
    {"country", STATS_COUNTRY, 0, "none", "No country given"},
    {"kind", STATS_KIND, 0, "none", "None"},
    {"status", STATS_STATUS, 0, "none", "None"},
    {"currency", STATS_CURRENCY, 0, "none", "No amount"},
    {"year", STATS_YEAR, 4, "none", "None"},
    {"month", STATS_MONTH, 7, "none", "Month not known"},
};

/* One group while summing (a keytab entry; "\1" is the NULL key). */
struct group {
    char key[KEYTAB_KEY];
    int64_t pledges;
    int64_t approximate;   /* pledges with a qualified figure */
    struct usd_totals usd; /* committed money and targets, US cents */
    __int128 people;
};

static int by_key(const void *a, const void *b)
{
    return strcmp(((const struct group *)a)->key, ((const struct group *)b)->key);
}

/* Largest committed amount first, then largest targets, then most
 * pledges, then key. */
static int by_size(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    if (x->usd.committed != y->usd.committed)
        return x->usd.committed > y->usd.committed ? -1 : 1;
    if (x->usd.targets != y->usd.targets)
        return x->usd.targets > y->usd.targets ? -1 : 1;
    if (x->pledges != y->pledges)
        return x->pledges > y->pledges ? -1 : 1;
    return strcmp(x->key, y->key);
}

static json_t *totals_row(const char *key, const char *label, const struct group *g)
{
    return json_pack("{s:s, s:s, s:I, s:o, s:o, s:I, s:I}", "key", key, "label", label,
                     "pledges", (json_int_t)g->pledges, "amount_usd", usd_json(g->usd.committed),
                     "targets_usd", usd_json(g->usd.targets), "people", (json_int_t)g->people,
                     "approximate", (json_int_t)g->approximate);
}

/* A company group's key and label: its slug and name (its id when it is
 * gone meanwhile). */
static void company_names(struct db *db, const char *id_text, char *slug, size_t slug_len,
                          char *name, size_t name_len)
{
    char found[SLUG_MAX + 1];
    bool known =
        store_company_names(db, strtoll(id_text, NULL, 10), found, name, name_len) == STORE_OK;
    if (!known)
        snprintf(name, name_len, "%s", id_text);
    snprintf(slug, slug_len, "%.*s", (int)slug_len - 1, known ? found : id_text);
}

/* A readable label for a key. */
static void label_of(const char *group, const char *key, char *out, size_t len)
{
    snprintf(out, len, "%s", key);
    if (strcmp(group, "country") == 0) {
        const struct country *c = country_find(key);
        if (c)
            snprintf(out, len, "%s", c->name);
    } else if (strcmp(group, "currency") == 0) {
        const struct currency *c = currency_find(key);
        if (c)
            snprintf(out, len, "%s", c->name);
    } else if (strcmp(group, "kind") == 0 || strcmp(group, "status") == 0) {
        if (out[0] >= 'a' && out[0] <= 'z')
            out[0] = (char)(out[0] - 'a' + 'A');
        for (char *p = out; *p; p++)
            if (*p == '_')
                *p = ' ';
    }
}

/* The next period after `key` ("2024" -> "2025", "2024-12" -> "2025-01"). */
static void next_period(const char *key, bool month, char out[8])
{
    unsigned y = (unsigned)atoi(key) % 10000u, m = month ? (unsigned)atoi(key + 5) % 100u : 0;
    if (month) {
        if (++m > 12) {
            m = 1;
            y = (y + 1) % 10000u;
        }
        snprintf(out, 8, "%04u-%02u", y, m);
    } else {
        snprintf(out, 8, "%04u", (y + 1) % 10000u);
    }
}

/* One pass over the matching pledges, summed into groups in 128 bits. */
struct sum_ctx {
    struct keytab groups;
    int prefix;
};

static bool add_to_group(void *ctx, const struct store_stats_row *r)
{
    struct sum_ctx *sum = ctx;
    char key[24] = "\1";
    if (r->key) {
        int n = (int)strnlen(r->key, sizeof key - 1);
        if (sum->prefix && n > sum->prefix)
            n = sum->prefix;
        snprintf(key, sizeof key, "%.*s", n, r->key);
    }
    struct group *grp = keytab_find(&sum->groups, key);
    if (!grp)
        return false;
    grp->pledges += r->pledges;
    grp->usd.committed += r->usd.committed;
    grp->usd.targets += r->usd.targets;
    grp->people += r->people;
    grp->approximate += r->approximate;
    return true;
}

int stats_totals(const struct request *rq, struct response *rs, const char **group_out,
                 json_t **doc_out)
{
    const char *group = api_query(rq, "group_by");
    size_t g = 0, ng = sizeof groupings / sizeof groupings[0];
    while (group && g < ng && strcmp(groupings[g].name, group) != 0)
        g++;
    if (!group || g == ng) {
        respond_bad_param(rs, "group_by",
                          "must be one of company, country, kind, status, currency, year, month");
        return -1;
    }
    struct record_filter f;
    if (!filter_parse(rq, rs, &f, FILTER_PLEDGES))
        return -1;
    struct db *db = store_reader();
    struct sum_ctx sum = {.prefix = groupings[g].prefix};
    keytab_init(&sum.groups, sizeof(struct group));
    if (store_stats_each(db, &f, groupings[g].group, add_to_group, &sum) != STORE_OK) {
        keytab_free(&sum.groups);
        respond_internal(rq, rs, "totals failed");
        return -1;
    }
    /* The groups in one array; time in key order, everything else largest
     * first. */
    size_t n = 0;
    struct group *groups = malloc((sum.groups.n ? sum.groups.n : 1) * sizeof *groups);
    for (size_t i = 0; groups && i < sum.groups.cap; i++) {
        const struct group *grp = keytab_slot(&sum.groups, i);
        if (grp)
            groups[n++] = *grp;
    }
    keytab_free(&sum.groups);
    if (!groups) {
        respond_internal(rq, rs, "out of memory");
        return -1;
    }
    bool timeline = strcmp(group, "year") == 0 || strcmp(group, "month") == 0;
    if (n > 1)
        qsort(groups, n, sizeof *groups, timeline ? by_key : by_size);
    json_t *rows = json_array();
    struct group total = {.key = "total"};
    for (size_t i = 0; i < n; i++) {
        const struct group *grp = &groups[i];
        char key[64], label[1024]; /* a company name: up to 200 characters of UTF-8 */
        if (strcmp(grp->key, "\1") == 0) {
            snprintf(key, sizeof key, "%s", groupings[g].null_key);
            snprintf(label, sizeof label, "%s", groupings[g].null_label);
        } else if (strcmp(group, "company") == 0) {
            company_names(db, grp->key, key, sizeof key, label, sizeof label);
        } else {
            snprintf(key, sizeof key, "%s", grp->key);
            label_of(group, key, label, sizeof label);
        }
        /* A timeline has every empty period between its first and last as
         * a zero row ("\1", no date, sorts first and is kept apart). */
        if (timeline && i > 0 && strcmp(groups[i - 1].key, "\1") != 0) {
            static const struct group empty;
            char period[8];
            next_period(groups[i - 1].key, strcmp(group, "month") == 0, period);
            for (int guard = 0; strcmp(period, grp->key) < 0 && guard < 12 * 200; guard++) {
                json_array_append_new(rows, totals_row(period, period, &empty));
                next_period(period, strcmp(group, "month") == 0, period);
            }
        }
        json_array_append_new(rows, totals_row(key, label, grp));
        total.pledges += grp->pledges;
        total.approximate += grp->approximate;
        total.usd.committed += grp->usd.committed;
        total.usd.targets += grp->usd.targets;
        total.people += grp->people;
    }
    free(groups);
    *group_out = groupings[g].name;
    *doc_out = json_pack("{s:s, s:o, s:o}", "group_by", groupings[g].name, "rows", rows, "total",
                         totals_row("total", "Total", &total));
    return 0;
}

void h_stats_totals(const struct request *rq, struct response *rs)
{
    static const char *const columns[] = {"key", "label", "pledges", "amount_usd", "targets_usd",
                                          "people", "approximate", NULL};
    int csv = csv_wanted(rq, rs);
    const char *group;
    json_t *doc;
    if (csv < 0 || stats_totals(rq, rs, &group, &doc) < 0)
        return;
    if (csv) {
        json_t *rows = json_deep_copy(json_object_get(doc, "rows"));
        json_array_append(rows, json_object_get(doc, "total"));
        respond_csv(rs, columns, rows);
        json_decref(rows);
        json_decref(doc);
        respond_with_etag(rq, rs);
        return;
    }
    respond_json_get(rq, rs, doc);
}

static json_t *text_or_null(const char *s)
{
    return s[0] ? json_string(s) : json_null();
}

void h_stats_summary(const struct request *rq, struct response *rs)
{
    struct store_summary sum;
    if (store_summary(store_reader(), &sum) != STORE_OK) {
        respond_internal(rq, rs, "summary failed");
        return;
    }
    json_t *doc = json_pack("{s:I, s:I, s:I, s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o}",
        "companies", (json_int_t)sum.companies,
        "announcements", (json_int_t)sum.announcements,
        "pledges", (json_int_t)sum.pledges,
        "total_usd", usd_json(sum.totals.committed),
        "targets_usd", usd_json(sum.totals.targets),
        "approximate", (json_int_t)sum.approximate,
        "people", (json_int_t)sum.people,
        "pledges_without_usd", (json_int_t)sum.pledges_without_usd,
        "first_announced_on", text_or_null(sum.first_on),
        "last_announced_on", text_or_null(sum.last_on),
        "first_announced_on_precision", text_or_null(sum.first_precision),
        "last_announced_on_precision", text_or_null(sum.last_precision),
        "rates_as_of", text_or_null(sum.rates_as_of));
    respond_json_get(rq, rs, doc);
}
