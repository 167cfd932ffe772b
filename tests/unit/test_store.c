/* The SQLite store (server/store/) called directly on a freshly migrated
 * database in a temporary folder: every function's answers on found, not
 * found, conflict and many rows, as the handlers rely on them (store.h's
 * contract). A second engine must pass the same checks. */
#include "db.h"
#include "migrate.h"
#include "store.h"
#include "tap.h"

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
    db_now(now);
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

static void test_gauges(struct db *db)
{
    struct store_row_counts n = {-1, -1, -1, -1};
    CHECK(store_count_rows(db, &n) == STORE_OK && n.companies == 0 && n.announcements == 0
              && n.pledges == 0 && n.sources == 0,
          "an empty database counts no rows");
    CHECK(db_exec(db, "INSERT INTO companies (slug, name, created_at, updated_at) VALUES"
                      " ('a', 'A', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),"
                      " ('b', 'B', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')") == SQLITE_OK,
          "two companies are added");
    CHECK(store_count_rows(db, &n) == STORE_OK && n.companies == 2 && n.pledges == 0,
          "they are counted");

    struct store_feed_status seen[2];
    memset(seen, 0, sizeof seen);
    CHECK(store_feed_each(db, collect_feed, seen) == STORE_OK && !seen[0].source[0],
          "no feed has run on a new database");
    CHECK(db_exec(db, "INSERT INTO rates_feeds (source, succeeded_at, failures) VALUES"
                      " ('fed-h10', '2026-11-26T21:00:00Z', 0), ('ecb', NULL, 3)") == SQLITE_OK,
          "two feeds have run");
    CHECK(store_feed_each(db, collect_feed, seen) == STORE_OK
              && strcmp(seen[0].source, "ecb") == 0 && seen[0].succeeded_at[0] == '\0'
              && seen[0].failures == 3 && strcmp(seen[1].source, "fed-h10") == 0
              && strcmp(seen[1].succeeded_at, "2026-11-26T21:00:00Z") == 0
              && seen[1].failures == 0,
          "each feed comes back with its last success (none: empty) and failures");
}

int main(void)
{
    db_global_init();
    char dir[] = "/tmp/pledged-store-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char path[128], err[256] = "";
    snprintf(path, sizeof path, "%s/s.db", dir);
    struct db *db = db_open(path, false, err, sizeof err);
    int applied = 0;
    if (!CHECK(db && migrate_apply(db, &applied, err, sizeof err),
               "a migrated database (%s)", err))
        return tap_done();
    test_tokens(db);
    test_idempotency(db);
    test_gauges(db);
    db_close(db);
    char wal[160];
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(wal, sizeof wal, "%s%s", path, suffixes[i]);
        unlink(wal);
    }
    rmdir(dir);
    return tap_done();
}
