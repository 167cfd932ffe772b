/* revisions — the history table of SQLite (see store_history.h): recording
 * revisions and tombstones, reading a record's history, the change feed. */
#include "db.h"
#include "engine.h"
#include "history_sql.h"
#include "revisions.h"
#include "sq.h"
#include "store.h"

#include <stdlib.h>
#include <string.h>

static const char *const resource_names[RES_COUNT] = {"company", "announcement", "pledge", "rate",
                                                      "rates"};

const char *store_resource_name(enum store_resource r)
{
    return r < RES_COUNT ? resource_names[r] : "?";
}

static store_baseline_fn *baseline_fn;

void store_set_baseline(store_baseline_fn *fn)
{
    baseline_fn = fn;
}

bool sq_history_baseline(struct db *db, char *err, size_t errlen)
{
    return baseline_fn ? baseline_fn(db, err, errlen) : true;
}

void sq_actor_set(struct db *db, const char *by, const char *request_id)
{
    db_set_actor(db, by, request_id);
}

enum store_status sq_revision_add(struct db *db, enum store_resource r, int64_t id,
                                     const char *key, int64_t version, const char *action,
                                     const char *record, const char *now)
{
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO revisions (resource, record_id, key, version,"
                                      " action, at, by, request_id, record)"
                                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return STORE_ERROR;
    bool baseline = strcmp(action, "baseline") == 0;
    sqlite3_bind_text(st, 1, store_resource_name(r), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    sq_bind_text_or_null(st, 3, key);
    sqlite3_bind_int64(st, 4, version);
    sqlite3_bind_text(st, 5, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
    sq_bind_text_or_null(st, 7, baseline ? NULL : db_actor_by(db));
    sq_bind_text_or_null(st, 8, baseline ? NULL : db_actor_request(db));
    sqlite3_bind_text(st, 9, record, -1, SQLITE_STATIC);
    return sq_run(st);
}

enum store_status sq_tombstones(struct db *db, const char *select_sql, int64_t id)
{
    sqlite3_stmt *st = db_prepare(db, select_sql);
    if (!st)
        return STORE_ERROR;
    char now[21];
    db_now(now);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
    sq_bind_text_or_null(st, 3, db_actor_by(db));
    sq_bind_text_or_null(st, 4, db_actor_request(db));
    return sq_run(st);
}

enum store_status sq_revision_last(struct db *db, enum store_resource r, int64_t id,
                                      const char *key, int64_t *version)
{
    bool by_key = r >= RES_RECORDS;
    sqlite3_stmt *st = db_prepare(db, by_key ? "SELECT max(version) FROM revisions"
                                               " WHERE resource = ? AND key = ?"
                                             : "SELECT max(version) FROM revisions"
                                               " WHERE resource = ? AND record_id = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, store_resource_name(r), -1, SQLITE_STATIC);
    if (by_key)
        sqlite3_bind_text(st, 2, key ? key : "", -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 2, id);
    int64_t max = 0; /* NULL (none) reads as 0 */
    enum store_status status = sq_one_int(st, &max);
    *version = max;
    return status;
}

#define REVISION_COLS "seq, resource, record_id, key, version, action, at, by, request_id, record"

static enum store_status read_revision(sqlite3_stmt *st, struct store_revision *out)
{
    memset(out, 0, sizeof *out);
    out->seq = sqlite3_column_int64(st, 0);
    const char *res = (const char *)sqlite3_column_text(st, 1);
    for (int i = 0; i < RES_COUNT; i++)
        if (res && strcmp(res, resource_names[i]) == 0)
            out->resource = (enum store_resource)i;
    out->record_id = sqlite3_column_int64(st, 2);
    sq_copy_text(out->key, sizeof out->key, sqlite3_column_text(st, 3));
    out->version = sqlite3_column_int64(st, 4);
    sq_copy_text(out->action, sizeof out->action, sqlite3_column_text(st, 5));
    sq_copy_text(out->at, sizeof out->at, sqlite3_column_text(st, 6));
    sq_copy_text(out->by, sizeof out->by, sqlite3_column_text(st, 7));
    sq_copy_text(out->request_id, sizeof out->request_id, sqlite3_column_text(st, 8));
    return sq_dup_text(st, 9, &out->record) ? STORE_OK : STORE_ERROR;
}

/* The revisions of (r, id) below version `below` (0: all), newest first,
 * at most limit: the statement, bound, or NULL. */
static sqlite3_stmt *record_revisions(struct db *db, enum store_resource r, int64_t id,
                                      int64_t below, int64_t limit)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT " REVISION_COLS " FROM revisions"
                                      " WHERE resource = ?1 AND record_id = ?2"
                                      " AND (?3 = 0 OR version < ?3)"
                                      " ORDER BY version DESC LIMIT ?4");
    if (st) {
        sqlite3_bind_text(st, 1, store_resource_name(r), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, id);
        sqlite3_bind_int64(st, 3, below);
        sqlite3_bind_int64(st, 4, limit);
    }
    return st;
}

enum store_status sq_revision_get(struct db *db, enum store_resource r, int64_t id,
                                     int64_t version, struct store_revision *out)
{
    sqlite3_stmt *st = record_revisions(db, r, id, version ? version + 1 : 0, 1);
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && version && sqlite3_column_int64(st, 4) != version)
        rc = SQLITE_DONE; /* that version is not recorded (pruned, or never was) */
    enum store_status status = rc == SQLITE_ROW    ? read_revision(st, out)
                               : rc == SQLITE_DONE ? STORE_NOT_FOUND
                                                   : sq_status(rc);
    db_done(st);
    return status;
}

enum store_status sq_company_id_by_slug(struct db *db, const char *slug, int64_t *id)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT coalesce((SELECT id FROM companies WHERE slug = ?1),"
                                      " (SELECT record_id FROM revisions WHERE resource = 'company'"
                                      " AND key = ?1 ORDER BY seq DESC LIMIT 1))");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    bool found = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
    if (found)
        *id = sqlite3_column_int64(st, 0);
    db_done(st);
    return found ? STORE_OK : rc == SQLITE_ROW ? STORE_NOT_FOUND : sq_status(rc);
}

/* Steps st, handing each row to fn as a revision. */
static enum store_status each_revision(sqlite3_stmt *st, store_revision_fn *fn, void *ctx)
{
    enum store_status status = STORE_OK;
    int rc;
    while (status == STORE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_revision r;
        status = read_revision(st, &r);
        if (status == STORE_OK && !fn(ctx, &r))
            status = STORE_ERROR;
        store_revision_free(&r);
    }
    if (status == STORE_OK && rc != SQLITE_DONE)
        status = sq_status(rc);
    db_done(st);
    return status;
}

enum store_status sq_revisions_of(struct db *db, enum store_resource r, int64_t id,
                                     int64_t below, int64_t limit, store_revision_fn *fn,
                                     void *ctx)
{
    sqlite3_stmt *st = record_revisions(db, r, id, below, limit);
    return st ? each_revision(st, fn, ctx) : STORE_ERROR;
}

/* 1 << the resource's enum value; a run counts as a rate. */
#define RESOURCE_BIT                                                                        \
    "(CASE resource WHEN 'company' THEN 1 WHEN 'announcement' THEN 2 WHEN 'pledge' THEN 4"  \
    " ELSE 8 END)"

enum store_status sq_revisions_feed(struct db *db, const struct store_feed_query *q,
                                       store_revision_fn *fn, void *ctx)
{
    /* One statement for each case, so that each has its own plan: the
     * tombstones walk their partial index. */
    sqlite3_stmt *st = db_prepare(db, q->deletes_only
        ? "SELECT " REVISION_COLS " FROM revisions WHERE action = 'delete' AND seq > ?1"
          " AND (?2 & " RESOURCE_BIT ") != 0 AND at >= ?3 ORDER BY seq LIMIT ?4"
        : "SELECT " REVISION_COLS " FROM revisions WHERE seq > ?1"
          " AND (?2 & " RESOURCE_BIT ") != 0 AND at >= ?3 ORDER BY seq LIMIT ?4");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, q->after);
    sqlite3_bind_int64(st, 2, q->mask);
    sqlite3_bind_text(st, 3, q->since, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, q->limit);
    return each_revision(st, fn, ctx);
}

enum store_status sq_revisions_head(struct db *db, int64_t *seq)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT coalesce(max(seq), 0) FROM revisions");
    return st ? sq_one_int(st, seq) : STORE_ERROR;
}

enum store_status sq_unrecorded_ids(struct db *db, enum store_resource r,
                                       bool (*fn)(void *ctx, int64_t id), void *ctx)
{
    sqlite3_stmt *st = r < RES_RECORDS ? db_prepare(db, UNRECORDED_IDS_SQL[r]) : NULL;
    return st ? sq_each_id(st, fn, ctx) : STORE_ERROR;
}

/* Each record's latest revision, which pruning keeps. */
#define PRUNABLE                                                                           \
    " FROM revisions WHERE at < ?1 AND seq NOT IN (SELECT max(seq) FROM revisions"        \
    " GROUP BY resource, record_id, CASE WHEN resource IN ('rate', 'rates') THEN key END)"

enum store_status sq_revisions_prune(struct db *db, const char *before, bool dry_run,
                                        int64_t *dropped)
{
    sqlite3_stmt *count = db_prepare(db, "SELECT count(*)" PRUNABLE);
    if (!count)
        return STORE_ERROR;
    sqlite3_bind_text(count, 1, before, -1, SQLITE_STATIC);
    enum store_status status = sq_one_int(count, dropped);
    if (status != STORE_OK)
        return status;
    if (dry_run || *dropped == 0)
        return STORE_OK;
    sqlite3_stmt *del = db_prepare(db, "DELETE" PRUNABLE);
    if (!del)
        return STORE_ERROR;
    sqlite3_bind_text(del, 1, before, -1, SQLITE_STATIC);
    return sq_run(del);
}

enum store_status sq_history_empty(struct db *db, bool *empty)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT NOT EXISTS (SELECT 1 FROM companies)"
                                      " AND NOT EXISTS (SELECT 1 FROM announcements)"
                                      " AND NOT EXISTS (SELECT 1 FROM pledges)"
                                      " AND NOT EXISTS (SELECT 1 FROM revisions)");
    int64_t yes = 0;
    enum store_status status = st ? sq_one_int(st, &yes) : STORE_ERROR;
    *empty = yes != 0;
    return status;
}

enum store_status sq_restamp(struct db *db, enum store_resource r, int64_t id,
                                const struct store_restamp *s)
{
    static const char *const sql[RES_RECORDS] = {
        "UPDATE companies SET version = ?1, created_by = ?2, updated_by = ?3, created_at = ?4,"
        " updated_at = ?5 WHERE id = ?6",
        "UPDATE announcements SET version = ?1, created_by = ?2, updated_by = ?3,"
        " created_at = ?4, updated_at = ?5 WHERE id = ?6",
        "UPDATE pledges SET version = ?1, created_by = ?2, updated_by = ?3, created_at = ?4,"
        " updated_at = ?5 WHERE id = ?6"};
    sqlite3_stmt *st = r < RES_RECORDS ? db_prepare(db, sql[r]) : NULL;
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, s->stamp.version);
    sq_bind_text_or_null(st, 2, s->stamp.created_by);
    sq_bind_text_or_null(st, 3, s->stamp.updated_by);
    sqlite3_bind_text(st, 4, s->created_at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, s->updated_at, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, id);
    return sq_run(st);
}

enum store_status sq_revision_restore(struct db *db, const struct store_revision *r)
{
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO revisions (seq, resource, record_id, key,"
                                      " version, action, at, by, request_id, record)"
                                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, r->seq);
    sqlite3_bind_text(st, 2, store_resource_name(r->resource), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, r->record_id);
    sq_bind_text_or_null(st, 4, r->key);
    sqlite3_bind_int64(st, 5, r->version);
    sqlite3_bind_text(st, 6, r->action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, r->at, -1, SQLITE_STATIC);
    sq_bind_text_or_null(st, 8, r->by);
    sq_bind_text_or_null(st, 9, r->request_id);
    sqlite3_bind_text(st, 10, r->record, -1, SQLITE_STATIC);
    return sq_run(st);
}

enum store_status sq_history_restored(struct db *db)
{
    /* AUTOINCREMENT takes the larger of sqlite_sequence and the largest id
     * present; a deleted record's id is in neither but its history. */
    static const char *const sql[] = {
        "INSERT INTO sqlite_sequence (name, seq) SELECT t.name, 0 FROM (SELECT 'companies'"
        " AS name UNION ALL SELECT 'announcements' UNION ALL SELECT 'pledges') t"
        " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence s WHERE s.name = t.name)",
        "UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT max(record_id)"
        " FROM revisions WHERE resource = CASE name WHEN 'companies' THEN 'company'"
        " WHEN 'announcements' THEN 'announcement' ELSE 'pledge' END), 0))"
        " WHERE name IN ('companies', 'announcements', 'pledges')"};
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        sqlite3_stmt *st = db_prepare(db, sql[i]);
        enum store_status status = st ? sq_run(st) : STORE_ERROR;
        if (status != STORE_OK)
            return status;
    }
    return STORE_OK;
}
