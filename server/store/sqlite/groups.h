/* groups — the kept totals of migration 0009 (pledge_groups and
 * pledge_group_pairs): the fold of the changes the triggers logged, run just
 * before each COMMIT (db_commit), and the refill from the pledges (with
 * 0008's pledge_totals) for a bulk load that set the triggers aside
 * (store_bulk_write_on). */
#ifndef PLEDGED_STORE_GROUPS_H
#define PLEDGED_STORE_GROUPS_H

#include "store.h"

struct db;

/* Adds pledge_group_log's changes to the kept totals, one upsert a key,
 * and empties it; nothing when the log is empty. */
enum store_status sq_groups_fold(struct db *db);

/* Replaces the kept totals with the sums of the pledges as they stand,
 * reading the pledges once (the view pledge_group_keys); empties the log. */
enum store_status sq_groups_refill(struct db *db);

#endif
