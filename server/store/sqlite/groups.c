/* groups — the kept totals' fold and refill (see groups.h).
 *
 * Both sum rows of keys and figures here, in one pass, into a table per
 * group_by and per (filter, group_by), then add each sum with one upsert.
 * The fold reads the transaction's log (a few rows a request, most of them
 * sharing keys); the refill reads every pledge, which the views
 * pledge_groups_computed and pledge_group_pairs_computed would do as 31
 * GROUP BYs, each sorting a million keys (8 s for the first seven alone at
 * a million pledges). The tests hold the sums to the views' answer. */
#include "groups.h"

#include "db.h"
#include "keytab.h"
#include "sq.h"

#include <string.h>

#define DIMS GROUPS_DIMS
const char *const groups_dim_names[GROUPS_DIMS] = {"company", "country", "kind", "status",
                                                   "currency", "year", "month"};
/* The filters whose totals are kept for every other group_by (0009):
 * kind, status, country, currency, as indexes into groups_dim_names. */
#define FILTER_DIMS 4
static const int filter_dims[FILTER_DIMS] = {2, 3, 1, 4};
#define PAIRS (FILTER_DIMS * (DIMS - 1))

/* The totals being summed: one table a group_by, one a (filter, group_by). */
struct sums {
    struct keytab single[DIMS];
    struct keytab pair[PAIRS];
    int pair_filter[PAIRS], pair_dim[PAIRS];
};

/* A pair's key, cut as snprintf("%s\x1f%s") would cut it (no snprintf: the
 * refill makes 24 a pledge, a tenth of its time at a million pledges). */
static void pair_key(char key[KEYTAB_KEY], const char *filter, const char *group)
{
    size_t n = 0;
    for (const char *p = filter; *p && n < KEYTAB_KEY - 1; p++)
        key[n++] = *p;
    if (n < KEYTAB_KEY - 1)
        key[n++] = '\x1f';
    for (const char *p = group; *p && n < KEYTAB_KEY - 1; p++)
        key[n++] = *p;
    key[n] = '\0';
}

static bool add(struct keytab *t, const char *key, const int64_t fig[7])
{
    struct group_sums *g = keytab_find(t, key);
    if (!g)
        return false;
    for (int f = 0; f < 7; f++)
        g->v[f] += fig[f];
    return true;
}

/* Sums the rows of `sql`: a row id, the seven keys (1..7), the seven
 * figures (8..14); pledge_group_keys and pledge_group_log both read so. */
static enum store_status sum_rows(struct db *db, const char *sql, struct sums *s)
{
    sqlite3_stmt *st = db_prepare(db, sql);
    if (!st)
        return STORE_ERROR;
    enum store_status status = STORE_OK;
    int rc;
    while (status == STORE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t fig[7];
        const char *keys[DIMS];
        for (int f = 0; f < 7; f++)
            fig[f] = sqlite3_column_int64(st, 8 + f);
        for (int d = 0; d < DIMS; d++) {
            const unsigned char *k = sqlite3_column_text(st, 1 + d);
            keys[d] = k ? (const char *)k : "";
        }
        for (int d = 0; d < DIMS && status == STORE_OK; d++)
            if (!add(&s->single[d], keys[d], fig))
                status = STORE_ERROR;
        for (int i = 0; i < PAIRS && status == STORE_OK; i++) {
            char key[KEYTAB_KEY];
            pair_key(key, keys[s->pair_filter[i]], keys[s->pair_dim[i]]);
            if (!add(&s->pair[i], key, fig))
                status = STORE_ERROR;
        }
    }
    if (status == STORE_OK && rc != SQLITE_DONE)
        status = sq_status(rc);
    db_done(st);
    return status;
}

void groups_bind_figures(sqlite3_stmt *st, int first, const struct group_sums *g)
{
    for (int f = 0; f < 7; f++)
        sqlite3_bind_int64(st, first + f, g->v[f]);
}

/* Adds the sums to the kept totals: one upsert a key. */
static enum store_status upsert_sums(struct db *db, const struct sums *s)
{
    sqlite3_stmt *one = db_prepare(db, "INSERT INTO pledge_groups VALUES"
                                       " (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dim, key)"
                                       GROUPS_ADD_FIGURES);
    sqlite3_stmt *two = db_prepare(db, "INSERT INTO pledge_group_pairs VALUES"
                                       " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                       " ON CONFLICT (filter_dim, filter_key, dim, key)"
                                       GROUPS_ADD_FIGURES);
    if (!one || !two)
        return STORE_ERROR;
    enum store_status status = STORE_OK;
    for (int d = 0; d < DIMS && status == STORE_OK; d++) {
        for (size_t i = 0; i < s->single[d].cap && status == STORE_OK; i++) {
            const struct group_sums *g = keytab_slot(&s->single[d], i);
            if (!g)
                continue;
            sqlite3_bind_text(one, 1, groups_dim_names[d], -1, SQLITE_STATIC);
            sqlite3_bind_text(one, 2, g->key, -1, SQLITE_STATIC);
            groups_bind_figures(one, 3, g);
            status = sq_run(one);
        }
    }
    for (int p = 0; p < PAIRS && status == STORE_OK; p++) {
        for (size_t i = 0; i < s->pair[p].cap && status == STORE_OK; i++) {
            const struct group_sums *g = keytab_slot(&s->pair[p], i);
            if (!g)
                continue;
            const char *sep = strchr(g->key, '\x1f');
            sqlite3_bind_text(two, 1, groups_dim_names[s->pair_filter[p]], -1, SQLITE_STATIC);
            sqlite3_bind_text(two, 2, g->key, (int)(sep - g->key), SQLITE_STATIC);
            sqlite3_bind_text(two, 3, groups_dim_names[s->pair_dim[p]], -1, SQLITE_STATIC);
            sqlite3_bind_text(two, 4, sep + 1, -1, SQLITE_STATIC);
            groups_bind_figures(two, 5, g);
            status = sq_run(two);
        }
    }
    return status;
}

static void sums_init(struct sums *s)
{
    for (int d = 0; d < DIMS; d++)
        keytab_init(&s->single[d], sizeof(struct group_sums));
    int p = 0;
    for (int f = 0; f < FILTER_DIMS; f++) {
        for (int d = 0; d < DIMS; d++) {
            if (d == filter_dims[f])
                continue;
            keytab_init(&s->pair[p], sizeof(struct group_sums));
            s->pair_filter[p] = filter_dims[f];
            s->pair_dim[p++] = d;
        }
    }
}

static void sums_free(struct sums *s)
{
    for (int d = 0; d < DIMS; d++)
        keytab_free(&s->single[d]);
    for (int i = 0; i < PAIRS; i++)
        keytab_free(&s->pair[i]);
}

/* Sums the rows of `sql` and adds them to the kept totals. */
static enum store_status add_rows(struct db *db, const char *sql)
{
    struct sums s;
    sums_init(&s);
    enum store_status status = sum_rows(db, sql, &s);
    if (status == STORE_OK)
        status = upsert_sums(db, &s);
    sums_free(&s);
    return status;
}

enum store_status sq_groups_refill(struct db *db)
{
    if (db_exec(db, "DELETE FROM pledge_totals;"
                    " INSERT INTO pledge_totals SELECT * FROM pledge_totals_computed;"
                    " DELETE FROM pledge_groups; DELETE FROM pledge_group_pairs;"
                    " DELETE FROM pledge_group_log;") != SQLITE_OK)
        return db_busy_seen() ? STORE_BUSY : STORE_ERROR;
    return add_rows(db, "SELECT * FROM pledge_group_keys");
}

enum store_status sq_groups_fold(struct db *db)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT EXISTS (SELECT 1 FROM pledge_group_log)");
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    bool pending = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
    db_done(st);
    if (rc != SQLITE_ROW)
        return sq_status(rc);
    if (!pending)
        return STORE_OK;
    enum store_status status = add_rows(db, "SELECT rowid, * FROM pledge_group_log");
    st = status == STORE_OK ? db_prepare(db, "DELETE FROM pledge_group_log") : NULL;
    return st ? sq_run(st) : status == STORE_OK ? STORE_ERROR : status;
}
