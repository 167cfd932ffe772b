/* records — announcements and pledges in the database: reading them back
 * as the API's JSON, writing them from validated input, and keeping the
 * derived columns (each pledge's amount in USD, the full-text index) in
 * step with every write.
 *
 * All writing functions run inside the caller's transaction on the writer
 * and return false on a database error (the caller rolls back). Reading
 * functions work on any connection. JSON results are new references.
 */
#ifndef PLEDGED_RECORDS_H
#define PLEDGED_RECORDS_H

#include "db.h"
#include "pledge_input.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The columns pledge_json reads, from "pledges p LEFT JOIN companies c". */
#define PLEDGE_COLS                                                                    \
    "p.id, p.announcement_id, c.slug, p.kind, p.description, p.country,"              \
    " p.amount_currency, p.amount_minor, p.amount_usd_minor, p.usd_rate,"             \
    " p.usd_rate_date, p.usd_error, p.people, p.starts_on, p.ends_on,"                \
    " p.duration_months, p.status, p.evidence, p.created_at, p.updated_at, p.announced_on,"   \
    " p.amount_qualifier, p.people_qualifier,"                                       \
    " (SELECT announced_on_precision FROM announcements WHERE id = p.announcement_id),"   \
    " p.usd_rate_source"
#define PLEDGE_NCOLS 25
#define ANNOUNCEMENT_COLS                                                              \
    "a.id, a.title, a.announced_on, a.summary, a.created_at, a.updated_at,"           \
    " a.announced_on_precision"
#define ANNOUNCEMENT_NCOLS 7

/* The pledge on the current row of st (columns PLEDGE_COLS from col 0). */
json_t *pledge_json(sqlite3_stmt *st);

/* 1 and *out when found, 0 when not, -1 on a database error. */
int pledge_load(struct db *db, int64_t id, json_t **out);
int announcement_load(struct db *db, int64_t id, json_t **out);

/* The announcement on the current row of st (ANNOUNCEMENT_COLS), with its
 * companies, countries, sources and totals, and its pledges when
 * with_pledges. NULL on a database error. */
json_t *announcement_json(struct db *db, sqlite3_stmt *st, bool with_pledges);

/* A representation turned back into the input shape (what POST takes):
 * computed and read-only fields dropped, absent values left out. */
json_t *announcement_as_input(const json_t *rendered);
json_t *pledge_as_input(const json_t *rendered);

/* Company slug -> id; 0 when no such company, -1 on error. */
int64_t company_id_of(struct db *db, const char *slug);

/* Inserts a pledge of announcement ann_id; *id gets its id. */
bool pledge_insert(struct db *db, int64_t ann_id, int position, const char *announced_on,
                   const struct pledge_input *p, int64_t company_id, const char *now,
                   int64_t *id);
/* Rewrites pledge `id` from p (keeping created_at). */
bool pledge_update(struct db *db, int64_t id, int64_t ann_id, const char *announced_on,
                   const struct pledge_input *p, int64_t company_id, const char *now);
bool pledge_delete(struct db *db, int64_t id);

/* Writes an announcement's own fields, companies, countries and sources;
 * company_ids match a->companies. With id 0 inserts (setting *id),
 * otherwise replaces announcement `id`'s. Pledges are not touched. */
bool announcement_write(struct db *db, const struct announcement_input *a,
                        const int64_t company_ids[], const char *now, int64_t *id);
bool announcement_delete(struct db *db, int64_t id);
bool announcement_fts_sync(struct db *db, int64_t id);

/* Recomputes amount_usd for pledges with amount in `currency` (NULL: any
 * currency) announced between from and to (NULL: unbounded), or of one
 * announcement (ann_id > 0). Only rows whose result changes are written. */
bool pledges_refresh_usd(struct db *db, const char *currency, const char *from, const char *to,
                         int64_t ann_id);

/* 1 when `url` is a source of an announcement other than `except` (its id
 * in *owner), 0 when not, -1 on error. */
int source_owner(struct db *db, const char *url, int64_t except, int64_t *owner);

/* Resolves the announcement's company slugs to ids (each unknown one is an
 * error at companies[i]). False on a database error. */
bool announcement_resolve_companies(struct db *db, const struct announcement_input *a,
                                    int64_t ids[], json_t *errors);
/* The id of the pledge's company among the announcement's (0: joint). */
int64_t announcement_pledge_company(const struct announcement_input *a, const int64_t ids[],
                                    const struct pledge_input *p);
/* 0 when no source URL of `a` belongs to an announcement other than
 * `self`; 1 with *conflict (new ref: {field, message, announcement_id})
 * when one does; -1 on a database error. */
int announcement_sources_free(struct db *db, const struct announcement_input *a, int64_t self,
                              json_t **conflict);
/* Creates an announcement from a POST body (sources, embedded pledges) in
 * the caller's transaction: 1 created (*id), 0 invalid (errors added),
 * 2 a source URL is taken (*conflict), -1 database error. */
int announcement_create(struct db *db, const json_t *body, const char *now, int64_t *id,
                        json_t *errors, json_t **conflict);


/* USD minor units as a money object {"currency": "USD", "value": "..."}. */
json_t *usd_json(__int128 cents);


#endif
