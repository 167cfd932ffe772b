/* The store (server/store/) called directly on a freshly migrated
 * database in a temporary folder: every function's answers on found, not
 * found, conflict and many rows, as the handlers rely on them (store.h's
 * contract). A second engine must pass the same checks: given a PostgreSQL
 * connection string (test_postgresql.py runs a throwaway server), every
 * one of them runs there too. */
#include "rates.h"
#include "store.h"
#include "tap.h"
#include "tmpdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct store_token token(const char *name, const char *key_id, unsigned char fill)
{
    struct store_token t = {.read_only = fill % 2 == 1};
    snprintf(t.name, sizeof t.name, "%s", name);
    snprintf(t.key_id, sizeof t.key_id, "%s", key_id);
    memset(t.hash, fill, sizeof t.hash);
    snprintf(t.created_at, sizeof t.created_at, "2026-11-27T08:00:0%dZ", fill % 10);
    return t;
}

struct names {
    char seen[8][STORE_TOKEN_NAME_MAX + 1];
    int n, stop_after;
};

static bool collect_name(void *ctx, const struct store_token *t)
{
    struct names *c = ctx;
    if (c->n < 8)
        snprintf(c->seen[c->n], sizeof c->seen[0], "%s", t->name);
    return ++c->n != c->stop_after;
}

static void test_tokens(struct db *db)
{
    bool name_taken = true;
    struct store_token a = token("alpha", "AAAAAAAA", 1), b = token("beta", "BBBBBBBB", 2);
    CHECK(store_token_insert(db, &a, &name_taken) == STORE_OK && !name_taken, "a token is stored");
    CHECK(store_token_insert(db, &b, &name_taken) == STORE_OK, "a second token is stored");

    struct store_token again = token("alpha", "CCCCCCCC", 3);
    CHECK(store_token_insert(db, &again, &name_taken) == STORE_CONFLICT && name_taken,
          "a taken name is a conflict, and says so");
    again = token("gamma", "AAAAAAAA", 3);
    CHECK(store_token_insert(db, &again, &name_taken) == STORE_CONFLICT && !name_taken,
          "a taken key_id is a conflict that is not the name's");

    struct store_token got;
    memset(&got, 0x55, sizeof got);
    CHECK(store_token_by_key_id(db, "AAAAAAAA", &got) == STORE_OK && strcmp(got.name, "alpha") == 0
              && got.read_only && memcmp(got.hash, a.hash, sizeof a.hash) == 0
              && strcmp(got.created_at, a.created_at) == 0,
          "a token is found by key_id with every field as stored");
    struct store_token untouched = got;
    CHECK(store_token_by_key_id(db, "ZZZZZZZZ", &got) == STORE_NOT_FOUND
              && memcmp(&got, &untouched, sizeof got) == 0,
          "an unknown key_id is not found and leaves the output alone");

    struct names all = {.stop_after = -1};
    CHECK(store_token_each(db, collect_name, &all) == STORE_OK && all.n == 2
              && strcmp(all.seen[0], "alpha") == 0 && strcmp(all.seen[1], "beta") == 0,
          "each visits every token, by name");
    struct names first = {.stop_after = 1};
    CHECK(store_token_each(db, collect_name, &first) == STORE_OK && first.n == 1,
          "each stops when the callback says so");

    CHECK(store_token_delete(db, "beta") == STORE_OK, "a token is deleted");
    CHECK(store_token_delete(db, "beta") == STORE_NOT_FOUND, "deleting it again: not found");
    CHECK(store_token_by_key_id(db, "BBBBBBBB", &got) == STORE_NOT_FOUND,
          "a deleted token is no longer found");
}

static void test_idempotency(struct db *db)
{
    struct store_idem put = {.token = "AAAAAAAA", .key = "k-1", .path = "/v1/companies",
                             .status = 201, .location = "/v1/companies/acme",
                             .response = "{\"slug\":\"acme\"}", .response_len = 15};
    memset(put.body_hash, 7, sizeof put.body_hash);
    char now[21];
    store_now(now);
    CHECK(store_idem_put(db, &put, now) == STORE_OK, "an answer is kept");

    struct store_idem got;
    CHECK(store_idem_find(db, "AAAAAAAA", "k-1", "/v1/companies", &got) == STORE_OK
              && got.status == 201 && got.location && strcmp(got.location, put.location) == 0
              && got.response_len == 15 && memcmp(got.response, put.response, 15) == 0
              && memcmp(got.body_hash, put.body_hash, sizeof got.body_hash) == 0,
          "the kept answer comes back whole");
    store_idem_free(&got);
    CHECK(store_idem_find(db, "BBBBBBBB", "k-1", "/v1/companies", &got) == STORE_NOT_FOUND,
          "another token's key is not ours");
    CHECK(store_idem_find(db, "AAAAAAAA", "k-1", "/v1/announcements", &got) == STORE_NOT_FOUND,
          "the same key on another path is another key");

    put.status = 200;
    put.location = NULL;
    CHECK(store_idem_put(db, &put, now) == STORE_OK
              && store_idem_find(db, "AAAAAAAA", "k-1", "/v1/companies", &got) == STORE_OK
              && got.status == 200 && got.location == NULL,
          "putting the key again replaces its answer; no location stays none");
    store_idem_free(&got);

    struct store_idem old = put;
    old.key = "k-old";
    CHECK(store_idem_put(db, &old, "2000-01-01T00:00:00Z") == STORE_OK
              && store_idem_find(db, "AAAAAAAA", "k-old", "/v1/companies", &got) == STORE_NOT_FOUND,
          "an answer older than %d hours is not replayed", STORE_IDEM_TTL_HOURS);
}

static bool collect_feed(void *ctx, const struct store_feed_status *f)
{
    struct store_feed_status *seen = ctx;
    for (int i = 0; i < 2; i++)
        if (!seen[i].source[0]) {
            seen[i] = *f;
            break;
        }
    return true;
}

static enum store_status add_company(struct db *db, const char *json, const char *now);

static void test_gauges(struct db *db)
{
    struct store_row_counts n = {-1, -1, -1, -1};
    CHECK(store_count_rows(db, &n) == STORE_OK && n.companies == 0 && n.announcements == 0
              && n.pledges == 0 && n.sources == 0,
          "an empty database counts no rows");
    CHECK(add_company(db, "{\"name\": \"A\"}", "2026-01-01T00:00:00Z") == STORE_OK &&
              add_company(db, "{\"name\": \"B\"}", "2026-01-01T00:00:00Z") == STORE_OK,
          "two companies are added");
    CHECK(store_count_rows(db, &n) == STORE_OK && n.companies == 2 && n.pledges == 0,
          "they are counted");

    struct store_feed_status seen[2];
    memset(seen, 0, sizeof seen);
    CHECK(store_feed_each(db, collect_feed, seen) == STORE_OK && !seen[0].source[0],
          "no feed has run on a new database");
    const char *fed = "https://fed.example/H10.csv", *ecb = "https://ecb.example/hist.zip";
    CHECK(store_feed_record(db, "fed-h10", fed, NULL, "\"v1\"", "Wed, 25 Nov 2026 21:00:00 GMT",
                            "2026-11-25T21:00:00Z") == STORE_OK &&
              store_feed_record(db, "fed-h10", fed, NULL, NULL, NULL, "2026-11-26T21:00:00Z")
                  == STORE_OK &&
              store_feed_record(db, "ecb", ecb, "timed out", NULL, NULL, "2026-11-26T21:00:00Z")
                  == STORE_OK &&
              store_feed_record(db, "ecb", ecb, "timed out", NULL, NULL, "2026-11-26T22:00:00Z")
                  == STORE_OK &&
              store_feed_record(db, "ecb", ecb, "HTTP 503", NULL, NULL, "2026-11-26T23:00:00Z")
                  == STORE_OK,
          "two feeds have run: the Fed twice, the ECB failing three times");
    CHECK(store_feed_each(db, collect_feed, seen) == STORE_OK
              && strcmp(seen[0].source, "ecb") == 0 && seen[0].succeeded_at[0] == '\0'
              && seen[0].failures == 3 && strcmp(seen[1].source, "fed-h10") == 0
              && strcmp(seen[1].succeeded_at, "2026-11-26T21:00:00Z") == 0
              && seen[1].failures == 0,
          "each feed comes back with its last success (none: empty) and failures");
    char etag[256], lm[128];
    CHECK(store_feed_validators(db, "fed-h10", fed, etag, lm) == STORE_OK &&
              strcmp(etag, "\"v1\"") == 0 && strcmp(lm, "Wed, 25 Nov 2026 21:00:00 GMT") == 0,
          "a success without validators keeps the last ones (%s, %s)", etag, lm);
    CHECK(store_feed_validators(db, "fed-h10", "https://fed.example/other.csv", etag, lm)
              == STORE_OK && !etag[0] && !lm[0],
          "another file of the same feed has no validators");
}

/* A company as POST would give it. */
static enum store_status add_company(struct db *db, const char *json, const char *now)
{
    json_t *body = json_loads(json, 0, NULL), *errors = json_array();
    struct company_input in;
    company_input_parse(body, INPUT_CREATE, &in, errors);
    enum store_status st = json_array_size(errors) ? STORE_ERROR
                                                   : store_company_insert(db, &in, now);
    company_input_free(&in);
    json_decref(errors);
    json_decref(body);
    return st;
}

struct slugs {
    char seen[8][SLUG_MAX + 1];
    int n;
};

static bool collect_slug(void *ctx, const struct store_company *c)
{
    struct slugs *s = ctx;
    if (s->n < 8)
        snprintf(s->seen[s->n], sizeof s->seen[0], "%s", c->slug);
    s->n++;
    return true;
}

/* One page of companies with the given sort (a store_company_sorts name),
 * limit and filter, resuming after `after` (borrowed). */
static enum store_status company_page(struct db *db, const struct store_company_filter *f,
                                      const char *sort, bool desc, int64_t limit,
                                      json_t *after, struct slugs *out, struct page_end *end)
{
    struct page pg = {.n_keys = 1, .limit = limit, .count = true, .after = after};
    for (const struct sort_field *k = store_company_sorts; k->name; k++)
        if (strcmp(k->name, sort) == 0)
            pg.keys[0] = k;
    pg.desc[0] = desc;
    memset(out, 0, sizeof *out);
    return store_company_list(db, f, &pg, collect_slug, out, end);
}

struct versions {
    int64_t v[8];
    int n;
};

static bool collect_version(void *ctx, const struct store_revision *r)
{
    struct versions *vs = ctx;
    if (vs->n < 8)
        vs->v[vs->n] = r->version;
    vs->n++;
    return true;
}

static bool collect_id(void *ctx, int64_t id)
{
    struct versions *vs = ctx;
    if (vs->n < 8)
        vs->v[vs->n] = id;
    vs->n++;
    return true;
}

/* A company's history at the store's level: stamps by the actor, versions
 * recorded once, the tombstone, the feed, pruning, restoring. Records in
 * test_store_records.c's test_history. */
static void test_company_history(struct db *db)
{
    const char *t0 = "2026-04-01T00:00:00Z", *t1 = "2026-04-02T00:00:00Z";
    int64_t start = -1;
    CHECK(store_revisions_head(db, &start) == STORE_OK && start >= 0,
          "the feed's head before (%lld)", (long long)start);
    store_actor_set(db, "alice", "req-1");
    struct store_company c;
    CHECK(add_company(db, "{\"name\": \"Histco\"}", t0) == STORE_OK &&
              store_company_get(db, "histco", &c) == STORE_OK && c.stamp.version == 1 &&
              strcmp(c.stamp.created_by, "alice") == 0 && strcmp(c.stamp.updated_by, "alice") == 0,
          "a new company is version 1, created and updated by the actor");
    int64_t id = c.id;
    store_company_free(&c);
    CHECK(store_revision_add(db, RES_COMPANY, id, "histco", 1, "create", "{\"v\":1}", t0) ==
                  STORE_OK &&
              store_revision_add(db, RES_COMPANY, id, "histco", 1, "create", "{}", t0) ==
                  STORE_CONFLICT,
          "its version 1 is recorded once: again is a conflict");
    struct versions unrec = {{0}, 0};
    CHECK(store_unrecorded_ids(db, RES_COMPANY, collect_id, &unrec) == STORE_OK && unrec.n >= 2 &&
              unrec.v[0] != id && unrec.v[unrec.n < 8 ? unrec.n - 1 : 7] != id,
          "companies without a revision are listed, not this one (%d)", unrec.n);

    store_actor_set(db, "bob", "req-2");
    struct store_company_fields f = {"histco", "Histco Group", NULL, NULL, "[]"};
    CHECK(store_company_update(db, id, &f, t1) == STORE_OK &&
              store_company_get(db, "histco", &c) == STORE_OK && c.stamp.version == 2 &&
              strcmp(c.stamp.updated_by, "bob") == 0 && strcmp(c.stamp.created_by, "alice") == 0,
          "an update by bob is version 2, still created by alice");
    store_company_free(&c);
    int64_t last = 0;
    CHECK(store_revision_add(db, RES_COMPANY, id, "histco", 2, "update", "{\"v\":2}", t1) ==
                  STORE_OK &&
              store_revision_last(db, RES_COMPANY, id, NULL, &last) == STORE_OK && last == 2,
          "version 2 is recorded and is the last");
    struct store_revision r;
    CHECK(store_revision_get(db, RES_COMPANY, id, 1, &r) == STORE_OK &&
              strcmp(r.action, "create") == 0 && strcmp(r.by, "alice") == 0 &&
              strcmp(r.request_id, "req-1") == 0 && strcmp(r.at, t0) == 0 && r.record &&
              strstr(r.record, "\"v\"") && strcmp(r.key, "histco") == 0,
          "version 1 reads back: action, by, request, time, record, key");
    store_revision_free(&r);
    CHECK(store_revision_get(db, RES_COMPANY, id, 5, &r) == STORE_NOT_FOUND,
          "a version never recorded is not found");
    struct versions vs = {{0}, 0};
    CHECK(store_revisions_of(db, RES_COMPANY, id, 0, 10, collect_version, &vs) == STORE_OK &&
              vs.n == 2 && vs.v[0] == 2 && vs.v[1] == 1,
          "its history, newest first");

    int64_t head = 0;
    CHECK(store_revisions_head(db, &head) == STORE_OK && head > 0, "the feed's head is known");
    store_actor_set(db, "carol", "req-3");
    CHECK(store_company_delete(db, id) == STORE_OK &&
              store_revision_get(db, RES_COMPANY, id, 0, &r) == STORE_OK &&
              strcmp(r.action, "delete") == 0 && r.version == 3 && strcmp(r.by, "carol") == 0 &&
              strcmp(r.request_id, "req-3") == 0 && r.record == NULL &&
              strcmp(r.key, "histco") == 0,
          "a delete by carol leaves a tombstone: version 3, no record, its slug");
    int64_t tomb_seq = r.seq;
    store_revision_free(&r);
    int64_t found = 0;
    CHECK(store_company_id_by_slug(db, "histco", &found) == STORE_OK && found == id &&
              store_company_id_by_slug(db, "never-was", &found) == STORE_NOT_FOUND,
          "a deleted company's slug still names its id; an unknown one does not");

    struct store_feed_query q = {.mask = 1u << RES_COMPANY, .after = head, .limit = 10,
                                 .deletes_only = true};
    vs = (struct versions){{0}, 0};
    CHECK(store_revisions_feed(db, &q, collect_version, &vs) == STORE_OK && vs.n == 1 &&
              vs.v[0] == 3,
          "the tombstones since the head: this one");
    q = (struct store_feed_query){.mask = 1u << RES_PLEDGE, .after = 0, .limit = 10};
    vs = (struct versions){{0}, 0};
    CHECK(store_revisions_feed(db, &q, collect_version, &vs) == STORE_OK && vs.n == 0,
          "no pledge's revision in the feed");
    q = (struct store_feed_query){.mask = 1u << RES_COMPANY, .after = start, .limit = 10};
    snprintf(q.since, sizeof q.since, "%s", t1);
    vs = (struct versions){{0}, 0};
    CHECK(store_revisions_feed(db, &q, collect_version, &vs) == STORE_OK && vs.n == 2 &&
              vs.v[0] == 2 && vs.v[1] == 3,
          "the company's revisions since %s, in commit order", t1);

    int64_t dropped = -1;
    CHECK(store_revisions_prune(db, "2999-01-01", true, &dropped) == STORE_OK && dropped == 2 &&
              store_revision_get(db, RES_COMPANY, id, 1, &r) == STORE_OK,
          "prune would drop versions 1 and 2 (the tombstone is the latest), and a dry run does not");
    store_revision_free(&r);
    CHECK(store_revisions_prune(db, "2999-01-01", false, &dropped) == STORE_OK && dropped == 2 &&
              store_revision_get(db, RES_COMPANY, id, 1, &r) == STORE_NOT_FOUND &&
              store_revision_get(db, RES_COMPANY, id, 0, &r) == STORE_OK && r.seq == tomb_seq,
          "pruning drops them and keeps the tombstone");
    store_revision_free(&r);
    bool empty = true;
    CHECK(store_history_empty(db, &empty) == STORE_OK && !empty, "the history is not empty");

    struct store_revision old = {.seq = 900000, .resource = RES_COMPANY, .record_id = 990000,
                                 .version = 1, .action = "delete", .at = "2020-01-01T00:00:00Z"};
    snprintf(old.key, sizeof old.key, "ghost");
    CHECK(store_revision_restore(db, &old) == STORE_OK && store_history_restored(db) == STORE_OK,
          "a restored tombstone of company 990000");
    CHECK(add_company(db, "{\"name\": \"After Restore\"}", t1) == STORE_OK &&
              store_company_get(db, "after-restore", &c) == STORE_OK && c.id > 990000,
          "a new company's id lies above every id the history names (%lld)", (long long)c.id);
    int64_t new_id = c.id;
    store_company_free(&c);
    int64_t head2 = 0;
    CHECK(store_revision_add(db, RES_COMPANY, new_id, "after-restore", 1, "create", "{}", t1) ==
                  STORE_OK &&
              store_revisions_head(db, &head2) == STORE_OK && head2 > 900000,
          "and a new revision's seq lies above the restored ones (%lld)", (long long)head2);

    struct store_restamp stamp = {{7, "xavier", "yvonne"}, "2020-01-02T00:00:00Z",
                                  "2020-01-03T00:00:00Z"};
    CHECK(store_restamp(db, RES_COMPANY, new_id, &stamp) == STORE_OK &&
              store_company_get(db, "after-restore", &c) == STORE_OK && c.stamp.version == 7 &&
              strcmp(c.stamp.created_by, "xavier") == 0 &&
              strcmp(c.created_at, "2020-01-02T00:00:00Z") == 0 &&
              strcmp(c.updated_at, "2020-01-03T00:00:00Z") == 0,
          "restamping sets the version, who and when");
    store_company_free(&c);
    store_actor_set(db, NULL, NULL);
}

static enum store_status insert_then_abort(struct db *db, void *ctx)
{
    (void)ctx;
    enum store_status st = add_company(db, "{\"name\": \"Rolled Back\"}", "2026-01-01T00:00:00Z");
    return st == STORE_OK ? STORE_ABORTED : STORE_ERROR;
}

static enum store_status insert_then_commit(struct db *db, void *ctx)
{
    (void)ctx;
    return add_company(db, "{\"name\": \"Kept\"}", "2026-01-01T00:00:00Z");
}

static void test_companies(struct db *db)
{
    const char *t0 = "2026-02-01T00:00:00Z", *t1 = "2026-03-01T00:00:00Z";
    CHECK(add_company(db, "{\"name\": \"Microsoft\", \"country\": \"US\","
                          " \"website\": \"https://www.microsoft.com\","
                          " \"aliases\": [\"MSFT\", \"マイクロソフト\"]}", t0) == STORE_OK,
          "a company is inserted");
    CHECK(add_company(db, "{\"name\": \"Hitachi\", \"country\": \"JP\","
                          " \"aliases\": [\"100% Hitachi\"]}", t0) == STORE_OK
              && add_company(db, "{\"name\": \"Zeta_Corp\"}", t0) == STORE_OK,
          "two more are inserted");
    CHECK(add_company(db, "{\"name\": \"Other\", \"slug\": \"microsoft\"}", t0) == STORE_CONFLICT,
          "a taken slug is a conflict");

    struct store_company c;
    CHECK(store_company_get(db, "microsoft", &c) == STORE_OK && c.id > 0
              && strcmp(c.name, "Microsoft") == 0 && strcmp(c.country, "US") == 0
              && strcmp(c.website, "https://www.microsoft.com") == 0
              && strstr(c.aliases, "MSFT") && strcmp(c.created_at, t0) == 0
              && strcmp(c.updated_at, t0) == 0 && c.pledge_count == 0
              && c.announcement_count == 0 && c.totals.committed == 0,
          "a company reads back with every field as stored");
    int64_t ms_id = c.id;
    store_company_free(&c);
    CHECK(store_company_get(db, "zeta-corp", &c) == STORE_OK && c.country[0] == '\0'
              && c.website == NULL && strcmp(c.aliases, "[]") == 0,
          "absent country, website and aliases read back as none");
    store_company_free(&c);
    CHECK(store_company_get(db, "nobody", &c) == STORE_NOT_FOUND, "an unknown slug is not found");

    struct store_company_fields same = {"microsoft", "Microsoft", "US", "https://www.microsoft.com",
                                        "[\"MSFT\",\"マイクロソフト\"]"};
    CHECK(store_company_update(db, ms_id, &same, t1) == STORE_OK
              && store_company_get(db, "microsoft", &c) == STORE_OK
              && strcmp(c.updated_at, t0) == 0,
          "an update that changes nothing keeps updated_at");
    store_company_free(&c);
    struct store_company_fields renamed = same;
    renamed.name = "Microsoft Corporation";
    renamed.website = NULL;
    CHECK(store_company_update(db, ms_id, &renamed, t1) == STORE_OK
              && store_company_get(db, "microsoft", &c) == STORE_OK
              && strcmp(c.updated_at, t1) == 0 && strcmp(c.name, "Microsoft Corporation") == 0
              && c.website == NULL,
          "an update that changes a field sets it and updated_at");
    store_company_free(&c);
    renamed.slug = "hitachi";
    CHECK(store_company_update(db, ms_id, &renamed, t1) == STORE_CONFLICT,
          "an update to a taken slug is a conflict");

    struct slugs s;
    struct page_end end;
    struct store_company_filter all = {NULL, NULL};
    CHECK(company_page(db, &all, "slug", false, 2, NULL, &s, &end) == STORE_OK && s.n == 2
              && strcmp(s.seen[0], "a") == 0 && strcmp(s.seen[1], "b") == 0 && end.next_after
              && end.total == 5,
          "a first page of 2 by slug, with a position to resume and the total");
    json_t *after = end.next_after;
    CHECK(company_page(db, &all, "slug", false, 2, after, &s, &end) == STORE_OK && s.n == 2
              && strcmp(s.seen[0], "hitachi") == 0 && strcmp(s.seen[1], "microsoft") == 0
              && end.next_after,
          "the second page resumes after the first");
    json_decref(after);
    after = end.next_after;
    CHECK(company_page(db, &all, "slug", false, 2, after, &s, &end) == STORE_OK && s.n == 1
              && strcmp(s.seen[0], "zeta-corp") == 0 && end.next_after == NULL,
          "the last page says it is the last");
    json_decref(after);
    CHECK(company_page(db, &all, "name", true, 10, NULL, &s, &end) == STORE_OK && s.n == 5
              && strcmp(s.seen[0], "zeta-corp") == 0 && strcmp(s.seen[4], "a") == 0,
          "descending by name");

    struct store_company_filter jp = {"JP", NULL}, msft = {NULL, "msft"},
                                pct = {NULL, "100%"}, under = {NULL, "a_c"};
    CHECK(company_page(db, &jp, "slug", false, 10, NULL, &s, &end) == STORE_OK && s.n == 1
              && strcmp(s.seen[0], "hitachi") == 0 && end.total == 1,
          "filtered by country");
    CHECK(company_page(db, &msft, "slug", false, 10, NULL, &s, &end) == STORE_OK && s.n == 1
              && strcmp(s.seen[0], "microsoft") == 0,
          "q matches an alias, whatever its case");
    CHECK(company_page(db, &pct, "slug", false, 10, NULL, &s, &end) == STORE_OK && s.n == 1
              && strcmp(s.seen[0], "hitachi") == 0,
          "q's %% is a character, not a wildcard");
    CHECK(company_page(db, &under, "slug", false, 10, NULL, &s, &end) == STORE_OK && s.n == 1
              && strcmp(s.seen[0], "zeta-corp") == 0 && end.total == 1,
          "q's _ is a character, not a wildcard");

    CHECK(store_company_delete(db, ms_id) == STORE_OK
              && store_company_get(db, "microsoft", &c) == STORE_NOT_FOUND,
          "a deleted company is not found");

    CHECK(store_write_on(db, insert_then_abort, NULL) == STORE_ABORTED
              && store_company_get(db, "rolled-back", &c) == STORE_NOT_FOUND,
          "store_write rolls back a body that aborts, and says so");
    CHECK(store_write_on(db, insert_then_commit, NULL) == STORE_OK
              && store_company_get(db, "kept", &c) == STORE_OK,
          "store_write commits a body that succeeds");
    store_company_free(&c);
}

/* A write transaction remembers the rates it looked up (sqlite/rates.c);
 * a rate written in the same transaction must be seen by the next look-up,
 * and a later transaction must see what another one wrote. */
struct memo_seen {
    char before[MONEY_TEXT], after[MONEY_TEXT], again[MONEY_TEXT];
};

static enum store_status look_put_look(struct db *db, void *ctx)
{
    struct memo_seen *m = ctx;
    const struct currency *jpy = currency_find("JPY");
    struct rate_found f;
    if (rates_in_force(db, jpy, "2024-06-05", &f) != STORE_OK)
        return STORE_ERROR;
    snprintf(m->before, sizeof m->before, "%s", f.per_usd);
    if (rates_in_force(db, jpy, "2024-06-05", &f) != STORE_OK)
        return STORE_ERROR;
    snprintf(m->again, sizeof m->again, "%s", f.per_usd);
    struct store_rate r = {"JPY", "2024-06-05", "111.1111", "manual", "2026-11-28T00:00:00Z"};
    if (store_rate_put_manual(db, &r) != STORE_OK)
        return STORE_ERROR;
    if (rates_in_force(db, jpy, "2024-06-05", &f) != STORE_OK)
        return STORE_ERROR;
    snprintf(m->after, sizeof m->after, "%s", f.per_usd);
    return STORE_OK;
}

static enum store_status look_only(struct db *db, void *ctx)
{
    struct rate_found f;
    enum store_status st = rates_in_force(db, currency_find("JPY"), "2024-06-05", &f);
    snprintf(ctx, MONEY_TEXT, "%s", st == STORE_OK ? f.per_usd : "?");
    return st;
}

static enum store_status put_only(struct db *db, void *ctx)
{
    struct store_rate r = {"JPY", "2024-06-05", "", "manual", "2026-11-28T00:00:01Z"};
    snprintf(r.per_usd, sizeof r.per_usd, "%s", (const char *)ctx);
    return store_rate_put_manual(db, &r);
}

static void test_rate_memo(struct db *db)
{
    struct memo_seen m;
    memset(&m, 0, sizeof m);
    CHECK(store_write_on(db, look_put_look, &m) == STORE_OK && m.before[0]
              && strcmp(m.before, m.again) == 0 && strcmp(m.after, "111.1111") == 0
              && strcmp(m.before, "111.1111") != 0,
          "a rate written in a transaction is the one its next look-up finds (%s, %s, %s)",
          m.before, m.again, m.after);
    char seen[MONEY_TEXT] = "";
    CHECK(store_write_on(db, look_only, seen) == STORE_OK && strcmp(seen, "111.1111") == 0
              && store_write_on(db, put_only, "122.2222") == STORE_OK
              && store_write_on(db, look_only, seen) == STORE_OK && strcmp(seen, "122.2222") == 0,
          "and each transaction looks again: it sees what the one before it wrote (%s)", seen);
}

/* Every check, in order, on an empty, freshly migrated database. */
static void run_all(struct db *db)
{
    test_tokens(db);
    test_idempotency(db);
    test_gauges(db);
    test_companies(db);
    test_company_history(db);
    test_rate_memo(db);
}

/* The same checks on an empty, freshly migrated PostgreSQL database. */
static int on_postgresql(const char *conninfo)
{
    char err[256] = "";
    struct db *db = pgdb_open(conninfo, err, sizeof err);
    if (!CHECK(db, "a migrated PostgreSQL database (%s)", err))
        return tap_done();
    run_all(db);
    store_close(db);
    return tap_done();
}

int main(int argc, char **argv)
{
    store_global_init();
    if (argc == 2)
        return on_postgresql(argv[1]);
    struct tmpdb t;
    char err[256] = "";
    struct db *db = tmpdb_create(&t, "store", err, sizeof err);
    if (!CHECK(db, "a migrated database (%s)", err))
        return tap_done();
    run_all(db);
    store_close(db);
    tmpdb_remove(&t);
    return tap_done();
}
