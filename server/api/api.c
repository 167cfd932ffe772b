/* api — token, body and query-string checks shared by handlers (api.h). */
#include "api.h"

#include "app.h"
#include "auth.h"
#include "jsonx.h"
#include "log.h"
#include "ratelimit.h"
#include "respond.h"
#include "store.h"
#include "text.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The per-token rate limit (--token-rate-limit), charged only once a token
 * is verified, so nobody can drain another's bucket with a token that only
 * looks like it. A failed authentication is charged to the client's
 * address instead, at the same rate, so guessing is throttled too. False
 * after answering 429. */
static bool token_rate_allowed(const struct request *rq, struct response *rs, bool verified)
{
    unsigned rate = g_app.cfg.token_rate, retry = 0;
    if (!rate)
        return true;
    char key[64];
    bool ok;
    if (verified && auth_key_id(rq->authorization, key)) {
        ok = ratelimit_take(RL_TOKEN, key, rate, &retry);
    } else {
        snprintf(key, sizeof key, "auth-failed %s", rq->client_ip ? rq->client_ip : "?");
        ok = ratelimit_take(RL_IP, key, rate, &retry);
    }
    if (!ok) {
        respond_problem(rs, 429, "rate-limited", "Too many requests",
                        "slow down: retry in %u second%s", retry, retry == 1 ? "" : "s");
        respond_header(rs, "Retry-After", "%u", retry);
    }
    return ok;
}

/* name: the token's name, when given and the token is valid. */
static bool require(const struct request *rq, struct response *rs, bool write,
                    char name[STORE_TOKEN_NAME_MAX + 1])
{
    struct db *db = store_reader();
    enum auth_result r = db ? auth_check(db, rq->authorization, name) : AUTH_ERROR;
    if ((r == AUTH_OK || r == AUTH_READ_ONLY || r == AUTH_INVALID) &&
        !token_rate_allowed(rq, rs, r != AUTH_INVALID))
        return false;
    switch (r) {
    case AUTH_OK:
        return true;
    case AUTH_READ_ONLY:
        if (!write)
            return true;
        respond_problem(rs, 403, "forbidden", "Forbidden",
                        "this token is read-only; writes need a read-write token");
        return false;
    case AUTH_MISSING:
        respond_problem(rs, 401, "unauthorized", "Authentication required",
                        "this request needs an 'Authorization: Bearer <token>' header; "
                        "create a token with 'pledged token add NAME'");
        respond_header(rs, "WWW-Authenticate", "Bearer realm=\"pledged\"");
        return false;
    case AUTH_INVALID:
        respond_problem(rs, 401, "unauthorized", "Authentication required",
                        "the bearer token is not valid");
        respond_header(rs, "WWW-Authenticate",
                       "Bearer realm=\"pledged\", error=\"invalid_token\"");
        return false;
    case AUTH_ERROR:
        break;
    }
    respond_internal(rq, rs, "token check failed");
    return false;
}

/* For writes: 401 with WWW-Authenticate unless the request carries a valid
 * token, 403 when it is read-only; name gets the token's name. */
static bool api_require_token(const struct request *rq, struct response *rs,
                              char name[STORE_TOKEN_NAME_MAX + 1])
{
    return require(rq, rs, true, name);
}

bool api_require_reader(const struct request *rq, struct response *rs)
{
    return require(rq, rs, false, NULL);
}

/* Whether a Content-Type value names media type `want` (parameters such as
 * "; charset=utf-8" allowed after it). */
static bool media_type_is(const char *value, const char *want)
{
    size_t n = strlen(want);
    while (*value == ' ')
        value++;
    if (strncasecmp(value, want, n) != 0)
        return false;
    char next = value[n];
    return next == '\0' || next == ';' || next == ' ';
}

/* The body as a JSON object (new reference). 415 unless the content type is
 * application/json (or application/merge-patch+json when merge_patch), 400
 * for malformed JSON, duplicate keys or a non-object. */
static json_t *api_json_body(const struct request *rq, struct response *rs, bool merge_patch)
{
    const char *ct = rq->content_type;
    bool ok = ct && (media_type_is(ct, "application/json") ||
                     (merge_patch && media_type_is(ct, "application/merge-patch+json")));
    if (!ok) {
        respond_problem(rs, 415, "unsupported-media-type", "Unsupported media type",
                        "the body must be sent with 'Content-Type: application/json'%s",
                        merge_patch ? " or 'application/merge-patch+json'" : "");
        return NULL;
    }
    char err[256];
    json_t *body = jsonx_parse_object(rq->body, rq->body_len, err, sizeof err);
    if (!body)
        respond_problem(rs, 400, "malformed", "Malformed request body", "%s", err);
    return body;
}

const char *api_query(const struct request *rq, const char *name)
{
    for (size_t i = 0; i < rq->n_query; i++)
        if (strcmp(rq->query[i].key, name) == 0)
            return rq->query[i].value;
    return NULL;
}

/* 400 naming the first query parameter that is not in `allowed` (a NULL
 * terminated list) or that is given twice. */
static bool api_query_check(const struct request *rq, struct response *rs,
                            const char *const allowed[])
{
    for (size_t i = 0; i < rq->n_query; i++) {
        const char *key = rq->query[i].key;
        bool known = false;
        for (size_t a = 0; allowed[a] && !known; a++)
            known = strcmp(key, allowed[a]) == 0;
        if (!known) {
            respond_bad_param(rs, key, "is not a parameter of this endpoint");
            return false;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(rq->query[j].key, key) == 0) {
                respond_bad_param(rs, key, "is given more than once");
                return false;
            }
        }
    }
    return true;
}

bool api_check_if_match(const struct request *rq, struct response *rs, const json_t *current)
{
    if (!rq->if_match)
        return true;
    size_t len = 0;
    char *text = jsonx_dump(current, &len);
    if (!text) {
        respond_internal(rq, rs, "out of memory");
        return false;
    }
    char etag[ETAG_LEN];
    etag_of(text, len, etag);
    free(text);
    if (etag_listed(rq->if_match, etag, false))
        return true;
    respond_problem(rs, 412, "precondition-failed", "Precondition failed",
                    "If-Match does not name the current version (%s); fetch the resource again",
                    etag);
    return false;
}

static bool key_ok(const char *key)
{
    size_t n = strlen(key);
    if (n == 0 || n > 255)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)key[i] < 0x21 || (unsigned char)key[i] > 0x7E)
            return false;
    return true;
}

static void body_hash(const struct request *rq, unsigned char out[crypto_hash_sha256_BYTES])
{
    crypto_hash_sha256(out, (const unsigned char *)rq->body, rq->body_len);
}

/* Idempotency-Key on POST, inside the write's transaction (a store_write
 * body). STORE_OK: go ahead (no key, or one not used yet). STORE_ABORTED:
 * rs is answered (the first answer replayed with "Idempotent-Replayed:
 * true" for the same body, 422 for another body, 400 for a malformed key)
 * and the transaction is to be rolled back. Anything else: the look-up
 * failed. */
static enum store_status api_idempotent_replay(const struct request *rq, struct response *rs,
                                               struct db *db)
{
    if (!rq->idempotency_key)
        return STORE_OK;
    if (!key_ok(rq->idempotency_key)) {
        respond_problem(rs, 400, "bad-header", "Invalid Idempotency-Key",
                        "Idempotency-Key must be 1 to 255 printable ASCII characters");
        return STORE_ABORTED;
    }
    /* A key belongs to the token that used it: another token's same key is
     * another request. Write handlers verify the token before this. */
    char token[AUTH_KEY_ID_TEXT] = "";
    auth_key_id(rq->authorization, token);
    struct store_idem kept;
    enum store_status s = store_idem_find(db, token, rq->idempotency_key, rq->path, &kept);
    if (s == STORE_NOT_FOUND)
        return STORE_OK;
    if (s != STORE_OK)
        return s;
    unsigned char hash[crypto_hash_sha256_BYTES];
    body_hash(rq, hash);
    if (memcmp(kept.body_hash, hash, sizeof hash) != 0) {
        respond_problem(rs, 422, "idempotency-key-reused", "Idempotency-Key reused",
                        "this Idempotency-Key was used with a different request body; "
                        "use a new key for a new request");
    } else {
        respond_bytes(rs, kept.status, "application/json", kept.response, kept.response_len);
        respond_etag(rs);
        if (kept.location)
            respond_header(rs, "Location", "%s", kept.location);
        respond_header(rs, "Idempotent-Replayed", "true");
    }
    store_idem_free(&kept);
    return STORE_ABORTED;
}

/* Records a successful answer under the request's key (STORE_OK without
 * one), in the same transaction as the write it answers. */
static enum store_status api_idempotent_store(const struct request *rq,
                                              const struct response *rs, struct db *db)
{
    if (!rq->idempotency_key || rs->status < 200 || rs->status >= 300)
        return STORE_OK;
    struct store_idem idem = {.key = rq->idempotency_key, .path = rq->path,
                              .status = rs->status, .response = rs->body,
                              .response_len = rs->body ? rs->body_len : 0};
    for (size_t i = 0; i < rs->n_headers; i++)
        if (strcmp(rs->headers[i].name, "Location") == 0)
            idem.location = rs->headers[i].value;
    body_hash(rq, idem.body_hash);
    auth_key_id(rq->authorization, idem.token);
    char now[21];
    store_now(now);
    return store_idem_put(db, &idem, now);
}

/* api_delete_by_id's transaction. */
struct delete_tx {
    const struct request *rq;
    struct response *rs;
    int64_t id;
    store_load_fn *load;
    store_delete_fn *del;
    api_not_found_fn *not_found;
};

static enum store_status delete_body(struct db *db, void *ctx)
{
    struct delete_tx *t = ctx;
    json_t *current = NULL;
    enum store_status st = t->load(db, t->id, &current);
    if (st == STORE_NOT_FOUND)
        t->not_found(db, t->rs, t->rq->params[0]);
    else if (st == STORE_OK && !api_check_if_match(t->rq, t->rs, current))
        st = STORE_ABORTED;
    else if (st == STORE_OK)
        st = t->del(db, t->id);
    if (st == STORE_OK)
        t->rs->status = 204;
    json_decref(current);
    return st;
}

void api_delete_by_id(const struct request *rq, struct response *rs, store_load_fn *load,
                      store_delete_fn *del, api_not_found_fn *not_found,
                      const char *what)
{
    struct delete_tx t = {rq, rs, 0, load, del, not_found};
    if (!int_parse(rq->params[0], 1, INT64_MAX, &t.id)) {
        not_found(NULL, rs, rq->params[0]);
        return;
    }
    api_write(rq, rs, delete_body, &t, what);
}

/* After store_write: when st is store_failed, replaces whatever the body
 * answered with 500 (503 when the database was busy), logging `what`. */
static void api_answer_failure(const struct request *rq, struct response *rs,
                               enum store_status st, const char *what)
{
    if (!store_failed(st))
        return;
    response_free(rs);
    if (st == STORE_BUSY) { /* met on the writer's thread: this one has no flag */
        log_error(rq->request_id, what);
        respond_busy(rq, rs);
        return;
    }
    respond_internal(rq, rs, what);
}

bool api_prepare(const struct route *route, const struct request *rq, struct response *rs,
                 struct api_call *call)
{
    static const char *const none[] = {NULL};
    call->route = route;
    call->checked = *rq;
    call->actor[0] = '\0';
    if (route->auth == ROUTE_WRITER && !api_require_token(rq, rs, call->actor))
        return false;
    if (route->auth == ROUTE_TOKEN && !api_require_reader(rq, rs))
        return false;
    if (!route->any_query && !api_query_check(rq, rs, route->query ? route->query : none))
        return false;
    if (route->body != ROUTE_NO_BODY &&
        !(call->checked.json = api_json_body(rq, rs, route->body == ROUTE_MERGE_PATCH)))
        return false;
    call->checked.idempotent = route->idempotent;
    return true;
}

void api_call_run(struct api_call *call, struct response *rs)
{
    call->checked.actor = call->actor; /* here: the call may have been copied */
    call->route->handler(&call->checked, rs);
    json_decref(call->checked.json);
    call->checked.json = NULL;
}

void api_run(const struct route *route, const struct request *rq, struct response *rs)
{
    struct api_call call;
    if (api_prepare(route, rq, rs, &call))
        api_call_run(&call, rs);
}

/* api_write's transaction: the body, between the Idempotency-Key's replay
 * and its record. */
struct write_tx {
    const struct request *rq;
    struct response *rs;
    store_tx_fn *body;
    void *ctx;
};

static enum store_status write_body(struct db *db, void *ctx)
{
    struct write_tx *t = ctx;
    store_actor_set(db, t->rq->actor && *t->rq->actor ? t->rq->actor : NULL, t->rq->request_id);
    enum store_status st = t->rq->idempotent ? api_idempotent_replay(t->rq, t->rs, db) : STORE_OK;
    if (st == STORE_OK)
        st = t->body(db, t->ctx);
    if (st == STORE_OK && t->rq->idempotent)
        st = api_idempotent_store(t->rq, t->rs, db);
    store_actor_set(db, NULL, NULL); /* borrowed from this request only */
    return st;
}

void api_write(const struct request *rq, struct response *rs, store_tx_fn *body, void *ctx,
               const char *what)
{
    struct write_tx t = {rq, rs, body, ctx};
    api_answer_failure(rq, rs, store_write(write_body, &t), what);
}

/* api_patch_by_id's transaction. */
struct patch_tx {
    const struct request *rq;
    struct response *rs;
    const struct api_patch *p;
    int64_t id;
};

static enum store_status patch_body(struct db *db, void *ctx)
{
    struct patch_tx *t = ctx;
    json_t *current = NULL;
    enum store_status st = t->p->load(db, t->id, &current);
    if (st == STORE_NOT_FOUND)
        t->p->not_found(db, t->rs, t->rq->params[0]);
    if (st != STORE_OK)
        return st;
    if (!api_check_if_match(t->rq, t->rs, current)) {
        json_decref(current);
        return STORE_ABORTED;
    }
    json_t *input = t->p->as_input(current);
    json_decref(current);
    json_t *merged = jsonx_merge_patch(input, t->rq->json);
    json_decref(input);
    st = merged ? t->p->save(db, t->rq, t->rs, t->id, merged) : STORE_ERROR;
    json_decref(merged);
    return st;
}

void api_patch_by_id(const struct request *rq, struct response *rs, const struct api_patch *p)
{
    struct patch_tx t = {rq, rs, p, 0};
    if (!int_parse(rq->params[0], 1, INT64_MAX, &t.id))
        p->not_found(NULL, rs, rq->params[0]);
    else
        api_write(rq, rs, patch_body, &t, p->what);
}

/* api_create's transaction. */
struct create_tx {
    const struct request *rq;
    struct response *rs;
    api_save_fn *save;
};

static enum store_status create_body(struct db *db, void *ctx)
{
    struct create_tx *t = ctx;
    return t->save(db, t->rq, t->rs, 0, t->rq->json);
}

void api_create(const struct request *rq, struct response *rs, api_save_fn *save,
                const char *what)
{
    struct create_tx t = {rq, rs, save};
    api_write(rq, rs, create_body, &t, what);
}

void api_answer_record(const struct request *rq, struct response *rs, render_fn *render,
                       const void *record, size_t hint, const char *what)
{
    struct buf b;
    buf_init(&b, RENDER_MAX);
    buf_reserve(&b, hint);
    if (render(&b, record)) {
        respond_json_buf(rs, 200, &b);
        respond_with_etag(rq, rs);
    } else
        respond_internal(rq, rs, what);
    buf_free(&b);
}
