/* Unit tests for lib/jsonx: strict parsing and field checks. */
#include "jsonx.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

/* jsonx_merge_diff, table-driven: the patch RFC 7396 readers expect. */
static void merge_diff_cases(void)
{
    static const struct { const char *from, *to, *patch, *why; } cases[] = {
        {"{\"a\":1}", "{\"a\":1}", "{}", "nothing changed: an empty patch"},
        {"{\"a\":1}", "{\"a\":2}", "{\"a\":2}", "a changed member"},
        {"{\"a\":1,\"b\":2}", "{\"a\":1}", "{\"b\":null}", "a removed member is null"},
        {"{\"a\":1}", "{\"a\":1,\"b\":[1,2]}", "{\"b\":[1,2]}", "an added member"},
        {"{\"a\":\"x\"}", "{\"a\":null}", "{\"a\":null}", "became null: null, as removal"},
        {"{\"a\":{\"b\":1,\"c\":2}}", "{\"a\":{\"b\":1,\"c\":3}}", "{\"a\":{\"c\":3}}",
         "nested objects diff member by member"},
        {"{\"a\":{\"b\":1}}", "{\"a\":[1]}", "{\"a\":[1]}", "an object that became an array"},
        {"{\"a\":[1,2,3]}", "{\"a\":[1,2]}", "{\"a\":[1,2]}", "arrays are replaced whole"},
        {"{\"a\":1}", "[1]", "[1]", "not an object: the target itself"},
        {"{\"q\":\"\\\"\\u00e9\\ud83d\\ude00\"}", "{\"q\":\"\\\"\\u00e9\\ud83d\\ude01\"}",
         "{\"q\":\"\\\"\\u00e9\\ud83d\\ude01\"}", "strings with quotes and 4-byte UTF-8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *from = json_loads(cases[i].from, 0, NULL), *to = json_loads(cases[i].to, 0, NULL),
               *want = json_loads(cases[i].patch, 0, NULL);
        json_t *got = jsonx_merge_diff(from, to);
        char *text = jsonx_dump(got, NULL);
        CHECK(json_equal(got, want), "merge diff: %s (%s)", cases[i].why, text ? text : "?");
        free(text);
        json_decref(from), json_decref(to), json_decref(want), json_decref(got);
    }
    json_t *from = json_loads("{\"a\":1}", 0, NULL);
    json_t *deleted = jsonx_merge_diff(from, NULL);
    CHECK(json_is_null(deleted), "after a delete the patch is null");
    json_decref(deleted);
    json_decref(from);
}

/* A record of random shape: objects nested two deep, scalars, nulls, arrays. */
static json_t *random_doc(unsigned *seed, int depth)
{
    json_t *o = json_object();
    int n = (int)(rand_r(seed) % 6);
    for (int i = 0; i < n; i++) {
        char key[8];
        snprintf(key, sizeof key, "k%u", rand_r(seed) % 8);
        json_t *v;
        switch (rand_r(seed) % 6) {
        case 0: v = json_null(); break;
        case 1: v = json_integer(rand_r(seed) % 3); break;
        case 2: v = json_string(rand_r(seed) % 2 ? "x" : "y"); break;
        case 3: v = json_pack("[i]", (int)(rand_r(seed) % 2)); break;
        default: v = depth < 2 ? random_doc(seed, depth + 1) : json_true(); break;
        }
        json_object_set_new(o, key, v);
    }
    return o;
}

/* `doc` less its null members, at every depth (what merge patch keeps). */
static json_t *without_nulls(const json_t *doc)
{
    if (!json_is_object(doc))
        return json_deep_copy(doc);
    json_t *out = json_object();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)doc, key, v)
        if (!json_is_null(v))
            json_object_set_new(out, key, without_nulls(v));
    return out;
}

/* The reference model: applying the diff to `from` gives `to` (less its
 * nulls), and the diff is empty exactly when nothing changed. */
static void merge_diff_model(void)
{
    unsigned seed = 14;
    int wrong = 0, empty_wrong = 0;
    for (int i = 0; i < 20000; i++) {
        json_t *from = random_doc(&seed, 0), *to = random_doc(&seed, 0);
        if (i % 4 == 0) { /* often a small change to the same record */
            json_decref(to);
            to = json_deep_copy(from);
            json_object_set_new(to, "k1", json_integer(i % 3));
        }
        json_t *patch = jsonx_merge_diff(from, to);
        json_t *applied = jsonx_merge_patch(from, patch);
        json_t *a = without_nulls(applied), *b = without_nulls(to);
        wrong += !json_equal(a, b);
        empty_wrong += (json_object_size(patch) == 0) != (json_equal(from, to) != 0);
        json_decref(from), json_decref(to), json_decref(patch), json_decref(applied);
        json_decref(a), json_decref(b);
    }
    CHECK(wrong == 0, "merge_patch(from, merge_diff(from, to)) is to, for 20000 random pairs "
                      "(%d wrong)", wrong);
    CHECK(empty_wrong == 0, "the diff is empty exactly when nothing changed (%d wrong)",
          empty_wrong);
}

int main(void)
{
    static const struct { const char *text; bool ok; const char *why; } parse[] = {
        {"{}", true, NULL},
        {"{\"a\":1}", true, NULL},
        {" {\"a\": [1, 2, {\"b\": null}]} \n", true, NULL},
        {"", false, "empty"},
        {"{", false, "malformed"},
        {"{\"a\":1,}", false, "malformed"},
        {"{\"a\":1}{}", false, "malformed"},
        {"[1,2]", false, "must be a JSON object"},
        {"\"text\"", false, "must be a JSON object"},
        {"null", false, "must be a JSON object"},
        {"{\"a\":1,\"a\":2}", false, "duplicate"},
        {"{\"a\":\"\\u0000\"}", false, "malformed"},
        {"{\"a\":\"\xff\"}", false, "malformed"},
        {"{'a':1}", false, "malformed"},
        {"{\"a\":NaN}", false, "malformed"},
    };
    for (size_t i = 0; i < sizeof parse / sizeof parse[0]; i++) {
        char err[256] = "";
        json_t *v = jsonx_parse_object(parse[i].text, strlen(parse[i].text), err, sizeof err);
        bool ok = v != NULL;
        CHECK(ok == parse[i].ok && (ok || strstr(err, parse[i].why)),
              "parse %s: %s (%s)", parse[i].text, parse[i].ok ? "accepted" : "refused", err);
        json_decref(v);
    }

    /* Depth: 32 levels pass, 33 do not. */
    for (int depth = 32; depth <= 34; depth++) {
        char text[200] = "";
        for (int i = 0; i < depth - 1; i++)
            strcat(text, i == 0 ? "{\"a\":" : "[");
        strcat(text, "1");
        for (int i = depth - 2; i >= 0; i--)
            strcat(text, i == 0 ? "}" : "]");
        if (depth == 1)
            strcpy(text, "{}");
        char err[256] = "";
        json_t *v = jsonx_parse_object(text, strlen(text), err, sizeof err);
        /* the text nests depth-1 containers plus the innermost value */
        bool expect_ok = depth - 1 <= JSONX_MAX_DEPTH;
        CHECK((v != NULL) == expect_ok, "nesting %d containers is %s", depth - 1,
              expect_ok ? "accepted" : "refused");
        json_decref(v);
    }
    {
        char text[300] = "{\"a\":";
        for (int i = 0; i < 40; i++)
            strcat(text, "[");
        for (int i = 0; i < 40; i++)
            strcat(text, "]");
        strcat(text, "}");
        char err[256] = "";
        json_t *v = jsonx_parse_object(text, strlen(text), err, sizeof err);
        CHECK(v == NULL && strstr(err, "deeper"), "41 levels are refused as too deep (%s)", err);
        json_decref(v);
    }

    static const struct { json_t *v; const char *name; } types[] = {
        {NULL, "object"}, {NULL, "array"}, {NULL, "string"}, {NULL, "integer"},
        {NULL, "number"}, {NULL, "boolean"}, {NULL, "null"},
    };
    json_t *samples[] = {json_object(), json_array(), json_string("x"), json_integer(1),
                         json_real(1.5), json_true(), json_null()};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        CHECK(strcmp(jsonx_type(samples[i]), types[i].name) == 0, "jsonx_type is %s",
              types[i].name);
        json_decref(samples[i]);
    }

    json_t *obj = json_pack("{s:i, s:i, s:i, s:i}", "name", 1, "nmae", 2, "created_at", 3,
                            "slug", 4);
    json_t *errors = json_array();
    static const char *const allowed[] = {"name", "slug", NULL};
    static const char *const ro[] = {"created_at", NULL};
    jsonx_check_fields(obj, allowed, ro, "pledges[2]", errors);
    char *dump = jsonx_dump(errors, NULL);
    CHECK(json_array_size(errors) == 2, "two bad fields found (%s)", dump);
    CHECK(dump && strstr(dump, "{\"field\":\"pledges[2].nmae\",\"message\":\"unknown field\"}") &&
              strstr(dump, "{\"field\":\"pledges[2].created_at\",\"message\":\"is read-only\"}"),
          "fields are named with their path and reason");
    free(dump);
    json_decref(errors);
    json_decref(obj);
    merge_diff_cases();
    merge_diff_model();
    return tap_done();
}
