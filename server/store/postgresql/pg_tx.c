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

enum store_status pg_store_write_on(struct db *db, store_tx_fn *body, void *ctx)
{
    struct pg_db *p = pg_of(db);
    enum store_status st;
    PGresult *r = pg_run(p, "BEGIN", 0, NULL, &st, NULL);
    PQclear(r);
    if (st != STORE_OK)
        return st;
    r = pg_run(p, "SELECT pg_advisory_xact_lock(" WRITE_LOCK ")", 0, NULL, &st, NULL);
    PQclear(r);
    if (st == STORE_OK)
        st = body(db, ctx);
    enum store_status end;
    r = pg_run(p, st == STORE_OK ? "COMMIT" : "ROLLBACK", 0, NULL, &end, NULL);
    /* COMMIT of a transaction that failed inside answers ROLLBACK: not OK */
    if (r && st == STORE_OK && strcmp(PQcmdStatus(r), "COMMIT") != 0)
        end = STORE_ERROR;
    PQclear(r);
    return st != STORE_OK ? st : end == STORE_CONFLICT ? STORE_ERROR : end;
}

enum store_status pg_store_nested(struct db *db, store_tx_fn *body, void *ctx)
{
    struct pg_db *p = pg_of(db);
    enum store_status st, undo;
    PGresult *r = pg_run(p, "SAVEPOINT nested", 0, NULL, &st, NULL);
    PQclear(r);
    if (st != STORE_OK)
        return st;
    st = body(db, ctx);
    undo = STORE_OK;
    if (st != STORE_OK) {
        r = pg_run(p, "ROLLBACK TO nested", 0, NULL, &undo, NULL);
        PQclear(r);
    }
    if (undo == STORE_OK) {
        r = pg_run(p, "RELEASE nested", 0, NULL, &undo, NULL);
        PQclear(r);
    }
    return undo != STORE_OK ? STORE_ERROR : st;
}

enum store_status pg_store_read_on(struct db *db, store_tx_fn *body, void *ctx)
{
    struct pg_db *p = pg_of(db);
    enum store_status st;
    /* one snapshot for every statement of the body, as SQLite's BEGIN gives */
    PQclear(pg_run(p, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, &st, NULL));
    if (st != STORE_OK)
        return st;
    st = body(db, ctx);
    enum store_status end;
    PQclear(pg_run(p, "ROLLBACK", 0, NULL, &end, NULL));
    return st != STORE_OK ? st : end;
}
