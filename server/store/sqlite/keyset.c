/* keyset — SQL of keyset pages (see keyset.h). */
#include "keyset.h"

#include <stdio.h>
#include <string.h>

static const char *column_of(const struct sq_columns *c, const struct sort_field *f)
{
    for (const struct sq_sort_column *s = c->sorts; s->name; s++)
        if (strcmp(s->name, f->name) == 0)
            return s->column;
    return "NULL"; /* a sort table and its columns disagree: a programming error */
}

void sq_page_select_keys(const struct page *p, const struct sq_columns *c, struct buf *sql)
{
    for (size_t i = 0; i < p->n_keys; i++)
        buf_printf(sql, ", %s", column_of(c, p->keys[i]));
    buf_printf(sql, ", %s", c->id);
}

static const char *cmp_op(bool desc)
{
    return desc ? "<" : ">";
}

void sq_page_where_after(const struct page *p, const struct sq_columns *c, struct buf *sql)
{
    if (!p->after)
        return;
    bool uniform = true;
    for (size_t i = 1; i < p->n_keys; i++)
        uniform = uniform && p->desc[i] == p->desc[0];
    bool last_desc = p->desc[p->n_keys - 1];
    if (uniform) {
        /* A row-value comparison, which SQLite turns into one index seek. */
        buf_puts(sql, " AND (");
        for (size_t i = 0; i < p->n_keys; i++)
            buf_printf(sql, "%s, ", column_of(c, p->keys[i]));
        buf_printf(sql, "%s) %s (", c->id, cmp_op(last_desc));
        for (size_t i = 0; i < p->n_keys; i++)
            buf_printf(sql, ":k%zu, ", i);
        buf_puts(sql, ":kid)");
        return;
    }
    /* Mixed directions: (k0 > a) OR (k0 = a AND k1 < b) OR ... */
    buf_puts(sql, " AND (");
    for (size_t i = 0; i <= p->n_keys; i++) {
        buf_puts(sql, i ? " OR (" : "(");
        for (size_t j = 0; j < i; j++)
            buf_printf(sql, "%s = :k%zu AND ", column_of(c, p->keys[j]), j);
        if (i < p->n_keys)
            buf_printf(sql, "%s %s :k%zu)", column_of(c, p->keys[i]), cmp_op(p->desc[i]), i);
        else
            buf_printf(sql, "%s %s :kid)", c->id, cmp_op(last_desc));
    }
    buf_putc(sql, ')');
}

void sq_page_order_limit(const struct page *p, const struct sq_columns *c, struct buf *sql)
{
    buf_puts(sql, " ORDER BY ");
    for (size_t i = 0; i < p->n_keys; i++)
        buf_printf(sql, "%s %s, ", column_of(c, p->keys[i]), p->desc[i] ? "DESC" : "ASC");
    buf_printf(sql, "%s %s LIMIT :limit", c->id, p->desc[p->n_keys - 1] ? "DESC" : "ASC");
}

static void bind_json(sqlite3_stmt *st, const char *name, json_t *v)
{
    int idx = sqlite3_bind_parameter_index(st, name);
    if (!idx)
        return;
    if (json_is_integer(v))
        sqlite3_bind_int64(st, idx, json_integer_value(v));
    else
        sqlite3_bind_text(st, idx, json_string_value(v), -1, SQLITE_TRANSIENT);
}

static void page_bind(const struct page *p, sqlite3_stmt *st)
{
    if (p->after) {
        char name[32];
        for (unsigned i = 0; i < p->n_keys; i++) {
            snprintf(name, sizeof name, ":k%u", i);
            bind_json(st, name, json_array_get(p->after, i));
        }
        bind_json(st, ":kid", json_array_get(p->after, p->n_keys));
    }
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":limit"), p->limit + 1);
}

/* The key values of the row st is on (keys from column first_key_col). */
static json_t *position_at(const struct page *p, sqlite3_stmt *st, int first_key_col)
{
    json_t *doc = json_array();
    for (size_t i = 0; i <= p->n_keys; i++) {
        int col = first_key_col + (int)i;
        if (i < p->n_keys && p->keys[i]->type == SORT_TEXT)
            json_array_append_new(doc, json_string((const char *)sqlite3_column_text(st, col)));
        else
            json_array_append_new(doc, json_integer(sqlite3_column_int64(st, col)));
    }
    return doc;
}

enum store_status sq_page_run(struct db *db, const struct page *pg, const char *sql,
                              const char *count_sql, sq_bind_fn *bind, const void *bctx,
                              sq_row_fn *row, void *rctx, int key_col, struct page_end *end)
{
    end->next_after = NULL;
    end->total = -1;
    sqlite3_stmt *st = db ? db_prepare(db, sql) : NULL;
    if (!st)
        return STORE_ERROR;
    bind(bctx, st);
    page_bind(pg, st);
    json_t *last = NULL;
    int64_t n = 0;
    int rc;
    enum store_status status = STORE_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == pg->limit) {
            end->next_after = last; /* a row follows the page: resume after its last */
            last = NULL;
            break;
        }
        status = row(rctx, db, st);
        if (status != STORE_OK)
            break;
        if (++n == pg->limit)
            last = position_at(pg, st, key_col);
    }
    db_done(st);
    json_decref(last);
    if (status == STORE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        status = sq_status(rc);
    if (status != STORE_OK || !pg->count)
        goto out;
    st = db_prepare(db, count_sql);
    if (!st) {
        status = STORE_ERROR;
        goto out;
    }
    bind(bctx, st);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        end->total = sqlite3_column_int64(st, 0);
    else
        status = sq_status(rc);
    db_done(st);
out:
    if (status != STORE_OK) {
        json_decref(end->next_after);
        end->next_after = NULL;
    }
    return status;
}
