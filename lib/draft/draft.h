/* draft — an article's text in, the record a reader would make of it out:
 * the announcement with its pledges (a body POST /v1/announcements takes
 * as it is once the new companies exist), the companies it names that are
 * not known yet, and every figure, date, country and company found, with
 * where it is in the text. POST /v1/drafts and `pledged draft` answer
 * with it; the server adds `matches` (existing announcements this article
 * probably reports), which need the database.
 *
 * Nothing is written and nothing is decided: every field is a proposal for
 * the analyst, and `warnings` says what could not be filled.
 *
 * Ownership: the request's strings are borrowed for the call; the answer
 * is a new reference.
 */
#ifndef PLEDGED_DRAFT_DRAFT_H
#define PLEDGED_DRAFT_DRAFT_H

#include "extract.h"

#include <jansson.h>

struct draft_company {
    const char *slug;
    const char *name;
    const char *country;        /* ISO 3166 code, or NULL */
    const char *const *aliases; /* n_aliases names */
    size_t n_aliases;
};

struct draft_request {
    const char *text;           /* UTF-8 */
    size_t text_len;            /* bytes */
    const char *url;            /* the article's address, or NULL */
    const char *title;          /* or NULL: the text's first line */
    const char *publisher;      /* or NULL */
    char published_on[11];      /* YYYY-MM-DD, or "" */
    bool language_given;
    enum draft_lang language;   /* when language_given */
    const struct draft_company *companies; /* the known companies */
    size_t n_companies;
};

enum draft_status {
    DRAFT_OK,
    DRAFT_INVALID_UTF8, /* the text is not valid UTF-8 (or holds a NUL) */
    DRAFT_EMPTY,        /* the text has nothing but white space */
    DRAFT_NO_MEMORY,
};

/* Builds the draft of req into *out (a new reference: {"language",
 * "announcement", "new_companies", "mentions", "warnings"}). */
enum draft_status draft_build(const struct draft_request *req, json_t **out);

#endif
