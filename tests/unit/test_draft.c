/* Unit test of lib/draft's recognisers against a table-driven corpus of
 * business-news phrases in English, French and Japanese
 * (tests/unit/draft_corpus.txt: the phrase, the mentions expected in it).
 * Each phrase is one check: the mentions found, rendered as text, must be
 * exactly the expected ones. At the end it prints, as TAP comments,
 * precision and recall per language and per type over the whole corpus.
 * Also table-driven checks of number reading and of utext itself.
 * tests/unit/draft_heldout.txt holds phrases written after the recognisers
 * and never used to tune them: they are not checked one by one; their
 * precision and recall are printed and must stay above the floors below.
 *   usage: test_draft CORPUS HELDOUT    (the test)
 *          test_draft --print LANG[:CC] TEXT   (what the recognisers find) */
#include "draft/extract.h"
#include "draft/fiscal.h"
#include "draft/match.h"
#include "draft/sentences.h"
#include "buf.h"
#include "date.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The companies the corpus knows: the sample data's, with their aliases. */
static const struct {
    const char *slug, *names[3];
} known[] = {
    {"microsoft", {"Microsoft", "MSFT", NULL}},
    {"hitachi", {"Hitachi", "日立", NULL}},
    {"nvidia", {"Nvidia", NULL}},
    {"amazon", {"Amazon", "アマゾン", NULL}},
    {"softbank-group", {"SoftBank Group", "SoftBank", "ソフトバンクグループ"}},
    {"arm", {"Arm", NULL}},
    {"google", {"Google", "グーグル", NULL}},
    {"tsmc", {"TSMC", "Taiwan Semiconductor Manufacturing Company", NULL}},
    {"societe-generale", {"Société Générale", NULL}},
    {"マイクロソフト", {"マイクロソフト", NULL}},
};

static struct company_names known_names;

static void load_known(void)
{
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
        for (int j = 0; j < 3 && known[k].names[j]; j++)
            company_names_add(&known_names, known[k].names[j], (int)k);
}

static void render_one(const struct utext *t, const struct mention *m, struct buf *b)
{
    buf_puts(b, mention_type_name(m->type));
    switch (m->type) {
    case MENTION_MONEY:
        buf_printf(b, " %s %s", m->value, m->currency);
        break;
    case MENTION_PEOPLE:
        buf_printf(b, " %s", m->value);
        break;
    case MENTION_DURATION:
        if (m->months)
            buf_printf(b, " %dm", m->months);
        if (m->ends_on[0])
            buf_printf(b, " by=%s", m->ends_on);
        break;
    case MENTION_FISCAL_YEAR:
        buf_printf(b, " %d", m->year);
        if (m->starts_on[0])
            buf_printf(b, " %s/%s", m->starts_on, m->ends_on);
        break;
    case MENTION_DATE:
        buf_printf(b, " %s %s", m->date, precision_name(m->precision));
        break;
    case MENTION_COUNTRY:
        buf_printf(b, " %s", m->code);
        break;
    case MENTION_COMPANY:
        buf_printf(b, " %s", known[m->company].slug);
        break;
    }
    if (qualifier_name(m->qualifier))
        buf_printf(b, " %s", qualifier_name(m->qualifier));
    if (m->range_to[0])
        buf_printf(b, " to=%s", m->range_to);
    if (m->stated_usd[0])
        buf_printf(b, " usd=%s", m->stated_usd);
    buf_puts(b, " «");
    utext_append(t, m->start, m->end, b);
    buf_puts(b, "»");
}

/* The mentions of text as " | "-joined renderings; "-" for none. Caller frees. */
static char *render(const char *text, const struct draft_scan *scan, struct mentions *out)
{
    struct utext t;
    struct buf b;
    buf_init(&b, 1 << 20);
    if (!utext_from_utf8(&t, text, strlen(text)))
        return strdup("invalid UTF-8");
    draft_extract(&t, scan, out);
    for (size_t k = 0; k < out->n; k++) {
        if (k)
            buf_puts(&b, " | ");
        render_one(&t, &out->v[k], &b);
    }
    if (out->n == 0)
        buf_puts(&b, "-");
    utext_free(&t);
    return buf_detach(&b, NULL);
}

/* "en", "en:JP", "en@2024-04-10", "en:JP@2024-04-10": the language, the
 * fiscal-year country and the publication date of a corpus line. */
static bool parse_scan(char *field, struct draft_scan *scan)
{
    memset(scan, 0, sizeof *scan);
    scan->companies = &known_names;
    char *at = strchr(field, '@');
    if (at) {
        *at = '\0';
        if (!date_parse(at + 1, &scan->published.year, &scan->published.month,
                        &scan->published.day))
            return false;
    }
    char *colon = strchr(field, ':');
    if (colon) {
        *colon = '\0';
        scan->fiscal_country = colon + 1;
    }
    return draft_lang_parse(field, &scan->lang);
}

/* --- precision and recall -------------------------------------------------------------- */

#define TYPES 7
struct score {
    int expected, found, right;
};
static struct score scores[3][TYPES];

/* The floors the held-out phrases must reach, over all their types, per language. */
#define HELDOUT_MIN_PRECISION 0.85
#define HELDOUT_MIN_RECALL 0.75

static int type_of(const char *rendered)
{
    static const char *const names[TYPES] = {"money", "people", "duration", "fiscal_year",
                                             "date", "country", "company"};
    for (int k = 0; k < TYPES; k++)
        if (strncmp(rendered, names[k], strlen(names[k])) == 0)
            return k;
    return -1;
}

/* Splits "a | b | c" into items (in place); returns how many. */
static int split(char *s, char **items, int max)
{
    if (strcmp(s, "-") == 0)
        return 0;
    int n = 0;
    for (char *p = s; p && n < max;) {
        items[n++] = p;
        char *bar = strstr(p, " | ");
        if (bar) {
            *bar = '\0';
            p = bar + 3;
        } else {
            p = NULL;
        }
    }
    return n;
}

static void score(enum draft_lang lang, const char *expected, const char *found)
{
    char *e = strdup(expected), *f = strdup(found);
    char *ei[64], *fi[64];
    int ne = split(e, ei, 64), nf = split(f, fi, 64);
    bool used[64] = {false};
    for (int k = 0; k < ne; k++)
        if (type_of(ei[k]) >= 0)
            scores[lang][type_of(ei[k])].expected++;
    for (int k = 0; k < nf; k++) {
        int ty = type_of(fi[k]);
        if (ty < 0)
            continue;
        scores[lang][ty].found++;
        for (int j = 0; j < ne; j++)
            if (!used[j] && strcmp(ei[j], fi[k]) == 0) {
                used[j] = true;
                scores[lang][ty].right++;
                break;
            }
    }
    free(e);
    free(f);
}

static void print_scores(const char *what)
{
    static const char *const langs[3] = {"en", "fr", "ja"};
    static const char *const names[TYPES] = {"money", "people", "duration", "fiscal_year",
                                             "date", "country", "company"};
    printf("# %s: language type expected found right precision recall\n", what);
    for (int l = 0; l < 3; l++)
        for (int k = 0; k < TYPES; k++) {
            struct score *s = &scores[l][k];
            if (!s->expected && !s->found)
                continue;
            printf("# %s: %s %-11s %4d %4d %4d %6.3f %6.3f\n", what, langs[l], names[k], s->expected,
                   s->found, s->right, s->found ? (double)s->right / s->found : 1.0,
                   s->expected ? (double)s->right / s->expected : 1.0);
        }
}

/* Runs the phrases of path. strict: each is a check; otherwise (held out)
 * misses are printed and only the floors are checked. */
static int run_corpus(const char *path, bool strict)
{
    memset(scores, 0, sizeof scores);
    FILE *in = fopen(path, "r");
    if (!CHECK(in != NULL, "the corpus %s opens", path))
        return tap_done();
    char line[8192];
    int phrases[3] = {0};
    int lineno = 0;
    while (fgets(line, sizeof line, in)) {
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *tab1 = strchr(line, '\t');
        char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        struct draft_scan scan;
        if (!CHECK(tab2 != NULL, "corpus line %d has three fields", lineno))
            continue;
        *tab1 = *tab2 = '\0';
        if (!CHECK(parse_scan(line, &scan), "corpus line %d names en, fr or ja", lineno))
            continue;
        enum draft_lang lang = scan.lang;
        struct mentions list = {0};
        char *found = render(tab1 + 1, &scan, &list);
        bool same = strcmp(found, tab2 + 1) == 0;
        if (strict)
            CHECK(same, "%s: %s", draft_lang_code(lang), tab1 + 1);
        else if (!same)
            printf("# held out, %s: %s\n", draft_lang_code(lang), tab1 + 1);
        if (!same)
            printf("#   expected %s\n#   found    %s\n", tab2 + 1, found);
        score(lang, tab2 + 1, found);
        phrases[lang]++;
        free(found);
        mentions_free(&list);
    }
    fclose(in);
    print_scores(strict ? "corpus" : "held out");
    if (strict) {
        CHECK(phrases[LANG_EN] >= 60 && phrases[LANG_FR] >= 60 && phrases[LANG_JA] >= 60,
              "the corpus has at least 60 phrases in each language (en %d, fr %d, ja %d)",
              phrases[LANG_EN], phrases[LANG_FR], phrases[LANG_JA]);
        return phrases[0] + phrases[1] + phrases[2];
    }
    for (int l = 0; l < 3; l++) {
        int expected = 0, found = 0, right = 0;
        for (int k = 0; k < TYPES; k++) {
            expected += scores[l][k].expected;
            found += scores[l][k].found;
            right += scores[l][k].right;
        }
        double precision = found ? (double)right / found : 1.0;
        double recall = expected ? (double)right / expected : 1.0;
        CHECK(phrases[l] >= 15 && precision >= HELDOUT_MIN_PRECISION && recall >= HELDOUT_MIN_RECALL,
              "held out, %s (%d phrases): precision %.3f, recall %.3f (floors %.2f and %.2f)",
              draft_lang_code((enum draft_lang)l), phrases[l], precision, recall,
              HELDOUT_MIN_PRECISION, HELDOUT_MIN_RECALL);
    }
    return phrases[0] + phrases[1] + phrases[2];
}

/* --- numbers, text and languages ----------------------------------------------------------- */

static void test_numbers(void)
{
    static const struct {
        enum draft_lang lang;
        const char *text, *value; /* NULL: no figure */
        int end;                  /* code points read */
    } cases[] = {
        {LANG_EN, "2.9 billion", "2900000000", 11},
        {LANG_EN, "2.9bn", "2900000000", 5},
        {LANG_EN, "1,500,000", "1500000", 9},
        {LANG_EN, "1,50", "1", 1},
        {LANG_EN, "0.05", "0.05", 4},
        {LANG_EN, "three million", "3000000", 13},
        {LANG_EN, "twenty-five", "25", 11},
        {LANG_EN, "two hundred and fifty thousand", "250000", 30},
        {LANG_EN, "a billion", "1000000000", 9},
        {LANG_EN, "a year", NULL, 0},
        {LANG_EN, "999999999999999999", "999999999999999999", 18},
        {LANG_EN, "1.5 trillion", "1500000000000", 12},
        {LANG_EN, "500k", "500000", 4},
        {LANG_EN, "10km", "10", 2},
        {LANG_FR, "2,9 milliards", "2900000000", 13},
        {LANG_FR, "1 500 millions", "1500000000", 14},
        {LANG_FR, "1\xc2\xa0" "500\xe2\x80\xaf" "000", "1500000", 9},
        {LANG_FR, "trois millions", "3000000", 14},
        {LANG_FR, "soixante-quinze", "75", 15},
        {LANG_FR, "quatre-vingt-dix-neuf", "99", 21},
        {LANG_FR, "vingt et un", "21", 11},
        {LANG_FR, "deux cents", "200", 10},
        {LANG_FR, "un billion", "1000000000000", 10},
        {LANG_FR, "2,9 Md", "2900000000", 6},
        {LANG_JA, "300億", "30000000000", 4},
        {LANG_JA, "1兆2000億", "1200000000000", 7},
        {LANG_JA, "3億5000万", "350000000", 7},
        {LANG_JA, "三百万", "3000000", 3},
        {LANG_JA, "二〇二四", "2024", 4},
        {LANG_JA, "５千", "5000", 2},
        {LANG_JA, "１，０００", "1000", 5},
        {LANG_JA, "2.5億", "250000000", 4},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct utext t;
        struct dnum d;
        utext_from_utf8(&t, cases[k].text, strlen(cases[k].text));
        bool ok = dnum_read(&t, 0, cases[k].lang, &d);
        char got[DNUM_TEXT] = "";
        if (ok)
            dnum_format(&d, got);
        if (cases[k].value)
            CHECK(ok && strcmp(got, cases[k].value) == 0 && d.end == (size_t)cases[k].end,
                  "number %s: %s, %d code points (got %s, %zu)", cases[k].text, cases[k].value,
                  cases[k].end, ok ? got : "nothing", d.end);
        else
            CHECK(!ok, "no number in %s", cases[k].text);
        utext_free(&t);
    }
    struct utext t;
    struct dnum d;
    const char *huge = "99999999999999999999 dollars"; /* 20 digits: past what is kept exactly */
    utext_from_utf8(&t, huge, strlen(huge));
    CHECK(!dnum_read(&t, 0, LANG_EN, &d) && d.end == 20,
          "a figure of 20 significant digits is refused, and skipped whole");
    utext_free(&t);
}

static void test_utext(void)
{
    struct utext t;
    static const char *const invalid[] = {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82",
                                          "a\xff"};
    for (size_t k = 0; k < sizeof invalid / sizeof invalid[0]; k++)
        CHECK(!utext_from_utf8(&t, invalid[k], strlen(invalid[k])),
              "invalid UTF-8 is refused (case %zu)", k);
    CHECK(!utext_from_utf8(&t, "a\0b", 3), "a NUL byte is refused");
    const char *s = "Ｆｙ２０２４\xc2\xa0É€😀";
    CHECK(utext_from_utf8(&t, s, strlen(s)) && t.n == 10 && t.norm[0] == 'f' && t.norm[2] == '2' &&
              t.norm[6] == ' ' && t.norm[7] == 0xE9 && t.cp[7] == 0xC9 && t.cp[9] == 0x1F600,
          "code points and their folded copy, one for one (%zu)", t.n);
    struct buf b;
    buf_init(&b, 100);
    utext_append(&t, 0, t.n, &b);
    CHECK(strcmp(buf_str(&b), s) == 0, "a span is given back as written");
    buf_free(&b);
    utext_free(&t);
    CHECK(utext_from_utf8(&t, "", 0) && t.n == 0, "empty text is valid");
    utext_free(&t);
}

static void test_languages(void)
{
    static const struct {
        const char *text;
        enum draft_lang lang;
    } cases[] = {
        {"Microsoft will invest $2.9 billion in Japan over the next two years.", LANG_EN},
        {"Microsoft a annoncé qu'il investira 2,9 milliards de dollars au Japon.", LANG_FR},
        {"マイクロソフトは日本に29億ドルを投資すると発表した。", LANG_JA},
        {"日立は2024年度に生成AIに3000億円を投じる。Hitachi, Microsoft, Azure, GitHub.", LANG_JA},
        {"", LANG_EN},
        {"12345", LANG_EN},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct utext t;
        utext_from_utf8(&t, cases[k].text, strlen(cases[k].text));
        CHECK(draft_detect_language(&t) == cases[k].lang, "language of \"%.40s\" is %s",
              cases[k].text, draft_lang_code(cases[k].lang));
        utext_free(&t);
    }
}

static void test_sentences(void)
{
    static const struct {
        const char *text;
        const char *expected; /* the sentences joined by " / " */
    } cases[] = {
        {"The U.S. tech giant said it. Then it left.", "The U.S. tech giant said it. / Then it left."},
        {"Microsoft Corp. and Hitachi Ltd. agreed. Shares rose.",
         "Microsoft Corp. and Hitachi Ltd. agreed. / Shares rose."},
        {"Suzanne P. Clark spoke. She left.", "Suzanne P. Clark spoke. / She left."},
        {"It will invest $2.9 billion. It is large.", "It will invest $2.9 billion. / It is large."},
        {"He said: \"We will invest.\" Then he left.", "He said: \"We will invest.\" / Then he left."},
        {"Title line\n\nBody sentence one. Body two?", "Title line / Body sentence one. / Body two?"},
        {"日立は投資する。マイクロソフトも投資する！本当？", "日立は投資する。 / マイクロソフトも投資する！ / 本当？"},
        {"Le géant a investi 2,9 milliards. C'est beaucoup.", "Le géant a investi 2,9 milliards. / C'est beaucoup."},
        {"Prices rose approx. five percent.", "Prices rose approx. five percent."},
        {"No. 1 in Japan. Really.", "No. 1 in Japan. / Really."},
        {"   ", ""},
        {"No end", "No end"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct utext t;
        struct span *spans;
        struct buf b;
        buf_init(&b, 4096);
        utext_from_utf8(&t, cases[k].text, strlen(cases[k].text));
        size_t n = sentences_split(&t, &spans);
        for (size_t j = 0; j < n; j++) {
            if (j)
                buf_puts(&b, " / ");
            utext_append(&t, spans[j].start, spans[j].end, &b);
        }
        CHECK(strcmp(buf_str(&b), cases[k].expected) == 0, "sentences of \"%s\" (got \"%s\")",
              cases[k].text, buf_str(&b));
        free(spans);
        buf_free(&b);
        utext_free(&t);
    }
}

/* A thousand names that begin alike, and a name of one letter. */
static void test_many_companies(void)
{
    struct company_names names = {0};
    char name[32];
    for (int k = 0; k < 1000; k++) {
        snprintf(name, sizeof name, "Company %04d", k);
        company_names_add(&names, name, k);
    }
    company_names_add(&names, "X", 1000);
    company_names_add(&names, "Company 0500 Holdings", 1001);
    const char *s = "Company 0500 and X invest; Company 0500 Holdings and company 0999 too.";
    struct utext t;
    utext_from_utf8(&t, s, strlen(s));
    struct draft_scan scan = {.lang = LANG_EN, .companies = &names};
    struct mentions list = {0};
    draft_extract(&t, &scan, &list);
    int found[8], n = 0;
    for (size_t k = 0; k < list.n && n < 8; k++)
        if (list.v[k].type == MENTION_COMPANY)
            found[n++] = list.v[k].company;
    CHECK(n == 4 && found[0] == 500 && found[1] == 1000 && found[2] == 1001 && found[3] == 999,
          "among 1,000 names that begin alike: the right one, the longest, and a name of one letter (%d found)", n);
    mentions_free(&list);
    utext_free(&t);
    company_names_free(&names);
}

static void test_matches(void)
{
    CHECK(match_title_similarity("Microsoft to invest $2.9 billion in Japan",
                                 "Microsoft to invest $2.9 billion in Japan") == 1.0,
          "identical titles: similarity 1");
    double s = match_title_similarity("Microsoft invests in Japan", "Japan: Microsoft will invest");
    CHECK(s > 0.3 && s < 0.7, "titles sharing two of four words: about a half (%.2f)", s);
    CHECK(match_title_similarity("日立が生成AIに投資", "日立が生成AIに投資") == 1.0 &&
              match_title_similarity("日立が投資", "東京の天気") == 0.0,
          "Japanese titles compare by pairs of characters");
    CHECK(match_title_similarity(NULL, "x") == 0.0 && match_title_similarity("", "") == 0.0,
          "no title: similarity 0");
    struct match_amount usd29 = {"USD", 290000000000ULL}, usd30 = {"USD", 300000000000ULL},
                        usd35 = {"USD", 350000000000ULL}, jpy = {"JPY", 290000000000ULL};
    CHECK(match_same_amount(&usd29, &usd30) && !match_same_amount(&usd29, &usd35) &&
              !match_same_amount(&usd29, &jpy),
          "amounts: $2.9bn and $3bn are one (within 5%%), $3.5bn and yen are not");
    const char *ms[] = {"microsoft"}, *hi[] = {"hitachi"};
    const char jp[][3] = {"JP"};
    const char *url[] = {"https://a"}, *other[] = {"https://b"};
    int64_t people[] = {3000000};
    struct match_side draft = {"Microsoft to invest US$2.9 billion in Japan", "2024-04-10", ms, 1, jp, 1,
                               &usd29, 1, people, 1, other, 1};
    struct match_side same = {"Microsoft to invest US$2.9 billion in AI and cloud in Japan", "2024-04-09",
                              ms, 1, jp, 1, &usd30, 1, people, 1, url, 1};
    struct match_side unrelated = {"Hitachi opens a lab", "2023-01-01", hi, 1, NULL, 0, NULL, 0,
                                   NULL, 0, url, 1};
    json_t *reasons = json_array();
    double a = match_score(&draft, &same, reasons);
    char *text = json_dumps(reasons, 0);
    CHECK(a >= MATCH_PROPOSE && a <= 1.0 && strstr(text, "same company") && strstr(text, "same amount") &&
              strstr(text, "same people count") && strstr(text, "same country") &&
              strstr(text, "dates 1 day apart"),
          "the same announcement: %.2f, every reason given (%s)", a, text);
    free(text);
    json_array_clear(reasons);
    CHECK(match_score(&draft, &unrelated, reasons) < 0.3 && json_array_size(reasons) == 0,
          "another company's announcement a year before: below 0.3, no reason");
    json_array_clear(reasons);
    draft.urls = url;
    CHECK(match_score(&draft, &unrelated, reasons) == 1.0 &&
              strcmp(json_string_value(json_array_get(reasons, 0)), "already a source") == 0,
          "an announcement that has the article's URL: 1, already a source");
    json_decref(reasons);
}

static void test_fiscal_conventions(void)
{
    static const struct {
        const char *country;
        int year, year2;
        const char *starts, *ends; /* NULL: unknown */
    } cases[] = {
        {"JP", 2024, 0, "2024-04-01", "2025-03-31"},
        {"IN", 2024, 0, "2023-04-01", "2024-03-31"},
        {"IN", 2024, 2025, "2024-04-01", "2025-03-31"},
        {"US", 2024, 0, "2023-10-01", "2024-09-30"},
        {"FR", 2024, 0, NULL, NULL},
        {NULL, 2024, 0, NULL, NULL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char s[11], e[11];
        bool ok = fiscal_dates(cases[k].country, cases[k].year, cases[k].year2, s, e);
        if (cases[k].starts)
            CHECK(ok && strcmp(s, cases[k].starts) == 0 && strcmp(e, cases[k].ends) == 0,
                  "fiscal %d in %s: %s to %s", cases[k].year, cases[k].country, cases[k].starts,
                  cases[k].ends);
        else
            CHECK(!ok, "fiscal %d in %s: unknown", cases[k].year,
                  cases[k].country ? cases[k].country : "no country");
    }
}

int main(int argc, char **argv)
{
    load_known();
    if (argc == 4 && strcmp(argv[1], "--print") == 0) {
        struct draft_scan scan;
        if (!parse_scan(argv[2], &scan))
            return 2;
        struct mentions list = {0};
        char *found = render(argv[3], &scan, &list);
        puts(found);
        free(found);
        mentions_free(&list);
        company_names_free(&known_names);
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: test_draft CORPUS HELDOUT | --print LANG[:CC][@DATE] TEXT\n");
        return 2;
    }
    test_utext();
    test_numbers();
    test_languages();
    test_fiscal_conventions();
    test_sentences();
    test_matches();
    test_many_companies();
    int phrases = run_corpus(argv[1], true);
    phrases += run_corpus(argv[2], false);
    CHECK(phrases >= 300, "at least 300 phrases in all (%d)", phrases);
    company_names_free(&known_names);
    return tap_done();
}
