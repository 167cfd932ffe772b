/* fts — free text as an SQLite FTS5 query. Its own file, with no SQLite
 * calls, so the query fuzzer can build it alone. */
#ifndef PLEDGED_STORE_FTS_H
#define PLEDGED_STORE_FTS_H

/* An FTS5 query for free text q: every word (text_is_word) becomes a quoted
 * phrase, so nothing the user types is FTS5 syntax; a trailing '*' keeps
 * prefix search. Malloc'd, or NULL when q has no word in it (or out of
 * memory). */
char *sq_fts_query(const char *q);

#endif
