/* groups — the kept totals of migration 0009 (pledge_groups and
 * pledge_group_pairs): the fold of the changes the triggers logged, run just
 * before each COMMIT (db_commit), and the refill from the pledges (with
 * 0008's pledge_totals) for a bulk load that set the triggers aside
 * (store_bulk_write_on). */
#ifndef PLEDGED_STORE_GROUPS_H
#define PLEDGED_STORE_GROUPS_H

#include "store.h"

struct db;

/* An upsert's ON CONFLICT clause that adds the seven figures of the row
 * offered (excluded) to the row there: pledge_groups, pledge_group_pairs
 * and pledge_search_groups (searches.c) share their columns. */
#define GROUPS_ADD_FIGURES                                                                          \
    " DO UPDATE SET pledges = pledges + excluded.pledges,"                                   \
    " committed_hi = committed_hi + excluded.committed_hi,"                                  \
    " committed_lo = committed_lo + excluded.committed_lo,"                                  \
    " targets_hi = targets_hi + excluded.targets_hi,"                                        \
    " targets_lo = targets_lo + excluded.targets_lo, people = people + excluded.people,"      \
    " approximate = approximate + excluded.approximate"

/* Adds pledge_group_log's changes to the kept totals, one upsert a key,
 * and empties it; nothing when the log is empty. */
enum store_status sq_groups_fold(struct db *db);

/* Replaces the kept totals with the sums of the pledges as they stand,
 * reading the pledges once (the view pledge_group_keys); empties the log. */
enum store_status sq_groups_refill(struct db *db);

#endif
