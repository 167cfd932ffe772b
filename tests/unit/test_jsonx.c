/* Unit tests for lib/jsonx: strict parsing and field checks. */
#include "jsonx.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

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
    return tap_done();
}
