/* fetch — libcurl GET with limits and validators (see fetch.h). */
#include "fetch.h"

#include "app.h"
#include "buf.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void fetch_global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct sink {
    struct buf body;
    bool too_large;
    struct fetch_result *out;
};

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
    struct sink *s = ctx;
    if (!buf_append(&s->body, data, size * n)) {
        s->too_large = true;
        return 0; /* libcurl stops the transfer at once */
    }
    return size * n;
}

/* Keeps ETag and Last-Modified of the final answer (each redirect's
 * headers come too; a later one overwrites). */
static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
    struct fetch_result *out = ctx;
    size_t len = size * n;
    char line[512];
    if (len >= sizeof line)
        return len;
    memcpy(line, data, len);
    line[len] = '\0';
    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
        line[--len] = '\0';
    if (strncmp(line, "HTTP/", 5) == 0) { /* a new answer: forget the last one's */
        out->etag[0] = out->last_modified[0] = '\0';
        return size * n;
    }
    char *colon = strchr(line, ':');
    if (!colon)
        return size * n;
    *colon = '\0';
    char *value = colon + 1;
    while (*value == ' ')
        value++;
    if (strcasecmp(line, "ETag") == 0)
        snprintf(out->etag, sizeof out->etag, "%s", value);
    else if (strcasecmp(line, "Last-Modified") == 0)
        snprintf(out->last_modified, sizeof out->last_modified, "%s", value);
    return size * n;
}

static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    const atomic_bool *cancel = ctx;
    return cancel && atomic_load(cancel) ? 1 : 0; /* non-zero aborts the transfer */
}

bool fetch_get(const struct fetch_request *rq, struct fetch_result *out)
{
    memset(out, 0, sizeof *out);
    size_t cap = rq->max_bytes ? rq->max_bytes : FETCH_MAX_BYTES;
    struct sink sink = {.out = out};
    buf_init(&sink.body, cap);
    CURL *c = curl_easy_init();
    struct curl_slist *headers = NULL;
    char line[400];
    if (!c) {
        snprintf(out->error, sizeof out->error, "libcurl failed to start");
        buf_free(&sink.body);
        return false;
    }
    if (rq->etag && *rq->etag) {
        snprintf(line, sizeof line, "If-None-Match: %s", rq->etag);
        headers = curl_slist_append(headers, line);
    }
    if (rq->last_modified && *rq->last_modified) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", rq->last_modified);
        headers = curl_slist_append(headers, line);
    }
    curl_easy_setopt(c, CURLOPT_URL, rq->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "pledged/" PLEDGED_VERSION " (exchange-rate update)");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)FETCH_MAX_REDIRECTS);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, rq->connect_timeout_s ? rq->connect_timeout_s : 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, rq->total_timeout_s ? rq->total_timeout_s : 120L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  /* timeouts without SIGALRM: threads */
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cap);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)rq->cancel);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    char curl_err[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    bool ok = false;
    if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED)
        snprintf(out->error, sizeof out->error, "the file is larger than the limit of %zu bytes", cap);
    else if (rc == CURLE_ABORTED_BY_CALLBACK)
        snprintf(out->error, sizeof out->error, "stopped: the server is shutting down");
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        snprintf(out->error, sizeof out->error, "timed out (%s)", curl_err[0] ? curl_err : curl_easy_strerror(rc));
    else if (rc != CURLE_OK)
        snprintf(out->error, sizeof out->error, "%s", curl_err[0] ? curl_err : curl_easy_strerror(rc));
    else if (out->status == 304)
        ok = true;
    else if (out->status != 200)
        snprintf(out->error, sizeof out->error, "HTTP %ld", out->status);
    else if (sink.body.len == 0)
        snprintf(out->error, sizeof out->error, "the file is empty");
    else
        ok = true;
    if (ok && out->status == 200)
        out->body = buf_detach(&sink.body, &out->len);
    buf_free(&sink.body);
    return ok;
}

void fetch_result_free(struct fetch_result *r)
{
    free(r->body);
    r->body = NULL;
}
