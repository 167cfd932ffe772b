/* usd — the refresh that brings the pledges' stored USD values (their
 * value at the rate in force on the announcement's date, or why there is
 * none: usd_value.c) in step when rates or dates change
 * (store_pledges_refresh_usd in store.h), in SQLite. */
#include "records_sql.h"
#include "usd_value.h"

#include "db.h"
#include "engine.h"
#include "rates.h"
#include "sq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool step_done(sqlite3_stmt *st, enum store_status *status)
{
    *status = sq_run(st);
    return *status == STORE_OK;
}

/* Whether the stored USD columns of the row sel is on (see refresh) say
 * the same as usd. */
static bool same_usd(sqlite3_stmt *sel, const struct store_usd *usd)
{
    const char *old_rate = (const char *)sqlite3_column_text(sel, 5);
    const char *old_date = (const char *)sqlite3_column_text(sel, 6);
    const char *old_err = (const char *)sqlite3_column_text(sel, 7);
    const char *old_src = (const char *)sqlite3_column_text(sel, 8);
    bool stored = sqlite3_column_type(sel, 4) != SQLITE_NULL;
    if (!usd->known)
        return !stored && old_err && strcmp(old_err, usd->error) == 0;
    return stored && sqlite3_column_int64(sel, 4) == usd->cents && old_rate &&
           strcmp(old_rate, usd->rate) == 0 && old_date &&
           strcmp(old_date, usd->rate_date) == 0 &&
           strcmp(old_src ? old_src : "", usd->rate_source) == 0;
}

struct usd_change {
    int64_t id;
    struct store_usd usd;
};

static enum store_status write_usd(struct db *db, const struct usd_change *c, const char *now)
{
    sqlite3_stmt *up = db_prepare(db, "UPDATE pledges SET amount_usd_minor = ?, usd_rate = ?,"
                                      " usd_rate_date = ?, usd_error = ?, updated_at = ?,"
                                      " usd_rate_source = ?7 WHERE id = ?6");
    if (!up)
        return STORE_ERROR;
    const struct store_usd *u = &c->usd;
    if (u->known) {
        sqlite3_bind_int64(up, 1, u->cents);
        sqlite3_bind_text(up, 2, u->rate, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 3, u->rate_date, -1, SQLITE_STATIC);
        sq_bind_text_or_null(up, 7, u->rate_source);
    } else {
        sqlite3_bind_text(up, 4, u->error, -1, SQLITE_STATIC);
    }
    sqlite3_bind_text(up, 5, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(up, 6, c->id);
    enum store_status status;
    step_done(up, &status);
    return status;
}

enum store_status sq_pledges_refresh_usd(struct db *db, const char *currency,
                                            const char *from, const char *to, int64_t ann_id)
{
    sqlite3_stmt *sel = db_prepare(
        db, "SELECT id, amount_currency, amount_minor, announced_on, amount_usd_minor, usd_rate,"
            " usd_rate_date, usd_error, usd_rate_source FROM pledges WHERE amount_currency IS NOT NULL"
            " AND (?1 IS NULL OR amount_currency = ?1) AND (?2 IS NULL OR announced_on >= ?2)"
            " AND (?3 IS NULL OR announced_on <= ?3) AND (?4 = 0 OR announcement_id = ?4)");
    if (!sel)
        return STORE_ERROR;
    sq_bind_text_or_null(sel, 1, currency);
    sq_bind_text_or_null(sel, 2, from);
    sq_bind_text_or_null(sel, 3, to);
    sqlite3_bind_int64(sel, 4, ann_id);
    /* Collect first: updating rows while stepping over them is fragile. */
    struct usd_change *changes = NULL;
    size_t n = 0, cap = 0;
    enum store_status status = STORE_OK;
    int rc;
    while (status == STORE_OK && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
        const struct currency *c = currency_find((const char *)sqlite3_column_text(sel, 1));
        struct store_usd usd;
        status = c ? store_usd_value(db, c, (uint64_t)sqlite3_column_int64(sel, 2),
                               (const char *)sqlite3_column_text(sel, 3), &usd)
                   : STORE_ERROR;
        if (status != STORE_OK || same_usd(sel, &usd))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            struct usd_change *grown = realloc(changes, cap * sizeof *changes);
            if (!grown) {
                status = STORE_ERROR;
                continue;
            }
            changes = grown;
        }
        changes[n].id = sqlite3_column_int64(sel, 0);
        changes[n].usd = usd;
        n++;
    }
    if (status == STORE_OK && rc != SQLITE_DONE)
        status = sq_status(rc);
    db_done(sel);
    char now[21];
    db_now(now);
    for (size_t i = 0; status == STORE_OK && i < n; i++)
        status = write_usd(db, &changes[i], now);
    free(changes);
    return status;
}
