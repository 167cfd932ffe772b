/* revisions — what the SQLite store files share of the history table
 * (store_history.h). Private to server/store/sqlite/. */
#ifndef PLEDGED_STORE_REVISIONS_H
#define PLEDGED_STORE_REVISIONS_H

#include "store.h"

/* The SQL that writes tombstones: "INSERT INTO revisions (resource,
 * record_id, key, version, action, at, by, request_id) SELECT ..., ?2,
 * ?3, ?4 FROM <table> WHERE <something> = ?1" — the rows about to be
 * deleted, each at its version + 1; at = now, by and request_id the
 * actor's. Run before the DELETE. */
enum store_status sq_tombstones(struct db *db, const char *select_sql, int64_t id);

#define SQ_TOMBSTONE(resource, key, table, where)                                        \
    "INSERT INTO revisions (resource, record_id, key, version, action, at, by,"         \
    " request_id) SELECT '" resource "', id, " key ", version + 1, 'delete', ?2, ?3, ?4" \
    " FROM " table " WHERE " where " = ?1"

/* Migration 0011: the registered baseline function (store_set_baseline). */
bool sq_history_baseline(struct db *db, char *err, size_t errlen);

#endif
