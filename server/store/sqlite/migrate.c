/* migrate — applying the embedded migrations (see migrate.h). */
#include "migrate.h"
#include "revisions.h"

#include "embedded.h"
#include "rates.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>


/* Migrations that are code rather than SQL: loading data compiled into the
 * binary. Their versions interleave with the SQL files'. */
struct code_migration {
    int version;
    const char *name;
    bool (*run)(struct db *db, char *err, size_t errlen);
};

static bool load_shipped_rates(struct db *db, char *err, size_t errlen)
{
    struct rates_load_result res;
    size_t len;
    char *text = shipped_rates_text(&len);
    if (!text) {
        snprintf(err, errlen, "the shipped rates do not inflate");
        return false;
    }
    bool ok = rates_load_csv(db, text, len, "shipped", false, true, stderr, &res, err, errlen);
    free(text);
    return ok;
}

/* Every pledge's USD value computed again: after 0006 each one names the
 * source of its rate, and a missing rate says which day is the latest. */
static bool refresh_usd(struct db *db, char *err, size_t errlen)
{
    if (store_pledges_refresh_usd(db, NULL, NULL, NULL, 0) == STORE_OK)
        return true;
    snprintf(err, errlen, "recomputing the pledges' USD values failed");
    return false;
}

/* 0013: the CHECK constraints that test a column against three or more
 * words, written as comparisons joined by OR. SQLite codes `x IN ('a',
 * 'b', 'c')` with a temporary table, built again each time a statement
 * runs: every INSERT into pledges, revisions and announcements built one
 * or two (about 2 µs each; a tenth of a million pledges' import). The OR
 * form says the same (a NULL passes both) with a few comparisons. Only the
 * constraints' text changes, nothing stored, so the schema's text is
 * edited in place and its version raised, the procedure SQLite documents
 * for such changes (lang_altertable.html, "otheralter"). Each text must be
 * found exactly once: every database pledged made has it. */
static const char *const check_rewrites[][3] = {
    {"announcements", "announced_on_precision IN ('day', 'month', 'year')",
     "announced_on_precision = 'day' OR announced_on_precision = 'month'"
     " OR announced_on_precision = 'year'"},
    {"pledges", "amount_qualifier IN ('about', 'at_least', 'up_to')",
     "amount_qualifier = 'about' OR amount_qualifier = 'at_least' OR amount_qualifier = 'up_to'"},
    {"pledges", "people_qualifier IN ('about', 'at_least', 'up_to')",
     "people_qualifier = 'about' OR people_qualifier = 'at_least' OR people_qualifier = 'up_to'"},
    {"revisions", "resource IN ('company', 'announcement', 'pledge', 'rate', 'rates')",
     "resource = 'company' OR resource = 'announcement' OR resource = 'pledge'"
     " OR resource = 'rate' OR resource = 'rates'"},
    {"revisions", "action IN ('create', 'update', 'delete', 'baseline')",
     "action = 'create' OR action = 'update' OR action = 'delete' OR action = 'baseline'"},
};

static bool checks_without_in(struct db *db, char *err, size_t errlen)
{
    sqlite3 *h = db_handle(db);
    sqlite3_stmt *edit = NULL, *version = NULL;
    bool ok = sqlite3_exec(h, "PRAGMA writable_schema=ON", NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(h, "UPDATE sqlite_schema SET sql = replace(sql, ?2, ?3)"
                                    " WHERE type = 'table' AND name = ?1"
                                    " AND instr(sql, ?2) > 0 AND instr(sql, ?3) = 0",
                                 -1, &edit, NULL) == SQLITE_OK;
    size_t n = sizeof check_rewrites / sizeof check_rewrites[0];
    for (size_t i = 0; ok && i < n; i++) {
        for (int k = 0; k < 3; k++)
            sqlite3_bind_text(edit, k + 1, check_rewrites[i][k], -1, SQLITE_STATIC);
        ok = sqlite3_step(edit) == SQLITE_DONE && sqlite3_changes(h) == 1;
        sqlite3_reset(edit);
        if (!ok)
            snprintf(err, errlen, "the CHECK \"%s\" of %s is not as pledged made it",
                     check_rewrites[i][1], check_rewrites[i][0]);
    }
    /* A new schema version makes every connection read the new text. */
    ok = ok && sqlite3_prepare_v2(h, "PRAGMA schema_version", -1, &version, NULL) == SQLITE_OK &&
         sqlite3_step(version) == SQLITE_ROW;
    char bump[64];
    if (ok) {
        snprintf(bump, sizeof bump, "PRAGMA schema_version=%lld",
                 (long long)sqlite3_column_int64(version, 0) + 1);
        ok = sqlite3_exec(h, bump, NULL, NULL, NULL) == SQLITE_OK;
    }
    if (!ok && !err[0])
        snprintf(err, errlen, "%s", sqlite3_errmsg(h));
    sqlite3_finalize(edit);
    sqlite3_finalize(version);
    sqlite3_exec(h, "PRAGMA writable_schema=OFF", NULL, NULL, NULL);
    return ok;
}

/* 0014: each pledge keeps its announcement's date precision beside the
 * announced_on it already keeps (issue 13). Reading a pledge took the
 * precision from its announcement's row: one more random page read through
 * the kernel per uncached GET /v1/pledges/{id} (5% to 13% of its CPU in
 * two sets of runs). The copy is written by a pledge's INSERT and UPDATE
 * (pledges.c) and follows its announcement by a trigger, in the statement
 * that changes the announcement, so the two never disagree. The kept
 * totals still read the announcement's (0009). Code, not SQL, because 0011
 * renders pledges with today's columns: it runs this first, and 0014 then
 * finds the column there and has nothing left to do. */
static const char pledge_precision_sql[] =
    "ALTER TABLE pledges ADD COLUMN announced_on_precision TEXT NOT NULL DEFAULT 'day'"
    " CHECK (announced_on_precision = 'day' OR announced_on_precision = 'month'"
    " OR announced_on_precision = 'year');"
    "UPDATE pledges SET announced_on_precision = coalesce((SELECT a.announced_on_precision"
    " FROM announcements a WHERE a.id = pledges.announcement_id), 'day');"
    "CREATE TRIGGER pledges_follow_precision"
    " AFTER UPDATE OF announced_on_precision ON announcements"
    " WHEN OLD.announced_on_precision != NEW.announced_on_precision BEGIN"
    " UPDATE pledges SET announced_on_precision = NEW.announced_on_precision"
    " WHERE announcement_id = NEW.id; END;";

static bool pledge_precision(struct db *db, char *err, size_t errlen)
{
    sqlite3 *h = db_handle(db);
    sqlite3_stmt *st = NULL;
    bool has = sqlite3_prepare_v2(h, "SELECT count(*) FROM pragma_table_info('pledges')"
                                     " WHERE name = 'announced_on_precision'", -1, &st, NULL) ==
                   SQLITE_OK &&
               sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
    sqlite3_finalize(st);
    bool ok = has || sqlite3_exec(h, pledge_precision_sql, NULL, NULL, NULL) == SQLITE_OK;
    if (!ok)
        snprintf(err, errlen, "%s", sqlite3_errmsg(h));
    return ok;
}

/* 0011 records every record as it stands, read with today's columns. */
static bool history_baseline(struct db *db, char *err, size_t errlen)
{
    return pledge_precision(db, err, errlen) && sq_history_baseline(db, err, errlen);
}

static const struct code_migration code_migrations[] = {
    {3, "0003_load_shipped_rates", load_shipped_rates},
    {7, "0007_refresh_usd_values", refresh_usd},
    {11, "0011_history_baseline", history_baseline},
    {13, "0013_checks_without_in", checks_without_in},
    {14, "0014_pledge_precision", pledge_precision},
};
static const size_t code_migrations_count = sizeof code_migrations / sizeof code_migrations[0];


int migrate_latest(void)
{
    int v = 0;
    for (size_t i = 0; i < migration_files_count; i++)
        if (embedded_version(migration_files[i].name) > v)
            v = embedded_version(migration_files[i].name);
    for (size_t i = 0; i < code_migrations_count; i++)
        if (code_migrations[i].version > v)
            v = code_migrations[i].version;
    return v;
}

static const char create_table[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT";

int migrate_current(struct db *db)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    int rc = sqlite3_prepare_v2(db_handle(db),
                                "SELECT coalesce(max(version), 0) FROM schema_migrations",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) {
        /* No table yet: a new database, unless the file is not SQLite. */
        sqlite3_stmt *probe = NULL;
        if (sqlite3_prepare_v2(db_handle(db), "SELECT count(*) FROM sqlite_schema", -1,
                               &probe, NULL) == SQLITE_OK &&
            sqlite3_step(probe) == SQLITE_ROW)
            v = 0;
        sqlite3_finalize(probe);
        return v;
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* True when no row breaks a foreign key (PRAGMA foreign_key_check finds
 * nothing); otherwise names the first table that does. */
static bool foreign_keys_hold(sqlite3 *h, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(h, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot check foreign keys: %s", sqlite3_errmsg(h));
        return false;
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(err, errlen, "a migration left a row of %s without its parent in %s",
                 (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 2));
    else if (rc != SQLITE_DONE)
        snprintf(err, errlen, "cannot check foreign keys: %s", sqlite3_errmsg(h));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}

bool migrate_apply(struct db *db, int *applied, char *err, size_t errlen)
{
    sqlite3 *h = db_handle(db);
    char *msg = NULL;
    *applied = 0;
    /* Foreign keys off for the whole run (the pragma is a no-op inside a
     * transaction): migrations that rebuild a table drop and re-create a
     * parent, which must cascade nothing. They are checked before COMMIT. */
    sqlite3_exec(h, "PRAGMA foreign_keys=OFF", NULL, NULL, NULL);
    if (sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK)
        goto sql_error;
    if (sqlite3_exec(h, create_table, NULL, NULL, &msg) != SQLITE_OK)
        goto sql_error;
    int current = migrate_current(db);
    int latest = migrate_latest();
    if (current < 0) {
        snprintf(err, errlen, "cannot read the schema version");
        goto fail;
    }
    if (current > latest) {
        snprintf(err, errlen,
                 "this database has schema version %d, newer than this pledged knows (%d): "
                 "it was written by a newer pledged; run that one instead",
                 current, latest);
        goto fail;
    }
    for (int v = current + 1; v <= latest; v++) {
        const char *name = NULL;
        bool ok = false;
        for (size_t i = 0; i < migration_files_count && !name; i++) {
            if (embedded_version(migration_files[i].name) != v)
                continue;
            name = migration_files[i].name;
            ok = sqlite3_exec(h, migration_files[i].text, NULL, NULL, &msg) == SQLITE_OK;
            if (!ok) {
                snprintf(err, errlen, "migration %s failed: %s", name, msg ? msg : "?");
                sqlite3_free(msg);
                msg = NULL;
            }
        }
        for (size_t i = 0; i < code_migrations_count && !name; i++) {
            if (code_migrations[i].version != v)
                continue;
            name = code_migrations[i].name;
            char why[256] = "";
            ok = code_migrations[i].run(db, why, sizeof why);
            if (!ok)
                snprintf(err, errlen, "migration %s failed: %s", name, why);
        }
        if (!name)
            continue; /* a version number left unused */
        if (!ok)
            goto fail;
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(h,
                               "INSERT INTO schema_migrations (version, name, applied_at)"
                               " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                               -1, &st, NULL) != SQLITE_OK) {
            sqlite3_finalize(st);
            goto sql_error_h;
        }
        sqlite3_bind_int(st, 1, v);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            goto sql_error_h;
        (*applied)++;
    }
    if (*applied && !foreign_keys_hold(h, err, errlen))
        goto fail;
    if (sqlite3_exec(h, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
        goto sql_error;
    sqlite3_exec(h, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    return true;

sql_error_h:
    snprintf(err, errlen, "migration failed: %s", sqlite3_errmsg(h));
    goto fail;
sql_error:
    snprintf(err, errlen, "migration failed: %s", msg ? msg : sqlite3_errmsg(h));
    sqlite3_free(msg);
fail:
    if (!sqlite3_get_autocommit(h))
        sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_exec(h, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    *applied = 0;
    return false;
}
