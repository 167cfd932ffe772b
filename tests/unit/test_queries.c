/* The hot look-ups are index seeks: EXPLAIN QUERY PLAN of each statement
 * on a freshly migrated database (with the 233,495 shipped rates) must
 * SEARCH an index and never SCAN a table. */
#include "db.h"
#include "migrate.h"
#include "page.h"
#include "rates.h"
#include "readers.h"
#include "respond.h"
#include "keyset.h"
#include "records_sql.h"
#include "sq.h"
#include "search.h"
#include "tap.h"

#include <sodium.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether the plan reads table `alias` without an index (a full scan). A
 * "SCAN t USING INDEX" is an ordered index walk that LIMIT stops early. */
static bool full_scan(const char *plan, const char *alias)
{
    char needle[32];
    snprintf(needle, sizeof needle, "SCAN %s", alias);
    for (const char *p = strstr(plan, needle); p; p = strstr(p + 1, needle)) {
        const char *after = p + strlen(needle);
        if (*after != ' ' && *after != ';' && *after != '\0')
            continue; /* another table whose name starts alike */
        if (strncmp(after, " USING", 6) != 0)
            return true;
    }
    return false;
}

static void plan_of(struct db *db, const char *sql, char *out, size_t len)
{
    char explain[1024];
    snprintf(explain, sizeof explain, "EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *st = NULL;
    out[0] = '\0';
    if (sqlite3_prepare_v2(db_handle(db), explain, -1, &st, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(st) == SQLITE_ROW) {
        strncat(out, (const char *)sqlite3_column_text(st, 3), len - strlen(out) - 2);
        strncat(out, "; ", len - strlen(out) - 1);
    }
    sqlite3_finalize(st);
}

/* Collects the ids of a page's rows (column 0). */
struct idlist {
    int64_t v[128];
    size_t n;
};

static enum store_status collect_row(void *ctx, struct db *db, sqlite3_stmt *st)
{
    (void)db;
    struct idlist *l = ctx;
    if (l->n < 128)
        l->v[l->n++] = sqlite3_column_int64(st, 0);
    return STORE_OK;
}

/* Every page of pledges matching q, sorted -announced_on, 7 at a time,
 * read with the free-text plan `walk` (1: walk the order and check each
 * row, 0: read the matches first); the plan of the first page in *plan. */
static struct idlist all_pages(struct db *db, const char *q, int walk, char *plan, size_t len)
{
    struct idlist ids = {{0}, 0};
    struct record_filter f = {.target = FILTER_PLEDGES, .q = q, .min_usd = -1, .max_usd = -1,
                              .approximate = -1};
    struct page pg = {.n_keys = 1, .limit = 7};
    pg.keys[0] = &store_pledge_sorts[0];
    pg.desc[0] = true;
    for (int pages = 0; pages < 30; pages++) {
        struct sq_filter sf;
        struct buf sql, count;
        buf_init(&sql, 1 << 16);
        buf_init(&count, 1 << 16);
        struct page_end end = {NULL, -1};
        enum store_status st = sq_filter_init_as(db, &f, &sf, walk);
        if (st == STORE_OK) {
            sq_pledge_list_sql(&sf, &pg, &sql);
            if (pages == 0)
                plan_of(db, buf_str(&sql), plan, len);
            st = sq_page_run(db, &pg, buf_str(&sql), NULL, sq_filter_bind, &sf, collect_row,
                             &ids, PLEDGE_NCOLS, &end);
        }
        sq_filter_free(&sf);
        buf_free(&sql);
        buf_free(&count);
        json_decref(pg.after);
        pg.after = end.next_after;
        if (st != STORE_OK) {
            ids.n = 999;
            break;
        }
        if (!pg.after)
            break;
    }
    json_decref(pg.after);
    return ids;
}

/* The two plans of free text give the same pages in the same order. */
static void test_fts_plans(struct db *w)
{
    json_t *body = json_pack("{s:s}", "name", "Acme"), *errors = json_array();
    struct company_input in;
    company_input_parse(body, INPUT_CREATE, &in, errors);
    bool ok = store_company_insert(w, &in, "2026-01-01T00:00:00Z") == STORE_OK;
    company_input_free(&in);
    json_decref(body);
    json_t *doc = json_pack("{s:s, s:s, s:[s], s:[{s:s}]}", "title", "Acme plans",
                            "announced_on", "2024-03-01", "companies", "acme", "sources", "url",
                            "https://example.invalid/acme");
    struct announcement_input a;
    announcement_input_parse(doc, &a, errors);
    int64_t ann = 0;
    ok = ok && !json_array_size(errors) &&
         store_announcement_write(w, &a, true, "2026-01-01T00:00:00Z", &ann) == STORE_OK;
    for (int i = 0; ok && i < 60; i++) {
        char desc[64], date[DATE_TEXT];
        snprintf(desc, sizeof desc, i % 3 ? "cloud region %d" : "robotics lab %d", i);
        snprintf(date, sizeof date, "2024-%02d-%02d", 1 + i % 12, 1 + i % 5); /* ties on dates */
        struct pledge_input p = {.kind = "research", .status = "announced", .description = desc,
                                 .evidence = json_array(), .announcement_id = ann};
        int64_t id;
        ok = store_pledge_insert(w, ann, -1, date, &p, "2026-01-01T00:00:00Z", &id) == STORE_OK;
        json_decref(p.evidence);
    }
    announcement_input_free(&a);
    json_decref(doc);
    json_decref(errors);
    CHECK(ok, "60 pledges, 20 of them about robotics");
    char plan_walk[2048] = "", plan_read[2048] = "";
    struct idlist walk = all_pages(w, "robotics", 1, plan_walk, sizeof plan_walk);
    struct idlist read = all_pages(w, "robotics", 0, plan_read, sizeof plan_read);
    bool same = walk.n == 20 && read.n == 20;
    for (size_t i = 0; same && i < walk.n; i++)
        same = walk.v[i] == read.v[i];
    CHECK(same, "walking the order and checking each pledge gives the pages reading the matches "
                "gives (%zu, %zu)", walk.n, read.n);
    CHECK(!strstr(plan_walk, "TEMP B-TREE") && !full_scan(plan_walk, "p"),
          "the walk reads the date index in order, with no sort (%s)", plan_walk);
    struct idlist words = all_pages(w, "acme", 1, plan_walk, sizeof plan_walk);
    CHECK(words.n == 60, "a word of the announcement matches its pledges in the walk too (%zu)",
          words.n);
}

int main(void)
{
    char dir[] = "/tmp/pledged-queries-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/q.db", dir);
    struct db *db = db_open(path, false, err, sizeof err);
    int applied = 0;
    CHECK(db && migrate_apply(db, &applied, err, sizeof err), "a new database migrates (%s)",
          db ? err : "open failed");
    sqlite3_stmt *count = NULL;
    sqlite3_prepare_v2(db_handle(db), "SELECT count(*) FROM rates", -1, &count, NULL);
    int rows = sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int(count, 0) : -1;
    sqlite3_finalize(count);
    CHECK(rows == 233495, "the shipped rates are loaded (%d rows)", rows);

    static const struct { const char *name; const char *sql; } queries[] = {
        {"rate in force", RATES_IN_FORCE_SQL},
        {"latest rate", RATES_LATEST_SQL},
        {"rates series by currency",
         "SELECT r.date FROM rates r WHERE r.currency = 'JPY' AND r.date >= '2024-01-01'"
         " ORDER BY r.date, r.id LIMIT 51"},
        {"rates series, next page",
         "SELECT r.date FROM rates r WHERE 1=1 AND (r.date, r.id) > ('2024-01-01', 5)"
         " ORDER BY r.date ASC, r.id ASC LIMIT 51"},
        {"company by slug", "SELECT id FROM companies WHERE slug = 'microsoft'"},
        {"token by key", "SELECT hash FROM tokens WHERE key_id = 'abcdefgh'"},
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char plan[1024];
        plan_of(db, queries[i].sql, plan, sizeof plan);
        CHECK(strstr(plan, "SEARCH") && !strstr(plan, "SCAN") && !strstr(plan, "TEMP B-TREE"),
              "%s uses an index, no scan or sort (%s)", queries[i].name, plan);
    }
    /* The list queries the handlers build, with their filters and sorts. */
    db_close(db);
    CHECK(db_pool_start(path, err, sizeof err), "the pool opens (%s)", err);
    char cursor[256];
    {
        const char *raw = "[\"-announced_on\",\"2020-01-01\",5]";
        sodium_bin2base64(cursor, sizeof cursor, (const unsigned char *)raw, strlen(raw),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    }
    /* Key/value pairs, NULL-terminated; a first key "+" marks a filter so
     * selective (one announcement, a full-text match) that sorting what it
     * finds is fine. */
    static const char *const pledge_queries[][7] = {
        {NULL},
        {"cursor", "", NULL},
        {"kind", "investment", "sort", "-amount_usd", NULL},
        {"country", "JP", "sort", "-amount_usd", NULL},
        {"currency", "JPY", NULL},
        {"status", "fulfilled", "sort", "-amount_usd", NULL},
        {"company", "microsoft", "sort", "-announced_on", NULL},
        {"min_usd", "1000000", "sort", "-amount_usd", NULL},
        {"+", "", "usd_seek", "", "min_usd", "1000000", NULL},
        {"+", "", "usd_seek", "", "max_usd", "5", NULL},
        {"sort", "-people", NULL},
        {"from", "2024-01-01", "to", "2024-12-31", NULL},
        {"+", "", "announcement", "5", NULL},
        {"+", "", "q", "cloud", NULL},
    };
    for (size_t i = 0; i < sizeof pledge_queries / sizeof pledge_queries[0]; i++) {
        struct request rq = {.method = "GET", .path = "/v1/pledges", .request_id = "test"};
        char desc[128] = "";
        bool sort_ok = pledge_queries[i][0] && strcmp(pledge_queries[i][0], "+") == 0;
        bool seek = false;
        for (size_t k = sort_ok ? 2 : 0; pledge_queries[i][k]; k += 2) {
            if (strcmp(pledge_queries[i][k], "usd_seek") == 0) {
                seek = true; /* what filter_choose_usd_seek picks for a narrow range */
                continue;
            }
            const char *v = strcmp(pledge_queries[i][k], "cursor") == 0 ? cursor : pledge_queries[i][k + 1];
            rq.query[rq.n_query++] = (struct query_arg){pledge_queries[i][k], v};
            strncat(desc, pledge_queries[i][k], sizeof desc - strlen(desc) - 1);
            strncat(desc, "&", sizeof desc - strlen(desc) - 1);
        }
        struct response rs = {0};
        struct record_filter f;
        struct page pg;
        memset(&pg, 0, sizeof pg);
        bool ok = filter_parse(&rq, &rs, &f, FILTER_PLEDGES);
        ok = ok && page_parse(&rq, &rs, store_pledge_sorts, "-announced_on", &pg);
        char plan[2048] = "";
        struct sq_filter sf;
        if (ok && sq_filter_init(readers_get(), &f, &sf) == STORE_OK) {
            struct buf sql;
            buf_init(&sql, 1 << 16);
            sf.usd_seek = seek;
            sq_pledge_list_sql(&sf, &pg, &sql);
            plan_of(readers_get(), buf_str(&sql), plan, sizeof plan);
            if (seek)
                CHECK(strstr(plan, "SEARCH p USING INDEX pledges_by_usd") != NULL,
                      "pledges?%s seeks the USD range (%s)", desc, plan);
            buf_free(&sql);
        }
        readers_release();
        if (ok)
            sq_filter_free(&sf);
        page_free(&pg);
        response_free(&rs);
        CHECK(ok && !full_scan(plan, "p") && (sort_ok || !strstr(plan, "TEMP B-TREE")),
              "pledges?%s reads through indexes%s (%s)", desc, sort_ok ? "" : ", no sort", plan);
    }
    static const char *const ann_queries[][7] = {
        {NULL},
        {"+", "", "company", "microsoft", NULL},
        {"from", "2024-01-01", NULL},
        {"sort", "created_at", NULL},
        {"+", "", "q", "cloud", NULL},
    };
    for (size_t i = 0; i < sizeof ann_queries / sizeof ann_queries[0]; i++) {
        struct request rq = {.method = "GET", .path = "/v1/announcements", .request_id = "test"};
        bool sort_ok = ann_queries[i][0] && strcmp(ann_queries[i][0], "+") == 0;
        for (size_t k = sort_ok ? 2 : 0; ann_queries[i][k]; k += 2)
            rq.query[rq.n_query++] = (struct query_arg){ann_queries[i][k], ann_queries[i][k + 1]};
        struct response rs = {0};
        struct record_filter f;
        struct page pg;
        memset(&pg, 0, sizeof pg);
        bool ok = filter_parse(&rq, &rs, &f, FILTER_ANNOUNCEMENTS) &&
                  page_parse(&rq, &rs, store_announcement_sorts, "-announced_on", &pg);
        char plan[2048] = "";
        struct sq_filter sf;
        if (ok && sq_filter_init(readers_get(), &f, &sf) == STORE_OK) {
            struct buf sql;
            buf_init(&sql, 1 << 16);
            sq_announcement_list_sql(&sf, &pg, &sql);
            plan_of(readers_get(), buf_str(&sql), plan, sizeof plan);
            buf_free(&sql);
        }
        readers_release();
        if (ok)
            sq_filter_free(&sf);
        page_free(&pg);
        response_free(&rs);
        CHECK(ok && !full_scan(plan, "a") && (sort_ok || !strstr(plan, "TEMP B-TREE")),
              "announcements query %zu reads through indexes (%s)", i, plan);
    }
    db = db_writer_lock();
    db_writer_unlock();
    test_fts_plans(db);

    /* The look-up really answers the rate in force. */
    struct rate_found f;
    const struct currency *jpy = currency_find("JPY");
    CHECK(rates_in_force(db, jpy, "2024-06-08", &f) == STORE_OK &&
              strcmp(f.rate_date, "2024-06-07") == 0 && strcmp(f.per_usd, "156.5800") == 0,
          "a Saturday takes Friday's rate (%s %s)", f.rate_date, f.per_usd);
    CHECK(rates_in_force(db, jpy, "2026-01-30", &f) == STORE_OK &&
              strcmp(f.rate_date, "2026-01-16") == 0,
          "a rate 14 days old is still in force");
    CHECK(rates_in_force(db, jpy, "2026-01-31", &f) == STORE_NOT_FOUND, "a rate 15 days old is not");
    CHECK(rates_in_force(db, jpy, "1999-12-31", &f) == STORE_NOT_FOUND, "no rate before the first");
    CHECK(rates_in_force(db, currency_find("USD"), "2024-06-04", &f) == STORE_OK &&
              strcmp(f.per_usd, "1") == 0,
          "USD is 1");
    db_pool_stop();
    unlink(path);
    char aux[160];
    snprintf(aux, sizeof aux, "%s-wal", path);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-shm", path);
    unlink(aux);
    rmdir(dir);
    return tap_done();
}
