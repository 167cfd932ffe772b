/* companies — known companies named in article text, by name or alias,
 * with case and accents ignored ("SoftBank Group", "softbank", "Société
 * Générale" as "Societe Generale"). The caller lists the companies it
 * knows (the database's) once per draft; the longest name that matches at
 * a place wins, so "SoftBank Group" is one mention, not "SoftBank".
 *
 * Ownership: company_names_add copies each name; company_names_free frees
 * them all.
 */
#ifndef PLEDGED_DRAFT_COMPANIES_H
#define PLEDGED_DRAFT_COMPANIES_H

#include "mention.h"

#include <stdint.h>

struct company_name {
    uint32_t *text; /* the name folded as utext folds, accents removed; owned */
    size_t len;     /* code points */
    int company;    /* the caller's index of the company */
};

struct company_names {
    struct company_name *v; /* owned; once sorted: by first two code points, longest first */
    size_t n, cap;
    bool sorted;
};

/* Adds `name` (UTF-8) for the company with index `company`. False when it
 * is not valid UTF-8, is empty, or memory runs out. */
bool company_names_add(struct company_names *list, const char *name, int company);
void company_names_free(struct company_names *list);

/* The longest known name starting at i (a word start); fills m (type,
 * start, end, company) and returns true. Sorts the list on first use. */
bool company_read(const struct utext *t, size_t i, struct company_names *list, struct mention *m);

/* A code point without its accent (é is e, ç is c), for matching names. */
uint32_t ut_base(uint32_t c);

#endif
