/* libFuzzer target for the JSON body -> validation path of every resource:
 * the first byte picks company (create), announcement, stand-alone pledge
 * or rate body; the rest is parsed strictly (jsonx_parse_object) and
 * validated. Any input must be refused or accepted without a crash, a leak
 * or undefined behaviour, and an accepted body must re-validate the same
 * after a merge-patch with {} (the PATCH path). */
#include "company_input.h"
#include "jsonx.h"
#include "money.h"
#include "pledge_input.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    char err[256];
    json_t *body = jsonx_parse_object((const char *)data + 1, size - 1, err, sizeof err);
    if (!body)
        return 0;
    json_t *errors = json_array();
    switch (data[0] % 4) {
    case 0: {
        struct company_input in;
        company_input_parse(body, INPUT_CREATE, &in, errors);
        company_input_free(&in);
        company_input_parse(body, INPUT_PATCH, &in, errors);
        company_input_free(&in);
        break;
    }
    case 1: {
        struct announcement_input a;
        announcement_input_parse(body, &a, errors);
        bool valid = json_array_size(errors) == 0;
        announcement_input_free(&a);
        json_t *empty = json_object(), *merged = jsonx_merge_patch(body, empty);
        json_t *again = json_array();
        announcement_input_parse(merged, &a, again);
        if (valid != (json_array_size(again) == 0))
            abort(); /* merge-patch with {} must not change the verdict */
        announcement_input_free(&a);
        json_decref(again);
        json_decref(merged);
        json_decref(empty);
        break;
    }
    case 2: {
        struct pledge_input p;
        pledge_input_parse(body, true, "", &p, errors);
        const char *companies[] = {"microsoft", "hitachi"};
        const char *urls[] = {"https://example.com/a"};
        pledge_check_context(&p, companies, 2, urls, 1, "", errors);
        pledge_input_free(&p);
        break;
    }
    default: {
        json_t *v = json_object_get(body, "per_usd");
        struct rate r;
        char why[128];
        if (json_is_string(v))
            rate_parse(json_string_value(v), &r, why, sizeof why);
        break;
    }
    }
    /* Every error is {field, message} with both strings present. */
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e)
        if (!json_is_string(json_object_get(e, "field")) || !json_is_string(json_object_get(e, "message")))
            abort();
    json_decref(errors);
    json_decref(body);
    return 0;
}
