/* like — a substring search as a LIKE pattern, for both engines: q's own
 * %, _ and \ escaped with \ (both engines' LIKE takes ESCAPE '\'), and
 * wrapped in %. Returns a new string (the caller frees it), or NULL when
 * out of memory. */
#ifndef PLEDGED_LIKE_H
#define PLEDGED_LIKE_H

char *like_pattern(const char *q);

#endif
