/* history_sql — SQL both engines run as it is, written once: the ids of
 * records that have no revision yet (the baseline migration records them).
 * Plain text, no engine's own syntax. */
#ifndef PLEDGED_HISTORY_SQL_H
#define PLEDGED_HISTORY_SQL_H

#include "store_history.h"

static const char *const UNRECORDED_IDS_SQL[RES_RECORDS] = {
    "SELECT id FROM companies t WHERE NOT EXISTS (SELECT 1 FROM revisions"
    " WHERE resource = 'company' AND record_id = t.id) ORDER BY id",
    "SELECT id FROM announcements t WHERE NOT EXISTS (SELECT 1 FROM revisions"
    " WHERE resource = 'announcement' AND record_id = t.id) ORDER BY id",
    "SELECT id FROM pledges t WHERE NOT EXISTS (SELECT 1 FROM revisions"
    " WHERE resource = 'pledge' AND record_id = t.id) ORDER BY id"};

#endif
