/* draft_cmd — `pledged draft FILE|-`: the draft POST /v1/drafts would
 * answer for the article in FILE (or standard input), read against the
 * database's companies and announcements, printed as JSON on stdout. The
 * options are the request's fields and are checked as the API checks them.
 * Writes nothing. */
#include "cli.h"
#include "drafts.h"
#include "draft/input.h"
#include "jsonx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DRAFT_FILE_MAX (16 << 20) /* bytes: an article, not a book */

/* The whole of `in` into a new buffer (*len bytes); NULL with errno set,
 * or EFBIG past DRAFT_FILE_MAX. */
static char *read_all(FILE *in, size_t *len)
{
    size_t cap = 64 * 1024, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, in);
        n += got;
        if (got == 0)
            break;
        if (n == cap) {
            if (cap >= DRAFT_FILE_MAX) {
                free(buf);
                errno = EFBIG;
                return NULL;
            }
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                return NULL;
            }
            buf = grown;
            cap *= 2;
        }
    }
    if (buf && ferror(in)) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

int cmd_draft(const struct config *cfg, int argc, char **argv, const struct draft_options *o)
{
    if (argc != 1)
        return usage_error("draft takes one FILE (or - for standard input)");
    FILE *in = strcmp(argv[0], "-") == 0 ? stdin : fopen(argv[0], "rb");
    if (!in) {
        fprintf(stderr, "pledged: cannot read %s: %s\n", argv[0], strerror(errno));
        return 1;
    }
    size_t len = 0;
    char *text = read_all(in, &len);
    int saved = errno;
    if (in != stdin)
        fclose(in);
    if (!text) {
        fprintf(stderr, "pledged: cannot read %s: %s\n", argv[0],
                saved == EFBIG ? "larger than 16 MiB" : strerror(saved));
        return 1;
    }
    json_t *body = json_object();
    json_t *t = json_stringn(text, len);
    free(text);
    if (!t) {
        json_decref(body);
        fprintf(stderr, "pledged: %s is not UTF-8 text (or holds a NUL byte)\n", argv[0]);
        return 1;
    }
    json_object_set_new(body, "text", t);
    if (o->url)
        json_object_set_new(body, "url", json_string(o->url));
    if (o->title)
        json_object_set_new(body, "title", json_string(o->title));
    if (o->publisher)
        json_object_set_new(body, "publisher", json_string(o->publisher));
    if (o->published_on)
        json_object_set_new(body, "published_on", json_string(o->published_on));
    if (o->language)
        json_object_set_new(body, "language", json_string(o->language));
    json_t *errors = json_array();
    struct draft_request req;
    draft_input_parse(body, &req, errors);
    int rc = 0;
    if (json_array_size(errors)) {
        size_t i;
        json_t *e;
        json_array_foreach(errors, i, e)
            fprintf(stderr, "pledged: %s %s\n",
                    strcmp(json_string_value(json_object_get(e, "field")), "text") == 0
                        ? argv[0] : json_string_value(json_object_get(e, "field")),
                    json_string_value(json_object_get(e, "message")));
        rc = 2;
    } else {
        struct db *db = open_migrated(cfg->db_path);
        json_t *draft = NULL;
        const char *why = NULL;
        enum store_status st = db ? drafts_answer(db, &req, &draft, &why) : STORE_ERROR;
        if (st == STORE_OK) {
            char *out = json_dumps(draft, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            rc = out && printf("%s\n", out) > 0 ? 0 : 1;
            free(out);
        } else {
            fprintf(stderr, "pledged: %s\n", why ? why : "the draft failed (see the log above)");
            rc = 1;
        }
        json_decref(draft);
        if (db)
            store_close(db);
    }
    json_decref(errors);
    json_decref(body);
    return rc;
}
