/* engine — which storage engine a `--db` names, and how a connection says
 * which engine it belongs to (issue 15).
 *
 * `--db` (or PLEDGED_DB) is PostgreSQL when it is a `postgresql://` or
 * `postgres://` URI or a libpq key/value string (its first word is a
 * keyword followed by '=', as in "host=127.0.0.1 dbname=pledged"), and a
 * SQLite file otherwise. A file whose name looks like a key/value string
 * is still reachable as ./host=...
 *
 * Every engine's connection struct begins with an `enum store_engine`, so
 * code outside the engines can tell them apart (store_engine_of) and the
 * store's entry points can hand each connection to its own engine.
 */
#ifndef PLEDGED_ENGINE_H
#define PLEDGED_ENGINE_H

#include "rates.h"
#include "store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum store_engine { ENGINE_SQLITE, ENGINE_POSTGRESQL };

enum store_engine store_engine_for(const char *target);

/* The engine of an open connection (not NULL). */
static inline enum store_engine store_engine_of(const struct db *db)
{
    return *(const enum store_engine *)(const void *)db; /* each engine's first member */
}

/* The engine's name for messages: "SQLite", "PostgreSQL". */
const char *store_engine_name(enum store_engine e);

/* ---- The writer's batches (writer.c): one transaction holding several
 * writes, each in its own savepoint. begin takes the write lock; a job's
 * status other than STORE_OK rolls back its savepoint only; commit rolls
 * the whole batch back when it fails. */
enum store_status store_batch_begin(struct db *db);
enum store_status store_batch_job(struct db *db, store_tx_fn *body, void *ctx);
enum store_status store_batch_commit(struct db *db);

/* One rate of a CSV load (rates_load.c): inserted, or with upsert
 * corrected when its value differs (*changed says whether a row was
 * written); an existing row without upsert is STORE_CONFLICT. */
enum store_status store_rate_load_row(struct db *db, const char *code, const char *date,
                                      const char *per_usd, const char *source, const char *now,
                                      bool upsert, bool *changed);

/* ---- Each engine's own functions, called through store.h's ----
 * Issue 15 adds PostgreSQL's in steps; a function listed for SQLite only
 * is not yet dispatched, and PostgreSQL connections do not reach it (the
 * command line refuses what PostgreSQL cannot do yet). */

struct db *sq_store_open(const char *path, char *err, size_t errlen);
enum store_status sq_rate_load_row(struct db *db, const char *code, const char *date,
                                   const char *per_usd, const char *source, const char *now,
                                   bool upsert, bool *changed);
struct db *sq_pool_start(const char *path, char *err, size_t errlen);
void sq_pool_stop(void);
struct db *sq_reader(void);
void sq_reader_release(void);
void sq_reader_end(void);
bool sq_take_busy(void);
int64_t sq_data_version(struct db *db);
void sq_store_close(struct db *db);
bool sq_store_migrate(struct db *db, int *from, int *applied, char *err, size_t errlen);
int sq_schema_current(struct db *db);
enum store_status sq_token_insert(struct db *db, const struct store_token *t, bool *name_taken);
enum store_status sq_token_by_key_id(struct db *db, const char *key_id, struct store_token *out);
enum store_status sq_token_delete(struct db *db, const char *name);
enum store_status sq_token_each(struct db *db, store_token_fn *fn, void *ctx);
enum store_status sq_idem_find(struct db *db, const char *token, const char *key,
                               const char *path, struct store_idem *out);
enum store_status sq_idem_put(struct db *db, const struct store_idem *idem,
                              const char *created_at);
enum store_status sq_company_get(struct db *db, const char *slug, struct store_company *out);
enum store_status sq_company_get_id(struct db *db, int64_t id, struct store_company *out);
enum store_status sq_company_insert(struct db *db, const struct company_input *in,
                                   const char *now);
enum store_status sq_company_update(struct db *db, int64_t id,
                                   const struct store_company_fields *f, const char *now);
enum store_status sq_company_delete(struct db *db, int64_t id);
enum store_status sq_company_list(struct db *db, const struct store_company_filter *f,
                                 const struct page *pg, store_company_fn *fn, void *ctx,
                                 struct page_end *end);
enum store_status sq_store_write_on(struct db *db, store_tx_fn *body, void *ctx);
enum store_status sq_store_bulk_write_on(struct db *db, store_tx_fn *body, void *ctx);
enum store_status sq_store_read_on(struct db *db, store_tx_fn *body, void *ctx);
enum store_status sq_store_nested(struct db *db, store_tx_fn *body, void *ctx);
enum store_status sq_batch_begin(struct db *db);
enum store_status sq_batch_job(struct db *db, store_tx_fn *body, void *ctx);
enum store_status sq_batch_commit(struct db *db);
void sq_actor_set(struct db *db, const char *by, const char *request_id);
enum store_status sq_revision_add(struct db *db, enum store_resource r, int64_t id,
                                 const char *key, int64_t version, const char *action,
                                 const char *record, const char *now);
enum store_status sq_revision_last(struct db *db, enum store_resource r, int64_t id,
                                  const char *key, int64_t *version);
enum store_status sq_revision_get(struct db *db, enum store_resource r, int64_t id,
                                 int64_t version, struct store_revision *out);
enum store_status sq_company_id_by_slug(struct db *db, const char *slug, int64_t *id);
enum store_status sq_revisions_of(struct db *db, enum store_resource r, int64_t id,
                                 int64_t below, int64_t limit, store_revision_fn *fn, void *ctx);
enum store_status sq_revisions_feed(struct db *db, const struct store_feed_query *q,
                                   store_revision_fn *fn, void *ctx);
enum store_status sq_revisions_head(struct db *db, int64_t *seq);
enum store_status sq_unrecorded_ids(struct db *db, enum store_resource r,
                                   bool (*fn)(void *ctx, int64_t id), void *ctx);
enum store_status sq_revisions_prune(struct db *db, const char *before, bool dry_run,
                                    int64_t *dropped);
enum store_status sq_history_empty(struct db *db, bool *empty);
enum store_status sq_restamp(struct db *db, enum store_resource r, int64_t id,
                            const struct store_restamp *s);
enum store_status sq_revision_restore(struct db *db, const struct store_revision *r);
enum store_status sq_history_restored(struct db *db);
enum store_status sq_rates_in_force(struct db *db, const struct currency *c, const char *date,
                                   struct rate_found *out);
void sq_rates_latest(struct db *db, const char *code, char latest[DATE_TEXT]);
enum store_status sq_rate_get(struct db *db, const char *currency, const char *date,
                             struct store_rate *out);
enum store_status sq_rate_put(struct db *db, const struct store_rate *r);
enum store_status sq_rate_put_manual(struct db *db, const struct store_rate *r);
enum store_status sq_rate_latest_from(struct db *db, const char *currency, const char *source,
                                     char out[DATE_TEXT]);
enum store_status sq_rate_list(struct db *db, const struct store_rate_filter *f,
                              const struct page *pg, store_rate_fn *fn, void *ctx,
                              struct page_end *end);
long long sq_database_bytes(struct db *db);
enum store_status sq_count_rows(struct db *db, struct store_row_counts *out);
enum store_status sq_feed_each(struct db *db, store_feed_fn *fn, void *ctx);
enum store_status sq_feed_validators(struct db *db, const char *source, const char *url,
                                    char etag[256], char last_modified[128]);
enum store_status sq_feed_record(struct db *db, const char *source, const char *url,
                                const char *error, const char *etag, const char *last_modified,
                                const char *now);

enum store_status sq_announcement_get(struct db *db, int64_t id, bool with_pledges,
                                      struct store_announcement *out);
enum store_status sq_company_ids(struct db *db, const char *const slugs[], size_t n, int64_t ids[]);
enum store_status sq_source_owner(struct db *db, const char *url, int64_t except, int64_t *owner);
enum store_status sq_announcement_write(struct db *db, const struct announcement_input *a,
                                        bool replace_pledges, const char *now, int64_t *id);
enum store_status sq_announcement_delete(struct db *db, int64_t id);
enum store_status sq_announcement_ids(struct db *db, bool (*fn)(void *ctx, int64_t id), void *ctx);
enum store_status sq_announcement_list(struct db *db, const struct record_filter *f,
                                       const struct page *pg, store_announcement_fn *fn, void *ctx,
                                       struct page_end *end);
enum store_status sq_pledge_get(struct db *db, int64_t id, struct store_pledge *out);
enum store_status sq_pledge_context(struct db *db, int64_t announcement_id,
                                    struct store_pledge_context *out);
enum store_status sq_pledge_insert(struct db *db, int64_t ann_id, int position,
                                   const char *announced_on, const struct pledge_input *p,
                                   const char *now, int64_t *id);
enum store_status sq_pledge_update(struct db *db, int64_t id, const char *announced_on,
                                   const struct pledge_input *p, const char *now);
enum store_status sq_pledge_delete(struct db *db, int64_t id);
enum store_status sq_pledge_list(struct db *db, const struct record_filter *f,
                                 const struct page *pg, store_pledge_fn *fn, void *ctx,
                                 struct page_end *end);
enum store_status sq_pledges_refresh_usd(struct db *db, const char *currency, const char *from,
                                         const char *to, int64_t ann_id);
enum store_status sq_stats_each(struct db *db, const struct record_filter *f,
                                enum stats_group group, store_stats_fn *fn, void *ctx);
enum store_status sq_company_names(struct db *db, int64_t id, char slug[SLUG_MAX + 1], char *name,
                                   size_t name_len);
enum store_status sq_company_name_each(struct db *db, store_company_name_fn *fn, void *ctx);
enum store_status sq_summary(struct db *db, struct store_summary *out);

struct db *pg_store_open(const char *conninfo, char *err, size_t errlen);
enum store_status pg_rate_load_row(struct db *db, const char *code, const char *date,
                                   const char *per_usd, const char *source, const char *now,
                                   bool upsert, bool *changed);
struct db *pg_pool_start(const char *conninfo, char *err, size_t errlen);
void pg_pool_stop(void);
struct db *pg_reader(void);
bool pg_take_busy(void);
int64_t pg_data_version(struct db *db);
void pg_store_close(struct db *db);
bool pg_store_migrate(struct db *db, int *from, int *applied, char *err, size_t errlen);
int pg_schema_current(struct db *db);
enum store_status pg_token_insert(struct db *db, const struct store_token *t, bool *name_taken);
enum store_status pg_token_by_key_id(struct db *db, const char *key_id, struct store_token *out);
enum store_status pg_token_delete(struct db *db, const char *name);
enum store_status pg_token_each(struct db *db, store_token_fn *fn, void *ctx);
enum store_status pg_idem_find(struct db *db, const char *token, const char *key,
                               const char *path, struct store_idem *out);
enum store_status pg_idem_put(struct db *db, const struct store_idem *idem,
                              const char *created_at);
enum store_status pg_company_get(struct db *db, const char *slug, struct store_company *out);
enum store_status pg_company_get_id(struct db *db, int64_t id, struct store_company *out);
enum store_status pg_company_insert(struct db *db, const struct company_input *in,
                                   const char *now);
enum store_status pg_company_update(struct db *db, int64_t id,
                                   const struct store_company_fields *f, const char *now);
enum store_status pg_company_delete(struct db *db, int64_t id);
enum store_status pg_company_list(struct db *db, const struct store_company_filter *f,
                                 const struct page *pg, store_company_fn *fn, void *ctx,
                                 struct page_end *end);
enum store_status pg_store_write_on(struct db *db, store_tx_fn *body, void *ctx);
enum store_status pg_store_read_on(struct db *db, store_tx_fn *body, void *ctx);
enum store_status pg_store_nested(struct db *db, store_tx_fn *body, void *ctx);
enum store_status pg_batch_begin(struct db *db);
enum store_status pg_batch_job(struct db *db, store_tx_fn *body, void *ctx);
enum store_status pg_batch_commit(struct db *db);
void pg_actor_set(struct db *db, const char *by, const char *request_id);
enum store_status pg_revision_add(struct db *db, enum store_resource r, int64_t id,
                                 const char *key, int64_t version, const char *action,
                                 const char *record, const char *now);
enum store_status pg_revision_last(struct db *db, enum store_resource r, int64_t id,
                                  const char *key, int64_t *version);
enum store_status pg_revision_get(struct db *db, enum store_resource r, int64_t id,
                                 int64_t version, struct store_revision *out);
enum store_status pg_company_id_by_slug(struct db *db, const char *slug, int64_t *id);
enum store_status pg_revisions_of(struct db *db, enum store_resource r, int64_t id,
                                 int64_t below, int64_t limit, store_revision_fn *fn, void *ctx);
enum store_status pg_revisions_feed(struct db *db, const struct store_feed_query *q,
                                   store_revision_fn *fn, void *ctx);
enum store_status pg_revisions_head(struct db *db, int64_t *seq);
enum store_status pg_unrecorded_ids(struct db *db, enum store_resource r,
                                   bool (*fn)(void *ctx, int64_t id), void *ctx);
enum store_status pg_revisions_prune(struct db *db, const char *before, bool dry_run,
                                    int64_t *dropped);
enum store_status pg_history_empty(struct db *db, bool *empty);
enum store_status pg_restamp(struct db *db, enum store_resource r, int64_t id,
                            const struct store_restamp *s);
enum store_status pg_revision_restore(struct db *db, const struct store_revision *r);
enum store_status pg_history_restored(struct db *db);
enum store_status pg_rates_in_force(struct db *db, const struct currency *c, const char *date,
                                   struct rate_found *out);
void pg_rates_latest(struct db *db, const char *code, char latest[DATE_TEXT]);
enum store_status pg_rate_get(struct db *db, const char *currency, const char *date,
                             struct store_rate *out);
enum store_status pg_rate_put(struct db *db, const struct store_rate *r);
enum store_status pg_rate_put_manual(struct db *db, const struct store_rate *r);
enum store_status pg_rate_latest_from(struct db *db, const char *currency, const char *source,
                                     char out[DATE_TEXT]);
enum store_status pg_rate_list(struct db *db, const struct store_rate_filter *f,
                              const struct page *pg, store_rate_fn *fn, void *ctx,
                              struct page_end *end);
long long pg_database_bytes(struct db *db);
enum store_status pg_count_rows(struct db *db, struct store_row_counts *out);
enum store_status pg_feed_each(struct db *db, store_feed_fn *fn, void *ctx);
enum store_status pg_feed_validators(struct db *db, const char *source, const char *url,
                                    char etag[256], char last_modified[128]);
enum store_status pg_feed_record(struct db *db, const char *source, const char *url,
                                const char *error, const char *etag, const char *last_modified,
                                const char *now);

enum store_status pg_announcement_get(struct db *db, int64_t id, bool with_pledges,
                                      struct store_announcement *out);
enum store_status pg_company_ids(struct db *db, const char *const slugs[], size_t n, int64_t ids[]);
enum store_status pg_source_owner(struct db *db, const char *url, int64_t except, int64_t *owner);
enum store_status pg_announcement_write(struct db *db, const struct announcement_input *a,
                                        bool replace_pledges, const char *now, int64_t *id);
enum store_status pg_announcement_delete(struct db *db, int64_t id);
enum store_status pg_announcement_ids(struct db *db, bool (*fn)(void *ctx, int64_t id), void *ctx);
enum store_status pg_announcement_list(struct db *db, const struct record_filter *f,
                                       const struct page *pg, store_announcement_fn *fn, void *ctx,
                                       struct page_end *end);
enum store_status pg_pledge_get(struct db *db, int64_t id, struct store_pledge *out);
enum store_status pg_pledge_context(struct db *db, int64_t announcement_id,
                                    struct store_pledge_context *out);
enum store_status pg_pledge_insert(struct db *db, int64_t ann_id, int position,
                                   const char *announced_on, const struct pledge_input *p,
                                   const char *now, int64_t *id);
enum store_status pg_pledge_update(struct db *db, int64_t id, const char *announced_on,
                                   const struct pledge_input *p, const char *now);
enum store_status pg_pledge_delete(struct db *db, int64_t id);
enum store_status pg_pledge_list(struct db *db, const struct record_filter *f,
                                 const struct page *pg, store_pledge_fn *fn, void *ctx,
                                 struct page_end *end);
enum store_status pg_pledges_refresh_usd(struct db *db, const char *currency, const char *from,
                                         const char *to, int64_t ann_id);
enum store_status pg_stats_each(struct db *db, const struct record_filter *f,
                                enum stats_group group, store_stats_fn *fn, void *ctx);
enum store_status pg_company_names(struct db *db, int64_t id, char slug[SLUG_MAX + 1], char *name,
                                   size_t name_len);
enum store_status pg_company_name_each(struct db *db, store_company_name_fn *fn, void *ctx);
enum store_status pg_summary(struct db *db, struct store_summary *out);

#endif
