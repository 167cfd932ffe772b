/* page — sort parsing, cursors and keyset SQL (see page.h). */
#include "page.h"

#include "api.h"
#include "csv.h"
#include "db.h"
#include "respond.h"
#include "text.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const struct sort_field *field_named(const struct sort_field *fields, const char *name,
                                            size_t len)
{
    for (; fields->name; fields++)
        if (strlen(fields->name) == len && memcmp(fields->name, name, len) == 0)
            return fields;
    return NULL;
}

static bool parse_sort(const char *text, const struct sort_field *fields, struct page *out,
                       struct response *rs)
{
    const char *p = text;
    out->n_keys = 0;
    while (true) {
        size_t seg = strcspn(p, ","), len = seg;
        bool desc = false;
        const char *name = p;
        if (len > 0 && *name == '-') {
            desc = true;
            name++;
            len--;
        }
        const struct sort_field *f = len ? field_named(fields, name, len) : NULL;
        if (!f) {
            struct buf names;
            buf_init(&names, 1024);
            for (const struct sort_field *g = fields; g->name; g++)
                buf_printf(&names, "%s%s", g == fields ? "" : ", ", g->name);
            respond_bad_param(rs, "sort",
                              "must be a comma-separated list of %s, each optionally "
                              "preceded by '-' for descending order",
                              buf_str(&names));
            buf_free(&names);
            return false;
        }
        for (size_t i = 0; i < out->n_keys; i++) {
            if (out->keys[i] == f) {
                respond_bad_param(rs, "sort", "names '%s' twice", f->name);
                return false;
            }
        }
        if (out->n_keys == PAGE_MAX_KEYS) {
            respond_bad_param(rs, "sort", "may name at most %d fields", PAGE_MAX_KEYS);
            return false;
        }
        out->keys[out->n_keys] = f;
        out->desc[out->n_keys] = desc;
        out->n_keys++;
        if (p[seg] == '\0')
            break;
        p += seg + 1;
    }
    struct buf canon;
    buf_init(&canon, sizeof out->sort_text - 1);
    for (size_t i = 0; i < out->n_keys; i++)
        buf_printf(&canon, "%s%s%s", i ? "," : "", out->desc[i] ? "-" : "", out->keys[i]->name);
    snprintf(out->sort_text, sizeof out->sort_text, "%s", buf_str(&canon));
    buf_free(&canon);
    return true;
}

/* Decodes a cursor into out->after; false when it is not one of ours for
 * this sort. */
static bool parse_cursor(const char *text, struct page *out)
{
    size_t n = strlen(text);
    if (n == 0 || n > 4096)
        return false;
    unsigned char *raw = malloc(n);
    size_t raw_len = 0;
    if (!raw)
        return false;
    bool ok = sodium_base642bin(raw, n, text, n, NULL, &raw_len, NULL,
                                sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0;
    json_t *doc = ok ? json_loadb((const char *)raw, raw_len, JSON_REJECT_DUPLICATES, NULL)
                     : NULL;
    free(raw);
    if (!json_is_array(doc) || json_array_size(doc) != out->n_keys + 2)
        goto bad;
    if (!json_is_string(json_array_get(doc, 0)) ||
        strcmp(json_string_value(json_array_get(doc, 0)), out->sort_text) != 0)
        goto bad;
    for (size_t i = 0; i < out->n_keys; i++) {
        json_t *v = json_array_get(doc, i + 1);
        if (out->keys[i]->type == SORT_TEXT ? !json_is_string(v) : !json_is_integer(v))
            goto bad;
    }
    if (!json_is_integer(json_array_get(doc, out->n_keys + 1)))
        goto bad;
    json_array_remove(doc, 0);
    out->after = doc;
    return true;
bad:
    json_decref(doc);
    return false;
}

bool page_parse(const struct request *rq, struct response *rs,
                const struct sort_field *fields, const char *default_sort,
                const char *id_column, struct page *out)
{
    memset(out, 0, sizeof *out);
    out->id_column = id_column;
    out->limit = PAGE_DEFAULT_LIMIT;
    const char *v = api_query(rq, "sort");
    if (!parse_sort(v ? v : default_sort, fields, out, rs))
        return false;
    v = api_query(rq, "limit");
    if (v && !int_parse(v, 1, PAGE_MAX_LIMIT, &out->limit)) {
        respond_bad_param(rs, "limit", "must be an integer from 1 to %d", PAGE_MAX_LIMIT);
        return false;
    }
    v = api_query(rq, "count");
    if (v) {
        if (strcmp(v, "true") == 0) {
            out->count = true;
        } else if (strcmp(v, "false") != 0) {
            respond_bad_param(rs, "count", "must be true or false");
            return false;
        }
    }
    v = api_query(rq, "cursor");
    if (v && !parse_cursor(v, out)) {
        respond_bad_param(rs, "cursor",
                          "is not a cursor this list gave out for sort '%s'; start again "
                          "without it",
                          out->sort_text);
        return false;
    }
    return true;
}

void page_free(struct page *p)
{
    json_decref(p->after);
    p->after = NULL;
}

void page_select_keys(const struct page *p, struct buf *sql)
{
    for (size_t i = 0; i < p->n_keys; i++)
        buf_printf(sql, ", %s", p->keys[i]->column);
    buf_printf(sql, ", %s", p->id_column);
}

static const char *cmp_op(bool desc)
{
    return desc ? "<" : ">";
}

void page_where_after(const struct page *p, struct buf *sql)
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
            buf_printf(sql, "%s, ", p->keys[i]->column);
        buf_printf(sql, "%s) %s (", p->id_column, cmp_op(last_desc));
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
            buf_printf(sql, "%s = :k%zu AND ", p->keys[j]->column, j);
        if (i < p->n_keys)
            buf_printf(sql, "%s %s :k%zu)", p->keys[i]->column, cmp_op(p->desc[i]), i);
        else
            buf_printf(sql, "%s %s :kid)", p->id_column, cmp_op(last_desc));
    }
    buf_putc(sql, ')');
}

void page_order_limit(const struct page *p, struct buf *sql)
{
    buf_puts(sql, " ORDER BY ");
    for (size_t i = 0; i < p->n_keys; i++)
        buf_printf(sql, "%s %s, ", p->keys[i]->column, p->desc[i] ? "DESC" : "ASC");
    buf_printf(sql, "%s %s LIMIT :limit", p->id_column,
               p->desc[p->n_keys - 1] ? "DESC" : "ASC");
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

void page_bind(const struct page *p, sqlite3_stmt *st)
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

char *page_cursor_at(const struct page *p, sqlite3_stmt *st, int first_key_col)
{
    json_t *doc = json_array();
    json_array_append_new(doc, json_string(p->sort_text));
    for (size_t i = 0; i <= p->n_keys; i++) {
        int col = first_key_col + (int)i;
        if (i < p->n_keys && p->keys[i]->type == SORT_TEXT)
            json_array_append_new(doc, json_string((const char *)sqlite3_column_text(st, col)));
        else
            json_array_append_new(doc, json_integer(sqlite3_column_int64(st, col)));
    }
    char *raw = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (!raw)
        return NULL;
    size_t raw_len = strlen(raw);
    size_t out_len = sodium_base64_ENCODED_LEN(raw_len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = malloc(out_len);
    if (out)
        sodium_bin2base64(out, out_len, (const unsigned char *)raw, raw_len,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    free(raw);
    return out;
}

static void add_link(const struct request *rq, struct response *rs, const char *next_cursor);

void page_respond(const struct request *rq, struct response *rs, json_t *data,
                  const char *next_cursor, int64_t total)
{
    json_t *doc = json_object();
    json_object_set_new(doc, "data", data);
    json_object_set_new(doc, "next_cursor", next_cursor ? json_string(next_cursor) : json_null());
    if (total >= 0)
        json_object_set_new(doc, "total", json_integer(total));
    respond_json_get(rq, rs, doc);
    add_link(rq, rs, next_cursor);
}

void page_respond_csv(const struct request *rq, struct response *rs, json_t *data,
                      const char *const columns[], const char *next_cursor, int64_t total)
{
    respond_csv(rs, columns, data);
    json_decref(data);
    respond_with_etag(rq, rs);
    if (total >= 0)
        respond_header(rs, "X-Total-Count", "%lld", (long long)total);
    add_link(rq, rs, next_cursor);
}

static void add_link(const struct request *rq, struct response *rs, const char *next_cursor)
{
    if (!next_cursor || rs->status != 200)
        return;
    struct buf link;
    buf_init(&link, 16384);
    buf_printf(&link, "<%s?", rq->path);
    for (size_t i = 0; i < rq->n_query; i++) {
        if (strcmp(rq->query[i].key, "cursor") == 0)
            continue;
        url_encode_append(&link, rq->query[i].key);
        buf_putc(&link, '=');
        url_encode_append(&link, rq->query[i].value);
        buf_putc(&link, '&');
    }
    buf_printf(&link, "cursor=%s>; rel=\"next\"", next_cursor);
    respond_header(rs, "Link", "%s", buf_str(&link));
    buf_free(&link);
}

bool page_run(struct db *db, const struct page *pg, const char *sql, const char *count_sql,
              page_bind_fn *bind, const void *ctx, page_row_fn *row, int key_col, json_t *data,
              char **next, int64_t *total)
{
    *next = NULL;
    *total = -1;
    sqlite3_stmt *st = db ? db_prepare(db, sql) : NULL;
    if (!st)
        return false;
    bind(ctx, st);
    page_bind(pg, st);
    char *last = NULL;
    int64_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == pg->limit) {
            *next = last; /* a row follows the page: its last row's cursor */
            last = NULL;
            break;
        }
        json_t *item = row(db, st);
        if (!item) {
            rc = SQLITE_ERROR;
            break;
        }
        json_array_append_new(data, item);
        if (++n == pg->limit)
            last = page_cursor_at(pg, st, key_col);
    }
    db_done(st);
    free(last);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return false;
    if (!pg->count)
        return true;
    st = db_prepare(db, count_sql);
    if (!st)
        return false;
    bind(ctx, st);
    if (sqlite3_step(st) == SQLITE_ROW)
        *total = sqlite3_column_int64(st, 0);
    db_done(st);
    return *total >= 0;
}

void page_answer(const struct request *rq, struct response *rs, bool ok, bool csv, json_t *data,
                 const char *const columns[], char *next, int64_t total, const char *what)
{
    if (!ok) {
        respond_internal(rq, rs, what);
        json_decref(data);
    } else if (csv) {
        page_respond_csv(rq, rs, data, columns, next, total);
    } else {
        page_respond(rq, rs, data, next, total);
    }
    free(next);
}
