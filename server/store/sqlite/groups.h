/* groups — the totals kept by triggers (pledge_totals, migration 0008, and
 * pledge_groups, 0009) filled again from the pledges, for a bulk load that
 * set the triggers aside (store_bulk_write_on). */
#ifndef PLEDGED_STORE_GROUPS_H
#define PLEDGED_STORE_GROUPS_H

#include "store.h"

struct db;

/* Replaces both tables' rows with the sums of the pledges as they stand,
 * reading the pledges once (the view pledge_group_keys). */
enum store_status sq_groups_refill(struct db *db);

#endif
