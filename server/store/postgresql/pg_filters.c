/* pg_filters — record filters as PostgreSQL clauses (see pg_records.h),
 * the same filters store/sqlite/filters.c builds for SQLite.
 *
 * Free text: each word a user typed (a run without white space that has a
 * letter or digit; a trailing '*' asks for a prefix) becomes a phrase of
 * its folded lexemes, and the words are ANDed, as SQLite's FTS5 query of
 * quoted phrases does. Nothing typed is tsquery syntax: the words reach
 * PostgreSQL as an array parameter and are quoted there. */
#include "pg_records.h"

#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* q's words as two array literals: the words and whether each is a prefix. */
static bool words_of(const char *q, struct buf *words, struct buf *prefixes)
{
    bool ok = buf_putc(words, '{') && buf_putc(prefixes, '{');
    const char *word;
    size_t len;
    bool prefix;
    for (size_t n = 0; ok && text_next_word(&q, &word, &len, &prefix); n++) {
        if (n)
            ok = buf_putc(words, ',') && buf_putc(prefixes, ',');
        ok = ok && buf_putc(words, '"');
        for (size_t i = 0; i < len && ok; i++) {
            if (word[i] == '"' || word[i] == '\\')
                ok = buf_putc(words, '\\');
            ok = ok && buf_putc(words, word[i]);
        }
        ok = ok && buf_putc(words, '"') && buf_puts(prefixes, prefix ? "t" : "f");
    }
    return ok && buf_putc(words, '}') && buf_putc(prefixes, '}');
}

/* The tsquery of q's words, as text; NULL (matching nothing) when no word
 * has a lexeme. */
static enum store_status tsquery_of(struct db *db, const char *q, char **out)
{
    *out = NULL;
    struct buf words, prefixes;
    buf_init(&words, strlen(q) * 2 + 16);
    buf_init(&prefixes, strlen(q) * 2 + 16);
    enum store_status st = STORE_ERROR;
    if (words_of(q, &words, &prefixes)) {
        const char *params[] = {buf_str(&words), buf_str(&prefixes)};
        PGresult *r = pg_run(
            pg_of(db),
            "SELECT string_agg('(' || t::text || ')', ' & ') FROM (SELECT CASE WHEN pre"
            " THEN to_tsquery('simple', '''' || replace(replace(pledged_fold(w), '\\', '\\\\'),"
            " '''', '''''') || ''':*') ELSE phraseto_tsquery('simple', pledged_fold(w)) END AS t"
            " FROM unnest($1::text[], $2::bool[]) AS u(w, pre)) s WHERE numnode(t) > 0",
            2, params, &st, NULL);
        if (r && !PQgetisnull(r, 0, 0) && !(*out = strdup(PQgetvalue(r, 0, 0))))
            st = STORE_ERROR;
        PQclear(r);
    }
    buf_free(&words);
    buf_free(&prefixes);
    return st;
}

static void pledge_clauses(const struct record_filter *f, struct pg_filter *pf,
                           struct pg_params *pp)
{
    struct buf *w = &pf->where;
    if (f->joint)
        buf_puts(w, " AND p.company_id IS NULL");
    else if (f->company)
        buf_printf(w, " AND p.company_id = $%d::bigint", pg_param(pp, pf->company_id));
    if (f->country[0])
        buf_printf(w, " AND p.country = $%d", pg_param(pp, f->country));
    if (f->from[0])
        buf_printf(w, " AND p.announced_on >= $%d::date", pg_param(pp, f->from));
    if (f->to[0])
        buf_printf(w, " AND p.announced_on <= $%d::date", pg_param(pp, f->to));
    if (f->q) { /* the pledge's words, or its announcement's */
        int n = pg_param(pp, pf->tsquery);
        buf_printf(w, " AND (p.search @@ $%d::tsquery OR p.announcement_id IN (SELECT id FROM"
                      " announcements WHERE search @@ $%d::tsquery))", n, n);
    }
    if (f->announcement_id)
        buf_printf(w, " AND p.announcement_id = $%d::bigint", pg_param_int(pp, f->announcement_id));
    if (f->kind)
        buf_printf(w, " AND p.kind = $%d", pg_param(pp, f->kind));
    if (f->status)
        buf_printf(w, " AND p.status = $%d", pg_param(pp, f->status));
    if (f->currency[0])
        buf_printf(w, " AND p.amount_currency = $%d", pg_param(pp, f->currency));
    if (f->approximate == 1)
        buf_puts(w, " AND (p.amount_qualifier IS NOT NULL OR p.people_qualifier IS NOT NULL)");
    else if (f->approximate == 0)
        buf_puts(w, " AND p.amount_qualifier IS NULL AND p.people_qualifier IS NULL");
    if (f->min_usd >= 0)
        buf_printf(w, " AND p.amount_usd_minor >= $%d::bigint", pg_param_int(pp, f->min_usd));
    if (f->max_usd >= 0)
        buf_printf(w, " AND p.amount_usd_minor <= $%d::bigint", pg_param_int(pp, f->max_usd));
}

static void announcement_clauses(const struct record_filter *f, struct pg_filter *pf,
                                 struct pg_params *pp)
{
    struct buf *w = &pf->where;
    if (f->company)
        buf_printf(w, " AND a.id IN (SELECT announcement_id FROM announcement_companies"
                      " WHERE company_id = $%d::bigint)", pg_param(pp, pf->company_id));
    if (f->country[0])
        buf_printf(w, " AND a.id IN (SELECT announcement_id FROM announcement_countries"
                      " WHERE country = $%d)", pg_param(pp, f->country));
    if (f->from[0])
        buf_printf(w, " AND a.announced_on >= $%d::date", pg_param(pp, f->from));
    if (f->to[0])
        buf_printf(w, " AND a.announced_on <= $%d::date", pg_param(pp, f->to));
    if (f->q)
        buf_printf(w, " AND a.search @@ $%d::tsquery", pg_param(pp, pf->tsquery));
}

enum store_status pg_filter_init(struct db *db, const struct record_filter *f,
                                 struct pg_params *pp, struct pg_filter *out)
{
    memset(out, 0, sizeof *out);
    buf_init(&out->where, 4096);
    enum store_status st = STORE_OK;
    if (f->company && !f->joint) {
        int64_t id = 0;
        st = store_company_ids(db, &f->company, 1, &id);
        snprintf(out->company_id, sizeof out->company_id, "%lld", id ? (long long)id : -1LL);
    }
    if (st == STORE_OK && f->q)
        st = tsquery_of(db, f->q, &out->tsquery);
    if (st != STORE_OK)
        return st;
    if (f->target == FILTER_PLEDGES)
        pledge_clauses(f, out, pp);
    else
        announcement_clauses(f, out, pp);
    return STORE_OK;
}

void pg_filter_free(struct pg_filter *pf)
{
    buf_free(&pf->where);
    free(pf->tsquery);
    pf->tsquery = NULL;
}
