/* searches — kept totals of common one-word searches (see searches.h).
 *
 * The fold's work for one listed pledge: take away what pledge_search_marks
 * says it was counted with (its words, keys and figures), then read it as
 * it stands (pledge_group_keys), tokenize its description and its
 * announcement's full-text entry, and count it under each kept word found.
 * The sums of a batch are added with one upsert a (word, group_by, key). */
#include "searches.h"

#include "db.h"
#include "fts_sync.h"
#include "groups.h"
#include "keytab.h"
#include "log.h"
#include "sq.h"
#include "text.h"
#include "writer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WORDS_MAX 63 /* bits of a mask */
#define DIMS GROUPS_DIMS

static atomic_llong search_at = 20000;
static atomic_bool words_full; /* 63 kept: asking for more does nothing */

void store_search_totals_set(long long at)
{
    atomic_store(&search_at, at);
}

long long store_search_totals_at(void)
{
    return atomic_load(&search_at);
}

/* ---- the tokenizer: FTS5's own, as migration 0004's tables declare it --- */

struct tokenizer {
    fts5_tokenizer api;
    Fts5Tokenizer *h;
};

static bool tokenizer_open(struct db *db, struct tokenizer *tk)
{
    fts5_api *fts5 = NULL;
    sqlite3_stmt *st = db_prepare(db, "SELECT fts5(?1)");
    if (!st)
        return false;
    sqlite3_bind_pointer(st, 1, (void *)&fts5, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    db_done(st);
    void *user = NULL;
    /* 0004: tokenize = 'unicode61 remove_diacritics 2' */
    const char *args[] = {"remove_diacritics", "2"};
    tk->h = NULL;
    return fts5 && fts5->iVersion >= 2 &&
           fts5->xFindTokenizer(fts5, "unicode61", &user, &tk->api) == SQLITE_OK &&
           tk->api.xCreate(user, args, 2, &tk->h) == SQLITE_OK;
}

static void tokenizer_close(struct tokenizer *tk)
{
    if (tk->h)
        tk->api.xDelete(tk->h);
    tk->h = NULL;
}

/* ---- q as a word -------------------------------------------------------- */

struct one_token {
    char *out;
    int n;
};

static int take_token(void *ctx, int flags, const char *tok, int len, int start, int end)
{
    (void)flags, (void)start, (void)end;
    struct one_token *o = ctx;
    if (++o->n == 1 && len > 0 && len <= SEARCH_TOKEN_MAX) {
        memcpy(o->out, tok, (size_t)len);
        o->out[len] = '\0';
    } else if (o->n == 1) {
        o->n = 2; /* too long to keep: as good as two */
    }
    return SQLITE_OK;
}

bool sq_search_token(struct db *db, const char *q, char token[SEARCH_TOKEN_MAX + 1])
{
    const char *word, *p = q;
    size_t len;
    bool prefix;
    if (!text_next_word(&p, &word, &len, &prefix) || prefix || len > 4 * SEARCH_TOKEN_MAX)
        return false;
    const char *next;
    size_t next_len;
    bool next_prefix;
    if (text_next_word(&p, &next, &next_len, &next_prefix))
        return false; /* two words */
    struct tokenizer tk;
    struct one_token o = {token, 0};
    bool ok = tokenizer_open(db, &tk) &&
              tk.api.xTokenize(tk.h, &o, FTS5_TOKENIZE_QUERY, word, (int)len, take_token) ==
                  SQLITE_OK &&
              o.n == 1;
    tokenizer_close(&tk);
    return ok;
}

/* ---- asking for a word -------------------------------------------------- */

/* The words asked for and not yet counted through: a second request for
 * one, while its steps wait or run, asks nothing more. */
#define WANTED_MAX 8
static struct {
    pthread_mutex_t mu;
    struct search_keep *keep[WANTED_MAX]; /* malloc'd; the jobs' context */
} wanted = {.mu = PTHREAD_MUTEX_INITIALIZER};

/* The word is no longer waited for. */
static void wanted_done(struct search_keep *k)
{
    pthread_mutex_lock(&wanted.mu);
    for (int i = 0; i < WANTED_MAX; i++)
        if (wanted.keep[i] == k)
            wanted.keep[i] = NULL;
    pthread_mutex_unlock(&wanted.mu);
    free(k);
}

/* A step's release (writer_post), on the writer's thread once the step's
 * batch is over: queues the next step while pledges remain, behind the
 * writes that came meanwhile. */
static void keep_release(void *ctx)
{
    struct search_keep *k = ctx;
    if (k->more && writer_post(sq_search_keep, k, keep_release))
        return;
    wanted_done(k);
}

void sq_search_want(const char *token, long long matched)
{
    long long at = atomic_load(&search_at);
    if (at <= 0 || matched < at || atomic_load(&words_full))
        return;
    pthread_mutex_lock(&wanted.mu);
    int slot = -1;
    bool asked = false;
    for (int i = 0; i < WANTED_MAX; i++) {
        if (wanted.keep[i] && strcmp(wanted.keep[i]->token, token) == 0)
            asked = true;
        else if (!wanted.keep[i] && slot < 0)
            slot = i;
    }
    struct search_keep *k = !asked && slot >= 0 ? malloc(sizeof *k) : NULL;
    if (k && !sq_search_keep_init(k, token)) {
        free(k);
        k = NULL;
    }
    if (k)
        wanted.keep[slot] = k;
    pthread_mutex_unlock(&wanted.mu);
    if (k && !writer_post(sq_search_keep, k, keep_release))
        wanted_done(k);
}

/* ---- the kept words and their sums --------------------------------------- */

/* The kept words, those still being counted included (the fold counts a
 * pledge that changes under every one). */
struct words {
    int n;
    int bit[WORDS_MAX];
    char token[WORDS_MAX][SEARCH_TOKEN_MAX + 1];
    int len[WORDS_MAX];
    long long counted_to[WORDS_MAX]; /* -1: counted through (NULL) */
};

static enum store_status words_read(struct db *db, struct words *w)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT bit, token, coalesce(counted_to, -1)"
                                      " FROM pledge_searches ORDER BY bit");
    if (!st)
        return STORE_ERROR;
    w->n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && w->n < WORDS_MAX) {
        w->bit[w->n] = sqlite3_column_int(st, 0);
        sq_copy_text(w->token[w->n], sizeof w->token[0], sqlite3_column_text(st, 1));
        w->len[w->n] = (int)strlen(w->token[w->n]);
        w->counted_to[w->n] = sqlite3_column_int64(st, 2);
        w->n++;
    }
    db_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_status(rc);
}

/* A pledge as counted: its key in every group_by and its figures. */
struct counted {
    char keys[DIMS][KEYTAB_KEY];
    int64_t fig[7]; /* pledges, committed_hi, committed_lo, targets_hi, targets_lo, people,
                     * approximate */
};

static void counted_read(sqlite3_stmt *st, int first_key, int first_fig, struct counted *c)
{
    for (int d = 0; d < DIMS; d++)
        sq_copy_text(c->keys[d], KEYTAB_KEY, sqlite3_column_text(st, first_key + d));
    for (int f = 0; f < 7; f++)
        c->fig[f] = sqlite3_column_int64(st, first_fig + f);
}

/* A (word, group_by, key)'s sums are a struct group_sums whose key is
 * bit, '\x1f', dim, '\x1f', key. */

/* Adds (sign 1) or takes away (-1) c's figures under bit, in every group. */
static bool sums_add(struct keytab *t, int bit, const struct counted *c, int sign)
{
    for (int d = 0; d < DIMS; d++) {
        char key[KEYTAB_KEY];
        int n = snprintf(key, sizeof key, "%d\x1f%d\x1f%s", bit, d, c->keys[d]);
        if (n < 0 || n >= KEYTAB_KEY)
            return false; /* group keys are ids, codes and dates: never */
        struct group_sums *s = keytab_find(t, key);
        if (!s)
            return false;
        for (int f = 0; f < 7; f++)
            s->v[f] += sign * c->fig[f];
    }
    return true;
}

static bool mask_add(struct keytab *t, uint64_t mask, const struct counted *c, int sign)
{
    for (int bit = 0; bit < WORDS_MAX; bit++)
        if ((mask >> bit & 1) && !sums_add(t, bit, c, sign))
            return false;
    return true;
}

static enum store_status sums_write(struct db *db, const struct keytab *t)
{
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO pledge_search_groups VALUES"
                                      " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (bit, dim, key)"
                                      GROUPS_ADD_FIGURES);
    if (!st)
        return STORE_ERROR;
    enum store_status status = STORE_OK;
    for (size_t i = 0; i < t->cap && status == STORE_OK; i++) {
        const struct group_sums *s = keytab_slot(t, i);
        bool change = false;
        for (int f = 0; s && f < 7; f++)
            change = change || s->v[f] != 0;
        if (!change) /* a pledge counted again as it was: nothing to add */
            continue;
        char *end;
        long bit = strtol(s->key, &end, 10);
        long dim = strtol(end + 1, &end, 10);
        sqlite3_bind_int(st, 1, (int)bit);
        sqlite3_bind_text(st, 2, groups_dim_names[dim], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, end + 1, -1, SQLITE_STATIC);
        groups_bind_figures(st, 4, s);
        status = sq_run(st);
    }
    return status;
}

/* Writes a pledge's mark: its words and what it was counted with; no mark
 * when it has none of the words. `or`: add the words to a mark there. */
static enum store_status mark_write(struct db *db, int64_t id, uint64_t mask,
                                    const struct counted *c, bool or)
{
    sqlite3_stmt *st;
    if (!mask) {
        st = db_prepare(db, "DELETE FROM pledge_search_marks WHERE id = ?");
        if (!st)
            return STORE_ERROR;
        sqlite3_bind_int64(st, 1, id);
        return sq_run(st);
    }
    st = db_prepare(db, or ? "INSERT INTO pledge_search_marks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
                             " ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                             " mask = mask | excluded.mask"
                           : "INSERT OR REPLACE INTO pledge_search_marks VALUES (?, ?, ?, ?, ?,"
                             " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, (int64_t)mask);
    for (int d = 0; d < DIMS; d++)
        sqlite3_bind_text(st, 3 + d, c->keys[d], -1, SQLITE_STATIC);
    for (int f = 0; f < 7; f++)
        sqlite3_bind_int64(st, 10 + f, c->fig[f]);
    return sq_run(st);
}

/* ---- the fold ------------------------------------------------------------- */

struct found {
    const struct words *w;
    uint64_t mask;
};

static int find_words(void *ctx, int flags, const char *tok, int len, int start, int end)
{
    (void)flags, (void)start, (void)end;
    struct found *f = ctx;
    for (int i = 0; i < f->w->n; i++)
        if (f->w->len[i] == len && memcmp(f->w->token[i], tok, (size_t)len) == 0)
            f->mask |= 1ULL << f->w->bit[i];
    return SQLITE_OK;
}

/* The kept words in text (NULL: none), added to *mask. */
static bool words_in(struct tokenizer *tk, const struct words *w, const unsigned char *text,
                     int len, uint64_t *mask)
{
    if (!text)
        return true;
    struct found f = {w, 0};
    if (tk->api.xTokenize(tk->h, &f, FTS5_TOKENIZE_DOCUMENT, (const char *)text, len,
                          find_words) != SQLITE_OK)
        return false;
    *mask |= f.mask;
    return true;
}

/* The kept words in an announcement's full-text entry (title, summary,
 * sources), remembered for the next pledge of the same announcement. */
struct announcement_words {
    int64_t id; /* 0: none yet */
    uint64_t mask;
};

static enum store_status announcement_mask(struct db *db, struct tokenizer *tk,
                                           const struct words *w, int64_t id,
                                           struct announcement_words *memo)
{
    if (memo->id == id)
        return STORE_OK;
    sqlite3_stmt *st = db_prepare(db, "SELECT title, summary, sources FROM announcements_fts"
                                      " WHERE rowid = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    uint64_t mask = 0;
    int rc = sqlite3_step(st);
    bool ok = true;
    for (int col = 0; rc == SQLITE_ROW && ok && col < 3; col++)
        ok = words_in(tk, w, sqlite3_column_text(st, col), sqlite3_column_bytes(st, col), &mask);
    db_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sq_status(rc);
    if (!ok)
        return STORE_ERROR;
    *memo = (struct announcement_words){id, mask};
    return STORE_OK;
}

/* The words of w in the pledge on st's row: its announcement's (memo) and
 * its description's. The row is a pledge_group_keys row (id, 7 keys, 7
 * figures), then the pledge's announcement_id (15) and description (16). */
static enum store_status row_words(struct db *db, struct tokenizer *tk, const struct words *w,
                                   sqlite3_stmt *st, struct announcement_words *memo,
                                   uint64_t *mask)
{
    enum store_status status = announcement_mask(db, tk, w, sqlite3_column_int64(st, 15), memo);
    *mask = memo->mask;
    if (status == STORE_OK &&
        !words_in(tk, w, sqlite3_column_text(st, 16), sqlite3_column_bytes(st, 16), mask))
        status = STORE_ERROR;
    return status;
}

/* Takes a listed pledge's old count away and counts it as it stands. */
static enum store_status recount(struct db *db, struct tokenizer *tk, const struct words *w,
                                 int64_t id, struct keytab *sums,
                                 struct announcement_words *memo)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT * FROM pledge_search_marks WHERE id = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    bool ok = true;
    if (rc == SQLITE_ROW) {
        struct counted old;
        counted_read(st, 2, 9, &old);
        ok = mask_add(sums, (uint64_t)sqlite3_column_int64(st, 1), &old, -1);
    }
    db_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sq_status(rc);
    if (!ok)
        return STORE_ERROR;

    st = db_prepare(db, "SELECT k.*, p.announcement_id, p.description FROM pledge_group_keys k"
                        " JOIN pledges p ON p.id = k.id WHERE k.id = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    struct counted now;
    uint64_t mask = 0;
    enum store_status status = STORE_OK;
    if (rc == SQLITE_ROW) {
        counted_read(st, 1, 8, &now);
        status = row_words(db, tk, w, st, memo, &mask);
        if (status == STORE_OK && !mask_add(sums, mask, &now, 1))
            status = STORE_ERROR;
    } else if (rc != SQLITE_DONE) {
        status = sq_status(rc);
    }
    db_done(st);
    return status == STORE_OK ? mark_write(db, id, mask, &now, false) : status;
}

/* The listed pledges' ids (malloc'd, *n of them). */
static enum store_status dirty_read(struct db *db, int64_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    sqlite3_stmt *st = db_prepare(db, "SELECT id FROM pledge_search_dirty ORDER BY id");
    if (!st)
        return STORE_ERROR;
    size_t cap = 0;
    int rc;
    enum store_status status = STORE_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            int64_t *grown = realloc(*ids, cap * sizeof *grown);
            if (!grown) {
                status = STORE_ERROR;
                break;
            }
            *ids = grown;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    db_done(st);
    if (status == STORE_OK && rc != SQLITE_DONE)
        status = sq_status(rc);
    return status;
}

enum store_status sq_searches_fold(struct db *db)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT EXISTS (SELECT 1 FROM pledge_search_dirty)");
    if (!st)
        return STORE_ERROR;
    int64_t pending = 0;
    enum store_status status = sq_one_int(st, &pending);
    if (status != STORE_OK || !pending)
        return status;
    struct words w;
    int64_t *ids = NULL;
    size_t n = 0;
    status = words_read(db, &w);
    if (status == STORE_OK)
        status = dirty_read(db, &ids, &n);
    struct tokenizer tk = {0};
    if (status == STORE_OK && w.n && !tokenizer_open(db, &tk))
        status = STORE_ERROR;
    struct keytab sums;
    keytab_init(&sums, sizeof(struct group_sums));
    struct announcement_words memo = {0};
    for (size_t i = 0; status == STORE_OK && w.n && i < n; i++)
        status = recount(db, &tk, &w, ids[i], &sums, &memo);
    tokenizer_close(&tk);
    free(ids);
    if (status == STORE_OK)
        status = sums_write(db, &sums);
    keytab_free(&sums);
    st = status == STORE_OK ? db_prepare(db, "DELETE FROM pledge_search_dirty") : NULL;
    return st ? sq_run(st) : status == STORE_OK ? STORE_ERROR : status;
}

/* ---- keeping a word, in steps ------------------------------------------- */

static atomic_llong step_pledges = 4096;

void store_search_totals_step_set(long long pledges)
{
    atomic_store(&step_pledges, pledges < 1 ? 1 : pledges);
}

long long sq_search_step(void)
{
    return atomic_load(&step_pledges);
}

bool sq_search_keep_init(struct search_keep *k, const char *token)
{
    size_t len = strlen(token);
    if (len > SEARCH_TOKEN_MAX)
        return false;
    *k = (struct search_keep){.from = -1};
    memcpy(k->token, token, len + 1);
    return true;
}

/* A row whose full-text entry this transaction will rewrite: its pledges
 * are left to the fold, which counts them after the rewrite (a step reads
 * an announcement's words from its entry). */
static bool list_marked(void *ctx, enum fts_table table, int64_t id)
{
    struct db *db = ctx;
    sqlite3_stmt *st = db_prepare(db, table == FTS_PLEDGES
                                          ? "INSERT OR IGNORE INTO pledge_search_dirty VALUES (?)"
                                          : "INSERT OR IGNORE INTO pledge_search_dirty"
                                            " SELECT id FROM pledges WHERE announcement_id = ?");
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, id);
    return sq_run(st) == STORE_OK;
}

/* The lowest bit no word has, or -1. */
static int free_bit(const struct words *w)
{
    uint64_t used = 0;
    for (int i = 0; i < w->n; i++)
        used |= 1ULL << w->bit[i];
    for (int bit = 0; bit < WORDS_MAX; bit++)
        if (!(used >> bit & 1))
            return bit;
    return -1;
}

/* Finds k's word among the kept (*bit, and where its count stands in
 * *from), or keeps it with nothing counted yet. *bit -1: 63 are kept. */
static enum store_status word_find_or_add(struct db *db, const struct search_keep *k, int *bit,
                                          long long *from)
{
    struct words w;
    enum store_status status = words_read(db, &w);
    *bit = -1;
    for (int i = 0; status == STORE_OK && i < w.n; i++)
        if (strcmp(w.token[i], k->token) == 0) {
            *bit = w.bit[i];
            *from = w.counted_to[i];
            return STORE_OK;
        }
    if (status != STORE_OK || (*bit = free_bit(&w)) < 0)
        return status;
    *from = 0;
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO pledge_searches VALUES (?, ?, 0)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, *bit);
    sqlite3_bind_text(st, 2, k->token, -1, SQLITE_STATIC);
    return sq_run(st);
}

/* Counts the word (one->token[0]) in up to `limit` pledges after id *from, in
 * order of id, and moves *from to the last one read (-1: none were left).
 * Passed over: pledges listed to be counted again (the fold counts them)
 * and those whose mark has the word (the fold counted them with it). */
static enum store_status count_step(struct db *db, const struct words *one, long long *from,
                                    long long limit, long long *found)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT k.*, p.announcement_id, p.description, m.mask"
                                      " FROM pledge_group_keys k JOIN pledges p ON p.id = k.id"
                                      " LEFT JOIN pledge_search_marks m ON m.id = k.id"
                                      " WHERE k.id > ?1 AND k.id NOT IN"
                                      " (SELECT id FROM pledge_search_dirty)"
                                      " ORDER BY k.id LIMIT ?2");
    struct tokenizer tk = {0};
    if (!st || !tokenizer_open(db, &tk)) {
        db_done(st);
        tokenizer_close(&tk);
        return STORE_ERROR;
    }
    sqlite3_bind_int64(st, 1, *from);
    sqlite3_bind_int64(st, 2, limit);
    uint64_t bit = 1ULL << one->bit[0];
    struct keytab sums;
    keytab_init(&sums, sizeof(struct group_sums));
    struct announcement_words memo = {0};
    enum store_status status = STORE_OK;
    long long read = 0;
    int rc;
    while (status == STORE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        *from = id;
        read++;
        if ((uint64_t)sqlite3_column_int64(st, 17) & bit)
            continue;
        uint64_t mask;
        status = row_words(db, &tk, one, st, &memo, &mask);
        if (status != STORE_OK || !mask)
            continue;
        struct counted c;
        counted_read(st, 1, 8, &c);
        (*found)++;
        status = sums_add(&sums, one->bit[0], &c, 1) ? mark_write(db, id, bit, &c, true)
                                                     : STORE_ERROR;
    }
    if (status == STORE_OK && rc != SQLITE_DONE)
        status = sq_status(rc);
    db_done(st);
    tokenizer_close(&tk);
    if (status == STORE_OK)
        status = sums_write(db, &sums);
    keytab_free(&sums);
    if (read < limit)
        *from = -1;
    return status;
}

/* Where the word's count stands: id, or -1 for NULL (counted through). */
static enum store_status counted_to_write(struct db *db, int bit, long long to)
{
    sqlite3_stmt *st = db_prepare(db, "UPDATE pledge_searches SET counted_to = ?2 WHERE bit = ?1");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, bit);
    if (to >= 0)
        sqlite3_bind_int64(st, 2, to);
    return sq_run(st);
}

static long long ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (long long)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

enum store_status sq_search_keep(struct db *db, void *ctx)
{
    struct search_keep *k = ctx;
    k->more = false;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int bit;
    long long from;
    enum store_status status = word_find_or_add(db, k, &bit, &from);
    if (status == STORE_OK && bit < 0)
        atomic_store(&words_full, true);
    if (status != STORE_OK || bit < 0 || from < 0)
        return status; /* 63 kept, or counted through already */
    if (from == k->from)
        return STORE_OK; /* the last step's batch did not commit: a request resumes */
    k->from = from;
    /* Rows written earlier in this transaction have no full-text entry yet
     * (fts_sync.h): the fold counts them. */
    status = sq_fts_each_mark(db, list_marked, db);
    /* A step touches pages all over the pledges and fills the marks: in the
     * writer's usual 16 MiB cache they would stay (the daemon's peak memory
     * at a million pledges went from 42 to 63 MiB when one write counted a
     * word); 2 MiB while it runs, as a bulk load's index rebuild (tx.c). */
    if (status == STORE_OK && db_exec(db, "PRAGMA cache_size=-2000") != SQLITE_OK)
        status = STORE_ERROR;
    struct words one = {.n = 1, .bit = {bit}, .len = {(int)strlen(k->token)}};
    memcpy(one.token[0], k->token, sizeof k->token);
    if (status == STORE_OK)
        status = count_step(db, &one, &from, sq_search_step(), &k->found);
    db_exec(db, DB_WRITER_CACHE);
    if (status == STORE_OK)
        status = counted_to_write(db, bit, from);
    if (status != STORE_OK)
        return status;
    long long ms = ms_since(&t0);
    k->steps++;
    k->total_ms += ms;
    k->longest_ms = ms > k->longest_ms ? ms : k->longest_ms;
    k->more = from >= 0;
    if (!k->more) { /* for the operator: what keeping it cost the writes waiting */
        char line[256];
        snprintf(line, sizeof line, "kept the totals of the search '%s': %d steps of up to"
                 " %lld pledges found it in %lld, %lld ms in all, the longest %lld ms",
                 k->token, k->steps, sq_search_step(), k->found, k->total_ms, k->longest_ms);
        log_info(line);
    }
    return STORE_OK;
}

enum store_status sq_searches_forget(struct db *db)
{
    atomic_store(&words_full, false);
    if (db_exec(db, "DELETE FROM pledge_searches; DELETE FROM pledge_search_groups;"
                    " DELETE FROM pledge_search_marks; DELETE FROM pledge_search_dirty;") !=
        SQLITE_OK)
        return db_busy_seen() ? STORE_BUSY : STORE_ERROR;
    return STORE_OK;
}
