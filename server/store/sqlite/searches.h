/* searches — the kept totals of common one-word searches (migration 0015):
 * GET /v1/stats/totals?q=WORD answered from sums kept up to date instead
 * of a pass over every pledge the word is found in.
 *
 * Which words: a totals request that reads at least
 * store_search_totals_at() pledges for a one-word search asks the writer,
 * without waiting, to keep that word (sq_search_want). The writer counts
 * the word's pledges once, in steps of sq_search_step() pledges in order
 * of id (migration 0017), each step a job of its own that queues the next,
 * so that the writes arriving meanwhile wait for one step, not for the
 * whole count (3 s at a million pledges). Totals are read from a word once
 * it is counted through. Up to 63 words are kept. A word is what FTS5's
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
 * Ownership: nothing here outlives a call but the settings and the words
 * asked for: each is a queued job's context (a struct search_keep), passed
 * from step to step and freed by the last step's release on the writer's
 * thread (writer_post). */
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

/* Pledges one step of keeping a word reads (store_search_totals_step_set). */
long long sq_search_step(void);

/* A word being kept, from one step to the next. */
struct search_keep {
    char token[SEARCH_TOKEN_MAX + 1];
    bool more;      /* set by a step: pledges remain to be counted */
    long long from; /* where the last step began (-1: none yet) */
    /* For the operator's log line: steps taken, pledges found holding the
     * word, and the steps' time. */
    int steps;
    long long found, longest_ms, total_ms;
};

/* Makes k a word to keep, no step taken; false when token is too long. */
bool sq_search_keep_init(struct search_keep *k, const char *token);

/* A write body (store_tx_fn): one step of keeping the word ctx (a struct
 * search_keep): keeps the word when it is not kept yet, then counts the
 * next sq_search_step() pledges, and sets ctx's `more` when some remain.
 * STORE_OK also when the word is counted through already, when 63 are kept,
 * and when the last step's work was not committed (more is then false: the
 * next request for the word resumes where the committed steps ended). */
enum store_status sq_search_keep(struct db *db, void *ctx);

/* Recounts the pledges listed in pledge_search_dirty and empties it;
 * nothing when it is empty. Runs inside the write transaction, after the
 * full-text entries are written (db_commit). */
enum store_status sq_searches_fold(struct db *db);

/* Forgets every kept word (a bulk load, which sets the triggers aside). */
enum store_status sq_searches_forget(struct db *db);

#endif
