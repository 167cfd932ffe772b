/* The JSON written straight into a buffer (render.c, jsonw.c) against the
 * jansson tree it replaces: byte for byte, for pledges, companies and
 * announcements, with every escape, control characters, U+007F, 2-, 3- and
 * 4-byte UTF-8, empty and absent fields, and every shape an amount takes.
 * Text that is not UTF-8 is refused by both. */
#include "jsonw.h"
#include "jsonx.h"
#include "render.h"
#include "tap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nasty texts: each must come out exactly as jansson writes it. */
static const char *const nasty[] = {
    "",
    "plain",
    "quote \" backslash \\ slash / done",
    "\x01\x02\x03\x04\x05\x06\x07\b\t\n\x0b\f\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"
    "\x1a\x1b\x1c\x1d\x1e\x1f end",
    "del \x7f and e\xcc\x81 (combining) caf\xc3\xa9",
    "\xe3\x83\x9e\xe3\x82\xa4\xe3\x82\xaf\xe3\x83\xad\xe3\x82\xbd\xe3\x83\x95\xe3\x83\x88 3,000\xe5\x84\x84\xe5\x86\x86",
    "emoji \xf0\x9f\x9a\x80 and \xf0\x90\x80\x80 and U+2028 \xe2\x80\xa8",
    "\"\\\"\\\\\"",
    "ends with a backslash \\",
};
#define N_NASTY (sizeof nasty / sizeof nasty[0])

/* Both renderings of one record, compared. */
static bool same(json_t *tree, bool (*write)(struct buf *b, const void *rec), const void *rec,
                 char *why, size_t whylen)
{
    char *want = tree ? jsonx_dump(tree, NULL) : NULL;
    json_decref(tree);
    struct buf b;
    buf_init(&b, RENDER_MAX);
    bool wrote = write(&b, rec);
    bool ok = want && wrote && strcmp(want, buf_str(&b)) == 0;
    if (!ok)
        snprintf(why, whylen, "\n#  want %.300s\n#  got  %.300s", want ? want : "(null)",
                 wrote ? buf_str(&b) : "(refused)");
    free(want);
    buf_free(&b);
    return ok;
}

static bool write_pledge(struct buf *b, const void *p)
{
    return pledge_write_json(b, p);
}

static bool write_company(struct buf *b, const void *c)
{
    return company_write_json(b, c);
}

static bool write_announcement(struct buf *b, const void *a)
{
    return announcement_write_json(b, a, true);
}

static bool write_announcement_head(struct buf *b, const void *a)
{
    return announcement_write_json(b, a, false);
}

/* A pledge whose texts are nasty[i], in one of four shapes by i % 4. */
static struct store_pledge pledge_of(size_t i, char *evidence)
{
    struct store_pledge p;
    memset(&p, 0, sizeof p);
    p.id = (int64_t)i + 1;
    p.announcement_id = INT64_MAX - (int64_t)i;
    snprintf(p.announced_on, sizeof p.announced_on, "2024-04-10");
    snprintf(p.precision, sizeof p.precision, i % 2 ? "month" : "day");
    snprintf(p.company, sizeof p.company, i % 3 ? "microsoft" : "");
    snprintf(p.kind, sizeof p.kind, "investment");
    p.description = (char *)nasty[i];
    snprintf(p.country, sizeof p.country, i % 2 ? "JP" : "");
    switch (i % 4) {
    case 0: /* no amount */
        break;
    case 1: /* an amount in USD terms */
        snprintf(p.currency, sizeof p.currency, "JPY");
        p.amount_minor = 300000000000LL;
        p.usd_known = true;
        p.usd_cents = 196206671027LL;
        snprintf(p.usd_rate, sizeof p.usd_rate, "0.006540222");
        snprintf(p.usd_rate_date, sizeof p.usd_rate_date, "2024-04-10");
        snprintf(p.usd_rate_source, sizeof p.usd_rate_source, "fed-h10");
        snprintf(p.amount_qualifier, sizeof p.amount_qualifier, "about");
        break;
    case 2: /* an amount with no rate */
        snprintf(p.currency, sizeof p.currency, "KWD");
        p.amount_minor = 1234567;
        snprintf(p.usd_error, sizeof p.usd_error, "%.100s", nasty[i]);
        break;
    default: /* people, a duration, dates */
        p.has_people = true;
        p.people = 3000000;
        snprintf(p.people_qualifier, sizeof p.people_qualifier, "at_least");
        p.has_duration = true;
        p.duration_months = 36;
        snprintf(p.starts_on, sizeof p.starts_on, "2024-01-01");
        snprintf(p.ends_on, sizeof p.ends_on, "2026-12-31");
    }
    snprintf(p.status, sizeof p.status, "announced");
    /* Evidence as the store keeps it: jsonx_dump's compact text. */
    json_t *ev = json_pack("[{s:s, s:s}]", "source", "https://example.invalid/a", "quote",
                           nasty[i]);
    char *text = jsonx_dump(ev, NULL);
    json_decref(ev);
    snprintf(evidence, 4096, "%s", text ? text : "[]");
    free(text);
    p.evidence = evidence;
    snprintf(p.created_at, sizeof p.created_at, "2026-01-01T00:00:00Z");
    snprintf(p.updated_at, sizeof p.updated_at, "2026-01-02T00:00:00Z");
    return p;
}

/* jsonw by itself: integers at their limits, keys that need escaping,
 * strings whose plain ASCII run ends in an escape or in UTF-8, and a
 * buffer that ends exactly where the object does. Each is compared with
 * jansson's dump of the same object. */
static bool write_object(struct buf *b, const char *first, const char *key, int64_t v)
{
    struct jsonw w;
    jw_init(&w, b);
    jw_begin_object(&w);
    jw_key(&w, "first");
    jw_string(&w, first);
    jw_int(&w, key, v);
    jw_end_object(&w);
    return w.ok;
}

/* The writer looks at plain text eight bytes at a time: each byte that
 * must be escaped or checked, at every place in strings and keys of up to
 * 40 bytes (and the byte values around the limits of plain: 0x1F, 0x20,
 * 0x7E, 0x7F, 0x80), is written as jansson writes it. */
static void test_writer_every_place(void)
{
    static const char *const specials[] = {"\"", "\\", "\n", "\x01", "\x1f", "\x7f",
                                           "\xc3\xa9", "\xf0\x9f\x98\x80", " ", "~", "!", "#",
                                           "[", "]"};
    size_t checked = 0, wrong = 0;
    char why[300] = "";
    for (size_t sp = 0; sp < sizeof specials / sizeof specials[0]; sp++) {
        for (size_t len = 1; len <= 40; len++) {
            for (size_t at = 0; at < len; at++) {
                char text[64];
                memset(text, 'a' + (int)(at % 26), len);
                size_t sl = strlen(specials[sp]);
                memcpy(text + at, specials[sp], sl);
                size_t total = at + sl > len ? at + sl : len;
                text[total] = '\0';
                json_t *o = json_object();
                json_object_set_new(o, "first", json_string(text));
                json_object_set_new(o, text, json_integer((json_int_t)len));
                char *want = jsonx_dump(o, NULL);
                json_decref(o);
                struct buf b;
                buf_init(&b, RENDER_MAX);
                bool ok = write_object(&b, text, text, (int64_t)len);
                checked++;
                if (!want || !ok || strcmp(want, buf_str(&b)) != 0) {
                    if (!wrong++)
                        snprintf(why, sizeof why, "\n#  want %.120s\n#  got  %.120s",
                                 want ? want : "?", buf_str(&b));
                }
                free(want);
                buf_free(&b);
            }
        }
    }
    CHECK(wrong == 0, "%zu strings and keys with a byte to escape or keep at every place are "
          "written as jansson writes them (%zu differ)%s", checked, wrong, why);
}

static void test_writer(void)
{
    static const int64_t ints[] = {0, 1, -1, 9, 10, -10, 1234567890123LL, INT64_MAX, INT64_MIN,
                                   INT64_MIN + 1};
    static const char *const keys[] = {"id", "", "k\"ey", "k\\", "tab\t", "caf\xc3\xa9",
                                       "\x7f", "a b"};
    bool all = true;
    char why[400] = "";
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            json_t *o = json_object();
            json_object_set_new(o, "first", json_string(nasty[(i + k) % N_NASTY]));
            json_object_set_new(o, keys[k], json_integer(ints[i]));
            char *want = jsonx_dump(o, NULL);
            json_decref(o);
            struct buf b;
            buf_init(&b, RENDER_MAX);
            bool ok = write_object(&b, nasty[(i + k) % N_NASTY], keys[k], ints[i]);
            if (!ok || !want || strcmp(want, buf_str(&b)) != 0) {
                all = false;
                snprintf(why, sizeof why, "\n#  want %.150s\n#  got  %.150s", want ? want : "?",
                         buf_str(&b));
            }
            /* The same object into a buffer exactly its size, and one byte short. */
            size_t len = b.len;
            for (size_t shorter = 0; want && shorter < 2; shorter++) {
                struct buf tight;
                buf_init(&tight, len - shorter);
                ok = write_object(&tight, nasty[(i + k) % N_NASTY], keys[k], ints[i]);
                if (ok != (shorter == 0) || (ok && strcmp(want, buf_str(&tight)) != 0)) {
                    all = false;
                    snprintf(why, sizeof why, "\n#  a buffer of %zu bytes for %zu: ok %d",
                             len - shorter, len, ok);
                }
                buf_free(&tight);
            }
            free(want);
            buf_free(&b);
        }
    }
    CHECK(all, "every integer, key and string is written as jansson writes it, and a buffer "
               "one byte short says so%s", why);
}

int main(void)
{
    test_writer();
    test_writer_every_place();
    char why[800] = "", evidence[N_NASTY][4096];
    struct store_pledge pledges[N_NASTY];
    for (size_t i = 0; i < N_NASTY; i++) {
        pledges[i] = pledge_of(i, evidence[i]);
        CHECK(same(pledge_json(&pledges[i]), write_pledge, &pledges[i], why, sizeof why),
              "pledge %zu (text %zu, shape %zu) is written as jansson writes it%s", i, i, i % 4,
              why);
    }

    for (size_t i = 0; i < N_NASTY; i++) {
        struct store_company c;
        memset(&c, 0, sizeof c);
        c.id = 7;
        snprintf(c.slug, sizeof c.slug, "acme-%zu", i);
        c.name = (char *)(nasty[i][0] ? nasty[i] : "Acme");
        snprintf(c.country, sizeof c.country, i % 2 ? "US" : "");
        c.website = i % 3 ? "https://example.invalid/?q=\"x\"" : NULL;
        json_t *aliases = i % 2 ? json_pack("[s, s]", nasty[i], "MSFT") : json_array();
        c.aliases = jsonx_dump(aliases, NULL);
        json_decref(aliases);
        c.pledge_count = (int64_t)i;
        c.announcement_count = 1;
        c.totals.committed = (__int128)INT64_MAX * 3;
        c.totals.targets = (__int128)i;
        snprintf(c.created_at, sizeof c.created_at, "2026-01-01T00:00:00Z");
        snprintf(c.updated_at, sizeof c.updated_at, "2026-01-01T00:00:00Z");
        CHECK(same(company_json(&c), write_company, &c, why, sizeof why),
              "company %zu is written as jansson writes it%s", i, why);
        free(c.aliases);
    }

    struct store_announcement a;
    memset(&a, 0, sizeof a);
    a.id = 3;
    a.title = (char *)nasty[4];
    a.summary = (char *)nasty[3];
    snprintf(a.announced_on, sizeof a.announced_on, "2024-04-10");
    snprintf(a.precision, sizeof a.precision, "year");
    a.n_companies = 2;
    snprintf(a.companies[0], sizeof a.companies[0], "hitachi");
    snprintf(a.companies[1], sizeof a.companies[1], "microsoft");
    a.n_countries = 1;
    snprintf(a.countries[0], sizeof a.countries[0], "JP");
    a.n_sources = 2;
    a.sources[0].url = "https://example.invalid/\"a\"";
    a.sources[0].publisher = (char *)nasty[5];
    a.sources[0].title = (char *)nasty[6];
    snprintf(a.sources[0].language, sizeof a.sources[0].language, "ja");
    snprintf(a.sources[0].published_on, sizeof a.sources[0].published_on, "2024-04-10");
    a.sources[1].url = "https://example.invalid/b";
    a.pledges = pledges;
    a.n_pledges = N_NASTY;
    a.pledge_count = N_NASTY;
    a.totals.committed = 123456789;
    snprintf(a.created_at, sizeof a.created_at, "2026-01-01T00:00:00Z");
    snprintf(a.updated_at, sizeof a.updated_at, "2026-01-01T00:00:00Z");
    CHECK(same(announcement_json(&a, true), write_announcement, &a, why, sizeof why),
          "an announcement with its sources and pledges is written as jansson writes it%s", why);
    CHECK(same(announcement_json(&a, false), write_announcement_head, &a, why, sizeof why),
          "and without its pledges%s", why);
    struct store_announcement empty;
    memset(&empty, 0, sizeof empty);
    empty.title = "";
    CHECK(same(announcement_json(&empty, true), write_announcement, &empty, why, sizeof why),
          "an announcement with nothing in it%s", why);

    static const char *const not_utf8[] = {"\xff", "ab\xc3", "\xed\xa0\x80 surrogate",
                                           "\xc0\xaf overlong", "\xf4\x90\x80\x80 too big"};
    bool refused = true;
    for (size_t i = 0; i < sizeof not_utf8 / sizeof not_utf8[0]; i++) {
        struct store_pledge p = pledges[0];
        p.description = (char *)not_utf8[i];
        struct buf b;
        buf_init(&b, RENDER_MAX);
        refused = refused && !pledge_write_json(&b, &p) && json_string(not_utf8[i]) == NULL;
        buf_free(&b);
    }
    CHECK(refused, "text that is not UTF-8 is refused, as jansson refuses it");

    struct buf small;
    buf_init(&small, 100);
    CHECK(!pledge_write_json(&small, &pledges[1]), "a buffer too small says so");
    buf_free(&small);
    return tap_done();
}
