/* keytab — a hash table of fixed-size entries keyed by a short string, for
 * summing rows into groups (the totals by company, country, month...).
 *
 * Each entry begins with its key: `char key[KEYTAB_KEY]` must be the first
 * member of the caller's entry struct. Keys longer than KEYTAB_KEY - 1
 * bytes are cut (group keys are codes, ids and dates). Open addressing,
 * grown at half full.
 *
 * Ownership: the table owns its entries; pointers into it stay valid until
 * the next keytab_find (which may grow it) or keytab_free. */
#ifndef PLEDGED_KEYTAB_H
#define PLEDGED_KEYTAB_H

#include <stdbool.h>
#include <stddef.h>

#define KEYTAB_KEY 32

struct keytab {
    unsigned char *entries; /* cap entries of `size` bytes */
    bool *used;
    size_t size, cap, n;
};

void keytab_init(struct keytab *t, size_t entry_size);
/* The entry for key, added zeroed (with its key) when new; NULL when out
 * of memory. */
void *keytab_find(struct keytab *t, const char *key);
/* Entry i (0 <= i < t->cap), or NULL for an empty slot: for walking. */
void *keytab_slot(const struct keytab *t, size_t i);
void keytab_free(struct keytab *t);

#endif
