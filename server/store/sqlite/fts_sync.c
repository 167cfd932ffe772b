/* fts_sync — deferred full-text entries (see fts_sync.h). */
#include "fts_sync.h"

#include "buf.h"
#include "db.h"
#include "sq.h"

#include <stdlib.h>

struct fts_mark {
    int64_t id;
    enum fts_table table;
    bool fresh;
};

enum store_status sq_fts_mark(struct db *db, enum fts_table table, int64_t id, bool fresh)
{
    struct fts_marks *m = db_fts_marks(db);
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        struct fts_mark *v = realloc(m->v, cap * sizeof *v);
        if (!v)
            return STORE_ERROR;
        m->v = v;
        m->cap = cap;
    }
    m->v[m->n++] = (struct fts_mark){id, table, fresh};
    /* Outside a transaction each statement commits alone: so does this. */
    return sqlite3_get_autocommit(db_handle(db)) ? sq_fts_flush(db) : STORE_OK;
}

/* By table, then id: FTS5 appends rowids in order most cheaply. */
static int by_row(const void *a, const void *b)
{
    const struct fts_mark *x = a, *y = b;
    if (x->table != y->table)
        return x->table < y->table ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Runs `sql` with ?1 bound to a JSON array of ids. */
static enum store_status run_ids(struct db *db, const char *sql, const struct buf *ids)
{
    sqlite3_stmt *st = db_prepare(db, sql);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, buf_str(ids), (int)ids->len, SQLITE_STATIC);
    return sq_run(st);
}

/* One statement for all the rows of a table: FTS5 writes its pending terms
 * to disk at each statement that changes it, so a statement per row would
 * make an index segment per row. */
static const char *const delete_sql[] = {
    [FTS_PLEDGES] = "DELETE FROM pledges_fts WHERE rowid IN (SELECT value FROM json_each(?1))",
    [FTS_ANNOUNCEMENTS] = "DELETE FROM announcements_fts WHERE rowid IN"
                          " (SELECT value FROM json_each(?1))",
};

/* The entries, from the rows as they stand (none for a row that is gone). */
static const char *const insert_sql[] = {
    [FTS_PLEDGES] = "INSERT INTO pledges_fts (rowid, description) SELECT id, description"
                    " FROM pledges WHERE id IN (SELECT value FROM json_each(?1))"
                    " AND description IS NOT NULL ORDER BY id",
    [FTS_ANNOUNCEMENTS] = "INSERT INTO announcements_fts (rowid, title, summary, sources)"
                          " SELECT a.id, a.title, coalesce(a.summary, ''),"
                          " (SELECT coalesce(group_concat(coalesce(s.title, '') || ' ' ||"
                          " coalesce(s.publisher, ''), ' '), '') FROM sources s"
                          " WHERE s.announcement_id = a.id)"
                          " FROM announcements a WHERE a.id IN (SELECT value FROM json_each(?1))"
                          " ORDER BY a.id",
};

static bool add_id(struct buf *b, int64_t id)
{
    return buf_printf(b, "%s%lld", b->len > 1 ? "," : "", (long long)id);
}

/* The marked rows of `table` (sorted, from v[*i] on) as JSON arrays: all
 * of them, and those that may have an entry to delete first. */
static bool collect(struct fts_marks *m, size_t *i, enum fts_table table, struct buf *all,
                    struct buf *stale)
{
    bool ok = buf_puts(all, "[") && buf_puts(stale, "[");
    while (ok && *i < m->n && m->v[*i].table == table) {
        struct fts_mark row = m->v[(*i)++];
        /* Fresh only when every mark of the row says so. */
        for (; *i < m->n && m->v[*i].table == table && m->v[*i].id == row.id; (*i)++)
            row.fresh = row.fresh && m->v[*i].fresh;
        ok = add_id(all, row.id) && (row.fresh || add_id(stale, row.id));
    }
    return ok && buf_puts(all, "]") && buf_puts(stale, "]");
}

enum store_status sq_fts_flush(struct db *db)
{
    struct fts_marks *m = db_fts_marks(db);
    if (!m->n)
        return STORE_OK;
    qsort(m->v, m->n, sizeof *m->v, by_row);
    enum store_status status = STORE_OK;
    struct buf all, stale;
    /* Each id takes at most 20 digits and a comma. */
    buf_init(&all, 21 * m->n + 3);
    buf_init(&stale, 21 * m->n + 3);
    for (size_t i = 0; i < m->n && status == STORE_OK;) {
        enum fts_table table = m->v[i].table;
        buf_reset(&all);
        buf_reset(&stale);
        if (!collect(m, &i, table, &all, &stale))
            status = STORE_ERROR;
        if (status == STORE_OK && stale.len > 2)
            status = run_ids(db, delete_sql[table], &stale);
        if (status == STORE_OK)
            status = run_ids(db, insert_sql[table], &all);
    }
    buf_free(&all);
    buf_free(&stale);
    m->n = 0;
    return status;
}

enum store_status sq_fts_compact(struct db *db)
{
    static const char *const optimize[] = {
        "INSERT INTO pledges_fts (pledges_fts) VALUES ('optimize')",
        "INSERT INTO announcements_fts (announcements_fts) VALUES ('optimize')",
    };
    enum store_status status = sq_fts_flush(db);
    for (size_t i = 0; i < sizeof optimize / sizeof *optimize && status == STORE_OK; i++) {
        sqlite3_stmt *st = db_prepare(db, optimize[i]);
        status = st ? sq_run(st) : STORE_ERROR;
    }
    return status;
}

enum store_status sq_fts_each_mark(struct db *db,
                                   bool (*fn)(void *ctx, enum fts_table table, int64_t id),
                                   void *ctx)
{
    const struct fts_marks *m = db_fts_marks(db);
    for (size_t i = 0; i < m->n; i++)
        if (!fn(ctx, m->v[i].table, m->v[i].id))
            return STORE_ERROR;
    return STORE_OK;
}

void sq_fts_forget(struct db *db)
{
    db_fts_marks(db)->n = 0;
}

void sq_fts_marks_free(struct fts_marks *m)
{
    free(m->v);
    *m = (struct fts_marks){0};
}
