/* page — sort parsing, cursors and page answers (see page.h). */
#include "page.h"

#include "api.h"
#include "buf.h"
#include "csv.h"
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
                const struct sort_field *fields, const char *default_sort, struct page *out)
{
    memset(out, 0, sizeof *out);
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

/* The cursor (malloc'd) that resumes the page after `after` (the store's
 * page_end.next_after); NULL when after is NULL or out of memory. */
static char *page_cursor(const struct page *p, const json_t *after)
{
    if (!after)
        return NULL;
    json_t *doc = json_array();
    json_array_append_new(doc, json_string(p->sort_text));
    json_array_extend(doc, (json_t *)after);
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

/* Answers {"data": data, "next_cursor": next|null[, "total": total]} with a
 * Link rel="next" header when there is a next page. Steals data; total < 0
 * leaves it out. */
static void page_respond(const struct request *rq, struct response *rs, json_t *data,
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

/* The same page as CSV with the given columns (see csv.h): the Link header
 * is kept, and total, when asked for, goes in an X-Total-Count header.
 * Steals data. */
static void page_respond_csv(const struct request *rq, struct response *rs, json_t *data,
                             const char *const columns[], const char *next_cursor,
                             int64_t total)
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

void page_answer(const struct request *rq, struct response *rs, enum store_status st,
                 const struct page *pg, bool csv, json_t *data, const char *const columns[],
                 struct page_end *end, const char *what)
{
    char *next = page_cursor(pg, end->next_after);
    bool lost = end->next_after && !next; /* out of memory */
    json_decref(end->next_after);
    end->next_after = NULL;
    if (st != STORE_OK || lost) {
        respond_internal(rq, rs, what);
        json_decref(data);
    } else if (csv) {
        page_respond_csv(rq, rs, data, columns, next, end->total);
    } else {
        page_respond(rq, rs, data, next, end->total);
    }
    free(next);
}
