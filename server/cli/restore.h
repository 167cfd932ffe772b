/* restore — history in `pledged export --with-history` and `pledged
 * import` (issue 14).
 *
 * With history, an export's record lines carry a "restore" member (the
 * record's id, version, who created and last changed it and when; for an
 * announcement its pledges' too), and revision lines follow the records,
 * in commit order: {"revision": {...}}, each as the database holds it. An
 * import of such lines restores the records with their ids and stamps and
 * the revisions as they were, so that histories, tombstones and the feed's
 * cursors mean what they meant; it needs an empty database (ids are kept),
 * and refuses those lines otherwise. export -> import into an empty
 * database -> export gives the same bytes.
 *
 * Ownership: json objects are borrowed for the call; the functions that
 * return one return a new reference.
 */
#ifndef PLEDGED_RESTORE_H
#define PLEDGED_RESTORE_H

#include "store.h"

#include <jansson.h>
#include <stdio.h>

/* The "restore" member of a company's or an announcement's export line. */
json_t *restore_of_company(const struct store_company *c);
json_t *restore_of_announcement(const struct store_announcement *a);

/* Writes every revision, in commit order, as a line each. */
bool restore_export_revisions(struct db *db, FILE *out);

/* Whether an import line carries history (a "restore" member, or is a
 * revision line). */
bool restore_line_has_history(const json_t *obj);

/* Imports one line that carries history into the database (which was
 * empty when the import began): STORE_OK when written; STORE_ABORTED with
 * what is wrong in `errors` (or *conflict, for a source URL another
 * announcement has); otherwise the store's failure. */
enum store_status restore_line(struct db *db, const json_t *obj, const char *now,
                               json_t *errors, json_t **conflict);

#endif
