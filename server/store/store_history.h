/* store_history — revisions: the history of every change to a company, an
 * announcement or a pledge (issue 14, migration 0010), which is also each
 * deleted record's tombstone and the change feed. Part of the engine-
 * neutral interface (store.h, whose conventions hold here too, includes
 * this file at its end).
 *
 * Who writes what: the store stamps rows (version, created_by,
 * updated_by) and writes the 'delete' revisions itself, cascades included;
 * the caller records 'create' and 'update' revisions with the record's
 * representation, which only it can render (server/api/revise.c), in the
 * same transaction as the change.
 */
#ifndef PLEDGED_STORE_HISTORY_H
#define PLEDGED_STORE_HISTORY_H

#include "store.h"

/* What a revision is of: the three records, addressed by id; a rate (PUT
 * or `rates import`), addressed by key "JPY/2026-02-10"; a `rates update`
 * run of one source, by the source's name. */
enum store_resource { RES_COMPANY, RES_ANNOUNCEMENT, RES_PLEDGE, RES_RATE, RES_RATES_RUN,
                      RES_COUNT };
#define RES_RECORDS 3  /* the first three: records with ids */

/* "company", "announcement", "pledge", "rate", "rates". */
const char *store_resource_name(enum store_resource r);

#define STORE_REQUEST_ID_MAX 64

/* One revision. Strings are copied; record is owned (NULL after a delete):
 * release with store_revision_free. */
struct store_revision {
    int64_t seq;                     /* commit order, across all records */
    enum store_resource resource;
    int64_t record_id;               /* 0 for rates */
    char key[SLUG_MAX + 1];          /* a company's slug, a rate's key, a run's source */
    int64_t version;
    char action[STORE_WORD];         /* create, update, delete, baseline */
    char at[21];
    char by[STORE_BY_MAX + 1];       /* "" when unknown (a baseline) */
    char request_id[STORE_REQUEST_ID_MAX + 1];
    char *record;                    /* the representation after the change, JSON */
};
void store_revision_free(struct store_revision *r);

/* Records (resource, id or key) at `version` with its representation
 * `record` (JSON, borrowed): action is "create", "update" or "baseline";
 * key is the company's slug or the rate's key (NULL for others); at, by
 * and request_id come from now and the actor (a baseline: by NULL).
 * STORE_CONFLICT when that version is recorded already. */
enum store_status store_revision_add(struct db *db, enum store_resource r, int64_t id,
                                     const char *key, int64_t version, const char *action,
                                     const char *record, const char *now);

/* The last version recorded for (resource, id), or for (resource, key)
 * for rates; 0 when none. */
enum store_status store_revision_last(struct db *db, enum store_resource r, int64_t id,
                                      const char *key, int64_t *version);

/* Revision `version` of (resource, id), 0 for the latest; STORE_NOT_FOUND. */
enum store_status store_revision_get(struct db *db, enum store_resource r, int64_t id,
                                     int64_t version, struct store_revision *out);

/* The id of the company `slug` names: the live one's, else the one whose
 * latest revision carried that slug (a deleted company). STORE_NOT_FOUND. */
enum store_status store_company_id_by_slug(struct db *db, const char *slug, int64_t *id);

/* Called for each revision; borrowed for the call. False (out of memory)
 * stops with STORE_ERROR. */
typedef bool store_revision_fn(void *ctx, const struct store_revision *r);

/* The revisions of (resource, id) with versions below `below` (0: all),
 * newest first, at most `limit`. */
enum store_status store_revisions_of(struct db *db, enum store_resource r, int64_t id,
                                     int64_t below, int64_t limit, store_revision_fn *fn,
                                     void *ctx);

/* Revisions in commit order with seq above `after`, at most `limit`, of
 * the resources whose bit (1 << resource) is in `mask` (rates: both rate
 * and run revisions under RES_RATE's bit); with deletes_only
 * the tombstones alone, and with `since` (RFC 3339, "" for any) only those
 * at or after it. */
struct store_feed_query {
    unsigned mask;
    int64_t after;
    int64_t limit;
    bool deletes_only;
    char since[21];
};
enum store_status store_revisions_feed(struct db *db, const struct store_feed_query *q,
                                       store_revision_fn *fn, void *ctx);

/* The latest seq committed (0 for none): where a feed that wants only
 * what comes next starts. */
enum store_status store_revisions_head(struct db *db, int64_t *seq);

/* Drops the revisions recorded before `before` (YYYY-MM-DD) except the
 * latest of each record (or rate key, or rates source); *dropped gets how
 * many, and with dry_run nothing is dropped. */
enum store_status store_revisions_prune(struct db *db, const char *before, bool dry_run,
                                        int64_t *dropped);

/* Records missing from history get a 'baseline' revision of their
 * representation as it stands (migration 0011: records written before
 * history began). The store calls the function the daemon registers; with
 * none registered the records stay without one. */
typedef bool store_baseline_fn(struct db *db, char *err, size_t errlen);
void store_set_baseline(store_baseline_fn *fn);

/* Calls fn with the id of every record of `r` (one of the first
 * RES_RECORDS) that has no revision, in order; fn returning false stops
 * with STORE_ERROR. */
enum store_status store_unrecorded_ids(struct db *db, enum store_resource r,
                                       bool (*fn)(void *ctx, int64_t id), void *ctx);

/* ---- Restoring an export with its history (pledged import) ---------------- */

/* Whether the database holds no company, announcement, pledge or revision:
 * a restore's target. */
enum store_status store_history_empty(struct db *db, bool *empty);

/* A record's stamp and times as exported, written back over what its
 * insert set. */
struct store_restamp {
    struct store_stamp stamp;
    char created_at[21], updated_at[21];
};
enum store_status store_restamp(struct db *db, enum store_resource r, int64_t id,
                                const struct store_restamp *s);

/* Stores r as it was exported: its seq, who and when included. */
enum store_status store_revision_restore(struct db *db, const struct store_revision *r);

/* After a restore: the next id of each record table lies above every id
 * its history names, deleted records' too, so none is given again. */
enum store_status store_history_restored(struct db *db);

#endif
