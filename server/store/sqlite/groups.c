/* groups — refilling the kept totals in one pass (see groups.h).
 *
 * The view pledge_groups_computed gives the same rows, but as seven
 * GROUP BYs, each sorting a million keys: 8 s at a million pledges against
 * under a second for one pass summed here. The tests hold the two to the
 * same answer. */
#include "groups.h"

#include "db.h"
#include "keytab.h"
#include "sq.h"

#define DIMS 7
static const char *const dim_names[DIMS] = {"company", "country", "kind", "status",
                                            "currency", "year", "month"};

/* The figures pledge_groups keeps for a group (a keytab entry). */
struct group_sums {
    char key[KEYTAB_KEY];
    int64_t v[7]; /* pledges, committed_hi, committed_lo, targets_hi, targets_lo, people,
                   * approximate */
};

static enum store_status sum_pledges(struct db *db, struct keytab tables[DIMS])
{
    /* Columns: id, the seven keys (1..7), then the seven figures' last
     * six (8..13); the first figure, pledges, is 1 a row. */
    sqlite3_stmt *st = db_prepare(db, "SELECT * FROM pledge_group_keys");
    if (!st)
        return STORE_ERROR;
    enum store_status status = STORE_OK;
    int rc;
    while (status == STORE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t fig[7] = {1};
        for (int f = 1; f < 7; f++)
            fig[f] = sqlite3_column_int64(st, 7 + f);
        for (int d = 0; d < DIMS && status == STORE_OK; d++) {
            const unsigned char *key = sqlite3_column_text(st, 1 + d);
            struct group_sums *g = keytab_find(&tables[d], key ? (const char *)key : "");
            if (!g) {
                status = STORE_ERROR;
                break;
            }
            for (int f = 0; f < 7; f++)
                g->v[f] += fig[f];
        }
    }
    if (status == STORE_OK && rc != SQLITE_DONE)
        status = sq_status(rc);
    db_done(st);
    return status;
}

static enum store_status insert_groups(struct db *db, struct keytab tables[DIMS])
{
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO pledge_groups (dim, key, pledges,"
                                      " committed_hi, committed_lo, targets_hi, targets_lo,"
                                      " people, approximate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return STORE_ERROR;
    for (int d = 0; d < DIMS; d++) {
        for (size_t i = 0; i < tables[d].cap; i++) {
            const struct group_sums *g = keytab_slot(&tables[d], i);
            if (!g)
                continue;
            sqlite3_bind_text(st, 1, dim_names[d], -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, g->key, -1, SQLITE_STATIC);
            for (int f = 0; f < 7; f++)
                sqlite3_bind_int64(st, 3 + f, g->v[f]);
            int rc = sqlite3_step(st);
            db_done(st);
            if (rc != SQLITE_DONE)
                return sq_status(rc);
        }
    }
    return STORE_OK;
}

enum store_status sq_groups_refill(struct db *db)
{
    if (db_exec(db, "DELETE FROM pledge_totals;"
                    " INSERT INTO pledge_totals SELECT * FROM pledge_totals_computed;"
                    " DELETE FROM pledge_groups;") != SQLITE_OK)
        return db_busy_seen() ? STORE_BUSY : STORE_ERROR;
    struct keytab tables[DIMS];
    for (int d = 0; d < DIMS; d++)
        keytab_init(&tables[d], sizeof(struct group_sums));
    enum store_status status = sum_pledges(db, tables);
    if (status == STORE_OK)
        status = insert_groups(db, tables);
    for (int d = 0; d < DIMS; d++)
        keytab_free(&tables[d]);
    return status;
}
