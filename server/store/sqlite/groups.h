/* groups — the kept totals of migration 0009 (pledge_groups and
 * pledge_group_pairs): the fold of the changes the triggers logged, run just
 * before each COMMIT (db_commit), and the refill from the pledges (with
 * 0008's pledge_totals) for a bulk load that set the triggers aside
 * (store_bulk_write_on). */
#ifndef PLEDGED_STORE_GROUPS_H
#define PLEDGED_STORE_GROUPS_H

#include "keytab.h"
#include "store.h"

#include <sqlite3.h>
#include <stdint.h>

struct db;

/* The group_bys kept, in the order of enum stats_group and of the key
 * columns of the view pledge_group_keys (migration 0009). */
#define GROUPS_DIMS 7
extern const char *const groups_dim_names[GROUPS_DIMS];

/* The figures kept for a group (a keytab entry), in the tables' column
 * order. A pair's key is the filter's key, '\x1f', then the group's. */
struct group_sums {
    char key[KEYTAB_KEY];
    int64_t v[7]; /* pledges, committed_hi, committed_lo, targets_hi, targets_lo, people,
                   * approximate */
};

/* Binds g's seven figures to parameters first to first + 6. */
void groups_bind_figures(sqlite3_stmt *st, int first, const struct group_sums *g);

/* An upsert's ON CONFLICT clause that adds the seven figures of the row
 * offered (excluded) to the row there: pledge_groups, pledge_group_pairs
 * and pledge_search_groups (searches.c) share their columns. */
#define GROUPS_ADD_FIGURES                                                                  \
    " DO UPDATE SET pledges = pledges + excluded.pledges,"                                  \
    " committed_hi = committed_hi + excluded.committed_hi,"                                 \
    " committed_lo = committed_lo + excluded.committed_lo,"                                 \
    " targets_hi = targets_hi + excluded.targets_hi,"                                       \
    " targets_lo = targets_lo + excluded.targets_lo, people = people + excluded.people,"    \
    " approximate = approximate + excluded.approximate"

/* Adds pledge_group_log's changes to the kept totals, one upsert a key,
 * and empties it; nothing when the log is empty. */
enum store_status sq_groups_fold(struct db *db);

/* Replaces the kept totals with the sums of the pledges as they stand,
 * reading the pledges once (the view pledge_group_keys); empties the log. */
enum store_status sq_groups_refill(struct db *db);

#endif
