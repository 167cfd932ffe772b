/* pg_keyset — keyset pages on PostgreSQL (see pg_keyset.h). */
#include "pg_keyset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct pg_sort_column *column_of(const struct pg_columns *c,
                                              const struct sort_field *f)
{
    for (const struct pg_sort_column *s = c->sorts; s->name; s++)
        if (strcmp(s->name, f->name) == 0)
            return s;
    return NULL; /* a sort table and its columns disagree: a programming error */
}

/* The cursor's value i as a parameter, with its cast; "NULL" when absent. */
static void cursor_param(struct buf *sql, struct pg_params *pp, const struct page *pg, size_t i,
                         const char *cast)
{
    json_t *v = json_array_get(pg->after, i);
    int n = json_is_integer(v) ? pg_param_int(pp, json_integer_value(v))
                               : pg_param(pp, json_string_value(v));
    buf_printf(sql, "$%d%s", n, cast);
}

static void where_after(const struct page *pg, const struct pg_columns *c, struct pg_params *pp,
                        struct buf *sql)
{
    bool last_desc = pg->desc[pg->n_keys - 1];
    /* (k0 > a) OR (k0 = a AND k1 < b) OR ... OR (all equal AND id > i) */
    buf_puts(sql, " AND (");
    for (size_t i = 0; i <= pg->n_keys; i++) {
        buf_puts(sql, i ? " OR (" : "(");
        for (size_t j = 0; j < i; j++) {
            const struct pg_sort_column *k = column_of(c, pg->keys[j]);
            buf_printf(sql, "%s = ", k->expr);
            cursor_param(sql, pp, pg, j, k->cast);
            buf_puts(sql, " AND ");
        }
        if (i < pg->n_keys) {
            const struct pg_sort_column *k = column_of(c, pg->keys[i]);
            buf_printf(sql, "%s %s ", k->expr, pg->desc[i] ? "<" : ">");
            cursor_param(sql, pp, pg, i, k->cast);
        } else {
            buf_printf(sql, "%s %s ", c->id, last_desc ? "<" : ">");
            cursor_param(sql, pp, pg, pg->n_keys, "::bigint");
        }
        buf_putc(sql, ')');
    }
    buf_putc(sql, ')');
}

/* The key values of row `row` (keys from column first). */
static json_t *position_at(const struct page *pg, const PGresult *r, int row, int first)
{
    json_t *doc = json_array();
    for (size_t i = 0; i <= pg->n_keys; i++) {
        const char *v = PQgetvalue(r, row, first + (int)i);
        if (i < pg->n_keys && pg->keys[i]->type == SORT_TEXT)
            json_array_append_new(doc, json_string(v));
        else
            json_array_append_new(doc, json_integer(strtoll(v, NULL, 10)));
    }
    return doc;
}

enum store_status pg_page_run(struct db *db, const struct page *pg, const struct pg_columns *c,
                              const char *select, const char *from_where, const char *count_sql,
                              struct pg_params *pp, pg_row_fn *row, void *rctx, int key_col,
                              struct page_end *end)
{
    end->next_after = NULL;
    end->total = -1;
    int shared = pp->n; /* the list's own parameters, which the count uses too */
    struct buf sql;
    buf_init(&sql, 16384);
    buf_puts(&sql, select);
    for (size_t i = 0; i < pg->n_keys; i++)
        buf_printf(&sql, ", %s", column_of(c, pg->keys[i])->key);
    buf_printf(&sql, ", %s %s", c->id, from_where);
    if (pg->after)
        where_after(pg, c, pp, &sql);
    buf_puts(&sql, " ORDER BY ");
    for (size_t i = 0; i < pg->n_keys; i++)
        buf_printf(&sql, "%s %s, ", column_of(c, pg->keys[i])->expr, pg->desc[i] ? "DESC" : "ASC");
    buf_printf(&sql, "%s %s LIMIT $%d", c->id, pg->desc[pg->n_keys - 1] ? "DESC" : "ASC",
               pg_param_int(pp, pg->limit + 1));
    enum store_status st;
    PGresult *r = pg_run(pg_of(db), buf_str(&sql), pp->n, pp->v, &st, NULL);
    buf_free(&sql);
    int rows = r ? PQntuples(r) : 0;
    for (int i = 0; st == STORE_OK && i < rows && i < pg->limit; i++)
        st = row(rctx, db, r, i);
    if (st == STORE_OK && rows > pg->limit)
        end->next_after = position_at(pg, r, (int)pg->limit - 1, key_col);
    PQclear(r);
    if (st == STORE_OK && pg->count) {
        r = pg_run(pg_of(db), count_sql, shared, pp->v, &st, NULL);
        if (r)
            end->total = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
    }
    if (st != STORE_OK) {
        json_decref(end->next_after);
        end->next_after = NULL;
    }
    return st;
}
