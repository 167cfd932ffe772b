/* codes — looking up a short upper-case code ("JP", "JPY") in a table of
 * structs sorted by that code, case-insensitively on input. Shared by the
 * ISO 3166 and ISO 4217 tables.
 *
 * Ownership: the tables are static; lookups return borrowed pointers.
 */
#ifndef PLEDGED_CODES_H
#define PLEDGED_CODES_H

#include <stddef.h>

/* The element of `table` (count elements of `size` bytes, each starting
 * with a NUL-terminated code of `len` letters, sorted) whose code is `code`
 * in any case, or NULL when `code` is not `len` ASCII letters or not there. */
const void *code_find(const char *code, size_t len, const void *table, size_t count,
                      size_t size);

#endif
