/* The hot look-ups are index seeks: EXPLAIN QUERY PLAN of each statement
 * on a freshly migrated database (with the 233,495 shipped rates) must
 * SEARCH an index and never SCAN a table. */
#include "db.h"
#include "migrate.h"
#include "rates.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    /* The look-up really answers the rate in force. */
    struct rate_found f;
    const struct currency *jpy = currency_find("JPY");
    CHECK(rates_in_force(db, jpy, "2024-06-08", &f) == RATE_FOUND &&
              strcmp(f.rate_date, "2024-06-07") == 0 && strcmp(f.per_usd, "156.5800") == 0,
          "a Saturday takes Friday's rate (%s %s)", f.rate_date, f.per_usd);
    CHECK(rates_in_force(db, jpy, "2026-01-30", &f) == RATE_FOUND &&
              strcmp(f.rate_date, "2026-01-16") == 0,
          "a rate 14 days old is still in force");
    CHECK(rates_in_force(db, jpy, "2026-01-31", &f) == RATE_NONE, "a rate 15 days old is not");
    CHECK(rates_in_force(db, jpy, "1999-12-31", &f) == RATE_NONE, "no rate before the first");
    CHECK(rates_in_force(db, currency_find("USD"), "2024-06-04", &f) == RATE_FOUND &&
              strcmp(f.per_usd, "1") == 0,
          "USD is 1");
    db_close(db);
    unlink(path);
    char aux[160];
    snprintf(aux, sizeof aux, "%s-wal", path);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-shm", path);
    unlink(aux);
    rmdir(dir);
    return tap_done();
}
