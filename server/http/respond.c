/* respond — JSON and problem+json answers, and ETags (see respond.h).
 *
 * ETags are hashes of the representation rather than stored version numbers:
 * a company's representation also changes when computed fields (its pledge
 * totals) change, and a hash can never disagree with the body it names. */
#include "respond.h"

#include "sse.h"

#include "store.h"

#include "jsonx.h"
#include "log.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void response_free(struct response *rs)
{
    free(rs->body);
    rs->body = NULL;
    sse_discard(rs->stream);
    rs->stream = NULL;
    for (size_t i = 0; i < rs->n_headers; i++)
        free(rs->headers[i].value);
    rs->n_headers = 0;
}

static void set_body(struct response *rs, unsigned status, const char *type, char *body,
                     size_t len)
{
    free(rs->body);
    rs->status = status;
    rs->content_type = type;
    rs->body = body;
    rs->body_len = len;
}

void respond_bytes(struct response *rs, unsigned status, const char *content_type,
                   const char *body, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy) {
        set_body(rs, 500, NULL, NULL, 0);
        return;
    }
    memcpy(copy, body, len);
    copy[len] = '\0';
    set_body(rs, status, content_type, copy, len);
}

static void respond_doc(struct response *rs, unsigned status, const char *type, json_t *doc)
{
    size_t len = 0;
    char *text = doc ? jsonx_dump(doc, &len) : NULL;
    json_decref(doc);
    if (!text) {
        set_body(rs, 500, NULL, NULL, 0);
        return;
    }
    set_body(rs, status, type, text, len);
}

void respond_json(struct response *rs, unsigned status, json_t *doc)
{
    respond_doc(rs, status, "application/json", doc);
}

/* SipHash-2-4 with a 128-bit output, under a fixed key: every replica and
 * every restart names the same body with the same ETag. The key is not a
 * secret, so the hash does not stop someone from crafting two bodies
 * with one ETag; only a writer could put them in a record, and a writer
 * may change it anyway. Against accidents, 128 bits. For a pledge's
 * answer it runs 3,200 instructions against BLAKE2b's 4,500 (callgrind). */
static const unsigned char etag_key[crypto_shorthash_siphashx24_KEYBYTES] = "pledged ETag v2";

void etag_of(const char *body, size_t len, char out[ETAG_LEN])
{
    unsigned char h[crypto_shorthash_siphashx24_BYTES];
    crypto_shorthash_siphashx24(h, (const unsigned char *)body, len, etag_key);
    out[0] = '"';
    sodium_bin2hex(out + 1, 33, h, sizeof h);
    out[33] = '"';
    out[34] = '\0';
}

bool etag_listed(const char *header, const char *etag, bool weak)
{
    const char *p = header;
    size_t elen = strlen(etag);
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        if (*p == '*')
            return true;
        bool is_weak = false;
        if (p[0] == 'W' && p[1] == '/') {
            is_weak = true;
            p += 2;
        }
        size_t n = strcspn(p, ",");
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n == elen && memcmp(p, etag, n) == 0 && (weak || !is_weak))
            return true;
        p += strcspn(p, ",");
    }
    return false;
}

void respond_json_buf(struct response *rs, unsigned status, struct buf *b)
{
    size_t len = 0;
    char *text = buf_detach(b, &len);
    if (!text) {
        set_body(rs, 500, NULL, NULL, 0);
        return;
    }
    set_body(rs, status, "application/json", text, len);
}

void respond_json_get(const struct request *rq, struct response *rs, json_t *doc)
{
    respond_json(rs, 200, doc);
    respond_with_etag(rq, rs);
}

static void add_etag(struct response *rs, char etag[ETAG_LEN])
{
    etag_of(rs->body, rs->body_len, etag);
    if (rs->n_headers < RESPONSE_MAX_HEADERS) { /* as respond_header, without a format */
        char *value = malloc(ETAG_LEN);
        if (!value)
            return;
        memcpy(value, etag, ETAG_LEN);
        rs->headers[rs->n_headers++] = (struct header){"ETag", value};
    }
}

void respond_etag(struct response *rs)
{
    char etag[ETAG_LEN];
    if (rs->body)
        add_etag(rs, etag);
}

void respond_with_etag(const struct request *rq, struct response *rs)
{
    if (rs->status != 200 || !rs->body)
        return;
    char etag[ETAG_LEN];
    add_etag(rs, etag);
    if (rq->if_none_match && etag_listed(rq->if_none_match, etag, true))
        set_body(rs, 304, NULL, NULL, 0);
}

/* The problem document, with `members` (an object, stolen; NULL for none)
 * added after the standard ones. */
static void respond_problem_doc(struct response *rs, unsigned status, const char *type,
                                const char *title, const char *detail, json_t *members)
{
    char type_uri[64];
    snprintf(type_uri, sizeof type_uri, "/problems/%s", type);
    json_t *doc = json_pack("{s:s, s:s, s:i, s:s}", "type", type_uri, "title", title,
                            "status", (int)status, "detail", detail);
    if (doc && members)
        json_object_update(doc, members);
    json_decref(members);
    respond_doc(rs, status, "application/problem+json", doc);
}

void respond_problem(struct response *rs, unsigned status, const char *type,
                     const char *title, const char *detail_fmt, ...)
{
    char detail[1024];
    va_list ap;
    va_start(ap, detail_fmt);
    vsnprintf(detail, sizeof detail, detail_fmt, ap);
    va_end(ap);
    respond_problem_doc(rs, status, type, title, detail, NULL);
}

void respond_problem_with(struct response *rs, unsigned status, const char *type,
                          const char *title, json_t *members, const char *detail_fmt, ...)
{
    char detail[1024];
    va_list ap;
    va_start(ap, detail_fmt);
    vsnprintf(detail, sizeof detail, detail_fmt, ap);
    va_end(ap);
    respond_problem_doc(rs, status, type, title, detail, members);
}

void respond_invalid(struct response *rs, const char *title, json_t *errors)
{
    char detail[64];
    size_t n = json_array_size(errors);
    snprintf(detail, sizeof detail, "%zu field%s %s invalid", n, n == 1 ? "" : "s",
             n == 1 ? "is" : "are");
    respond_problem_doc(rs, 422, "validation", title, detail,
                        json_pack("{s:o}", "errors", errors));
}

/* 400 listing `errors` of one kind of request part: the detail names the
 * one bad part (lead + field + trail, then its message: "query parameter
 * 'limit' must be ...") or counts them ("3 query parameters are invalid"). */
static void respond_bad_parts(struct response *rs, json_t *errors, const char *type,
                              const char *title, const char *lead, const char *trail,
                              const char *plural)
{
    size_t n = json_array_size(errors);
    char detail[700];
    if (n == 1)
        snprintf(detail, sizeof detail, "%s%.100s%s %.500s", lead,
                 json_string_value(json_object_get(json_array_get(errors, 0), "field")), trail,
                 json_string_value(json_object_get(json_array_get(errors, 0), "message")));
    else
        snprintf(detail, sizeof detail, "%zu %s are invalid", n, plural);
    respond_problem_doc(rs, 400, type, title, detail, json_pack("{s:o}", "errors", errors));
}

void respond_bad_params(struct response *rs, json_t *errors)
{
    respond_bad_parts(rs, errors, "bad-parameter", "Invalid query parameter", "query parameter '",
                      "'", "query parameters");
}

void respond_bad_path(struct response *rs, json_t *errors)
{
    respond_bad_parts(rs, errors, "bad-path", "Invalid path", "the path's ", "",
                      "parts of the path");
}

void respond_bad_param(struct response *rs, const char *param, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *errors = json_array();
    jsonx_error_add(errors, param, "%s", msg);
    respond_bad_params(rs, errors);
}

void respond_busy(const struct request *rq, struct response *rs)
{
    respond_problem(rs, 503, "unavailable", "Database busy",
                    "the database is busy (another process holds its write lock) or cannot be "
                    "reached for the moment; retry shortly (request id %s)", rq->request_id);
    respond_header(rs, "Retry-After", "2");
}

void respond_internal(const struct request *rq, struct response *rs, const char *what)
{
    log_error(rq->request_id, what);
    if (store_take_busy()) {
        respond_busy(rq, rs);
        return;
    }
    respond_problem(rs, 500, "internal", "Internal error",
                    "the server failed to answer; quote request id %s when reporting it",
                    rq->request_id);
}

void respond_header(struct response *rs, const char *name, const char *fmt, ...)
{
    if (rs->n_headers >= RESPONSE_MAX_HEADERS)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *value = NULL;
    int n = vasprintf(&value, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    rs->headers[rs->n_headers].name = name;
    rs->headers[rs->n_headers].value = value;
    rs->n_headers++;
}

void respond_not_modified_if(const struct request *rq, struct response *rs)
{
    if (rs->status != 200 || !rq->if_none_match)
        return;
    for (size_t i = 0; i < rs->n_headers; i++) {
        if (strcmp(rs->headers[i].name, "ETag") == 0 &&
            etag_listed(rq->if_none_match, rs->headers[i].value, true)) {
            set_body(rs, 304, NULL, NULL, 0);
            return;
        }
    }
}
