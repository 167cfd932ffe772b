/* migrate — the schema migrations embedded in the binary.
 *
 * Migrations are the files of migrations/sqlite/ (NNNN_name.sql), compiled in at
 * build time. They are applied in order, all pending ones in one
 * transaction, and recorded in schema_migrations so each runs once. A
 * database that records a version this binary does not know was written by
 * a newer pledged and is refused rather than misread.
 *
 * Ownership: migrations are static, compiled in; err is the caller's
 * buffer.
 */
#ifndef PLEDGED_MIGRATE_H
#define PLEDGED_MIGRATE_H

#include "db.h"

#include <stdbool.h>
#include <stddef.h>

/* The newest version compiled in. */
int migrate_latest(void);

/* The newest version recorded in db (0 for a new database), or -1. */
int migrate_current(struct db *db);

/* Brings db up to migrate_latest(). On success *applied is the number of
 * migrations run (0 when up to date). On failure nothing is changed and err
 * says why. */
bool migrate_apply(struct db *db, int *applied, char *err, size_t errlen);

#endif
