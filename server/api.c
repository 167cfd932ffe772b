/* api — token, body and query-string checks shared by handlers (api.h). */
#include "api.h"

#include "auth.h"
#include "db.h"
#include "jsonx.h"
#include "respond.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool api_require_token(const struct request *rq, struct response *rs)
{
    struct db *db = db_reader();
    enum auth_result r = db ? auth_check(db, rq->authorization) : AUTH_ERROR;
    switch (r) {
    case AUTH_OK:
        return true;
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

json_t *api_json_body(const struct request *rq, struct response *rs, bool merge_patch)
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

bool api_query_check(const struct request *rq, struct response *rs,
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
