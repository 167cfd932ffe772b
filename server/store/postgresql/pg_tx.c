/* pg_tx — the write transaction on PostgreSQL (store.h's store_write_on,
 * store_nested, store_actor_set). Every write transaction, on every
 * replica, first takes one transaction-scoped advisory lock: writes run one
 * at a time, as SQLite's do, so revisions' seq is the commit order, an
 * Idempotency-Key sent to two replicas at once makes one write, and an
 * If-Match race gives one 200 and one 412. Reads never take it. */
#include "pg.h"

#include <stdio.h>
#include <string.h>

/* pg_advisory_xact_lock's key for writes: "pled" "writ" in ASCII. */
#define WRITE_LOCK "8102238401644800628"

void pg_actor_set(struct db *db, const char *by, const char *request_id)
{
    struct pg_db *p = pg_of(db);
    p->by = by;
    p->request_id = request_id;
}

/* Begins a write: the lock, then the data version every replica's answer
 * cache is keyed by (store_data_version), and a NOTIFY that PostgreSQL
 * delivers to the other replicas' listeners when (and only if) the
 * transaction commits. One round trip. */
enum store_status pg_batch_begin(struct db *db)
{
    struct pg_db *p = pg_of(db);
    enum store_status st;
    PQclear(pg_script(p, "BEGIN; SELECT pg_advisory_xact_lock(" WRITE_LOCK ");"
                         " UPDATE data_version SET version = version + 1; NOTIFY " PG_CHANNEL,
                      &st));
    if (st == STORE_OK)
        p->in_tx = true;
    else if (PQtransactionStatus(p->conn) != PQTRANS_IDLE)
        PQclear(pg_script(p, "ROLLBACK", &(enum store_status){STORE_OK}));
    return st;
}

/* Runs body in savepoint `name`: what it wrote is undone when it fails,
 * and the transaction goes on (PostgreSQL refuses every statement after a
 * failed one until the savepoint is rolled back). */
static enum store_status in_savepoint(struct pg_db *p, const char *name, store_tx_fn *body,
                                      void *ctx)
{
    char sql[64];
    snprintf(sql, sizeof sql, "SAVEPOINT %s", name);
    enum store_status st, undo = STORE_OK;
    PQclear(pg_run(p, sql, 0, NULL, &st, NULL));
    if (st != STORE_OK)
        return st;
    st = body((struct db *)(void *)p, ctx);
    if (st != STORE_OK) {
        snprintf(sql, sizeof sql, "ROLLBACK TO %s", name);
        PQclear(pg_run(p, sql, 0, NULL, &undo, NULL));
    }
    if (undo == STORE_OK) {
        snprintf(sql, sizeof sql, "RELEASE %s", name);
        PQclear(pg_run(p, sql, 0, NULL, &undo, NULL));
    }
    return undo != STORE_OK ? (undo == STORE_BUSY ? STORE_BUSY : STORE_ERROR) : st;
}

enum store_status pg_batch_job(struct db *db, store_tx_fn *body, void *ctx)
{
    return in_savepoint(pg_of(db), "job", body, ctx);
}

/* Commits; a COMMIT that PostgreSQL answers with ROLLBACK (the transaction
 * failed inside) is a failure. A connection lost here leaves the outcome
 * unknown: the caller answers 503, never a 2xx it cannot vouch for. */
enum store_status pg_batch_commit(struct db *db)
{
    struct pg_db *p = pg_of(db);
    enum store_status st;
    PGresult *r = pg_run(p, "COMMIT", 0, NULL, &st, NULL);
    if (r && strcmp(PQcmdStatus(r), "COMMIT") != 0)
        st = STORE_ERROR;
    PQclear(r);
    if (st != STORE_OK && PQtransactionStatus(p->conn) != PQTRANS_IDLE)
        PQclear(pg_run(p, "ROLLBACK", 0, NULL, &(enum store_status){STORE_OK}, NULL));
    p->in_tx = false;
    return st == STORE_CONFLICT ? STORE_ERROR : st;
}

static void rollback(struct pg_db *p)
{
    if (PQtransactionStatus(p->conn) != PQTRANS_IDLE)
        PQclear(pg_run(p, "ROLLBACK", 0, NULL, &(enum store_status){STORE_OK}, NULL));
    p->in_tx = false;
}

enum store_status pg_store_write_on(struct db *db, store_tx_fn *body, void *ctx)
{
    enum store_status st = pg_batch_begin(db);
    if (st != STORE_OK)
        return st;
    st = body(db, ctx);
    if (st != STORE_OK) {
        rollback(pg_of(db));
        return st;
    }
    return pg_batch_commit(db);
}

enum store_status pg_store_nested(struct db *db, store_tx_fn *body, void *ctx)
{
    return in_savepoint(pg_of(db), "nested", body, ctx);
}

enum store_status pg_store_read_on(struct db *db, store_tx_fn *body, void *ctx)
{
    struct pg_db *p = pg_of(db);
    enum store_status st;
    /* one snapshot for every statement of the body, as SQLite's BEGIN gives */
    PQclear(pg_run(p, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, &st, NULL));
    if (st != STORE_OK)
        return st;
    p->in_tx = true;
    st = body(db, ctx);
    enum store_status end;
    PQclear(pg_run(p, "ROLLBACK", 0, NULL, &end, NULL));
    p->in_tx = false;
    return st != STORE_OK ? st : end;
}
