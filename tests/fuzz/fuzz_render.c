/* libFuzzer target for the JSON written without a tree (server/api/
 * render.c, lib/jsonw.c): the input's NUL-separated parts become a pledge's
 * texts, a company's and an announcement's; the direct writer must produce
 * exactly jansson's bytes, or refuse exactly when jansson cannot hold a
 * text (not UTF-8). */
#include "jsonw.h"
#include "jsonx.h"
#include "render.h"
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Both renderings agree: the same bytes, or the writer refuses and the
 * tree is missing a text it could not hold. */
static void compare(json_t *tree, bool wrote, const struct buf *b, bool all_utf8)
{
    char *want = tree ? jsonx_dump(tree, NULL) : NULL;
    json_decref(tree);
    if (all_utf8 && (!wrote || !want || strcmp(want, buf_str(b)) != 0))
        abort();
    if (!all_utf8 && wrote)
        abort(); /* a text that is not UTF-8 went out */
    free(want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    char *copy = malloc(size + 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    /* Up to four texts, separated by NUL bytes. */
    const char *part[4] = {"", "", "", ""};
    size_t n = 0, at = 0;
    while (n < 4 && at <= size) {
        part[n++] = copy + at;
        at += strlen(copy + at) + 1;
    }
    bool utf8 = true;
    for (size_t i = 0; i < 4; i++)
        utf8 = utf8 && utf8_valid(part[i]);

    struct store_pledge p;
    memset(&p, 0, sizeof p);
    p.id = (int64_t)size;
    p.description = (char *)part[0];
    snprintf(p.usd_error, sizeof p.usd_error, "%s", "");
    snprintf(p.currency, sizeof p.currency, size % 2 ? "EUR" : "");
    p.amount_minor = (int64_t)size * 1000;
    json_t *ev = json_pack("[{s:s?, s:s?}]", "source", "https://example.invalid/", "quote",
                           utf8_valid(part[1]) ? part[1] : NULL);
    char *evidence = jsonx_dump(ev, NULL);
    json_decref(ev);
    p.evidence = evidence;
    snprintf(p.status, sizeof p.status, "announced");
    struct buf b;
    buf_init(&b, RENDER_MAX);
    compare(pledge_json(&p), pledge_write_json(&b, &p), &b, utf8_valid(part[0]));
    buf_free(&b);
    free(evidence);

    struct store_company c;
    memset(&c, 0, sizeof c);
    snprintf(c.slug, sizeof c.slug, "acme");
    c.name = (char *)part[2];
    c.website = (char *)part[3];
    c.aliases = "[]";
    buf_init(&b, RENDER_MAX);
    compare(company_json(&c), company_write_json(&b, &c), &b,
            utf8_valid(part[2]) && utf8_valid(part[3]));
    buf_free(&b);

    struct store_announcement a;
    memset(&a, 0, sizeof a);
    a.title = (char *)part[0];
    a.summary = (char *)part[1];
    a.n_sources = 1;
    a.sources[0].url = (char *)part[2];
    a.sources[0].title = (char *)part[3];
    buf_init(&b, RENDER_MAX);
    compare(announcement_json(&a, false), announcement_write_json(&b, &a, false), &b, utf8);
    buf_free(&b);
    free(copy);
    return 0;
}
