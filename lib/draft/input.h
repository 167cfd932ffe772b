/* input (drafts) — the body of POST /v1/drafts, checked: {"text", "url",
 * "title", "published_on", "publisher", "language"}. Every problem is
 * reported at once, as the other inputs do.
 *
 * Ownership: the strings in struct draft_request are borrowed from the
 * body, which must outlive it.
 */
#ifndef PLEDGED_DRAFT_INPUT_H
#define PLEDGED_DRAFT_INPUT_H

#include "draft.h"

#include <jansson.h>

/* Fills req from body (its companies left empty for the caller); appends
 * each problem to errors (jsonx_error_add): text missing, not a string or
 * only white space; url not http(s); title, publisher too long;
 * published_on not a date from 1970 to tomorrow; language not "en", "fr",
 * "ja" or null; an unknown field. */
void draft_input_parse(const json_t *body, struct draft_request *req, json_t *errors);

#endif
