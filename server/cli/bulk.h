/* bulk — JSON Lines import and export, and the sample data.
 *
 * Format: one JSON object per line. A line {"company": {...}} creates a
 * company (the body of POST /v1/companies); any other line is the body of
 * POST /v1/announcements, validated exactly as the API validates it.
 * Export writes the companies, then every announcement with its sources and
 * pledges, in that format, so export -> import into an empty database ->
 * export gives the same bytes. Lines with history (export --with-history)
 * are restore.h's. An import records a 'create' revision of each record it
 * writes (by "cli"); restored ones come with their own.
 *
 * Ownership: the streams are the caller's, neither opened nor closed here.
 */
#ifndef PLEDGED_BULK_H
#define PLEDGED_BULK_H

#include "store.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct import_result {
    size_t lines;     /* non-empty lines read */
    size_t imported;  /* companies and announcements written */
    size_t skipped;   /* already present (same company slug, or in seed mode
                         an announcement whose source URL is known) */
    size_t refused;   /* bad lines, reported with their number */
};

/* How an import commits. */
enum import_mode {
    IMPORT_BATCHES,  /* transactions of up to 1,000 lines */
    IMPORT_BULK,     /* one transaction, the pledges' indexes rebuilt at the end
                        (store_bulk_write_on): for files that bring more pledges
                        than the database holds */
};

/* The mode for a file of `size` bytes (0: unknown, as for a pipe) into a
 * database of `pledges` pledges. */
enum import_mode bulk_import_mode(long long size, int64_t pledges);

/* Imports from `in` (`size` bytes when known, for the progress line; 0
 * otherwise). A bad line is rolled back alone (a savepoint), so nothing of
 * it remains. Reports go to `report`; a progress line goes to `progress`
 * when it is a terminal (may be NULL). `seed` treats an announcement whose
 * source URL is already filed as present, so seeding twice adds nothing.
 * False on a database or read error: in IMPORT_BATCHES mode the batches
 * committed before it stay; in IMPORT_BULK mode nothing stays (res's
 * imported and skipped are then 0). */
bool bulk_import(struct db *db, FILE *in, long long size, bool seed, enum import_mode mode,
                 FILE *report, FILE *progress, struct import_result *res);

/* Writes every company and announcement as JSON Lines; with_history, with
 * their ids and stamps and then every revision (restore.h). */
bool bulk_export(struct db *db, FILE *out, bool with_history);

/* The sample data compiled into the binary (data/seed.jsonl). */
extern const char seed_jsonl[];
extern const size_t seed_jsonl_len;

#endif
