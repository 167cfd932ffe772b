/* libFuzzer target for lib/draft's recognisers: any bytes, as an article
 * in the language the first byte picks, with a fiscal-year country the
 * second byte picks. Invalid UTF-8 must be refused; for valid text every
 * mention must lie inside the text, in order and without overlap, with a
 * value that is a plain positive decimal, a known currency code, months
 * from 1 to 600 or a deadline, and dates of ten characters. A violation
 * aborts, which libFuzzer reports with the input. */
#include "draft/draft.h"
#include "draft/extract.h"
#include "draft/sentences.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_decimal(const char *s, bool may_be_empty)
{
    size_t n = strlen(s);
    if (n == 0) {
        if (!may_be_empty)
            abort();
        return;
    }
    int dots = 0;
    for (size_t k = 0; k < n; k++) {
        if (s[k] == '.')
            dots++;
        else if (s[k] < '0' || s[k] > '9')
            abort();
    }
    if (dots > 1 || s[0] == '.' || s[n - 1] == '.' || strcmp(s, "0") == 0)
        abort();
    if (dots && s[n - 1] == '0') /* no trailing zeros after the point */
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 4096)
        return 0;
    static const char *const countries[] = {"JP", "IN", "US", "FR", NULL};
    enum draft_lang lang = (enum draft_lang)(data[0] % 3);
    const char *country = countries[data[1] % 5];
    struct utext t;
    if (!utext_from_utf8(&t, (const char *)data + 2, size - 2))
        return 0;
    (void)draft_detect_language(&t);
    struct mentions list = {0};
    struct company_names names = {0};
    company_names_add(&names, "Microsoft", 0);
    company_names_add(&names, "SoftBank Group", 1);
    company_names_add(&names, "SoftBank", 1);
    company_names_add(&names, "日立", 2);
    struct draft_scan scan = {lang, country, {2024, 4, 10}, &names};
    if (!draft_extract(&t, &scan, &list))
        abort();
    size_t last_end = 0;
    for (size_t k = 0; k < list.n; k++) {
        const struct mention *m = &list.v[k];
        if (m->start >= m->end || m->end > t.n || m->start < last_end)
            abort();
        last_end = m->end;
        switch (m->type) {
        case MENTION_MONEY:
            check_decimal(m->value, false);
            check_decimal(m->range_to, true);
            check_decimal(m->stated_usd, true);
            if (strlen(m->currency) != 3)
                abort();
            break;
        case MENTION_PEOPLE:
            check_decimal(m->value, false);
            if (strchr(m->value, '.'))
                abort();
            break;
        case MENTION_DURATION:
            if (!(m->months >= 1 && m->months <= 600) && strlen(m->ends_on) != 10)
                abort();
            break;
        case MENTION_FISCAL_YEAR:
            if (m->year < 1990 || m->year > 2100 || (m->starts_on[0] && strlen(m->ends_on) != 10))
                abort();
            break;
        case MENTION_DATE:
            if (strlen(m->date) != 10 || m->precision > PRECISION_YEAR)
                abort();
            break;
        case MENTION_COUNTRY:
            if (strlen(m->code) != 2)
                abort();
            break;
        case MENTION_COMPANY:
            if (m->company < 0 || m->company > 2)
                abort();
            break;
        }
        if (m->qualifier > QUAL_UP_TO)
            abort();
    }
    /* Sentences cover no code point twice and stay inside the text. */
    struct span *spans;
    size_t n = sentences_split(&t, &spans);
    if (n == SIZE_MAX)
        abort();
    for (size_t k = 0; k < n; k++)
        if (spans[k].start >= spans[k].end || spans[k].end > t.n ||
            (k && spans[k].start < spans[k - 1].end))
            abort();
    free(spans);
    /* The whole draft: every quote is text of the article, every pledge
     * has a kind and a status. */
    static const char *const ms_aliases[] = {"MSFT"};
    static const struct draft_company known[] = {
        {"microsoft", "Microsoft", "US", ms_aliases, 1},
        {"hitachi", "日立", "JP", NULL, 0},
    };
    struct draft_request req = {.text = (const char *)data + 2, .text_len = size - 2,
                                .url = "https://example.com/a", .published_on = "2024-04-10",
                                .companies = known, .n_companies = 2};
    char *text = malloc(size - 1); /* the text is valid UTF-8, so it has no NUL */
    if (!text)
        abort();
    memcpy(text, data + 2, size - 2);
    text[size - 2] = '\0';
    json_t *draft = NULL;
    enum draft_status st = draft_build(&req, &draft);
    if (st == DRAFT_OK) {
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(json_object_get(draft, "announcement"), "pledges"), i, p) {
            if (!json_is_string(json_object_get(p, "kind")) || !json_is_string(json_object_get(p, "status")))
                abort();
            size_t j;
            json_t *e;
            json_array_foreach(json_object_get(p, "evidence"), j, e) {
                const char *q = json_string_value(json_object_get(e, "quote"));
                if (!q || !strstr(text, q)) /* a quote is the article's, verbatim */
                    abort();
            }
        }
    } else if (st != DRAFT_EMPTY) {
        abort(); /* the text is valid UTF-8 here */
    }
    json_decref(draft);
    free(text);
    company_names_free(&names);
    mentions_free(&list);
    utext_free(&t);
    return 0;
}
