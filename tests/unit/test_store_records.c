/* The store's records called directly on a freshly migrated database (with
 * the shipped rates) in a temporary folder: announcements with their
 * sources and pledges, pledges alone, USD values at the rate in force and
 * their refresh, filtered lists, stats, rates and the feeds' bookkeeping,
 * savepoints and snapshots, and history: stamps, tombstones (cascades
 * too), the feed, prune and a restore's ids. This is store.h's contract as the API relies
 * on it; a second engine must pass the same checks. */
#include "db.h"
#include "engine.h"
#include "migrate.h"
#include "rates.h"
#include "searches.h"
#include "store.h"
#include "tap.h"
#include "tmpdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const T0 = "2026-02-01T00:00:00Z", *const T1 = "2026-03-01T00:00:00Z";

/* Hitachi's yen and Microsoft's dollars, one announcement, two sources. */
static const char announcement_json[] =
    "{\"title\": \"Hitachi and Microsoft agree an AI partnership\","
    " \"announced_on\": \"2024-04-10\", \"companies\": [\"hitachi\", \"microsoft\"],"
    " \"countries\": [\"JP\", \"US\"], \"summary\": \"Generative AI across the grid.\","
    " \"sources\": [{\"url\": \"https://example.invalid/a\", \"title\": \"The deal\","
    "   \"publisher\": \"Wire\", \"language\": \"en\", \"published_on\": \"2024-04-10\"},"
    "  {\"url\": \"https://example.invalid/b\"}],"
    " \"pledges\": ["
    "  {\"company\": \"hitachi\", \"kind\": \"investment\", \"country\": \"JP\","
    "   \"amount\": {\"currency\": \"JPY\", \"value\": \"300000000000\"},"
    "   \"amount_qualifier\": \"about\", \"description\": \"Cloud data centres\","
    "   \"evidence\": [{\"source\": \"https://example.invalid/a\", \"quote\": \"300 billion yen\"}]},"
    "  {\"company\": \"microsoft\", \"kind\": \"target\","
    "   \"amount\": {\"currency\": \"USD\", \"value\": \"1000000.00\"},"
    "   \"evidence\": [{\"source\": \"https://example.invalid/b\", \"quote\": \"revenue goal\"}]}]}";

/* Parses a document as POST would (no error may be added); a borrows from
 * *doc, which the caller releases after a. */
static bool parse_announcement(const char *text, struct announcement_input *a, json_t **doc)
{
    json_t *errors = json_array();
    *doc = json_loads(text, 0, NULL);
    announcement_input_parse(*doc, a, errors);
    bool ok = *doc && json_array_size(errors) == 0;
    json_decref(errors);
    return ok;
}

static bool add_company(struct db *db, const char *json)
{
    json_t *body = json_loads(json, 0, NULL), *errors = json_array();
    struct company_input in;
    company_input_parse(body, INPUT_CREATE, &in, errors);
    bool ok = !json_array_size(errors) && store_company_insert(db, &in, T0) == STORE_OK;
    company_input_free(&in);
    json_decref(errors);
    json_decref(body);
    return ok;
}

struct ids {
    int64_t v[16];
    size_t n;
};

static bool collect_pledge(void *ctx, const struct store_pledge *p)
{
    struct ids *ids = ctx;
    if (ids->n < 16)
        ids->v[ids->n++] = p->id;
    return true;
}

static bool collect_announcement(void *ctx, const struct store_announcement *a)
{
    struct ids *ids = ctx;
    if (ids->n < 16)
        ids->v[ids->n++] = a->id;
    return a->pledges == NULL; /* lists come without pledges */
}

static bool collect_id(void *ctx, int64_t id)
{
    return collect_pledge(ctx, &(struct store_pledge){.id = id});
}

/* The pledges a filter finds (sorted by announced_on, then id). */
static struct ids pledges_where(struct db *db, struct record_filter f)
{
    struct ids ids = {{0}, 0};
    f.target = FILTER_PLEDGES;
    struct page pg = {.n_keys = 1, .limit = 10, .count = true};
    pg.keys[0] = &store_pledge_sorts[0];
    struct page_end end;
    if (store_pledge_list(db, &f, &pg, collect_pledge, &ids, &end) != STORE_OK ||
        end.total != (int64_t)ids.n)
        ids.n = 99; /* a failure, or a total that disagrees with the rows */
    json_decref(end.next_after);
    return ids;
}

static struct record_filter any(void)
{
    return (struct record_filter){.min_usd = -1, .max_usd = -1, .approximate = -1};
}

struct kinds {
    int64_t rows, cents, approximate;
};

static bool sum_row(void *ctx, const struct store_stats_row *r)
{
    struct kinds *k = ctx;
    k->rows += r->pledges;
    k->cents += (int64_t)(r->usd.committed + r->usd.targets);
    k->approximate += r->approximate;
    return r->key != NULL; /* every pledge here has a kind */
}

/* The rows of `from` (a table, or a subquery in parentheses); -1 when
 * the SQL fails. */
static int64_t count_of(struct db *db, const char *from)
{
    char sql[2048];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", from);
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Rows of `a` not in `b` (SQL over the same database). */
static int64_t rows_missing(struct db *db, const char *a, const char *b)
{
    char from[2048];
    snprintf(from, sizeof from, "(SELECT * FROM %s EXCEPT SELECT * FROM %s)", a, b);
    return count_of(db, from);
}

#define SUMS_OF(cols)                                                                   \
    "(SELECT " cols ", sum(pledges), sum(committed_hi), sum(committed_lo), sum(targets_hi)," \
    " sum(targets_lo), sum(people), sum(approximate) FROM "
/* The kept totals with what the log still holds (a write outside a
 * transaction is folded at the next COMMIT). */
static const char kept_groups_now[] =
    SUMS_OF("dim, key") "(SELECT * FROM pledge_groups UNION ALL SELECT * FROM"
    " pledge_group_log_groups) GROUP BY dim, key HAVING sum(pledges) > 0)";
static const char kept_pairs_now[] =
    SUMS_OF("filter_dim, filter_key, dim, key") "(SELECT * FROM pledge_group_pairs UNION ALL"
    " SELECT * FROM pledge_group_log_pairs) GROUP BY filter_dim, filter_key, dim, key"
    " HAVING sum(pledges) > 0)";

/* The totals kept by 0008 and 0009 equal the sums of the pledges as they
 * stand (the views are the reference). PostgreSQL keeps no totals: it sums
 * the pledges at each read (pg_stats.c), so there is nothing to drift. */
static bool kept_totals_match(struct db *db)
{
    if (store_engine_of(db) == ENGINE_POSTGRESQL)
        return true;
    return rows_missing(db, kept_groups_now, "pledge_groups_computed") == 0 &&
           rows_missing(db, "pledge_groups_computed", kept_groups_now) == 0 &&
           rows_missing(db, kept_pairs_now, "pledge_group_pairs_computed") == 0 &&
           rows_missing(db, "pledge_group_pairs_computed", kept_pairs_now) == 0 &&
           rows_missing(db, "pledge_totals", "pledge_totals_computed") == 0 &&
           rows_missing(db, "pledge_totals_computed", "pledge_totals") == 0;
}

/* Counts the pledges with no month. */
static bool sum_month_none(void *ctx, const struct store_stats_row *r)
{
    struct kinds *k = ctx;
    if (!r->key)
        k->rows += r->pledges;
    return true;
}

static enum store_status write_then_abort(struct db *db, void *ctx)
{
    (void)ctx;
    return add_company(db, "{\"name\": \"Gone Again\"}") ? STORE_ABORTED : STORE_ERROR;
}

static enum store_status read_kind_count(struct db *db, void *ctx)
{
    struct kinds *k = ctx;
    struct record_filter f = any();
    f.target = FILTER_PLEDGES;
    return store_stats_each(db, &f, STATS_KIND, sum_row, k);
}

static void test_records(struct db *db)
{
    CHECK(add_company(db, "{\"name\": \"Hitachi\", \"country\": \"JP\"}") &&
              add_company(db, "{\"name\": \"Microsoft\", \"country\": \"US\"}"),
          "two companies");
    int64_t ids[3];
    const char *slugs[3] = {"hitachi", "nobody", "microsoft"};
    CHECK(store_company_ids(db, slugs, 3, ids) == STORE_OK && ids[0] > 0 && ids[1] == 0 &&
              ids[2] > 0,
          "company ids by slug, 0 for an unknown one");

    static struct announcement_input a;
    json_t *doc = NULL;
    int64_t id = 0;
    CHECK(parse_announcement(announcement_json, &a, &doc) &&
              store_announcement_write(db, &a, true, T0, &id) == STORE_OK && id > 0,
          "an announcement with two pledges is written");

    struct store_announcement got;
    CHECK(store_announcement_get(db, id, true, &got) == STORE_OK &&
              strcmp(got.title, a.title) == 0 && strcmp(got.announced_on, "2024-04-10") == 0 &&
              strcmp(got.precision, "day") == 0 && got.n_companies == 2 &&
              strcmp(got.companies[1], "microsoft") == 0 && got.n_countries == 2 &&
              got.n_sources == 2 && strcmp(got.sources[0].publisher, "Wire") == 0 &&
              got.sources[1].title == NULL && got.n_pledges == 2 && got.pledge_count == 2,
          "it reads back with its companies, countries, sources and pledges, in order");
    /* 300,000,000,000 JPY at 152.9000 per USD (2024-04-10, Fed H.10). */
    CHECK(got.totals.committed == (__int128)196206671027 && got.totals.targets == 100000000,
          "committed money is the yen in dollars; the target is apart (%lld, %lld)",
          (long long)got.totals.committed, (long long)got.totals.targets);
    const struct store_pledge *p = &got.pledges[0];
    int64_t yen_id = p->id, target_id = got.pledges[1].id;
    CHECK(strcmp(p->company, "hitachi") == 0 && strcmp(p->currency, "JPY") == 0 &&
              p->amount_minor == 300000000000LL && p->usd_known &&
              strcmp(p->usd_rate_date, "2024-04-10") == 0 &&
              strcmp(p->usd_rate_source, "fed-h10") == 0 &&
              strcmp(p->amount_qualifier, "about") == 0 && !p->has_people &&
              strstr(p->evidence, "300 billion yen") && strcmp(p->precision, "day") == 0,
          "a pledge carries its amount, its USD value with the rate's date and source");
    store_announcement_free(&got);
    CHECK(store_announcement_get(db, id, false, &got) == STORE_OK && got.pledges == NULL &&
              got.pledge_count == 2 && got.totals.targets == 100000000,
          "without pledges: their count and totals still");
    store_announcement_free(&got);
    CHECK(store_announcement_get(db, id + 100, true, &got) == STORE_NOT_FOUND,
          "an unknown announcement is not found");

    int64_t owner = 0;
    CHECK(store_source_owner(db, "https://example.invalid/b", 0, &owner) == STORE_OK &&
              owner == id &&
              store_source_owner(db, "https://example.invalid/b", id, &owner) ==
                  STORE_NOT_FOUND,
          "a source URL's owner, other than the announcement asked about");

    struct store_pledge_context ctx;
    CHECK(store_pledge_context(db, id, &ctx) == STORE_OK &&
              strcmp(ctx.announced_on, "2024-04-10") == 0 && ctx.n_companies == 2 &&
              ctx.n_urls == 2 && strcmp(ctx.urls[1], "https://example.invalid/b") == 0,
          "a pledge's context: the announcement's date, companies and source URLs");
    store_pledge_context_free(&ctx);

    /* A stand-alone pledge, appended, changed, deleted. */
    struct pledge_input extra = {.company = "microsoft", .kind = "training", .status = "announced",
                                 .people = 3000000, .people_qualifier = "at_least",
                                 .evidence = json_array(), .announcement_id = id};
    int64_t extra_id = 0;
    struct store_pledge sp;
    CHECK(store_pledge_insert(db, id, -1, "2024-04-10", &extra, T0, &extra_id) == STORE_OK &&
              store_pledge_get(db, extra_id, &sp) == STORE_OK && sp.has_people &&
              sp.people == 3000000 && sp.currency[0] == '\0' && !sp.usd_known,
          "a pledge is added without an amount");
    store_pledge_free(&sp);
    CHECK(store_announcement_get(db, id, true, &got) == STORE_OK && got.n_pledges == 3 &&
              got.pledges[2].id == extra_id,
          "it comes after the announcement's others");
    store_announcement_free(&got);
    extra.kind = "research";
    CHECK(store_pledge_update(db, extra_id, "2024-04-10", &extra, T1) == STORE_OK &&
              store_pledge_get(db, extra_id, &sp) == STORE_OK &&
              strcmp(sp.kind, "research") == 0 && strcmp(sp.created_at, T0) == 0 &&
              strcmp(sp.updated_at, T1) == 0,
          "an update rewrites it and keeps created_at");
    CHECK(kept_totals_match(db), "the kept groups follow a new kind");
    store_pledge_free(&sp);
    extra.company = "nobody";
    CHECK(store_pledge_update(db, extra_id, "2024-04-10", &extra, T1) == STORE_NOT_FOUND,
          "a pledge of an unknown company is refused");
    json_decref(extra.evidence);

    /* Lists and filters. */
    struct record_filter f = any();
    CHECK(pledges_where(db, f).n == 3, "every pledge is listed, with its total");
    f.company = "hitachi";
    struct ids found = pledges_where(db, f);
    CHECK(found.n == 1 && found.v[0] == yen_id, "by company");
    f = any();
    f.company = "nobody";
    CHECK(pledges_where(db, f).n == 0, "an unknown company matches nothing");
    f = any();
    f.kind = "target";
    found = pledges_where(db, f);
    CHECK(found.n == 1 && found.v[0] == target_id, "by kind");
    f = any();
    f.min_usd = 100000000000; /* a billion dollars */
    found = pledges_where(db, f);
    CHECK(found.n == 1 && found.v[0] == yen_id, "by USD amount");
    f = any();
    f.approximate = 1;
    CHECK(pledges_where(db, f).n == 2, "approximate figures (about, at least)");
    f = any();
    f.q = "centres";
    found = pledges_where(db, f);
    CHECK(found.n == 1 && found.v[0] == yen_id, "by a word of the description");
    f = any();
    f.q = "grid";
    CHECK(pledges_where(db, f).n == 3, "by a word of the announcement");
    f = any();
    f.q = "\"centres OR";
    CHECK(pledges_where(db, f).n == 0, "free text is never FTS5 syntax");
    f = any();
    f.joint = true;
    CHECK(pledges_where(db, f).n == 0, "no joint pledge");

    struct ids anns = {{0}, 0};
    struct record_filter af = any();
    af.target = FILTER_ANNOUNCEMENTS;
    snprintf(af.country, sizeof af.country, "US");
    struct page pg = {.n_keys = 1, .limit = 10};
    pg.keys[0] = &store_announcement_sorts[0];
    struct page_end end;
    CHECK(store_announcement_list(db, &af, &pg, collect_announcement, &anns, &end) == STORE_OK &&
              anns.n == 1 && anns.v[0] == id && end.next_after == NULL,
          "announcements by country, without their pledges");

    /* Stats and the summary. */
    struct kinds k = {0, 0, 0};
    f = any();
    f.target = FILTER_PLEDGES;
    CHECK(store_stats_each(db, &f, STATS_KIND, sum_row, &k) == STORE_OK && k.rows == 3 &&
              k.cents == 196206671027 + 100000000 && k.approximate == 2,
          "stats visit every pledge with its USD value and qualifier");
    struct store_summary sum;
    CHECK(store_summary(db, &sum) == STORE_OK && sum.companies == 2 && sum.announcements == 1 &&
              sum.pledges == 3 && sum.totals.committed == (__int128)196206671027 &&
              sum.totals.targets == 100000000 && sum.people == 3000000 &&
              strcmp(sum.first_on, "2024-04-10") == 0 && sum.rates_as_of[0],
          "the summary counts and sums the same");
    CHECK(kept_totals_match(db), "the kept groups hold the new pledges");
    char slug[SLUG_MAX + 1], name[64];
    CHECK(store_company_names(db, ids[0], slug, name, sizeof name) == STORE_OK &&
              strcmp(slug, "hitachi") == 0 && strcmp(name, "Hitachi") == 0,
          "a company's slug and name by id");

    /* USD values follow the rates and the date. */
    struct store_rate manual = {"JPY", "2024-04-10", "150", "manual", ""};
    snprintf(manual.updated_at, sizeof manual.updated_at, "%s", T1);
    CHECK(store_rate_put_manual(db, &manual) == STORE_OK &&
              store_pledges_refresh_usd(db, "JPY", "2024-04-10", "2024-04-24", 0) == STORE_OK &&
              store_pledge_get(db, yen_id, &sp) == STORE_OK &&
              sp.usd_cents == 200000000000LL && strcmp(sp.usd_rate_source, "manual") == 0,
          "a corrected rate reaches the pledge that uses it");
    store_pledge_free(&sp);
    struct store_rate row;
    CHECK(store_rate_get(db, "JPY", "2024-04-10", &row) == STORE_OK &&
              strcmp(row.per_usd, "150") == 0 && strcmp(row.source, "manual") == 0,
          "the rate row says manual");
    snprintf(a.announced_on, sizeof a.announced_on, "2024-04-11");
    CHECK(store_announcement_write(db, &a, false, T1, &id) == STORE_OK &&
              store_pledge_get(db, yen_id, &sp) == STORE_OK &&
              strcmp(sp.announced_on, "2024-04-11") == 0 &&
              strcmp(sp.usd_rate_date, "2024-04-11") == 0 && sp.usd_cents == 195835237287LL,
          "kept pledges follow a new date, and its rate (%lld)", (long long)sp.usd_cents);
    store_pledge_free(&sp);
    CHECK(store_summary(db, &sum) == STORE_OK && sum.pledges == 3 &&
              sum.totals.committed == (__int128)195835237287LL &&
              sum.totals.targets == 100000000 && sum.people == 3000000 && sum.approximate == 2,
          "the summary's kept totals follow every change of a USD value");
    CHECK(kept_totals_match(db), "the kept groups follow a new date and a new rate");
    a.announced_on_precision = "year";
    CHECK(store_announcement_write(db, &a, false, T1, &id) == STORE_OK && kept_totals_match(db),
          "a date known only to the year moves the pledges out of their month");
    struct kinds months = {0, 0, 0};
    f = any();
    f.target = FILTER_PLEDGES;
    CHECK(store_stats_each(db, &f, STATS_MONTH, sum_month_none, &months) == STORE_OK &&
              months.rows == 3,
          "all three are in no month");
    a.announced_on_precision = "day";
    snprintf(a.announced_on, sizeof a.announced_on, "2024-05-11");
    CHECK(store_announcement_write(db, &a, false, T1, &id) == STORE_OK && kept_totals_match(db),
          "and back into a month, with a new date at once");
    snprintf(a.announced_on, sizeof a.announced_on, "2024-04-11");
    CHECK(store_announcement_write(db, &a, false, T1, &id) == STORE_OK && kept_totals_match(db),
          "and back to the date before");

    found.n = 0;
    CHECK(store_announcement_ids(db, collect_id, &found) == STORE_OK && found.n == 1 &&
              found.v[0] == id,
          "every announcement's id");
    CHECK(store_announcement_delete(db, id) == STORE_OK &&
              store_announcement_get(db, id, false, &got) == STORE_NOT_FOUND &&
              store_pledge_get(db, yen_id, &sp) == STORE_NOT_FOUND,
          "a deleted announcement takes its pledges with it");
    CHECK(store_summary(db, &sum) == STORE_OK && sum.pledges == 0 && sum.totals.committed == 0 &&
              sum.totals.targets == 0 && sum.people == 0 && sum.approximate == 0 &&
              sum.pledges_without_usd == 0,
          "and the summary's kept totals are back to nothing");
    CHECK(kept_totals_match(db), "and so are the kept groups");
    f = any();
    f.q = "grid";
    CHECK(pledges_where(db, f).n == 0, "and its words leave the index");

    /* Savepoints and snapshots. */
    CHECK(store_write_on(db, write_then_abort, NULL) == STORE_ABORTED, "an aborted body");
    struct store_company c;
    CHECK(store_company_get(db, "gone-again", &c) == STORE_NOT_FOUND,
          "leaves nothing behind");
    k = (struct kinds){0, 0, 0};
    CHECK(store_read_on(db, read_kind_count, &k) == STORE_OK && k.rows == 0,
          "a read in a snapshot answers its body's status");
    announcement_input_free(&a);
    json_decref(doc);
}

static bool collect_rate(void *ctx, const struct store_rate *r)
{
    struct ids *ids = ctx;
    if (ids->n < 16)
        ids->v[ids->n++] = strcmp(r->currency, "EUR") == 0;
    return true;
}

static void test_rates(struct db *db)
{
    struct store_rate r;
    CHECK(store_rate_get(db, "JPY", "2024-04-13", &r) == STORE_NOT_FOUND,
          "a Saturday has no row of its own");
    char latest[DATE_TEXT];
    CHECK(store_rate_latest_from(db, "JPY", "fed-h10", latest) == STORE_OK &&
              strcmp(latest, "2026-01-16") == 0 &&
              store_rate_latest_from(db, "JPY", "nobody", latest) == STORE_OK && !latest[0],
          "the latest date from a source ('' for none)");
    struct store_rate put = {"EUR", "2024-04-13", "0.9", "ecb-derived", "2026-02-01T00:00:00Z"};
    CHECK(store_rate_put(db, &put) == STORE_OK && store_rate_get(db, "EUR", "2024-04-13", &r) ==
              STORE_OK && strcmp(r.source, "ecb-derived") == 0,
          "a rate is put");
    snprintf(put.per_usd, sizeof put.per_usd, "0.91");
    snprintf(put.source, sizeof put.source, "fed-h10");
    CHECK(store_rate_put(db, &put) == STORE_OK && store_rate_get(db, "EUR", "2024-04-13", &r) ==
              STORE_OK && strcmp(r.per_usd, "0.91") == 0 && strcmp(r.source, "fed-h10") == 0,
          "and put again over itself");
    struct store_rate_filter f = {"EUR", "2024-04-08", "2024-04-14"};
    struct page pg = {.n_keys = 1, .limit = 3, .count = true};
    pg.keys[0] = &store_rate_sorts[0];
    struct ids seen = {{0}, 0};
    struct page_end end;
    CHECK(store_rate_list(db, &f, &pg, collect_rate, &seen, &end) == STORE_OK && seen.n == 3 &&
              seen.v[0] == 1 && end.next_after && end.total == 6,
          "a page of rates, filtered, with the rest to follow (%lld)", (long long)end.total);
    json_decref(end.next_after);

    char etag[256], lm[128];
    CHECK(store_feed_validators(db, "ecb", "https://x.invalid/f", etag, lm) == STORE_OK &&
              !etag[0] && !lm[0],
          "a feed never run has no validators");
    CHECK(store_feed_record(db, "ecb", "https://x.invalid/f", NULL, "\"v1\"", "Mon", T0) ==
                  STORE_OK &&
              store_feed_record(db, "ecb", "https://x.invalid/f", "HTTP 500", NULL, NULL, T1) ==
                  STORE_OK &&
              store_feed_validators(db, "ecb", "https://x.invalid/f", etag, lm) == STORE_OK &&
              strcmp(etag, "\"v1\"") == 0 && strcmp(lm, "Mon") == 0,
          "a success keeps its validators; a failure after it leaves them");
    CHECK(store_feed_validators(db, "ecb", "https://x.invalid/other", etag, lm) == STORE_OK &&
              !etag[0],
          "validators belong to the URL they came from");
}

/* Full-text entries are written at COMMIT (fts_sync.c): what a rolled-back
 * savepoint or transaction wrote leaves no entry, a row rewritten in the
 * same transaction is found by its last text only. */
struct fts_tx {
    int64_t ann, kept, changed;
};

static enum store_status add_pledge(struct db *db, int64_t ann, const char *text, int64_t *id)
{
    struct pledge_input p = {.kind = "other", .status = "announced", .description = text,
                             .evidence = json_array(), .announcement_id = ann};
    enum store_status st = store_pledge_insert(db, ann, -1, "2024-04-10", &p, T0, id);
    json_decref(p.evidence);
    return st;
}

static enum store_status add_then_abort(struct db *db, void *ctx)
{
    int64_t id;
    struct fts_tx *t = ctx;
    return add_pledge(db, t->ann, "zebrafish", &id) == STORE_OK ? STORE_ABORTED : STORE_ERROR;
}

static enum store_status fts_body(struct db *db, void *ctx)
{
    struct fts_tx *t = ctx;
    if (store_nested(db, add_then_abort, t) != STORE_ABORTED ||
        add_pledge(db, t->ann, "kingfisher", &t->kept) != STORE_OK ||
        add_pledge(db, t->ann, "heron", &t->changed) != STORE_OK)
        return STORE_ERROR;
    struct pledge_input p = {.kind = "other", .status = "announced", .description = "pelican",
                             .evidence = json_array(), .announcement_id = t->ann};
    enum store_status st = store_pledge_update(db, t->changed, "2024-04-10", &p, T1);
    json_decref(p.evidence);
    return st;
}

static enum store_status delete_then_abort(struct db *db, void *ctx)
{
    struct fts_tx *t = ctx;
    return store_pledge_delete(db, t->kept) == STORE_OK ? STORE_ABORTED : STORE_ERROR;
}

static size_t matches(struct db *db, const char *word)
{
    struct record_filter f = any();
    f.q = word;
    return pledges_where(db, f).n;
}

static void test_fts_in_transactions(struct db *db)
{
    struct announcement_input a;
    json_t *doc;
    struct fts_tx t = {0, 0, 0};
    CHECK(parse_announcement(announcement_json, &a, &doc) &&
              store_announcement_write(db, &a, true, T0, &t.ann) == STORE_OK,
          "an announcement to add pledges to");
    announcement_input_free(&a);
    json_decref(doc);
    CHECK(store_write_on(db, fts_body, &t) == STORE_OK && t.kept && t.changed,
          "one transaction: a pledge added and rolled back, one added, one added and changed");
    CHECK((store_engine_of(db) == ENGINE_POSTGRESQL ||
           rows_missing(db, "pledge_group_log", "pledge_group_log WHERE 0") == 0) &&
              kept_totals_match(db),
          "COMMIT folded the logged changes into the kept totals and emptied the log");
    CHECK(matches(db, "zebrafish") == 0, "the rolled-back pledge's words are in no entry");
    CHECK(matches(db, "kingfisher") == 1 && matches(db, "pelican") == 1 &&
              matches(db, "heron") == 0,
          "the others are found by their last text only");
    CHECK(store_write_on(db, delete_then_abort, &t) == STORE_ABORTED &&
              matches(db, "kingfisher") == 1,
          "a delete rolled back leaves the entry");
    CHECK(store_pledge_delete(db, t.kept) == STORE_OK && matches(db, "kingfisher") == 0,
          "a delete outside a transaction takes it at once");
    CHECK(kept_totals_match(db), "and the kept totals agree with the rows");
}

/* ---- kept totals of one-word searches (SQLite, migration 0015) ---- */

/* announcement_json's, at other addresses (a source is one announcement's). */
static const char search_announcement_json[] =
    "{\"title\": \"Hitachi and Microsoft agree an AI partnership\","
    " \"announced_on\": \"2024-04-10\", \"companies\": [\"hitachi\", \"microsoft\"],"
    " \"countries\": [\"JP\", \"US\"], \"summary\": \"Generative AI across the grid.\","
    " \"sources\": [{\"url\": \"https://example.invalid/s1\", \"title\": \"The deal\","
    "   \"publisher\": \"Wire\", \"language\": \"en\", \"published_on\": \"2024-04-10\"},"
    "  {\"url\": \"https://example.invalid/s2\"}],"
    " \"pledges\": ["
    "  {\"company\": \"hitachi\", \"kind\": \"investment\", \"country\": \"JP\","
    "   \"amount\": {\"currency\": \"JPY\", \"value\": \"300000000000\"},"
    "   \"amount_qualifier\": \"about\", \"description\": \"Cloud data centres\","
    "   \"evidence\": [{\"source\": \"https://example.invalid/s1\", \"quote\": \"300 billion yen\"}]},"
    "  {\"company\": \"microsoft\", \"kind\": \"target\","
    "   \"amount\": {\"currency\": \"USD\", \"value\": \"1000000.00\"},"
    "   \"evidence\": [{\"source\": \"https://example.invalid/s2\", \"quote\": \"revenue goal\"}]}]}";

/* The kept sums equal FTS5's own answer (the view), and no pledge waits. */
static bool search_totals_match(struct db *db)
{
    static const char kept[] = "(SELECT * FROM pledge_search_groups WHERE pledges > 0)";
    return rows_missing(db, "pledge_search_dirty", "pledge_search_dirty WHERE 0") == 0 &&
           rows_missing(db, kept, "pledge_search_groups_computed") == 0 &&
           rows_missing(db, "pledge_search_groups_computed", kept) == 0;
}

struct search_tx {
    int64_t ann, a, b;
    const char *keep; /* a word to keep after the writes, or NULL */
};

static enum store_status describe(struct db *db, int64_t id, int64_t ann, const char *text)
{
    struct pledge_input p = {.kind = "training", .status = "announced", .description = text,
                             .people = 40, .evidence = json_array(), .announcement_id = ann};
    enum store_status st = store_pledge_update(db, id, "2024-04-10", &p, T1);
    json_decref(p.evidence);
    return st;
}

/* Adds two pledges, changes one, then perhaps keeps a word: the new rows
 * have no full-text entry until COMMIT. */
static enum store_status search_body(struct db *db, void *ctx)
{
    struct search_tx *t = ctx;
    enum store_status st = add_pledge(db, t->ann, "Ospreys and cloud robots", &t->a);
    if (st == STORE_OK)
        st = add_pledge(db, t->ann, "a plain pledge", &t->b);
    if (st == STORE_OK)
        st = describe(db, t->b, t->ann, "now about ospreys");
    struct search_keep k;
    if (st == STORE_OK && t->keep && !sq_search_keep_init(&k, t->keep))
        st = STORE_ERROR;
    while (st == STORE_OK && t->keep && (st = sq_search_keep(db, &k)) == STORE_OK && k.more)
        ; /* every step in this transaction */
    return st;
}

static enum store_status add_cloud_then_abort(struct db *db, void *ctx)
{
    struct search_tx *t = ctx;
    int64_t id;
    return add_pledge(db, t->ann, "cloud", &id) == STORE_OK ? STORE_ABORTED : STORE_ERROR;
}

static enum store_status nested_cloud(struct db *db, void *ctx)
{
    struct search_tx *t = ctx;
    if (store_nested(db, add_cloud_then_abort, t) != STORE_ABORTED)
        return STORE_ERROR;
    return describe(db, t->a, t->ann, "no birds any more");
}

static enum store_status keep_step(struct db *db, void *ctx)
{
    return sq_search_keep(db, ctx);
}

/* Keeps word, one step a transaction as the writer does; the steps taken,
 * or -1. */
static int keep_word(struct db *db, const char *word)
{
    struct search_keep k;
    if (!sq_search_keep_init(&k, word))
        return -1;
    int steps = 0;
    do {
        if (store_write_on(db, keep_step, &k) != STORE_OK)
            return -1;
        steps++;
    } while (k.more);
    return steps;
}

static enum store_status forget(struct db *db, void *ctx)
{
    (void)ctx;
    return sq_searches_forget(db);
}

static enum store_status nothing(struct db *db, void *ctx)
{
    (void)db, (void)ctx;
    return STORE_OK;
}

/* The totals of q by kind as store_stats_each gives them, with the
 * kept sums read (at > 0) or not. */
static struct kinds totals_of(struct db *db, const char *q, long long at)
{
    struct kinds k = {0, 0, 0};
    struct record_filter f = any();
    f.target = FILTER_PLEDGES;
    f.q = q;
    store_search_totals_set(at);
    if (store_stats_each(db, &f, STATS_KIND, sum_row, &k) != STORE_OK)
        k.rows = -1;
    store_search_totals_set(20000);
    return k;
}

static void test_search_totals(struct db *db)
{
    char token[SEARCH_TOKEN_MAX + 1];
    CHECK(sq_search_token(db, "  Éclairs ", token) && strcmp(token, "eclairs") == 0 &&
              !sq_search_token(db, "cloud robots", token) && !sq_search_token(db, "clo*", token) &&
              !sq_search_token(db, "AI-driven", token) &&
              sq_search_token(db, "\"cloud\"", token) && strcmp(token, "cloud") == 0,
          "q is a kept word when the tokenizer makes one token of one word, no prefix");

    struct announcement_input a;
    json_t *doc;
    struct search_tx t = {0, 0, 0, NULL};
    CHECK(parse_announcement(search_announcement_json, &a, &doc) &&
              store_announcement_write(db, &a, true, T0, &t.ann) == STORE_OK,
          "an announcement about AI, its pledge about cloud data centres");
    CHECK(keep_word(db, "ai") == 1 && keep_word(db, "cloud") == 1 && keep_word(db, "wire") == 1 &&
              keep_word(db, "cloud") == 1 &&
              count_of(db, "pledge_searches") == 3 && search_totals_match(db),
          "three words kept (one asked twice), counted as FTS5 finds them");
    CHECK(count_of(db, "(SELECT 1 FROM pledge_search_groups WHERE bit = 0 AND dim = 'company'"
                       " AND pledges > 0)") > 0,
          "the announcement's word counts its pledges");

    t.keep = "ospreys";
    CHECK(store_write_on(db, search_body, &t) == STORE_OK && search_totals_match(db),
          "pledges added and changed, then a word kept, in one transaction");
    CHECK(count_of(db, "(SELECT 1 FROM pledge_search_marks m JOIN pledge_searches s"
                       " ON m.mask >> s.bit & 1 WHERE s.token = 'ospreys')") == 2,
          "the word is counted in both pledges written before it was kept");
    CHECK(store_write_on(db, nested_cloud, &t) == STORE_OK && search_totals_match(db),
          "a pledge added and rolled back to its savepoint, a word taken out");

    struct kinds kept = totals_of(db, "Cloud", 20000), read = totals_of(db, "cloud", 0);
    CHECK(kept.rows > 0 && kept.rows == read.rows && kept.cents == read.cents &&
              kept.approximate == read.approximate,
          "totals for q=Cloud from the kept sums equal a pass over the pledges (%lld, %lld)",
          (long long)kept.rows, (long long)read.rows);

    a.title = "Hitachi and Microsoft agree a partnership";
    a.summary = "Cloud across the grid.";
    a.sources[0].publisher = "Newswire";
    static const char bump[] = "UPDATE pledge_search_groups SET pledges = pledges + 1000"
                               " WHERE dim = 'kind' AND bit = (SELECT bit FROM pledge_searches"
                               " WHERE token = 'cloud')";
    CHECK(sqlite3_exec(db_handle(db), bump, NULL, NULL, NULL) == SQLITE_OK &&
              totals_of(db, "cloud", 20000).rows > 1000 &&
              totals_of(db, "cloud", 0).rows == read.rows &&
              sqlite3_exec(db_handle(db), "UPDATE pledge_search_groups SET pledges ="
                           " pledges - 1000 WHERE pledges >= 1000", NULL, NULL, NULL) ==
                  SQLITE_OK &&
              search_totals_match(db),
          "those totals were the kept sums (changed by hand, they show), unless switched off");
    snprintf(a.announced_on, sizeof a.announced_on, "2024-06-03");
    CHECK(store_write_on(db, nothing, NULL) == STORE_OK &&
              store_announcement_write(db, &a, false, T1, &t.ann) == STORE_OK &&
              store_write_on(db, nothing, NULL) == STORE_OK && search_totals_match(db),
          "a new title, summary and date move every pledge of the announcement");
    a.announced_on_precision = "year";
    CHECK(store_announcement_write(db, &a, false, T1, &t.ann) == STORE_OK &&
              store_write_on(db, nothing, NULL) == STORE_OK && search_totals_match(db),
          "a date known only to the year moves them out of their month");
    CHECK(store_pledge_delete(db, t.b) == STORE_OK &&
              count_of(db, "pledge_search_dirty") == 1,
          "a delete outside a transaction leaves its pledge waiting");
    kept = totals_of(db, "cloud", 20000);
    read = totals_of(db, "cloud", 0);
    CHECK(kept.rows > 0 && kept.rows == read.rows && kept.cents == read.cents,
          "meanwhile totals pass over the pledges, not the stale sums (%lld, %lld)",
          (long long)kept.rows, (long long)read.rows);
    CHECK(store_write_on(db, nothing, NULL) == STORE_OK && search_totals_match(db),
          "the next COMMIT counts it out");
    char marked[128];
    snprintf(marked, sizeof marked, "pledge_search_marks WHERE id = %lld", (long long)t.a);
    CHECK(count_of(db, marked) == 1 && store_announcement_delete(db, t.ann) == STORE_OK &&
              store_write_on(db, nothing, NULL) == STORE_OK && search_totals_match(db) &&
              count_of(db, marked) == 0,
          "an announcement deleted takes its pledges out of every word");
    announcement_input_free(&a);
    json_decref(doc);
    CHECK(store_write_on(db, forget, NULL) == STORE_OK &&
              count_of(db, "pledge_searches") == 0 && search_totals_match(db),
          "a bulk load's forget leaves no word kept");
}

/* ---- a kept word counted in steps (SQLite, migration 0017) ---- */

struct step_tx {
    int64_t ann, id[8];
    struct search_keep *k;
};

static const char *const step_texts[8] = {"cloud one", "plain one", "cloud two", "plain two",
                                          "cloud three", "plain three", "cloud four", "plain"};

static enum store_status add_step_pledges(struct db *db, void *ctx)
{
    struct step_tx *t = ctx;
    enum store_status st = STORE_OK;
    for (int i = 0; i < 8 && st == STORE_OK; i++)
        st = add_pledge(db, t->ann, step_texts[i], &t->id[i]);
    return st;
}

/* Between two steps: a counted pledge loses the word, a pledge not yet
 * reached gains it, another not reached is deleted, and one is added. */
static enum store_status change_between(struct db *db, void *ctx)
{
    struct step_tx *t = ctx;
    int64_t id;
    enum store_status st = describe(db, t->id[0], t->ann, "no longer about that");
    if (st == STORE_OK)
        st = describe(db, t->id[5], t->ann, "cloud after all");
    if (st == STORE_OK)
        st = store_pledge_delete(db, t->id[6]);
    return st == STORE_OK ? add_pledge(db, t->ann, "cloud, new", &id) : st;
}

static enum store_status step_then_abort(struct db *db, void *ctx)
{
    struct step_tx *t = ctx;
    return sq_search_keep(db, t->k) == STORE_OK ? STORE_ABORTED : STORE_ERROR;
}

static int64_t counted_to(struct db *db, const char *word)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -2; /* not kept */
    if (sqlite3_prepare_v2(db_handle(db), "SELECT coalesce(counted_to, -1) FROM pledge_searches"
                                          " WHERE token = ?", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, word, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void test_search_steps(struct db *db)
{
    struct announcement_input a;
    json_t *doc;
    struct step_tx t = {0};
    CHECK(parse_announcement(search_announcement_json, &a, &doc) &&
              store_announcement_write(db, &a, true, T0, &t.ann) == STORE_OK &&
              store_write_on(db, add_step_pledges, &t) == STORE_OK,
          "ten pledges, five of them about cloud (one by its announcement's summary)");
    announcement_input_free(&a);
    json_decref(doc);

    store_search_totals_step_set(3);
    struct search_keep k;
    CHECK(sq_search_keep_init(&k, "cloud") && store_write_on(db, keep_step, &k) == STORE_OK &&
              k.more && counted_to(db, "cloud") > 0 && k.found > 0,
          "one step of three pledges keeps the word and counts part of them");
    struct kinds read = totals_of(db, "cloud", 0);
    static const char bump[] = "UPDATE pledge_search_groups SET pledges = pledges + 1000";
    CHECK(sqlite3_exec(db_handle(db), bump, NULL, NULL, NULL) == SQLITE_OK &&
              totals_of(db, "cloud", 20000).rows == read.rows &&
              sqlite3_exec(db_handle(db), "UPDATE pledge_search_groups SET pledges ="
                           " pledges - 1000", NULL, NULL, NULL) == SQLITE_OK,
          "totals are not read from a word still being counted");
    int64_t first = counted_to(db, "cloud");
    CHECK(first < t.id[5] && store_write_on(db, change_between, &t) == STORE_OK &&
              count_of(db, "pledge_search_dirty") == 0,
          "writes between the steps, on both sides of where the count stands");
    int steps = 1;
    while (k.more && steps < 100 && store_write_on(db, keep_step, &k) == STORE_OK)
        steps++;
    CHECK(!k.more && steps >= 4 && counted_to(db, "cloud") == -1 && search_totals_match(db),
          "counted through in %d steps: every pledge once, as FTS5 finds them", steps);
    struct kinds kept = totals_of(db, "cloud", 20000);
    read = totals_of(db, "cloud", 0);
    CHECK(kept.rows > 0 && kept.rows == read.rows && kept.cents == read.cents,
          "then totals are read from the kept sums and equal a pass over the pledges");

    struct search_keep again;
    CHECK(store_write_on(db, forget, NULL) == STORE_OK && sq_search_keep_init(&again, "cloud") &&
              store_write_on(db, keep_step, &again) == STORE_OK && again.more,
          "kept again from nothing: one step");
    first = counted_to(db, "cloud");
    t.k = &again;
    CHECK(store_write_on(db, step_then_abort, &t) == STORE_ABORTED && again.more &&
              counted_to(db, "cloud") == first &&
              store_write_on(db, keep_step, &again) == STORE_OK && !again.more &&
              counted_to(db, "cloud") == first,
          "a step whose transaction rolled back ends the steps where the committed ones stand");
    CHECK(keep_word(db, "cloud") >= 2 && counted_to(db, "cloud") == -1 && search_totals_match(db),
          "the next request for the word resumes there and counts it through");
    CHECK(!sq_search_keep_init(&again, "a-word-longer-than-sixty-four-bytes-is-never-kept-by-"
                                        "the-store-at-all"),
          "a word longer than 64 bytes is not kept");
    store_search_totals_step_set(4096);
    CHECK(store_announcement_delete(db, t.ann) == STORE_OK &&
              store_write_on(db, forget, NULL) == STORE_OK && count_of(db, "pledge_searches") == 0,
          "the announcement deleted and the word forgotten again");
}

/* ---- how the full-text indexes merge (SQLite, migration 0016) ---- */

struct fts_add {
    int64_t ann, id;
};

static enum store_status add_cormorant(struct db *db, void *ctx)
{
    struct fts_add *a = ctx;
    return add_pledge(db, a->ann, "cormorant", &a->id);
}

/* FTS5's segments of `table`: each has its rows in the table's _idx. */
static int64_t segments_of(struct db *db, const char *table)
{
    char from[128];
    snprintf(from, sizeof from, "(SELECT DISTINCT segid FROM %s_idx)", table);
    return count_of(db, from);
}

/* How many pledges `q` finds (the list's total), -1 on failure. */
static int64_t found_by(struct db *db, const char *q)
{
    struct record_filter f = any();
    f.target = FILTER_PLEDGES;
    f.q = q;
    struct page pg = {.n_keys = 1, .limit = 1, .count = true};
    pg.keys[0] = &store_pledge_sorts[0];
    struct ids ids = {{0}, 0};
    struct page_end end;
    int64_t total = store_pledge_list(db, &f, &pg, collect_pledge, &ids, &end) == STORE_OK
                        ? end.total : -1;
    json_decref(end.next_after);
    return total;
}

static bool fts_intact(struct db *db, const char *table)
{
    char sql[160];
    snprintf(sql, sizeof sql, "INSERT INTO %s (%s) VALUES ('integrity-check')", table, table);
    return sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL) == SQLITE_OK;
}

static void test_fts_segments(struct db *db)
{
    CHECK(count_of(db, "pledges_fts_config WHERE k = 'automerge' AND v = 16") == 1 &&
              count_of(db, "pledges_fts_config WHERE k = 'crisismerge' AND v = 32") == 1 &&
              count_of(db, "announcements_fts_config WHERE k = 'automerge' AND v = 16") == 1 &&
              count_of(db, "announcements_fts_config WHERE k = 'crisismerge' AND v = 32") == 1,
          "each full-text index merges a level at 16 segments, all of it at once at 32 (0016)");
    struct announcement_input in;
    json_t *doc;
    struct fts_add a = {0, 0};
    CHECK(parse_announcement(search_announcement_json, &in, &doc) &&
              store_announcement_write(db, &in, true, T0, &a.ann) == STORE_OK,
          "an announcement to add pledges to");
    announcement_input_free(&in);
    json_decref(doc);
    int64_t cormorants = found_by(db, "cormorant"), partners = found_by(db, "partnership");
    bool added = store_write_on(db, add_cormorant, &a) == STORE_OK;
    bool loaded = store_bulk_write_on(db, nothing, NULL) == STORE_OK;
    int64_t pledge_segments = segments_of(db, "pledges_fts");
    int64_t ann_segments = segments_of(db, "announcements_fts");
    CHECK(added && loaded && pledge_segments == 1 && ann_segments == 1,
          "a bulk load leaves each index one segment (%lld, %lld)", (long long)pledge_segments,
          (long long)ann_segments);
    CHECK(fts_intact(db, "pledges_fts") && fts_intact(db, "announcements_fts") &&
              found_by(db, "cormorant") == cormorants + 1 &&
              found_by(db, "partnership") == partners + 1,
          "FTS5's integrity check passes, and searches find what they found before");
    /* Each commit writes a segment; a level is merged whole at 32 at the
     * latest (crisismerge), so the count rises by one and falls back. */
    int64_t first = 0, most = 0;
    bool fell = false;
    for (int i = 0; i < 40 && added; i++) {
        added = store_write_on(db, add_cormorant, &a) == STORE_OK;
        int64_t n = segments_of(db, "pledges_fts");
        if (i == 0)
            first = n;
        fell = fell || n < most;
        most = n > most ? n : most;
    }
    CHECK(added && first == 2 && fell && most <= 32,
          "forty commits after it: a segment each, merged before 32 pile up (%lld at most)",
          (long long)most);
    CHECK(fts_intact(db, "pledges_fts") && found_by(db, "cormorant") == cormorants + 41 &&
              found_by(db, "partnership") == partners + 41,
          "and every one is found by search");
}

/* ---- history (store_history.h): stamps, tombstones, the feed, prune ---- */

static bool collect_revision(void *ctx, const struct store_revision *r)
{
    struct store_revision *out = ctx;
    size_t n = 0;
    while (n < 16 && out[n].seq)
        n++;
    if (n == 16)
        return false;
    out[n] = *r;
    out[n].record = NULL; /* not kept */
    return true;
}

static void test_history(struct db *db)
{
    store_actor_set(db, "alice", "req-1");
    CHECK(add_company(db, "{\"name\": \"Revco\"}"), "a company is added by alice");
    struct store_company c;
    CHECK(store_company_get(db, "revco", &c) == STORE_OK && c.stamp.version == 1 &&
              strcmp(c.stamp.created_by, "alice") == 0 && strcmp(c.stamp.updated_by, "alice") == 0,
          "a new company is version 1, created and updated by the actor");
    int64_t company_id = c.id;
    store_company_free(&c);

    static const char doc_text[] =
        "{\"title\": \"Revco builds\", \"announced_on\": \"2024-05-01\", \"companies\": [\"revco\"],"
        " \"pledges\": [{\"kind\": \"investment\", \"description\": \"plant\"},"
        " {\"kind\": \"training\", \"people\": 5}]}";
    struct announcement_input a;
    json_t *doc;
    int64_t ann = 0;
    CHECK(parse_announcement(doc_text, &a, &doc) &&
              store_announcement_write(db, &a, true, T0, &ann) == STORE_OK,
          "an announcement with two pledges is written");
    struct store_announcement got;
    CHECK(store_announcement_get(db, ann, true, &got) == STORE_OK && got.stamp.version == 1 &&
              got.n_pledges == 2 && got.pledges[0].stamp.version == 1 &&
              strcmp(got.pledges[1].stamp.created_by, "alice") == 0,
          "it and its pledges are version 1, by alice");
    int64_t p0 = got.n_pledges ? got.pledges[0].id : 0, p1 = got.n_pledges > 1 ? got.pledges[1].id : 0;
    store_announcement_free(&got);

    store_actor_set(db, "bob", "req-2");
    snprintf(a.announced_on, sizeof a.announced_on, "2024-05-02");
    CHECK(store_announcement_write(db, &a, false, T1, &ann) == STORE_OK,
          "bob moves the announcement's date, keeping its pledges");
    struct store_pledge pl;
    CHECK(store_pledge_get(db, p0, &pl) == STORE_OK && pl.stamp.version == 2 &&
              strcmp(pl.stamp.updated_by, "bob") == 0 && strcmp(pl.stamp.created_by, "alice") == 0 &&
              strcmp(pl.updated_at, T1) == 0,
          "a pledge that follows the new date is a new version by bob");
    store_pledge_free(&pl);
    announcement_input_free(&a);
    json_decref(doc);

    CHECK(store_revision_add(db, RES_PLEDGE, p0, NULL, 2, "update", "{}", T1) == STORE_OK &&
              store_revision_add(db, RES_PLEDGE, p0, NULL, 2, "update", "{}", T1) == STORE_CONFLICT,
          "a version is recorded once: the same version again is a conflict");
    int64_t last = 0;
    CHECK(store_revision_last(db, RES_PLEDGE, p0, NULL, &last) == STORE_OK && last == 2,
          "the last recorded version is 2");

    store_actor_set(db, "carol", "req-3");
    int64_t head = 0;
    CHECK(store_revisions_head(db, &head) == STORE_OK && head > 0, "the feed's head is known");
    CHECK(store_announcement_delete(db, ann) == STORE_OK, "carol deletes the announcement");
    struct store_revision r;
    CHECK(store_revision_get(db, RES_PLEDGE, p0, 0, &r) == STORE_OK &&
              strcmp(r.action, "delete") == 0 && r.version == 3 && strcmp(r.by, "carol") == 0 &&
              strcmp(r.request_id, "req-3") == 0 && r.record == NULL,
          "its pledges get tombstones: version 3 (after 2), by carol, for req-3, no record");
    store_revision_free(&r);
    CHECK(store_revision_get(db, RES_PLEDGE, p1, 0, &r) == STORE_OK && r.version == 3 &&
              strcmp(r.action, "delete") == 0,
          "the other pledge too (version 3: it followed the date as well)");
    store_revision_free(&r);
    CHECK(store_revision_get(db, RES_ANNOUNCEMENT, ann, 0, &r) == STORE_OK && r.version == 3 &&
              strcmp(r.action, "delete") == 0,
          "and the announcement (its version 2 was the date change)");
    store_revision_free(&r);
    CHECK(store_revision_get(db, RES_PLEDGE, p0, 1, &r) == STORE_NOT_FOUND,
          "a version never recorded is not found");
    CHECK(store_company_delete(db, company_id) == STORE_OK, "the company is deleted");
    int64_t found = 0;
    CHECK(store_company_id_by_slug(db, "revco", &found) == STORE_OK && found == company_id,
          "a deleted company's slug still names its id, through its tombstone");
    CHECK(store_revision_get(db, RES_COMPANY, company_id, 0, &r) == STORE_OK &&
              strcmp(r.key, "revco") == 0 && strcmp(r.action, "delete") == 0,
          "the company's tombstone carries its slug");
    store_revision_free(&r);

    struct store_revision seen[16];
    memset(seen, 0, sizeof seen);
    struct store_feed_query q = {.mask = 1u << RES_PLEDGE, .after = head, .limit = 16,
                                 .deletes_only = true};
    CHECK(store_revisions_feed(db, &q, collect_revision, seen) == STORE_OK && seen[0].seq &&
              seen[1].seq > seen[0].seq && !seen[2].seq && seen[0].record_id == p0 &&
              seen[1].record_id == p1,
          "the tombstones of pledges since then, in commit order, and nothing else");

    int64_t dropped = -1;
    CHECK(store_revisions_prune(db, "2999-01-01", true, &dropped) == STORE_OK && dropped == 1,
          "prune would drop one revision: p0's version 2 (every other one is its record's latest)");
    CHECK(store_revisions_prune(db, "2999-01-01", false, &dropped) == STORE_OK && dropped == 1 &&
              store_revision_get(db, RES_PLEDGE, p0, 2, &r) == STORE_NOT_FOUND,
          "and does");
    CHECK(store_revision_get(db, RES_PLEDGE, p0, 0, &r) == STORE_OK && r.version == 3,
          "the tombstone stays");
    store_revision_free(&r);

    struct store_revision old = {.seq = 900000, .resource = RES_PLEDGE, .record_id = 990000,
                                 .version = 1, .action = "delete", .at = "2020-01-01T00:00:00Z"};
    CHECK(store_revision_restore(db, &old) == STORE_OK && store_history_restored(db) == STORE_OK,
          "a restored tombstone of pledge 990000");
    CHECK(parse_announcement(doc_text, &a, &doc) &&
              add_company(db, "{\"name\": \"Revco\"}") &&
              (ann = 0, store_announcement_write(db, &a, true, T1, &ann)) == STORE_OK &&
              store_announcement_get(db, ann, true, &got) == STORE_OK,
          "a new announcement after the restore");
    CHECK(got.n_pledges == 2 && got.pledges[0].id > 990000,
          "its pledges' ids lie above every id the history names (%lld)",
          got.n_pledges ? (long long)got.pledges[0].id : 0LL);
    store_announcement_free(&got);
    announcement_input_free(&a);
    json_decref(doc);
    store_actor_set(db, NULL, NULL);
}

static void run_all(struct db *db)
{
    test_records(db);
    test_fts_in_transactions(db);
    if (store_engine_of(db) == ENGINE_SQLITE)
        test_search_totals(db);
    if (store_engine_of(db) == ENGINE_SQLITE)
        test_search_steps(db);
    test_rates(db);
    test_history(db);
    if (store_engine_of(db) == ENGINE_SQLITE)
        test_fts_segments(db); /* last: its bulk load rebuilds the kept totals */
}

/* With a PostgreSQL connection string (tests/integration/
 * test_postgresql.py gives a new database), the same checks on it. */
int main(int argc, char **argv)
{
    store_global_init();
    char err[256] = "";
    if (argc == 2) {
        struct db *db = pgdb_open(argv[1], err, sizeof err);
        if (CHECK(db, "a migrated PostgreSQL database (%s)", err))
            run_all(db);
        store_close(db);
        return tap_done();
    }
    struct tmpdb t;
    struct db *db = tmpdb_create(&t, "records", err, sizeof err);
    if (!CHECK(db, "a migrated database (%s)", err))
        return tap_done();
    run_all(db);
    store_close(db);
    tmpdb_remove(&t);
    return tap_done();
}
