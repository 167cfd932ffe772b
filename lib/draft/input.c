/* input (drafts) — checking a draft request (see input.h). */
#include "input.h"

#include "fields.h"
#include "jsonx.h"
#include "pledge_input.h"
#include "text.h"

#include <string.h>

void draft_input_parse(const json_t *body, struct draft_request *req, json_t *errors)
{
    static const char *const allowed[] = {"text", "url", "title", "published_on", "publisher",
                                          "language", NULL};
    memset(req, 0, sizeof *req);
    jsonx_check_fields(body, allowed, NULL, "", errors);
    /* The text as pasted: line breaks of any system, tabs and other control
     * characters are read as spaces, so only emptiness is refused (a NUL
     * never gets past the JSON parser). */
    json_t *text = json_object_get(body, "text");
    if (!text || json_is_null(text)) {
        jsonx_error_add(errors, "text", "is required");
    } else if (!json_is_string(text)) {
        jsonx_error_add(errors, "text", "must be a string, not %s", jsonx_type(text));
    } else {
        req->text = json_string_value(text);
        req->text_len = json_string_length(text);
        size_t k = strspn(req->text, " \t\r\n\f\v");
        if (k == req->text_len)
            jsonx_error_add(errors, "text", "must not be empty");
    }
    json_t *url = json_object_get(body, "url");
    if (url && !json_is_null(url)) {
        const char *why = json_is_string(url) ? url_check_http(json_string_value(url))
                                              : "must be an http or https URL";
        if (why)
            jsonx_error_add(errors, "url", "%s", why);
        else
            req->url = json_string_value(url);
    }
    req->title = field_text(body, "title", TITLE_MAX, false, false, "", errors);
    req->publisher = field_text(body, "publisher", PUBLISHER_MAX, false, false, "", errors);
    char tomorrow[DATE_TEXT];
    date_tomorrow_utc(tomorrow);
    field_date(body, "published_on", false, DATE_FIRST, tomorrow, "", req->published_on, errors);
    json_t *lang = json_object_get(body, "language");
    if (lang && !json_is_null(lang)) {
        if (!json_is_string(lang) || !draft_lang_parse(json_string_value(lang), &req->language))
            jsonx_error_add(errors, "language", "must be \"en\", \"fr\", \"ja\" or null (detected)");
        else
            req->language_given = true;
    }
}
