/* engine — choosing the storage engine (see engine.h), and the store's
 * functions that hand a connection to its own engine. */
#include "engine.h"

#include "rates.h"
#include "store.h"
#include "writer.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum store_engine store_engine_for(const char *target)
{
    if (!target)
        return ENGINE_SQLITE;
    if (strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0)
        return ENGINE_POSTGRESQL;
    const char *p = target;
    while (*p == ' ')
        p++;
    const char *word = p;
    while (islower((unsigned char)*p) || *p == '_')
        p++;
    while (*p == ' ')
        p++;
    return p > word && *p == '=' ? ENGINE_POSTGRESQL : ENGINE_SQLITE;
}

const char *store_engine_name(enum store_engine e)
{
    return e == ENGINE_POSTGRESQL ? "PostgreSQL" : "SQLite";
}

struct db *store_open(const char *target, char *err, size_t errlen)
{
    return store_engine_for(target) == ENGINE_POSTGRESQL ? pg_store_open(target, err, errlen)
                                                         : sq_store_open(target, err, errlen);
}

void store_close(struct db *db)
{
    if (db && store_engine_of(db) == ENGINE_POSTGRESQL)
        pg_store_close(db);
    else
        sq_store_close(db);
}

bool store_migrate(struct db *db, int *from, int *applied, char *err, size_t errlen)
{
    return store_engine_of(db) == ENGINE_POSTGRESQL
               ? pg_store_migrate(db, from, applied, err, errlen)
               : sq_store_migrate(db, from, applied, err, errlen);
}

int store_schema_current(struct db *db)
{
    if (!db)
        return -1;
    return store_engine_of(db) == ENGINE_POSTGRESQL ? pg_schema_current(db) : sq_schema_current(db);
}

#define ON_PG(db) (store_engine_of(db) == ENGINE_POSTGRESQL)

/* ---- the daemon's connections ---- */

static enum store_engine pool_engine;

bool store_pool_start(const char *target, char *err, size_t errlen)
{
    pool_engine = store_engine_for(target);
    struct db *writer = pool_engine == ENGINE_POSTGRESQL ? pg_pool_start(target, err, errlen)
                                                         : sq_pool_start(target, err, errlen);
    if (!writer)
        return false;
    if (!writer_start(writer)) {
        snprintf(err, errlen, "cannot start the writer thread");
        return false;
    }
    return true;
}

void store_pool_stop(void)
{
    writer_stop();
    if (pool_engine == ENGINE_POSTGRESQL)
        pg_pool_stop();
    else
        sq_pool_stop();
}

struct db *store_reader(void)
{
    return pool_engine == ENGINE_POSTGRESQL ? pg_reader() : sq_reader();
}

void store_reader_release(void)
{
    if (pool_engine != ENGINE_POSTGRESQL)
        sq_reader_release();
}

void store_reader_end(void)
{
    if (pool_engine != ENGINE_POSTGRESQL)
        sq_reader_end();
}

bool store_take_busy(void)
{
    bool sqlite = sq_take_busy(), postgresql = pg_take_busy(); /* both flags cleared */
    return sqlite || postgresql;
}

int64_t store_data_version(struct db *db)
{
    if (!db)
        return -1;
    return ON_PG(db) ? pg_data_version(db) : sq_data_version(db);
}

/* ---- tokens ---- */

enum store_status store_token_insert(struct db *db, const struct store_token *t, bool *name_taken)
{
    return ON_PG(db) ? pg_token_insert(db, t, name_taken) : sq_token_insert(db, t, name_taken);
}

enum store_status store_token_by_key_id(struct db *db, const char *key_id,
                                        struct store_token *out)
{
    return ON_PG(db) ? pg_token_by_key_id(db, key_id, out) : sq_token_by_key_id(db, key_id, out);
}

enum store_status store_token_delete(struct db *db, const char *name)
{
    return ON_PG(db) ? pg_token_delete(db, name) : sq_token_delete(db, name);
}

enum store_status store_token_each(struct db *db, store_token_fn *fn, void *ctx)
{
    return ON_PG(db) ? pg_token_each(db, fn, ctx) : sq_token_each(db, fn, ctx);
}

/* ---- idempotency keys ---- */

enum store_status store_idem_find(struct db *db, const char *token, const char *key,
                                  const char *path, struct store_idem *out)
{
    return ON_PG(db) ? pg_idem_find(db, token, key, path, out)
                     : sq_idem_find(db, token, key, path, out);
}

enum store_status store_idem_put(struct db *db, const struct store_idem *idem,
                                 const char *created_at)
{
    return ON_PG(db) ? pg_idem_put(db, idem, created_at) : sq_idem_put(db, idem, created_at);
}

void store_idem_free(struct store_idem *idem)
{
    free(idem->location);
    free(idem->response);
    idem->location = idem->response = NULL;
}

/* ---- the write transaction ---- */

enum store_status store_write_on(struct db *db, store_tx_fn *body, void *ctx)
{
    if (!db)
        return STORE_ERROR;
    return ON_PG(db) ? pg_store_write_on(db, body, ctx) : sq_store_write_on(db, body, ctx);
}

/* PostgreSQL loads in bulk through its ordinary write transaction: it
 * has no indexes to set aside for want of statistics, as SQLite does. */
enum store_status store_bulk_write_on(struct db *db, store_tx_fn *body, void *ctx)
{
    if (!db)
        return STORE_ERROR;
    return ON_PG(db) ? pg_store_write_on(db, body, ctx) : sq_store_bulk_write_on(db, body, ctx);
}

enum store_status store_read_on(struct db *db, store_tx_fn *body, void *ctx)
{
    if (!db)
        return STORE_ERROR;
    return ON_PG(db) ? pg_store_read_on(db, body, ctx) : sq_store_read_on(db, body, ctx);
}

enum store_status store_batch_begin(struct db *db)
{
    if (!db)
        return STORE_ERROR;
    return ON_PG(db) ? pg_batch_begin(db) : sq_batch_begin(db);
}

enum store_status store_batch_job(struct db *db, store_tx_fn *body, void *ctx)
{
    return ON_PG(db) ? pg_batch_job(db, body, ctx) : sq_batch_job(db, body, ctx);
}

enum store_status store_batch_commit(struct db *db)
{
    return ON_PG(db) ? pg_batch_commit(db) : sq_batch_commit(db);
}

enum store_status store_nested(struct db *db, store_tx_fn *body, void *ctx)
{
    return ON_PG(db) ? pg_store_nested(db, body, ctx) : sq_store_nested(db, body, ctx);
}

void store_actor_set(struct db *db, const char *by, const char *request_id)
{
    if (ON_PG(db))
        pg_actor_set(db, by, request_id);
    else
        sq_actor_set(db, by, request_id);
}

/* ---- companies ---- */

enum store_status store_company_get(struct db *db, const char *slug, struct store_company *out)
{
    if (!db)
        return STORE_ERROR;
    return ON_PG(db) ? pg_company_get(db, slug, out) : sq_company_get(db, slug, out);
}

enum store_status store_company_get_id(struct db *db, int64_t id, struct store_company *out)
{
    if (!db)
        return STORE_ERROR;
    return ON_PG(db) ? pg_company_get_id(db, id, out) : sq_company_get_id(db, id, out);
}

enum store_status store_company_insert(struct db *db, const struct company_input *in,
                                       const char *now)
{
    return ON_PG(db) ? pg_company_insert(db, in, now) : sq_company_insert(db, in, now);
}

enum store_status store_company_update(struct db *db, int64_t id,
                                       const struct store_company_fields *f, const char *now)
{
    return ON_PG(db) ? pg_company_update(db, id, f, now) : sq_company_update(db, id, f, now);
}

enum store_status store_company_delete(struct db *db, int64_t id)
{
    return ON_PG(db) ? pg_company_delete(db, id) : sq_company_delete(db, id);
}

enum store_status store_company_list(struct db *db, const struct store_company_filter *f,
                                     const struct page *pg, store_company_fn *fn, void *ctx,
                                     struct page_end *end)
{
    if (!db) {
        end->next_after = NULL;
        end->total = -1;
        return STORE_ERROR;
    }
    return ON_PG(db) ? pg_company_list(db, f, pg, fn, ctx, end)
                     : sq_company_list(db, f, pg, fn, ctx, end);
}

/* ---- gauges and feeds ---- */

enum store_status store_count_rows(struct db *db, struct store_row_counts *out)
{
    return ON_PG(db) ? pg_count_rows(db, out) : sq_count_rows(db, out);
}

long long store_database_bytes(struct db *db)
{
    if (!db)
        return 0;
    return ON_PG(db) ? pg_database_bytes(db) : sq_database_bytes(db);
}

enum store_status store_feed_each(struct db *db, store_feed_fn *fn, void *ctx)
{
    return ON_PG(db) ? pg_feed_each(db, fn, ctx) : sq_feed_each(db, fn, ctx);
}

enum store_status store_feed_validators(struct db *db, const char *source, const char *url,
                                        char etag[256], char last_modified[128])
{
    if (!db) {
        etag[0] = last_modified[0] = '\0';
        return STORE_ERROR;
    }
    return ON_PG(db) ? pg_feed_validators(db, source, url, etag, last_modified)
                     : sq_feed_validators(db, source, url, etag, last_modified);
}

enum store_status store_feed_record(struct db *db, const char *source, const char *url,
                                    const char *error, const char *etag,
                                    const char *last_modified, const char *now)
{
    return ON_PG(db) ? pg_feed_record(db, source, url, error, etag, last_modified, now)
                     : sq_feed_record(db, source, url, error, etag, last_modified, now);
}

/* ---- rates ---- */

enum store_status rates_in_force(struct db *db, const struct currency *c, const char *date,
                                 struct rate_found *out)
{
    if (strcmp(c->code, "USD") == 0) {
        out->rate = RATE_ONE;
        strcpy(out->per_usd, "1");
        out->source[0] = '\0';
        snprintf(out->rate_date, sizeof out->rate_date, "%s", date ? date : "");
        return STORE_OK;
    }
    return ON_PG(db) ? pg_rates_in_force(db, c, date, out) : sq_rates_in_force(db, c, date, out);
}

enum store_status store_rate_load_row(struct db *db, const char *code, const char *date,
                                      const char *per_usd, const char *source, const char *now,
                                      bool upsert, bool *changed)
{
    return ON_PG(db) ? pg_rate_load_row(db, code, date, per_usd, source, now, upsert, changed)
                     : sq_rate_load_row(db, code, date, per_usd, source, now, upsert, changed);
}

void rates_none_text(struct db *db, const char *code, const char *date, char *out, size_t len)
{
    char latest[DATE_TEXT] = "";
    if (db && ON_PG(db))
        pg_rates_latest(db, code, latest);
    else if (db)
        sq_rates_latest(db, code, latest);
    if (date && latest[0] && strcmp(date, latest) > 0)
        snprintf(out, len, "no %s rate published yet for %s (latest: %s)", code, date, latest);
    else if (date)
        snprintf(out, len, "no %s rate was published on %s or in the %d days before it", code,
                 date, RATE_MAX_AGE_DAYS);
    else
        snprintf(out, len, "no %s rate is known", code);
}

enum store_status store_rate_get(struct db *db, const char *currency, const char *date,
                                 struct store_rate *out)
{
    return ON_PG(db) ? pg_rate_get(db, currency, date, out) : sq_rate_get(db, currency, date, out);
}

enum store_status store_rate_put(struct db *db, const struct store_rate *r)
{
    return ON_PG(db) ? pg_rate_put(db, r) : sq_rate_put(db, r);
}

enum store_status store_rate_put_manual(struct db *db, const struct store_rate *r)
{
    return ON_PG(db) ? pg_rate_put_manual(db, r) : sq_rate_put_manual(db, r);
}

enum store_status store_rate_latest_from(struct db *db, const char *currency,
                                         const char *source, char out[DATE_TEXT])
{
    return ON_PG(db) ? pg_rate_latest_from(db, currency, source, out)
                     : sq_rate_latest_from(db, currency, source, out);
}

enum store_status store_rate_list(struct db *db, const struct store_rate_filter *f,
                                  const struct page *pg, store_rate_fn *fn, void *ctx,
                                  struct page_end *end)
{
    return ON_PG(db) ? pg_rate_list(db, f, pg, fn, ctx, end)
                     : sq_rate_list(db, f, pg, fn, ctx, end);
}

/* ---- history ---- */

void store_revision_free(struct store_revision *r)
{
    free(r->record);
    r->record = NULL;
}

enum store_status store_revision_add(struct db *db, enum store_resource r, int64_t id,
                                     const char *key, int64_t version, const char *action,
                                     const char *record, const char *now)
{
    return ON_PG(db) ? pg_revision_add(db, r, id, key, version, action, record, now)
                     : sq_revision_add(db, r, id, key, version, action, record, now);
}

enum store_status store_revision_last(struct db *db, enum store_resource r, int64_t id,
                                      const char *key, int64_t *version)
{
    return ON_PG(db) ? pg_revision_last(db, r, id, key, version)
                     : sq_revision_last(db, r, id, key, version);
}

enum store_status store_revision_get(struct db *db, enum store_resource r, int64_t id,
                                     int64_t version, struct store_revision *out)
{
    return ON_PG(db) ? pg_revision_get(db, r, id, version, out)
                     : sq_revision_get(db, r, id, version, out);
}

enum store_status store_company_id_by_slug(struct db *db, const char *slug, int64_t *id)
{
    return ON_PG(db) ? pg_company_id_by_slug(db, slug, id) : sq_company_id_by_slug(db, slug, id);
}

enum store_status store_revisions_of(struct db *db, enum store_resource r, int64_t id,
                                     int64_t below, int64_t limit, store_revision_fn *fn,
                                     void *ctx)
{
    return ON_PG(db) ? pg_revisions_of(db, r, id, below, limit, fn, ctx)
                     : sq_revisions_of(db, r, id, below, limit, fn, ctx);
}

enum store_status store_revisions_feed(struct db *db, const struct store_feed_query *q,
                                       store_revision_fn *fn, void *ctx)
{
    return ON_PG(db) ? pg_revisions_feed(db, q, fn, ctx) : sq_revisions_feed(db, q, fn, ctx);
}

enum store_status store_revisions_head(struct db *db, int64_t *seq)
{
    return ON_PG(db) ? pg_revisions_head(db, seq) : sq_revisions_head(db, seq);
}

enum store_status store_unrecorded_ids(struct db *db, enum store_resource r,
                                       bool (*fn)(void *ctx, int64_t id), void *ctx)
{
    return ON_PG(db) ? pg_unrecorded_ids(db, r, fn, ctx) : sq_unrecorded_ids(db, r, fn, ctx);
}

enum store_status store_revisions_prune(struct db *db, const char *before, bool dry_run,
                                        int64_t *dropped)
{
    return ON_PG(db) ? pg_revisions_prune(db, before, dry_run, dropped)
                     : sq_revisions_prune(db, before, dry_run, dropped);
}

enum store_status store_history_empty(struct db *db, bool *empty)
{
    return ON_PG(db) ? pg_history_empty(db, empty) : sq_history_empty(db, empty);
}

enum store_status store_restamp(struct db *db, enum store_resource r, int64_t id,
                                const struct store_restamp *s)
{
    return ON_PG(db) ? pg_restamp(db, r, id, s) : sq_restamp(db, r, id, s);
}

enum store_status store_revision_restore(struct db *db, const struct store_revision *r)
{
    return ON_PG(db) ? pg_revision_restore(db, r) : sq_revision_restore(db, r);
}

enum store_status store_history_restored(struct db *db)
{
    return ON_PG(db) ? pg_history_restored(db) : sq_history_restored(db);
}

/* ---- announcements, pledges, their lists and stats ---- */

void store_pledge_free(struct store_pledge *p)
{
    free(p->description);
    free(p->evidence);
    p->description = p->evidence = NULL;
}

void store_pledge_context_free(struct store_pledge_context *c)
{
    for (size_t i = 0; i < c->n_urls; i++)
        free(c->urls[i]);
    c->n_urls = 0;
}

void store_announcement_free(struct store_announcement *a)
{
    free(a->title);
    free(a->summary);
    a->title = a->summary = NULL;
    for (size_t i = 0; i < a->n_sources; i++) {
        free(a->sources[i].url);
        free(a->sources[i].publisher);
        free(a->sources[i].title);
    }
    a->n_sources = 0;
    for (size_t i = 0; i < a->n_pledges; i++)
        store_pledge_free(&a->pledges[i]);
    free(a->pledges);
    a->pledges = NULL;
    a->n_pledges = 0;
}

enum store_status store_announcement_get(struct db *db, int64_t id, bool with_pledges,
                                         struct store_announcement *out)
{
    if (!db)
        return STORE_ERROR;
    return ON_PG(db) ? pg_announcement_get(db, id, with_pledges, out)
                     : sq_announcement_get(db, id, with_pledges, out);
}

enum store_status store_company_ids(struct db *db, const char *const slugs[], size_t n,
                                    int64_t ids[])
{
    return ON_PG(db) ? pg_company_ids(db, slugs, n, ids) : sq_company_ids(db, slugs, n, ids);
}

enum store_status store_source_owner(struct db *db, const char *url, int64_t except,
                                     int64_t *owner)
{
    return ON_PG(db) ? pg_source_owner(db, url, except, owner)
                     : sq_source_owner(db, url, except, owner);
}

enum store_status store_announcement_write(struct db *db, const struct announcement_input *a,
                                           bool replace_pledges, const char *now, int64_t *id)
{
    return ON_PG(db) ? pg_announcement_write(db, a, replace_pledges, now, id)
                     : sq_announcement_write(db, a, replace_pledges, now, id);
}

enum store_status store_announcement_delete(struct db *db, int64_t id)
{
    return ON_PG(db) ? pg_announcement_delete(db, id) : sq_announcement_delete(db, id);
}

enum store_status store_announcement_ids(struct db *db, bool (*fn)(void *ctx, int64_t id),
                                         void *ctx)
{
    return ON_PG(db) ? pg_announcement_ids(db, fn, ctx) : sq_announcement_ids(db, fn, ctx);
}

enum store_status store_announcement_list(struct db *db, const struct record_filter *f,
                                          const struct page *pg, store_announcement_fn *fn,
                                          void *ctx, struct page_end *end)
{
    if (!db) {
        end->next_after = NULL;
        end->total = -1;
        return STORE_ERROR;
    }
    return ON_PG(db) ? pg_announcement_list(db, f, pg, fn, ctx, end)
                     : sq_announcement_list(db, f, pg, fn, ctx, end);
}

enum store_status store_pledge_get(struct db *db, int64_t id, struct store_pledge *out)
{
    if (!db)
        return STORE_ERROR;
    return ON_PG(db) ? pg_pledge_get(db, id, out) : sq_pledge_get(db, id, out);
}

enum store_status store_pledge_context(struct db *db, int64_t announcement_id,
                                       struct store_pledge_context *out)
{
    return ON_PG(db) ? pg_pledge_context(db, announcement_id, out)
                     : sq_pledge_context(db, announcement_id, out);
}

enum store_status store_pledge_insert(struct db *db, int64_t ann_id, int position,
                                      const char *announced_on, const struct pledge_input *p,
                                      const char *now, int64_t *id)
{
    return ON_PG(db) ? pg_pledge_insert(db, ann_id, position, announced_on, p, now, id)
                     : sq_pledge_insert(db, ann_id, position, announced_on, p, now, id);
}

enum store_status store_pledge_update(struct db *db, int64_t id, const char *announced_on,
                                      const struct pledge_input *p, const char *now)
{
    return ON_PG(db) ? pg_pledge_update(db, id, announced_on, p, now)
                     : sq_pledge_update(db, id, announced_on, p, now);
}

enum store_status store_pledge_delete(struct db *db, int64_t id)
{
    return ON_PG(db) ? pg_pledge_delete(db, id) : sq_pledge_delete(db, id);
}

enum store_status store_pledge_list(struct db *db, const struct record_filter *f,
                                    const struct page *pg, store_pledge_fn *fn, void *ctx,
                                    struct page_end *end)
{
    if (!db) {
        end->next_after = NULL;
        end->total = -1;
        return STORE_ERROR;
    }
    return ON_PG(db) ? pg_pledge_list(db, f, pg, fn, ctx, end)
                     : sq_pledge_list(db, f, pg, fn, ctx, end);
}

enum store_status store_pledges_refresh_usd(struct db *db, const char *currency, const char *from,
                                            const char *to, int64_t ann_id)
{
    return ON_PG(db) ? pg_pledges_refresh_usd(db, currency, from, to, ann_id)
                     : sq_pledges_refresh_usd(db, currency, from, to, ann_id);
}

enum store_status store_stats_each(struct db *db, const struct record_filter *f,
                                   enum stats_group group, store_stats_fn *fn, void *ctx)
{
    if (!db)
        return STORE_ERROR;
    return ON_PG(db) ? pg_stats_each(db, f, group, fn, ctx) : sq_stats_each(db, f, group, fn, ctx);
}

enum store_status store_company_names(struct db *db, int64_t id, char slug[SLUG_MAX + 1],
                                      char *name, size_t name_len)
{
    if (!db)
        return STORE_ERROR;
    return ON_PG(db) ? pg_company_names(db, id, slug, name, name_len)
                     : sq_company_names(db, id, slug, name, name_len);
}

enum store_status store_company_name_each(struct db *db, store_company_name_fn *fn, void *ctx)
{
    if (!db)
        return STORE_ERROR;
    return ON_PG(db) ? pg_company_name_each(db, fn, ctx) : sq_company_name_each(db, fn, ctx);
}

enum store_status store_summary(struct db *db, struct store_summary *out)
{
    if (!db)
        return STORE_ERROR;
    return ON_PG(db) ? pg_summary(db, out) : sq_summary(db, out);
}
