/* pg_revisions — the history table in PostgreSQL (store_history.h's
 * contract, as store/sqlite/revisions.c keeps it): recording revisions and
 * tombstones, a record's history, the change feed, pruning, restoring. seq
 * comes from an identity: one writer at a time (pg_tx.c) makes it the
 * commit order. */
#include "pg.h"
#include "history_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REVISION_COLS                                                                      \
    "seq, resource, record_id, key, version, action, rfc3339(at), by, request_id,"         \
    " record::text"

enum store_status pg_revision_add(struct db *db, enum store_resource r, int64_t id,
                                  const char *key, int64_t version, const char *action,
                                  const char *record, const char *now)
{
    struct pg_db *p = pg_of(db);
    bool baseline = strcmp(action, "baseline") == 0;
    struct pg_params pp = {0};
    pg_param(&pp, store_resource_name(r));
    pg_param_int(&pp, id);
    pg_param(&pp, key);
    pg_param_int(&pp, version);
    pg_param(&pp, action);
    pg_param(&pp, now);
    pg_param(&pp, baseline ? NULL : p->by);
    pg_param(&pp, baseline ? NULL : p->request_id);
    pg_param(&pp, record);
    enum store_status st;
    PGresult *res = pg_run(p, "INSERT INTO revisions (resource, record_id, key, version, action,"
                              " at, by, request_id, record) VALUES ($1, $2, $3, $4, $5, $6, $7,"
                              " $8, $9)", pp.n, pp.v, &st, NULL);
    PQclear(res);
    return st;
}

/* One integer a statement answers (NULL: 0). */
static enum store_status one_int(struct db *db, const char *sql, struct pg_params *pp,
                                 int64_t *out)
{
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), sql, pp->n, pp->v, &st, NULL);
    *out = r && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10)
                                                          : 0;
    PQclear(r);
    return st;
}

enum store_status pg_revision_last(struct db *db, enum store_resource r, int64_t id,
                                   const char *key, int64_t *version)
{
    bool by_key = r >= RES_RECORDS;
    struct pg_params pp = {0};
    pg_param(&pp, store_resource_name(r));
    if (by_key)
        pg_param(&pp, key ? key : "");
    else
        pg_param_int(&pp, id);
    return one_int(db, by_key ? "SELECT max(version) FROM revisions WHERE resource = $1 AND key = $2"
                              : "SELECT max(version) FROM revisions WHERE resource = $1"
                                " AND record_id = $2", &pp, version);
}

static enum store_status read_revision(const PGresult *res, int row, struct store_revision *out)
{
    memset(out, 0, sizeof *out);
    out->seq = strtoll(PQgetvalue(res, row, 0), NULL, 10);
    const char *name = PQgetvalue(res, row, 1);
    for (int i = 0; i < RES_COUNT; i++)
        if (strcmp(name, store_resource_name((enum store_resource)i)) == 0)
            out->resource = (enum store_resource)i;
    out->record_id = strtoll(PQgetvalue(res, row, 2), NULL, 10);
    pg_copy(out->key, sizeof out->key, res, row, 3);
    out->version = strtoll(PQgetvalue(res, row, 4), NULL, 10);
    pg_copy(out->action, sizeof out->action, res, row, 5);
    pg_copy(out->at, sizeof out->at, res, row, 6);
    pg_copy(out->by, sizeof out->by, res, row, 7);
    pg_copy(out->request_id, sizeof out->request_id, res, row, 8);
    if (PQgetisnull(res, row, 9))
        return STORE_OK;
    out->record = strdup(PQgetvalue(res, row, 9));
    return out->record ? STORE_OK : STORE_ERROR;
}

/* Hands each row of a finished query to fn; clears it. */
static enum store_status each_revision(PGresult *res, enum store_status st,
                                       store_revision_fn *fn, void *ctx)
{
    for (int i = 0; res && st == STORE_OK && i < PQntuples(res); i++) {
        struct store_revision r;
        st = read_revision(res, i, &r);
        if (st == STORE_OK && !fn(ctx, &r))
            st = STORE_ERROR;
        store_revision_free(&r);
    }
    PQclear(res);
    return st;
}

/* The revisions of (r, id) below version `below` (0: all), newest first. */
static PGresult *record_revisions(struct db *db, enum store_resource r, int64_t id, int64_t below,
                                  int64_t limit, enum store_status *st)
{
    struct pg_params pp = {0};
    pg_param(&pp, store_resource_name(r));
    pg_param_int(&pp, id);
    pg_param_int(&pp, below);
    pg_param_int(&pp, limit);
    return pg_run(pg_of(db), "SELECT " REVISION_COLS " FROM revisions WHERE resource = $1"
                             " AND record_id = $2 AND ($3 = 0 OR version < $3)"
                             " ORDER BY version DESC LIMIT $4", pp.n, pp.v, st, NULL);
}

enum store_status pg_revision_get(struct db *db, enum store_resource r, int64_t id,
                                  int64_t version, struct store_revision *out)
{
    enum store_status st;
    PGresult *res = record_revisions(db, r, id, version ? version + 1 : 0, 1, &st);
    if (res && (PQntuples(res) == 0 ||
                (version && strtoll(PQgetvalue(res, 0, 4), NULL, 10) != version)))
        st = STORE_NOT_FOUND; /* that version is not recorded (pruned, or never was) */
    else if (res)
        st = read_revision(res, 0, out);
    PQclear(res);
    return st;
}

enum store_status pg_revisions_of(struct db *db, enum store_resource r, int64_t id,
                                  int64_t below, int64_t limit, store_revision_fn *fn, void *ctx)
{
    enum store_status st;
    PGresult *res = record_revisions(db, r, id, below, limit, &st);
    return each_revision(res, st, fn, ctx);
}

enum store_status pg_company_id_by_slug(struct db *db, const char *slug, int64_t *id)
{
    const char *const params[] = {slug};
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), "SELECT coalesce((SELECT id FROM companies WHERE slug = $1),"
                                    " (SELECT record_id FROM revisions WHERE resource = 'company'"
                                    " AND key = $1 ORDER BY seq DESC LIMIT 1))", 1, params, &st,
                         NULL);
    if (r && PQgetisnull(r, 0, 0))
        st = STORE_NOT_FOUND;
    else if (r)
        *id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return st;
}

/* 1 << the resource's enum value; a run counts as a rate. */
#define RESOURCE_BIT                                                                        \
    "(CASE resource WHEN 'company' THEN 1 WHEN 'announcement' THEN 2 WHEN 'pledge' THEN 4"  \
    " ELSE 8 END)"

enum store_status pg_revisions_feed(struct db *db, const struct store_feed_query *q,
                                    store_revision_fn *fn, void *ctx)
{
    struct pg_params pp = {0};
    pg_param_int(&pp, q->after);
    pg_param_int(&pp, q->mask);
    /* "" (no since) is every instant */
    pg_param(&pp, q->since[0] ? q->since : "-infinity");
    pg_param_int(&pp, q->limit);
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), q->deletes_only
        ? "SELECT " REVISION_COLS " FROM revisions WHERE action = 'delete' AND seq > $1"
          " AND ($2::bigint & " RESOURCE_BIT ") != 0 AND at >= $3::timestamptz ORDER BY seq LIMIT $4"
        : "SELECT " REVISION_COLS " FROM revisions WHERE seq > $1"
          " AND ($2::bigint & " RESOURCE_BIT ") != 0 AND at >= $3::timestamptz ORDER BY seq LIMIT $4",
        pp.n, pp.v, &st, NULL);
    return each_revision(r, st, fn, ctx);
}

enum store_status pg_revisions_head(struct db *db, int64_t *seq)
{
    struct pg_params pp = {0};
    return one_int(db, "SELECT max(seq) FROM revisions", &pp, seq);
}

enum store_status pg_unrecorded_ids(struct db *db, enum store_resource r,
                                    bool (*fn)(void *ctx, int64_t id), void *ctx)
{
    if (r >= RES_RECORDS)
        return STORE_ERROR;
    enum store_status st;
    PGresult *res = pg_run(pg_of(db), UNRECORDED_IDS_SQL[r], 0, NULL, &st, NULL);
    for (int i = 0; res && i < PQntuples(res); i++)
        if (!fn(ctx, strtoll(PQgetvalue(res, i, 0), NULL, 10))) {
            st = STORE_ERROR;
            break;
        }
    PQclear(res);
    return st;
}

/* Each record's latest revision, which pruning keeps. */
#define PRUNABLE                                                                           \
    " FROM revisions WHERE at < $1::timestamptz AND seq NOT IN (SELECT max(seq) FROM revisions" \
    " GROUP BY resource, record_id, CASE WHEN resource IN ('rate', 'rates') THEN key END)"

enum store_status pg_revisions_prune(struct db *db, const char *before, bool dry_run,
                                     int64_t *dropped)
{
    /* `before` is a date: the start of that day, UTC (the session's zone) */
    struct pg_params pp = {0};
    pg_param(&pp, before);
    enum store_status st = one_int(db, "SELECT count(*)" PRUNABLE, &pp, dropped);
    if (st != STORE_OK || dry_run || *dropped == 0)
        return st;
    PGresult *r = pg_run(pg_of(db), "DELETE" PRUNABLE, pp.n, pp.v, &st, NULL);
    PQclear(r);
    return st;
}

enum store_status pg_history_empty(struct db *db, bool *empty)
{
    struct pg_params pp = {0};
    int64_t yes = 0;
    enum store_status st = one_int(db, "SELECT (NOT EXISTS (SELECT 1 FROM companies)"
                                       " AND NOT EXISTS (SELECT 1 FROM announcements)"
                                       " AND NOT EXISTS (SELECT 1 FROM pledges)"
                                       " AND NOT EXISTS (SELECT 1 FROM revisions))::int", &pp, &yes);
    *empty = yes != 0;
    return st;
}

enum store_status pg_restamp(struct db *db, enum store_resource r, int64_t id,
                             const struct store_restamp *s)
{
    static const char *const table[RES_RECORDS] = {"companies", "announcements", "pledges"};
    if (r >= RES_RECORDS)
        return STORE_ERROR;
    char sql[256];
    snprintf(sql, sizeof sql, "UPDATE %s SET version = $1, created_by = $2, updated_by = $3,"
                              " created_at = $4, updated_at = $5 WHERE id = $6", table[r]);
    struct pg_params pp = {0};
    pg_param_int(&pp, s->stamp.version);
    pg_param(&pp, s->stamp.created_by[0] ? s->stamp.created_by : NULL);
    pg_param(&pp, s->stamp.updated_by[0] ? s->stamp.updated_by : NULL);
    pg_param(&pp, s->created_at);
    pg_param(&pp, s->updated_at);
    pg_param_int(&pp, id);
    enum store_status st;
    PGresult *res = pg_run(pg_of(db), sql, pp.n, pp.v, &st, NULL);
    PQclear(res);
    return st;
}

enum store_status pg_revision_restore(struct db *db, const struct store_revision *r)
{
    struct pg_params pp = {0};
    pg_param_int(&pp, r->seq);
    pg_param(&pp, store_resource_name(r->resource));
    pg_param_int(&pp, r->record_id);
    pg_param(&pp, r->key[0] ? r->key : NULL);
    pg_param_int(&pp, r->version);
    pg_param(&pp, r->action);
    pg_param(&pp, r->at);
    pg_param(&pp, r->by[0] ? r->by : NULL);
    pg_param(&pp, r->request_id[0] ? r->request_id : NULL);
    pg_param(&pp, r->record);
    enum store_status st;
    PGresult *res = pg_run(pg_of(db), "INSERT INTO revisions (seq, resource, record_id, key,"
                                      " version, action, at, by, request_id, record)"
                                      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                           pp.n, pp.v, &st, NULL);
    PQclear(res);
    return st;
}

enum store_status pg_history_restored(struct db *db)
{
    /* Identities move past every id the history names (a deleted record's
     * id is only there), and revisions' past every seq. */
    static const char *const sql[] = {
        "SELECT setval(pg_get_serial_sequence('companies', 'id'), greatest((SELECT max(id)"
        " FROM companies), (SELECT max(record_id) FROM revisions WHERE resource = 'company'), 1))",
        "SELECT setval(pg_get_serial_sequence('announcements', 'id'), greatest((SELECT max(id)"
        " FROM announcements), (SELECT max(record_id) FROM revisions WHERE resource ="
        " 'announcement'), 1))",
        "SELECT setval(pg_get_serial_sequence('pledges', 'id'), greatest((SELECT max(id)"
        " FROM pledges), (SELECT max(record_id) FROM revisions WHERE resource = 'pledge'), 1))",
        "SELECT setval(pg_get_serial_sequence('revisions', 'seq'), greatest((SELECT max(seq)"
        " FROM revisions), 1))"};
    enum store_status st = STORE_OK;
    for (size_t i = 0; st == STORE_OK && i < sizeof sql / sizeof sql[0]; i++) {
        PGresult *r = pg_run(pg_of(db), sql[i], 0, NULL, &st, NULL);
        PQclear(r);
    }
    return st;
}

enum store_status pg_delete_with_tombstones(struct db *db, const char *resource, const char *key,
                                            const char *table, const char *where, int64_t id)
{
    struct pg_db *p = pg_of(db);
    char now[21], sql[512];
    store_now(now);
    struct pg_params pp = {0};
    pg_param_int(&pp, id);
    pg_param(&pp, now);
    pg_param(&pp, p->by);
    pg_param(&pp, p->request_id);
    pg_param(&pp, resource);
    snprintf(sql, sizeof sql, "INSERT INTO revisions (resource, record_id, key, version, action, at,"
             " by, request_id) SELECT $5, id, %s, version + 1, 'delete', $2, $3, $4 FROM %s"
             " WHERE %s ORDER BY id", key, table, where);
    enum store_status st;
    PQclear(pg_run(p, sql, pp.n, pp.v, &st, NULL));
    if (st != STORE_OK)
        return st;
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE %s", table, where);
    PQclear(pg_run(p, sql, 1, pp.v, &st, NULL));
    return st;
}
