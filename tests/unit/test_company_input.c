/* Unit tests for lib/company_input: every rule, and that all errors of one
 * body are reported together. */
#include "company_input.h"
#include "jsonx.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

struct case_ {
    const char *body;
    enum input_mode mode;
    const char *errors; /* the error fields, comma-separated, "" for none */
};

static void errors_fields(json_t *errors, char *out, size_t len)
{
    out[0] = '\0';
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e) {
        if (i)
            strncat(out, ",", len - strlen(out) - 1);
        strncat(out, json_string_value(json_object_get(e, "field")), len - strlen(out) - 1);
    }
}

int main(void)
{
    static const struct case_ cases[] = {
        {"{\"name\":\"Microsoft\"}", INPUT_CREATE, ""},
        {"{\"name\":\"Microsoft\",\"slug\":\"msft\",\"country\":\"us\","
         "\"website\":\"https://www.microsoft.com\",\"aliases\":[\"MSFT\"]}", INPUT_CREATE, ""},
        {"{\"name\":\"Microsoft\",\"country\":null,\"website\":null,\"aliases\":null}",
         INPUT_CREATE, ""},
        {"{}", INPUT_CREATE, "name"},
        {"{}", INPUT_PATCH, ""},
        {"{\"name\":null}", INPUT_PATCH, "name"},
        {"{\"name\":\"\"}", INPUT_CREATE, "name"},
        {"{\"name\":\"  \"}", INPUT_CREATE, "name"},
        {"{\"name\":42}", INPUT_CREATE, "name"},
        {"{\"name\":\"3M\"}", INPUT_CREATE, "slug"},
        {"{\"name\":\"3M\",\"slug\":\"three-m\"}", INPUT_CREATE, ""},
        {"{\"name\":\"X\",\"slug\":\"Bad Slug\"}", INPUT_CREATE, "slug"},
        {"{\"name\":\"X\",\"slug\":null}", INPUT_CREATE, "slug"},
        {"{\"name\":\"X\",\"country\":\"JPN\"}", INPUT_CREATE, "country"},
        {"{\"name\":\"X\",\"country\":\"UK\"}", INPUT_CREATE, "country"},
        {"{\"name\":\"X\",\"country\":1}", INPUT_CREATE, "country"},
        {"{\"name\":\"X\",\"website\":\"www.x.com\"}", INPUT_CREATE, "website"},
        {"{\"name\":\"X\",\"website\":\"javascript:alert(1)\"}", INPUT_CREATE, "website"},
        {"{\"name\":\"X\",\"aliases\":\"MSFT\"}", INPUT_CREATE, "aliases"},
        {"{\"name\":\"X\",\"aliases\":[\"a\",1,\"\",\"A\"]}", INPUT_CREATE,
         "aliases[1],aliases[2],aliases[3]"},
        {"{\"name\":\"X\",\"pledge_count\":3,\"created_at\":\"x\"}", INPUT_CREATE,
         "pledge_count,created_at"},
        {"{\"nmae\":\"X\"}", INPUT_CREATE, "nmae,name"},
        {"{\"name\":\"\",\"slug\":\"9\",\"country\":\"ZZ\",\"website\":\"ftp://x\","
         "\"aliases\":[1],\"extra\":true}", INPUT_CREATE,
         "extra,name,slug,country,website,aliases[0]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[256];
        json_t *body = jsonx_parse_object(cases[i].body, strlen(cases[i].body), err, sizeof err);
        json_t *errors = json_array();
        struct company_input in;
        company_input_parse(body, cases[i].mode, &in, errors);
        char fields[512];
        errors_fields(errors, fields, sizeof fields);
        CHECK(strcmp(fields, cases[i].errors) == 0, "%s %s -> errors [%s] (got [%s])",
              cases[i].mode == INPUT_CREATE ? "create" : "patch", cases[i].body,
              cases[i].errors, fields);
        company_input_free(&in);
        json_decref(errors);
        json_decref(body);
    }

    /* What a valid body yields. */
    const char *text = "{\"name\":\"Société Générale\",\"country\":\"fr\",\"aliases\":[\"SocGen\"]}";
    char err[256];
    json_t *body = jsonx_parse_object(text, strlen(text), err, sizeof err);
    json_t *errors = json_array();
    struct company_input in;
    company_input_parse(body, INPUT_CREATE, &in, errors);
    CHECK(json_array_size(errors) == 0 && strcmp(in.slug, "societe-generale") == 0,
          "the slug is derived from the name (%s)", in.slug);
    CHECK(strcmp(in.country, "FR") == 0, "the country is upper-cased");
    CHECK(in.has_aliases && json_array_size(in.aliases) == 1, "aliases are kept");
    CHECK(!in.has_website, "an absent field is not 'given'");
    company_input_free(&in);
    json_decref(errors);
    json_decref(body);

    /* Limits: 200-character names and 32 aliases pass, one more does not. */
    char name[260];
    memset(name, 'n', 201);
    name[201] = '\0';
    for (int len = 200; len <= 201; len++) {
        name[len] = '\0';
        json_t *b = json_pack("{s:s}", "name", name);
        json_t *e = json_array();
        company_input_parse(b, INPUT_CREATE, &in, e);
        CHECK((json_array_size(e) == 0) == (len == 200), "a %d-character name is %s", len,
              len == 200 ? "accepted" : "refused");
        company_input_free(&in);
        json_decref(e);
        json_decref(b);
        name[len] = 'n';
    }
    for (int n = 32; n <= 33; n++) {
        json_t *aliases = json_array();
        for (int i = 0; i < n; i++) {
            char a[16];
            snprintf(a, sizeof a, "alias%d", i);
            json_array_append_new(aliases, json_string(a));
        }
        json_t *b = json_pack("{s:s, s:o}", "name", "X", "aliases", aliases);
        json_t *e = json_array();
        company_input_parse(b, INPUT_CREATE, &in, e);
        CHECK((json_array_size(e) == 0) == (n == 32), "%d aliases are %s", n,
              n == 32 ? "accepted" : "refused");
        company_input_free(&in);
        json_decref(e);
        json_decref(b);
    }
    return tap_done();
}
