/* searches — the kept totals of common one-word searches (migration 0015):
 * GET /v1/stats/totals?q=WORD answered from sums kept up to date instead
 * of a pass over every pledge the word is found in.
 *
 * Which words: a totals request that reads at least
 * store_search_totals_at() pledges for a one-word search asks the writer,
 * without waiting, to keep that word (sq_search_want); the job counts the
 * word's pledges once. Up to 63 words are kept. A word is what FTS5's
 * unicode61 tokenizer makes of `q` (one token, no prefix star), so the
 * kept totals match exactly the pledges `q` finds.
 *
 * Upkeep: triggers list the pledges that change (pledge_search_dirty);
 * db_commit calls sq_searches_fold after the full-text entries are
 * rewritten, which takes away what each listed pledge was counted with
 * (pledge_search_marks) and counts it again as it stands, tokenizing its
 * text with the same tokenizer. The tests hold the kept totals to FTS5's
 * own answer (the view pledge_search_groups_computed).
 *
 * Ownership: nothing here outlives a call but the setting and the words
 * asked for: each is a queued job's context, freed by the job's release
 * on the writer's thread (writer_post). */
#ifndef PLEDGED_STORE_SEARCHES_H
#define PLEDGED_STORE_SEARCHES_H

#include "store.h"

#include <stdbool.h>

struct db;

/* The longest kept word, in bytes; longer ones are not kept. */
#define SEARCH_TOKEN_MAX 64

/* The word `q` (an API query, already checked to have a word) stands for,
 * as the tokenizer folds it, when q is one word that is one token with no
 * prefix star; false otherwise (or when the tokenizer is missing). */
bool sq_search_token(struct db *db, const char *q, char token[SEARCH_TOKEN_MAX + 1]);

/* Asks the writer to keep `token`, without waiting (a request that found
 * it in `matched` pledges). Nothing when matched is below the setting,
 * the setting is 0, the writer is not running, 63 words are kept, or the
 * word (or 8 others) is asked for already and its job not yet done. */
void sq_search_want(const char *token, long long matched);

/* A write body (store_tx_fn): keeps the word ctx (a token), counting its
 * pledges once. STORE_OK also when it is kept already or 63 are. */
enum store_status sq_search_keep(struct db *db, void *ctx);

/* Recounts the pledges listed in pledge_search_dirty and empties it;
 * nothing when it is empty. Runs inside the write transaction, after the
 * full-text entries are written (db_commit). */
enum store_status sq_searches_fold(struct db *db);

/* Forgets every kept word (a bulk load, which sets the triggers aside). */
enum store_status sq_searches_forget(struct db *db);

#endif
